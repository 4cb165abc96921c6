//! The machinery of simulated time: virtual time, the ordered calendar, seeded randomness,
//! exact latency samples and their nearest-rank percentiles, and the ids every layer above names
//! things by.

pub mod calendar;
pub mod ids;
pub mod min_queue;
pub mod percentile;
pub mod rng;
pub mod samples;
pub mod time;

pub use calendar::{Class, Clock, Key, StepFn, Target, WakeToken, CREATED};
pub use ids::{FlushId, MsgId, TransportId, ValidateId};
pub use rng::{Dist, SimRng, Stream};
pub use time::{format_duration, Micros};
