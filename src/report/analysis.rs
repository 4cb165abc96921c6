//! What a finished run did over time, read from its trace, before anything is drawn.
//!
//! The SVG plot and the Chrome timeline show the same facts (queue depths as step functions,
//! each flush call from call to return to completion, what each dial-up line did), so they are
//! read from the trace once, here, and each output only decides how to show them. Nothing here
//! knows about pixels or file formats.

use crate::mapi::HResult;
use crate::model::{FaultKind, UiAnswer};
use crate::scenario::RunResult;
use crate::sim::{FlushId, Micros, TransportId};
use crate::trace::{EventKind, Object, Origin};

/// A step function: `(time, value from that time on)`, starting from 0 at time 0, one entry per
/// instant at which the value changed (changes within one instant are collapsed to their net
/// result, since no time passes between them).
pub(crate) type Steps = Vec<(Micros, i64)>;

/// The levels a run's per-message events imply.
#[derive(Debug, Default)]
pub(crate) struct Levels {
    /// Per transport: messages queued in the spooler or handed to it and not yet delivered or
    /// NDR'd.
    pub outbound: Vec<Steps>,
    /// Per transport: messages arrived at its remote end and not yet received.
    pub inbound: Vec<Steps>,
    /// Per transport: whether any mail arrived at its remote end.
    pub any_arrival: Vec<bool>,
    /// Messages in the inbox (cumulative receptions).
    pub inbox: Steps,
    /// Whether per-message events were recorded at all.
    pub full: bool,
}

/// Sets the value from `t` on, replacing a value set earlier at the same instant.
fn step_push(s: &mut Steps, t: Micros, v: i64) {
    match s.last_mut() {
        Some(last) if last.0 == t => last.1 = v,
        _ => s.push((t, v)),
    }
}

/// Drops entries that do not change the value (including net-zero instants).
fn compact(s: &mut Steps) {
    let mut prev = 0;
    s.retain(|&(_, v)| {
        let keep = v != prev;
        prev = v;
        keep
    });
}

impl Levels {
    /// The levels of `run` (empty series for a counting-only run, see [`Levels::full`]).
    pub(crate) fn of(run: &RunResult) -> Levels {
        let n = run.transport_names.len();
        let mut out_level = vec![0i64; n];
        let mut in_level = vec![0i64; n];
        let mut inbox = 0i64;
        let mut lv = Levels {
            outbound: vec![Vec::new(); n],
            inbound: vec![Vec::new(); n],
            any_arrival: vec![false; n],
            inbox: Vec::new(),
            full: run.trace.is_full(),
        };
        let ok = |t: TransportId| t.index() < n;
        for e in run.trace.events() {
            let t = e.key.t;
            match e.kind {
                EventKind::Submit {
                    transport: Some(transport),
                    ..
                } if ok(transport) => {
                    let i = transport.index();
                    out_level[i] += 1;
                    step_push(&mut lv.outbound[i], t, out_level[i]);
                }
                EventKind::Deliver { transport, .. }
                | EventKind::Ndr {
                    transport: Some(transport),
                    ..
                } if ok(transport) => {
                    let i = transport.index();
                    out_level[i] -= 1;
                    step_push(&mut lv.outbound[i], t, out_level[i]);
                }
                EventKind::Arrive { transport, .. } if ok(transport) => {
                    let i = transport.index();
                    in_level[i] += 1;
                    lv.any_arrival[i] = true;
                    step_push(&mut lv.inbound[i], t, in_level[i]);
                }
                EventKind::Receive { transport, .. } if ok(transport) => {
                    let i = transport.index();
                    in_level[i] -= 1;
                    step_push(&mut lv.inbound[i], t, in_level[i]);
                    inbox += 1;
                    step_push(&mut lv.inbox, t, inbox);
                }
                _ => {}
            }
        }
        if !lv.full {
            // Without the submissions, NDRs alone would draw a negative depth: draw nothing.
            lv.outbound.iter_mut().for_each(Vec::clear);
            lv.inbound.iter_mut().for_each(Vec::clear);
            lv.inbox.clear();
        }
        lv.outbound.iter_mut().for_each(compact);
        lv.inbound.iter_mut().for_each(compact);
        compact(&mut lv.inbox);
        lv
    }
}

/// The largest value of a step function.
pub(crate) fn peak(s: &Steps) -> i64 {
    s.iter().map(|&(_, v)| v).max().unwrap_or(0).max(0)
}

/// The pointwise sum of step functions.
pub(crate) fn sum_steps<'a>(all: impl Iterator<Item = &'a Steps>) -> Steps {
    let mut deltas: Vec<(Micros, i64)> = Vec::new();
    for s in all {
        let mut prev = 0;
        for &(t, v) in s {
            deltas.push((t, v - prev));
            prev = v;
        }
    }
    deltas.sort_by_key(|&(t, _)| t);
    let mut out = Steps::new();
    let mut level = 0;
    for (t, d) in deltas {
        level += d;
        step_push(&mut out, t, level);
    }
    compact(&mut out);
    out
}

/// One `FlushQueues` call as the trace tells it.
#[derive(Debug, Clone)]
pub(crate) struct FlushSpan {
    /// Call id.
    pub id: FlushId,
    /// When it was called.
    pub call: Micros,
    /// Who called.
    pub origin: Origin,
    /// The status object called.
    pub object: Object,
    /// `lpTargetTransport`, resolved.
    pub target: Option<TransportId>,
    /// Raw flag bits.
    pub flags: u32,
    /// When it returned, and what.
    pub ret: Option<(Micros, HResult)>,
    /// When its work ended, and how.
    pub done: Option<(Micros, HResult)>,
    /// The name of the scripted entry that made it, if it has one.
    pub name: Option<String>,
    /// For a `ValidateState` call drawn as a call (see [`call_spans`]): its flags.
    pub validate: Option<u32>,
}

impl FlushSpan {
    /// `flush.N`, `proc.N`, `validate.N` (a validate call, or the flush it started) or
    /// `api.ID`: the call's number.
    pub(crate) fn number(&self) -> String {
        match self.origin {
            Origin::Flush(n) => format!("flush.{n}"),
            Origin::Procedure(n) => format!("proc.{n}"),
            Origin::Validate(n) => format!("validate.{n}"),
            Origin::Api if self.validate.is_some() => "api.validate".to_string(),
            Origin::Api => format!("api.{}", self.id),
        }
    }

    /// The call's number followed by the entry's name in brackets where it has one:
    /// `flush.1 (morning-upload)`.
    pub(crate) fn label(&self) -> String {
        match &self.name {
            Some(name) => format!("{} ({name})", self.number()),
            None => self.number(),
        }
    }

    /// The entry's name where it has one, else the call's number: what a picture writes
    /// beside the call.
    pub(crate) fn short_label(&self) -> String {
        self.name.clone().unwrap_or_else(|| self.number())
    }
}

/// Every flush call, in call order (assembled once, by the metrics).
pub(crate) fn flush_spans(run: &RunResult) -> Vec<FlushSpan> {
    crate::scenario::metrics::flushes(run)
        .into_iter()
        .map(|f| FlushSpan {
            id: f.id,
            call: f.called_at,
            origin: f.origin,
            object: f.object,
            target: f.target,
            flags: f.flags,
            ret: f.returned,
            done: f.completed,
            name: run.call_names.name(f.origin).map(str::to_string),
            validate: None,
        })
        .collect()
}

/// The flushes that `ValidateState(FORCE_XP_CONNECT)` calls started: nobody called them, so
/// nothing returns; pictures draw them with the validate call that started them.
pub(crate) fn started_flushes(run: &RunResult) -> std::collections::BTreeSet<FlushId> {
    crate::scenario::metrics::validates(run)
        .into_iter()
        .filter_map(|v| v.flush)
        .collect()
}

/// Every call a client made, for pictures, in call order: each `FlushQueues` call, and each
/// `ValidateState` call as a call that returned at once; one that started a flush stands for
/// that flush too (its work ends when the flush does).
pub(crate) fn call_spans(run: &RunResult) -> Vec<FlushSpan> {
    let flushes = flush_spans(run);
    let started = started_flushes(run);
    let mut out: Vec<FlushSpan> = flushes
        .iter()
        .filter(|f| !started.contains(&f.id))
        .cloned()
        .collect();
    for v in crate::scenario::metrics::validates(run) {
        let flush = v.flush.and_then(|id| flushes.iter().find(|f| f.id == id));
        out.push(FlushSpan {
            id: flush.map_or(FlushId(0), |f| f.id),
            call: v.called_at,
            origin: v.origin,
            object: v.object,
            target: None,
            flags: v.flags,
            ret: v.returned,
            done: flush.map_or(v.returned, |f| f.done),
            name: run.call_names.name(v.origin).map(str::to_string),
            validate: Some(v.flags),
        });
    }
    // Stable: at one instant, flush calls before validate calls, each in call order.
    out.sort_by_key(|f| f.call);
    out
}

/// A period that may still be open at the end of the run.
pub(crate) type Span = (Micros, Option<Micros>);

/// A dial prompt: when it was shown, the flush call that caused it (if one did), and when and
/// how it was answered.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct PromptLog {
    /// When it was shown.
    pub at: Micros,
    /// The call that caused it.
    pub flush: Option<FlushId>,
    /// When and how it was answered.
    pub answer: Option<(Micros, UiAnswer)>,
}

/// What one transport's dial-up line did.
#[derive(Debug, Clone, Default)]
pub(crate) struct LineLog {
    /// Prompts, in the order shown.
    pub prompts: Vec<PromptLog>,
    /// Dialling: from `Dial` to `Connected`.
    pub dials: Vec<Span>,
    /// The line up: from `Connected` to `HangUp`.
    pub ups: Vec<Span>,
}

/// Per transport, what its line did.
pub(crate) fn line_logs(run: &RunResult) -> Vec<LineLog> {
    let n = run.transport_names.len();
    let mut v = vec![LineLog::default(); n];
    for e in run.trace.events() {
        let t = e.key.t;
        let tr = match e.kind {
            EventKind::Prompt { transport, .. }
            | EventKind::Answer { transport, .. }
            | EventKind::Dial { transport }
            | EventKind::Connected { transport }
            | EventKind::HangUp { transport } => transport.index(),
            _ => continue,
        };
        let Some(l) = v.get_mut(tr) else { continue };
        match e.kind {
            EventKind::Prompt { flush, .. } => l.prompts.push(PromptLog {
                at: t,
                flush,
                answer: None,
            }),
            EventKind::Answer { answer, .. } => {
                if let Some(p) = l.prompts.iter_mut().rev().find(|p| p.answer.is_none()) {
                    p.answer = Some((t, answer));
                }
            }
            EventKind::Dial { .. } => l.dials.push((t, None)),
            EventKind::Connected { .. } => {
                if let Some(d) = l.dials.last_mut().filter(|d| d.1.is_none()) {
                    d.1 = Some(t);
                }
                l.ups.push((t, None));
            }
            EventKind::HangUp { .. } => {
                if let Some(u) = l.ups.last_mut().filter(|u| u.1.is_none()) {
                    u.1 = Some(t);
                }
            }
            _ => {}
        }
    }
    v
}

/// The faults that struck one transport.
#[derive(Debug, Clone, Default)]
pub(crate) struct FaultLog {
    /// Crashed or offline spells: the kind, and from when to when (cut at the end of the run).
    pub down: Vec<(FaultKind, Micros, Micros)>,
    /// When its dial-up line dropped.
    pub drops: Vec<Micros>,
}

/// Per transport, the faults that struck it; a spell ends `down` after it struck, or at `end`.
pub(crate) fn fault_logs(run: &RunResult, end: Micros) -> Vec<FaultLog> {
    let mut v = vec![FaultLog::default(); run.transport_names.len()];
    for e in run.trace.events() {
        if let EventKind::Fault {
            transport,
            kind,
            down,
        } = e.kind
        {
            let Some(l) = v.get_mut(transport.index()) else {
                continue;
            };
            let t = e.key.t;
            match kind {
                FaultKind::DropLine => l.drops.push(t),
                _ => l
                    .down
                    .push((kind, t, t.saturating_add(down).min(end.max(t)))),
            }
        }
    }
    v
}

/// A transport's name, or a made-up one for an index outside the run's list.
pub(crate) fn transport_name(run: &RunResult, t: usize) -> String {
    run.transport_names
        .get(t)
        .cloned()
        .unwrap_or_else(|| format!("transport{t}"))
}

/// The time the picture (and the timeline) ends: the run's end, or a later event's time.
pub(crate) fn span_end(run: &RunResult) -> Micros {
    let last = run.trace.events().last().map_or(0, |e| e.key.t);
    run.end_time.max(last)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compact_drops_net_zero_instants() {
        let mut s: Steps = Vec::new();
        step_push(&mut s, 5, 1);
        step_push(&mut s, 5, 0);
        step_push(&mut s, 7, 1);
        step_push(&mut s, 9, 1);
        compact(&mut s);
        assert_eq!(s, vec![(7, 1)]);
    }

    #[test]
    fn sums_steps() {
        let a: Steps = vec![(1, 1), (3, 0)];
        let b: Steps = vec![(2, 2), (3, 1)];
        assert_eq!(
            sum_steps([&a, &b].into_iter()),
            vec![(1, 1), (2, 3), (3, 1)]
        );
    }
}
