//! The event trace: what happened, when, and to whom.
//!
//! Every actor owns a [`Recorder`], so nothing on the hot path takes a lock. A recorder always
//! keeps counts, exact latencies and the events metrics are computed from (scripted flushes,
//! prompts, connects, faults); in *full* mode it also keeps the detail — one event per message,
//! phases, status changes, polls, API callers' flushes — for `--trace`, plots and timelines. At the
//! end of a run the recorders are merged and the events sorted by the calendar's key, so the
//! trace is byte-for-byte the same whichever actor happened to run first. An event is keyed by
//! the calendar entry under which it was recorded, or, for a transfer settled after the instant
//! it ended, by its own time and place (`Clock::key_at`, `Clock::due_key`): sorted, every event
//! comes after what caused it. Events are also sent to `tracing` (target `spoolsim::trace`)
//! when a subscriber asks for them.
//!
//! An [`Event`] serializes itself as one line of `--trace`: the field names and order of the
//! trace format are the serde attributes on the types here, so a new kind of event says how it
//! reads in a trace where it is declared.

use serde::Serialize;

use crate::mapi::HResult;
use crate::scenario::metric_names::CallNames;
use crate::scenario::model::UiAnswer;

use super::calendar::Key;
use super::samples::Samples;
use super::time::Micros;

/// Identifies a `FlushQueues` call within a run, in the order the spooler received them.
pub type FlushId = u32;

/// "No transport": the routing index of mail that no transport handles.
pub const NO_TRANSPORT: u16 = u16::MAX;

/// Who caused an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Actor {
    /// The runner: scripted traffic and the end of the run.
    Runner,
    /// A client: scripted flushes, procedures, API callers.
    Client,
    /// The spooler actor.
    Spooler,
    /// A transport actor, by index.
    Transport(u16),
    /// The simulated user in front of a transport's dial prompt.
    User(u16),
}

impl Actor {
    /// The actor's name in the trace: `runner`, `client`, `spooler`, `transport:NAME` or
    /// `user:NAME`, given the run's transport names.
    pub fn name(self, transports: &[String]) -> String {
        match self {
            Actor::Runner => "runner".into(),
            Actor::Client => "client".into(),
            Actor::Spooler => "spooler".into(),
            Actor::Transport(t) => format!("transport:{}", transport_label(transports, t)),
            Actor::User(t) => format!("user:{}", transport_label(transports, t)),
        }
    }
}

/// A transport's name, or `transportN` for an index outside `transports`.
fn transport_label(transports: &[String], t: u16) -> std::borrow::Cow<'_, str> {
    match transports.get(usize::from(t)) {
        Some(name) => name.as_str().into(),
        None => format!("transport{t}").into(),
    }
}

/// Which status object a call went to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Object {
    /// The spooler's status object.
    Spooler,
    /// A transport's own status object.
    Transport(u16),
    /// The MAPI subsystem's or address book's status object (flush is not supported there).
    Other(u16),
}

impl Object {
    /// The object's name in the trace and reports: `spooler`, the transport's name,
    /// `subsystem`, `address-book`, or `rowN` for another status-table row.
    pub fn name(self, transports: &[String]) -> String {
        match self {
            Object::Spooler => "spooler".into(),
            Object::Transport(t) => transport_label(transports, t).into_owned(),
            Object::Other(0) => "subsystem".into(),
            Object::Other(1) => "address-book".into(),
            Object::Other(r) => format!("row{r}"),
        }
    }
}

/// Where a flush call came from, so metrics can number scripted calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Origin {
    /// A program using the API directly.
    Api,
    /// `[[flush]]` number N (from 1).
    Flush(u32),
    /// A call made by `[[procedure]]` number N (from 1).
    Procedure(u32),
}

/// A step of a seed procedure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ProcStep {
    /// `IMAPISession::GetStatusTable`.
    GetStatusTable,
    /// `IMAPITable::SetColumns`.
    SetColumns,
    /// `HrQueryAllRows` with the restriction; how many rows came back.
    QueryAllRows(u32),
    /// `IMAPISession::OpenEntry` on a row's `PR_ENTRYID`; the row's index.
    OpenEntry(u16),
    /// `PR_RESOURCE_METHODS` read from a transport's status object; the bits.
    ResourceMethods(u32),
    /// Releasing the status objects, the table and the row set.
    Release,
    /// The procedure finished; its combined result.
    Done(HResult),
}

/// Why a message got a non-delivery report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum NdrReason {
    /// No transport handles its address type.
    NoTransport,
    /// Its lifetime ran out.
    Expired,
}

/// What happened.
///
/// Serialized as the event's part of a `--trace` line: `"event"` (the variant's name in
/// snake case) first, then its fields under the names the trace format documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum EventKind {
    /// The client submitted an outbound message, routed to a transport (or [`NO_TRANSPORT`]).
    Submit {
        /// Message id.
        msg: u32,
        /// Routing.
        #[serde(serialize_with = "json::transport")]
        transport: u16,
        /// Size in bytes.
        size: u64,
    },
    /// The spooler handed a batch of outbound messages to a transport.
    HandOff {
        /// Transport.
        #[serde(serialize_with = "json::transport")]
        transport: u16,
        /// Messages in the batch.
        count: u32,
    },
    /// An outbound message reached the remote end.
    Deliver {
        /// Message id.
        msg: u32,
        /// Transport.
        #[serde(serialize_with = "json::transport")]
        transport: u16,
        /// Submission to delivery.
        #[serde(rename = "latency_us")]
        latency: Micros,
    },
    /// A non-delivery report.
    Ndr {
        /// Message id.
        msg: u32,
        /// Transport it was routed to, or [`NO_TRANSPORT`].
        #[serde(serialize_with = "json::transport")]
        transport: u16,
        /// Why.
        reason: NdrReason,
    },
    /// An attempt failed; the message waits out its back-off.
    AttemptFailed {
        /// Message id.
        msg: u32,
        /// Transport.
        #[serde(serialize_with = "json::transport")]
        transport: u16,
        /// Whether it was a download.
        #[serde(rename = "direction", serialize_with = "json::direction")]
        inbound: bool,
    },
    /// Inbound mail arrived at a transport's remote end.
    Arrive {
        /// Remote message id.
        msg: u32,
        /// Transport.
        #[serde(serialize_with = "json::transport")]
        transport: u16,
    },
    /// Inbound mail was downloaded into the inbox.
    Receive {
        /// Remote message id.
        msg: u32,
        /// Transport.
        #[serde(serialize_with = "json::transport")]
        transport: u16,
        /// Arrival to inbox.
        #[serde(rename = "latency_us")]
        latency: Micros,
    },
    /// A scheduled inbound poll ran.
    Poll {
        /// Transport.
        #[serde(serialize_with = "json::transport")]
        transport: u16,
    },
    /// A scheduled send ran.
    ScheduledSend {
        /// Transport.
        #[serde(serialize_with = "json::transport")]
        transport: u16,
        /// Messages handed over.
        count: u32,
    },
    /// A client called `FlushQueues`.
    FlushCall {
        /// Call id.
        flush: FlushId,
        /// The status object called.
        #[serde(serialize_with = "json::object")]
        object: Object,
        /// `lpTargetTransport`, resolved.
        #[serde(serialize_with = "json::target")]
        target: Option<u16>,
        /// Raw flag bits (written as their names and as the number).
        #[serde(flatten, serialize_with = "json::flush_flags")]
        flags: u32,
        /// Who called.
        #[serde(serialize_with = "json::origin")]
        origin: Origin,
    },
    /// The call returned to its caller.
    FlushReturn {
        /// Call id.
        flush: FlushId,
        /// What it returned.
        #[serde(serialize_with = "json::hresult")]
        result: HResult,
    },
    /// The call's work ended (for a refused call, at once).
    FlushComplete {
        /// Call id.
        flush: FlushId,
        /// How its work ended.
        #[serde(serialize_with = "json::hresult")]
        outcome: HResult,
    },
    /// A phase of a flush began on a transport.
    PhaseBegin {
        /// Call id.
        flush: FlushId,
        /// Transport.
        #[serde(serialize_with = "json::transport")]
        transport: u16,
        /// Inbound (download) or outbound (upload).
        #[serde(rename = "direction", serialize_with = "json::direction")]
        inbound: bool,
    },
    /// A transport's part of a flush ended.
    PartEnd {
        /// Call id.
        flush: FlushId,
        /// Transport.
        #[serde(serialize_with = "json::transport")]
        transport: u16,
        /// The part's result.
        #[serde(serialize_with = "json::hresult")]
        result: HResult,
        /// Messages it delivered.
        delivered: u32,
        /// Messages it received.
        received: u32,
    },
    /// A flush part was still running when the run ended; what it had moved by then.
    PartOpen {
        /// Call id.
        flush: FlushId,
        /// Transport.
        #[serde(serialize_with = "json::transport")]
        transport: u16,
        /// Messages it delivered.
        delivered: u32,
        /// Messages it received.
        received: u32,
    },
    /// A status object showed a progress indicator.
    ProgressUi {
        /// Call id.
        flush: FlushId,
        /// The object that showed it.
        #[serde(serialize_with = "json::object")]
        object: Object,
    },
    /// A dial-up transport prompted the user.
    #[serde(rename = "ui_prompt")]
    Prompt {
        /// Transport.
        #[serde(serialize_with = "json::transport")]
        transport: u16,
        /// The flush whose work caused it, if any.
        flush: Option<FlushId>,
    },
    /// The user answered a prompt.
    #[serde(rename = "ui_answer")]
    Answer {
        /// Transport.
        #[serde(serialize_with = "json::transport")]
        transport: u16,
        /// The answer.
        #[serde(serialize_with = "json::answer")]
        answer: UiAnswer,
    },
    /// A dial-up transport started dialling.
    Dial {
        /// Transport.
        #[serde(serialize_with = "json::transport")]
        transport: u16,
    },
    /// The line is up.
    #[serde(rename = "connect")]
    Connected {
        /// Transport.
        #[serde(serialize_with = "json::transport")]
        transport: u16,
    },
    /// The line dropped after being idle.
    HangUp {
        /// Transport.
        #[serde(serialize_with = "json::transport")]
        transport: u16,
    },
    /// A scripted fault struck a transport.
    #[serde(serialize_with = "json::fault")]
    Fault {
        /// Transport.
        #[serde(serialize_with = "json::transport")]
        transport: u16,
        /// What happened.
        kind: crate::scenario::model::FaultKind,
        /// How long it lasts (crash and offline).
        down: Micros,
    },
    /// A crashed transport's actor was started again.
    Restart {
        /// Transport.
        #[serde(serialize_with = "json::transport")]
        transport: u16,
    },
    /// A status-table row's `PR_STATUS_CODE` changed.
    StatusChange {
        /// Row index in the status table.
        row: u16,
        /// The new code (written as the number and as its bits' names).
        #[serde(flatten, serialize_with = "json::status_code")]
        code: u32,
    },
    /// A step of a seed procedure.
    #[serde(rename = "procedure_step")]
    Procedure {
        /// Procedure number (from 1), or 0 for an API caller.
        procedure: u32,
        /// The step (its name, and what it found out, if anything).
        #[serde(flatten, serialize_with = "json::proc_step")]
        step: ProcStep,
    },
    /// The run ended.
    RunEnd,
}

impl EventKind {
    /// Whether this event is detail that no metric needs (one per message, or per phase or
    /// status change), kept only by a full recorder.
    #[inline]
    pub fn is_detail(&self) -> bool {
        matches!(
            self,
            EventKind::Submit { .. }
                | EventKind::HandOff { .. }
                | EventKind::Deliver { .. }
                | EventKind::Arrive { .. }
                | EventKind::Receive { .. }
                | EventKind::PhaseBegin { .. }
                | EventKind::StatusChange { .. }
                | EventKind::Poll { .. }
                | EventKind::ScheduledSend { .. }
        )
    }
}

/// One trace event.
///
/// Serialized as one `--trace` line: `t_us`, `actor`, then the [`EventKind`]'s fields, with
/// transports and status objects named (see [`with_transport_names`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Event {
    /// Time and ordering key (only its time is written).
    #[serde(rename = "t_us", serialize_with = "json::key_time")]
    pub key: Key,
    /// Who.
    #[serde(serialize_with = "json::actor")]
    pub actor: Actor,
    /// What.
    #[serde(flatten)]
    pub kind: EventKind,
}

/// Counts kept for one transport, whatever the recorder mode.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TransportCounts {
    /// Outbound messages routed to it.
    pub submitted: u64,
    /// Outbound messages it delivered.
    pub delivered: u64,
    /// NDRs of mail routed to it.
    pub ndr: u64,
    /// Inbound messages that arrived at its remote end.
    pub arrived: u64,
    /// Inbound messages it downloaded.
    pub received: u64,
    /// Failed attempts.
    pub failed_attempts: u64,
    /// Dial prompts.
    pub prompts: u64,
    /// Completed connections.
    pub connects: u64,
}

impl TransportCounts {
    fn add(&mut self, o: &TransportCounts) {
        self.submitted += o.submitted;
        self.delivered += o.delivered;
        self.ndr += o.ndr;
        self.arrived += o.arrived;
        self.received += o.received;
        self.failed_attempts += o.failed_attempts;
        self.prompts += o.prompts;
        self.connects += o.connects;
    }
}

/// Exact latency samples of one transport.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Latencies {
    /// Submission to delivery.
    pub outbound: Samples,
    /// Remote arrival to inbox.
    pub inbound: Samples,
}

/// An actor's private trace sink.
#[derive(Debug, Clone)]
pub struct Recorder {
    full: bool,
    to_tracing: bool,
    /// Events kept (all of them in full mode; the rare ones otherwise).
    pub events: Vec<Event>,
    /// Per-transport counts, indexed by transport.
    pub counts: Vec<TransportCounts>,
    /// Per-transport latencies, indexed by transport.
    pub latencies: Vec<Latencies>,
    /// Submitted mail that no transport handles.
    pub unroutable: u64,
}

impl Recorder {
    /// A recorder for a run with `transports` transports; `full` keeps per-message events.
    pub fn new(transports: usize, full: bool) -> Self {
        Recorder {
            full,
            to_tracing: tracing::enabled!(target: "spoolsim::trace", tracing::Level::DEBUG),
            events: Vec::new(),
            counts: vec![TransportCounts::default(); transports],
            latencies: vec![Latencies::default(); transports],
            unroutable: 0,
        }
    }

    /// Whether per-message events are kept.
    #[inline]
    pub fn is_full(&self) -> bool {
        self.full
    }

    /// Records an event, updating counts.
    #[inline]
    pub fn record(&mut self, key: Key, actor: Actor, kind: EventKind) {
        match kind {
            EventKind::Submit { transport, .. } => {
                if transport == NO_TRANSPORT {
                    self.unroutable += 1;
                } else {
                    self.counts[transport as usize].submitted += 1;
                }
            }
            EventKind::Deliver {
                transport, latency, ..
            } => {
                self.counts[transport as usize].delivered += 1;
                self.latencies[transport as usize].outbound.push(latency);
            }
            EventKind::Receive {
                transport, latency, ..
            } => {
                self.counts[transport as usize].received += 1;
                self.latencies[transport as usize].inbound.push(latency);
            }
            EventKind::Arrive { transport, .. } => self.counts[transport as usize].arrived += 1,
            EventKind::Ndr { transport, .. } if transport != NO_TRANSPORT => {
                self.counts[transport as usize].ndr += 1
            }
            EventKind::AttemptFailed { transport, .. } => {
                self.counts[transport as usize].failed_attempts += 1
            }
            EventKind::Prompt { transport, .. } => self.counts[transport as usize].prompts += 1,
            EventKind::Connected { transport } => self.counts[transport as usize].connects += 1,
            _ => {}
        }
        if self.to_tracing {
            let line = json::log_line(&Event { key, actor, kind });
            tracing::debug!(target: "spoolsim::trace", "{line}");
        }
        if self.full || !kind.is_detail() {
            self.events.push(Event { key, actor, kind });
        }
    }

    /// Moves everything `other` recorded into `self`.
    pub fn merge(&mut self, mut other: Recorder) {
        self.events.append(&mut other.events);
        for (a, b) in self.counts.iter_mut().zip(&other.counts) {
            a.add(b);
        }
        for (a, b) in self.latencies.iter_mut().zip(&other.latencies) {
            a.outbound.append(&b.outbound);
            a.inbound.append(&b.inbound);
        }
        self.unroutable += other.unroutable;
    }

    /// Sorts the events into the calendar's order.
    pub fn sort(&mut self) {
        self.events.sort_unstable_by_key(|e| e.key);
    }
}

/// Runs `f` with `transports` as the names serialized events give their transports.
///
/// An [`Event`] holds transports as indices (that keeps it `Copy` and cheap to record), but a
/// trace line names them. serde offers no way to hand a serializer extra context, so the names
/// are kept in a thread-local for the duration of `f`, and the previous ones are put back
/// afterwards (also if `f` panics). Outside any call, transports serialize as unknown: `null`
/// in a transport field, `transportN` in an actor's or status object's name.
pub fn with_transport_names<R>(transports: &[String], f: impl FnOnce() -> R) -> R {
    json::with_names(transports, f)
}

/// Runs `f` with the run's transport names and the names of its scripted calls at hand, so that
/// events sent to `tracing` (`RUST_LOG=spoolsim::trace=debug`) name transports, status objects,
/// calls and flags as reports do: `actor=transport:dialup event=flush_call object=spooler
/// flags=FLUSH_UPLOAD|FLUSH_NO_UI`, and every event of a scripted call
/// `flush=flush.1 name=morning-upload`.
pub fn with_run_names<R>(transports: &[String], calls: &CallNames, f: impl FnOnce() -> R) -> R {
    json::with_call_names(calls, || json::with_names(transports, f))
}

/// How events are written as JSON: the `serialize_with` helpers of [`Event`] and
/// [`EventKind`], for the fields whose trace form is not their Rust form.
mod json {
    use std::cell::RefCell;

    use serde::ser::{SerializeMap, Serializer};
    use serde::Serialize;

    use super::{Actor, CallNames, Event, Key, Object, Origin, ProcStep, NO_TRANSPORT};
    use crate::mapi::constants::status_code_names;
    use crate::mapi::{FlushFlags, HResult};
    use crate::scenario::model::{FaultKind, UiAnswer};
    use crate::sim::time::{format_compact, Micros};

    thread_local! {
        /// The transport names of the run whose events are being serialized.
        static NAMES: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
        /// The names of the run's scripted calls, for log lines.
        static CALLS: RefCell<CallNames> = RefCell::new(CallNames::default());
        /// How log lines name each call seen so far, by call id: `flush.1`,
        /// `procedure.2:call3`, `api:call4`, and the entry's name where it has one.
        static CALL_LABELS: RefCell<Vec<(u32, String)>> = const { RefCell::new(Vec::new()) };
    }

    /// See [`super::with_run_names`].
    pub(super) fn with_call_names<R>(calls: &CallNames, f: impl FnOnce() -> R) -> R {
        struct Put(CallNames);
        impl Drop for Put {
            fn drop(&mut self) {
                let prev = std::mem::take(&mut self.0);
                CALLS.with(|c| *c.borrow_mut() = prev);
            }
        }
        let prev = CALLS.with(|c| c.replace(calls.clone()));
        let _put = Put(prev);
        CALL_LABELS.with(|l| l.borrow_mut().clear());
        f()
    }

    /// How log lines name call `id` made from `origin`, remembered for the call's later events.
    fn label_call(id: u32, origin: Origin) -> String {
        let base = match origin {
            Origin::Flush(n) => format!("flush.{n}"),
            Origin::Procedure(n) => format!("procedure.{n}:call{id}"),
            Origin::Api => format!("api:call{id}"),
        };
        let label = match CALLS.with_borrow(|c| c.name(origin).map(str::to_string)) {
            Some(name) => format!("{base} name={name}"),
            None => base,
        };
        CALL_LABELS.with(|l| l.borrow_mut().push((id, label.clone())));
        label
    }

    /// The label of call `id`, if its call was logged.
    fn call_label(id: u64) -> Option<String> {
        CALL_LABELS.with_borrow(|l| {
            l.iter()
                .rev()
                .find(|(i, _)| u64::from(*i) == id)
                .map(|(_, s)| s.clone())
        })
    }

    /// A value of a log line: words as they are (quoted when they hold blanks), flags and
    /// bit names joined with `|`, `-` for none.
    fn log_value(v: &serde_json::Value) -> String {
        use serde_json::Value;
        let word = |s: &str| {
            let s = s.replace(" | ", "|");
            if s.contains(char::is_whitespace) {
                format!("{s:?}")
            } else {
                s
            }
        };
        match v {
            Value::Null => "-".into(),
            Value::String(s) => word(s),
            Value::Array(items) => items.iter().map(log_value).collect::<Vec<_>>().join("|"),
            other => other.to_string(),
        }
    }

    /// The name of status-table row `row`: the subsystem, the address book, the spooler, then
    /// the transports in file order.
    fn row_name(row: u64, names: &[String]) -> String {
        match row {
            0 => "subsystem".into(),
            1 => "address-book".into(),
            2 => "spooler".into(),
            r => names
                .get((r - 3) as usize)
                .cloned()
                .unwrap_or_else(|| format!("row{r}")),
        }
    }

    /// One event as a `tracing` line: `t=1h00m05.000s actor=... event=... field=value ...`,
    /// with names instead of indices and raw bits.
    pub(super) fn log_line(e: &Event) -> String {
        let mut out = format!("t={}", format_compact(e.key.t));
        let Ok(serde_json::Value::Object(fields)) = serde_json::to_value(e) else {
            return out;
        };
        for (k, v) in &fields {
            match k.as_str() {
                "t_us" | "flags_bits" | "code" | "origin" => {}
                "flush" => {
                    let label = match (e.kind, v.as_u64()) {
                        (super::EventKind::FlushCall { flush, origin, .. }, _) => {
                            Some(label_call(flush, origin))
                        }
                        (_, Some(id)) => call_label(id),
                        _ => None,
                    };
                    match label {
                        Some(label) => out.push_str(&format!(" flush={label}")),
                        None => out.push_str(&format!(" call={}", log_value(v))),
                    }
                }
                "row" => {
                    let name = NAMES.with_borrow(|n| row_name(v.as_u64().unwrap_or(0), n));
                    out.push_str(&format!(" object={name}"));
                }
                "code_names" => out.push_str(&format!(" status={}", log_value(v))),
                k if k.ends_with("_us") && v.is_u64() => {
                    let t = format_compact(v.as_u64().unwrap_or(0));
                    out.push_str(&format!(" {}={t}", k.trim_end_matches("_us")));
                }
                _ => out.push_str(&format!(" {k}={}", log_value(v))),
            }
        }
        out
    }

    /// Puts the previous names back when dropped.
    struct Restore(Vec<String>);

    impl Drop for Restore {
        fn drop(&mut self) {
            let prev = std::mem::take(&mut self.0);
            NAMES.with(|n| *n.borrow_mut() = prev);
        }
    }

    /// See [`super::with_transport_names`].
    pub(super) fn with_names<R>(transports: &[String], f: impl FnOnce() -> R) -> R {
        let prev = NAMES.with(|n| n.replace(transports.to_vec()));
        let _restore = Restore(prev);
        f()
    }

    /// A transport field: its name, or `null` for [`NO_TRANSPORT`] or an unknown index.
    struct TransportRef(u16);

    impl Serialize for TransportRef {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            NAMES.with_borrow(|names| match names.get(usize::from(self.0)) {
                Some(name) if self.0 != NO_TRANSPORT => s.serialize_str(name),
                _ => s.serialize_none(),
            })
        }
    }

    /// `t_us`: the event's time; the rest of its key only orders the trace.
    pub(super) fn key_time<S: Serializer>(key: &Key, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u64(key.t)
    }

    /// The actor by name (`transport:NAME`, `user:NAME`, ...).
    pub(super) fn actor<S: Serializer>(a: &Actor, s: S) -> Result<S::Ok, S::Error> {
        NAMES.with_borrow(|names| s.serialize_str(&a.name(names)))
    }

    /// The status object by name.
    pub(super) fn object<S: Serializer>(o: &Object, s: S) -> Result<S::Ok, S::Error> {
        NAMES.with_borrow(|names| s.serialize_str(&o.name(names)))
    }

    /// A transport by name, or `null`.
    pub(super) fn transport<S: Serializer>(t: &u16, s: S) -> Result<S::Ok, S::Error> {
        TransportRef(*t).serialize(s)
    }

    /// `lpTargetTransport` by name, or `null` when there is none.
    pub(super) fn target<S: Serializer>(t: &Option<u16>, s: S) -> Result<S::Ok, S::Error> {
        t.map(TransportRef).serialize(s)
    }

    /// `inbound` or `outbound`.
    pub(super) fn direction<S: Serializer>(inbound: &bool, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(if *inbound { "inbound" } else { "outbound" })
    }

    /// A result by its MAPI name (`S_OK`, `MAPI_E_USER_CANCEL`).
    pub(super) fn hresult<S: Serializer>(r: &HResult, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(r.name())
    }

    /// A prompt's answer as scenario files write it.
    pub(super) fn answer<S: Serializer>(a: &UiAnswer, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(a.as_str())
    }

    /// `api`, `flush.N` or `procedure.N`.
    pub(super) fn origin<S: Serializer>(o: &Origin, s: S) -> Result<S::Ok, S::Error> {
        match o {
            Origin::Api => s.serialize_str("api"),
            Origin::Flush(n) => s.collect_str(&format_args!("flush.{n}")),
            Origin::Procedure(n) => s.collect_str(&format_args!("procedure.{n}")),
        }
    }

    /// `flags` as names (what a reader wants) and `flags_bits` as the number (what a program
    /// comparing runs wants), flattened into the event.
    pub(super) fn flush_flags<S: Serializer>(bits: &u32, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(2))?;
        m.serialize_entry("flags", &FlushFlags::from_bits_retain(*bits).to_string())?;
        m.serialize_entry("flags_bits", bits)?;
        m.end()
    }

    /// `code` as the number and `code_names` as its bits' names, flattened into the event.
    pub(super) fn status_code<S: Serializer>(code: &u32, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(2))?;
        m.serialize_entry("code", code)?;
        m.serialize_entry("code_names", &status_code_names(*code))?;
        m.end()
    }

    /// `step` by name, then what the step found out (rows, row, methods or result), if
    /// anything, flattened into the event.
    pub(super) fn proc_step<S: Serializer>(step: &ProcStep, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        let name = match step {
            ProcStep::GetStatusTable => "get_status_table",
            ProcStep::SetColumns => "set_columns",
            ProcStep::QueryAllRows(_) => "hr_query_all_rows",
            ProcStep::OpenEntry(_) => "open_entry",
            ProcStep::ResourceMethods(_) => "resource_methods",
            ProcStep::Release => "release",
            ProcStep::Done(_) => "done",
        };
        m.serialize_entry("step", name)?;
        match step {
            ProcStep::QueryAllRows(n) => m.serialize_entry("rows", n)?,
            ProcStep::OpenEntry(r) => m.serialize_entry("row", r)?,
            ProcStep::ResourceMethods(bits) => m.serialize_entry("methods", bits)?,
            ProcStep::Done(r) => m.serialize_entry("result", r.name())?,
            _ => {}
        }
        m.end()
    }

    /// A fault's fields: a dropped line has no `down_us`, since it stays down until the
    /// transport dials again.
    pub(super) fn fault<S: Serializer>(
        transport: &u16,
        kind: &FaultKind,
        down: &Micros,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("transport", &TransportRef(*transport))?;
        if *kind != FaultKind::DropLine {
            m.serialize_entry("down_us", down)?;
        }
        let kind = match kind {
            FaultKind::Crash => "crash",
            FaultKind::Offline => "offline",
            FaultKind::DropLine => "drop-line",
        };
        m.serialize_entry("kind", kind)?;
        m.end()
    }
}
