//! The client's side of MAPI: the session, its status table and status objects, and the two
//! seed procedures that flush through them.
//!
//! Everything a program running inside the simulation does goes through here: it reads the
//! status rows the spooler keeps ([`crate::spooler::status`]) and sends `FlushQueues` to the
//! spooler actor through its handle.

pub mod procedures;
pub mod session;

pub use session::{Session, StatusObject, StatusTable};
