//! spoolsim: a MAPI-style mail spooler and its transports, simulated on deterministic virtual time.
#![forbid(unsafe_code)]
#![warn(missing_docs)]
#![warn(clippy::too_many_lines)]

pub mod bench;
pub mod cli;
pub mod client;
pub mod mapi;
pub mod model;
pub mod protocol;
pub mod report;
pub mod scenario;
pub mod sim;
pub mod spooler;
pub mod trace;
pub mod transport;
