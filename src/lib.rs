//! spoolsim: a MAPI-style mail spooler and its transports, simulated on deterministic virtual time.
//!
//! # Layers
//!
//! The crate is built in layers. Each module uses only the modules listed before it, never one
//! after it, so each can be read, tested and changed knowing only what lies below
//! (`tests/layers.rs` checks every `crate::` and `super::` path against this list):
//!
//! | layer | module | holds |
//! | --- | --- | --- |
//! | 0 | [`sim`] | virtual time, the ordered calendar, seeded random streams, exact latency samples and their nearest-rank percentiles, and the ids of transports, flush calls and messages |
//! | 1 | [`mapi`] | what a MAPI program and a provider share: tags, constants, `FlushFlags`, `HResult` and how results combine, property values, restrictions, tables, table notifications |
//! | 2 | [`model`] | the scenario model: transports, traffic, scripted calls, faults, expectations |
//! | 3 | [`trace`] | the events of a run and the recorder each actor writes them to |
//! | 4 | [`protocol`] | what the spooler and the transports say to each other: commands, batches, settlements, phase results |
//! | 5 | [`transport`] | the transport actors (LAN and dial-up) and their state machine |
//! | 6 | [`spooler`] | the spooler actor, its state machine, its outbound queues and the live status rows it keeps |
//! | 7 | [`client`] | the client's side: the session, the status table and status objects, the two seed procedures |
//! | 8 | [`scenario`] | scenario files, the runner that plays a scenario, metrics and expectations |
//! | 9 | [`report`] | the text and JSON reports, the JSON-lines trace, the SVG plot, the Chrome timeline |
//! | 10 | [`bench`](mod@bench) | the benchmark cases, their in-process floors and raw-channel baselines, and the scenario files of the cases run as `spoolsim run` |
//! | 11 | [`cli`] | the command line |
//!
//! # Where a flush request goes
//!
//! A client calls [`client::StatusObject::flush_queues`]. The status object sends the call to
//! the spooler actor through its [`spooler::SpoolerHandle`]; the spooler's state machine
//! ([`spooler::SpoolerState`]) checks the call, decides which transports it covers and hands each
//! one its queued mail as a [`protocol::TransportCmd`]. A transport's state machine
//! ([`transport::TransportState`]) works out when every message completes and asks the calendar
//! ([`sim::Clock`]) to wake it at each checkpoint; it reports what it settled and the end of
//! its part of the flush as [`protocol::Report`]s. When every part has ended, the spooler answers
//! the call. Each actor writes what happened to its own [`trace::Recorder`]; the runner
//! ([`scenario::run`]) pops the calendar, wakes each entry's target, and at the end merges the
//! recorders into one trace, from which [`report`] computes everything it shows.
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
