//! The trace's events as slices and instants: flush phases, dial prompts, dialling and line-up
//! periods, faults, progress indicators, and (below a limit) every message and schedule.
//!
//! A period is a pair of events (a phase's begin and its part's end, a prompt and its answer,
//! a dial and its connect, a connect and its hang-up), so the walk keeps what is open and
//! writes a slice when it closes; whatever is still open when the trace ends runs to the end
//! of the run.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use super::{transport_pid, Builder, SPOOLER_PID};
use crate::mapi::{HResult, ValidateFlags};
use crate::model::{FaultKind, UiAnswer};
use crate::sim::{FlushId, Micros, TransportId, ValidateId};
use crate::trace::{Event, EventKind, NdrReason, Object, Origin};

/// Per-message instant events (deliveries, receptions, NDRs, failed attempts) are written only
/// when a run has fewer than this many; above it the counters tell the story.
pub const MAX_INSTANTS: usize = 20_000;

/// Which kinds of instant a run is small enough to show.
#[derive(Debug, Clone, Copy)]
pub(super) struct Instants {
    /// Deliveries, receptions, NDRs and failed attempts.
    pub messages: bool,
    /// Scheduled polls and sends.
    pub schedules: bool,
}

impl Instants {
    /// What `events` are few enough to show.
    pub(super) fn of(events: &[Event]) -> Instants {
        let count = |f: fn(&EventKind) -> bool| events.iter().filter(|e| f(&e.kind)).count();
        let messages = count(|k| {
            matches!(
                k,
                EventKind::Deliver { .. }
                    | EventKind::Receive { .. }
                    | EventKind::Ndr { .. }
                    | EventKind::AttemptFailed { .. }
            )
        });
        let schedules = count(|k| {
            matches!(
                k,
                EventKind::Poll { .. }
                    | EventKind::ScheduledSend { .. }
                    | EventKind::ScheduleSkipped { .. }
            )
        });
        Instants {
            messages: messages < MAX_INSTANTS,
            schedules: schedules < MAX_INSTANTS,
        }
    }
}

/// Periods begun and not yet ended, by transport.
#[derive(Debug, Default)]
pub(super) struct Open {
    /// (flush, transport) → (phase start, inbound).
    phases: BTreeMap<(FlushId, TransportId), (Micros, bool)>,
    /// Prompts shown and not answered: when, and the flush that caused them.
    prompts: BTreeMap<TransportId, Vec<(Micros, Value)>>,
    /// Dialling started.
    dials: BTreeMap<TransportId, Micros>,
    /// Lines up.
    lines: BTreeMap<TransportId, Micros>,
    /// `ValidateState` calls made and not yet returned: when, on what, with which flags, by
    /// whom.
    validates: BTreeMap<ValidateId, (Micros, Object, u32, Origin)>,
    /// Transports left offline by `FORCE_XP_DISCONNECT`, since when.
    offline: BTreeMap<TransportId, Micros>,
}

impl Builder<'_> {
    /// Writes what one trace event shows, or remembers what it opens.
    pub(super) fn event(&mut self, open: &mut Open, e: &Event, show: Instants) {
        let ts = e.key.t;
        let n = self.run.transport_names.len();
        let ok = |t: TransportId| t.index() < n;
        match e.kind {
            EventKind::PhaseBegin {
                flush,
                transport,
                inbound,
            } if ok(transport) => self.phase_begin(open, ts, (flush, transport), inbound),
            EventKind::PartEnd {
                flush,
                transport,
                result,
                delivered,
                received,
            } if ok(transport) => {
                let args = json!({
                    "flush": self.label(flush), "part_result": result.name(),
                    "delivered": delivered, "received": received
                });
                self.part_end(open, ts, (flush, transport), args);
            }
            EventKind::Prompt { transport, flush } if ok(transport) => {
                let f = flush.map_or(Value::Null, |f| json!(self.label(f)));
                open.prompts.entry(transport).or_default().push((ts, f));
            }
            EventKind::Answer { transport, answer } if ok(transport) => {
                self.answer(open, ts, transport, answer)
            }
            EventKind::Dial { transport } if ok(transport) => {
                open.dials.insert(transport, ts);
            }
            EventKind::Connected { transport } if ok(transport) => {
                self.connected(open, ts, transport)
            }
            EventKind::HangUp { transport } if ok(transport) => self.hang_up(open, ts, transport),
            EventKind::Fault {
                transport,
                kind,
                down,
            } if ok(transport) => self.fault(ts, transport, kind, down),
            EventKind::ValidateCall {
                validate,
                object,
                flags,
                origin,
            } => {
                open.validates.insert(validate, (ts, object, flags, origin));
            }
            EventKind::ValidateReturn { validate, result } => {
                if let Some(call) = open.validates.remove(&validate) {
                    self.validate_call(open, (validate, call), ts, result);
                }
            }
            EventKind::ProgressUi { flush, object } => {
                let pid = match object {
                    Object::Transport(t) if ok(t) => transport_pid(t.index()),
                    _ => SPOOLER_PID,
                };
                self.progress_ui(ts, pid, flush);
            }
            _ if show.messages || show.schedules => self.instant_of(e, show),
            _ => {}
        }
    }

    /// A message or schedule event as an instant on its transport, if `show` allows it.
    fn instant_of(&mut self, e: &Event, show: Instants) {
        let ts = e.key.t;
        let n = self.run.transport_names.len();
        let pid_of = |t: TransportId| (t.index() < n).then(|| transport_pid(t.index()));
        let (pid, track, name, args) = match e.kind {
            EventKind::Deliver {
                msg,
                transport,
                latency,
            } if show.messages => (
                pid_of(transport),
                "messages",
                "deliver",
                json!({"msg": msg, "latency_us": latency}),
            ),
            EventKind::Receive {
                msg,
                transport,
                latency,
            } if show.messages => (
                pid_of(transport),
                "messages",
                "receive",
                json!({"msg": msg, "latency_us": latency}),
            ),
            // An NDR of mail no transport handles belongs to the spooler.
            EventKind::Ndr {
                msg,
                transport,
                reason,
            } if show.messages => (
                Some(transport.and_then(pid_of).unwrap_or(SPOOLER_PID)),
                "messages",
                "ndr",
                json!({"msg": msg, "reason": ndr_reason(reason)}),
            ),
            EventKind::AttemptFailed {
                msg,
                transport,
                inbound,
            } if show.messages => (
                pid_of(transport),
                "messages",
                "attempt failed",
                json!({"msg": msg, "direction": if inbound { "inbound" } else { "outbound" }}),
            ),
            EventKind::Poll { transport } if show.schedules => {
                (pid_of(transport), "schedule", "poll", json!({}))
            }
            EventKind::ScheduledSend { transport, count } if show.schedules => (
                pid_of(transport),
                "schedule",
                "scheduled send",
                json!({"count": count}),
            ),
            EventKind::ScheduleSkipped { transport, inbound } if show.schedules => (
                pid_of(transport),
                "schedule",
                if inbound {
                    "poll skipped"
                } else {
                    "scheduled send skipped"
                },
                json!({"reason": "offline (FORCE_XP_DISCONNECT)"}),
            ),
            _ => return,
        };
        if let Some(pid) = pid {
            self.instant(pid, track, name, ts, args);
        }
    }

    /// A phase began; a phase of the same flush already open on the transport ends here.
    fn phase_begin(
        &mut self,
        open: &mut Open,
        ts: Micros,
        key: (FlushId, TransportId),
        inbound: bool,
    ) {
        if let Some((s, inb)) = open.phases.insert(key, (ts, inbound)) {
            let (flush, transport) = key;
            let args = json!({"flush": self.label(flush)});
            self.phase(transport, inb, (s, ts), args);
        }
    }

    /// A transport's part of a flush ended: its phase's slice, or an instant if no phase was
    /// seen.
    fn part_end(&mut self, open: &mut Open, ts: Micros, key: (FlushId, TransportId), args: Value) {
        let transport = key.1;
        match open.phases.remove(&key) {
            Some((s, inb)) => self.phase(transport, inb, (s, ts), args),
            None => {
                let pid = transport_pid(transport.index());
                self.span(pid, "flush phases", "part end", "flush", (ts, ts), args);
            }
        }
    }

    /// A flush phase's slice on its transport.
    fn phase(&mut self, t: TransportId, inbound: bool, period: (Micros, Micros), args: Value) {
        let name = if inbound { "inbound" } else { "outbound" };
        let pid = transport_pid(t.index());
        self.span(pid, "flush phases", name, "flush", period, args);
    }

    /// The user answered the transport's latest open prompt.
    fn answer(&mut self, open: &mut Open, ts: Micros, t: TransportId, answer: UiAnswer) {
        if let Some((s, f)) = open.prompts.get_mut(&t).and_then(|v| v.pop()) {
            let args = json!({"answer": answer.as_str(), "flush": f});
            self.prompt(t, (s, ts), args);
        }
    }

    /// A dial prompt's slice.
    fn prompt(&mut self, t: TransportId, period: (Micros, Micros), args: Value) {
        let pid = transport_pid(t.index());
        self.span(pid, "dial prompts", "prompt", "ui", period, args);
    }

    /// The line came up: dialling ends, the line-up period begins.
    fn connected(&mut self, open: &mut Open, ts: Micros, t: TransportId) {
        if let Some(s) = open.dials.remove(&t) {
            self.line(t, "dial", (s, ts), json!({}));
        }
        open.lines.insert(t, ts);
    }

    /// The line dropped after being idle.
    fn hang_up(&mut self, open: &mut Open, ts: Micros, t: TransportId) {
        if let Some(s) = open.lines.remove(&t) {
            self.line(t, "line up", (s, ts), json!({"hung_up": true}));
        }
    }

    /// A slice on the transport's line track.
    fn line(&mut self, t: TransportId, name: &str, period: (Micros, Micros), args: Value) {
        let pid = transport_pid(t.index());
        self.span(pid, "line", name, "line", period, args);
    }

    /// A fault: a dropped line is an instant; a crash or offline spell lasts its `down` time
    /// (cut at the end of the run).
    fn fault(&mut self, ts: Micros, t: TransportId, kind: FaultKind, down: Micros) {
        let pid = transport_pid(t.index());
        let name = match kind {
            FaultKind::DropLine => {
                self.instant(pid, "faults", "line dropped", ts, json!({}));
                return;
            }
            FaultKind::Crash => "crashed",
            FaultKind::Offline => "offline",
        };
        let until = ts.saturating_add(down).min(self.end.max(ts));
        let args = json!({"down_us": down});
        self.span(pid, "faults", name, "fault", (ts, until), args);
    }

    /// A `ValidateState` call, as an instant on the spooler's process named by its label
    /// (`validate.1 (hang-up)`); an accepted `FORCE_XP_DISCONNECT` opens its transport's
    /// offline period, which an accepted `FORCE_XP_CONNECT` closes.
    fn validate_call(
        &mut self,
        open: &mut Open,
        (id, (called, object, flags, origin)): (ValidateId, (Micros, Object, u32, Origin)),
        ts: Micros,
        result: HResult,
    ) {
        let label = match origin {
            Origin::Validate(n) => self.run.call_names.label("validate", n as usize),
            _ => format!("api.validate{id}"),
        };
        let names = &self.run.transport_names;
        let f = ValidateFlags::from_bits_retain(flags);
        let args = json!({
            "object": object.name(names), "flags": f.to_string(), "result": result.name(),
            "called_at_us": called,
        });
        let tid = self.threads.tid(SPOOLER_PID, "ValidateState calls", 0);
        self.events.push(json!({
            "name": label, "cat": "validate", "ph": "i", "s": "t", "ts": ts,
            "pid": SPOOLER_PID, "tid": tid, "args": args
        }));
        let Object::Transport(t) = object else { return };
        if result != HResult::S_OK || t.index() >= names.len() {
            return;
        }
        if f.contains(ValidateFlags::FORCE_XP_DISCONNECT) {
            open.offline.entry(t).or_insert(ts);
            // An open prompt or dial is abandoned: it ends here, unanswered.
            for (s, flush) in open.prompts.remove(&t).unwrap_or_default() {
                let args = json!({"answer": "abandoned", "flush": flush});
                self.prompt(t, (s, ts), args);
            }
            if let Some(s) = open.dials.remove(&t) {
                self.line(t, "dial", (s, ts), json!({"abandoned": true}));
            }
        }
        if f.contains(ValidateFlags::FORCE_XP_CONNECT) {
            if let Some(s) = open.offline.remove(&t) {
                self.forced_offline(t, (s, ts), true);
            }
        }
    }

    /// A transport's period offline by `FORCE_XP_DISCONNECT`, on its faults track.
    fn forced_offline(&mut self, t: TransportId, period: (Micros, Micros), reconnected: bool) {
        let pid = transport_pid(t.index());
        let args = json!({"by": "FORCE_XP_DISCONNECT", "reconnected": reconnected});
        self.span(
            pid,
            "faults",
            "offline (ValidateState)",
            "fault",
            period,
            args,
        );
    }

    /// A progress indicator shown by a status object, on its process.
    fn progress_ui(&mut self, ts: Micros, pid: u64, flush: FlushId) {
        let tid = self.threads.tid(pid, "progress UI", 0);
        let label = self.label(flush);
        self.events.push(json!({
            "name": "progress UI", "cat": "ui", "ph": "i", "s": "t", "ts": ts,
            "pid": pid, "tid": tid, "args": {"flush": label}
        }));
    }

    /// Whatever is still open runs to the end of the run.
    pub(super) fn close(&mut self, open: Open) {
        let end = self.end;
        for ((flush, transport), (s, inb)) in open.phases {
            let args = json!({"flush": self.label(flush), "part_result": "pending"});
            self.phase(transport, inb, (s, end), args);
        }
        for (transport, v) in open.prompts {
            for (s, f) in v {
                self.prompt(transport, (s, end), json!({"answer": "none", "flush": f}));
            }
        }
        for (transport, s) in open.dials {
            self.line(transport, "dial", (s, end), json!({}));
        }
        for (transport, s) in open.lines {
            self.line(transport, "line up", (s, end), json!({"hung_up": false}));
        }
        for (transport, s) in open.offline {
            self.forced_offline(transport, (s, end), false);
        }
    }
}

/// An NDR's reason as the trace writes it.
fn ndr_reason(reason: NdrReason) -> &'static str {
    match reason {
        NdrReason::NoTransport => "notransport",
        NdrReason::Expired => "expired",
    }
}
