//! A transport's state machine: its pipeline of work, its remote end and, for dial-up, its line.
//!
//! A transport moves one message at a time, so the completion time of every message in a batch
//! is known the moment the batch starts: `start + Σ per_message`. Instead of a timer per message
//! the transport registers one calendar wake-up per *checkpoint* — the end of the batch, or the
//! next failed attempt, which the spooler must hear about at its exact time — and settles
//! everything that completed in between arithmetically, stamping each delivery with its exact
//! time. A fault or the end of the run settles the batch at "now" and returns what never started.

use std::collections::VecDeque;

use crate::mapi::HResult;
use crate::scenario::model::{RasConfig, TransportConfig, UiAnswer};
use crate::sim::trace::NdrReason;
use crate::sim::{
    Actor, Class, Clock, Dist, EventKind, FlushId, Micros, Recorder, SimRng, Stream, Target,
};
use crate::spooler::queue::Batch;
use crate::spooler::{PhaseDone, Settled};

use super::TransportCmd;

/// What a transport reports back to the spooler.
#[derive(Debug)]
pub enum Report {
    /// Work settled since the last report.
    Settled(Settled),
    /// A flush phase ended.
    PhaseDone(PhaseDone),
}

/// A unit of queued work.
#[derive(Debug)]
enum Work {
    Upload { msgs: Batch, flush: Option<FlushId> },
    Download { flush: Option<FlushId> },
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
    /// `(start, completion, failed)` of each message, in order; an expired message has
    /// `start == completion == expiry` and is marked by `expired`.
    plan: Vec<Step>,
    /// Messages settled so far.
    done: usize,
    flush: Option<FlushId>,
}

/// A download batch under way.
#[derive(Debug)]
struct Download {
    /// `(remote id, arrival time)` of each covered message.
    msgs: Vec<(u32, Micros)>,
    plan: Vec<Step>,
    done: usize,
    flush: Option<FlushId>,
}

#[derive(Debug, Clone, Copy)]
struct Step {
    start: Micros,
    end: Micros,
    outcome: Outcome,
    /// The random stream's position before this attempt's draws, so attempts that never
    /// start can give their draws back.
    rng: u128,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Ok,
    Failed,
    Expired,
    /// Already accounted for (an expiry settled at the end of the run).
    Gone,
}

#[derive(Debug)]
enum Active {
    Upload(Upload),
    Download(Download),
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

/// What a calendar wake-up of this transport is for.
const WAKE_CHECKPOINT: u64 = 1;
const WAKE_ANSWER: u64 = 2;
const WAKE_CONNECTED: u64 = 3;
const WAKE_HANGUP: u64 = 4;
/// Not tied to a generation: the scan it triggers is always safe.
const WAKE_EXPIRE: u64 = 5;

/// One transport's whole state.
#[derive(Debug)]
pub struct TransportState {
    idx: u16,
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
    remote: VecDeque<(u32, Micros)>,
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
}

impl TransportState {
    /// The state of transport `idx` configured by `cfg`.
    pub fn new(
        idx: u16,
        cfg: &TransportConfig,
        seed: u64,
        clock: Clock,
        transports: usize,
        full: bool,
    ) -> Self {
        TransportState {
            idx,
            per_message: cfg.per_message,
            failure_rate: cfg.failure_rate,
            lifetime: cfg.lifetime,
            ras: cfg.ras_config().copied(),
            rng: SimRng::new(seed, Stream::Transport(u32::from(idx))),
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
        }
    }

    fn record(&mut self, kind: EventKind) {
        let key = self.clock.key_now();
        self.rec.record(key, Actor::Transport(self.idx), kind);
    }

    fn wake_at(&mut self, t: Micros, what: u64) {
        let tok = (self.generation << 8) | what;
        self.clock.schedule(
            t,
            Class::Completion,
            u32::from(self.idx),
            Target::Transport(u32::from(self.idx), tok),
        );
    }

    /// Handles one command from the spooler.
    pub fn handle(&mut self, cmd: TransportCmd) {
        match cmd {
            TransportCmd::Upload { msgs, flush } => {
                self.settle();
                let snap = self.totals;
                self.work.push_back((Work::Upload { msgs, flush }, snap));
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
                self.remote
                    .extend((0..count).map(|k| (first.wrapping_add(k), now)));
                if self.rec.is_full() {
                    for k in 0..count {
                        let key = self.clock.key_now();
                        self.rec.record(
                            key,
                            Actor::Transport(self.idx),
                            EventKind::Arrive {
                                msg: first.wrapping_add(k),
                                transport: self.idx,
                            },
                        );
                    }
                } else {
                    self.rec.counts[self.idx as usize].arrived += u64::from(count);
                }
            }
            TransportCmd::Offline(until) => self.offline(until),
            TransportCmd::DropLine => self.drop_line(),
            TransportCmd::Wake(tok) => self.wake(tok),
        }
        self.flush_reports();
    }

    fn flush_reports(&mut self) {
        let p = &self.pending;
        if p.delivered > 0
            || p.expired > 0
            || p.received > 0
            || !p.failed.is_empty()
            || !p.returned.is_empty()
        {
            let s = std::mem::take(&mut self.pending);
            // Settled reports go first: a phase's end must never overtake its deliveries.
            self.reports.insert(0, Report::Settled(s));
        }
    }

    fn wake(&mut self, tok: u64) {
        if tok == WAKE_EXPIRE {
            self.expiry_armed = None;
            self.expire_waiting();
            self.pump();
            return;
        }
        if tok >> 8 != self.generation {
            return; // a wake-up armed before something changed the plan
        }
        match tok & 0xff {
            WAKE_CHECKPOINT => {
                self.settle();
                self.pump();
            }
            WAKE_ANSWER => self.answer(),
            WAKE_CONNECTED => {
                self.line = Line::Up;
                self.record(EventKind::Connected {
                    transport: self.idx,
                });
                self.pump();
            }
            WAKE_HANGUP
                if self.line == Line::Up && self.active.is_none() && self.work.is_empty() =>
            {
                self.line = Line::Down;
                self.record(EventKind::HangUp {
                    transport: self.idx,
                });
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
            Actor::User(self.idx),
            EventKind::Answer {
                transport: self.idx,
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
        self.record(EventKind::Dial {
            transport: self.idx,
        });
        let at = self.clock.now() + ras.connect;
        self.wake_at(at, WAKE_CONNECTED);
    }

    /// Ends every piece of queued work without doing it: outbound mail goes back to the
    /// spooler unmarked and flush phases end with `result`.
    fn cancel_all(&mut self, result: HResult) {
        while let Some((w, snap)) = self.work.pop_front() {
            match w {
                Work::Upload { msgs, flush } => {
                    self.pending.returned.extend(msgs);
                    if let Some(f) = flush {
                        self.phase_done(f, false, result, snap);
                    }
                }
                Work::Download { flush } => {
                    if let Some(f) = flush {
                        self.phase_done(f, true, result, snap);
                    }
                }
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
                match w {
                    Work::Upload { flush: Some(f), .. } => {
                        self.phase_done(f, false, HResult::S_OK, snap)
                    }
                    Work::Download { flush: Some(f) } => {
                        self.phase_done(f, true, HResult::S_OK, snap)
                    }
                    _ => {}
                }
                continue;
            }
            match self.line {
                Line::Up => {}
                Line::Prompting | Line::Dialing => return,
                Line::Down => {
                    let ras = self.ras.expect("only dial-up lines go down");
                    let flush = match front {
                        Work::Upload { flush, .. } | Work::Download { flush } => *flush,
                    };
                    self.generation += 1;
                    if ras.unattended {
                        self.dial(ras);
                    } else {
                        self.line = Line::Prompting;
                        self.record(EventKind::Prompt {
                            transport: self.idx,
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

    /// Plans attempts back to back from `from`, one per expiry given (`None`: no lifetime).
    /// An attempt fails when its draw says so or when it starts during an offline spell.
    fn plan(&mut self, from: Micros, expiries: impl Iterator<Item = Option<Micros>>) -> Vec<Step> {
        let mut cursor = from;
        let mut plan = Vec::with_capacity(expiries.size_hint().0);
        for exp in expiries {
            let rng = self.rng.position();
            if let Some(exp) = exp {
                if exp <= cursor {
                    // Its lifetime ran out before its turn: the NDR is at `exp` (kept in
                    // `start`), settled in order once the attempt ahead of it ends.
                    plan.push(Step {
                        start: exp,
                        end: cursor,
                        outcome: Outcome::Expired,
                        rng,
                    });
                    continue;
                }
            }
            let unlucky = self.failure_rate > 0.0 && self.rng.chance(self.failure_rate);
            let fails = unlucky || cursor < self.offline_until;
            let d = self.per_message.sample(&mut self.rng);
            plan.push(Step {
                start: cursor,
                end: cursor + d,
                outcome: if fails { Outcome::Failed } else { Outcome::Ok },
                rng,
            });
            cursor += d;
        }
        plan
    }

    fn start(&mut self, w: Work, snap: Totals) {
        self.generation += 1;
        let now = self.clock.now();
        match w {
            Work::Upload { msgs, flush } => {
                let lifetime = self.lifetime;
                // The hot path: every message completes now and none can fail or expire.
                // The hot path: every message completes now and none can fail. One pass
                // records each latency and checks that no lifetime has run out (the spooler's
                // timer NDRs expired mail before handing it over, so this almost never falls
                // back to the planned path).
                if self.instant() && !self.rec.is_full() {
                    let lat = &mut self.rec.latencies[self.idx as usize].outbound;
                    let mark = lat.mark();
                    let mut expired = false;
                    for m in &msgs {
                        expired |= m.submitted_at.saturating_add(lifetime) <= now;
                        lat.push(now - m.submitted_at);
                    }
                    if !expired {
                        let n = msgs.len();
                        self.rec.counts[self.idx as usize].delivered += n as u64;
                        self.totals.delivered += n as u64;
                        self.pending.delivered += n as u32;
                        if let Some(f) = flush {
                            self.phase_done(f, false, HResult::S_OK, snap);
                        }
                        return;
                    }
                    lat.rewind(mark);
                }
                let plan = self.plan(
                    now,
                    msgs.iter()
                        .map(|m| Some(m.submitted_at.saturating_add(lifetime))),
                );
                self.active = Some((
                    Active::Upload(Upload {
                        msgs,
                        plan,
                        done: 0,
                        flush,
                    }),
                    snap,
                ));
            }
            Work::Download { flush } => {
                if self.instant() && !self.rec.is_full() {
                    // The hot path: everything waiting is received now.
                    let n = self.remote.len();
                    let lat = &mut self.rec.latencies[self.idx as usize].inbound;
                    for &(_, arrived) in &self.remote {
                        lat.push(now - arrived);
                    }
                    self.remote.clear();
                    self.rec.counts[self.idx as usize].received += n as u64;
                    self.totals.received += n as u64;
                    self.pending.received += n as u32;
                    if let Some(f) = flush {
                        self.phase_done(f, true, HResult::S_OK, snap);
                    }
                    return;
                }
                let msgs: Vec<(u32, Micros)> = self.remote.drain(..).collect();
                let plan = self.plan(now, msgs.iter().map(|_| None));
                self.active = Some((
                    Active::Download(Download {
                        msgs,
                        plan,
                        done: 0,
                        flush,
                    }),
                    snap,
                ));
            }
        }
        self.settle();
    }

    /// Settles every attempt that has completed by now, and arms the next checkpoint.
    fn settle(&mut self) {
        let now = self.clock.now();
        let idx = self.idx;
        let Some((active, snap)) = self.active.as_mut() else {
            return;
        };
        let snap = *snap;
        let (plan_len, done, next) = match active {
            Active::Upload(u) => {
                while u.done < u.plan.len() && u.plan[u.done].end <= now {
                    let step = u.plan[u.done];
                    let m = u.msgs[u.done];
                    let key = self.clock.completion_key(step.end, u32::from(idx));
                    match step.outcome {
                        Outcome::Ok => {
                            self.rec.record(
                                key,
                                Actor::Transport(idx),
                                EventKind::Deliver {
                                    msg: m.id,
                                    transport: idx,
                                    latency: step.end - m.submitted_at,
                                },
                            );
                            self.totals.delivered += 1;
                            self.pending.delivered += 1;
                        }
                        Outcome::Failed => {
                            self.rec.record(
                                key,
                                Actor::Transport(idx),
                                EventKind::AttemptFailed {
                                    msg: m.id,
                                    transport: idx,
                                    inbound: false,
                                },
                            );
                            self.totals.failed += 1;
                            self.pending.failed.push((m, step.end));
                        }
                        Outcome::Gone => {}
                        Outcome::Expired => {
                            let key = crate::sim::Key {
                                t: step.start,
                                class: Class::Timer as u8,
                                ..key
                            };
                            self.rec.record(
                                key,
                                Actor::Transport(idx),
                                EventKind::Ndr {
                                    msg: m.id,
                                    transport: idx,
                                    reason: NdrReason::Expired,
                                },
                            );
                            self.pending.expired += 1;
                        }
                    }
                    u.done += 1;
                }
                (u.plan.len(), u.done, next_checkpoint(&u.plan[u.done..]))
            }
            Active::Download(d) => {
                while d.done < d.plan.len() && d.plan[d.done].end <= now {
                    let step = d.plan[d.done];
                    let (msg, arrived) = d.msgs[d.done];
                    let key = self.clock.completion_key(step.end, u32::from(idx));
                    if step.outcome == Outcome::Failed {
                        self.rec.record(
                            key,
                            Actor::Transport(idx),
                            EventKind::AttemptFailed {
                                msg,
                                transport: idx,
                                inbound: true,
                            },
                        );
                        self.totals.failed += 1;
                        // A failed download stays at the remote end for the next poll or flush.
                        self.remote.push_front((msg, arrived));
                    } else {
                        self.rec.record(
                            key,
                            Actor::Transport(idx),
                            EventKind::Receive {
                                msg,
                                transport: idx,
                                latency: step.end - arrived,
                            },
                        );
                        self.totals.received += 1;
                        self.pending.received += 1;
                    }
                    d.done += 1;
                }
                (d.plan.len(), d.done, next_checkpoint(&d.plan[d.done..]))
            }
        };
        if done == plan_len {
            let (active, snap) = self.active.take().expect("active");
            let (flush, inbound) = match active {
                Active::Upload(u) => (u.flush, false),
                Active::Download(d) => (d.flush, true),
            };
            if let Some(f) = flush {
                self.phase_done(f, inbound, HResult::S_OK, snap);
            }
        } else if let Some(at) = next {
            let _ = snap;
            self.wake_at(at, WAKE_CHECKPOINT);
        }
    }

    /// Takes the attempts of the batch under way that have not started out of it, as a work
    /// item carrying the batch's flush (if any) and phase counters. The attempt in transfer,
    /// if any, is marked failed: at its planned end, or now when `cut`. Draws of the attempts
    /// taken out are given back, so they are made again when those attempts do start.
    fn interrupt(&mut self, cut: bool) -> Option<(Work, Totals)> {
        self.settle();
        let now = self.clock.now();
        let (active, snap) = self.active.as_mut()?;
        let snap = *snap;
        let (plan, done) = match active {
            Active::Upload(u) => (&mut u.plan, u.done),
            Active::Download(d) => (&mut d.plan, d.done),
        };
        let mut first = done;
        if let Some(step) = plan.get_mut(first) {
            if step.start <= now && step.outcome != Outcome::Expired {
                step.outcome = Outcome::Failed;
                if cut {
                    step.end = now;
                }
                first += 1;
            }
        }
        if let Some(step) = plan.get(first) {
            self.rng.rewind(step.rng);
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
        if let Some(rest) = self.interrupt(true) {
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
        self.record(EventKind::HangUp {
            transport: self.idx,
        });
        if let Some(rest) = self.interrupt(true) {
            self.work.push_front(rest);
        }
        self.settle();
        self.pump();
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
    pub fn arrive(&mut self, first: u32, count: u32) {
        self.handle(TransportCmd::Arrive { first, count });
    }

    /// Flush phases still open at the end of the run, with what each has moved so far:
    /// `(flush, delivered, received)`.
    pub fn open_phases(&self) -> Vec<(FlushId, u32, u32)> {
        let t = self.totals;
        let since = |snap: &Totals| {
            (
                (t.delivered - snap.delivered) as u32,
                (t.received - snap.received) as u32,
            )
        };
        let mut open = Vec::new();
        if let Some((a, snap)) = &self.active {
            let flush = match a {
                Active::Upload(u) => u.flush,
                Active::Download(d) => d.flush,
            };
            if let Some(f) = flush {
                let (d, r) = since(snap);
                open.push((f, d, r));
            }
        }
        for (w, snap) in &self.work {
            if let Work::Upload { flush: Some(f), .. } | Work::Download { flush: Some(f) } = w {
                let (d, r) = since(snap);
                open.push((*f, d, r));
            }
        }
        open
    }

    /// Settles everything up to now for the end of the run: the batch under way, and NDRs
    /// whose time has come but which wait in order behind a transfer that has not ended.
    pub fn settle_final(&mut self) {
        self.settle();
        let now = self.clock.now();
        let idx = self.idx;
        if let Some((Active::Upload(u), _)) = self.active.as_mut() {
            for k in u.done..u.plan.len() {
                let step = &mut u.plan[k];
                if step.outcome == Outcome::Expired && step.start <= now {
                    step.outcome = Outcome::Gone;
                    let key = crate::sim::Key {
                        t: step.start,
                        class: Class::Timer as u8,
                        ..self.clock.completion_key(step.start, u32::from(idx))
                    };
                    self.rec.record(
                        key,
                        Actor::Transport(idx),
                        EventKind::Ndr {
                            msg: u.msgs[k].id,
                            transport: idx,
                            reason: NdrReason::Expired,
                        },
                    );
                }
            }
        }
        self.expire_waiting();
    }

    /// NDRs outbound mail waiting in the work queue (not started) whose lifetime is over, and
    /// arms a wake-up for the next one to expire. Mail waits there behind a busy transfer or
    /// for a dial-up line, and its lifetime runs out all the same.
    fn expire_waiting(&mut self) {
        let now = self.clock.now();
        let lifetime = self.lifetime;
        let idx = self.idx;
        let mut next: Option<Micros> = None;
        let mut expired = 0u32;
        for (w, _) in self.work.iter_mut() {
            if let Work::Upload { msgs, .. } = w {
                msgs.retain(|m| {
                    let exp = m.submitted_at.saturating_add(lifetime);
                    if exp <= now {
                        let key = crate::sim::Key {
                            t: exp,
                            class: Class::Timer as u8,
                            ..self.clock.completion_key(exp, u32::from(idx))
                        };
                        self.rec.record(
                            key,
                            Actor::Transport(idx),
                            EventKind::Ndr {
                                msg: m.id,
                                transport: idx,
                                reason: NdrReason::Expired,
                            },
                        );
                        expired += 1;
                        false
                    } else {
                        next = Some(next.map_or(exp, |n: Micros| n.min(exp)));
                        true
                    }
                });
            }
        }
        self.pending.expired += expired;
        if let Some(at) = next {
            if self.expiry_armed.is_none_or(|a| at < a || a <= now) {
                self.expiry_armed = Some(at);
                self.clock.schedule(
                    at,
                    Class::Timer,
                    u32::from(self.idx),
                    Target::Transport(u32::from(self.idx), WAKE_EXPIRE),
                );
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
        if let Some((Active::Upload(u), _)) = &self.active {
            for s in &u.plan[u.done..] {
                if matches!(s.outcome, Outcome::Gone) {
                    continue;
                }
                if s.outcome != Outcome::Expired && s.start <= now && now < s.end {
                    in_flight += 1;
                } else {
                    queued += 1;
                }
            }
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

/// The next moment the spooler must hear from a batch: its next failure, or its end.
fn next_checkpoint(rest: &[Step]) -> Option<Micros> {
    rest.iter()
        .find(|s| s.outcome != Outcome::Ok)
        .or(rest.last())
        .map(|s| s.end)
}
