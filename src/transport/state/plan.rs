//! The plan of a batch under way: when each attempt ends, and the few that do not simply
//! succeed.
//!
//! Attempts run back to back, so an attempt starts when the one before it ends (the first when
//! the batch begins) and a plan needs only each attempt's end: 8 bytes a message. Failed,
//! cut-short and expired attempts are listed apart, by position. The random stream's position
//! is kept once per batch, not per attempt: every attempt made draws the same number of words
//! and one that is never made (its message's lifetime ran out first) draws none, so the
//! position before any attempt is a multiplication away, and attempts that never start can give
//! their draws back exactly.

use super::{Micros, Outcome};

/// An attempt that does not simply succeed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Mark {
    /// Its position in the batch.
    pub at: usize,
    /// What became of it (never [`Outcome::Ok`]).
    pub outcome: Outcome,
    /// For an expired message, when its lifetime ran out (its NDR's time).
    pub expiry: Micros,
}

/// The attempts of one batch, planned when it starts.
#[derive(Debug)]
pub(super) struct Plan {
    /// When the batch began.
    began: Micros,
    /// When each attempt ends; an expired message's, when the attempt ahead of it ends.
    ends: Vec<Micros>,
    /// The attempts that do not simply succeed, by position.
    marks: Vec<Mark>,
    /// The stream position before the batch's first draw, in 32-bit words.
    rng: u128,
    /// Words each attempt made draws.
    words: u128,
}

impl Plan {
    /// An empty plan for `n` attempts from `began`, the stream at `rng`, each attempt drawing
    /// `words` words; `spare` is the buffer of an earlier plan ([`Plan::into_spare`]), reused so
    /// that a batch of one message costs no allocation.
    pub fn new(began: Micros, n: usize, rng: u128, words: u128, mut spare: Vec<Micros>) -> Self {
        spare.clear();
        spare.reserve(n);
        Plan {
            began,
            ends: spare,
            marks: Vec::new(),
            rng,
            words,
        }
    }

    /// The plan's buffer, for the next plan.
    pub fn into_spare(self) -> Vec<Micros> {
        self.ends
    }

    /// Adds an attempt ending at `end`; `outcome` and `expiry` as for [`Mark`].
    #[inline]
    pub fn push(&mut self, end: Micros, outcome: Outcome, expiry: Micros) {
        if outcome != Outcome::Ok {
            let at = self.ends.len();
            self.marks.push(Mark {
                at,
                outcome,
                expiry,
            });
        }
        self.ends.push(end);
    }

    /// When the batch began.
    pub fn began(&self) -> Micros {
        self.began
    }

    /// How many attempts.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// Every attempt's end, in order.
    pub fn ends(&self) -> &[Micros] {
        &self.ends
    }

    /// When attempt `k` starts (for an attempt that is made): when the one before it ends.
    pub fn start(&self, k: usize) -> Micros {
        k.checked_sub(1).map_or(self.began, |j| self.ends[j])
    }

    /// The first mark at position `from` or later.
    pub fn next_mark(&self, from: usize) -> Option<&Mark> {
        self.marks.get(self.marks.partition_point(|m| m.at < from))
    }

    /// What becomes of attempt `k`.
    pub fn outcome(&self, k: usize) -> Outcome {
        self.next_mark(k)
            .filter(|m| m.at == k)
            .map_or(Outcome::Ok, |m| m.outcome)
    }

    /// The marks at position `from` or later.
    pub fn marks_from(&self, from: usize) -> &[Mark] {
        &self.marks[self.marks.partition_point(|m| m.at < from)..]
    }

    /// The marks at position `from` or later, to change.
    pub fn marks_from_mut(&mut self, from: usize) -> &mut [Mark] {
        let i = self.marks.partition_point(|m| m.at < from);
        &mut self.marks[i..]
    }

    /// The stream position before attempt `k`'s draws (or after the last attempt's).
    pub fn rng_before(&self, k: usize) -> u128 {
        let before = &self.marks[..self.marks.partition_point(|m| m.at < k)];
        let unmade = before
            .iter()
            .filter(|m| matches!(m.outcome, Outcome::Expired | Outcome::Gone))
            .count();
        self.rng + self.words * (k - unmade) as u128
    }

    /// Attempt `k` is cut short at `now`: it ends then and fails.
    pub fn cut(&mut self, k: usize, now: Micros) {
        self.ends[k] = now;
        let i = self.marks.partition_point(|m| m.at < k);
        let mark = Mark {
            at: k,
            outcome: Outcome::Cut,
            expiry: 0,
        };
        match self.marks.get_mut(i) {
            Some(m) if m.at == k => *m = mark,
            _ => self.marks.insert(i, mark),
        }
    }

    /// Drops attempts `k` and after.
    pub fn truncate(&mut self, k: usize) {
        self.ends.truncate(k);
        let i = self.marks.partition_point(|m| m.at < k);
        self.marks.truncate(i);
    }

    /// The next moment the spooler must hear from the batch when attempts `done..` are not yet
    /// settled: now when one has completed, else its next attempt that does not simply
    /// succeed, or its end.
    pub fn next_checkpoint(&self, done: usize, now: Micros) -> Option<Micros> {
        if *self.ends.get(done)? <= now {
            return Some(now);
        }
        let k = self.next_mark(done).map_or(self.ends.len() - 1, |m| m.at);
        Some(self.ends[k])
    }

    /// The attempt in transfer at `now` among `done..`, if any: made, started by now and not
    /// ended. Attempts run back to back, so there is at most one.
    pub fn in_transfer(&self, done: usize, now: Micros) -> Option<usize> {
        let k = done + self.ends[done.min(self.len())..].partition_point(|&e| e <= now);
        let made = !matches!(self.outcome(k), Outcome::Expired | Outcome::Gone);
        (k < self.len() && made && self.start(k) <= now).then_some(k)
    }
}
