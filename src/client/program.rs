//! A client program running inside the simulation: what it can see and do, and where the steps
//! of its procedures are written.

use std::sync::{Arc, Mutex};

use crate::sim::{Class, Clock, Micros, Target, CREATED};
use crate::trace::{Actor, EventKind, ProcStep, Recorder};

use super::session::Session;

/// A client program running inside the simulation: it sees the session and virtual time.
#[derive(Debug, Clone)]
pub struct Client {
    session: Session,
    clock: Clock,
    log: ClientLog,
}

impl Client {
    /// A program using `session`, whose steps go to `log`.
    pub(crate) fn new(session: Session, clock: Clock, log: ClientLog) -> Self {
        Client {
            session,
            clock,
            log,
        }
    }

    /// The MAPI session.
    pub fn session(&self) -> &Session {
        &self.session
    }

    /// The current virtual time.
    pub fn now(&self) -> Micros {
        self.clock.now()
    }

    /// Waits until virtual time `t` (at once if it has passed), ordered as a scripted flush.
    pub async fn sleep_until(&self, t: Micros) {
        let (tx, rx) = tokio::sync::oneshot::channel();
        self.clock
            .schedule(t, Class::Client, CREATED, Target::Client(tx));
        let _ = rx.await;
    }

    /// Submits `count` messages of `size` bytes to `to` (`TYPE:address`).
    pub fn submit(&self, to: &str, count: u64, size: u64) {
        let ty = to.split_once(':').map_or(to, |(t, _)| t);
        self.session.spooler().submit(ty, count, size);
    }

    /// Records a procedure step in the trace.
    pub fn step(&self, procedure: u32, step: ProcStep) {
        self.log.record(procedure, step);
    }
}

/// The trace sink shared by client tasks (their events are rare, so a lock is fine).
#[derive(Debug, Clone)]
pub(crate) struct ClientLog {
    rec: Arc<Mutex<Recorder>>,
    clock: Clock,
}

impl ClientLog {
    /// A log recording into a fresh recorder for `transports` transports.
    pub(crate) fn new(clock: Clock, transports: usize, full: bool) -> Self {
        ClientLog {
            rec: Arc::new(Mutex::new(Recorder::new(transports, full))),
            clock,
        }
    }

    /// Procedure `procedure` (from 1; 0 for an API caller) took `step` now.
    pub(crate) fn record(&self, procedure: u32, step: ProcStep) {
        let key = self.clock.key_now();
        let mut rec = self.rec.lock().unwrap_or_else(|e| e.into_inner());
        rec.record(key, Actor::Client, EventKind::Procedure { procedure, step });
    }

    /// Takes what was recorded, leaving an empty recorder.
    pub(crate) fn take(&self) -> Recorder {
        let mut rec = self.rec.lock().unwrap_or_else(|e| e.into_inner());
        std::mem::replace(&mut *rec, Recorder::new(0, false))
    }
}
