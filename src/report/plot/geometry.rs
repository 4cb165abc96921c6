//! Where things go on the picture: its size, its margins, and how virtual time maps to pixel
//! columns.
//!
//! The layout is decided before anything is drawn (which flush goes in which lane, which label
//! fits), so it needs to know where plotters will put each time; [`View::px`] mirrors the
//! mapping plotters uses for the plotting area these margins leave.

use super::axis::{unit_for, Axis};
use crate::sim::Micros;

/// The picture's width in pixels.
pub(super) const WIDTH: u32 = 1200;
/// The picture's height in pixels.
pub(super) const HEIGHT: u32 = 700;
/// The space around the chart on the left and at the bottom.
pub(super) const MARGIN: i32 = 12;
/// The legend's column at the right.
pub(super) const LEGEND_W: i32 = 232;
/// The left (queue depth) axis labels.
pub(super) const Y_LABEL_W: i32 = 72;
/// The right (inbox) axis labels.
pub(super) const Y2_LABEL_W: i32 = 72;
/// The time axis labels under the main chart.
pub(super) const X_LABEL_H: i32 = 50;
/// Where the event strip begins, under the title.
pub(super) const STRIP_TOP: i32 = 62;
/// The height of one lane of the event strip.
pub(super) const LANE_H: i32 = 22;
/// The whole-run panel under a chart that shows only the busy part of a run.
pub(super) const OVERVIEW_H: i32 = 118;
/// The time axis labels under the whole-run panel.
pub(super) const OVERVIEW_X_LABEL_H: i32 = 26;

/// Left pixel of the plotting area, as plotters lays it out.
pub(super) const PLOT_X0: i32 = MARGIN + Y_LABEL_W;
/// Right pixel of the plotting area, as plotters lays it out.
pub(super) const PLOT_X1: i32 = WIDTH as i32 - LEGEND_W - Y2_LABEL_W;

/// A rough width of `s` in pixels at plotters font size `size` (the SVG gets `size / 1.24`).
pub(super) fn text_w(s: &str, size: f64) -> i32 {
    (s.chars().count() as f64 * size / 1.24 * 0.6).ceil() as i32
}

/// `s`, cut to at most `max` characters with an ellipsis.
pub(super) fn clip(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut c: String = s.chars().take(max.saturating_sub(1)).collect();
        c.push('…');
        c
    }
}

/// The stretch of virtual time a chart shows.
#[derive(Debug, Clone, Copy)]
pub(super) struct View {
    /// Its first instant.
    pub lo: Micros,
    /// Its last instant (after `lo`).
    pub hi: Micros,
    /// How its time axis is labelled.
    pub axis: Axis,
}

impl View {
    /// The view from `lo` to `hi` (at least one microsecond long).
    pub(super) fn new(lo: Micros, hi: Micros) -> View {
        let lo = lo.min(Micros::MAX - 1);
        let hi = hi.max(lo + 1);
        View {
            lo,
            hi,
            axis: Axis {
                unit: unit_for(hi - lo),
                clock: lo > 0,
            },
        }
    }

    /// `t` in the axis's unit: the chart's x coordinate.
    pub(super) fn x(&self, t: Micros) -> f64 {
        t as f64 / self.axis.unit.us
    }

    /// The pixel column of `t`, as plotters will map it (to within a pixel).
    pub(super) fn px(&self, t: Micros) -> i32 {
        let f = (t as f64 - self.lo as f64) / (self.hi - self.lo) as f64;
        PLOT_X0 + (f * f64::from(PLOT_X1 - PLOT_X0)).round() as i32
    }

    /// Whether the period from `a` to `b` overlaps the view.
    pub(super) fn shows(&self, a: Micros, b: Micros) -> bool {
        a <= self.hi && b >= self.lo
    }
}
