//! Settling the batch under way: every attempt that has completed by now is written to the
//! trace at its own time and reported to the spooler, and the batch ends when all have.
//!
//! Attempts are settled in bulk when their time comes, not one timer each: a planned batch
//! walks its plan up to now, and a burst (every attempt done at the instant it started, in a
//! counting trace) is recorded in one pass. Either way an attempt's trace key is the one it
//! would have had if it had been handled at its own time, or, when it was caused by what is
//! being handled, one after that.

use super::*;

impl TransportState {
    /// Settles every attempt that has completed by now: the batch ends when all have (its
    /// flush phase, if any, is done), and otherwise arms its next checkpoint.
    pub(super) fn settle(&mut self) {
        let Some((mut active, snap)) = self.active.take() else {
            return;
        };
        let now = self.clock.now();
        let finished = match &mut active {
            Active::Upload(u) => self.settle_upload(u, now),
            Active::Download(d) => self.settle_download(d, now),
            Active::Burst(b) => {
                self.settle_burst(b);
                true
            }
        };
        if !finished {
            self.active = Some((active, snap));
            self.arm_checkpoint();
            return;
        }
        let (flush, inbound, plan) = match active {
            Active::Upload(u) => (u.flush, false, Some(u.plan)),
            Active::Download(d) => (d.flush, true, Some(d.plan)),
            Active::Burst(b) => (b.flush, matches!(b.work, BurstWork::Download(_)), None),
        };
        if let Some(spare) = plan.map(Plan::into_spare) {
            if spare.capacity() <= SPARE_PLAN {
                self.spare_plan = spare;
            }
        }
        if let Some(f) = flush {
            self.phase_done(f, inbound, HResult::S_OK, snap);
        }
    }

    /// Settles the outbound attempts of `u` that ended by `now`; whether all have.
    fn settle_upload(&mut self, u: &mut Upload, now: Micros) -> bool {
        let idx = self.id;
        while u.done < u.plan.len() && u.plan.ends()[u.done] <= now {
            let stop = ok_until(&u.plan, u.done, now);
            if stop > u.done {
                let n = self.deliver(u, stop);
                self.totals.delivered += n;
                self.pending.delivered += n as u32;
                u.done = stop;
                continue;
            }
            let (k, m) = (u.done, u.msgs[u.done]);
            u.done += 1;
            let outcome = u.plan.outcome(k);
            let end = u.plan.ends()[k];
            match outcome {
                Outcome::Failed | Outcome::Cut => {
                    self.totals.failed += 1;
                    self.pending.failed.push(FailedAttempt { msg: m, at: end });
                    let key = self.settle_key(end, outcome, u.plan.began());
                    let kind = EventKind::AttemptFailed {
                        msg: m.id,
                        transport: idx,
                        inbound: false,
                    };
                    self.rec.record(key, Actor::Transport(idx), kind);
                }
                Outcome::Expired => {
                    self.pending.expired += 1;
                    let expiry = u.plan.marks_from(k)[0].expiry;
                    self.expired_ndr(m.id, expiry);
                }
                Outcome::Gone | Outcome::Ok => {}
            }
        }
        u.done == u.plan.len()
    }

    /// Records the deliveries of attempts `u.done..stop`, which all succeeded: counted and
    /// sampled a run at a time, or one event each when events are wanted. Returns how many.
    fn deliver(&mut self, u: &Upload, stop: usize) -> u64 {
        let (idx, began) = (self.id, u.plan.began());
        let ends = &u.plan.ends()[u.done..stop];
        let msgs = u.msgs.range(u.done..stop);
        if !self.rec.wants_each_event() {
            let latencies = msgs.zip(ends).map(|(m, &end)| end - m.submitted_at);
            return self.rec.delivered_together(idx, latencies);
        }
        for (m, &end) in msgs.zip(ends) {
            let key = self.settle_key(end, Outcome::Ok, began);
            let kind = EventKind::Deliver {
                msg: m.id,
                transport: idx,
                latency: end - m.submitted_at,
            };
            self.rec.record(key, Actor::Transport(idx), kind);
        }
        ends.len() as u64
    }

    /// Settles the downloads of `d` that ended by `now`; whether all have. A failed download
    /// stays at the remote end for the next poll or flush.
    fn settle_download(&mut self, d: &mut Download, now: Micros) -> bool {
        let idx = self.id;
        while d.done < d.plan.len() && d.plan.ends()[d.done] <= now {
            let stop = ok_until(&d.plan, d.done, now);
            if stop > d.done {
                let n = self.receive(d, stop);
                self.totals.received += n;
                self.pending.received += n as u32;
                d.done = stop;
                continue;
            }
            // Only failures are marked in a download's plan.
            let k = d.done;
            d.done += 1;
            let (msg, arrived) = d.msgs[k];
            let (end, outcome) = (d.plan.ends()[k], d.plan.outcome(k));
            let key = self.settle_key(end, outcome, d.plan.began());
            self.totals.failed += 1;
            self.remote.push_front((msg, arrived));
            let kind = EventKind::AttemptFailed {
                msg,
                transport: idx,
                inbound: true,
            };
            self.rec.record(key, Actor::Transport(idx), kind);
        }
        d.done == d.plan.len()
    }

    /// Records the downloads of `d.done..stop`, which all succeeded (see
    /// [`TransportState::deliver`]). Returns how many.
    fn receive(&mut self, d: &Download, stop: usize) -> u64 {
        let (idx, began) = (self.id, d.plan.began());
        let ends = &d.plan.ends()[d.done..stop];
        let msgs = &d.msgs[d.done..stop];
        if !self.rec.wants_each_event() {
            let latencies = msgs.iter().zip(ends).map(|(m, &end)| end - m.1);
            return self.rec.received_together(idx, latencies);
        }
        for (&(msg, arrived), &end) in msgs.iter().zip(ends) {
            let key = self.settle_key(end, Outcome::Ok, began);
            let kind = EventKind::Receive {
                msg,
                transport: idx,
                latency: end - arrived,
            };
            self.rec.record(key, Actor::Transport(idx), kind);
        }
        ends.len() as u64
    }

    /// Settles a burst: every attempt completed at the instant it started, and mail whose
    /// lifetime had run out by then gets its NDR, as the planned path would decide.
    fn settle_burst(&mut self, b: &mut Burst) {
        let at = b.start.at;
        let t = self.id;
        match &mut b.work {
            BurstWork::Upload(msgs) => {
                // One pass records the latencies and counts the mail whose lifetime had run out
                // (the spooler's timer gives those their NDR before handing mail over, so a
                // second pass is almost never needed).
                let (start, lifetime) = (b.start, self.lifetime);
                let late =
                    |m: &QueuedMsg| start.too_late(m.submitted_at.saturating_add(lifetime), at);
                let mut expired = 0u32;
                let on_time = msgs.iter().filter_map(|m| {
                    if late(m) {
                        expired += 1;
                        None
                    } else {
                        Some(at - m.submitted_at)
                    }
                });
                let delivered = self.rec.delivered_together(t, on_time);
                if expired > 0 {
                    for m in msgs.iter().filter(|m| late(m)) {
                        self.expired_ndr(m.id, m.submitted_at.saturating_add(lifetime));
                    }
                    self.pending.expired += expired;
                }
                msgs.clear();
                self.totals.delivered += delivered;
                self.pending.delivered += delivered as u32;
            }
            BurstWork::Download(n) => {
                let n = (*n).min(self.remote.len());
                let latencies = self.remote.drain(..n).map(|(_, arrived)| at - arrived);
                let received = self.rec.received_together(t, latencies);
                self.totals.received += received;
                self.pending.received += received as u32;
            }
        }
    }

    /// The trace key of an attempt of a batch that began at `began`, settled now. One whose end
    /// was known before this instant was due at its own place; one that completes at the
    /// instant its batch began (it took no time) or that a fault cut short now was created by
    /// what is being handled, and follows it.
    fn settle_key(&self, end: Micros, outcome: Outcome, began: Micros) -> Key {
        let idx = self.id.into();
        if end > began && outcome != Outcome::Cut {
            self.clock.due_key(end, Class::Completion, idx)
        } else {
            self.clock.key_at(end, Class::Completion, idx)
        }
    }

    /// Records the NDR of outbound message `msg`, whose lifetime ran out at `expiry`.
    pub(super) fn expired_ndr(&mut self, msg: MsgId, expiry: Micros) {
        let key = self.clock.key_at(expiry, Class::Lifetime, self.id.into());
        let kind = EventKind::Ndr {
            msg,
            transport: Some(self.id),
            reason: NdrReason::Expired,
        };
        self.rec.record(key, Actor::Transport(self.id), kind);
    }
}

/// The end of the run of attempts from `done` that simply succeed and have ended by `now`:
/// up to the next mark, and no further than the last attempt ended by then.
fn ok_until(plan: &Plan, done: usize, now: Micros) -> usize {
    let mark = plan.next_mark(done).map_or(plan.len(), |m| m.at);
    done + plan.ends()[done..mark].partition_point(|&e| e <= now)
}
