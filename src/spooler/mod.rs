//! The spooler actor: owns the outbound queues and the inbox, routes mail, runs schedules and
//! carries out `FlushQueues` calls by driving the transport actors.
//!
//! [`state::SpoolerState`] decides; the private actor loop here feeds it messages from one
//! mpsc channel and carries out its effects. [`SpoolerHandle`] is the cheap, cloneable way in:
//! a flush travels as a request carrying a oneshot reply. The actor's state sits behind a lock
//! its task takes once per message, so that the runner can hand it a calendar entry in place
//! when every task is parked ([`SpoolerHandle::deliver_now`]).

pub mod by_call;
pub mod queue;
pub mod state;
pub mod status;

use std::sync::{Arc, Mutex, MutexGuard};

use tokio::sync::{mpsc, oneshot};

use crate::mapi::{EntryId, FlushFlags, HResult, ValidateFlags};
use crate::model::FaultKind;
use crate::protocol::{OpenPhase, Report, ReportSink};
use crate::sim::{Clock, FlushId, Micros, TransportId, ValidateId, WakeToken};
use crate::trace::{Object, Origin, Recorder};
use crate::transport::TransportHandle;
use by_call::ByCall;
use status::StatusStore;

pub use state::{Effect, Liveness, SpoolerState};

#[derive(Debug)]
enum SpoolerMsg {
    Flush {
        object: Object,
        target: Option<EntryId>,
        flags: FlushFlags,
        origin: Origin,
        reply: oneshot::Sender<(FlushId, HResult)>,
    },
    Validate {
        object: Object,
        flags: ValidateFlags,
        origin: Origin,
        reply: oneshot::Sender<(ValidateId, HResult)>,
    },
    Submit {
        address_type: String,
        count: u64,
        size: u64,
    },
    Report(TransportId, Report),
    Timed(Timed),
    Liveness(oneshot::Sender<Liveness>),
    Attach(Arc<[TransportHandle]>),
    Finish(Vec<OpenPhase>, oneshot::Sender<SpoolerFinal>),
}

/// What the runner's calendar hands the spooler: a wake-up it asked for, or a scripted action
/// due now. The runner delivers these in place ([`SpoolerHandle::deliver_now`]) when every task
/// is parked; anyone may send them like any other message.
#[derive(Debug)]
pub enum Timed {
    /// A calendar wake-up the spooler asked for.
    Wake(WakeToken),
    /// The client submits `count` messages of `size` bytes; `route` is the first transport that
    /// handles their address type, or `None` when no transport does.
    Submit {
        /// Where they go.
        route: Option<TransportId>,
        /// How many.
        count: u64,
        /// Their size in bytes.
        size: u64,
    },
    /// `count` inbound messages arrive at `transport`'s remote end.
    Arrive {
        /// Where they arrive.
        transport: TransportId,
        /// How many.
        count: u32,
    },
    /// A scripted fault strikes `transport`, for `down` (crash and offline).
    Fault {
        /// The transport struck.
        transport: TransportId,
        /// What strikes it.
        kind: FaultKind,
        /// How long it lasts.
        down: Micros,
    },
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
    clock: Clock,
    /// The actor's state, which its task locks once per message; shared so that the runner
    /// can hand it a calendar entry in place ([`SpoolerHandle::deliver_now`]).
    shell: Arc<Mutex<Shell>>,
}

impl SpoolerHandle {
    /// Starts the spooler actor for `state`, publishing status changes to `store`.
    /// Transports are attached afterwards with [`SpoolerHandle::attach`], since they need the
    /// spooler's handle to report back.
    pub fn spawn(state: SpoolerState, store: Arc<StatusStore>) -> SpoolerHandle {
        let (tx, rx) = mpsc::unbounded_channel();
        let clock = state.clock().clone();
        let shell = Arc::new(Mutex::new(Shell {
            state,
            store,
            transports: Arc::new([]),
            replies: ByCall::default(),
            calling: None,
            clock: clock.clone(),
            batch: Vec::new(),
            codes: Vec::new(),
        }));
        tokio::spawn(run(shell.clone(), rx, clock.clone()));
        SpoolerHandle { tx, clock, shell }
    }

    /// Hands the spooler a calendar entry due now, in place: handled by the caller under the
    /// actor's lock, as the actor's task would handle it. The runner calls this at a step, when
    /// every task is parked: the spooler's mailbox is empty then and this would be the only
    /// message it handles, so the result is the same as [`SpoolerHandle::timed`]'s without a
    /// hop through the channel. Anywhere else, use [`SpoolerHandle::timed`].
    pub fn deliver_now(&self, msg: Timed) {
        lock(&self.shell).handle_one(SpoolerMsg::Timed(msg));
    }

    /// Sends the spooler a calendar entry over its channel.
    pub fn timed(&self, msg: Timed) {
        self.send(SpoolerMsg::Timed(msg));
    }

    /// Sends a message, counted so the runner knows when the spooler is idle.
    fn send(&self, msg: SpoolerMsg) -> bool {
        self.clock.sent();
        let ok = self.tx.send(msg).is_ok();
        if !ok {
            self.clock.handled();
        }
        ok
    }

    /// Gives the spooler its transports, in profile order: a list it shares with whoever
    /// started them, so that ten thousand handles are not copied, nor dropped one by one twice.
    pub fn attach(&self, transports: impl Into<Arc<[TransportHandle]>>) {
        self.send(SpoolerMsg::Attach(transports.into()));
    }

    /// `IMAPIStatus::FlushQueues` on `object`; resolves when the call returns, with the call's
    /// id (which names it in the trace) and its result. `None` when the spooler is gone: the
    /// run is being torn down around the call.
    pub async fn flush_queues(
        &self,
        object: Object,
        target: Option<EntryId>,
        flags: FlushFlags,
        origin: Origin,
    ) -> Option<(FlushId, HResult)> {
        let (reply, rx) = oneshot::channel();
        let sent = self.send(SpoolerMsg::Flush {
            object,
            target,
            flags,
            origin,
            reply,
        });
        if !sent {
            return None;
        }
        rx.await.ok()
    }

    /// `IMAPIStatus::ValidateState` on `object`; resolves at once (in virtual time) with the
    /// call's id (which names it in the trace) and its result, while an accepted call's work
    /// goes on. `None` when the spooler is gone: the run is being torn down around the call.
    pub async fn validate_state(
        &self,
        object: Object,
        flags: ValidateFlags,
        origin: Origin,
    ) -> Option<(ValidateId, HResult)> {
        let (reply, rx) = oneshot::channel();
        let sent = self.send(SpoolerMsg::Validate {
            object,
            flags,
            origin,
            reply,
        });
        if !sent {
            return None;
        }
        rx.await.ok()
    }

    /// The client submits `count` messages of `size` bytes to an address of `address_type`.
    pub fn submit(&self, address_type: &str, count: u64, size: u64) {
        self.send(SpoolerMsg::Submit {
            address_type: address_type.to_string(),
            count,
            size,
        });
    }

    /// [`SpoolerHandle::submit`] with the routing already done: `route` is the first
    /// transport that handles the messages' address type ([`Scenario::route`]), or `None` when
    /// no transport does. A scripted block of mail is routed once, not per message.
    ///
    /// [`Scenario::route`]: crate::model::Scenario::route
    pub fn submit_routed(&self, route: Option<TransportId>, count: u64, size: u64) {
        self.timed(Timed::Submit { route, count, size });
    }

    /// `count` inbound messages arrive at transport `transport`'s remote end now.
    pub fn arrive(&self, transport: TransportId, count: u32) {
        self.timed(Timed::Arrive { transport, count });
    }

    /// A scripted fault strikes `transport` now, for `down` (crash and offline).
    pub fn fault(&self, transport: TransportId, kind: FaultKind, down: Micros) {
        self.timed(Timed::Fault {
            transport,
            kind,
            down,
        });
    }

    /// A calendar wake-up the spooler asked for.
    pub fn wake(&self, token: WakeToken) {
        self.timed(Timed::Wake(token));
    }

    /// What is still to be done.
    pub async fn liveness(&self) -> Option<Liveness> {
        let (tx, rx) = oneshot::channel();
        if !self.send(SpoolerMsg::Liveness(tx)) {
            return None;
        }
        rx.await.ok()
    }

    /// Stops the spooler and takes its final state. `open` lists the transports' flush phases
    /// still running, so flushes cut short by the end of the run report what they moved.
    pub async fn finish(&self, open: Vec<OpenPhase>) -> Option<SpoolerFinal> {
        let (tx, rx) = oneshot::channel();
        if !self.send(SpoolerMsg::Finish(open, tx)) {
            return None;
        }
        rx.await.ok()
    }
}

impl ReportSink for SpoolerHandle {
    /// Handled by the caller under the actor's lock, as [`SpoolerHandle::deliver_now`] does.
    fn report_in_place(&self, from: TransportId, report: Report) {
        lock(&self.shell).handle_one(SpoolerMsg::Report(from, report));
    }

    /// A transport reports: the report queues for the spooler like any other message.
    fn report(&self, from: TransportId, report: Report) {
        self.send(SpoolerMsg::Report(from, report));
    }
}

/// The actor: the state machine, and what it needs to carry out its effects.
#[derive(Debug)]
struct Shell {
    state: SpoolerState,
    store: Arc<StatusStore>,
    transports: Arc<[TransportHandle]>,
    /// The callers of `FlushQueues` calls that have not returned yet.
    replies: ByCall<oneshot::Sender<(FlushId, HResult)>>,
    /// The caller of the call being handled: most calls return within the message that made
    /// them, so the caller joins `replies` only if it is still waiting afterwards.
    calling: Option<(FlushId, oneshot::Sender<(FlushId, HResult)>)>,
    clock: Clock,
    /// The effects being carried out, kept between messages so a message costs no allocation.
    batch: Vec<Effect>,
    /// Status changes in a row among them, not yet published.
    codes: Vec<(u16, u32)>,
}

fn lock(shell: &Mutex<Shell>) -> MutexGuard<'_, Shell> {
    // A poisoned lock only means a task panicked while handling a message: the run is being
    // torn down, and what the state holds is still what the report shows.
    shell.lock().unwrap_or_else(|e| e.into_inner())
}

async fn run(shell: Arc<Mutex<Shell>>, mut rx: mpsc::UnboundedReceiver<SpoolerMsg>, clock: Clock) {
    while let Some(msg) = rx.recv().await {
        // Released before the message counts as handled: the last handler may take the
        // runner's next step in place, which can lock the spooler again.
        let more = lock(&shell).handle_one(msg);
        clock.handled();
        if !more {
            return;
        }
    }
}

impl Shell {
    /// Handles one message and carries out its effects; whether the actor goes on.
    fn handle_one(&mut self, msg: SpoolerMsg) -> bool {
        let more = self.handle(msg);
        self.carry_out_effects();
        if let Some((id, reply)) = self.calling.take() {
            // Newer than every call waiting already: the order of `replies` holds.
            self.replies.insert(id, reply);
        }
        more
    }

    /// Feeds one message to the state machine; whether the actor goes on.
    fn handle(&mut self, msg: SpoolerMsg) -> bool {
        let state = &mut self.state;
        match msg {
            SpoolerMsg::Flush {
                object,
                target,
                flags,
                origin,
                reply,
            } => {
                // The id is known before the state machine can answer, so register first.
                self.calling = Some((state.peek_flush_id(), reply));
                state.flush_call(object, target.as_ref(), flags, origin);
            }
            SpoolerMsg::Validate {
                object,
                flags,
                origin,
                reply,
            } => {
                let answer = state.validate_call(object, flags, origin);
                self.clock.client_woken();
                let _ = reply.send(answer);
            }
            SpoolerMsg::Submit {
                address_type,
                count,
                size,
            } => state.submit(&address_type, count, size),
            SpoolerMsg::Report(t, r) => state.report(t, r),
            SpoolerMsg::Timed(Timed::Submit { route, count, size }) => {
                state.submit_to(route, count, size)
            }
            SpoolerMsg::Timed(Timed::Arrive { transport, count }) => state.arrive(transport, count),
            SpoolerMsg::Timed(Timed::Wake(tok)) => state.wake(tok),
            SpoolerMsg::Timed(Timed::Fault {
                transport,
                kind,
                down,
            }) => state.fault(transport, kind, down),
            SpoolerMsg::Liveness(tx) => {
                let _ = tx.send(state.liveness());
            }
            SpoolerMsg::Attach(t) => self.transports = t,
            SpoolerMsg::Finish(open, tx) => {
                state.cut_at_end(&open);
                let queued = state.queued();
                let inbox = state.inbox();
                let rec = std::mem::replace(&mut state.rec, Recorder::new(0, false));
                let _ = tx.send(SpoolerFinal { rec, queued, inbox });
                // The calls still waiting fail (their callers see the spooler gone), and the
                // transports are let go, as when the actor's task ends.
                self.replies = ByCall::default();
                self.calling = None;
                self.transports = Arc::new([]);
                return false;
            }
        }
        true
    }

    /// Carries out the state machine's effects, and those they cause in turn (a crash's
    /// reports are fed straight back).
    fn carry_out_effects(&mut self) {
        while !self.state.effects.is_empty() {
            // Effects caused while these are carried out go to the state's (empty) spare list.
            let mut batch = std::mem::take(&mut self.batch);
            std::mem::swap(&mut batch, &mut self.state.effects);
            for e in batch.drain(..) {
                match e {
                    // Status changes in a row are published together, under one lock of the
                    // store (or none, when together they change nothing).
                    Effect::Status(row, code) => self.codes.push((row, code)),
                    e => {
                        self.publish_codes();
                        self.carry_out(e);
                    }
                }
            }
            self.publish_codes();
            self.batch = batch;
        }
    }

    fn publish_codes(&mut self) {
        if !self.codes.is_empty() {
            self.store.set_codes(&self.codes);
            self.codes.clear();
        }
    }

    fn carry_out(&mut self, effect: Effect) {
        match effect {
            Effect::Transport(t, cmd) => {
                if let Some(h) = self.transports.get(t.index()) {
                    h.send(cmd);
                }
            }
            Effect::Reply(id, r) => {
                let tx = match self.calling.take() {
                    Some((calling, tx)) if calling == id => Some(tx),
                    other => {
                        self.calling = other;
                        self.replies.remove(id)
                    }
                };
                if let Some(tx) = tx {
                    self.clock.client_woken();
                    let _ = tx.send((id, r));
                }
            }
            Effect::Status(row, code) => self.store.set_code(row, code),
            Effect::Crash(t) => {
                if let Some(h) = self.transports.get(t.index()) {
                    for r in h.crash() {
                        self.state.report(t, r);
                    }
                }
            }
            Effect::Disconnect(t, work) => {
                if let Some(h) = self.transports.get(t.index()) {
                    for r in h.disconnect() {
                        self.state.report(t, r);
                    }
                }
                self.state.validate_resume(work);
            }
            Effect::Restart(t) => {
                if let Some(h) = self.transports.get(t.index()) {
                    h.restart();
                }
            }
        }
    }
}
