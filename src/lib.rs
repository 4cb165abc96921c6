//! spoolsim: a MAPI-style mail spooler and its transports, simulated on deterministic virtual time.
//!
//! # Getting started
//!
//! Most users drive spoolsim through its command line (`spoolsim run`, `check`, `sweep`; see
//! `docs/cli.md`). The same engine is a library, in three steps: read a scenario, run it,
//! look at what happened.
//!
//! ## Run a scenario file and read its metrics
//!
//! A scenario is TOML text (`docs/scenario-format.md`). [`scenario::parse_scenario`] checks it
//! as `spoolsim validate` does; [`scenario::run`] plays it on virtual time, so the answer is the
//! same on every machine; [`report::Outcome`] computes every metric of `docs/metrics.md` and
//! checks the scenario's `[expect]` table.
//!
//! ```
//! use spoolsim::report::Outcome;
//! use spoolsim::scenario::{parse_scenario, run, RunOptions};
//!
//! let text = r#"
//! name = "two-mails"
//!
//! [[transport]]
//! name = "lan"
//! kind = "lan"
//! address_types = ["SMTP"]
//! per_message = "2s"
//! send = "on-demand"
//!
//! [[mail]]
//! at = "0s"
//! to = "SMTP:bob@example.com"
//! count = 2
//!
//! [[flush]]
//! name = "morning"
//! at = "1m"
//! via = "spooler"
//! flags = ["FLUSH_UPLOAD"]
//!
//! [expect]
//! "flush.morning.returned_at" = "1m 4s"
//! "#;
//! let parsed = parse_scenario(text, "two-mails.toml").expect("a valid scenario");
//! let outcome = Outcome::new(&parsed.scenario, run(&parsed.scenario, &RunOptions::default()));
//!
//! // Metrics by their documented names; flushes by number or by name.
//! assert_eq!(outcome.metrics.get("delivered").unwrap().to_string(), "2");
//! assert_eq!(outcome.metrics.get("flush.1.result").unwrap().to_string(), "S_OK");
//! assert!(outcome.passed(), "{:?}", outcome.failures());
//! ```
//!
//! A mistake in the text is an error that names the file, line and key, as on the command line:
//!
//! ```
//! use spoolsim::scenario::parse_scenario;
//!
//! let err = parse_scenario("[[transport]]\nname = \"lan\"\nkind = \"lna\"\n", "bad.toml")
//!     .unwrap_err()
//!     .to_string();
//! assert!(err.contains("bad.toml:3"), "{err}");
//! assert!(err.contains("kind"), "{err}");
//! ```
//!
//! ## Drive the MAPI surface yourself
//!
//! [`scenario::run_with`] starts your own client program beside the scenario's script. It gets
//! a [`client::Session`] with the status table and status objects a MAPI client uses; every
//! `await` on it takes virtual time, never wall time. Here the client finds the spooler's row
//! with a property restriction, opens it and flushes every transport's outbound queue:
//!
//! ```
//! use spoolsim::mapi::constants::{MAPI_SPOOLER, RELOP_EQ};
//! use spoolsim::mapi::tags::{PR_ENTRYID, PR_RESOURCE_TYPE};
//! use spoolsim::mapi::{hr_query_all_rows, FlushFlags, HResult, MapiTable, SPropValue, SRestriction};
//! use spoolsim::scenario::{parse_scenario, run_with, RunOptions};
//! use spoolsim::sim::time::SECOND;
//!
//! let text = r#"
//! name = "by-hand"
//! [[transport]]
//! name = "lan"
//! kind = "lan"
//! address_types = ["SMTP"]
//! per_message = "1s"
//! send = "on-demand"
//! [[mail]]
//! at = "0s"
//! to = "SMTP:ann@example.com"
//! count = 3
//! "#;
//! let scenario = parse_scenario(text, "by-hand.toml").unwrap().scenario;
//! let (run, answer) = run_with(&scenario, &RunOptions::default(), |client| async move {
//!     client.sleep_until(10 * SECOND).await;
//!     let session = client.session().clone();
//!     let mut table = session.get_status_table(0).unwrap();
//!     table.set_columns(&[PR_ENTRYID, PR_RESOURCE_TYPE], 0).unwrap();
//!     let spooler_only = SRestriction::property(
//!         RELOP_EQ,
//!         PR_RESOURCE_TYPE,
//!         SPropValue::long(PR_RESOURCE_TYPE, MAPI_SPOOLER),
//!     );
//!     let rows = hr_query_all_rows(&mut table, None, Some(&spooler_only), None, 0).unwrap();
//!     let (_, spooler) = session.open_entry(&rows[0].entry_id().unwrap(), None, 0).unwrap();
//!     let result = spooler.flush_queues(0, None, FlushFlags::UPLOAD).await;
//!     (result, client.now())
//! });
//! // Three 1 s transfers from 10 s: the call returns at 13 s.
//! assert_eq!(answer, Some((HResult::S_OK, 13 * SECOND)));
//! assert_eq!(run.inbox, 0);
//! ```
//!
//! The two procedures of MAPI's "send or receive mail on demand" article, written step for step
//! against this API, are `examples/flush_all.rs` and `examples/flush_each.rs`
//! (`cargo run --example flush_all`).
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
//! | 1 | [`mapi`] | what a MAPI program and a provider share: tags, constants, `FlushFlags`, `ValidateFlags`, `HResult` and how results combine, property values, restrictions, tables, table notifications |
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
//! ([`scenario::run`]) pops the calendar, hands each entry to its target (in place: every task
//! is parked when an entry is due), and at the end merges the recorders into one trace, from
//! which [`report`] computes everything it shows.
//!
//! A [`client::StatusObject::validate_state`] call takes the same road and is answered at once;
//! the spooler then tells a transport to hang up (`FORCE_XP_DISCONNECT`) before it records the
//! row's new status, or starts a flush of it (`FORCE_XP_CONNECT`) as above.
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
