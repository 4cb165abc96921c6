//! Exact latency samples: every value kept once, 8 bytes each.
//!
//! Latency percentiles are nearest-rank over the exact values (`docs/metrics.md`), so samples
//! cannot be bucketed. Each sample is one `u64` in arrival order; a sample equal to the one
//! before it only bumps a count, so a batch delivered at one instant after being queued at one
//! instant (thousands of equal latencies) costs a compare per message and no memory. The five
//! figures are found by selection ([`super::percentile`]) over one scratch copy of the values,
//! or, when most samples repeat, over their sorted `(value, count)` bins.

use super::percentile::{five_of_bins, select_five, Five};
use super::time::Micros;

/// Exact samples in arrival order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Samples {
    /// The samples, except that one equal to the sample before it is counted in `repeats`.
    values: Vec<Micros>,
    /// `(index in values, extra copies of that value right after it)`, by index.
    repeats: Vec<(usize, u64)>,
    len: u64,
}

/// Min, nearest-rank percentiles and max of a set of samples.
pub type Summary = Five<Micros>;

impl Samples {
    /// No samples, as a constant: `Samples::default()`.
    pub const EMPTY: Samples = Samples {
        values: Vec::new(),
        repeats: Vec::new(),
        len: 0,
    };

    /// Adds one sample.
    #[inline]
    pub fn push(&mut self, v: Micros) {
        self.push_n(v, 1);
    }

    /// Adds `count` copies of `v`.
    #[inline]
    pub fn push_n(&mut self, v: Micros, count: u64) {
        if count == 0 {
            return;
        }
        self.len += count;
        let extra = if self.values.last() == Some(&v) {
            count
        } else {
            self.values.push(v);
            count - 1
        };
        if extra > 0 {
            let last = self.values.len() - 1;
            match self.repeats.last_mut() {
                Some((i, n)) if *i == last => *n += extra,
                _ => self.repeats.push((last, extra)),
            }
        }
    }

    /// Makes room for `n` more samples, so a batch of known size grows the store once.
    pub fn reserve(&mut self, n: usize) {
        self.values.reserve(n);
    }

    /// How many samples.
    pub fn len(&self) -> u64 {
        self.len
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Copies every sample of `other` into `self`, after its own.
    pub fn append(&mut self, other: &Samples) {
        for (v, n) in other.runs() {
            self.push_n(v, n);
        }
    }

    /// Moves every sample of `other` into `self`, after its own; without copying when `self`
    /// has none.
    pub fn absorb(&mut self, other: Samples) {
        if self.is_empty() {
            *self = other;
        } else {
            self.append(&other);
        }
    }

    /// `(value, count)` of each run of equal consecutive samples, in arrival order.
    fn runs(&self) -> impl Iterator<Item = (Micros, u64)> + '_ {
        let mut repeats = self.repeats.iter().peekable();
        self.values.iter().enumerate().map(move |(i, &v)| {
            let extra = repeats.next_if(|r| r.0 == i).map_or(0, |r| r.1);
            (v, 1 + extra)
        })
    }

    /// Every sample, in arrival order.
    pub fn iter(&self) -> impl Iterator<Item = Micros> + '_ {
        self.runs()
            .flat_map(|(v, n)| std::iter::repeat_n(v, n as usize))
    }

    /// Appends every sample to `out`: the stored values a stretch at a time, each repeat
    /// where it belongs.
    fn copy_into(&self, out: &mut Vec<Micros>) {
        let mut from = 0;
        for &(i, extra) in &self.repeats {
            out.extend_from_slice(&self.values[from..=i]);
            out.extend(std::iter::repeat_n(self.values[i], extra as usize));
            from = i + 1;
        }
        out.extend_from_slice(&self.values[from..]);
    }

    /// The samples as `(value, count)` bins sorted by value, each value once.
    fn bins(&self) -> Vec<(Micros, u64)> {
        sorted_bins(self.runs().collect())
    }

    /// Min, nearest-rank p50/p90/p99 and max; `None` without samples.
    pub fn summary(&self) -> Option<Summary> {
        summaries(&[self]).1
    }
}

/// Whether the samples of `parts` are better summarized from a copy of every value than from
/// sorted bins: unless most of them repeat the value before them.
fn copy_them(parts: &[&Samples]) -> bool {
    let total: u64 = parts.iter().map(|p| p.len).sum();
    let stored: u64 = parts.iter().map(|p| p.values.len() as u64).sum();
    total <= 4 * stored
}

/// `(value, count)` pairs sorted by value, equal values merged.
fn sorted_bins(mut pairs: Vec<(Micros, u64)>) -> Vec<(Micros, u64)> {
    pairs.sort_unstable_by_key(|p| p.0);
    let mut bins: Vec<(Micros, u64)> = Vec::with_capacity(pairs.len());
    for (v, n) in pairs {
        match bins.last_mut() {
            Some((last, c)) if *last == v => *c += n,
            _ => bins.push((v, n)),
        }
    }
    bins
}

/// The summary of each of `parts` and of all of them together, as a run's metrics report them
/// per transport and in all: one scratch copy of every sample, each part's share selected in
/// place, then the whole.
pub fn summaries(parts: &[&Samples]) -> (Vec<Option<Summary>>, Option<Summary>) {
    if copy_them(parts) {
        let total: u64 = parts.iter().map(|p| p.len).sum();
        let mut scratch: Vec<Micros> = Vec::with_capacity(total as usize);
        let mut each = Vec::with_capacity(parts.len());
        for p in parts {
            let from = scratch.len();
            p.copy_into(&mut scratch);
            each.push(select_five(&mut scratch[from..]));
        }
        (each, select_five(&mut scratch))
    } else {
        let mut all = Vec::new();
        let each = parts
            .iter()
            .map(|p| {
                let bins = p.bins();
                all.extend_from_slice(&bins);
                five_of_bins(&bins, p.len)
            })
            .collect();
        let total = parts.iter().map(|p| p.len).sum();
        (each, five_of_bins(&sorted_bins(all), total))
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

    fn nearest(sorted: &[u64], p: u64) -> u64 {
        let n = sorted.len() as u64;
        sorted[((p * n).div_ceil(100) - 1) as usize]
    }

    #[test]
    fn nearest_rank_matches_the_expanded_values() {
        let mut s = Samples::default();
        s.extend([5, 5, 5, 1, 9, 9, 2, 2, 2, 2]);
        assert_eq!(s.len(), 10);
        let mut expanded: Vec<u64> = s.iter().collect();
        assert_eq!(expanded, vec![5, 5, 5, 1, 9, 9, 2, 2, 2, 2]);
        expanded.sort();
        let sum = s.summary().unwrap();
        let nr = |p| nearest(&expanded, p);
        assert_eq!(
            (sum.min, sum.p50, sum.p90, sum.p99, sum.max),
            (1, nr(50), nr(90), nr(99), 9)
        );
        assert_eq!(Samples::default().summary(), None);
    }

    #[test]
    fn copying_keeps_arrival_order() {
        let mut s = Samples::default();
        s.extend([4, 4, 1, 3, 3, 3, 2, 5, 5]);
        let mut out = vec![9];
        s.copy_into(&mut out);
        assert_eq!(out, [9, 4, 4, 1, 3, 3, 3, 2, 5, 5]);
    }

    #[test]
    fn one_value_repeated_is_stored_once() {
        let mut s = Samples::default();
        for _ in 0..1000 {
            s.push(7);
        }
        s.push_n(7, 5);
        assert_eq!((s.values.len(), s.repeats.len()), (1, 1));
        assert_eq!(s.summary().unwrap().p99, 7);
        let mut t = Samples::default();
        t.push(3);
        t.append(&s);
        assert_eq!(t.len(), 1006);
        assert_eq!(t.summary().unwrap().min, 3);
        let mut u = Samples::default();
        u.absorb(t.clone());
        assert_eq!(u, t);
    }

    #[test]
    fn both_ways_of_summarizing_agree_with_sorting() {
        // Mostly distinct (copied and selected), then mostly repeated (binned).
        for repeat in [1u64, 50] {
            let parts: Vec<Samples> = (0..3u64)
                .map(|t| {
                    let mut s = Samples::default();
                    for i in 0..200u64 {
                        s.push_n((i * 7919 + t * 13) % 101, repeat);
                    }
                    s
                })
                .collect();
            let refs: Vec<&Samples> = parts.iter().collect();
            assert_eq!(copy_them(&refs), repeat == 1);
            let (each, all) = summaries(&refs);
            let mut every: Vec<u64> = parts.iter().flat_map(|p| p.iter()).collect();
            every.sort();
            let want = |v: &[u64]| (v[0], nearest(v, 50), nearest(v, 90), nearest(v, 99));
            let got = |s: Summary| (s.min, s.p50, s.p90, s.p99);
            assert_eq!(got(all.unwrap()), want(&every));
            for (p, s) in parts.iter().zip(each) {
                let mut v: Vec<u64> = p.iter().collect();
                v.sort();
                assert_eq!(got(s.unwrap()), want(&v));
                assert_eq!(s.unwrap().max, *v.last().unwrap());
            }
        }
    }
}
