//! Transport actors: LAN and dial-up (modem/RAS) transports driven by the spooler.
//!
//! Each transport is an actor task that runs a loop over an mpsc receiver and feeds its
//! [`state::TransportState`]; the spooler and the runner hold cheap [`TransportHandle`] clones.
//! Commands carry whole batches of mail, never one message per send. What a transport is told
//! and what it reports are the [`crate::protocol`]; it reports to whatever [`ReportSink`] it was
//! started with, so nothing here knows the spooler.
//!
//! The state lives behind the handle rather than inside the task so that a *crash* can be
//! real: the task is aborted mid-batch, and the spooler settles what it had handed over from
//! the record the transport left (what completed before the crash is delivered, the transfer
//! under way failed, the rest comes back unmarked), then starts a fresh task over it after the
//! fault's `down` time. The mutex is taken once per command, never per message. The runner
//! takes it too, to hand the transport a calendar wake-up in place when every task is parked
//! ([`TransportHandle::wake_in_place`]).

pub mod state;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use tokio::sync::mpsc;
use tokio::task::AbortHandle;

use crate::protocol::{OpenPhase, Report, ReportSink, TransportCmd};
use crate::sim::{Clock, TransportId, WakeToken};
use crate::trace::Recorder;

pub use state::TransportState;

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
    /// Flush phases still open, with what each moved so far.
    pub open: Vec<OpenPhase>,
}

#[derive(Debug)]
struct Inner {
    id: TransportId,
    state: Arc<Mutex<TransportState>>,
    tx: Mutex<Option<mpsc::UnboundedSender<TransportCmd>>>,
    task: Mutex<Option<AbortHandle>>,
    alive: AtomicBool,
    reports: Arc<dyn ReportSink>,
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
    /// Starts the actor for `state` on the current runtime, reporting to `reports`.
    pub fn spawn(state: TransportState, reports: Arc<dyn ReportSink>) -> TransportHandle {
        let clock = state.clock().clone();
        let h = TransportHandle {
            inner: Arc::new(Inner {
                id: state.id(),
                state: Arc::new(Mutex::new(state)),
                tx: Mutex::new(None),
                task: Mutex::new(None),
                alive: AtomicBool::new(false),
                reports,
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
            self.inner.id,
            rx,
            self.inner.reports.clone(),
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

    /// A calendar wake-up the transport asked for, handled in place by the caller. The
    /// runner calls this only when every task is parked, so the actor's mailbox is empty and
    /// the wake-up would have been the only message it handled: handling it here, under the
    /// state's lock, is the same as sending it, without a hop through the channel. So are its
    /// reports, which the spooler, parked as well, would have handled next and alone: they go
    /// to [`ReportSink::report_in_place`], once the state's lock is released. A crashed
    /// transport ignores the wake-up, as its channel would.
    pub fn wake_in_place(&self, tok: WakeToken) {
        if !self.is_alive() {
            return;
        }
        // A wake-up mostly makes one report: that one is moved out alone, which leaves the
        // state its list to reuse.
        let (one, more) = {
            let mut st = lock(&self.inner.state);
            st.handle(TransportCmd::Wake(tok));
            match st.reports.len() {
                1 => (st.reports.pop(), Vec::new()),
                _ => (None, std::mem::take(&mut st.reports)),
            }
        };
        for r in one.into_iter().chain(more) {
            self.inner.reports.report_in_place(self.inner.id, r);
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

    /// `ValidateState` with `FORCE_XP_DISCONNECT` reaches the transport (see
    /// [`TransportState::disconnect`]); returns the reports the spooler must process, at once,
    /// so that what the disconnection settles comes before what the spooler records after it.
    pub fn disconnect(&self) -> Vec<Report> {
        let mut st = lock(&self.inner.state);
        st.disconnect();
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

/// The actor's end of its channel. When a crash aborts the task, the commands still queued
/// are dropped with it: they count as handled, so the runner's count of pending messages
/// stays exact and its driver is woken when the rest of the run is idle.
struct Inbox {
    rx: mpsc::UnboundedReceiver<TransportCmd>,
    clock: Clock,
}

impl Drop for Inbox {
    fn drop(&mut self) {
        while self.rx.try_recv().is_ok() {
            self.clock.handled();
        }
    }
}

async fn run(
    state: Arc<Mutex<TransportState>>,
    id: TransportId,
    rx: mpsc::UnboundedReceiver<TransportCmd>,
    reports: Arc<dyn ReportSink>,
    clock: Clock,
) {
    let mut inbox = Inbox {
        rx,
        clock: clock.clone(),
    };
    // Reports are sent once the state's lock is released, from a list that trades places with
    // the state's own: no command allocates or copies one.
    let mut settled: Vec<Report> = Vec::new();
    while let Some(cmd) = inbox.rx.recv().await {
        {
            let mut st = lock(&state);
            st.handle(cmd);
            std::mem::swap(&mut settled, &mut st.reports);
        }
        for r in settled.drain(..) {
            reports.report(id, r);
        }
        clock.handled();
    }
}
