//! How the spooler carries out an `IMAPIStatus::ValidateState` call: the checks, and on a
//! transport's own status object the two flags that change anything here.
//!
//! `FORCE_XP_DISCONNECT` leaves the transport offline until a `FORCE_XP_CONNECT`: the
//! transport is told at once (its transfer under way fails, a dial-up line hangs up), and from
//! then on the spooler hands it nothing, skips its periodic runs and ends every flush part that
//! meets it. `FORCE_XP_CONNECT` clears that state and, when the transport has work, starts a
//! flush of it, as a spooler flush targeted at it with `FLUSH_UPLOAD | FLUSH_DOWNLOAD` would.
//! The rules are in `docs/semantics.md`.

use super::*;

/// What is left of an accepted `ValidateState` call on a transport once the transport has been
/// told to disconnect: the spooler carries on with it in [`SpoolerState::validate_resume`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ValidateWork {
    /// The call.
    pub id: ValidateId,
    /// The transport whose status object was called.
    pub transport: TransportId,
    /// The call's flags.
    pub flags: ValidateFlags,
    /// Who called.
    pub origin: Origin,
}

impl SpoolerState {
    /// A client called `ValidateState` on `object`: returns the call's id and its result, which
    /// the caller gets at once. An accepted call's work goes on: at once, or, when the
    /// transport must disconnect first, through an [`Effect::Disconnect`].
    pub fn validate_call(
        &mut self,
        object: Object,
        flags: ValidateFlags,
        origin: Origin,
    ) -> (ValidateId, HResult) {
        let id = self.next_validate;
        self.next_validate = id.next();
        let result = self.validate_check(object, flags);
        if self.rec.keeps_calls_from(origin) {
            self.record(EventKind::ValidateCall {
                validate: id,
                object,
                flags: flags.bits(),
                origin,
            });
            self.record(EventKind::ValidateReturn {
                validate: id,
                result,
            });
        }
        let Object::Transport(transport) = object else {
            // The subsystem, the address book and the spooler have nothing else to do.
            return (id, result);
        };
        if result != HResult::S_OK {
            return (id, result);
        }
        let work = ValidateWork {
            id,
            transport,
            flags,
            origin,
        };
        if flags.contains(ValidateFlags::FORCE_XP_DISCONNECT) {
            // Set now, so that nothing the disconnection settles is handed back to it.
            self.slots[transport.index()].forced_offline = true;
            self.effects.push(Effect::Disconnect(transport, work));
        } else if flags.contains(ValidateFlags::FORCE_XP_CONNECT) {
            self.force_connect(work);
        }
        (id, result)
    }

    /// The documented checks, in order: unknown bits, the header-cache flags, a transport that
    /// a running flush covers.
    fn validate_check(&self, object: Object, flags: ValidateFlags) -> HResult {
        if flags.unknown_bits() != 0 {
            return HResult::MAPI_E_UNKNOWN_FLAGS;
        }
        if flags.intersects(ValidateFlags::HEADER_CACHE) {
            return HResult::MAPI_E_NO_SUPPORT;
        }
        match object {
            Object::Transport(t) if self.slots[t.index()].busy.is_some() => HResult::MAPI_E_BUSY,
            _ => HResult::S_OK,
        }
    }

    /// The transport of `work` has disconnected (its reports are in): its row shows it offline,
    /// and with `FORCE_XP_CONNECT` as well, it connects again at once.
    pub fn validate_resume(&mut self, work: ValidateWork) {
        let t = work.transport;
        let code = self.idle_code(t);
        self.set_code(t, code);
        if work.flags.contains(ValidateFlags::FORCE_XP_CONNECT) {
            self.force_connect(work);
        }
    }

    /// `FORCE_XP_CONNECT` on transport `work.transport`: the offline state is cleared and, when
    /// the transport has work, the spooler starts a flush of it.
    fn force_connect(&mut self, work: ValidateWork) {
        let t = work.transport;
        self.slots[t.index()].forced_offline = false;
        let code = self.idle_code(t);
        self.set_code(t, code);
        let has_work = self.slots[t.index()].remote_waiting > 0 || self.covers_any(t, false, false);
        if has_work {
            self.start_connect_flush(work);
        }
        // A back-off that ended while offline was not acted on: its timer is armed again.
        let now = self.clock.now();
        if let Some(due) = self.slots[t.index()].queue.next_due() {
            self.arm_retry(t, due.max(now));
        }
    }

    /// The flush `FORCE_XP_CONNECT` starts: a spooler flush targeted at the transport with
    /// `FLUSH_UPLOAD | FLUSH_DOWNLOAD`, whose progress indicator the transport's own object
    /// shows (unless `SUPPRESS_UI` and the object honours it, as with `FLUSH_NO_UI`). Nobody
    /// waits for it: it records no return, only its completion.
    fn start_connect_flush(&mut self, work: ValidateWork) {
        let t = work.transport;
        let id = self.next_flush;
        self.next_flush = id.next();
        let suppress = work.flags.contains(ValidateFlags::SUPPRESS_UI);
        let mut flags = FlushFlags::UPLOAD | FlushFlags::DOWNLOAD;
        if suppress {
            flags |= FlushFlags::NO_UI;
        }
        let traced = self.rec.keeps_calls_from(work.origin);
        if traced {
            self.record(EventKind::FlushCall {
                flush: id,
                object: Object::Spooler,
                target: Some(t),
                flags: flags.bits(),
                origin: work.origin,
                validate: Some(work.id),
            });
        }
        if !(suppress && self.slots[t.index()].honors_no_ui) {
            let object = Object::Transport(t);
            self.record(EventKind::ProgressUi { flush: id, object });
        }
        self.open_run(id, flush::Coverage::One(t), flags, traced, true);
        self.start_parts(id);
    }
}

#[cfg(test)]
mod tests {
    //! The spooler's side of `ValidateState`, driven synchronously.
    use super::*;
    use crate::model::TransportConfig;
    use crate::sim::Key;

    fn spooler() -> SpoolerState {
        let mut s = Scenario::new("unit");
        let mut a = TransportConfig::lan("a", &["A"]);
        a.receive = Schedule::Every(10);
        s.transports = vec![a];
        let clock = Clock::new();
        clock.set_current(Key {
            t: 1,
            class: Class::Client as u8,
            idx: 0,
            seq: 0,
        });
        SpoolerState::new(&s, clock, true)
    }

    const A: Object = Object::Transport(TransportId(0));

    #[test]
    fn a_disconnect_goes_to_the_transport_before_the_row_changes() {
        let mut s = spooler();
        let (id, r) = s.validate_call(A, ValidateFlags::FORCE_XP_DISCONNECT, Origin::Api);
        assert_eq!((id, r), (ValidateId(1), HResult::S_OK));
        let effects: Vec<Effect> = s.effects.drain(..).collect();
        assert!(matches!(
            effects.as_slice(),
            [Effect::Disconnect(TransportId(0), w)] if w.id == id
        ));
        let Effect::Disconnect(_, work) = effects[0] else {
            unreachable!()
        };
        // Mail submitted while offline is not handed over; the row then shows offline.
        s.submit("A", 1, 1);
        assert_eq!(s.queued(), vec![1]);
        s.validate_resume(work);
        assert_eq!(
            s.status_code(TransportId(0)) & STATUS_OFFLINE,
            STATUS_OFFLINE
        );
        assert!(!s.effects.iter().any(|e| matches!(e, Effect::Transport(..))));
    }

    #[test]
    fn connect_with_work_starts_a_targeted_flush_and_makes_the_transport_busy() {
        let mut s = spooler();
        s.validate_call(A, ValidateFlags::FORCE_XP_DISCONNECT, Origin::Api);
        let Some(Effect::Disconnect(_, work)) = s.effects.pop() else {
            panic!("no disconnect")
        };
        s.validate_resume(work);
        s.submit("A", 2, 1);
        let connect = ValidateFlags::FORCE_XP_CONNECT | ValidateFlags::SUPPRESS_UI;
        assert_eq!(s.validate_call(A, connect, Origin::Api).1, HResult::S_OK);
        assert_eq!(s.status_code(TransportId(0)) & STATUS_OFFLINE, 0);
        let handed = s.effects.iter().any(|e| {
            matches!(e, Effect::Transport(_, TransportCmd::Upload { msgs, flush: Some(FlushId(1)) }) if msgs.len() == 2)
        });
        assert!(handed, "{:?}", s.effects);
        // The lan object honours SUPPRESS_UI: no progress indicator.
        let ui = s
            .rec
            .events()
            .iter()
            .any(|e| matches!(e.kind, EventKind::ProgressUi { .. }));
        assert!(!ui);
        let again = s.validate_call(A, ValidateFlags::empty(), Origin::Api);
        assert_eq!(again.1, HResult::MAPI_E_BUSY);
        // The spooler itself is never busy for ValidateState.
        let spooler = s.validate_call(Object::Spooler, ValidateFlags::CONFIG_CHANGED, Origin::Api);
        assert_eq!(spooler.1, HResult::S_OK);
    }
}
