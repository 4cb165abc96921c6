//! Exact, order-independent statistics over many seeds.
//!
//! A sweep of 10,000 seeds must not keep 10,000 reports, and its output must not depend on
//! which worker finished first, nor on how the seeds were split across machines. So runs are
//! folded, one by one as they come back, into a [`Tally`] (per metric, the raw numbers; per
//! failed seed, its failures), and [`Tally::finish`] sorts everything into
//! a [`Summary`] whose metrics are `{value: count}` histograms. A histogram is the whole
//! multiset of values, so min, max and every nearest-rank percentile follow from it exactly,
//! and histograms add: `merge` sums the shards' histograms one shard at a time in a
//! [`SummarySum`] and gets the summary the unsharded sweep computes, to the last digit.

use std::collections::BTreeMap;

use crate::sim::percentile;

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

    /// Nearest-rank percentile `p` (0 < p <= 100), by the definition runs use for latencies
    /// (`sim::percentile`).
    pub(crate) fn percentile(&self, p: u32) -> Option<i64> {
        percentile::of_bins(&self.bins, self.n, p)
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

/// One metric's running sum of histograms: sorted, distinct `(value, count)` bins, and bins
/// added since the last fold. Folding sorts the new bins into the old ones once they are a
/// quarter as many, so a shard costs about its own size times a logarithm (not the size of
/// everything merged so far), and memory is 16 bytes per distinct value plus that quarter,
/// whatever the number and order of the shards.
#[derive(Debug, Default)]
struct BinSum {
    sorted: Vec<(i64, u64)>,
    pending: Vec<(i64, u64)>,
}

impl BinSum {
    /// Bins that never wait for a fold (a metric with few values folds rarely).
    const SMALL: usize = 4096;

    fn add(&mut self, bins: impl IntoIterator<Item = (i64, u64)>) -> Option<()> {
        self.pending.extend(bins.into_iter().filter(|b| b.1 > 0));
        if self.pending.len() >= (self.sorted.len() / 4).max(Self::SMALL) {
            self.fold()?;
        }
        Some(())
    }

    /// Sorts the pending bins into the sorted ones, adding the counts of equal values.
    /// `None` if a count overflows.
    fn fold(&mut self) -> Option<()> {
        let mut all = std::mem::take(&mut self.sorted);
        all.reserve_exact(self.pending.len());
        all.append(&mut self.pending);
        all.sort_unstable_by_key(|b| b.0);
        let mut kept = 0;
        for k in 0..all.len() {
            if kept > 0 && all[kept - 1].0 == all[k].0 {
                all[kept - 1].1 = all[kept - 1].1.checked_add(all[k].1)?;
            } else {
                all[kept] = all[k];
                kept += 1;
            }
        }
        all.truncate(kept);
        self.sorted = all;
        Some(())
    }

    /// The histogram, or `None` if a count overflows; an empty one when nothing was added.
    fn finish(mut self) -> Option<Histogram> {
        self.fold()?;
        let mut n: u64 = 0;
        for b in &self.sorted {
            n = n.checked_add(b.1)?;
        }
        Some(Histogram {
            bins: self.sorted,
            n,
        })
    }
}

/// A running sum of shard summaries, for `merge`: one shard is added at a time and dropped,
/// so memory holds one histogram per metric (bounded by the distinct values of the whole
/// sweep), never the shards.
#[derive(Debug, Default)]
pub(crate) struct SummarySum {
    runs: u64,
    metrics: BTreeMap<String, BinSum>,
    failed: BTreeMap<u64, Vec<String>>,
}

impl SummarySum {
    /// Adds `runs` seeds. `None` if the count overflows.
    pub(crate) fn add_runs(&mut self, runs: u64) -> Option<()> {
        self.runs = self.runs.checked_add(runs)?;
        Some(())
    }

    /// Adds `(value, seeds)` pairs of one metric. `None` if a count overflows.
    pub(crate) fn add_metric(
        &mut self,
        name: String,
        bins: impl IntoIterator<Item = (i64, u64)>,
    ) -> Option<()> {
        self.metrics.entry(name).or_default().add(bins)
    }

    /// Adds a failed seed; `false` (and nothing added) if it is already there.
    pub(crate) fn add_failed(&mut self, seed: u64, failures: Vec<String>) -> bool {
        match self.failed.entry(seed) {
            std::collections::btree_map::Entry::Occupied(_) => false,
            std::collections::btree_map::Entry::Vacant(slot) => {
                slot.insert(failures);
                true
            }
        }
    }

    /// The summary of everything added. `None` if a metric's total overflows.
    pub(crate) fn finish(self) -> Option<Summary> {
        let mut metrics = BTreeMap::new();
        for (name, bins) in self.metrics {
            let h = bins.finish()?;
            if h.n > 0 {
                metrics.insert(name, h);
            }
        }
        Some(Summary {
            runs: self.runs,
            metrics,
            failed: self.failed,
        })
    }
}

/// The running tally of a sweep: cheap to add to.
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

    /// The summary; the same whatever order the seeds were added in.
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
    use crate::sim::percentile::rank;

    #[test]
    fn percentiles_match_the_definition_runs_use() {
        let samples: Vec<u64> = vec![5, 1, 9, 9, 3, 3, 3, 100, 7, 2, 2, 8, 50];
        let mut sorted = samples.clone();
        sorted.sort_unstable();
        let h = Histogram::from_samples(samples.iter().map(|&v| v as i64).collect());
        for p in [1, 10, 25, 50, 75, 90, 99, 100] {
            let at = sorted[(rank(p, sorted.len() as u64) - 1) as usize];
            assert_eq!(h.percentile(p), Some(at as i64));
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
        let mut sum = SummarySum::default();
        for part in [b.finish(), a.finish()] {
            sum.add_runs(part.runs).unwrap();
            for (name, h) in part.metrics {
                sum.add_metric(name, h.bins).unwrap();
            }
            for (seed, f) in part.failed {
                assert!(sum.add_failed(seed, f));
            }
        }
        assert!(!sum.add_failed(7, Vec::new()));
        let split = sum.finish().unwrap();
        assert_eq!(split.metrics, whole.metrics);
        assert_eq!(split.runs, 50);
        assert_eq!(split.failed.keys().copied().collect::<Vec<_>>(), vec![7]);
    }

    #[test]
    fn folding_gives_the_same_histogram_in_any_order_and_split() {
        let values: Vec<i64> = (0..50_000).map(|k| (k * 7919) % 20_011 - 10_000).collect();
        let whole = Histogram::from_samples(values.clone());
        for parts in [1, 3, 1000] {
            let mut sum = BinSum::default();
            for p in (0..parts).rev() {
                let part: Vec<i64> = values.iter().skip(p).step_by(parts).copied().collect();
                sum.add(Histogram::from_samples(part).bins).unwrap();
                let bound = (sum.sorted.len() / 4).max(BinSum::SMALL);
                assert!(sum.pending.len() < bound, "folded along the way");
                assert!(sum.sorted.len() <= 20_011);
            }
            assert_eq!(sum.finish().unwrap(), whole, "{parts} parts");
        }
    }

    #[test]
    fn sums_add_up_and_overflow_is_refused() {
        let mut sum = SummarySum::default();
        sum.add_metric("x".into(), [(3, 2), (1, 1)]).unwrap();
        sum.add_metric("x".into(), [(3, 1), (9, 0)]).unwrap();
        sum.add_metric("empty".into(), [(5, 0)]).unwrap();
        let s = sum.finish().unwrap();
        assert_eq!(s.metrics["x"].bins(), &[(1, 1), (3, 3)]);
        assert_eq!(s.metrics["x"].n(), 4);
        assert!(!s.metrics.contains_key("empty"));
        let mut sum = SummarySum::default();
        sum.add_metric("x".into(), [(1, u64::MAX)]).unwrap();
        sum.add_metric("x".into(), [(1, 1)]).unwrap();
        assert!(sum.finish().is_none());
        let mut sum = SummarySum::default();
        sum.add_metric("x".into(), [(1, u64::MAX), (2, 1)]).unwrap();
        assert!(sum.finish().is_none());
        assert!(SummarySum::default().add_runs(u64::MAX).is_some());
    }
}
