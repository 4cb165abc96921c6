//! What the spooler and the transports say to each other.
//!
//! The spooler hands a transport work as [`TransportCmd`]s; a transport answers with
//! [`Report`]s: what it settled ([`Settled`]) and which flush phases it finished
//! ([`PhaseDone`]). Both actors import this module and neither imports the other: a transport
//! reports through any [`ReportSink`] (the spooler's handle is one; tests use a vector), so it
//! can be built and driven without a spooler.
//!
//! Mail travels as [`QueuedMsg`]s in [`Batch`]es: ids and times, never a payload (a scenario
//! gives a message a size, not content), and a batch is moved whole from the spooler's queue to
//! the transport, never copied message by message.

use std::collections::VecDeque;

use crate::mapi::HResult;
use crate::sim::{FlushId, Micros, MsgId, TransportId, WakeToken};

/// One outbound message as the spooler and transports see it: 16 bytes. The count of failed
/// attempts, which only retried mail needs, lives in the spooler's side table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QueuedMsg {
    /// Submission time.
    pub submitted_at: Micros,
    /// Message id, unique in the run.
    pub id: MsgId,
    /// Size in bytes (at most 4 GiB - 1).
    pub size: u32,
}

/// A batch of outbound messages handed over at once, oldest first.
pub type Batch = VecDeque<QueuedMsg>;

/// A command from the spooler (or the calendar) to a transport.
#[derive(Debug)]
pub enum TransportCmd {
    /// Move these outbound messages, after everything handed over before them. With a flush,
    /// report that flush's outbound phase done once they (and all before them) are settled.
    Upload {
        /// The batch, oldest first. Boxed to keep every command small: tokio's channel
        /// allocates room for 32 commands when it is made, one channel per transport.
        msgs: Box<Batch>,
        /// The flush whose phase this is, if any.
        flush: Option<FlushId>,
    },
    /// Download everything waiting at the remote end when this command's turn comes.
    Download {
        /// The flush whose phase this is, if any.
        flush: Option<FlushId>,
    },
    /// Inbound mail with ids `first..first + count` arrived at the remote end now.
    Arrive {
        /// First remote message id.
        first: MsgId,
        /// How many.
        count: u32,
    },
    /// An offline spell until the given time: attempts starting before then fail.
    Offline(Micros),
    /// A dial-up line drops.
    DropLine,
    /// A calendar wake-up the transport asked for.
    Wake(WakeToken),
}

/// What a transport reports back to the spooler.
#[derive(Debug)]
pub enum Report {
    /// Work settled since the last report.
    Settled(Settled),
    /// A flush phase ended.
    PhaseDone(PhaseDone),
}

/// Where a transport sends its reports: the spooler's handle in a run, anything that keeps
/// them in a test.
pub trait ReportSink: Send + Sync + std::fmt::Debug {
    /// Transport `from` reports `report`.
    fn report(&self, from: TransportId, report: Report);

    /// Transport `from` reports `report` while every other task is parked with an empty
    /// mailbox (the runner is handing it a calendar wake-up in place): the sink's actor would
    /// handle this report next and alone, so it may do so in place. By default, as
    /// [`ReportSink::report`].
    fn report_in_place(&self, from: TransportId, report: Report) {
        self.report(from, report);
    }
}

/// An outbound attempt that failed: the message goes back to the spooler to wait out its
/// back-off, which counts from the moment the attempt failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FailedAttempt {
    /// The message.
    pub msg: QueuedMsg,
    /// When the attempt failed.
    pub at: Micros,
}

/// A transport's report of work it settled, sent to the spooler at its checkpoints.
#[derive(Debug, Default)]
pub struct Settled {
    /// Outbound messages delivered.
    pub delivered: u32,
    /// Outbound messages that got an NDR inside the transport (lifetime over before their turn).
    pub expired: u32,
    /// Outbound attempts that failed.
    pub failed: Vec<FailedAttempt>,
    /// Outbound messages handed over but never started (a cancelled prompt, a crash).
    pub returned: Batch,
    /// Inbound messages downloaded into the inbox.
    pub received: u32,
}

impl Settled {
    /// Whether there is nothing to report.
    pub fn is_empty(&self) -> bool {
        self.delivered == 0
            && self.expired == 0
            && self.received == 0
            && self.failed.is_empty()
            && self.returned.is_empty()
    }

    /// How many outbound messages handed over this settles, in whatever way.
    pub fn outbound(&self) -> u64 {
        u64::from(self.delivered)
            + u64::from(self.expired)
            + self.failed.len() as u64
            + self.returned.len() as u64
    }
}

/// How a transport's flush phase ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PhaseDone {
    /// The flush.
    pub flush: FlushId,
    /// Inbound or outbound phase.
    pub inbound: bool,
    /// `S_OK`, or why it was cut short.
    pub result: HResult,
    /// Messages delivered during the phase.
    pub delivered: u32,
    /// Messages received during the phase.
    pub received: u32,
    /// Whether any attempt during the phase failed.
    pub failed: bool,
}

impl PhaseDone {
    /// A phase that ended the moment it began, having moved nothing.
    pub fn at_once(flush: FlushId, inbound: bool, result: HResult) -> Self {
        PhaseDone {
            flush,
            inbound,
            result,
            delivered: 0,
            received: 0,
            failed: false,
        }
    }
}

/// A flush phase still under way on a transport when the run ended, with what it had moved by
/// then: the spooler reports such flushes as cut short by the end of the run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OpenPhase {
    /// The transport.
    pub transport: TransportId,
    /// The flush.
    pub flush: FlushId,
    /// Messages delivered during the phase so far.
    pub delivered: u32,
    /// Messages received during the phase so far.
    pub received: u32,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_queued_message_is_16_bytes() {
        assert_eq!(std::mem::size_of::<QueuedMsg>(), 16);
    }

    /// Each transport's channel holds its first 32 commands in one block made with it.
    #[test]
    fn a_transport_command_is_at_most_24_bytes() {
        assert!(std::mem::size_of::<TransportCmd>() <= 24);
    }
}
