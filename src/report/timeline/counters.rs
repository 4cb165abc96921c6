//! Queue depths as counter tracks: the inbox, and per transport its outbound queue and the
//! mail waiting at its remote end.
//!
//! A run of a million messages changes its queues a million times; a viewer cannot open that,
//! so beyond a budget each series is reduced per time bucket to its largest value and its last
//! one, which keeps every peak and the final level.

use serde_json::json;

use super::{transport_pid, Builder, SPOOLER_PID};
use crate::report::analysis::{Levels, Steps};
use crate::sim::Micros;

/// Counter samples kept over all counter series together (at least [`MIN_COUNTER_SAMPLES`]
/// per series).
const COUNTER_BUDGET: usize = 200_000;
/// The fewest samples a counter series is reduced to.
const MIN_COUNTER_SAMPLES: usize = 256;

impl Builder<'_> {
    /// The counter tracks of `lv`, if per-message events were recorded.
    pub(super) fn counters(&mut self, lv: &Levels) {
        if !lv.full {
            return;
        }
        let n = self.run.transport_names.len();
        let series = 1 + n + lv.any_arrival.iter().filter(|&&a| a).count();
        let budget = (COUNTER_BUDGET / series).max(MIN_COUNTER_SAMPLES);
        self.counter(SPOOLER_PID, "inbox", &lv.inbox, budget);
        for t in 0..n {
            let pid = transport_pid(t);
            self.counter(pid, "outbound queue", &lv.outbound[t], budget);
            if lv.any_arrival[t] {
                self.counter(pid, "remote inbound", &lv.inbound[t], budget);
            }
        }
    }

    /// One counter series, reduced to about `budget` samples.
    fn counter(&mut self, pid: u64, name: &str, steps: &Steps, budget: usize) {
        for (ts, v) in reduce(steps, budget) {
            self.events.push(json!({
                "name": name, "cat": "queue", "ph": "C", "ts": ts, "pid": pid,
                "args": {"messages": v}
            }));
        }
    }
}

/// A step function as counter samples: a sample at 0, then every change; beyond `budget`
/// samples, per time bucket the largest value (at the bucket's first change) and the bucket's
/// last value (at its last change), so peaks and the final level survive.
fn reduce(steps: &Steps, budget: usize) -> Vec<(Micros, i64)> {
    let mut out = vec![(0, 0)];
    if steps.len() < budget.max(2) {
        for &(t, v) in steps {
            match out.last_mut() {
                Some(last) if last.0 == t => last.1 = v,
                _ => out.push((t, v)),
            }
        }
        return out;
    }
    let buckets = (budget / 2).max(1) as u128;
    let (first, last) = match (steps.first(), steps.last()) {
        (Some(f), Some(l)) => (f.0, l.0),
        _ => return out,
    };
    let width = u128::from(last - first) + 1;
    let bucket = |t: Micros| u128::from(t - first) * buckets / width;
    let mut i = 0;
    while i < steps.len() {
        let b = bucket(steps[i].0);
        let mut j = i;
        let mut max = steps[i];
        while j < steps.len() && bucket(steps[j].0) == b {
            if steps[j].1 > max.1 {
                max = (steps[i].0, steps[j].1);
            }
            j += 1;
        }
        let lastv = steps[j - 1];
        match out.last_mut() {
            Some(l) if l.0 == steps[i].0 => l.1 = max.1,
            _ => out.push((steps[i].0, max.1)),
        }
        if lastv.1 != max.1 && lastv.0 > steps[i].0 {
            out.push(lastv);
        }
        i = j;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reduce_keeps_everything_under_budget() {
        let s: Steps = vec![(5, 1), (9, 2), (12, 0)];
        assert_eq!(reduce(&s, 100), vec![(0, 0), (5, 1), (9, 2), (12, 0)]);
    }

    #[test]
    fn reduce_keeps_peaks_and_the_end_over_budget() {
        let mut s: Steps = Vec::new();
        for i in 0..10_000u64 {
            s.push((
                i * 10 + 1,
                (i % 7) as i64 + if i == 5_000 { 100 } else { 0 },
            ));
        }
        let r = reduce(&s, 200);
        assert!(r.len() <= 201, "{}", r.len());
        let top = s.iter().map(|x| x.1).max();
        assert_eq!(r.iter().map(|x| x.1).max(), top);
        assert_eq!(r.last().map(|x| x.1), s.last().map(|x| x.1));
        assert!(r.windows(2).all(|w| w[0].0 < w[1].0));
    }
}
