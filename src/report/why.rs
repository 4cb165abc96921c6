//! Why a scripted flush or procedure ended as it did, in one plain line.
//!
//! A user who reads `MAPI_E_USER_CANCEL / 3h30m04.000s` in a report must know MAPI to tell
//! what happened; the line under it says it in words: who, what, when ("dialup: the user
//! cancelled the dial prompt at 3h30m04s; its mail stays queued"). Every fact comes from the
//! run's trace (the events every run keeps: calls and returns, parts, prompts and answers,
//! dials, faults, failed attempts), so the explanation never disagrees with the figures above
//! it. Calls that ended in `S_OK` get no line.

use crate::mapi::{FlushFlags, HResult, ValidateFlags};
use crate::model::{FaultKind, TransportConfig, UiAnswer};
use crate::scenario::metrics::{flushes, FlushInfo, Value};
use crate::sim::time::format_compact;
use crate::sim::{Micros, TransportId};
use crate::trace::{EventKind, Object, Origin};

use super::Outcome;

/// A time as the explanations write it: `3h30m04s`, `1m05.500s`, `250ms`.
fn at(t: Micros) -> String {
    format_compact(t).replace(".000s", "s")
}

/// The facts of one run that explanations draw on.
struct Facts<'a> {
    o: &'a Outcome,
    calls: Vec<FlushInfo>,
}

/// One line per scripted flush and procedure whose result or outcome is not `S_OK`, with its
/// prefix (`flush.N`, `procedure.N`), in file order within each kind.
pub(super) fn explain(o: &Outcome) -> Vec<(String, String)> {
    let f = Facts {
        o,
        calls: flushes(&o.run),
    };
    let mut out = Vec::new();
    for n in 1..=o.scenario.flushes.len() as u32 {
        let prefix = format!("flush.{n}");
        if !f.ok(&prefix) {
            if let Some(c) = f.calls.iter().find(|c| c.origin == Origin::Flush(n)) {
                out.push((prefix, f.call(c)));
            }
        }
    }
    for n in 1..=o.scenario.procedures.len() as u32 {
        let prefix = format!("procedure.{n}");
        if !f.ok(&prefix) {
            out.push((prefix, f.procedure(n)));
        }
    }
    out
}

impl Facts<'_> {
    /// Whether the call under `prefix` returned `S_OK` and its work ended in `S_OK`.
    fn ok(&self, prefix: &str) -> bool {
        let is_ok = |field: &str| {
            matches!(
                self.o.metrics.get(&format!("{prefix}.{field}")),
                Some(Value::Result(HResult::S_OK))
            )
        };
        is_ok("result") && is_ok("outcome")
    }

    fn name(&self, t: TransportId) -> &str {
        self.o
            .run
            .transport_names
            .get(t.index())
            .map_or("a transport", |s| s.as_str())
    }

    fn config(&self, t: TransportId) -> Option<&TransportConfig> {
        self.o.scenario.transports.get(t.index())
    }

    /// How a call is named: `flush.2 (upload)`, `procedure.1's call`, `the flush validate.1
    /// started`, `a program's call`.
    fn label(&self, c: &FlushInfo) -> String {
        let names = &self.o.run.call_names;
        match c.origin {
            Origin::Flush(n) => names.label("flush", n as usize),
            Origin::Procedure(n) => format!("{}'s call", names.label("procedure", n as usize)),
            Origin::Validate(n) => {
                format!("the flush {} started", names.label("validate", n as usize))
            }
            Origin::Api => "a program's call".to_string(),
        }
    }

    /// One call's line.
    fn call(&self, c: &FlushInfo) -> String {
        let Some((returned, result)) = c.returned else {
            return self.pending(c, "it had not returned");
        };
        if refused(result) && returned == c.called_at {
            return self.refusal(c, result);
        }
        let parts = self.parts(c);
        match c.completed {
            None => self.pending(
                c,
                &format!(
                    "it returned {result} at {}, but its work had not ended",
                    at(returned)
                ),
            ),
            Some((done, outcome)) if done > returned => format!(
                "it returned {result} at once (FLUSH_ASYNC_OK); its work ended at {} with \
                 {outcome}: {parts}",
                at(done)
            ),
            Some((_, HResult::MAPI_W_PARTIAL_COMPLETION)) => {
                format!("some transports succeeded and some did not: {parts}")
            }
            Some(_) => parts,
        }
    }

    /// Why a call was refused at once, with nothing moved.
    fn refusal(&self, c: &FlushInfo, result: HResult) -> String {
        let object = c.object.name(&self.o.run.transport_names);
        let when = at(c.called_at);
        let why = match result {
            HResult::MAPI_E_UNKNOWN_FLAGS => format!(
                "the flags hold bits no flush knows ({:#x})",
                c.flags & !FlushFlags::all().bits()
            ),
            HResult::MAPI_E_INVALID_PARAMETER => {
                "neither FLUSH_UPLOAD nor FLUSH_DOWNLOAD is set, so there is nothing to flush"
                    .to_string()
            }
            HResult::MAPI_E_NO_SUPPORT => format!(
                "its status object does not support flushing (supports_flush = false); flush \
                 it through the spooler with target = \"{object}\""
            ),
            HResult::MAPI_E_INVALID_ENTRYID => "its target names no transport".to_string(),
            _ => self.busy_with(c),
        };
        format!("{object} refused the call at once at {when}: {why}")
    }

    /// Which running call made `c` busy.
    fn busy_with(&self, c: &FlushInfo) -> String {
        let covers = |f: &FlushInfo| match (f.object, f.target) {
            (Object::Spooler, None) => None,
            (Object::Spooler, Some(t)) | (Object::Transport(t), _) => Some(t),
            (Object::Other(_), _) => Some(TransportId(u16::MAX)),
        };
        let overlap =
            |a: Option<TransportId>, b: Option<TransportId>| a.is_none() || b.is_none() || a == b;
        let running = self.calls.iter().find(|d| {
            d.id != c.id
                && d.called_at <= c.called_at
                && d.completed.is_none_or(|(t, _)| t >= c.called_at)
                && !d
                    .returned
                    .is_some_and(|(t, r)| refused(r) && t == d.called_at)
                && overlap(covers(d), covers(c))
        });
        match running {
            Some(d) => {
                let what = match covers(d) {
                    None => "every transport".to_string(),
                    Some(t) => self.name(t).to_string(),
                };
                format!(
                    "{} (called at {}) was still flushing {what}",
                    self.label(d),
                    at(d.called_at)
                )
            }
            None => "another flush covering the same transports was still running".to_string(),
        }
    }

    /// Each failed part of call `id`, explained, joined with `; `.
    fn parts(&self, c: &FlushInfo) -> String {
        let lines: Vec<String> = self
            .o
            .run
            .trace
            .events()
            .iter()
            .filter_map(|e| match e.kind {
                EventKind::PartEnd {
                    flush,
                    transport,
                    result,
                    ..
                } if flush == c.id && result != HResult::S_OK => {
                    Some(self.part(c, transport, result, e.key.t))
                }
                _ => None,
            })
            .collect();
        if lines.is_empty() {
            "no transport's part failed".to_string()
        } else {
            lines.join("; ")
        }
    }

    /// Why transport `t`'s part of call `c` ended with `result` at `end`.
    fn part(&self, c: &FlushInfo, t: TransportId, result: HResult, end: Micros) -> String {
        let name = self.name(t);
        match result {
            HResult::MAPI_E_USER_CANCEL => {
                let when = self.answer_before(t, end).map_or(at(end), at);
                format!(
                    "{name}: the user cancelled the dial prompt at {when}; its mail stays queued"
                )
            }
            HResult::MAPI_E_NETWORK_ERROR => {
                format!("{name}: {}", self.network_cause(t, c.called_at, end))
            }
            other => format!("{name}: its part ended with {other} at {}", at(end)),
        }
    }

    /// When the user last answered `t`'s prompt with `cancel`, at or before `end`.
    fn answer_before(&self, t: TransportId, end: Micros) -> Option<Micros> {
        self.o
            .run
            .trace
            .events()
            .iter()
            .rev()
            .find_map(|e| match e.kind {
                EventKind::Answer {
                    transport,
                    answer: UiAnswer::Cancel,
                } if transport == t && e.key.t <= end => Some(e.key.t),
                _ => None,
            })
    }

    /// What made `t`'s work fail between `from` and `to`: `ValidateState` left it offline, a
    /// fault, or failed attempts.
    fn network_cause(&self, t: TransportId, from: Micros, to: Micros) -> String {
        let events = self.o.run.trace.events();
        if let Some(since) = self.forced_offline_since(t, to) {
            return format!(
                "a ValidateState call with FORCE_XP_DISCONNECT left it offline at {}, so its part \
                 ended at once; FORCE_XP_CONNECT brings it back",
                at(since)
            );
        }
        let fault = events.iter().find_map(|e| match e.kind {
            EventKind::Fault {
                transport,
                kind,
                down,
            } if transport == t && e.key.t <= to && (e.key.t >= from || e.key.t + down > from) => {
                Some((e.key.t, kind, down))
            }
            _ => None,
        });
        if let Some((when, kind, down)) = fault {
            return match kind {
                FaultKind::Crash => format!(
                    "it crashed at {} and was down until {}",
                    at(when),
                    at(when + down)
                ),
                FaultKind::Offline => format!(
                    "it was offline from {} to {}, and every attempt then fails",
                    at(when),
                    at(when + down)
                ),
                FaultKind::DropLine => format!("its line dropped at {}", at(when)),
            };
        }
        let failed: Vec<Micros> = events
            .iter()
            .filter(|e| {
                matches!(e.kind, EventKind::AttemptFailed { transport, .. } if transport == t)
                    && (from..=to).contains(&e.key.t)
            })
            .map(|e| e.key.t)
            .collect();
        let rate = self.config(t).map_or(0.0, |c| c.failure_rate);
        match failed.as_slice() {
            [] => format!("its transfer failed at {}", at(to)),
            [one] => format!(
                "an attempt failed at {} (failure_rate = {rate}); that mail waits out its back-off",
                at(*one)
            ),
            [first, .., last] => format!(
                "{} attempts failed between {} and {} (failure_rate = {rate}); that mail waits \
                 out its back-off",
                failed.len(),
                at(*first),
                at(*last)
            ),
        }
    }

    /// Since when transport `t` has been offline by `ValidateState(FORCE_XP_DISCONNECT)` at
    /// time `to`, if it was.
    fn forced_offline_since(&self, t: TransportId, to: Micros) -> Option<Micros> {
        let mut calls = std::collections::BTreeMap::new();
        let mut since = None;
        for e in self
            .o
            .run
            .trace
            .events()
            .iter()
            .take_while(|e| e.key.t <= to)
        {
            match e.kind {
                EventKind::ValidateCall {
                    validate,
                    object: Object::Transport(ct),
                    flags,
                    ..
                } if ct == t => {
                    calls.insert(validate, ValidateFlags::from_bits_retain(flags));
                }
                EventKind::ValidateReturn {
                    validate,
                    result: HResult::S_OK,
                } => match calls.get(&validate) {
                    Some(f) if f.contains(ValidateFlags::FORCE_XP_CONNECT) => since = None,
                    Some(f) if f.contains(ValidateFlags::FORCE_XP_DISCONNECT) => {
                        since = Some(e.key.t)
                    }
                    _ => {}
                },
                _ => {}
            }
        }
        since
    }

    /// What kept call `c` from ending before the run did.
    fn pending(&self, c: &FlushInfo, lead: &str) -> String {
        let end = self.o.run.end_time;
        let open: Vec<String> = self
            .o
            .run
            .trace
            .events()
            .iter()
            .filter_map(|e| match e.kind {
                EventKind::PartOpen {
                    flush, transport, ..
                } if flush == c.id => Some(self.still(transport, end)),
                _ => None,
            })
            .collect();
        let why = if open.is_empty() {
            "its work had not ended".to_string()
        } else {
            open.join("; ")
        };
        format!("{lead} when the run ended at {}: {why}", at(end))
    }

    /// What transport `t` was doing at the end of the run.
    fn still(&self, t: TransportId, end: Micros) -> String {
        let name = self.name(t);
        let mut prompt = None;
        let mut dialling = None;
        for e in self.o.run.trace.events() {
            match e.kind {
                EventKind::Prompt { transport, .. } if transport == t => prompt = Some(e.key.t),
                EventKind::Answer { transport, .. } if transport == t => prompt = None,
                EventKind::Dial { transport } if transport == t => dialling = Some(e.key.t),
                EventKind::Connected { transport } if transport == t => dialling = None,
                _ => {}
            }
        }
        match (prompt, dialling) {
            (Some(p), _) => format!(
                "{name}'s dial prompt, shown at {}, was never answered (ui = \"ignore\")",
                at(p)
            ),
            (None, Some(d)) => format!("{name} was still dialling (since {})", at(d)),
            _ => format!("{name} was still moving mail at {}", at(end)),
        }
    }

    /// Procedure `n`'s line: its failing calls, each explained.
    fn procedure(&self, n: u32) -> String {
        let mine: Vec<&FlushInfo> = self
            .calls
            .iter()
            .filter(|c| c.origin == Origin::Procedure(n))
            .collect();
        if mine.is_empty() {
            let result = self
                .o
                .metrics
                .get(&format!("procedure.{n}.result"))
                .map_or("pending".to_string(), Value::to_string);
            return format!("it made no FlushQueues call, and ended with {result}");
        }
        let failing: Vec<String> = mine
            .iter()
            .filter(|c| {
                c.returned.is_none_or(|(_, r)| r != HResult::S_OK)
                    || c.completed.is_none_or(|(_, r)| r != HResult::S_OK)
            })
            .map(|c| {
                let object = c.object.name(&self.o.run.transport_names);
                let line = self.call(c);
                if line.starts_with(&object) {
                    line
                } else {
                    format!("its call on {object}: {line}")
                }
            })
            .collect();
        failing.join("; ")
    }
}

/// Whether `r` is a result a call is refused with at once, before any work.
fn refused(r: HResult) -> bool {
    matches!(
        r,
        HResult::MAPI_E_UNKNOWN_FLAGS
            | HResult::MAPI_E_INVALID_PARAMETER
            | HResult::MAPI_E_NO_SUPPORT
            | HResult::MAPI_E_INVALID_ENTRYID
            | HResult::MAPI_E_BUSY
    )
}
