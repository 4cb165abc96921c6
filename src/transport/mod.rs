//! Transport actors: LAN and dial-up (modem/RAS) transports driven by the spooler.
//!
//! Each transport is a private actor that owns its [`state::TransportState`] and runs a loop
//! over an mpsc receiver; the spooler and the runner hold cheap [`TransportHandle`] clones.
//! Commands carry whole batches of mail, never one message per send.

pub mod state;

use tokio::sync::{mpsc, oneshot};

use crate::sim::{FlushId, Recorder};
use crate::spooler::queue::Batch;
use crate::spooler::SpoolerHandle;

pub use state::{Report, TransportState};

/// A command from the spooler (or the calendar) to a transport.
#[derive(Debug)]
pub enum TransportCmd {
    /// Move these outbound messages, after everything handed over before them. With a flush,
    /// report that flush's outbound phase done once they (and all before them) are settled.
    Upload {
        /// The batch, oldest first.
        msgs: Batch,
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
        first: u32,
        /// How many.
        count: u32,
    },
    /// A calendar wake-up the transport asked for.
    Wake(u64),
}

/// What a transport holds at the end of a run.
#[derive(Debug)]
pub struct TransportFinal {
    /// Its trace.
    pub rec: Recorder,
    /// Outbound messages handed to it and not started.
    pub queued: u64,
    /// Outbound messages in transfer.
    pub in_flight: u64,
    /// Inbound messages at its remote end or being downloaded.
    pub remote_waiting: u64,
}

#[derive(Debug)]
enum TransportMsg {
    Cmd(TransportCmd),
    Finish(oneshot::Sender<TransportFinal>),
}

/// A cheap, cloneable handle to a transport actor.
#[derive(Debug, Clone)]
pub struct TransportHandle {
    tx: mpsc::UnboundedSender<TransportMsg>,
}

impl TransportHandle {
    /// Starts the actor for `state` on the current runtime, reporting to `spooler`.
    pub fn spawn(state: TransportState, idx: u16, spooler: SpoolerHandle) -> TransportHandle {
        let (tx, rx) = mpsc::unbounded_channel();
        tokio::spawn(run(state, idx, rx, spooler));
        TransportHandle { tx }
    }

    /// Sends a command; a stopped actor means the run is being torn down, so it is dropped.
    pub fn send(&self, cmd: TransportCmd) {
        let _ = self.tx.send(TransportMsg::Cmd(cmd));
    }

    /// Settles the transport at the current time and takes its final state.
    pub async fn finish(&self) -> Option<TransportFinal> {
        let (tx, rx) = oneshot::channel();
        self.tx.send(TransportMsg::Finish(tx)).ok()?;
        rx.await.ok()
    }
}

async fn run(
    mut state: TransportState,
    idx: u16,
    mut rx: mpsc::UnboundedReceiver<TransportMsg>,
    spooler: SpoolerHandle,
) {
    while let Some(msg) = rx.recv().await {
        match msg {
            TransportMsg::Cmd(cmd) => {
                state.handle(cmd);
                for r in state.reports.drain(..) {
                    spooler.report(idx, r);
                }
            }
            TransportMsg::Finish(reply) => {
                let (queued, in_flight) = state.outstanding();
                let remote_waiting = state.remote_waiting();
                let rec = std::mem::replace(&mut state.rec, Recorder::new(0, false));
                let _ = reply.send(TransportFinal {
                    rec,
                    queued,
                    in_flight,
                    remote_waiting,
                });
                return;
            }
        }
    }
}
