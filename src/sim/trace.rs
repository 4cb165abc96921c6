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

use crate::mapi::HResult;
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NdrReason {
    /// No transport handles its address type.
    NoTransport,
    /// Its lifetime ran out.
    Expired,
}

/// What happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventKind {
    /// The client submitted an outbound message, routed to a transport (or [`NO_TRANSPORT`]).
    Submit {
        /// Message id.
        msg: u32,
        /// Routing.
        transport: u16,
        /// Size in bytes.
        size: u64,
    },
    /// The spooler handed a batch of outbound messages to a transport.
    HandOff {
        /// Transport.
        transport: u16,
        /// Messages in the batch.
        count: u32,
    },
    /// An outbound message reached the remote end.
    Deliver {
        /// Message id.
        msg: u32,
        /// Transport.
        transport: u16,
        /// Submission to delivery.
        latency: Micros,
    },
    /// A non-delivery report.
    Ndr {
        /// Message id.
        msg: u32,
        /// Transport it was routed to, or [`NO_TRANSPORT`].
        transport: u16,
        /// Why.
        reason: NdrReason,
    },
    /// An attempt failed; the message waits out its back-off.
    AttemptFailed {
        /// Message id.
        msg: u32,
        /// Transport.
        transport: u16,
        /// Whether it was a download.
        inbound: bool,
    },
    /// Inbound mail arrived at a transport's remote end.
    Arrive {
        /// Remote message id.
        msg: u32,
        /// Transport.
        transport: u16,
    },
    /// Inbound mail was downloaded into the inbox.
    Receive {
        /// Remote message id.
        msg: u32,
        /// Transport.
        transport: u16,
        /// Arrival to inbox.
        latency: Micros,
    },
    /// A scheduled inbound poll ran.
    Poll {
        /// Transport.
        transport: u16,
    },
    /// A scheduled send ran.
    ScheduledSend {
        /// Transport.
        transport: u16,
        /// Messages handed over.
        count: u32,
    },
    /// A client called `FlushQueues`.
    FlushCall {
        /// Call id.
        flush: FlushId,
        /// The status object called.
        object: Object,
        /// `lpTargetTransport`, resolved.
        target: Option<u16>,
        /// Raw flag bits.
        flags: u32,
        /// Who called.
        origin: Origin,
    },
    /// The call returned to its caller.
    FlushReturn {
        /// Call id.
        flush: FlushId,
        /// What it returned.
        result: HResult,
    },
    /// The call's work ended (for a refused call, at once).
    FlushComplete {
        /// Call id.
        flush: FlushId,
        /// How its work ended.
        outcome: HResult,
    },
    /// A phase of a flush began on a transport.
    PhaseBegin {
        /// Call id.
        flush: FlushId,
        /// Transport.
        transport: u16,
        /// Inbound (download) or outbound (upload).
        inbound: bool,
    },
    /// A transport's part of a flush ended.
    PartEnd {
        /// Call id.
        flush: FlushId,
        /// Transport.
        transport: u16,
        /// The part's result.
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
        object: Object,
    },
    /// A dial-up transport prompted the user.
    Prompt {
        /// Transport.
        transport: u16,
        /// The flush whose work caused it, if any.
        flush: Option<FlushId>,
    },
    /// The user answered a prompt.
    Answer {
        /// Transport.
        transport: u16,
        /// The answer.
        answer: UiAnswer,
    },
    /// A dial-up transport started dialling.
    Dial {
        /// Transport.
        transport: u16,
    },
    /// The line is up.
    Connected {
        /// Transport.
        transport: u16,
    },
    /// The line dropped after being idle.
    HangUp {
        /// Transport.
        transport: u16,
    },
    /// A scripted fault struck a transport.
    Fault {
        /// Transport.
        transport: u16,
        /// What happened.
        kind: crate::scenario::model::FaultKind,
        /// How long it lasts (crash and offline).
        down: Micros,
    },
    /// A crashed transport's actor was started again.
    Restart {
        /// Transport.
        transport: u16,
    },
    /// A status-table row's `PR_STATUS_CODE` changed.
    StatusChange {
        /// Row index in the status table.
        row: u16,
        /// The new code.
        code: u32,
    },
    /// A step of a seed procedure.
    Procedure {
        /// Procedure number (from 1), or 0 for an API caller.
        procedure: u32,
        /// The step.
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
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Event {
    /// Time and ordering key.
    pub key: Key,
    /// Who.
    pub actor: Actor,
    /// What.
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
            tracing::debug!(target: "spoolsim::trace", t_us = key.t, actor = ?actor, event = ?kind);
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
