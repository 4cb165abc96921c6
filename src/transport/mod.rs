//! Transport actors: LAN and dial-up (modem/RAS) transports driven by the spooler.
//!
//! Each transport is an actor task that runs a loop over an mpsc receiver and feeds its
//! [`state::TransportState`]; the spooler and the runner hold cheap [`TransportHandle`] clones.
//! Commands carry whole batches of mail, never one message per send.
//!
//! The state lives behind the handle rather than inside the task so that a *crash* can be
//! real: the task is aborted mid-batch, and the spooler settles what it had handed over from
//! the record the transport left (what completed before the crash is delivered, the transfer
//! under way failed, the rest comes back unmarked), then starts a fresh task over it after the
//! fault's `down` time. The mutex is taken once per command, never per message.

pub mod state;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use tokio::sync::mpsc;
use tokio::task::AbortHandle;

use crate::sim::Clock;
use crate::spooler::queue::Batch;
use crate::spooler::SpoolerHandle;
use crate::trace::{FlushId, Recorder};

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
    /// An offline spell until the given time: attempts starting before then fail.
    Offline(crate::sim::Micros),
    /// A dial-up line drops.
    DropLine,
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
    /// Flush phases still open, with what each moved so far: `(flush, delivered, received)`.
    pub open: Vec<(FlushId, u32, u32)>,
}

#[derive(Debug)]
struct Inner {
    idx: u16,
    state: Arc<Mutex<TransportState>>,
    tx: Mutex<Option<mpsc::UnboundedSender<TransportCmd>>>,
    task: Mutex<Option<AbortHandle>>,
    alive: AtomicBool,
    spooler: SpoolerHandle,
    clock: Clock,
}

/// A cheap, cloneable handle to a transport actor; every clone follows restarts.
#[derive(Debug, Clone)]
pub struct TransportHandle {
    inner: Arc<Inner>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl TransportHandle {
    /// Starts the actor for `state` on the current runtime, reporting to `spooler`.
    pub fn spawn(state: TransportState, idx: u16, spooler: SpoolerHandle) -> TransportHandle {
        let clock = state.clock().clone();
        let h = TransportHandle {
            inner: Arc::new(Inner {
                idx,
                state: Arc::new(Mutex::new(state)),
                tx: Mutex::new(None),
                task: Mutex::new(None),
                alive: AtomicBool::new(false),
                spooler,
                clock,
            }),
        };
        h.start();
        h
    }

    fn start(&self) {
        let (tx, rx) = mpsc::unbounded_channel();
        let task = tokio::spawn(run(
            self.inner.state.clone(),
            self.inner.idx,
            rx,
            self.inner.spooler.clone(),
            self.inner.clock.clone(),
        ));
        *lock(&self.inner.tx) = Some(tx);
        *lock(&self.inner.task) = Some(task.abort_handle());
        self.inner.alive.store(true, Ordering::Relaxed);
    }

    /// Whether the actor is running (not crashed).
    pub fn is_alive(&self) -> bool {
        self.inner.alive.load(Ordering::Relaxed)
    }

    /// Sends a command. While the actor is down, mail arriving at the remote end is still
    /// kept there, and everything else is dropped (the spooler sends nothing else then).
    pub fn send(&self, cmd: TransportCmd) {
        if self.is_alive() {
            if let Some(tx) = lock(&self.inner.tx).as_ref() {
                self.inner.clock.sent();
                if tx.send(cmd).is_err() {
                    // A closed channel means the run is being torn down.
                    self.inner.clock.handled();
                }
                return;
            }
        }
        if let TransportCmd::Arrive { first, count } = cmd {
            lock(&self.inner.state).arrive(first, count);
        }
    }

    /// Kills the actor (its task is aborted wherever it is) and settles its work from the
    /// state it leaves; returns the reports the spooler must process.
    pub fn crash(&self) -> Vec<Report> {
        self.inner.alive.store(false, Ordering::Relaxed);
        if let Some(task) = lock(&self.inner.task).take() {
            task.abort();
        }
        *lock(&self.inner.tx) = None;
        let mut st = lock(&self.inner.state);
        st.crash();
        st.reports.drain(..).collect()
    }

    /// Starts a fresh actor over the crashed one's state.
    pub fn restart(&self) {
        if !self.is_alive() {
            self.start();
        }
    }

    /// Settles the transport at the current time and takes its final state. Called when every
    /// task is idle, so the state is not in use.
    pub async fn finish(&self) -> Option<TransportFinal> {
        self.inner.alive.store(false, Ordering::Relaxed);
        if let Some(task) = lock(&self.inner.task).take() {
            task.abort();
        }
        *lock(&self.inner.tx) = None;
        let mut st = lock(&self.inner.state);
        st.settle_final();
        let (queued, in_flight) = st.outstanding();
        let remote_waiting = st.remote_waiting();
        let open = st.open_phases();
        let rec = std::mem::replace(&mut st.rec, Recorder::new(0, false));
        Some(TransportFinal {
            rec,
            queued,
            in_flight,
            remote_waiting,
            open,
        })
    }
}

async fn run(
    state: Arc<Mutex<TransportState>>,
    idx: u16,
    mut rx: mpsc::UnboundedReceiver<TransportCmd>,
    spooler: SpoolerHandle,
    clock: Clock,
) {
    while let Some(cmd) = rx.recv().await {
        let reports: Vec<Report> = {
            let mut st = lock(&state);
            st.handle(cmd);
            st.reports.drain(..).collect()
        };
        for r in reports {
            spooler.report(idx, r);
        }
        clock.handled();
    }
}
