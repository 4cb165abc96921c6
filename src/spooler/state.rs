//! The spooler's state machine: queues, routing, schedules and flush bookkeeping.
//!
//! Everything the spooler decides is decided here, synchronously, in `&mut self` methods that
//! take one input and push [`Effect`]s, so unit tests can drive it without a runtime. The actor
//! shell in [`super`] only moves messages between channels and this struct. Mail, timers,
//! faults and transports' reports are handled in this file; `FlushQueues` calls in `flush`.

use std::collections::BTreeMap;

use crate::mapi::constants::{
    STATUS_AVAILABLE, STATUS_FAILURE, STATUS_INBOUND_FLUSH, STATUS_OFFLINE, STATUS_OUTBOUND_FLUSH,
};
use crate::mapi::{combine, EntryId, FlushFlags, HResult, ValidateFlags};
use crate::model::{FaultKind, FlushOrder, Routes, Scenario, Schedule, SpoolerConfig};
use crate::protocol::{
    FailedAttempt, OpenPhase, PhaseDone, QueuedMsg, Report, Settled, TransportCmd,
};
use crate::sim::{
    Class, Clock, FlushId, Micros, MsgId, Target, TransportId, ValidateId, WakeToken,
};
use crate::trace::{Actor, EventKind, NdrReason, Object, Origin, Recorder};

use super::by_call::ByCall;
use super::queue::{backoff, OutboundQueue};
use super::status::{self, transport_row};

mod flush;
mod validate;
use flush::FlushRun;
pub use validate::ValidateWork;

/// What the shell must do after the state machine handled an input.
#[derive(Debug)]
pub enum Effect {
    /// Send a command to transport `.0`.
    Transport(TransportId, TransportCmd),
    /// Answer the `FlushQueues` call `.0` with `.1`.
    Reply(FlushId, HResult),
    /// Publish a new `PR_STATUS_CODE` for status-table row `.0`.
    Status(u16, u32),
    /// Kill transport `.0`'s actor and feed back the reports it leaves.
    Crash(TransportId),
    /// Start a fresh actor for crashed transport `.0`.
    Restart(TransportId),
    /// Disconnect transport `.0` now (`FORCE_XP_DISCONNECT`), feed back the reports it leaves,
    /// then carry on with the `ValidateState` call through [`SpoolerState::validate_resume`].
    Disconnect(TransportId, ValidateWork),
}

/// Whether anything is still to be moved or flushed, for the end-of-run rule.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Liveness {
    /// Outbound messages in queues or handed to transports.
    pub outbound: u64,
    /// Inbound messages waiting at remote ends or being downloaded.
    pub inbound: u64,
    /// Flushes whose work has not ended.
    pub flushes: u64,
}

impl Liveness {
    /// Nothing left to do.
    pub fn is_quiet(&self) -> bool {
        self.outbound == 0 && self.inbound == 0 && self.flushes == 0
    }
}

/// What a spooler timer is for: the kind of its [`WakeToken`], whose value is the transport.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Timer {
    /// A periodic transport's scheduled send.
    Send = 1,
    /// A periodic transport's scheduled poll.
    Poll,
    /// The end of the earliest back-off of an immediate transport's mail.
    Retry,
    /// The earliest lifetime of mail queued for a transport runs out.
    Lifetime,
    /// A crashed transport starts again.
    Restart,
    /// An offline spell ends.
    Online,
}

impl Timer {
    const ALL: [Timer; 6] = [
        Timer::Send,
        Timer::Poll,
        Timer::Retry,
        Timer::Lifetime,
        Timer::Restart,
        Timer::Online,
    ];

    /// The token of this timer for transport `t`.
    fn token(self, t: TransportId) -> WakeToken {
        WakeToken {
            kind: self as u8,
            value: u64::from(t.0),
        }
    }

    /// The timer and transport a token names.
    fn of(tok: WakeToken) -> Option<(Timer, TransportId)> {
        let timer = Timer::ALL.into_iter().find(|&k| k as u8 == tok.kind)?;
        let t = u16::try_from(tok.value).ok()?;
        Some((timer, TransportId(t)))
    }
}

/// Whether a transport is working.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Health {
    Up,
    /// Its actor crashed; it restarts at the given time.
    Crashed(Micros),
    /// Attempts fail until the given time.
    Offline(Micros),
}

/// What the spooler knows of one transport.
#[derive(Debug)]
struct Slot {
    supports_flush: bool,
    honors_no_ui: bool,
    send: Schedule,
    receive: Schedule,
    retry: Micros,
    max_retry: Micros,
    lifetime: Micros,
    queue: OutboundQueue,
    /// Messages handed to the transport and not yet reported settled.
    handed: u64,
    /// Inbound messages at the remote end, including those being downloaded.
    remote_waiting: u64,
    busy: Option<FlushId>,
    /// Set by `ValidateState` with `FORCE_XP_DISCONNECT`, cleared by `FORCE_XP_CONNECT`:
    /// apart from faults, the transport does nothing while it is set.
    forced_offline: bool,
    base_code: u32,
    code: u32,
    health: Health,
    /// The earliest armed lifetime timer.
    lifetime_armed: Option<Micros>,
    /// The earliest armed retry timer.
    retry_armed: Option<Micros>,
    /// Failed attempts of messages that have failed at least once, by id.
    attempts: BTreeMap<MsgId, u32>,
}

/// The spooler's whole state.
#[derive(Debug)]
pub struct SpoolerState {
    config: SpoolerConfig,
    clock: Clock,
    slots: Vec<Slot>,
    /// Which transport gets mail of each address type.
    routes: Routes,
    flushes: ByCall<FlushRun>,
    next_flush: FlushId,
    next_validate: ValidateId,
    spooler_busy: Option<FlushId>,
    next_msg: MsgId,
    next_remote: MsgId,
    inbox: u64,
    /// Outbound messages queued or handed over, and inbound messages at remote ends, over all
    /// transports: kept as mail comes and goes, so the end-of-run check after every event
    /// does not walk every transport.
    outstanding: Liveness,
    /// The spooler's trace.
    pub rec: Recorder,
    /// Effects waiting for the shell.
    pub effects: Vec<Effect>,
}

impl SpoolerState {
    /// The spooler for `scenario`'s transports, recording into a full or counting recorder.
    pub fn new(scenario: &Scenario, clock: Clock, full_trace: bool) -> Self {
        let slots = scenario
            .transports
            .iter()
            .map(|t| {
                let base_code = status::idle_code(t);
                Slot {
                    supports_flush: t.supports_flush,
                    honors_no_ui: t.honors_no_ui,
                    send: t.send,
                    receive: t.receive,
                    retry: t.retry,
                    max_retry: t.max_retry,
                    lifetime: t.lifetime,
                    queue: OutboundQueue::default(),
                    handed: 0,
                    remote_waiting: 0,
                    busy: None,
                    forced_offline: false,
                    base_code,
                    code: base_code,
                    health: Health::Up,
                    lifetime_armed: None,
                    retry_armed: None,
                    attempts: BTreeMap::new(),
                }
            })
            .collect::<Vec<_>>();
        let rec = Recorder::new(slots.len(), full_trace);
        let mut s = SpoolerState {
            config: scenario.spooler,
            clock,
            slots,
            routes: scenario.routes(),
            flushes: ByCall::default(),
            next_flush: FlushId(1),
            next_validate: ValidateId(1),
            spooler_busy: None,
            next_msg: MsgId(0),
            next_remote: MsgId(0),
            inbox: 0,
            outstanding: Liveness::default(),
            rec,
            effects: Vec::new(),
        };
        s.arm_schedules();
        s
    }

    fn arm_schedules(&mut self) {
        for (t, slot) in TransportId::all(self.slots.len()).zip(&self.slots) {
            if let Schedule::Every(d) = slot.send {
                let target = Target::Spooler(Timer::Send.token(t));
                self.clock.schedule(d, Class::Timer, t.into(), target);
            }
            if let Schedule::Every(d) = slot.receive {
                let target = Target::Spooler(Timer::Poll.token(t));
                self.clock.schedule(d, Class::Timer, t.into(), target);
            }
        }
    }

    fn record(&mut self, kind: EventKind) {
        let clock = &self.clock;
        self.rec
            .record_with(Actor::Spooler, kind, || clock.key_now());
    }

    /// The run's clock.
    pub fn clock(&self) -> &Clock {
        &self.clock
    }

    /// The id the next `FlushQueues` call will get.
    pub fn peek_flush_id(&self) -> FlushId {
        self.next_flush
    }

    /// Messages in the inbox.
    pub fn inbox(&self) -> u64 {
        self.inbox
    }

    /// What is still to be done.
    pub fn liveness(&self) -> Liveness {
        let l = Liveness {
            flushes: self.flushes.len() as u64,
            ..self.outstanding
        };
        // The running totals against the transports' own counts, where that is cheap.
        if cfg!(debug_assertions) && self.slots.len() <= 64 {
            debug_assert_eq!(l, self.liveness_by_transport());
        }
        l
    }

    /// What is still to be done, summed over the transports.
    fn liveness_by_transport(&self) -> Liveness {
        let mut l = Liveness {
            flushes: self.flushes.len() as u64,
            ..Liveness::default()
        };
        for s in &self.slots {
            l.outbound += s.queue.len() as u64 + s.handed;
            l.inbound += s.remote_waiting;
        }
        l
    }

    /// Outbound messages held in the spooler's own queues, per transport.
    pub fn queued(&self) -> Vec<u64> {
        self.slots.iter().map(|s| s.queue.len() as u64).collect()
    }

    /// The status code of transport `t`'s row.
    pub fn status_code(&self, t: TransportId) -> u32 {
        self.slots[t.index()].code
    }

    // ----- traffic ---------------------------------------------------------------------------

    /// The client submits `count` messages to an address of type `address_type`.
    pub fn submit(&mut self, address_type: &str, count: u64, size: u64) {
        self.submit_to(self.routes.route(address_type), count, size);
    }

    /// The client submits `count` messages for transport `route`, the first that handles
    /// their address type, or for none (`None`): they get a non-delivery report at once.
    pub fn submit_to(&mut self, route: Option<TransportId>, count: u64, size: u64) {
        let now = self.clock.now();
        // The parser caps a scenario at 10,000,000 messages, well inside a u32.
        let count = u32::try_from(count).unwrap_or(u32::MAX);
        let first = self.next_msg;
        self.next_msg = first.plus(count);
        let Some(t) = route else {
            for msg in first.run(count) {
                self.record(EventKind::Submit {
                    msg,
                    transport: None,
                    size,
                });
                self.record(EventKind::Ndr {
                    msg,
                    transport: None,
                    reason: NdrReason::NoTransport,
                });
            }
            return;
        };
        let i = t.index();
        self.outstanding.outbound += u64::from(count);
        let ready = &mut self.slots[i].queue.ready;
        ready.reserve(count as usize);
        let size32 = u32::try_from(size).unwrap_or(u32::MAX);
        ready.extend(first.run(count).map(|id| QueuedMsg {
            id,
            submitted_at: now,
            size: size32,
        }));
        let clock = &self.clock;
        let msgs = first.run(count);
        self.rec
            .submitted(Actor::Spooler, t, msgs, size, || clock.key_now());
        self.arm_lifetime(t, now + self.slots[i].lifetime);
        // Hand-offs never disturb a flush: a phase's coverage is fixed by the marker it put in
        // the transport's pipeline, and later mail queues up behind it.
        if self.slots[i].send == Schedule::Immediate && !self.slots[i].forced_offline {
            self.hand_ready(t, None);
        }
    }

    /// `count` inbound messages arrive at transport `t`'s remote end.
    pub fn arrive(&mut self, t: TransportId, count: u32) {
        let first = self.next_remote;
        self.next_remote = first.plus(count);
        self.slots[t.index()].remote_waiting += u64::from(count);
        self.outstanding.inbound += u64::from(count);
        self.effects
            .push(Effect::Transport(t, TransportCmd::Arrive { first, count }));
    }

    /// Hands transport `t` its whole ready queue (possibly empty), tagged with a flush.
    fn hand_ready(&mut self, t: TransportId, flush: Option<FlushId>) -> usize {
        let slot = &mut self.slots[t.index()];
        if matches!(slot.health, Health::Crashed(_)) {
            return 0;
        }
        let msgs = slot.queue.take_ready();
        let n = msgs.len();
        if n == 0 && flush.is_none() {
            return 0;
        }
        slot.handed += n as u64;
        if n > 0 {
            self.record(EventKind::HandOff {
                transport: t,
                count: n as u32,
            });
        }
        self.effects.push(Effect::Transport(
            t,
            TransportCmd::Upload {
                msgs: Box::new(msgs),
                flush,
            },
        ));
        n
    }

    // ----- timers ----------------------------------------------------------------------------

    /// A calendar entry for the spooler fired.
    pub fn wake(&mut self, tok: WakeToken) {
        let Some((timer, t)) = Timer::of(tok) else {
            return;
        };
        let now = self.clock.now();
        let i = t.index();
        match timer {
            Timer::Send => {
                if let Schedule::Every(d) = self.slots[i].send {
                    self.clock
                        .schedule(now + d, Class::Timer, t.into(), Target::Spooler(tok));
                }
                if self.slots[i].forced_offline {
                    self.record(EventKind::ScheduleSkipped {
                        transport: t,
                        inbound: false,
                    });
                    return;
                }
                self.slots[i].queue.release_due(now);
                let n = self.slots[i].queue.ready.len() as u32;
                self.record(EventKind::ScheduledSend {
                    transport: t,
                    count: n,
                });
                self.hand_ready(t, None);
            }
            Timer::Poll => {
                if let Schedule::Every(d) = self.slots[i].receive {
                    self.clock
                        .schedule(now + d, Class::Timer, t.into(), Target::Spooler(tok));
                }
                if self.slots[i].forced_offline {
                    self.record(EventKind::ScheduleSkipped {
                        transport: t,
                        inbound: true,
                    });
                    return;
                }
                self.record(EventKind::Poll { transport: t });
                let up = !matches!(self.slots[i].health, Health::Crashed(_));
                if up && self.slots[i].remote_waiting > 0 {
                    self.effects
                        .push(Effect::Transport(t, TransportCmd::Download { flush: None }));
                }
            }
            Timer::Retry => {
                self.slots[i].retry_armed = None;
                if self.slots[i].forced_offline {
                    // Not made up later; `FORCE_XP_CONNECT` arms it again.
                    return;
                }
                if self.slots[i].send == Schedule::Immediate {
                    self.slots[i].queue.release_due(now);
                    self.hand_ready(t, None);
                }
                if let Some(due) = self.slots[i].queue.next_due() {
                    self.arm_retry(t, due);
                }
            }
            Timer::Lifetime => {
                self.slots[i].lifetime_armed = None;
                self.expire(t);
            }
            Timer::Restart if self.slots[i].health == Health::Crashed(now) => {
                self.record(EventKind::Restart { transport: t });
                self.slots[i].health = Health::Up;
                self.effects.push(Effect::Restart(t));
                let code = self.idle_code(t);
                self.set_code(t, code);
                if self.slots[i].send == Schedule::Immediate && !self.slots[i].forced_offline {
                    self.slots[i].queue.release_due(now);
                    self.hand_ready(t, None);
                }
            }
            Timer::Online if self.slots[i].health == Health::Offline(now) => {
                self.slots[i].health = Health::Up;
                // Still offline while a `FORCE_XP_DISCONNECT` holds.
                if !self.slots[i].forced_offline {
                    let code = self.slots[i].code & !STATUS_OFFLINE | STATUS_AVAILABLE;
                    self.set_code(t, code);
                }
            }
            _ => {}
        }
    }

    /// Retries are timed only for immediate transports; a periodic one retries at its next
    /// tick and an on-demand one only when forced.
    fn arm_retry(&mut self, t: TransportId, due: Micros) {
        if self.slots[t.index()].send == Schedule::Immediate {
            self.arm(t, due, Timer::Retry);
        }
    }

    fn arm_lifetime(&mut self, t: TransportId, expiry: Micros) {
        self.arm(t, expiry, Timer::Lifetime);
    }

    /// Arms transport `t`'s retry or lifetime timer at `at`, unless it already fires earlier.
    fn arm(&mut self, t: TransportId, at: Micros, kind: Timer) {
        let slot = &mut self.slots[t.index()];
        let armed = if kind == Timer::Retry {
            &mut slot.retry_armed
        } else {
            &mut slot.lifetime_armed
        };
        if armed.is_some_and(|a| a <= at) {
            return;
        }
        *armed = Some(at);
        let class = if kind == Timer::Lifetime {
            Class::Lifetime
        } else {
            Class::Timer
        };
        let target = Target::Spooler(kind.token(t));
        self.clock.schedule(at, class, t.into(), target);
    }

    /// NDRs every message queued for `t` whose lifetime is over, and re-arms for the next one
    /// (possibly at this very instant, when a completion is being handled: the lifetime timer
    /// then fires after it).
    fn expire(&mut self, t: TransportId) {
        let i = t.index();
        let lifetime = self.slots[i].lifetime;
        let clock = &self.clock;
        let alive = |m: &QueuedMsg| !clock.lifetime_over(m.submitted_at.saturating_add(lifetime));
        let mut dead = Vec::new();
        let q = &mut self.slots[i].queue;
        q.ready.retain(|m| {
            let keep = alive(m);
            if !keep {
                dead.push(m.id);
            }
            keep
        });
        q.deferred.retain(|_, m| {
            let keep = alive(m);
            if !keep {
                dead.push(m.id);
            }
            keep
        });
        self.outstanding.outbound -= dead.len() as u64;
        for msg in dead {
            self.slots[i].attempts.remove(&msg);
            self.record(EventKind::Ndr {
                msg,
                transport: Some(t),
                reason: NdrReason::Expired,
            });
        }
        let q = &self.slots[i].queue;
        let next = q
            .ready
            .iter()
            .chain(q.deferred.values())
            .map(|m| m.submitted_at.saturating_add(lifetime))
            .min();
        if let Some(next) = next {
            self.arm_lifetime(t, next);
        }
    }

    // ----- faults ----------------------------------------------------------------------------

    /// Sets transport `t`'s `PR_STATUS_CODE`, publishing it when it changed.
    fn set_code(&mut self, t: TransportId, code: u32) {
        let slot = &mut self.slots[t.index()];
        if slot.code != code {
            slot.code = code;
            let row = transport_row(t);
            // A detail event that counts nothing: a counting trace would drop it at once.
            if self.rec.wants_each_event() {
                self.record(EventKind::StatusChange { row, code });
            }
            self.effects.push(Effect::Status(row, code));
        }
    }

    /// `PR_STATUS_CODE` of transport `t` when no flush phase runs on it.
    fn idle_code(&self, t: TransportId) -> u32 {
        let slot = &self.slots[t.index()];
        let code = match slot.health {
            Health::Up => slot.base_code,
            Health::Crashed(_) => (slot.base_code & !STATUS_AVAILABLE) | STATUS_FAILURE,
            Health::Offline(_) => (slot.base_code & !STATUS_AVAILABLE) | STATUS_OFFLINE,
        };
        if slot.forced_offline {
            (code & !STATUS_AVAILABLE) | STATUS_OFFLINE
        } else {
            code
        }
    }

    /// A scripted fault strikes transport `t` now.
    pub fn fault(&mut self, t: TransportId, kind: FaultKind, down: Micros) {
        self.record(EventKind::Fault {
            transport: t,
            kind,
            down,
        });
        let now = self.clock.now();
        let i = t.index();
        let until = now.saturating_add(down);
        match kind {
            FaultKind::Crash => {
                if matches!(self.slots[i].health, Health::Crashed(_)) {
                    return;
                }
                self.slots[i].health = Health::Crashed(until);
                let code = self.idle_code(t);
                self.set_code(t, code);
                self.effects.push(Effect::Crash(t));
                let target = Target::Spooler(Timer::Restart.token(t));
                self.clock
                    .schedule(until, Class::Completion, t.into(), target);
            }
            FaultKind::Offline => {
                if matches!(self.slots[i].health, Health::Crashed(_)) {
                    return;
                }
                let until = match self.slots[i].health {
                    Health::Offline(u) => u.max(until),
                    _ => until,
                };
                self.slots[i].health = Health::Offline(until);
                let code = (self.slots[i].code & !STATUS_AVAILABLE) | STATUS_OFFLINE;
                self.set_code(t, code);
                self.effects
                    .push(Effect::Transport(t, TransportCmd::Offline(until)));
                let target = Target::Spooler(Timer::Online.token(t));
                self.clock.schedule(until, Class::Timer, t.into(), target);
            }
            FaultKind::DropLine => {
                if !matches!(self.slots[i].health, Health::Crashed(_)) {
                    self.effects
                        .push(Effect::Transport(t, TransportCmd::DropLine));
                }
            }
        }
    }

    /// Whether transport `t`'s actor is down.
    pub fn is_crashed(&self, t: TransportId) -> bool {
        matches!(self.slots[t.index()].health, Health::Crashed(_))
    }

    /// Whether transport `t` is crashed, offline, or left offline by `FORCE_XP_DISCONNECT`: a
    /// flush part that meets it ends at once.
    fn is_down(&self, t: TransportId) -> bool {
        let slot = &self.slots[t.index()];
        slot.health != Health::Up || slot.forced_offline
    }

    // ----- reports from transports -----------------------------------------------------------

    /// Transport `t` reports.
    pub fn report(&mut self, t: TransportId, r: Report) {
        match r {
            Report::Settled(s) => self.settled(t, s),
            Report::PhaseDone(d) => self.phase_done(t, d),
        }
    }

    /// Transport `t` settled some work.
    pub fn settled(&mut self, t: TransportId, s: Settled) {
        let i = t.index();
        let slot = &mut self.slots[i];
        slot.handed -= s.outbound();
        slot.remote_waiting -= u64::from(s.received);
        self.outstanding.outbound -= u64::from(s.delivered) + u64::from(s.expired);
        self.outstanding.inbound -= u64::from(s.received);
        self.inbox += u64::from(s.received);
        // Mail handed over but never started goes back where it was: the front of the queue,
        // under the spooler's lifetime watch again.
        let returned = !s.returned.is_empty();
        for m in s.returned.into_iter().rev() {
            self.slots[i].queue.ready.push_front(m);
        }
        if returned {
            self.expire(t);
        }
        for FailedAttempt { msg: m, at } in s.failed {
            let slot = &mut self.slots[i];
            let attempts = slot.attempts.entry(m.id).or_insert(0);
            *attempts += 1;
            let due = at + backoff(slot.retry, slot.max_retry, *attempts);
            slot.queue.deferred.insert((due, m.id), m);
            let expiry = m.submitted_at.saturating_add(slot.lifetime);
            if self.clock.lifetime_over(expiry) {
                // The attempt under way when the lifetime ran out failed: the NDR follows now.
                self.expire(t);
            } else {
                // A lifetime that runs out at this very instant is the timer's, after this
                // completion.
                self.arm_lifetime(t, expiry);
                self.arm_retry(t, due);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    //! The spooler driven synchronously: no runtime, no actors, just inputs and effects.
    use super::*;
    use crate::model::TransportConfig;
    use crate::sim::Key;
    use crate::spooler::status::entry_id;

    fn spooler() -> SpoolerState {
        let mut s = Scenario::new("unit");
        let mut a = TransportConfig::lan("a", &["A"]);
        a.send = Schedule::OnDemand;
        a.receive = Schedule::OnDemand;
        let mut b = TransportConfig::lan("b", &["B"]);
        b.send = Schedule::OnDemand;
        b.receive = Schedule::OnDemand;
        b.supports_flush = false;
        s.transports = vec![a, b];
        SpoolerState::new(&s, Clock::new(), false)
    }

    fn at(s: &SpoolerState, t: Micros) {
        s.clock.set_current(Key {
            t,
            class: Class::Client as u8,
            idx: 0,
            seq: 0,
        });
    }

    /// The answers given, by call number.
    fn replies(s: &mut SpoolerState) -> Vec<(u32, HResult)> {
        s.effects
            .drain(..)
            .filter_map(|e| match e {
                Effect::Reply(id, r) => Some((id.0, r)),
                _ => None,
            })
            .collect()
    }

    /// The batches handed over: transport, how many messages, and the flush by number.
    fn uploads(s: &mut SpoolerState) -> Vec<(u16, usize, Option<u32>)> {
        s.effects
            .drain(..)
            .filter_map(|e| match e {
                Effect::Transport(t, TransportCmd::Upload { msgs, flush }) => {
                    Some((t.0, msgs.len(), flush.map(|f| f.0)))
                }
                _ => None,
            })
            .collect()
    }

    const UP: FlushFlags = FlushFlags::UPLOAD;

    #[test]
    fn checks_come_in_the_documented_order() {
        let mut s = spooler();
        let bad = FlushFlags::from_bits_retain(0x100);
        s.flush_call(Object::Spooler, None, bad, Origin::Api);
        s.flush_call(Object::Spooler, None, FlushFlags::NO_UI, Origin::Api);
        // No direction outranks no support.
        s.flush_call(
            Object::Transport(TransportId(1)),
            None,
            FlushFlags::NO_UI,
            Origin::Api,
        );
        s.flush_call(Object::Transport(TransportId(1)), None, UP, Origin::Api);
        s.flush_call(Object::Other(0), None, UP, Origin::Api);
        s.flush_call(Object::Spooler, Some(&entry_id(1)), UP, Origin::Api);
        assert_eq!(
            replies(&mut s),
            vec![
                (1, HResult::MAPI_E_UNKNOWN_FLAGS),
                (2, HResult::MAPI_E_INVALID_PARAMETER),
                (3, HResult::MAPI_E_INVALID_PARAMETER),
                (4, HResult::MAPI_E_NO_SUPPORT),
                (5, HResult::MAPI_E_NO_SUPPORT),
                (6, HResult::MAPI_E_INVALID_ENTRYID),
            ]
        );
        assert!(s.liveness().is_quiet());
    }

    #[test]
    fn an_empty_flush_completes_without_a_round_trip() {
        let mut s = spooler();
        s.flush_call(
            Object::Spooler,
            None,
            UP | FlushFlags::DOWNLOAD,
            Origin::Api,
        );
        assert_eq!(replies(&mut s), vec![(1, HResult::S_OK)]);
    }

    #[test]
    fn profile_order_hands_one_transport_at_a_time_and_busies_everything() {
        let mut s = spooler();
        s.submit("A", 3, 100);
        s.submit("b", 2, 100); // address types compare case-insensitively
        assert_eq!(s.queued(), vec![3, 2]);
        s.flush_call(Object::Spooler, None, UP, Origin::Api);
        assert_eq!(uploads(&mut s), vec![(0, 3, Some(1))]);
        // Everything is busy while it runs: a direct flush of the other transport too.
        s.flush_call(Object::Spooler, Some(&entry_id(4)), UP, Origin::Api);
        assert_eq!(replies(&mut s), vec![(2, HResult::MAPI_E_BUSY)]);
        at(&s, 3);
        s.settled(
            TransportId(0),
            Settled {
                delivered: 3,
                ..Settled::default()
            },
        );
        s.phase_done(
            TransportId(0),
            PhaseDone {
                flush: FlushId(1),
                inbound: false,
                result: HResult::S_OK,
                delivered: 3,
                received: 0,
                failed: false,
            },
        );
        assert_eq!(uploads(&mut s), vec![(1, 2, Some(1))]);
        s.settled(
            TransportId(1),
            Settled {
                delivered: 2,
                ..Settled::default()
            },
        );
        s.phase_done(
            TransportId(1),
            PhaseDone {
                flush: FlushId(1),
                inbound: false,
                result: HResult::S_OK,
                delivered: 2,
                received: 0,
                failed: false,
            },
        );
        assert_eq!(replies(&mut s), vec![(1, HResult::S_OK)]);
        assert!(s.liveness().is_quiet());
    }

    #[test]
    fn async_flush_replies_at_once_and_partial_failures_combine() {
        let mut s = spooler();
        s.submit("A", 1, 1);
        s.submit("B", 1, 1);
        // A scripted call: its events are kept even by a counting recorder.
        s.flush_call(
            Object::Spooler,
            None,
            UP | FlushFlags::ASYNC_OK,
            Origin::Flush(1),
        );
        let effects: Vec<Effect> = s.effects.drain(..).collect();
        assert!(matches!(
            effects.last(),
            Some(Effect::Transport(TransportId(0), _))
        ));
        assert!(effects
            .iter()
            .any(|e| matches!(e, Effect::Reply(FlushId(1), HResult::S_OK))));
        s.phase_done(
            TransportId(0),
            PhaseDone {
                flush: FlushId(1),
                inbound: false,
                result: HResult::MAPI_E_USER_CANCEL,
                delivered: 0,
                received: 0,
                failed: false,
            },
        );
        s.phase_done(
            TransportId(1),
            PhaseDone {
                flush: FlushId(1),
                inbound: false,
                result: HResult::S_OK,
                delivered: 1,
                received: 0,
                failed: false,
            },
        );
        // The call already returned: no second reply, but the completion is traced.
        assert!(replies(&mut s).is_empty());
        let outcome = s.rec.events().iter().find_map(|e| match e.kind {
            EventKind::FlushComplete { outcome, .. } => Some(outcome),
            _ => None,
        });
        assert_eq!(outcome, Some(HResult::MAPI_W_PARTIAL_COMPLETION));
    }

    #[test]
    fn a_failed_attempt_waits_out_its_backoff_and_force_covers_it() {
        let mut s = spooler();
        s.submit("A", 1, 1);
        s.flush_call(Object::Transport(TransportId(0)), None, UP, Origin::Api);
        uploads(&mut s);
        at(&s, 10);
        let m = QueuedMsg {
            id: MsgId(0),
            submitted_at: 0,
            size: 1,
        };
        s.settled(
            TransportId(0),
            Settled {
                failed: vec![FailedAttempt { msg: m, at: 10 }],
                ..Settled::default()
            },
        );
        s.phase_done(
            TransportId(0),
            PhaseDone {
                flush: FlushId(1),
                inbound: false,
                result: HResult::S_OK,
                delivered: 0,
                received: 0,
                failed: true,
            },
        );
        assert_eq!(replies(&mut s), vec![(1, HResult::MAPI_E_NETWORK_ERROR)]);
        // A plain flush skips mail in its back-off: nothing to cover, done at once.
        s.flush_call(Object::Transport(TransportId(0)), None, UP, Origin::Api);
        assert_eq!(replies(&mut s), vec![(2, HResult::S_OK)]);
        // FLUSH_FORCE tries it now.
        s.flush_call(
            Object::Transport(TransportId(0)),
            None,
            UP | FlushFlags::FORCE,
            Origin::Api,
        );
        assert_eq!(uploads(&mut s), vec![(0, 1, Some(3))]);
    }

    #[test]
    fn a_failure_at_the_lifetime_instant_leaves_the_ndr_to_the_lifetime_timer() {
        let mut s = spooler();
        s.slots[0].lifetime = 10;
        s.submit("A", 1, 1);
        s.flush_call(Object::Transport(TransportId(0)), None, UP, Origin::Api);
        uploads(&mut s);
        // The attempt fails as it completes at 10, the instant its lifetime runs out: that
        // completion comes before the lifetime timer, which gives the NDR right after it.
        s.clock.set_current(Key {
            t: 10,
            class: Class::Completion as u8,
            idx: 0,
            seq: 0,
        });
        let m = QueuedMsg {
            id: MsgId(0),
            submitted_at: 0,
            size: 1,
        };
        s.settled(
            TransportId(0),
            Settled {
                failed: vec![FailedAttempt { msg: m, at: 10 }],
                ..Settled::default()
            },
        );
        let ndrs = |s: &SpoolerState| s.rec.counts()[0].ndr;
        assert_eq!(ndrs(&s), 0);
        assert_eq!(s.queued(), vec![1, 0]);
        let mut fired = false;
        while let Some((key, target)) = s.clock.pop() {
            if let (10, Target::Spooler(tok)) = (key.t, target) {
                fired |= key.class == Class::Lifetime as u8;
                s.wake(tok);
            }
        }
        assert!(fired, "the lifetime timer at 10 gave the NDR");
        assert_eq!(ndrs(&s), 1);
        assert_eq!(s.queued(), vec![0, 0]);
    }
}
