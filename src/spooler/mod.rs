//! The spooler actor: owns the outbound queues and the inbox, routes mail, runs schedules and
//! carries out `FlushQueues` calls by driving the transport actors.
//!
//! [`state::SpoolerState`] decides; the private actor loop here feeds it messages from one
//! mpsc channel and carries out its effects. [`SpoolerHandle`] is the cheap, cloneable way in:
//! a flush travels as a request carrying a oneshot reply.

pub mod queue;
pub mod state;

use std::collections::BTreeMap;
use std::sync::Arc;

use tokio::sync::{mpsc, oneshot};

use crate::mapi::status::StatusStore;
use crate::mapi::{EntryId, FlushFlags, HResult};
use crate::scenario::model::FaultKind;
use crate::sim::{FlushId, Micros, Object, Origin, Recorder};
use crate::transport::{Report, TransportHandle};

pub use state::{combine, Effect, Liveness, PhaseDone, Settled, SpoolerState};

#[derive(Debug)]
enum SpoolerMsg {
    Flush {
        object: Object,
        target: Option<EntryId>,
        flags: FlushFlags,
        origin: Origin,
        reply: oneshot::Sender<(FlushId, HResult)>,
    },
    Submit {
        address_type: String,
        count: u64,
        size: u64,
    },
    Arrive {
        transport: u16,
        count: u32,
    },
    Report(u16, Report),
    Wake(u64),
    Fault {
        transport: u16,
        kind: FaultKind,
        down: Micros,
    },
    Liveness(oneshot::Sender<Liveness>),
    Attach(Vec<TransportHandle>),
    Finish(Vec<(u16, FlushId, u32, u32)>, oneshot::Sender<SpoolerFinal>),
}

/// What the spooler holds at the end of a run.
#[derive(Debug)]
pub struct SpoolerFinal {
    /// Its trace.
    pub rec: Recorder,
    /// Outbound messages in its own queues (ready or deferred), per transport.
    pub queued: Vec<u64>,
    /// Messages in the inbox.
    pub inbox: u64,
}

/// A cheap, cloneable handle to the spooler actor.
#[derive(Debug, Clone)]
pub struct SpoolerHandle {
    tx: mpsc::UnboundedSender<SpoolerMsg>,
}

impl SpoolerHandle {
    /// Starts the spooler actor for `state`, publishing status changes to `store`.
    /// Transports are attached afterwards with [`SpoolerHandle::attach`], since they need the
    /// spooler's handle to report back.
    pub fn spawn(state: SpoolerState, store: Arc<StatusStore>) -> SpoolerHandle {
        let (tx, rx) = mpsc::unbounded_channel();
        tokio::spawn(run(state, rx, store));
        SpoolerHandle { tx }
    }

    /// Gives the spooler its transports, in profile order.
    pub fn attach(&self, transports: Vec<TransportHandle>) {
        let _ = self.tx.send(SpoolerMsg::Attach(transports));
    }

    /// `IMAPIStatus::FlushQueues` on `object`; resolves when the call returns. Also gives the
    /// call's id, which names it in the trace.
    pub async fn flush_queues(
        &self,
        object: Object,
        target: Option<EntryId>,
        flags: FlushFlags,
        origin: Origin,
    ) -> (FlushId, Option<HResult>) {
        let (reply, rx) = oneshot::channel();
        if self
            .tx
            .send(SpoolerMsg::Flush {
                object,
                target,
                flags,
                origin,
                reply,
            })
            .is_err()
        {
            return (0, None);
        }
        match rx.await {
            Ok((id, r)) => (id, Some(r)),
            Err(_) => (0, None),
        }
    }

    /// The client submits `count` messages of `size` bytes to an address of `address_type`.
    pub fn submit(&self, address_type: &str, count: u64, size: u64) {
        let _ = self.tx.send(SpoolerMsg::Submit {
            address_type: address_type.to_string(),
            count,
            size,
        });
    }

    /// `count` inbound messages arrive at transport `transport`'s remote end now.
    pub fn arrive(&self, transport: u16, count: u32) {
        let _ = self.tx.send(SpoolerMsg::Arrive { transport, count });
    }

    /// A scripted fault strikes `transport` now, for `down` (crash and offline).
    pub fn fault(&self, transport: u16, kind: FaultKind, down: Micros) {
        let _ = self.tx.send(SpoolerMsg::Fault {
            transport,
            kind,
            down,
        });
    }

    /// A transport reports.
    pub fn report(&self, transport: u16, r: Report) {
        let _ = self.tx.send(SpoolerMsg::Report(transport, r));
    }

    /// A calendar wake-up the spooler asked for.
    pub fn wake(&self, token: u64) {
        let _ = self.tx.send(SpoolerMsg::Wake(token));
    }

    /// What is still to be done.
    pub async fn liveness(&self) -> Option<Liveness> {
        let (tx, rx) = oneshot::channel();
        self.tx.send(SpoolerMsg::Liveness(tx)).ok()?;
        rx.await.ok()
    }

    /// Stops the spooler and takes its final state. `open` lists the transports' flush phases
    /// still running, `(transport, flush, delivered, received)`, so flushes cut short by the
    /// end of the run report what they moved.
    pub async fn finish(&self, open: Vec<(u16, FlushId, u32, u32)>) -> Option<SpoolerFinal> {
        let (tx, rx) = oneshot::channel();
        self.tx.send(SpoolerMsg::Finish(open, tx)).ok()?;
        rx.await.ok()
    }
}

async fn run(
    mut state: SpoolerState,
    mut rx: mpsc::UnboundedReceiver<SpoolerMsg>,
    store: Arc<StatusStore>,
) {
    let mut transports: Vec<TransportHandle> = Vec::new();
    let mut replies: BTreeMap<FlushId, oneshot::Sender<(FlushId, HResult)>> = BTreeMap::new();
    while let Some(msg) = rx.recv().await {
        match msg {
            SpoolerMsg::Flush {
                object,
                target,
                flags,
                origin,
                reply,
            } => {
                // The id is known before the state machine can answer, so register first.
                replies.insert(state.peek_flush_id(), reply);
                state.flush_call(object, target.as_ref(), flags, origin);
            }
            SpoolerMsg::Submit {
                address_type,
                count,
                size,
            } => state.submit(&address_type, count, size),
            SpoolerMsg::Arrive { transport, count } => state.arrive(transport, count),
            SpoolerMsg::Report(t, Report::Settled(s)) => state.settled(t, s),
            SpoolerMsg::Report(t, Report::PhaseDone(d)) => state.phase_done(t, d),
            SpoolerMsg::Wake(tok) => state.wake(tok),
            SpoolerMsg::Fault {
                transport,
                kind,
                down,
            } => state.fault(transport, kind, down),
            SpoolerMsg::Liveness(tx) => {
                let _ = tx.send(state.liveness());
            }
            SpoolerMsg::Attach(t) => transports = t,
            SpoolerMsg::Finish(open, tx) => {
                state.cut_at_end(&open);
                let queued = state.queued();
                let inbox = state.inbox();
                let rec = std::mem::replace(&mut state.rec, Recorder::new(0, false));
                let _ = tx.send(SpoolerFinal { rec, queued, inbox });
                return;
            }
        }
        // Effects can produce more effects (a crash's reports are fed straight back).
        while !state.effects.is_empty() {
            let effects: Vec<Effect> = state.effects.drain(..).collect();
            for e in effects {
                match e {
                    Effect::Transport(t, cmd) => {
                        if let Some(h) = transports.get(t as usize) {
                            h.send(cmd);
                        }
                    }
                    Effect::Reply(id, r) => {
                        if let Some(tx) = replies.remove(&id) {
                            let _ = tx.send((id, r));
                        }
                    }
                    Effect::Status(row, code) => store.set_code(row, code),
                    Effect::Crash(t) => {
                        if let Some(h) = transports.get(t as usize) {
                            for r in h.crash() {
                                match r {
                                    Report::Settled(s) => state.settled(t, s),
                                    Report::PhaseDone(d) => state.phase_done(t, d),
                                }
                            }
                        }
                    }
                    Effect::Restart(t) => {
                        if let Some(h) = transports.get(t as usize) {
                            h.restart();
                        }
                    }
                }
            }
        }
    }
}
