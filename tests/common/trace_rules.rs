//! Rules every full trace keeps, checked from the trace alone (and the scenario's settings):
//! nothing is written before what caused it; a flush part that was not cut short attempted or
//! gave an NDR to every message it covered before it ended; every call that returned has its
//! result in the metrics.

use std::collections::{BTreeMap, BTreeSet};

use spoolsim::mapi::{FlushFlags, HResult, ValidateFlags};
use spoolsim::model::{FaultKind, Scenario, UiAnswer};
use spoolsim::report::Outcome;
use spoolsim::scenario::metrics::Value;
use spoolsim::scenario::RunResult;
use spoolsim::sim::{FlushId, Micros, MsgId, TransportId, ValidateId};
use spoolsim::spooler::queue::backoff;
use spoolsim::trace::{Actor, Event, EventKind, Object, Origin};

/// Where a rule broke: the event's position in the trace, its time and what went wrong.
fn at(i: usize, e: &Event, what: impl std::fmt::Display) -> String {
    format!("trace event {i} at {} us ({:?}): {what}", e.key.t, e.kind)
}

/// A dial-up line as the trace shows it.
#[derive(Debug, Default, Clone, Copy)]
struct LineSeen {
    prompt_open: bool,
    accepted: bool,
    dialing: bool,
}

/// A flush call as the trace shows it.
#[derive(Debug, Default)]
struct CallSeen {
    synchronous: bool,
    returned: bool,
    completed: bool,
    begun: BTreeSet<TransportId>,
    ended: BTreeSet<TransportId>,
    /// Per transport, its deliveries and receipts counted when the part began.
    moved_at_begin: BTreeMap<TransportId, (u64, u64)>,
}

/// Everything the causal walk keeps.
#[derive(Debug, Default)]
struct Causes {
    submitted: BTreeSet<MsgId>,
    arrived: BTreeSet<MsgId>,
    handed: Vec<u64>,
    settled: Vec<u64>,
    delivered: Vec<u64>,
    received: Vec<u64>,
    lines: Vec<LineSeen>,
    calls: BTreeMap<FlushId, CallSeen>,
}

/// Every place where the trace writes an event before its cause: a settled message before its
/// submission or arrival, or before a hand-off gave the transport that many messages; an
/// answer before its prompt, a dial before an accepted answer (unless unattended), a connect
/// before its dial; anything of a flush before its call, a part's end before its begin, a
/// synchronous call's return before a part's end, and a part's end before the deliveries and
/// receipts it counts.
pub fn causal_violations(s: &Scenario, run: &RunResult) -> Vec<String> {
    let n = s.transports.len();
    let mut c = Causes {
        handed: vec![0; n],
        settled: vec![0; n],
        delivered: vec![0; n],
        received: vec![0; n],
        lines: vec![LineSeen::default(); n],
        ..Causes::default()
    };
    let mut v = Vec::new();
    for (i, e) in run.trace.events().iter().enumerate() {
        if let Some(what) = traffic_cause(&mut c, e).or_else(|| line_cause(s, &mut c, e)) {
            v.push(at(i, e, what));
        }
        if let Some(what) = flush_cause(&mut c, e) {
            v.push(at(i, e, what));
        }
    }
    v
}

/// Messages: submission or arrival first, then a hand-off, then what became of them.
fn traffic_cause(c: &mut Causes, e: &Event) -> Option<String> {
    match e.kind {
        EventKind::Submit { msg, .. } => {
            c.submitted.insert(msg);
        }
        EventKind::Arrive { msg, .. } => {
            c.arrived.insert(msg);
        }
        EventKind::HandOff { transport, count } => c.handed[transport.index()] += u64::from(count),
        EventKind::Deliver { msg, transport, .. }
        | EventKind::AttemptFailed {
            msg,
            transport,
            inbound: false,
        } => {
            if let EventKind::Deliver { .. } = e.kind {
                c.delivered[transport.index()] += 1;
            }
            return settled_cause(c, msg, transport);
        }
        EventKind::Ndr { msg, transport, .. } => {
            if !c.submitted.contains(&msg) {
                return Some(format!("NDR of message {msg} before its submission"));
            }
            // An NDR written by a transport is of mail handed to it.
            if let (Actor::Transport(_), Some(t)) = (e.actor, transport) {
                return settled_cause(c, msg, t);
            }
        }
        EventKind::Receive { msg, transport, .. }
        | EventKind::AttemptFailed {
            msg,
            transport,
            inbound: true,
        } => {
            if let EventKind::Receive { .. } = e.kind {
                c.received[transport.index()] += 1;
            }
            if !c.arrived.contains(&msg) {
                return Some(format!("download of message {msg} before it arrived"));
            }
        }
        _ => {}
    }
    None
}

fn settled_cause(c: &mut Causes, msg: MsgId, transport: TransportId) -> Option<String> {
    if !c.submitted.contains(&msg) {
        return Some(format!("message {msg} settled before its submission"));
    }
    let t = transport.index();
    c.settled[t] += 1;
    (c.settled[t] > c.handed[t]).then(|| {
        format!(
            "{} messages settled on transport {t}, only {} handed over so far",
            c.settled[t], c.handed[t]
        )
    })
}

/// Dial-up lines: prompt, answer, dial, connect.
fn line_cause(s: &Scenario, c: &mut Causes, e: &Event) -> Option<String> {
    let (t, step) = match e.kind {
        EventKind::Prompt { transport, .. } => (transport, 0),
        EventKind::Answer { transport, .. } => (transport, 1),
        EventKind::Dial { transport } => (transport, 2),
        EventKind::Connected { transport } => (transport, 3),
        _ => return None,
    };
    let unattended = s.transport(t).ras_config().is_some_and(|r| r.unattended);
    let line = &mut c.lines[t.index()];
    match (step, e.kind) {
        (0, _) => line.prompt_open = true,
        (1, EventKind::Answer { answer, .. }) => {
            if !line.prompt_open {
                return Some("an answer with no prompt open".into());
            }
            line.prompt_open = false;
            line.accepted = answer == UiAnswer::Accept;
        }
        (2, _) => {
            if !unattended && !line.accepted {
                return Some("a dial before the prompt was accepted".into());
            }
            line.accepted = false;
            line.dialing = true;
        }
        _ => {
            if !line.dialing {
                return Some("a connect with no dial under way".into());
            }
            line.dialing = false;
        }
    }
    None
}

/// Flush calls: call, phase begin, part end, completion and return.
fn flush_cause(c: &mut Causes, e: &Event) -> Option<String> {
    if let EventKind::FlushCall {
        flush,
        object,
        flags,
        ..
    } = e.kind
    {
        let asynchronous = object == Object::Spooler
            && FlushFlags::from_bits_retain(flags).contains(FlushFlags::ASYNC_OK);
        let call = CallSeen {
            synchronous: !asynchronous,
            ..CallSeen::default()
        };
        return c
            .calls
            .insert(flush, call)
            .map(|_| format!("flush {flush} called twice"));
    }
    let flush = match e.kind {
        EventKind::PhaseBegin { flush, .. }
        | EventKind::PartEnd { flush, .. }
        | EventKind::FlushReturn { flush, .. }
        | EventKind::FlushComplete { flush, .. }
        | EventKind::ProgressUi { flush, .. }
        | EventKind::Prompt {
            flush: Some(flush), ..
        } => flush,
        _ => return None,
    };
    let (delivered, received) = (&c.delivered, &c.received);
    let Some(call) = c.calls.get_mut(&flush) else {
        return Some(format!("an event of flush {flush} before its call"));
    };
    match e.kind {
        EventKind::PhaseBegin { transport, .. } => {
            if call.completed || (call.synchronous && call.returned) {
                return Some(format!("a phase of flush {flush} after it ended"));
            }
            call.begun.insert(transport);
            let t = transport.index();
            call.moved_at_begin
                .entry(transport)
                .or_insert((delivered[t], received[t]));
        }
        EventKind::PartEnd {
            transport,
            delivered: d,
            received: r,
            ..
        } => return part_end_cause(call, flush, transport, (d, r), (delivered, received)),
        EventKind::FlushReturn { .. } => {
            call.returned = true;
            if call.synchronous && call.begun != call.ended {
                return Some(format!("flush {flush} returned before its parts ended"));
            }
        }
        EventKind::FlushComplete { .. } => {
            call.completed = true;
            if call.begun != call.ended {
                return Some(format!("flush {flush} completed before its parts ended"));
            }
        }
        _ => {}
    }
    None
}

fn part_end_cause(
    call: &mut CallSeen,
    flush: FlushId,
    transport: TransportId,
    (d, r): (u32, u32),
    (delivered, received): (&[u64], &[u64]),
) -> Option<String> {
    if !call.begun.contains(&transport) {
        return Some(format!(
            "flush {flush}'s part on {transport} ended before it began"
        ));
    }
    if call.completed || (call.synchronous && call.returned) {
        return Some(format!(
            "flush {flush}'s part on {transport} ended after the call"
        ));
    }
    call.ended.insert(transport);
    let t = transport.index();
    let (d0, r0) = call.moved_at_begin[&transport];
    let (seen_d, seen_r) = (delivered[t] - d0, received[t] - r0);
    (seen_d < u64::from(d) || seen_r < u64::from(r)).then(|| {
        format!(
            "flush {flush}'s part on {transport} counts {d} delivered and {r} received, but only \
             {seen_d} and {seen_r} are written between its begin and its end"
        )
    })
}

/// One outbound message as the trace shows it.
#[derive(Debug, Clone, Copy)]
struct MsgSeen {
    transport: Option<TransportId>,
    done: bool,
    failures: u32,
    last_failure: Micros,
}

/// An open flush part: what its phases cover and has not been attempted yet, and whether a
/// fault cut it short (it began on a down transport, or a fault struck while it ran).
#[derive(Debug, Default)]
struct PartSeen {
    outbound: BTreeSet<MsgId>,
    inbound: BTreeSet<MsgId>,
    cut: bool,
}

/// A transport's faults as the trace shows them.
#[derive(Debug, Default, Clone, Copy)]
struct HealthSeen {
    crashed: bool,
    /// The end of its latest offline spell: at that very instant it may still be offline
    /// (the spell ends by a timer the trace does not show), so it counts as down.
    offline_until: Option<Micros>,
    /// Left offline by an accepted `ValidateState(FORCE_XP_DISCONNECT)`, until an accepted
    /// `FORCE_XP_CONNECT`.
    forced: bool,
}

/// Everything the coverage walk keeps.
#[derive(Debug, Default)]
struct Coverage {
    outbound: BTreeMap<MsgId, MsgSeen>,
    /// Remote id → (transport, received).
    inbound: BTreeMap<MsgId, (TransportId, bool)>,
    force: BTreeMap<FlushId, bool>,
    parts: BTreeMap<(FlushId, TransportId), PartSeen>,
    health: BTreeMap<TransportId, HealthSeen>,
    /// `ValidateState` calls on transports, by id: the transport and the flags.
    validates: BTreeMap<ValidateId, (TransportId, ValidateFlags)>,
}

impl Coverage {
    /// Whether transport `t` is down at `now`, by the faults and restarts written so far.
    fn down(&self, t: TransportId, now: Micros) -> bool {
        self.health
            .get(&t)
            .is_some_and(|h| h.crashed || h.forced || h.offline_until.is_some_and(|u| now <= u))
    }

    /// A `ValidateState` call on transport `t` returned `S_OK`: disconnect first, then connect.
    fn validated(&mut self, t: TransportId, flags: ValidateFlags) {
        let h = self.health.entry(t).or_default();
        if flags.contains(ValidateFlags::FORCE_XP_DISCONNECT) {
            h.forced = true;
        }
        if flags.contains(ValidateFlags::FORCE_XP_CONNECT) {
            h.forced = false;
        }
    }

    /// A fault strikes `t` now, lasting until `until`: every part open on it is cut short.
    fn fault(&mut self, t: TransportId, kind: FaultKind, until: Micros) {
        let h = self.health.entry(t).or_default();
        match kind {
            FaultKind::Crash => h.crashed = true,
            FaultKind::Offline => h.offline_until = Some(until.max(h.offline_until.unwrap_or(0))),
            FaultKind::DropLine => {}
        }
        for ((_, pt), part) in self.parts.iter_mut() {
            if *pt == t {
                part.cut = true;
            }
        }
    }

    /// A phase of `flush` begins on `t` at `now`: it covers the mail queued for `t` and not in
    /// its back-off (unless forced), or the mail waiting at `t`'s remote end.
    fn begin(&mut self, s: &Scenario, flush: FlushId, t: TransportId, inbound: bool, now: Micros) {
        let force = self.force.get(&flush).copied().unwrap_or(false);
        let cfg = s.transport(t);
        let covered: BTreeSet<MsgId> = if inbound {
            self.inbound
                .iter()
                .filter(|(_, &(tt, received))| tt == t && !received)
                .map(|(&id, _)| id)
                .collect()
        } else {
            self.outbound
                .iter()
                .filter(|(_, m)| m.transport == Some(t) && !m.done)
                .filter(|(_, m)| {
                    force
                        || m.failures == 0
                        || m.last_failure + backoff(cfg.retry, cfg.max_retry, m.failures) <= now
                })
                .map(|(&id, _)| id)
                .collect()
        };
        let down = self.down(t, now);
        let part = self.parts.entry((flush, t)).or_default();
        part.cut |= down;
        if inbound {
            part.inbound = covered;
        } else {
            part.outbound = covered;
        }
    }

    /// Message `msg` on `t` was attempted or given an NDR: no open part waits for it any more.
    fn attempted(&mut self, t: TransportId, msg: MsgId, inbound: bool) {
        for ((_, pt), part) in self.parts.iter_mut() {
            if *pt == t {
                if inbound {
                    part.inbound.remove(&msg);
                } else {
                    part.outbound.remove(&msg);
                }
            }
        }
    }
}

/// Every message that a flush part covered and that was neither attempted nor given an NDR
/// by the time that part ended in trace order, over the parts not cut short (by a cancelled
/// prompt, a crash, an offline spell, or a transport left offline by `ValidateState`).
pub fn uncovered(s: &Scenario, run: &RunResult) -> Vec<String> {
    let mut c = Coverage::default();
    let mut v = Vec::new();
    for (i, e) in run.trace.events().iter().enumerate() {
        let now = e.key.t;
        match e.kind {
            EventKind::Submit { msg, transport, .. } => {
                let m = MsgSeen {
                    transport,
                    done: false,
                    failures: 0,
                    last_failure: 0,
                };
                c.outbound.insert(msg, m);
            }
            EventKind::Arrive { msg, transport } => {
                c.inbound.insert(msg, (transport, false));
            }
            EventKind::Deliver { msg, transport, .. }
            | EventKind::Ndr {
                msg,
                transport: Some(transport),
                ..
            } => {
                if let Some(m) = c.outbound.get_mut(&msg) {
                    m.done = true;
                }
                c.attempted(transport, msg, false);
            }
            EventKind::Ndr { msg, .. } => {
                if let Some(m) = c.outbound.get_mut(&msg) {
                    m.done = true;
                }
            }
            EventKind::AttemptFailed {
                msg,
                transport,
                inbound,
            } => {
                if let (false, Some(m)) = (inbound, c.outbound.get_mut(&msg)) {
                    m.failures += 1;
                    m.last_failure = now;
                }
                c.attempted(transport, msg, inbound);
            }
            EventKind::Receive { msg, transport, .. } => {
                c.inbound.insert(msg, (transport, true));
                c.attempted(transport, msg, true);
            }
            EventKind::Fault {
                transport,
                kind,
                down,
            } => c.fault(transport, kind, now + down),
            EventKind::Restart { transport } => {
                c.health.entry(transport).or_default().crashed = false;
            }
            EventKind::ValidateCall {
                validate,
                object: Object::Transport(t),
                flags,
                ..
            } => {
                let flags = ValidateFlags::from_bits_retain(flags);
                c.validates.insert(validate, (t, flags));
            }
            EventKind::ValidateReturn {
                validate,
                result: HResult::S_OK,
            } => {
                if let Some((t, flags)) = c.validates.remove(&validate) {
                    c.validated(t, flags);
                }
            }
            EventKind::FlushCall { flush, flags, .. } => {
                let force = FlushFlags::from_bits_retain(flags).contains(FlushFlags::FORCE);
                c.force.insert(flush, force);
            }
            EventKind::PhaseBegin {
                flush,
                transport,
                inbound,
            } => c.begin(s, flush, transport, inbound, now),
            EventKind::PartEnd {
                flush,
                transport,
                result,
                ..
            } => {
                let Some(part) = c.parts.remove(&(flush, transport)) else {
                    continue;
                };
                let cut = result == HResult::MAPI_E_USER_CANCEL || part.cut;
                let waiting = !part.outbound.is_empty() || !part.inbound.is_empty();
                if waiting && !cut {
                    let what = format!(
                        "flush {flush}'s part on transport {transport} ended with outbound {:?} \
                         and inbound {:?} covered and never attempted",
                        part.outbound, part.inbound
                    );
                    v.push(at(i, e, what));
                }
            }
            _ => {}
        }
    }
    v
}

/// Every `[[validate]]` call that returned in the trace while its metrics say it did not, or
/// say another result or time.
fn missing_validate_results(o: &Outcome) -> Vec<String> {
    let mut origins: BTreeMap<ValidateId, Origin> = BTreeMap::new();
    let mut v = Vec::new();
    for e in o.run.trace.events() {
        match e.kind {
            EventKind::ValidateCall {
                validate, origin, ..
            } => {
                origins.insert(validate, origin);
            }
            EventKind::ValidateReturn { validate, result } => {
                if let Some(&Origin::Validate(n)) = origins.get(&validate) {
                    let want = (Value::Result(result), Value::Time(e.key.t));
                    let got = (
                        o.metrics.get(&format!("validate.{n}.result")).cloned(),
                        o.metrics.get(&format!("validate.{n}.returned_at")).cloned(),
                    );
                    if got != (Some(want.0), Some(want.1)) {
                        v.push(format!(
                            "validate.{n} returned {result} at {} us in the trace, metrics say \
                             {got:?}",
                            e.key.t
                        ));
                    }
                }
            }
            _ => {}
        }
    }
    v
}

/// Every call that returned in the trace while its metrics say it did not, or say another
/// result or time: `[[flush]]` and `[[validate]]` calls one by one, `[[procedure]]`s once all
/// their calls returned.
pub fn missing_results(o: &Outcome) -> Vec<String> {
    let mut origins: BTreeMap<FlushId, Origin> = BTreeMap::new();
    let mut procedures: BTreeMap<u32, (usize, usize, Micros)> = BTreeMap::new();
    let mut v = missing_validate_results(o);
    for e in o.run.trace.events() {
        match e.kind {
            EventKind::FlushCall { flush, origin, .. } => {
                origins.insert(flush, origin);
                if let Origin::Procedure(n) = origin {
                    procedures.entry(n).or_default().0 += 1;
                }
            }
            EventKind::FlushReturn { flush, result } => match origins.get(&flush) {
                Some(&Origin::Flush(n)) => {
                    let want = (Value::Result(result), Value::Time(e.key.t));
                    let got = (
                        o.metrics.get(&format!("flush.{n}.result")).cloned(),
                        o.metrics.get(&format!("flush.{n}.returned_at")).cloned(),
                    );
                    if got != (Some(want.0.clone()), Some(want.1.clone())) {
                        v.push(format!(
                            "flush.{n} returned {result} at {} us in the trace, metrics say {got:?}",
                            e.key.t
                        ));
                    }
                }
                Some(&Origin::Procedure(n)) => {
                    let p = procedures.entry(n).or_default();
                    p.1 += 1;
                    p.2 = e.key.t;
                }
                _ => {}
            },
            _ => {}
        }
    }
    for (n, (calls, returned, t)) in procedures {
        if calls == returned {
            let result = o.metrics.get(&format!("procedure.{n}.result"));
            let at = o.metrics.get(&format!("procedure.{n}.returned_at"));
            if !matches!(result, Some(Value::Result(_))) || at != Some(&Value::Time(t)) {
                v.push(format!(
                    "procedure.{n}'s calls all returned by {t} us, metrics say {result:?} at {at:?}"
                ));
            }
        }
    }
    v
}
