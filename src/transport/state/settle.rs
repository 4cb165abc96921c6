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
        let (flush, inbound) = match active {
            Active::Upload(u) => (u.flush, false),
            Active::Download(d) => (d.flush, true),
            Active::Burst(b) => (b.flush, matches!(b.work, BurstWork::Download(_))),
        };
        if let Some(f) = flush {
            self.phase_done(f, inbound, HResult::S_OK, snap);
        }
    }

    /// Settles the outbound attempts of `u` that ended by `now`; whether all have.
    fn settle_upload(&mut self, u: &mut Upload, now: Micros) -> bool {
        let idx = self.id;
        while u.done < u.plan.len() && u.plan[u.done].end <= now {
            let step = u.plan[u.done];
            let m = u.msgs[u.done];
            let key = self.settle_key(&step, u.began);
            let kind = match step.outcome {
                Outcome::Ok => {
                    self.totals.delivered += 1;
                    self.pending.delivered += 1;
                    EventKind::Deliver {
                        msg: m.id,
                        transport: idx,
                        latency: step.end - m.submitted_at,
                    }
                }
                Outcome::Failed | Outcome::Cut => {
                    self.totals.failed += 1;
                    self.pending.failed.push(FailedAttempt {
                        msg: m,
                        at: step.end,
                    });
                    EventKind::AttemptFailed {
                        msg: m.id,
                        transport: idx,
                        inbound: false,
                    }
                }
                Outcome::Expired => {
                    self.pending.expired += 1;
                    self.expired_ndr(m.id, step.start);
                    u.done += 1;
                    continue;
                }
                Outcome::Gone => {
                    u.done += 1;
                    continue;
                }
            };
            self.rec.record(key, Actor::Transport(idx), kind);
            u.done += 1;
        }
        u.done == u.plan.len()
    }

    /// Settles the downloads of `d` that ended by `now`; whether all have. A failed download
    /// stays at the remote end for the next poll or flush.
    fn settle_download(&mut self, d: &mut Download, now: Micros) -> bool {
        let idx = self.id;
        while d.done < d.plan.len() && d.plan[d.done].end <= now {
            let step = d.plan[d.done];
            let (msg, arrived) = d.msgs[d.done];
            let key = self.settle_key(&step, d.began);
            let kind = if matches!(step.outcome, Outcome::Failed | Outcome::Cut) {
                self.totals.failed += 1;
                self.remote.push_front((msg, arrived));
                EventKind::AttemptFailed {
                    msg,
                    transport: idx,
                    inbound: true,
                }
            } else {
                self.totals.received += 1;
                self.pending.received += 1;
                EventKind::Receive {
                    msg,
                    transport: idx,
                    latency: step.end - arrived,
                }
            };
            self.rec.record(key, Actor::Transport(idx), kind);
            d.done += 1;
        }
        d.done == d.plan.len()
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
    fn settle_key(&self, step: &Step, began: Micros) -> Key {
        let idx = self.id.into();
        if step.end > began && step.outcome != Outcome::Cut {
            self.clock.due_key(step.end, Class::Completion, idx)
        } else {
            self.clock.key_at(step.end, Class::Completion, idx)
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
