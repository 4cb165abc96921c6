//! The client's side of MAPI: the session, its status table and status objects, the two seed
//! procedures that flush through them, and the [`Client`] handed to a program running inside
//! the simulation.
//!
//! Everything a program running inside the simulation does goes through here: it reads the
//! status rows the spooler keeps ([`crate::spooler::status`]) and sends `FlushQueues` and
//! `ValidateState` to the spooler actor through its handle.
//!
//! # The MAPI calls a program makes
//!
//! - [`Session`] (`IMAPISession`): [`Session::get_status_table`] (`GetStatusTable`, with or
//!   without `MAPI_UNICODE`), [`Session::open_entry`] (`OpenEntry` on a row's `PR_ENTRYID`,
//!   giving `MAPI_STATUS` and the status object).
//! - [`StatusTable`] (`IMAPITable` over the status rows, see [`crate::mapi::MapiTable`]):
//!   `SetColumns`, `QueryColumns`, `Restrict`, `SortTable`, `QuerySortOrder`, `SeekRow`,
//!   `FindRow`, `QueryPosition`, `QueryRows`, `GetRowCount`, [`crate::mapi::hr_query_all_rows`],
//!   and [`StatusTable::advise`] / [`StatusTable::unadvise`] (`Advise(fnevTableModified)`).
//! - [`StatusObject`] (`IMAPIStatus`): [`StatusObject::get_props`],
//!   [`StatusObject::flush_queues`] (`FlushQueues`) and [`StatusObject::validate_state`]
//!   (`ValidateState`, on every status object: `FORCE_XP_DISCONNECT` hangs a transport up and
//!   keeps it offline, `FORCE_XP_CONNECT` brings it back and flushes it when it has work).
//!
//! # Watching one flush through the status table
//!
//! A program advises the status table, flushes, and reads every change of the rows' status
//! codes that the flush made, each at its virtual time, with the row's position in the view and
//! the columns it chose:
//!
//! ```
//! use spoolsim::mapi::constants::{fnevTableModified, status_code_names};
//! use spoolsim::mapi::tags::{PR_DISPLAY_NAME_A, PR_STATUS_CODE};
//! use spoolsim::mapi::{FlushFlags, HResult, MapiTable};
//! use spoolsim::scenario::{parse_scenario, run_with, RunOptions};
//!
//! let text = r#"
//! name = "watch-one-flush"
//! [[transport]]
//! name = "lan"
//! kind = "lan"
//! address_types = ["SMTP"]
//! per_message = "2s"
//! send = "on-demand"
//! receive = "on-demand"
//! [[mail]]
//! at = "0s"
//! to = "SMTP:bob@example.com"
//! count = 2
//! "#;
//! let scenario = parse_scenario(text, "watch.toml").unwrap().scenario;
//! let (_, lines) = run_with(&scenario, &RunOptions::default(), |client| async move {
//!     let session = client.session().clone();
//!     let mut table = session.get_status_table(0).unwrap();
//!     table.set_columns(&[PR_DISPLAY_NAME_A, PR_STATUS_CODE], 0).unwrap();
//!     let (connection, mut changes) = table.advise(fnevTableModified).unwrap();
//!     client.sleep_until(60_000_000).await; // 1 minute
//!     let both = FlushFlags::UPLOAD | FlushFlags::DOWNLOAD;
//!     let result = session.spooler_status().flush_queues(0, None, both).await;
//!     assert_eq!(result, HResult::S_OK);
//!     let mut lines = Vec::new();
//!     while let Some(n) = changes.try_next() {
//!         let name = n.row.string(PR_DISPLAY_NAME_A).unwrap_or("?");
//!         let code = status_code_names(n.row.long(PR_STATUS_CODE).unwrap_or(0));
//!         let row = n.row_index.unwrap();
//!         lines.push(format!("{} us  row {row} ({name}): {code}", n.at));
//!     }
//!     table.unadvise(connection).unwrap();
//!     lines
//! });
//! let lines = lines.unwrap();
//! for line in &lines {
//!     println!("{line}");
//! }
//! assert_eq!(
//!     lines,
//!     [
//!         "60000000 us  row 3 (lan): STATUS_AVAILABLE | STATUS_OUTBOUND_FLUSH",
//!         "64000000 us  row 3 (lan): STATUS_AVAILABLE",
//!         "64000000 us  row 3 (lan): STATUS_AVAILABLE | STATUS_INBOUND_FLUSH",
//!         "64000000 us  row 3 (lan): STATUS_AVAILABLE",
//!     ]
//! );
//! ```

pub mod procedures;
pub mod program;
pub mod session;

pub use program::Client;
pub use session::{Session, StatusObject, StatusTable};
