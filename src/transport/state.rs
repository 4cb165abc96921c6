//! A transport's state machine: its pipeline of work, its remote end and, for dial-up, its line.
//!
//! A transport moves one message at a time, so the completion time of every message in a batch
//! is known the moment the batch starts: `start + Σ per_message`. Instead of a timer per message
//! the transport registers one calendar wake-up per *checkpoint* — the end of the batch, the
//! next failed attempt, which the spooler must hear about at its exact time, or the instant the
//! batch starts when its first attempts take no time — and settles everything that completed
//! in between arithmetically, stamping each delivery with its exact time. Even work of zero
//! duration completes through the calendar, so it comes after what was already due at that
//! instant and is written after what caused it. A fault or the end of the run settles the batch
//! at "now" and returns what never started. Settling itself is in `settle`.

use std::collections::VecDeque;

use crate::mapi::HResult;
use crate::model::{RasConfig, TransportConfig, UiAnswer};
use crate::protocol::{
    Batch, FailedAttempt, OpenPhase, PhaseDone, QueuedMsg, Report, Settled, TransportCmd,
};
use crate::sim::{
    Class, Clock, Dist, FlushId, Key, Micros, MsgId, SimRng, Stream, Target, TransportId, WakeToken,
};
use crate::trace::{Actor, EventKind, NdrReason, Recorder};

mod plan;
mod settle;

use plan::Plan;

/// A unit of queued work.
#[derive(Debug)]
enum Work {
    Upload { msgs: Batch, flush: Option<FlushId> },
    Download { flush: Option<FlushId> },
}

impl Work {
    /// The flush whose phase this work is, if any.
    fn flush(&self) -> Option<FlushId> {
        match self {
            Work::Upload { flush, .. } | Work::Download { flush } => *flush,
        }
    }

    /// Whether it moves inbound mail.
    fn inbound(&self) -> bool {
        matches!(self, Work::Download { .. })
    }
}

/// Counters used to attribute moved messages to a flush phase.
#[derive(Debug, Clone, Copy, Default)]
struct Totals {
    delivered: u64,
    received: u64,
    failed: u64,
}

/// An outbound batch under way.
#[derive(Debug)]
struct Upload {
    msgs: Batch,
    /// One attempt per message, in order.
    plan: Plan,
    /// Messages settled so far.
    done: usize,
    flush: Option<FlushId>,
}

/// A download batch under way.
#[derive(Debug)]
struct Download {
    /// `(remote id, arrival time)` of each covered message.
    msgs: Vec<(MsgId, Micros)>,
    plan: Plan,
    done: usize,
    flush: Option<FlushId>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Ok,
    Failed,
    /// Failed now because a fault cut it short.
    Cut,
    Expired,
    /// Already accounted for (an expiry settled at the end of the run).
    Gone,
}

/// A batch of attempts that take no time and cannot fail, in a counting trace: every one
/// completes at the instant the batch started, with no plan kept per message.
#[derive(Debug)]
struct Burst {
    start: Start,
    /// Outbound mail, or how many messages from the front of the remote end.
    work: BurstWork,
    flush: Option<FlushId>,
}

#[derive(Debug)]
enum BurstWork {
    Upload(Batch),
    Download(usize),
}

#[derive(Debug)]
enum Active {
    Upload(Upload),
    Download(Download),
    Burst(Burst),
}

/// When a batch starts, and whether the lifetime timers of that instant had fired by then.
///
/// The rule for an attempt that starts at the very instant its message's lifetime runs out
/// lives here, for the planned path and the counting fast path alike: the first attempt
/// starts under whatever the transport is handling, the later ones when the attempt before
/// them completes (a completion, which comes before that instant's lifetime timers).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Start {
    at: Micros,
    lifetimes_fired: bool,
}

impl Start {
    /// Whether an attempt starting at `t` (this batch's start or later, back to back) comes too
    /// late for mail whose lifetime runs out at `expiry`.
    fn too_late(&self, expiry: Micros, t: Micros) -> bool {
        expiry < t || (expiry == t && t == self.at && self.lifetimes_fired)
    }
}

/// A dial-up line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Line {
    /// No line; LAN transports are always `Up`.
    Down,
    /// The user has been asked and has not answered.
    Prompting,
    /// Dialling and handshake.
    Dialing,
    /// Connected.
    Up,
}

/// What a calendar wake-up of this transport is for (the [`WakeToken`]'s kind; its value is
/// the generation of the plan it was armed under).
const WAKE_CHECKPOINT: u8 = 1;
const WAKE_ANSWER: u8 = 2;
const WAKE_CONNECTED: u8 = 3;
const WAKE_HANGUP: u8 = 4;
/// Not tied to a generation: the scan it triggers is always safe.
const WAKE_EXPIRE: u8 = 5;

/// One transport's whole state.
#[derive(Debug)]
pub struct TransportState {
    id: TransportId,
    per_message: Dist,
    failure_rate: f64,
    lifetime: Micros,
    ras: Option<RasConfig>,
    rng: SimRng,
    clock: Clock,
    /// The transport's trace.
    pub rec: Recorder,
    work: VecDeque<(Work, Totals)>,
    active: Option<(Active, Totals)>,
    remote: VecDeque<(MsgId, Micros)>,
    line: Line,
    /// Generation of wake-ups; a wake-up with an older generation is stale.
    generation: u64,
    totals: Totals,
    /// Attempts starting before this time fail (an offline spell).
    offline_until: Micros,
    /// When the earliest lifetime wake-up for waiting mail is armed.
    expiry_armed: Option<Micros>,
    /// Reports waiting for the shell to send.
    pub reports: Vec<Report>,
    pending: Settled,
    /// The buffer of the last small plan that ended, for the next one.
    spare_plan: Vec<Micros>,
}

/// The largest plan buffer kept for the next plan: enough for the batches of one or a few
/// messages that steady traffic hands over, while a large batch's buffer is freed when it ends.
const SPARE_PLAN: usize = 64;

impl TransportState {
    /// The state of transport `id` configured by `cfg`.
    pub fn new(
        id: TransportId,
        cfg: &TransportConfig,
        seed: u64,
        clock: Clock,
        transports: usize,
        full: bool,
    ) -> Self {
        TransportState {
            id,
            per_message: cfg.per_message,
            failure_rate: cfg.failure_rate,
            lifetime: cfg.lifetime,
            ras: cfg.ras_config().copied(),
            rng: SimRng::new(seed, Stream::Transport(id.into())),
            clock,
            rec: Recorder::new(transports, full),
            work: VecDeque::new(),
            active: None,
            remote: VecDeque::new(),
            line: if cfg.ras_config().is_some() {
                Line::Down
            } else {
                Line::Up
            },
            generation: 0,
            totals: Totals::default(),
            offline_until: 0,
            expiry_armed: None,
            reports: Vec::new(),
            pending: Settled::default(),
            spare_plan: Vec::new(),
        }
    }

    fn record(&mut self, kind: EventKind) {
        let key = self.clock.key_now();
        self.rec.record(key, Actor::Transport(self.id), kind);
    }

    fn wake_at(&mut self, t: Micros, kind: u8) {
        let tok = WakeToken {
            kind,
            value: self.generation,
        };
        let target = Target::Transport(self.id, tok);
        self.clock
            .schedule(t, Class::Completion, self.id.into(), target);
    }

    /// Which transport this is.
    pub fn id(&self) -> TransportId {
        self.id
    }

    /// Handles one command from the spooler.
    pub fn handle(&mut self, cmd: TransportCmd) {
        match cmd {
            TransportCmd::Upload { msgs, flush } => {
                self.settle();
                let snap = self.totals;
                self.work
                    .push_back((Work::Upload { msgs: *msgs, flush }, snap));
                self.pump();
                if !self.work.is_empty() {
                    self.expire_waiting();
                }
            }
            TransportCmd::Download { flush } => {
                self.settle();
                let snap = self.totals;
                self.work.push_back((Work::Download { flush }, snap));
                self.pump();
            }
            TransportCmd::Arrive { first, count } => {
                let now = self.clock.now();
                self.remote.reserve(count as usize);
                self.remote.extend(first.run(count).map(|m| (m, now)));
                let clock = &self.clock;
                let msgs = first.run(count);
                self.rec
                    .arrived(Actor::Transport(self.id), self.id, msgs, || clock.key_now());
            }
            TransportCmd::Offline(until) => self.offline(until),
            TransportCmd::DropLine => self.drop_line(),
            TransportCmd::Wake(tok) => self.wake(tok),
        }
        self.flush_reports();
    }

    fn flush_reports(&mut self) {
        if !self.pending.is_empty() {
            let s = std::mem::take(&mut self.pending);
            // Settled reports go first: a phase's end must never overtake its deliveries.
            self.reports.insert(0, Report::Settled(s));
        }
    }

    fn wake(&mut self, tok: WakeToken) {
        if tok.kind == WAKE_EXPIRE {
            self.expiry_armed = None;
            self.expire_waiting();
            self.pump();
            return;
        }
        if tok.value != self.generation {
            return; // a wake-up armed before something changed the plan
        }
        match tok.kind {
            WAKE_CHECKPOINT => {
                self.settle();
                self.pump();
            }
            WAKE_ANSWER => self.answer(),
            WAKE_CONNECTED => {
                self.line = Line::Up;
                self.record(EventKind::Connected { transport: self.id });
                self.pump();
            }
            WAKE_HANGUP
                if self.line == Line::Up && self.active.is_none() && self.work.is_empty() =>
            {
                self.line = Line::Down;
                self.record(EventKind::HangUp { transport: self.id });
            }
            _ => {}
        }
    }

    fn answer(&mut self) {
        let Some(ras) = self.ras else { return };
        // The simulated user in front of the prompt answers.
        let key = self.clock.key_now();
        self.rec.record(
            key,
            Actor::User(self.id),
            EventKind::Answer {
                transport: self.id,
                answer: ras.ui,
            },
        );
        match ras.ui {
            UiAnswer::Accept => self.dial(ras),
            UiAnswer::Cancel => {
                self.line = Line::Down;
                self.cancel_all(HResult::MAPI_E_USER_CANCEL);
            }
            UiAnswer::Ignore => {}
        }
    }

    fn dial(&mut self, ras: RasConfig) {
        self.line = Line::Dialing;
        self.record(EventKind::Dial { transport: self.id });
        let at = self.clock.now() + ras.connect;
        self.wake_at(at, WAKE_CONNECTED);
    }

    /// Ends every piece of queued work without doing it: outbound mail goes back to the
    /// spooler unmarked and flush phases end with `result`.
    fn cancel_all(&mut self, result: HResult) {
        while let Some((w, snap)) = self.work.pop_front() {
            if let Some(f) = w.flush() {
                self.phase_done(f, w.inbound(), result, snap);
            }
            if let Work::Upload { msgs, .. } = w {
                self.pending.returned.extend(msgs);
            }
        }
    }

    fn phase_done(&mut self, flush: FlushId, inbound: bool, result: HResult, snap: Totals) {
        let t = self.totals;
        self.reports.push(Report::PhaseDone(PhaseDone {
            flush,
            inbound,
            result,
            delivered: (t.delivered - snap.delivered) as u32,
            received: (t.received - snap.received) as u32,
            failed: t.failed > snap.failed,
        }));
    }

    /// Whether a piece of work has anything to move right now.
    fn has_work(&self, w: &Work) -> bool {
        match w {
            Work::Upload { msgs, .. } => !msgs.is_empty(),
            Work::Download { .. } => !self.remote.is_empty(),
        }
    }

    /// Starts the next piece of work if the transport is free, dialling first if needed.
    fn pump(&mut self) {
        while self.active.is_none() {
            // While the user has not answered, or the modem is dialling, everything waits:
            // an ignored prompt never ends the work queued behind it.
            if matches!(self.line, Line::Prompting | Line::Dialing) {
                return;
            }
            let Some((front, _)) = self.work.front() else {
                self.idle();
                return;
            };
            if !self.has_work(front) {
                let (w, snap) = self.work.pop_front().expect("front exists");
                if let Some(f) = w.flush() {
                    self.phase_done(f, w.inbound(), HResult::S_OK, snap);
                }
                continue;
            }
            match self.line {
                Line::Up => {}
                Line::Prompting | Line::Dialing => return,
                Line::Down => {
                    let ras = self.ras.expect("only dial-up lines go down");
                    let flush = front.flush();
                    self.generation += 1;
                    if ras.unattended {
                        self.dial(ras);
                    } else {
                        self.line = Line::Prompting;
                        self.record(EventKind::Prompt {
                            transport: self.id,
                            flush,
                        });
                        if ras.ui != UiAnswer::Ignore {
                            let at = self.clock.now() + ras.ui_delay;
                            self.wake_at(at, WAKE_ANSWER);
                        }
                    }
                    return;
                }
            }
            let (w, snap) = self.work.pop_front().expect("front exists");
            self.start(w, snap);
        }
    }

    /// The line is up with nothing to do: arm the idle hang-up.
    fn idle(&mut self) {
        if let (Some(ras), Line::Up) = (self.ras, self.line) {
            self.generation += 1;
            let at = self.clock.now() + ras.idle_hangup;
            self.wake_at(at, WAKE_HANGUP);
        }
    }

    /// The run's clock.
    pub fn clock(&self) -> &Clock {
        &self.clock
    }

    /// Whether every attempt completes the moment it starts and none can fail.
    fn instant(&self) -> bool {
        self.per_message == Dist::Fixed(0)
            && self.failure_rate == 0.0
            && self.clock.now() >= self.offline_until
    }

    /// Plans attempts back to back from `start`, one per expiry given (`None`: no lifetime).
    /// An attempt fails when its draw says so or when it starts during an offline spell; one
    /// that would start too late for its message's lifetime is not made and draws nothing.
    fn plan(&mut self, start: Start, expiries: impl Iterator<Item = Option<Micros>>) -> Plan {
        let draws = u128::from(self.failure_rate > 0.0) + u128::from(self.per_message.is_random());
        let mut plan = Plan::new(
            start.at,
            expiries.size_hint().0,
            self.rng.position(),
            2 * draws,
            std::mem::take(&mut self.spare_plan),
        );
        let mut cursor = start.at;
        for exp in expiries {
            if let Some(exp) = exp.filter(|&e| start.too_late(e, cursor)) {
                // Its lifetime ran out before its turn: the NDR is at `exp`, settled in order
                // once the attempt ahead of it ends.
                plan.push(cursor, Outcome::Expired, exp);
                continue;
            }
            let unlucky = self.failure_rate > 0.0 && self.rng.chance(self.failure_rate);
            let fails = unlucky || cursor < self.offline_until;
            cursor += self.per_message.sample(&mut self.rng);
            let outcome = if fails { Outcome::Failed } else { Outcome::Ok };
            plan.push(cursor, outcome, 0);
        }
        plan
    }

    /// Starts a piece of work now. Its attempts complete through the calendar, even those that
    /// take no time: they complete at this instant, after the completions already due.
    fn start(&mut self, w: Work, snap: Totals) {
        self.generation += 1;
        let start = Start {
            at: self.clock.now(),
            lifetimes_fired: self.clock.lifetimes_fired(),
        };
        // The counting fast path keeps no plan per message when nothing can take time or fail;
        // it settles by the same rules as the planned path.
        let burst = self.instant() && self.rec.settles_in_bulk();
        let active = match w {
            Work::Upload { msgs, flush } if burst => Active::Burst(Burst {
                start,
                work: BurstWork::Upload(msgs),
                flush,
            }),
            Work::Download { flush } if burst => Active::Burst(Burst {
                start,
                work: BurstWork::Download(self.remote.len()),
                flush,
            }),
            Work::Upload { msgs, flush } => {
                let lifetime = self.lifetime;
                let expiries = msgs
                    .iter()
                    .map(|m| Some(m.submitted_at.saturating_add(lifetime)));
                let plan = self.plan(start, expiries);
                Active::Upload(Upload {
                    msgs,
                    plan,
                    done: 0,
                    flush,
                })
            }
            Work::Download { flush } => {
                let msgs: Vec<(MsgId, Micros)> = self.remote.drain(..).collect();
                let plan = self.plan(start, msgs.iter().map(|_| None));
                Active::Download(Download {
                    msgs,
                    plan,
                    done: 0,
                    flush,
                })
            }
        };
        match &active {
            Active::Upload(u) => self.rec.reserve_latencies(self.id, false, u.plan.len()),
            Active::Download(d) => self.rec.reserve_latencies(self.id, true, d.plan.len()),
            Active::Burst(_) => {}
        }
        self.active = Some((active, snap));
        self.arm_checkpoint();
    }

    /// Arms the wake-up at which the batch under way next reports: at this instant when an
    /// attempt completes now, else at its next failure or its end.
    fn arm_checkpoint(&mut self) {
        let now = self.clock.now();
        let at = match &self.active {
            Some((Active::Upload(u), _)) => u.plan.next_checkpoint(u.done, now),
            Some((Active::Download(d), _)) => d.plan.next_checkpoint(d.done, now),
            Some((Active::Burst(b), _)) => Some(b.start.at),
            None => None,
        };
        if let Some(at) = at {
            self.wake_at(at, WAKE_CHECKPOINT);
        }
    }

    /// Takes the attempts of the batch under way that have not started out of it, as a work
    /// item carrying the batch's flush (if any) and phase counters. The attempt in transfer,
    /// if any, fails now. Draws of the attempts taken out are given back, so they are made
    /// again when those attempts do start.
    fn interrupt(&mut self) -> Option<(Work, Totals)> {
        self.settle();
        let now = self.clock.now();
        let (active, snap) = self.active.as_mut()?;
        let snap = *snap;
        let (plan, done) = match active {
            Active::Upload(u) => (&mut u.plan, u.done),
            Active::Download(d) => (&mut d.plan, d.done),
            // Settling completes a burst: it cannot be under way here.
            Active::Burst(_) => return None,
        };
        let cut =
            done < plan.len() && plan.start(done) <= now && plan.outcome(done) != Outcome::Expired;
        let first = done + usize::from(cut);
        if first < plan.len() {
            self.rng.rewind(plan.rng_before(first));
        }
        if cut {
            plan.cut(done, now);
        }
        plan.truncate(first);
        let rest = match active {
            Active::Upload(u) => Work::Upload {
                msgs: u.msgs.drain(first..).collect(),
                flush: u.flush.take(),
            },
            Active::Download(d) => {
                for &m in d.msgs[first..].iter().rev() {
                    self.remote.push_front(m);
                }
                d.msgs.truncate(first);
                Work::Download {
                    flush: d.flush.take(),
                }
            }
            Active::Burst(_) => return None,
        };
        self.generation += 1;
        self.settle();
        Some((rest, snap))
    }

    /// An offline spell until `until`: the work under way is cut short as by a crash (the
    /// transfer in progress fails now, handed mail goes back unmarked, flush phases end with
    /// `MAPI_E_NETWORK_ERROR`), and every attempt that starts before `until` fails.
    pub fn offline(&mut self, until: Micros) {
        self.offline_until = self.offline_until.max(until);
        self.cut_short();
        self.flush_reports();
    }

    /// Cuts all work short at a fault: see [`TransportState::offline`].
    fn cut_short(&mut self) {
        if let Some(rest) = self.interrupt() {
            self.work.push_front(rest);
        }
        self.settle();
        self.cancel_all(HResult::MAPI_E_NETWORK_ERROR);
    }

    /// The dial-up line drops: the transfer under way fails now, and the rest of the work
    /// waits for a new dial (and prompt).
    pub fn drop_line(&mut self) {
        if !matches!(self.line, Line::Up | Line::Dialing) || self.ras.is_none() {
            return;
        }
        self.line = Line::Down;
        self.generation += 1;
        self.record(EventKind::HangUp { transport: self.id });
        if let Some(rest) = self.interrupt() {
            self.work.push_front(rest);
        }
        self.settle();
        self.pump();
        self.flush_reports();
    }

    /// `ValidateState` with `FORCE_XP_DISCONNECT`: the transfer under way fails now and waits
    /// out its back-off, mail handed over but not started goes back to the spooler unmarked,
    /// an open dial prompt or a dial is abandoned (no answer comes, nothing fails), and a line
    /// that was up or dialling hangs up. The spooler hands the transport no work until a
    /// `FORCE_XP_CONNECT`, so nothing restarts here.
    pub fn disconnect(&mut self) {
        if let Some(rest) = self.interrupt() {
            self.work.push_front(rest);
        }
        self.settle();
        // No flush covers a transport that accepts the call, so no phase ends here.
        self.cancel_all(HResult::MAPI_E_NETWORK_ERROR);
        if self.ras.is_some() {
            let was = std::mem::replace(&mut self.line, Line::Down);
            self.generation += 1;
            if matches!(was, Line::Up | Line::Dialing) {
                self.record(EventKind::HangUp { transport: self.id });
            }
        }
        self.flush_reports();
    }

    /// The transport crashes: the transfer under way fails now, mail handed over but not
    /// started goes back to the spooler unmarked, and every flush phase it owes ends with
    /// `MAPI_E_NETWORK_ERROR`. Mail waiting at the remote end stays there.
    pub fn crash(&mut self) {
        self.cut_short();
        if self.ras.is_some() {
            self.line = Line::Down;
        }
        self.generation += 1;
        self.flush_reports();
    }

    /// Inbound mail arrives while the actor is down: the remote end keeps it.
    pub fn arrive(&mut self, first: MsgId, count: u32) {
        self.handle(TransportCmd::Arrive { first, count });
    }

    /// Flush phases still open at the end of the run, with what each has moved so far.
    pub fn open_phases(&self) -> Vec<OpenPhase> {
        let t = self.totals;
        let transport = self.id;
        let since = |flush: FlushId, snap: &Totals| OpenPhase {
            transport,
            flush,
            delivered: (t.delivered - snap.delivered) as u32,
            received: (t.received - snap.received) as u32,
        };
        let mut open = Vec::new();
        if let Some((a, snap)) = &self.active {
            let flush = match a {
                Active::Upload(u) => u.flush,
                Active::Download(d) => d.flush,
                Active::Burst(b) => b.flush,
            };
            if let Some(f) = flush {
                open.push(since(f, snap));
            }
        }
        for (w, snap) in &self.work {
            if let Some(f) = w.flush() {
                open.push(since(f, snap));
            }
        }
        open
    }

    /// Settles everything up to now for the end of the run: the batch under way, and NDRs
    /// whose time has come but which wait in order behind a transfer that has not ended.
    pub fn settle_final(&mut self) {
        self.settle();
        let now = self.clock.now();
        let mut due = Vec::new();
        if let Some((Active::Upload(u), _)) = self.active.as_mut() {
            for m in u.plan.marks_from_mut(u.done) {
                if m.outcome == Outcome::Expired && m.expiry <= now {
                    m.outcome = Outcome::Gone;
                    due.push((u.msgs[m.at].id, m.expiry));
                }
            }
        }
        for (msg, expiry) in due {
            self.expired_ndr(msg, expiry);
        }
        self.expire_waiting();
    }

    /// NDRs outbound mail waiting in the work queue (not started) whose lifetime is over, and
    /// arms a wake-up for the next one to expire. Mail waits there behind a busy transfer or
    /// for a dial-up line, and its lifetime runs out all the same.
    fn expire_waiting(&mut self) {
        let now = self.clock.now();
        let lifetime = self.lifetime;
        let clock = &self.clock;
        let mut next: Option<Micros> = None;
        let mut dead = Vec::new();
        for (w, _) in self.work.iter_mut() {
            if let Work::Upload { msgs, .. } = w {
                msgs.retain(|m| {
                    let exp = m.submitted_at.saturating_add(lifetime);
                    if clock.lifetime_over(exp) {
                        dead.push((m.id, exp));
                        false
                    } else {
                        next = Some(next.map_or(exp, |n: Micros| n.min(exp)));
                        true
                    }
                });
            }
        }
        self.pending.expired += dead.len() as u32;
        for (msg, exp) in dead {
            self.expired_ndr(msg, exp);
        }
        // Possibly at this very instant, when a completion is being handled: the lifetime
        // timer then fires after it.
        if let Some(at) = next {
            if self.expiry_armed.is_none_or(|a| at < a || a <= now) {
                self.expiry_armed = Some(at);
                let tok = WakeToken {
                    kind: WAKE_EXPIRE,
                    value: 0,
                };
                let target = Target::Transport(self.id, tok);
                self.clock
                    .schedule(at, Class::Lifetime, self.id.into(), target);
            }
        }
    }

    /// Outbound messages handed over and not yet settled, and whether one is in transfer now.
    pub fn outstanding(&self) -> (u64, u64) {
        let now = self.clock.now();
        let mut queued: u64 = self
            .work
            .iter()
            .map(|(w, _)| match w {
                Work::Upload { msgs, .. } => msgs.len() as u64,
                Work::Download { .. } => 0,
            })
            .sum();
        let mut in_flight = 0;
        if let Some((Active::Burst(b), _)) = &self.active {
            if let BurstWork::Upload(msgs) = &b.work {
                // Completing at this instant and not yet settled: still queued here.
                queued += msgs.len() as u64;
            }
        }
        if let Some((Active::Upload(u), _)) = &self.active {
            let gone = u.plan.marks_from(u.done);
            let gone = gone.iter().filter(|m| m.outcome == Outcome::Gone).count();
            in_flight = u64::from(u.plan.in_transfer(u.done, now).is_some());
            queued += (u.plan.len() - u.done - gone) as u64 - in_flight;
        }
        (queued, in_flight)
    }

    /// Inbound messages still at the remote end, counting those being downloaded.
    pub fn remote_waiting(&self) -> u64 {
        let downloading = match &self.active {
            Some((Active::Download(d), _)) => (d.plan.len() - d.done) as u64,
            _ => 0,
        };
        self.remote.len() as u64 + downloading
    }
}

#[cfg(test)]
mod tests;
