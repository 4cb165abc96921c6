//! The machinery of simulated time: the calendar, seeded randomness and the event trace.

pub mod calendar;
pub mod rng;
pub mod samples;
pub mod time;
pub mod trace;

pub use calendar::{Class, Clock, Key, Target, CREATED};
pub use rng::{Dist, SimRng, Stream};
pub use time::{format_duration, parse_duration, Micros};
pub use trace::{Actor, Event, EventKind, FlushId, Object, Origin, Recorder};
