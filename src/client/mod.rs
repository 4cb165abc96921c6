//! The client's side of MAPI: the session, its status table and status objects, the two seed
//! procedures that flush through them, and the [`Client`] handed to a program running inside
//! the simulation.
//!
//! Everything a program running inside the simulation does goes through here: it reads the
//! status rows the spooler keeps ([`crate::spooler::status`]) and sends `FlushQueues` to the
//! spooler actor through its handle.

pub mod procedures;
pub mod program;
pub mod session;

pub use program::Client;
pub use session::{Session, StatusObject, StatusTable};
