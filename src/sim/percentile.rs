//! Nearest-rank percentiles: the one definition that runs (latency metrics) and sweeps
//! (per-metric histograms over seeds) share.
//!
//! The nearest-rank percentile `p` of `n` samples is the value at rank `⌈p·n/100⌉` (at least 1)
//! of the samples in ascending order (`docs/metrics.md`). It is always one of the samples, so
//! it is exact and needs no interpolation. A run's five figures (min, p50, p90, p99, max) are
//! found by *selection* rather than by sorting: each `select_nth_unstable` is linear, and each
//! later one only looks at the part above the one before it. A histogram, already sorted by
//! value, is walked instead.

/// The 1-based nearest rank of percentile `p` (0 < p ≤ 100) among `n` samples: `⌈p·n/100⌉`,
/// at least 1.
#[inline]
pub fn rank(p: u32, n: u64) -> u64 {
    let r = (u128::from(p) * u128::from(n)).div_ceil(100).max(1);
    r as u64
}

/// The five figures a run reports of a set of samples.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Five<T> {
    /// Smallest sample.
    pub min: T,
    /// Median (nearest rank).
    pub p50: T,
    /// 90th percentile (nearest rank).
    pub p90: T,
    /// 99th percentile (nearest rank).
    pub p99: T,
    /// Largest sample.
    pub max: T,
}

/// Min, nearest-rank p50/p90/p99 and max of `values`, found by selection (the slice is
/// reordered); `None` when it is empty.
pub fn select_five<T: Ord + Copy>(values: &mut [T]) -> Option<Five<T>> {
    let n = values.len();
    if n == 0 {
        return None;
    }
    let index = |p: u32| (rank(p, n as u64) - 1) as usize;
    let (i50, i90, i99) = (index(50), index(90), index(99));
    let p50 = *values.select_nth_unstable(i50).1;
    // Everything below index i50 is ≤ p50 and everything above is ≥ it, so each later
    // selection only searches the part above the one before.
    let p90 = select_above(values, i50, i90);
    let p99 = select_above(values, i90, i99);
    let min = values[..i50].iter().copied().min().unwrap_or(p50);
    let max = values[i99..].iter().copied().max().unwrap_or(p99);
    Some(Five {
        min,
        p50,
        p90,
        p99,
        max,
    })
}

/// The value at index `want` of `values` in order, given that index `from ≤ want` already
/// holds its own ordered value with everything after it no smaller.
fn select_above<T: Ord + Copy>(values: &mut [T], from: usize, want: usize) -> T {
    if want == from {
        return values[from];
    }
    *values[from + 1..].select_nth_unstable(want - from - 1).1
}

/// Nearest-rank percentile `p` of a histogram: `(value, count)` bins sorted by value, counts
/// adding up to `n`; `None` when `n` is 0.
pub fn of_bins<T: Copy>(bins: &[(T, u64)], n: u64, p: u32) -> Option<T> {
    if n == 0 {
        return None;
    }
    let r = rank(p, n);
    let mut seen: u64 = 0;
    for &(v, c) in bins {
        seen += c;
        if seen >= r {
            return Some(v);
        }
    }
    bins.last().map(|b| b.0)
}

/// Min, nearest-rank p50/p90/p99 and max of a histogram of `n` samples (see [`of_bins`]).
pub fn five_of_bins<T: Copy>(bins: &[(T, u64)], n: u64) -> Option<Five<T>> {
    Some(Five {
        min: bins.first()?.0,
        p50: of_bins(bins, n, 50)?,
        p90: of_bins(bins, n, 90)?,
        p99: of_bins(bins, n, 99)?,
        max: bins.last()?.0,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Nearest rank by the definition: sort, then index.
    fn by_sorting(v: &[u64]) -> Option<Five<u64>> {
        let mut s = v.to_vec();
        s.sort_unstable();
        let at = |p: u32| s[(rank(p, s.len() as u64) - 1) as usize];
        Some(Five {
            min: *s.first()?,
            p50: at(50),
            p90: at(90),
            p99: at(99),
            max: *s.last()?,
        })
    }

    #[test]
    fn ranks_are_nearest_rank() {
        assert_eq!(rank(50, 10), 5);
        assert_eq!(rank(90, 10), 9);
        assert_eq!(rank(99, 10), 10);
        assert_eq!(rank(1, 1), 1);
        assert_eq!(rank(50, 0), 1);
        assert_eq!(rank(100, u64::MAX), u64::MAX);
    }

    #[test]
    fn selection_matches_sorting() {
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        for n in [1usize, 2, 3, 7, 10, 99, 100, 101, 1000, 4096] {
            let v: Vec<u64> = (0..n)
                .map(|_| {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    x % 50
                })
                .collect();
            let mut w = v.clone();
            assert_eq!(select_five(&mut w), by_sorting(&v), "n = {n}");
        }
        assert_eq!(select_five::<u64>(&mut []), None);
    }

    #[test]
    fn bins_match_the_expanded_samples() {
        let bins = [(1u64, 1), (2, 4), (5, 3), (9, 2)];
        let expanded: Vec<u64> = bins
            .iter()
            .flat_map(|&(v, c)| std::iter::repeat_n(v, c as usize))
            .collect();
        assert_eq!(five_of_bins(&bins, 10), by_sorting(&expanded));
        assert_eq!(of_bins::<u64>(&[], 0, 50), None);
        assert_eq!(five_of_bins::<u64>(&[], 0), None);
    }
}
