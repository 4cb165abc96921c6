//! Everything the picture shows, decided before anything is drawn: which stretch of the run it
//! shows, how that stretch maps to pixel columns, what the event strip and the panels hold, and
//! what the subtitle says.
//!
//! Deciding all of it first keeps the drawing code a plain walk over a [`Model`], and lets the
//! layout reason in pixels (so labels never overlap, and a flush is never thinner than a few
//! pixels) without drawing anything twice.

use super::axis::{human, unit_for, Axis};
use super::columns::bounds;
use super::panels::Panels;
use super::strip::Strip;
use super::svg::text_width;
use super::window::{PlotWindow, WindowError};
use crate::report::analysis::{call_spans, span_end, FlushSpan, Levels};
use crate::scenario::RunResult;
use crate::sim::time::MILLISECOND;
use crate::sim::Micros;
use crate::trace::EventKind;

/// The picture's width in pixels.
pub(super) const WIDTH: f64 = 1200.0;
/// The left edge of the time axis (lane names and y labels go left of it).
pub(super) const X0: f64 = 104.0;
/// The legend's column at the right.
pub(super) const LEGEND_W: f64 = 262.0;
/// The right edge of the time axis.
pub(super) const X1: f64 = WIDTH - LEGEND_W - 14.0;
/// The height of one lane of the event strip.
pub(super) const LANE_H: f64 = 22.0;
/// The narrowest a flush call, prompt, connect or fault is drawn, in pixels.
pub(super) const MIN_W: f64 = 4.0;
/// A quiet stretch longer than this share of the run makes the chart show the busy part.
const QUIET_SHARE: f64 = 0.5;

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

/// The right end of `s` written from `x` at font size `size`.
pub(super) fn text_end(x: f64, s: &str, size: f64) -> f64 {
    x + text_width(s, size)
}

/// The stretch of virtual time the picture shows, and where its times fall.
#[derive(Debug, Clone, Copy)]
pub(super) struct View {
    /// Its first instant.
    pub lo: Micros,
    /// Its last instant (after `lo`).
    pub hi: Micros,
    /// How its time axis is labelled.
    pub axis: Axis,
    /// Its left pixel.
    pub x0: f64,
    /// Its right pixel.
    pub x1: f64,
}

impl View {
    /// The view from `lo` to `hi` (at least one microsecond long) between pixels `x0` and `x1`.
    pub(super) fn new(lo: Micros, hi: Micros, x0: f64, x1: f64) -> View {
        let lo = lo.min(Micros::MAX - 1);
        let hi = hi.max(lo + 1);
        View {
            lo,
            hi,
            axis: Axis {
                unit: unit_for(hi - lo),
                clock: lo > 0,
            },
            x0,
            x1,
        }
    }

    /// The pixel of `t` (not clamped).
    pub(super) fn px(&self, t: Micros) -> f64 {
        let f = (t as f64 - self.lo as f64) / (self.hi - self.lo) as f64;
        self.x0 + f * (self.x1 - self.x0)
    }

    /// The pixel of `t` clamped to the view.
    pub(super) fn pxc(&self, t: Micros) -> f64 {
        self.px(t.clamp(self.lo, self.hi))
    }

    /// Whether the period from `a` to `b` overlaps the view.
    pub(super) fn shows(&self, a: Micros, b: Micros) -> bool {
        a <= self.hi && b >= self.lo
    }

    /// Whether `t` is in the view.
    pub(super) fn inside(&self, t: Micros) -> bool {
        t >= self.lo && t <= self.hi
    }

    /// The boundaries of the view's columns: one per pixel, or per microsecond when the view
    /// is shorter than it is wide.
    pub(super) fn bounds(&self) -> Vec<Micros> {
        bounds(
            self.lo,
            self.hi,
            (self.x1 - self.x0).round().max(1.0) as usize,
        )
    }

    /// The pixels of column boundaries.
    pub(super) fn xs(&self, bounds: &[Micros]) -> Vec<f64> {
        bounds.iter().map(|&t| self.px(t)).collect()
    }
}

/// What the picture is asked to show.
#[derive(Debug, Clone, Copy, Default)]
pub struct PlotOptions {
    /// Only this stretch of the run (`--plot-window`); by default the whole run, or its busy
    /// part when a quiet stretch takes most of it.
    pub window: Option<PlotWindow>,
}

/// Everything to draw, computed before drawing.
pub(super) struct Model {
    /// The scenario and seed.
    pub title: String,
    /// What the run amounted to, and which part of it is shown: a line each.
    pub subtitle: Vec<String>,
    /// When the run ends.
    pub span: Micros,
    /// The stretch the strip and the panels show.
    pub view: View,
    /// Whether `view` is less than the whole run (so the whole-run panel is drawn).
    pub partial: bool,
    /// The event strip.
    pub strip: Strip,
    /// The transport and inbox panels.
    pub panels: Panels,
    /// Every flush call, for the whole-run panel.
    pub flushes: Vec<FlushSpan>,
    /// The run's levels, for the whole-run panel.
    pub levels: Levels,
}

impl Model {
    /// Lays out the picture of `run`.
    pub(super) fn build(run: &RunResult, opts: &PlotOptions) -> Result<Model, WindowError> {
        let span = span_end(run).max(1);
        let levels = Levels::of(run);
        let (range, windowed) = match opts.window {
            Some(w) => (Some(w.within(span)?), true),
            None => (focus(run, &levels, span), false),
        };
        let (lo, hi) = range.unwrap_or((0, span));
        let view = View::new(lo, hi, X0, X1);
        let flushes = call_spans(run);
        let strip = Strip::build(run, &flushes, view, span);
        let panels = Panels::build(run, &levels, view, span);
        Ok(Model {
            title: format!("{} — seed {}", clip(&run.scenario, 60), run.seed),
            subtitle: subtitle(run, &flushes, range, windowed),
            span,
            view,
            partial: range.is_some(),
            strip,
            panels,
            flushes,
            levels,
        })
    }
}

/// The busy part of a run, when a quiet stretch takes more than [`QUIET_SHARE`] of it and
/// almost all activity lies on one side of it: that side, with a little margin.
fn focus(run: &RunResult, lv: &Levels, span: Micros) -> Option<(Micros, Micros)> {
    let mut times: Vec<Micros> = Vec::new();
    for s in lv.outbound.iter().chain(&lv.inbound).chain([&lv.inbox]) {
        times.extend(s.iter().map(|&(t, _)| t));
    }
    times.extend(run.trace.events().iter().filter_map(|e| match e.kind {
        EventKind::FlushCall { .. }
        | EventKind::ValidateCall { .. }
        | EventKind::FlushReturn { .. }
        | EventKind::FlushComplete { .. }
        | EventKind::PhaseBegin { .. }
        | EventKind::PartEnd { .. }
        | EventKind::Prompt { .. }
        | EventKind::Answer { .. }
        | EventKind::Dial { .. }
        | EventKind::Connected { .. }
        | EventKind::HangUp { .. }
        | EventKind::Ndr { .. }
        | EventKind::AttemptFailed { .. } => Some(e.key.t),
        _ => None,
    }));
    if times.is_empty() {
        return None;
    }
    times.sort_unstable();
    times.dedup();
    let mut cuts = Vec::with_capacity(times.len() + 2);
    cuts.push(0);
    cuts.extend(times.iter().copied().filter(|&t| t <= span));
    cuts.push(span);
    let (a, b) = cuts
        .windows(2)
        .map(|w| (w[0], w[1]))
        .max_by_key(|&(a, b)| (b - a, std::cmp::Reverse(a)))?;
    if ((b - a) as f64) < QUIET_SHARE * span as f64 {
        return None;
    }
    let before = times.partition_point(|&t| t <= a);
    let after = times.len() - times.partition_point(|&t| t < b);
    // Zoom only when nearly everything happens on one side of the gap (work, then mail left to
    // expire days later); activity on both sides (a crash and its recovery) is shown whole.
    if before.min(after) * 10 > before.max(after) {
        return None;
    }
    if before >= after {
        let pad = (a / 20).max(MILLISECOND);
        Some((0, a.saturating_add(pad).min(span)))
    } else {
        let pad = ((span - b) / 20).max(MILLISECOND);
        Some((b.saturating_sub(pad), span))
    }
}

/// The run in one line: its length, its transports, the mail it moved, its flush calls and
/// prompts, and which part of it the picture shows.
fn subtitle(
    run: &RunResult,
    calls: &[FlushSpan],
    range: Option<(Micros, Micros)>,
    windowed: bool,
) -> Vec<String> {
    let c = run.trace.counts().iter().fold([0u64; 4], |mut a, c| {
        a[0] += c.submitted;
        a[1] += c.delivered;
        a[2] += c.received;
        a[3] += c.prompts;
        a
    });
    let plural = |k: u64, word: &str| format!("{k} {word}{}", if k == 1 { "" } else { "s" });
    let validate_calls = calls.iter().filter(|c| c.validate.is_some()).count() as u64;
    let flush_calls = calls.len() as u64 - validate_calls;
    let flush_calls = match validate_calls {
        0 => plural(flush_calls, "flush call"),
        v => format!(
            "{} · {}",
            plural(flush_calls, "flush call"),
            plural(v, "validate call")
        ),
    };
    let mut lines = vec![format!(
        "{} of virtual time · {} · {} submitted · {} delivered · {} received · {} · {}",
        human(run.end_time),
        plural(run.transport_names.len() as u64, "transport"),
        c[0] + run.trace.unroutable(),
        c[1],
        c[2],
        flush_calls,
        plural(c[3], "dial prompt"),
    )];
    if let Some((lo, hi)) = range {
        let from = if lo == 0 { "0".to_string() } else { human(lo) };
        let why = if windowed {
            "the window asked for"
        } else {
            "the busy part"
        };
        lines.push(format!(
            "showing {why}, {from} to {}; the whole run is at the bottom",
            human(hi)
        ));
    }
    lines
}
