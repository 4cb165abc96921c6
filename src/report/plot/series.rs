//! The lines of the chart: which transports get a line of their own, and each line reduced to
//! the pixel columns of the time it shows.
//!
//! A run may have hundreds of transports and millions of events. Only the busiest transports
//! get their own colour (the rest are summed), and each step function is reduced to the largest
//! value in each pixel column, which is exact at the picture's resolution and never hides a
//! peak.

use plotters::style::RGBColor;

use super::geometry::{clip, View, PLOT_X0, PLOT_X1};
use super::palette::{rgb, INBOX, OTHERS, PALETTE};
use crate::report::analysis::{peak, sum_steps, transport_name, Levels, Steps};
use crate::scenario::RunResult;
use crate::sim::Micros;

/// Transports drawn one by one; the rest are summed into one "others" series.
const MAX_SHOWN: usize = PALETTE.len();

/// One series on a chart.
pub(super) struct Series {
    /// Its legend entry.
    pub label: String,
    /// Its colour.
    pub color: RGBColor,
    /// Points in (unit time, value), drawn as steps.
    pub points: Vec<(f64, u64)>,
    /// What it counts.
    pub kind: SeriesKind,
}

/// What a series counts, in drawing order (later kinds are drawn on top).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum SeriesKind {
    /// Mail waiting at a transport's remote end (dashed).
    Inbound,
    /// A transport's outbound queue.
    Outbound,
    /// The inbox, on the right-hand axis.
    Inbox,
}

/// Reduces a step function to one value per pixel column of `view` (its maximum there) and
/// returns the points of the step line in (unit time, value).
pub(super) fn column_steps(s: &Steps, view: &View, cols: usize) -> Vec<(f64, u64)> {
    let cols = cols.max(1);
    let (lo, hi) = (view.lo, view.hi);
    let len = u128::from(hi.saturating_sub(lo)).max(1);
    let col_of = |t: Micros| ((u128::from(t - lo) * cols as u128 / len) as usize).min(cols - 1);
    let start = s.partition_point(|&(t, _)| t < lo);
    let mut cur = if start > 0 { s[start - 1].1 } else { 0 };
    // Each column gets the largest value that held for some time in it: the value carried in
    // from its start (unless it changed exactly there) and every value set within it.
    let mut max = vec![i64::MIN; cols];
    let mut next = 0usize;
    for &(t, v) in s[start..].iter().take_while(|&&(t, _)| t <= hi) {
        let c = col_of(t);
        if c >= next {
            for m in &mut max[next..c] {
                *m = (*m).max(cur);
            }
            if u128::from(t - lo) * cols as u128 > c as u128 * len {
                max[c] = max[c].max(cur);
            }
        }
        max[c] = max[c].max(v);
        cur = v;
        next = c + 1;
    }
    for m in max.iter_mut().skip(next) {
        *m = (*m).max(cur);
    }
    let x = |c: usize| {
        let t = lo as f64 + c as f64 * (hi - lo) as f64 / cols as f64;
        t / view.axis.unit.us
    };
    let mut pts: Vec<(f64, u64)> = Vec::new();
    let mut prev: Option<u64> = None;
    for (c, &m) in max.iter().enumerate() {
        let v = m.max(0) as u64;
        match prev {
            Some(p) if p == v => {}
            Some(p) => {
                pts.push((x(c), p));
                pts.push((x(c), v));
            }
            None => pts.push((x(c), v)),
        }
        prev = Some(v);
    }
    pts.push((x(cols), prev.unwrap_or(0)));
    pts
}

/// A y-axis top a little above `peak`.
fn headroom(peak: u64) -> u64 {
    peak.saturating_add((peak / 8).max(1))
}

/// A step function to draw, before it is reduced to a view.
pub(super) struct Line {
    /// Its legend entry.
    pub label: String,
    /// Its colour.
    pub color: RGBColor,
    /// Its values over the whole run.
    pub steps: Steps,
    /// What it counts.
    pub kind: SeriesKind,
}

/// The lines of a run: per shown transport its outbound depth and (if mail ever arrived at its
/// remote end) the inbound one, the others summed, and the inbox.
pub(super) fn lines(run: &RunResult, lv: &Levels) -> Vec<Line> {
    let n = run.transport_names.len();
    if !lv.full {
        return Vec::new();
    }
    let shown: Vec<usize> = if n <= MAX_SHOWN {
        (0..n).collect()
    } else {
        let mut order: Vec<usize> = (0..n).collect();
        order.sort_by_key(|&t| {
            let c = run.trace.counts().get(t).copied().unwrap_or_default();
            let act = peak(&lv.outbound[t]) + peak(&lv.inbound[t]);
            (
                std::cmp::Reverse(act),
                std::cmp::Reverse(c.submitted + c.arrived),
                t,
            )
        });
        let mut s: Vec<usize> = order.into_iter().take(MAX_SHOWN - 1).collect();
        s.sort_unstable();
        s
    };
    let rest: Vec<usize> = (0..n).filter(|t| !shown.contains(t)).collect();
    let mut v = Vec::new();
    let mut add = |label: String, out: Steps, inb: Option<Steps>, colors: (u32, u32)| {
        v.push(Line {
            label: format!("{label} queued out"),
            color: rgb(colors.0),
            steps: out,
            kind: SeriesKind::Outbound,
        });
        if let Some(inb) = inb {
            v.push(Line {
                label: format!("{label} remote in"),
                color: rgb(colors.1),
                steps: inb,
                kind: SeriesKind::Inbound,
            });
        }
    };
    for (k, &t) in shown.iter().enumerate() {
        let inb = lv.any_arrival[t].then(|| lv.inbound[t].clone());
        let name = clip(&transport_name(run, t), 16);
        add(name, lv.outbound[t].clone(), inb, PALETTE[k]);
    }
    if !rest.is_empty() {
        let out = sum_steps(rest.iter().map(|&t| &lv.outbound[t]));
        let inb = rest
            .iter()
            .any(|&t| lv.any_arrival[t])
            .then(|| sum_steps(rest.iter().map(|&t| &lv.inbound[t])));
        add(format!("{} others", rest.len()), out, inb, OTHERS);
    }
    v.push(Line {
        label: "inbox (right axis)".into(),
        color: rgb(INBOX),
        steps: lv.inbox.clone(),
        kind: SeriesKind::Inbox,
    });
    v
}

/// A chart of some lines over one view.
pub(super) struct Chart {
    /// The time it shows.
    pub view: View,
    /// Its series, reduced to the view's pixel columns.
    pub series: Vec<Series>,
    /// The top of the left (queue depth) axis.
    pub y_max: u64,
    /// The top of the right (inbox) axis.
    pub y2_max: u64,
}

impl Chart {
    /// The chart of `lines` over `view`.
    pub(super) fn of(lines: &[Line], view: View) -> Chart {
        let cols = (PLOT_X1 - PLOT_X0).max(1) as usize;
        let series: Vec<Series> = lines
            .iter()
            .map(|l| Series {
                label: l.label.clone(),
                color: l.color,
                points: column_steps(&l.steps, &view, cols),
                kind: l.kind,
            })
            .collect();
        let top = |inbox: bool| {
            series
                .iter()
                .filter(|s| (s.kind == SeriesKind::Inbox) == inbox)
                .flat_map(|s| s.points.iter().map(|p| p.1))
                .max()
                .unwrap_or(0)
        };
        Chart {
            view,
            y_max: headroom(top(false)),
            y2_max: headroom(top(true)),
            series,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::plot::axis::Unit;

    #[test]
    fn column_steps_keep_peaks_and_steps() {
        let mut v = View::new(0, 1000);
        v.axis.unit = Unit {
            name: "us",
            us: 1.0,
        };
        // A spike of 5 between 10 and 11 out of 1000 µs over 100 columns still shows.
        let s: Steps = vec![(10, 5), (11, 0), (500, 2)];
        let p = column_steps(&s, &v, 100);
        assert_eq!(p.first(), Some(&(0.0, 0)));
        assert!(p.contains(&(10.0, 5)));
        assert!(p.contains(&(20.0, 0)));
        assert!(p.contains(&(500.0, 2)));
        assert_eq!(p.last(), Some(&(1000.0, 2)));
        // Steps only: every move is either horizontal or vertical.
        for w in p.windows(2) {
            assert!(w[0].0 == w[1].0 || w[0].1 == w[1].1);
        }
    }

    #[test]
    fn column_steps_of_a_window() {
        let mut v = View::new(100, 200);
        v.axis.unit = Unit {
            name: "us",
            us: 1.0,
        };
        let s: Steps = vec![(10, 3), (150, 1), (300, 9)];
        let p = column_steps(&s, &v, 10);
        assert_eq!(p, vec![(100.0, 3), (150.0, 3), (150.0, 1), (200.0, 1)]);
    }
}
