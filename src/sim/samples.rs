//! Exact latency samples, run-length encoded.
//!
//! Latency percentiles are nearest-rank over the exact values (`docs/metrics.md`), so samples
//! cannot be bucketed. But a batch delivered at one instant after being queued at one instant
//! has one latency repeated thousands of times; storing runs of equal consecutive values keeps
//! the drain's per-message bookkeeping to a compare and an increment, with no memory traffic.

use super::time::Micros;

/// Exact samples in arrival order, with consecutive equal values merged.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Samples {
    runs: Vec<(Micros, u64)>,
    len: u64,
}

/// Min, nearest-rank percentiles and max of a set of samples.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Summary {
    /// Smallest sample.
    pub min: Micros,
    /// Median (nearest rank).
    pub p50: Micros,
    /// 90th percentile.
    pub p90: Micros,
    /// 99th percentile.
    pub p99: Micros,
    /// Largest sample.
    pub max: Micros,
}

impl Samples {
    /// Adds one sample.
    #[inline]
    pub fn push(&mut self, v: Micros) {
        self.len += 1;
        match self.runs.last_mut() {
            Some((x, n)) if *x == v => *n += 1,
            _ => self.runs.push((v, 1)),
        }
    }

    /// Adds `count` copies of `v`.
    pub fn push_n(&mut self, v: Micros, count: u64) {
        if count == 0 {
            return;
        }
        self.len += count;
        match self.runs.last_mut() {
            Some((x, n)) if *x == v => *n += count,
            _ => self.runs.push((v, count)),
        }
    }

    /// How many samples.
    pub fn len(&self) -> u64 {
        self.len
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Moves every sample of `other` into `self`.
    pub fn append(&mut self, other: &Samples) {
        for &(v, n) in &other.runs {
            self.push_n(v, n);
        }
    }

    /// Every sample, expanded, in arrival order.
    pub fn iter(&self) -> impl Iterator<Item = Micros> + '_ {
        self.runs
            .iter()
            .flat_map(|&(v, n)| std::iter::repeat_n(v, n as usize))
    }

    /// Min, nearest-rank p50/p90/p99 and max; `None` without samples.
    pub fn summary(&self) -> Option<Summary> {
        if self.len == 0 {
            return None;
        }
        let mut runs = self.runs.clone();
        runs.sort_unstable();
        let rank_value = |p: u64| {
            let rank = (p * self.len).div_ceil(100).max(1);
            let mut seen = 0;
            for &(v, n) in &runs {
                seen += n;
                if seen >= rank {
                    return v;
                }
            }
            runs[runs.len() - 1].0
        };
        Some(Summary {
            min: runs[0].0,
            p50: rank_value(50),
            p90: rank_value(90),
            p99: rank_value(99),
            max: runs[runs.len() - 1].0,
        })
    }
}

impl Extend<Micros> for Samples {
    fn extend<I: IntoIterator<Item = Micros>>(&mut self, iter: I) {
        for v in iter {
            self.push(v);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_over_runs_matches_the_expanded_values() {
        let mut s = Samples::default();
        s.extend([5, 5, 5, 1, 9, 9, 2, 2, 2, 2]);
        assert_eq!(s.len(), 10);
        let mut expanded: Vec<u64> = s.iter().collect();
        assert_eq!(expanded, vec![5, 5, 5, 1, 9, 9, 2, 2, 2, 2]);
        expanded.sort();
        let sum = s.summary().unwrap();
        let nr = |p: u64| expanded[((p * 10).div_ceil(100) - 1) as usize];
        assert_eq!(
            (sum.min, sum.p50, sum.p90, sum.p99, sum.max),
            (1, nr(50), nr(90), nr(99), 9)
        );
        assert_eq!(Samples::default().summary(), None);
    }

    #[test]
    fn one_value_repeated_is_one_run() {
        let mut s = Samples::default();
        for _ in 0..1000 {
            s.push(7);
        }
        s.push_n(7, 5);
        assert_eq!(s.runs.len(), 1);
        assert_eq!(s.summary().unwrap().p99, 7);
        let mut t = Samples::default();
        t.push(3);
        t.append(&s);
        assert_eq!(t.len(), 1006);
        assert_eq!(t.summary().unwrap().min, 3);
    }
}
