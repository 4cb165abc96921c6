//! Exact, order-independent statistics over many seeds.
//!
//! A sweep of 10,000 seeds must not keep 10,000 reports, and its output must not depend on
//! which worker finished first, nor on how the seeds were split across machines. So each
//! worker folds its runs into a [`Tally`] (per metric, the raw numbers; per failed seed, its
//! failures), tallies are merged by concatenation, and [`Tally::finish`] sorts everything into
//! a [`Summary`] whose metrics are `{value: count}` histograms. Histograms add exactly, so a
//! summary merged from shards is the same summary the unsharded sweep computes, down to the
//! nearest-rank percentiles.

use std::collections::BTreeMap;

/// The exact distribution of one metric over the seeds that had it as a number: sorted
/// `(value, how many seeds)` pairs, each value once, counts above zero.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Histogram {
    bins: Vec<(i64, u64)>,
    n: u64,
}

impl Histogram {
    /// The histogram of raw samples, in any order.
    pub(crate) fn from_samples(mut samples: Vec<i64>) -> Self {
        samples.sort_unstable();
        let mut bins: Vec<(i64, u64)> = Vec::new();
        for v in samples {
            match bins.last_mut() {
                Some((last, c)) if *last == v => *c += 1,
                _ => bins.push((v, 1)),
            }
        }
        let n = bins.iter().map(|b| b.1).sum();
        Histogram { bins, n }
    }

    /// A histogram from `(value, count)` pairs in any order; repeated values add up and zero
    /// counts vanish. `None` if the total overflows.
    pub(crate) fn from_pairs(pairs: impl IntoIterator<Item = (i64, u64)>) -> Option<Self> {
        let mut map: BTreeMap<i64, u64> = BTreeMap::new();
        for (v, c) in pairs {
            if c > 0 {
                let slot = map.entry(v).or_default();
                *slot = slot.checked_add(c)?;
            }
        }
        let mut n: u64 = 0;
        for c in map.values() {
            n = n.checked_add(*c)?;
        }
        Some(Histogram {
            bins: map.into_iter().collect(),
            n,
        })
    }

    /// How many seeds had the metric.
    pub(crate) fn n(&self) -> u64 {
        self.n
    }

    /// The `(value, count)` pairs, by value.
    pub(crate) fn bins(&self) -> &[(i64, u64)] {
        &self.bins
    }

    /// The smallest value.
    pub(crate) fn min(&self) -> Option<i64> {
        self.bins.first().map(|b| b.0)
    }

    /// The largest value.
    pub(crate) fn max(&self) -> Option<i64> {
        self.bins.last().map(|b| b.0)
    }

    /// Nearest-rank percentile `p` (0 < p <= 100), as `metrics::percentile` computes it over
    /// the sorted samples.
    pub(crate) fn percentile(&self, p: u32) -> Option<i64> {
        if self.n == 0 {
            return None;
        }
        let rank = (u128::from(p) * u128::from(self.n)).div_ceil(100).max(1);
        let mut seen: u128 = 0;
        for &(v, c) in &self.bins {
            seen += u128::from(c);
            if seen >= rank {
                return Some(v);
            }
        }
        self.max()
    }
}

/// What the seeds of a sweep (or of one shard) came to.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Summary {
    /// How many seeds ran.
    pub(crate) runs: u64,
    /// Per metric that was a number for at least one seed, its histogram.
    pub(crate) metrics: BTreeMap<String, Histogram>,
    /// Per failed seed, its failures (expectations, then the invariant), in the report's order.
    pub(crate) failed: BTreeMap<u64, Vec<String>>,
}

impl Summary {
    /// Adds another summary of disjoint seeds to this one. `None` if a count overflows.
    pub(crate) fn absorb(&mut self, other: Summary) -> Option<()> {
        self.runs = self.runs.checked_add(other.runs)?;
        for (name, h) in other.metrics {
            let merged = match self.metrics.remove(&name) {
                Some(mine) => Histogram::from_pairs(mine.bins.into_iter().chain(h.bins))?,
                None => h,
            };
            self.metrics.insert(name, merged);
        }
        self.failed.extend(other.failed);
        Some(())
    }
}

/// The running tally of one worker: cheap to add to, cheap to merge.
#[derive(Debug, Default)]
pub(crate) struct Tally {
    runs: u64,
    samples: BTreeMap<String, Vec<i64>>,
    failed: BTreeMap<u64, Vec<String>>,
}

impl Tally {
    /// Adds one seed's numeric metrics and failures (empty: it passed).
    pub(crate) fn add<'a>(
        &mut self,
        seed: u64,
        numbers: impl IntoIterator<Item = (&'a str, i64)>,
        failures: Vec<String>,
    ) {
        self.runs += 1;
        for (name, v) in numbers {
            match self.samples.get_mut(name) {
                Some(s) => s.push(v),
                None => {
                    self.samples.insert(name.to_string(), vec![v]);
                }
            }
        }
        if !failures.is_empty() {
            self.failed.insert(seed, failures);
        }
    }

    /// Merges two tallies of disjoint seeds.
    pub(crate) fn merge(mut self, other: Tally) -> Tally {
        self.runs += other.runs;
        for (name, mut s) in other.samples {
            match self.samples.get_mut(&name) {
                Some(mine) => mine.append(&mut s),
                None => {
                    self.samples.insert(name, s);
                }
            }
        }
        self.failed.extend(other.failed);
        self
    }

    /// The summary; the same whatever order the seeds were added and merged in.
    pub(crate) fn finish(self) -> Summary {
        Summary {
            runs: self.runs,
            metrics: self
                .samples
                .into_iter()
                .map(|(k, s)| (k, Histogram::from_samples(s)))
                .collect(),
            failed: self.failed,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::metrics::percentile;

    #[test]
    fn percentiles_match_the_metrics_module() {
        let samples: Vec<u64> = vec![5, 1, 9, 9, 3, 3, 3, 100, 7, 2, 2, 8, 50];
        let mut sorted = samples.clone();
        sorted.sort_unstable();
        let h = Histogram::from_samples(samples.iter().map(|&v| v as i64).collect());
        for p in [1, 10, 25, 50, 75, 90, 99, 100] {
            assert_eq!(h.percentile(p), percentile(&sorted, p).map(|v| v as i64));
        }
        assert_eq!(h.n(), 13);
        assert_eq!((h.min(), h.max()), (Some(1), Some(100)));
        assert_eq!(Histogram::default().percentile(50), None);
    }

    #[test]
    fn merging_in_any_split_gives_the_same_summary() {
        let seeds: Vec<(u64, i64)> = (0..50).map(|s| (s, (s as i64 * 37) % 11)).collect();
        let mut whole = Tally::default();
        for &(s, v) in &seeds {
            whole.add(s, [("x", v)], Vec::new());
        }
        let whole = whole.finish();
        let (mut a, mut b) = (Tally::default(), Tally::default());
        for &(s, v) in seeds.iter().rev() {
            let t = if s % 3 == 0 { &mut a } else { &mut b };
            let fail = if s == 7 {
                vec!["boom".into()]
            } else {
                Vec::new()
            };
            t.add(s, [("x", v)], fail);
        }
        let mut split = b.finish();
        split.absorb(a.finish()).unwrap();
        assert_eq!(split.metrics, whole.metrics);
        assert_eq!(split.runs, 50);
        assert_eq!(split.failed.keys().copied().collect::<Vec<_>>(), vec![7]);
    }

    #[test]
    fn pairs_add_up_and_overflow_is_refused() {
        let h = Histogram::from_pairs([(3, 2), (1, 1), (3, 1), (9, 0)]).unwrap();
        assert_eq!(h.bins(), &[(1, 1), (3, 3)]);
        assert_eq!(h.n(), 4);
        assert!(Histogram::from_pairs([(1, u64::MAX), (2, 1)]).is_none());
    }
}
