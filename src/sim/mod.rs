//! The machinery of simulated time: virtual time, the ordered calendar, seeded randomness and
//! exact latency samples.

pub mod calendar;
pub mod rng;
pub mod samples;
pub mod time;

pub use calendar::{Class, Clock, Key, Target, CREATED};
pub use rng::{Dist, SimRng, Stream};
pub use time::{format_duration, parse_duration, Micros};
