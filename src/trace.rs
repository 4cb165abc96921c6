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
use crate::model::UiAnswer;
use crate::sim::calendar::Key;
use crate::sim::samples::Samples;
use crate::sim::time::Micros;
use crate::sim::{FlushId, MsgId, TransportId, ValidateId};

mod calls;
mod per_transport;
pub use calls::CallNames;
pub use per_transport::{PerTransport, Unwritten};

/// Who caused an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Actor {
    /// The runner: scripted traffic and the end of the run.
    Runner,
    /// A client: scripted flushes, procedures, API callers.
    Client,
    /// The spooler actor.
    Spooler,
    /// A transport actor.
    Transport(TransportId),
    /// The simulated user in front of a transport's dial prompt.
    User(TransportId),
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
fn transport_label(transports: &[String], t: TransportId) -> std::borrow::Cow<'_, str> {
    match transports.get(t.index()) {
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
    Transport(TransportId),
    /// The MAPI subsystem's or address book's status object (flush is not supported there).
    Other(u16),
}

impl Object {
    /// The object's name in the trace and reports: `spooler`, the transport's name,
    /// `subsystem`, `addressbook` (as `via` names them in scenario files), or `rowN` for another
    /// status-table row.
    pub fn name(self, transports: &[String]) -> String {
        match self {
            Object::Spooler => "spooler".into(),
            Object::Transport(t) => transport_label(transports, t).into_owned(),
            Object::Other(0) => "subsystem".into(),
            Object::Other(1) => "addressbook".into(),
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
    /// `[[validate]]` number N (from 1), or the flush its `FORCE_XP_CONNECT` started.
    Validate(u32),
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
    /// The client submitted an outbound message, routed to a transport (`None`: no transport
    /// handles its address type).
    Submit {
        /// Message id.
        msg: MsgId,
        /// Routing.
        #[serde(serialize_with = "json::optional_transport")]
        transport: Option<TransportId>,
        /// Size in bytes.
        size: u64,
    },
    /// The spooler handed a batch of outbound messages to a transport.
    HandOff {
        /// Transport.
        #[serde(serialize_with = "json::transport")]
        transport: TransportId,
        /// Messages in the batch.
        count: u32,
    },
    /// An outbound message reached the remote end.
    Deliver {
        /// Message id.
        msg: MsgId,
        /// Transport.
        #[serde(serialize_with = "json::transport")]
        transport: TransportId,
        /// Submission to delivery.
        #[serde(rename = "latency_us")]
        latency: Micros,
    },
    /// A non-delivery report.
    Ndr {
        /// Message id.
        msg: MsgId,
        /// Transport it was routed to, if any.
        #[serde(serialize_with = "json::optional_transport")]
        transport: Option<TransportId>,
        /// Why.
        reason: NdrReason,
    },
    /// An attempt failed; the message waits out its back-off.
    AttemptFailed {
        /// Message id.
        msg: MsgId,
        /// Transport.
        #[serde(serialize_with = "json::transport")]
        transport: TransportId,
        /// Whether it was a download.
        #[serde(rename = "direction", serialize_with = "json::direction")]
        inbound: bool,
    },
    /// Inbound mail arrived at a transport's remote end.
    Arrive {
        /// Remote message id.
        msg: MsgId,
        /// Transport.
        #[serde(serialize_with = "json::transport")]
        transport: TransportId,
    },
    /// Inbound mail was downloaded into the inbox.
    Receive {
        /// Remote message id.
        msg: MsgId,
        /// Transport.
        #[serde(serialize_with = "json::transport")]
        transport: TransportId,
        /// Arrival to inbox.
        #[serde(rename = "latency_us")]
        latency: Micros,
    },
    /// A scheduled inbound poll ran.
    Poll {
        /// Transport.
        #[serde(serialize_with = "json::transport")]
        transport: TransportId,
    },
    /// A scheduled send ran.
    ScheduledSend {
        /// Transport.
        #[serde(serialize_with = "json::transport")]
        transport: TransportId,
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
        #[serde(serialize_with = "json::optional_transport")]
        target: Option<TransportId>,
        /// Raw flag bits (written as their names and as the number).
        #[serde(flatten, serialize_with = "json::flush_flags")]
        flags: u32,
        /// Who called.
        #[serde(serialize_with = "json::origin")]
        origin: Origin,
        /// The `ValidateState` call whose `FORCE_XP_CONNECT` started this flush, if one did
        /// (written only then).
        #[serde(skip_serializing_if = "Option::is_none")]
        validate: Option<ValidateId>,
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
        transport: TransportId,
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
        transport: TransportId,
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
        transport: TransportId,
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
        transport: TransportId,
        /// The flush whose work caused it, if any.
        flush: Option<FlushId>,
    },
    /// The user answered a prompt.
    #[serde(rename = "ui_answer")]
    Answer {
        /// Transport.
        #[serde(serialize_with = "json::transport")]
        transport: TransportId,
        /// The answer.
        #[serde(serialize_with = "json::answer")]
        answer: UiAnswer,
    },
    /// A dial-up transport started dialling.
    Dial {
        /// Transport.
        #[serde(serialize_with = "json::transport")]
        transport: TransportId,
    },
    /// The line is up.
    #[serde(rename = "connect")]
    Connected {
        /// Transport.
        #[serde(serialize_with = "json::transport")]
        transport: TransportId,
    },
    /// The line dropped after being idle.
    HangUp {
        /// Transport.
        #[serde(serialize_with = "json::transport")]
        transport: TransportId,
    },
    /// A scripted fault struck a transport.
    #[serde(serialize_with = "json::fault")]
    Fault {
        /// Transport.
        #[serde(serialize_with = "json::transport")]
        transport: TransportId,
        /// What happened.
        kind: crate::model::FaultKind,
        /// How long it lasts (crash and offline).
        down: Micros,
    },
    /// A crashed transport's actor was started again.
    Restart {
        /// Transport.
        #[serde(serialize_with = "json::transport")]
        transport: TransportId,
    },
    /// A status-table row's `PR_STATUS_CODE` changed.
    StatusChange {
        /// Row index in the status table.
        row: u16,
        /// The new code (written as the number and as its bits' names).
        #[serde(flatten, serialize_with = "json::status_code")]
        code: u32,
    },
    /// A client called `ValidateState`.
    ValidateCall {
        /// Call id (a series apart from flush calls).
        validate: ValidateId,
        /// The status object called.
        #[serde(serialize_with = "json::object")]
        object: Object,
        /// Raw flag bits (written as their names and as the number).
        #[serde(flatten, serialize_with = "json::validate_flags")]
        flags: u32,
        /// Who called.
        #[serde(serialize_with = "json::origin")]
        origin: Origin,
    },
    /// A `ValidateState` call returned to its caller (always at the instant it was made).
    ValidateReturn {
        /// Call id.
        validate: ValidateId,
        /// What it returned.
        #[serde(serialize_with = "json::hresult")]
        result: HResult,
    },
    /// A periodic send or poll did nothing because a `ValidateState` call with
    /// `FORCE_XP_DISCONNECT` left its transport offline.
    ScheduleSkipped {
        /// Transport.
        #[serde(serialize_with = "json::transport")]
        transport: TransportId,
        /// The poll (inbound) or the scheduled send (outbound).
        #[serde(rename = "direction", serialize_with = "json::direction")]
        inbound: bool,
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
                | EventKind::ScheduleSkipped { .. }
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

impl Unwritten for TransportCounts {
    const UNWRITTEN: &'static Self = &TransportCounts {
        submitted: 0,
        delivered: 0,
        ndr: 0,
        arrived: 0,
        received: 0,
        failed_attempts: 0,
        prompts: 0,
        connects: 0,
    };
}

impl Unwritten for Latencies {
    const UNWRITTEN: &'static Self = &Latencies {
        outbound: Samples::EMPTY,
        inbound: Samples::EMPTY,
    };
}

/// An actor's private trace sink.
///
/// The state machines tell it what happened — an event, or a whole batch submitted, arrived or
/// moved at once — and it decides what to keep: counts and latencies always, one event per
/// message only in a full recorder. So no state machine writes counts itself or asks which
/// kind of recorder it has, except to choose the counting fast path
/// ([`Recorder::settles_in_bulk`]). Readers of a finished run use the accessors.
#[derive(Debug, Clone)]
pub struct Recorder {
    full: bool,
    to_tracing: bool,
    /// Events kept (all of them in full mode; the rare ones otherwise).
    events: Vec<Event>,
    /// Per-transport counts, indexed by transport (slots only for transports recorded).
    counts: PerTransport<TransportCounts>,
    /// Per-transport latencies, indexed by transport (likewise).
    latencies: PerTransport<Latencies>,
    /// Submitted mail that no transport handles.
    unroutable: u64,
}

impl Recorder {
    /// A recorder for a run with `transports` transports; `full` keeps per-message events.
    pub fn new(transports: usize, full: bool) -> Self {
        Recorder {
            full,
            to_tracing: tracing::enabled!(target: "spoolsim::trace", tracing::Level::DEBUG),
            events: Vec::new(),
            counts: PerTransport::new(transports),
            latencies: PerTransport::new(transports),
            unroutable: 0,
        }
    }

    /// A full trace of `transports` transports made of `events` as they are, counting nothing:
    /// a trace read back, or made up to test what reads traces.
    pub fn from_events(transports: usize, events: Vec<Event>) -> Self {
        Recorder {
            events,
            ..Recorder::new(transports, true)
        }
    }

    /// Whether per-message events are kept.
    #[inline]
    pub fn is_full(&self) -> bool {
        self.full
    }

    /// Whether a batch whose attempts all complete at once may be settled in bulk, with
    /// [`Recorder::delivered_together`] and [`Recorder::received_together`], rather than
    /// attempt by attempt: whenever nobody wants one event per message.
    #[inline]
    pub fn settles_in_bulk(&self) -> bool {
        !self.full
    }

    /// Whether each delivery and download must go through [`Recorder::record`] as an event of
    /// its own: in a full recorder, or when `tracing` logs events. Otherwise they may be
    /// counted and sampled a run at a time ([`Recorder::delivered_together`]).
    #[inline]
    pub fn wants_each_event(&self) -> bool {
        self.full || self.to_tracing
    }

    /// Makes room for `n` more latency samples of transport `t`, one direction, before a batch
    /// of that size moves.
    pub fn reserve_latencies(&mut self, t: TransportId, inbound: bool, n: usize) {
        let l = &mut self.latencies[t.index()];
        if inbound {
            &mut l.inbound
        } else {
            &mut l.outbound
        }
        .reserve(n);
    }

    /// Whether the events of a `FlushQueues` or `ValidateState` call made by `origin` are kept:
    /// always in a full recorder; in a counting one only for scripted calls, whose metrics need
    /// them (an API caller has the call's result).
    #[inline]
    pub fn keeps_calls_from(&self, origin: Origin) -> bool {
        self.full || origin != Origin::Api
    }

    /// Records an event, updating counts.
    #[inline]
    pub fn record(&mut self, key: Key, actor: Actor, kind: EventKind) {
        self.record_with(actor, kind, || key);
    }

    /// [`Recorder::record`] with the key taken only when the event is kept or logged: a
    /// counting recorder drops detail events (status changes, phase beginnings…) after
    /// counting them, and taking a key costs a sequence number. Keys only order events, so
    /// one not taken changes no order.
    #[inline]
    pub fn record_with(&mut self, actor: Actor, kind: EventKind, key: impl FnOnce() -> Key) {
        match kind {
            EventKind::Submit { transport, .. } => match transport {
                Some(t) => self.counts[t.index()].submitted += 1,
                None => self.unroutable += 1,
            },
            EventKind::Deliver {
                transport, latency, ..
            } => {
                self.counts[transport.index()].delivered += 1;
                self.latencies[transport.index()].outbound.push(latency);
            }
            EventKind::Receive {
                transport, latency, ..
            } => {
                self.counts[transport.index()].received += 1;
                self.latencies[transport.index()].inbound.push(latency);
            }
            EventKind::Arrive { transport, .. } => self.counts[transport.index()].arrived += 1,
            EventKind::Ndr {
                transport: Some(t), ..
            } => self.counts[t.index()].ndr += 1,
            EventKind::AttemptFailed { transport, .. } => {
                self.counts[transport.index()].failed_attempts += 1
            }
            EventKind::Prompt { transport, .. } => self.counts[transport.index()].prompts += 1,
            EventKind::Connected { transport } => self.counts[transport.index()].connects += 1,
            _ => {}
        }
        let keep = self.full || !kind.is_detail();
        if !(keep || self.to_tracing) {
            return;
        }
        let key = key();
        if self.to_tracing {
            let line = json::log_line(&Event { key, actor, kind });
            tracing::debug!(target: "spoolsim::trace", "{line}");
        }
        if keep {
            self.events.push(Event { key, actor, kind });
        }
    }

    /// `actor` submitted messages `msgs` of `size` bytes for transport `t`: one
    /// [`EventKind::Submit`] each, keyed by `key`, in a full recorder; a count otherwise (and
    /// then no key is taken).
    pub fn submitted(
        &mut self,
        actor: Actor,
        t: TransportId,
        msgs: impl ExactSizeIterator<Item = MsgId>,
        size: u64,
        mut key: impl FnMut() -> Key,
    ) {
        if !self.full {
            self.counts[t.index()].submitted += msgs.len() as u64;
            return;
        }
        for msg in msgs {
            let kind = EventKind::Submit {
                msg,
                transport: Some(t),
                size,
            };
            self.record(key(), actor, kind);
        }
    }

    /// Messages `msgs` arrived at transport `t`'s remote end, written by `actor`: one
    /// [`EventKind::Arrive`] each, keyed by `key`, in a full recorder; a count otherwise.
    pub fn arrived(
        &mut self,
        actor: Actor,
        t: TransportId,
        msgs: impl ExactSizeIterator<Item = MsgId>,
        mut key: impl FnMut() -> Key,
    ) {
        if !self.full {
            self.counts[t.index()].arrived += msgs.len() as u64;
            return;
        }
        for msg in msgs {
            let kind = EventKind::Arrive { msg, transport: t };
            self.record(key(), actor, kind);
        }
    }

    /// Transport `t` delivered messages together, with these latencies: counted and sampled,
    /// without an event each (see [`Recorder::settles_in_bulk`]). Returns how many.
    pub fn delivered_together(
        &mut self,
        t: TransportId,
        latencies: impl IntoIterator<Item = Micros>,
    ) -> u64 {
        let samples = &mut self.latencies[t.index()].outbound;
        let mut n = 0;
        for latency in latencies {
            samples.push(latency);
            n += 1;
        }
        self.counts[t.index()].delivered += n;
        n
    }

    /// Transport `t` downloaded messages together, with these latencies: counted and sampled,
    /// without an event each (see [`Recorder::settles_in_bulk`]). Returns how many.
    pub fn received_together(
        &mut self,
        t: TransportId,
        latencies: impl IntoIterator<Item = Micros>,
    ) -> u64 {
        let samples = &mut self.latencies[t.index()].inbound;
        let mut n = 0;
        for latency in latencies {
            samples.push(latency);
            n += 1;
        }
        self.counts[t.index()].received += n;
        n
    }

    /// The events kept, in the order recorded (in the calendar's order once sorted).
    pub fn events(&self) -> &[Event] {
        &self.events
    }

    /// Per-transport counts, in profile order.
    pub fn counts(&self) -> &PerTransport<TransportCounts> {
        &self.counts
    }

    /// Per-transport latency samples, in profile order.
    pub fn latencies(&self) -> &PerTransport<Latencies> {
        &self.latencies
    }

    /// Submitted mail that no transport handles.
    pub fn unroutable(&self) -> u64 {
        self.unroutable
    }

    /// Moves everything `other` recorded into `self`.
    pub fn merge(&mut self, mut other: Recorder) {
        self.events.append(&mut other.events);
        for (t, b) in other.counts.stored() {
            self.counts[t].add(b);
        }
        // Each actor samples only its own transports' latencies: moved, not copied.
        for (t, b) in other.latencies.into_stored() {
            let a = &mut self.latencies[t];
            a.outbound.absorb(b.outbound);
            a.inbound.absorb(b.inbound);
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

    use super::{Actor, CallNames, Event, Key, Object, Origin, ProcStep};
    use crate::mapi::constants::status_code_names;
    use crate::mapi::{FlushFlags, HResult, ValidateFlags};
    use crate::model::{FaultKind, UiAnswer};
    use crate::sim::time::{format_compact, Micros};
    use crate::sim::{FlushId, TransportId};

    thread_local! {
        /// The transport names of the run whose events are being serialized.
        static NAMES: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
        /// The names of the run's scripted calls, for log lines.
        static CALLS: RefCell<CallNames> = RefCell::new(CallNames::default());
        /// How log lines name each call seen so far, by call id: `flush.1`,
        /// `procedure.2:call3`, `api:call4`, and the entry's name where it has one.
        static CALL_LABELS: RefCell<Vec<(u32, String)>> = const { RefCell::new(Vec::new()) };
        /// How log lines name each `ValidateState` call seen so far, by its id:
        /// `validate.1 name=hang-up`, `api:validate2`.
        static VALIDATE_LABELS: RefCell<Vec<(u32, String)>> = const { RefCell::new(Vec::new()) };
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
        VALIDATE_LABELS.with(|l| l.borrow_mut().clear());
        f()
    }

    /// How log lines name the `ValidateState` call of an event's `validate` field: from its
    /// call's origin, remembered for its return.
    fn validate_label(kind: &super::EventKind, id: u64) -> String {
        if let super::EventKind::ValidateCall {
            validate, origin, ..
        } = *kind
        {
            let base = match origin {
                Origin::Validate(n) => format!("validate.{n}"),
                _ => format!("api:validate{validate}"),
            };
            let label = match CALLS.with_borrow(|c| c.name(origin).map(str::to_string)) {
                Some(name) => format!("{base} name={name}"),
                None => base,
            };
            VALIDATE_LABELS.with(|l| l.borrow_mut().push((validate.0, label.clone())));
            return label;
        }
        VALIDATE_LABELS.with_borrow(|l| {
            l.iter()
                .rev()
                .find(|(i, _)| u64::from(*i) == id)
                .map_or_else(|| format!("api:validate{id}"), |(_, s)| s.clone())
        })
    }

    /// How log lines name call `id` made from `origin`, remembered for the call's later events.
    fn label_call(id: FlushId, origin: Origin) -> String {
        let base = match origin {
            Origin::Flush(n) => format!("flush.{n}"),
            Origin::Procedure(n) => format!("procedure.{n}:call{id}"),
            Origin::Validate(n) => format!("validate.{n}:call{id}"),
            Origin::Api => format!("api:call{id}"),
        };
        let label = match CALLS.with_borrow(|c| c.name(origin).map(str::to_string)) {
            Some(name) => format!("{base} name={name}"),
            None => base,
        };
        CALL_LABELS.with(|l| l.borrow_mut().push((id.0, label.clone())));
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
            1 => "addressbook".into(),
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
                "validate" => {
                    let label = validate_label(&e.kind, v.as_u64().unwrap_or(0));
                    out.push_str(&format!(" validate={label}"));
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

    /// A transport field: its name, or `null` for an unknown index.
    struct TransportRef(TransportId);

    impl Serialize for TransportRef {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            NAMES.with_borrow(|names| match names.get(self.0.index()) {
                Some(name) => s.serialize_str(name),
                None => s.serialize_none(),
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
    pub(super) fn transport<S: Serializer>(t: &TransportId, s: S) -> Result<S::Ok, S::Error> {
        TransportRef(*t).serialize(s)
    }

    /// A transport by name, or `null` when there is none: a submission's route,
    /// `lpTargetTransport`.
    pub(super) fn optional_transport<S: Serializer>(
        t: &Option<TransportId>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
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
            Origin::Validate(n) => s.collect_str(&format_args!("validate.{n}")),
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

    /// `ValidateState` flags as names and as the number, as [`flush_flags`] writes flush flags.
    pub(super) fn validate_flags<S: Serializer>(bits: &u32, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(2))?;
        m.serialize_entry("flags", &ValidateFlags::from_bits_retain(*bits).to_string())?;
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
        transport: &TransportId,
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
