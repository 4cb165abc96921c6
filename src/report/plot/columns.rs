//! A step function reduced to what it did in each pixel column of a view: its least and largest
//! value, its time-weighted mean and the share of the column's time it was above zero.
//!
//! Why four numbers: a LAN queue that holds one message for 70 ms every minute reaches 1 in
//! every column of a nine-hour chart, so drawing its largest value paints a solid band, and
//! drawing its value at each pixel paints noise. What a reader wants is the envelope (how deep
//! it got), the mean (how deep it usually was) and how busy it was, and all three are exact at
//! the picture's resolution whatever the run's length: the reduction walks the changes once,
//! and the picture then has a fixed number of columns however many events there were.

use crate::report::analysis::Steps;
use crate::sim::Micros;

/// What a step function did within one column.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Col {
    /// The least value that held for some time in the column.
    pub min: i64,
    /// The largest value that held for some time in the column.
    pub max: i64,
    /// The time-weighted mean.
    pub mean: f64,
    /// The share of the column's time the value was above zero, 0 to 1.
    pub busy: f64,
}

/// A column being summed up.
struct Acc {
    min: i64,
    max: i64,
    area: f64,
    busy: u64,
}

impl Acc {
    fn new() -> Acc {
        Acc {
            min: i64::MAX,
            max: i64::MIN,
            area: 0.0,
            busy: 0,
        }
    }

    /// The value `v` held for `dur` microseconds.
    fn hold(&mut self, v: i64, dur: u64) {
        if dur == 0 {
            return;
        }
        self.min = self.min.min(v);
        self.max = self.max.max(v);
        self.area += v as f64 * dur as f64;
        if v > 0 {
            self.busy += dur;
        }
    }

    fn col(&self, len: u64) -> Col {
        let len = len.max(1) as f64;
        Col {
            min: self.min,
            max: self.max,
            mean: self.area / len,
            busy: self.busy as f64 / len,
        }
    }
}

/// The columns of `[lo, hi)`: at most `cols` of them, and never shorter than a microsecond
/// (a view of 100 µs has 100 columns). Returns the boundaries of column `c` as `bounds[c]` to
/// `bounds[c + 1]`.
pub(super) fn bounds(lo: Micros, hi: Micros, cols: usize) -> Vec<Micros> {
    let len = hi.saturating_sub(lo).max(1);
    let n = (cols.max(1) as u64).min(len) as u128;
    (0..=n)
        .map(|c| lo + (u128::from(len) * c / n) as Micros)
        .collect()
}

/// `s` over the columns `bounds` describes (see [`bounds`]).
pub(super) fn columns(s: &Steps, bounds: &[Micros]) -> Vec<Col> {
    let Some(&lo) = bounds.first() else {
        return Vec::new();
    };
    // The value at `lo`: set by the last change at or before it.
    let mut i = s.partition_point(|&(t, _)| t <= lo);
    let mut v = if i > 0 { s[i - 1].1 } else { 0 };
    let mut out = Vec::with_capacity(bounds.len().saturating_sub(1));
    for w in bounds.windows(2) {
        let (a, b) = (w[0], w[1]);
        let mut acc = Acc::new();
        let mut t = a;
        while i < s.len() && s[i].0 < b {
            let (tc, nv) = s[i];
            acc.hold(v, tc.saturating_sub(t));
            t = t.max(tc);
            v = nv;
            i += 1;
        }
        acc.hold(v, b - t);
        out.push(acc.col(b - a));
    }
    out
}

/// The share of `[lo, hi)` during which `s` was above zero, and its largest value there.
pub(super) fn busy_and_peak(s: &Steps, lo: Micros, hi: Micros) -> (f64, i64) {
    let cols = columns(s, &[lo, hi.max(lo + 1)]);
    cols.first().map_or((0.0, 0), |c| (c.busy, c.max.max(0)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_flickering_queue_is_busy_a_little_and_peaks_at_one() {
        // 1 for 70 µs every 1000 µs, over 10,000 µs in 4 columns.
        let mut s: Steps = Vec::new();
        for k in 0..10u64 {
            s.push((k * 1000 + 100, 1));
            s.push((k * 1000 + 170, 0));
        }
        let b = bounds(0, 10_000, 4);
        assert_eq!(b, vec![0, 2500, 5000, 7500, 10_000]);
        let c = columns(&s, &b);
        assert_eq!(c.len(), 4);
        for col in &c {
            assert_eq!((col.min, col.max), (0, 1));
        }
        let busy: f64 = c.iter().map(|c| c.busy * 2500.0).sum();
        assert!((busy - 700.0).abs() < 1e-6, "{busy}");
        assert!((c[0].mean - 210.0 / 2500.0).abs() < 1e-9);
        assert_eq!(busy_and_peak(&s, 0, 10_000).1, 1);
        assert!((busy_and_peak(&s, 0, 10_000).0 - 0.07).abs() < 1e-9);
    }

    #[test]
    fn a_change_at_a_boundary_belongs_to_the_next_column() {
        let s: Steps = vec![(10, 5), (20, 2)];
        let c = columns(&s, &bounds(0, 30, 3));
        assert_eq!((c[0].min, c[0].max), (0, 0));
        assert_eq!((c[1].min, c[1].max), (5, 5));
        assert_eq!((c[2].min, c[2].max, c[2].mean), (2, 2, 2.0));
        assert_eq!(c[2].busy, 1.0);
    }

    #[test]
    fn a_window_starts_from_the_value_then() {
        let s: Steps = vec![(10, 3), (150, 1), (300, 9)];
        let c = columns(&s, &bounds(100, 200, 2));
        assert_eq!((c[0].min, c[0].max), (3, 3));
        assert_eq!((c[1].min, c[1].max), (1, 1));
        // A view shorter than the columns asked for gets one column per microsecond.
        assert_eq!(bounds(0, 3, 100), vec![0, 1, 2, 3]);
    }

    #[test]
    fn a_spike_inside_a_column_shows_in_its_max() {
        let s: Steps = vec![(10, 5), (11, 0), (500, 2)];
        let c = columns(&s, &bounds(0, 1000, 100));
        assert_eq!(c[1].max, 5);
        assert_eq!(c[1].min, 0);
        assert_eq!(c[2].max, 0);
        assert_eq!(c[50].max, 2);
        assert_eq!(c[99].max, 2);
    }
}
