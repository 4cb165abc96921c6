//! How the spooler carries out a `FlushQueues` call: the checks, the parts it covers, each
//! transport's outbound and inbound phases, and the result the parts combine into.
//!
//! A call is a [`FlushRun`] of one [`Part`] per covered transport. A part's phase hands its
//! transport the covered work followed by a marker; the transport reports the phase done when
//! its pipeline reaches the marker, and the call ends when every part has. The rules are in
//! `docs/semantics.md`.

use smallvec::SmallVec;

use super::*;

/// Where one transport's part of a flush stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PartState {
    Waiting,
    Outbound,
    Inbound,
    Ended,
}

/// One transport's part of a flush, with what its phases moved and how they ended.
#[derive(Debug)]
struct Part {
    transport: TransportId,
    state: PartState,
    delivered: u32,
    received: u32,
    failed: bool,
    result: HResult,
}

/// What a flush covers: one transport, or every transport and the spooler itself (a call on
/// the spooler's object without a target).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Coverage {
    One(TransportId),
    Spooler,
}

impl Coverage {
    /// The covered transports, in profile order, out of `count`.
    fn transports(self, count: usize) -> impl Iterator<Item = TransportId> {
        let (first, n) = match self {
            Coverage::One(t) => (t.index(), 1),
            Coverage::Spooler => (0, count),
        };
        (first..first + n).map(TransportId::new)
    }
}

/// A flush call under way.
#[derive(Debug)]
pub(super) struct FlushRun {
    /// Whether its events are kept: always in a full trace; in a counting trace only for
    /// scripted calls, whose metrics need them (an API caller has the call's result).
    traced: bool,
    flags: FlushFlags,
    asynchronous: bool,
    /// In transport order, each transport once, so a transport's part is found by binary
    /// search; parts begin in this order, so those waiting are the ones from `begun` on. Most
    /// calls cover one transport: its part is kept inline, without an allocation.
    parts: SmallVec<[Part; 1]>,
    covers_spooler: bool,
    /// Parts that have begun (left [`PartState::Waiting`]).
    begun: usize,
    /// Parts running a phase now.
    running: usize,
    /// Parts ended.
    ended: usize,
}

/// What ending a phase led to.
enum PhaseEnd {
    /// The flush is not under way, or does not cover the transport: nothing happened.
    Unknown,
    /// The phase ended; what it started, if that ended at once too.
    Then(Option<(TransportId, PhaseDone)>),
}

impl FlushRun {
    /// The index of transport `t`'s part, if the run covers it.
    fn part_of(&self, t: TransportId) -> Option<usize> {
        self.parts.binary_search_by_key(&t, |p| p.transport).ok()
    }
}

impl SpoolerState {
    /// Records an event of flush `id` if that flush is traced.
    fn record_flush(&mut self, id: FlushId, kind: EventKind) {
        let traced = self.flushes.get(id).is_none_or(|r| r.traced);
        if traced {
            self.record(kind);
        }
    }

    /// A client called `FlushQueues` on `object`. Returns the call's id; its answer comes as an
    /// [`Effect::Reply`], now or when the work ends.
    pub fn flush_call(
        &mut self,
        object: Object,
        target: Option<&EntryId>,
        flags: FlushFlags,
        origin: Origin,
    ) -> FlushId {
        let id = self.next_flush;
        self.next_flush = id.next();
        let resolved = target
            .and_then(status::row_of_entry_id)
            .and_then(status::transport_of_row)
            .filter(|t| t.index() < self.slots.len());
        let traced = self.rec.keeps_calls_from(origin);
        // Built only for a traced call.
        let call = || EventKind::FlushCall {
            flush: id,
            object,
            target: resolved,
            flags: flags.bits(),
            origin,
            validate: None,
        };
        match self.check(object, target, resolved, flags) {
            Err(result) => {
                if traced {
                    self.record(call());
                    self.record(EventKind::FlushReturn { flush: id, result });
                    self.record(EventKind::FlushComplete {
                        flush: id,
                        outcome: result,
                    });
                }
                self.effects.push(Effect::Reply(id, result));
            }
            Ok(covered) => {
                if traced {
                    self.record(call());
                }
                self.accept(id, object, covered, flags, traced)
            }
        }
        id
    }

    /// The documented checks, in order; on success what the call covers.
    fn check(
        &self,
        object: Object,
        target: Option<&EntryId>,
        resolved: Option<TransportId>,
        flags: FlushFlags,
    ) -> Result<Coverage, HResult> {
        if flags.unknown_bits() != 0 {
            return Err(HResult::MAPI_E_UNKNOWN_FLAGS);
        }
        if !flags.outbound() && !flags.inbound() {
            return Err(HResult::MAPI_E_INVALID_PARAMETER);
        }
        let covered = match object {
            Object::Other(_) => return Err(HResult::MAPI_E_NO_SUPPORT),
            Object::Transport(t) => {
                if !self.slots[t.index()].supports_flush {
                    return Err(HResult::MAPI_E_NO_SUPPORT);
                }
                if target.is_some() {
                    // lpTargetTransport is reserved on a transport's own status object.
                    return Err(HResult::MAPI_E_INVALID_PARAMETER);
                }
                Coverage::One(t)
            }
            Object::Spooler => match (target, resolved) {
                (None, _) => Coverage::Spooler,
                (Some(_), Some(t)) => Coverage::One(t),
                (Some(_), None) => return Err(HResult::MAPI_E_INVALID_ENTRYID),
            },
        };
        let busy = (covered == Coverage::Spooler && self.spooler_busy.is_some())
            || covered
                .transports(self.slots.len())
                .any(|t| self.slots[t.index()].busy.is_some());
        if busy {
            return Err(HResult::MAPI_E_BUSY);
        }
        Ok(covered)
    }

    fn accept(
        &mut self,
        id: FlushId,
        object: Object,
        covered: Coverage,
        flags: FlushFlags,
        traced: bool,
    ) {
        let honors = match object {
            Object::Spooler => self.config.honors_no_ui,
            Object::Transport(t) => self.slots[t.index()].honors_no_ui,
            Object::Other(_) => true,
        };
        if !(flags.contains(FlushFlags::NO_UI) && honors) {
            self.record(EventKind::ProgressUi { flush: id, object });
        }
        let asynchronous = object == Object::Spooler && flags.contains(FlushFlags::ASYNC_OK);
        self.open_run(id, covered, flags, traced, asynchronous);
        if asynchronous {
            self.record_flush(
                id,
                EventKind::FlushReturn {
                    flush: id,
                    result: HResult::S_OK,
                },
            );
            self.effects.push(Effect::Reply(id, HResult::S_OK));
        }
        self.start_parts(id);
    }

    /// Registers flush `id` as under way: the objects it covers are busy from now on. An
    /// `asynchronous` run records no return and sends no answer when its work ends (its
    /// caller had its answer, or, for a flush the spooler started itself, there is none).
    pub(super) fn open_run(
        &mut self,
        id: FlushId,
        covered: Coverage,
        flags: FlushFlags,
        traced: bool,
        asynchronous: bool,
    ) {
        let covers_spooler = covered == Coverage::Spooler;
        if covers_spooler {
            self.spooler_busy = Some(id);
        }
        let count = self.slots.len();
        for t in covered.transports(count) {
            self.slots[t.index()].busy = Some(id);
        }
        let part = |t| Part {
            transport: t,
            state: PartState::Waiting,
            delivered: 0,
            received: 0,
            failed: false,
            result: HResult::S_OK,
        };
        let parts = match covered {
            Coverage::One(t) => smallvec::smallvec![part(t)],
            Coverage::Spooler => covered.transports(count).map(part).collect(),
        };
        self.flushes.insert(
            id,
            FlushRun {
                traced,
                flags,
                asynchronous,
                parts,
                covers_spooler,
                begun: 0,
                running: 0,
                ended: 0,
            },
        );
    }

    /// Starts the parts of flush `id` that may start now (the first in profile order, all of
    /// them in parallel order), and ends it at once when none has anything to do.
    pub(super) fn start_parts(&mut self, id: FlushId) {
        let start_all = self.config.flush_order == FlushOrder::Parallel;
        let n = self.flushes.get(id).map_or(0, |r| r.parts.len());
        // Whether the run has been checked for its end since its parts last changed: ending a
        // phase checks, and a part left running cannot have ended.
        let mut checked = false;
        for p in 0..n {
            let Some(run) = self.flushes.get(id) else {
                break;
            };
            if run.parts[p].state == PartState::Waiting && (start_all || run.running == 0) {
                if let Some((t, done)) = self.begin_part(id, p) {
                    self.phase_done(t, done);
                }
                checked = true;
            }
        }
        if !checked {
            self.finish_if_done(id);
        }
    }

    /// Begins part `p` of flush `id`; a phase that ended at once is returned, for the caller
    /// to end.
    fn begin_part(&mut self, id: FlushId, p: usize) -> Option<(TransportId, PhaseDone)> {
        let run = self.flushes.get_mut(id).expect("flush under way");
        debug_assert_eq!(p, run.begun, "parts begin in order");
        run.begun += 1;
        run.running += 1;
        let flags = run.flags;
        self.begin_phase(id, p, !flags.outbound())
    }

    /// A phase of flush `id` begins on part `p`'s transport. One rule for both directions: it
    /// ends at once when the transport is down (`MAPI_E_NETWORK_ERROR`) or nothing is covered
    /// (`S_OK`), and is then returned for the caller to end; otherwise the transport gets a
    /// marker after the covered work and reports the phase done when its pipeline reaches it.
    fn begin_phase(
        &mut self,
        id: FlushId,
        p: usize,
        inbound: bool,
    ) -> Option<(TransportId, PhaseDone)> {
        let run = self.flushes.get_mut(id).expect("flush under way");
        run.parts[p].state = if inbound {
            PartState::Inbound
        } else {
            PartState::Outbound
        };
        let force = run.flags.contains(FlushFlags::FORCE);
        let t = run.parts[p].transport;
        // A detail event that counts nothing: a counting trace would drop it at once.
        if self.rec.wants_each_event() {
            self.record(EventKind::PhaseBegin {
                flush: id,
                transport: t,
                inbound,
            });
        }
        if self.is_down(t) {
            let done = PhaseDone::at_once(id, inbound, HResult::MAPI_E_NETWORK_ERROR);
            return Some((t, done));
        }
        let flushing = if inbound {
            STATUS_INBOUND_FLUSH
        } else {
            STATUS_OUTBOUND_FLUSH
        };
        let base = self.idle_code(t);
        self.set_code(t, base | flushing);
        if !self.covers_any(t, inbound, force) {
            // Nothing covered: the phase ends at once, without a round trip.
            return Some((t, PhaseDone::at_once(id, inbound, HResult::S_OK)));
        }
        if inbound {
            let cmd = TransportCmd::Download { flush: Some(id) };
            self.effects.push(Effect::Transport(t, cmd));
        } else {
            self.hand_ready(t, Some(id));
        }
        None
    }

    /// Whether a phase beginning now on transport `t` covers anything: mail waiting at its
    /// remote end (inbound), or mail queued for it or handed over and not settled (outbound),
    /// which first takes back mail whose back-off is over (all of it with `FLUSH_FORCE`).
    pub(super) fn covers_any(&mut self, t: TransportId, inbound: bool, force: bool) -> bool {
        let now = self.clock.now();
        let slot = &mut self.slots[t.index()];
        if inbound {
            return slot.remote_waiting > 0;
        }
        if force {
            slot.queue.release_all();
        } else {
            slot.queue.release_due(now);
        }
        !slot.queue.ready.is_empty() || slot.handed > 0
    }

    /// Transport `t` finished (or was cut short in) its phase of flush `d.flush`.
    ///
    /// What that starts (the inbound phase, the next part in profile order) may end at once in
    /// turn: such phases are ended here one after another, not by nested calls, so a flush of
    /// ten thousand idle transports does not nest ten thousand deep.
    pub fn phase_done(&mut self, t: TransportId, d: PhaseDone) {
        let id = d.flush;
        let mut ended = match self.end_phase(t, d) {
            PhaseEnd::Unknown => return,
            PhaseEnd::Then(next) => next,
        };
        while let Some((t, d)) = ended {
            ended = match self.end_phase(t, d) {
                PhaseEnd::Unknown => None,
                PhaseEnd::Then(next) => next,
            };
        }
        self.finish_if_done(id);
    }

    /// Ends transport `t`'s phase of flush `d.flush` and begins what follows it: the part's
    /// inbound phase, or the part's end and, in profile order, the next part.
    fn end_phase(&mut self, t: TransportId, d: PhaseDone) -> PhaseEnd {
        let Some(run) = self.flushes.get_mut(d.flush) else {
            return PhaseEnd::Unknown;
        };
        let Some(p) = run.part_of(t) else {
            return PhaseEnd::Unknown;
        };
        let part = &mut run.parts[p];
        part.delivered += d.delivered;
        part.received += d.received;
        part.failed |= d.failed;
        let inbound_next = !d.inbound && run.flags.inbound() && d.result == HResult::S_OK;
        if d.result != HResult::S_OK {
            part.result = d.result;
        } else if part.failed {
            part.result = HResult::MAPI_E_NETWORK_ERROR;
        }
        if inbound_next {
            let base = self.idle_code(t);
            self.set_code(t, base);
            return PhaseEnd::Then(self.begin_phase(d.flush, p, true));
        }
        // The part ends: settled here, while the run is at hand, before the status changes.
        match part.state {
            PartState::Outbound | PartState::Inbound => {
                run.running -= 1;
                run.ended += 1;
            }
            PartState::Waiting => run.ended += 1,
            PartState::Ended => {}
        }
        part.state = PartState::Ended;
        let (result, delivered, received) = (part.result, part.delivered, part.received);
        // Profile order: the next waiting part starts now.
        let next = (run.begun < run.parts.len()).then_some(run.begun);
        let traced = run.traced;
        let base = self.idle_code(t);
        self.set_code(t, base);
        if traced {
            self.record(EventKind::PartEnd {
                flush: d.flush,
                transport: t,
                result,
                delivered,
                received,
            });
        }
        match next {
            Some(next) if self.config.flush_order == FlushOrder::Profile => {
                PhaseEnd::Then(self.begin_part(d.flush, next))
            }
            _ => PhaseEnd::Then(None),
        }
    }

    /// The run ends with flushes still running: record, per part not yet ended, what it moved
    /// so far (`open` gives the phases still under way on the transports).
    pub fn cut_at_end(&mut self, open: &[OpenPhase]) {
        let mut cuts = Vec::new();
        for (id, run) in self.flushes.iter() {
            for p in run.parts.iter().filter(|p| p.state != PartState::Ended) {
                let (mut d, mut r) = (p.delivered, p.received);
                for o in open {
                    if o.transport == p.transport && o.flush == id {
                        d += o.delivered;
                        r += o.received;
                    }
                }
                cuts.push(EventKind::PartOpen {
                    flush: id,
                    transport: p.transport,
                    delivered: d,
                    received: r,
                });
            }
        }
        for c in cuts {
            self.record(c);
        }
    }

    fn finish_if_done(&mut self, id: FlushId) {
        let Some(run) = self.flushes.get(id) else {
            return;
        };
        if run.ended < run.parts.len() {
            return;
        }
        let run = self.flushes.remove(id).expect("present");
        let outcome = combine(run.parts.iter().map(|p| p.result));
        if run.covers_spooler {
            self.spooler_busy = None;
        }
        for p in &run.parts {
            self.slots[p.transport.index()].busy = None;
        }
        if run.traced {
            self.record(EventKind::FlushComplete { flush: id, outcome });
        }
        if !run.asynchronous {
            if run.traced {
                self.record(EventKind::FlushReturn {
                    flush: id,
                    result: outcome,
                });
            }
            self.effects.push(Effect::Reply(id, outcome));
        }
    }
}
