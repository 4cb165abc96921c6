//! Building blocks every chart is drawn with: a plotting frame and its linear scales, round
//! ticks for numbers and for times, the y and x axes, and a legend with small samples of what
//! it explains.
//!
//! The run picture (`--plot`) stacks several panels over one time axis; a sweep chart draws
//! metrics against a varied parameter ([`super::lines`]). Both take their axes, ticks, colours
//! ([`super::palette`]) and legend from here, so every picture spoolsim draws looks alike.

use super::axis::{tick_label, Axis};
use super::marks::{cross, diamond, dot, tick, tri_down, tri_up};
use super::palette::{C_AXIS, C_CONNECT, C_ERR, C_GRID, C_LINE_UP, C_MUTED, C_TEXT};
use super::svg::{text_width, Anchor, Fill, Font, PathData, Stroke, Svg};
use crate::sim::Micros;

/// A plotting area: pixel `x0` to `x1` across, `top` to `bottom` down.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Frame {
    /// Left edge.
    pub x0: f64,
    /// Right edge.
    pub x1: f64,
    /// Top edge.
    pub top: f64,
    /// Bottom edge.
    pub bottom: f64,
}

impl Frame {
    /// Its width in pixels.
    pub(crate) fn width(&self) -> f64 {
        self.x1 - self.x0
    }

    /// Its height in pixels.
    pub(crate) fn height(&self) -> f64 {
        self.bottom - self.top
    }
}

/// A linear map from values `lo..hi` to pixels `p0..p1` (`p1` may be less than `p0`, as y
/// pixels grow downwards).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Scale {
    /// The value at `p0`.
    pub lo: f64,
    /// The value at `p1`.
    pub hi: f64,
    /// The pixel of `lo`.
    pub p0: f64,
    /// The pixel of `hi`.
    pub p1: f64,
}

impl Scale {
    /// The scale of `frame`'s height, `lo` at the bottom and `hi` at the top.
    pub(crate) fn y(frame: &Frame, lo: f64, hi: f64) -> Scale {
        Scale {
            lo,
            hi,
            p0: frame.bottom,
            p1: frame.top,
        }
    }

    /// The scale of `frame`'s width, `lo` at the left and `hi` at the right.
    pub(crate) fn x(frame: &Frame, lo: f64, hi: f64) -> Scale {
        Scale {
            lo,
            hi,
            p0: frame.x0,
            p1: frame.x1,
        }
    }

    /// The pixel of `v` (not clamped).
    pub(crate) fn px(&self, v: f64) -> f64 {
        let span = if self.hi == self.lo {
            1.0
        } else {
            self.hi - self.lo
        };
        self.p0 + (v - self.lo) / span * (self.p1 - self.p0)
    }
}

/// A round step (1, 2 or 5 times a power of ten) that cuts `len` into at most `max` parts.
pub(crate) fn nice_step(len: f64, max: usize) -> f64 {
    let len = if len.is_finite() && len > 0.0 {
        len
    } else {
        1.0
    };
    let rough = len / max.max(1) as f64;
    let mag = 10f64.powf(rough.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * mag)
        .find(|&s| s >= rough * (1.0 - 1e-9))
        .unwrap_or(10.0 * mag)
}

/// `v` rounded up to a multiple of [`nice_step`] for `v` in `max` parts: the top of an axis.
pub(crate) fn nice_top(v: f64, max: usize) -> f64 {
    if v.is_nan() || v <= 0.0 {
        return 1.0;
    }
    let step = nice_step(v, max);
    (v / step - 1e-9).ceil().max(1.0) * step
}

/// Ticks at multiples of a round step from `lo` to `hi` (at most about `max`); whole numbers
/// only when `whole` (counts of messages have no half).
pub(crate) fn nice_ticks(lo: f64, hi: f64, max: usize, whole: bool) -> Vec<f64> {
    let mut step = nice_step(hi - lo, max);
    if whole {
        step = step.max(1.0).round();
    }
    let first = (lo / step - 1e-9).ceil() as i64;
    (first..)
        .map(|k| k as f64 * step)
        .take_while(|&v| v <= hi + step * 1e-9)
        .take(100)
        .collect()
}

/// A number as a tick label: `0`, `2.5`, `1,200`, `3.5M`.
pub(crate) fn format_number(v: f64) -> String {
    if !v.is_finite() {
        return v.to_string();
    }
    let a = v.abs();
    if a >= 1e6 {
        return format!("{}M", trim(v / 1e6, 2));
    }
    if a >= 1e4 || (a >= 1000.0 && v.fract() == 0.0) {
        let s = format!("{}", v.round() as i64);
        return group_thousands(&s);
    }
    trim(v, 3)
}

/// `v` with at most `decimals` decimals, without trailing zeros.
fn trim(v: f64, decimals: usize) -> String {
    let s = format!("{v:.decimals$}");
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

/// `1234567` as `1,234,567`.
fn group_thousands(s: &str) -> String {
    let (sign, digits) = s.strip_prefix('-').map_or(("", s), |d| ("-", d));
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    format!("{sign}{out}")
}

/// The text of axis labels.
pub(crate) fn axis_font() -> Font {
    Font::new(11.0, C_TEXT)
}

/// A y axis on the left of `frame`: a label and a light grid line at each tick.
pub(crate) fn y_axis(svg: &mut Svg, frame: &Frame, scale: &Scale, ticks: &[(f64, String)]) {
    let font = axis_font().anchored(Anchor::End);
    for (v, label) in ticks {
        let y = scale.px(*v);
        if y < frame.top - 0.5 || y > frame.bottom + 0.5 {
            continue;
        }
        svg.line((frame.x0, y), (frame.x1, y), Stroke::new(C_GRID, 1.0));
        svg.line((frame.x0 - 4.0, y), (frame.x0, y), Stroke::new(C_AXIS, 1.0));
        svg.text((frame.x0 - 7.0, y), label, font);
    }
    svg.line(
        (frame.x0, frame.top),
        (frame.x0, frame.bottom),
        Stroke::new(C_AXIS, 1.0),
    );
}

/// The ticks of a count axis from 0 to `top`, labelled.
pub(crate) fn count_ticks(lo: f64, top: f64, max: usize) -> Vec<(f64, String)> {
    nice_ticks(lo, top, max, true)
        .into_iter()
        .map(|v| (v, format_number(v)))
        .collect()
}

/// A time axis under `frame` (tick labels below its bottom) at `ticks` (times) labelled as
/// `axis` says, with light grid lines down each of the `grid` spans (top, bottom).
pub(crate) fn time_axis(
    svg: &mut Svg,
    frame: &Frame,
    scale: &Scale,
    (ticks, axis): (&[Micros], Axis),
    grid: &[(f64, f64)],
) {
    let font = axis_font().anchored(Anchor::Middle);
    let mut last_right = f64::NEG_INFINITY;
    for &t in ticks {
        let x = scale.px(t as f64);
        for &(top, bottom) in grid {
            svg.line((x, top), (x, bottom), Stroke::new(C_GRID, 1.0));
        }
        svg.line(
            (x, frame.bottom),
            (x, frame.bottom + 4.0),
            Stroke::new(C_AXIS, 1.0),
        );
        let label = tick_label(t as f64 / axis.unit.us, axis);
        let w = text_width(&label, font.size);
        // Labels never overlap: one that would is left out.
        if x - w / 2.0 > last_right + 6.0 {
            svg.text((x, frame.bottom + 14.0), &label, font);
            last_right = x + w / 2.0;
        }
    }
    svg.line(
        (frame.x0, frame.bottom),
        (frame.x1, frame.bottom),
        Stroke::new(C_AXIS, 1.0),
    );
}

/// What a legend entry's sample looks like.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Swatch {
    /// A line (solid or dashed).
    Line(Stroke),
    /// A filled area with its top edge.
    Area(&'static str),
    /// A band from a light fill, a line through it and a dot: a sweep's p50 and min–max.
    Band(&'static str, &'static str),
    /// A strip of shades.
    Shades(&'static str),
    /// A bar with ▼ at its start and ▲ at its end.
    Returned(&'static str),
    /// A bar with ▼ at its start only.
    NotReturned(&'static str),
    /// A thin tail ending in a tick.
    Tail(&'static str),
    /// A line with ◆ at its start.
    Prompt(&'static str),
    /// ✕.
    Cancel,
    /// A line-up band with ● at its start.
    Connect,
    /// A shaded span.
    Span(&'static str),
    /// A solid block.
    Block(&'static str),
    /// A vertical mark.
    Mark(&'static str),
}

/// One entry of a legend.
#[derive(Debug, Clone)]
pub(crate) struct LegendEntry {
    /// Its sample.
    pub swatch: Swatch,
    /// What it means.
    pub label: String,
}

impl LegendEntry {
    /// An entry.
    pub(crate) fn new(swatch: Swatch, label: impl Into<String>) -> LegendEntry {
        LegendEntry {
            swatch,
            label: label.into(),
        }
    }
}

/// Space between legend rows.
pub(crate) const LEGEND_ROW: f64 = 19.0;

/// A legend block at `(x, y)`: its bold `title`, then one row per entry; returns the `y` under
/// it.
pub(crate) fn legend(
    svg: &mut Svg,
    (x, y): (f64, f64),
    title: &str,
    entries: &[LegendEntry],
) -> f64 {
    if entries.is_empty() {
        return y;
    }
    svg.group("legend");
    svg.text((x, y), title, Font::new(12.0, C_TEXT).bold());
    let mut y = y + LEGEND_ROW;
    for e in entries {
        swatch(svg, e.swatch, (x, y));
        svg.text((x + 34.0, y), &e.label, Font::new(12.0, C_TEXT));
        y += LEGEND_ROW;
    }
    svg.end();
    y + 8.0
}

/// A legend sample at `(x, y)`, 26 pixels wide.
fn swatch(svg: &mut Svg, s: Swatch, (x, y): (f64, f64)) {
    match s {
        Swatch::Line(st) => svg.line((x, y), (x + 26.0, y), st),
        Swatch::Area(c) => {
            svg.rect((x, y - 6.0), (26.0, 12.0), Fill::faded(c, 0.25));
            svg.line(
                (x, y - 6.0),
                (x + 26.0, y - 6.0),
                Stroke::new(c, 1.0).faded(0.7),
            );
        }
        Swatch::Band(c, light) => {
            svg.rect((x, y - 6.0), (26.0, 12.0), Fill::faded(light, 0.35));
            svg.line((x, y), (x + 26.0, y), Stroke::new(c, 2.0));
            dot(svg, x + 13.0, y, 3.0, c);
        }
        Swatch::Shades(c) => {
            for k in 0..4 {
                let o = 0.15 + 0.28 * f64::from(k);
                svg.rect(
                    (x + 6.5 * f64::from(k), y - 3.0),
                    (6.5, 6.0),
                    Fill::faded(c, o),
                );
            }
        }
        Swatch::Returned(c) => {
            svg.line((x + 4.0, y), (x + 22.0, y), Stroke::new(c, 4.0));
            tri_down(svg, x + 4.0, y, c);
            tri_up(svg, x + 22.0, y, c);
        }
        Swatch::NotReturned(c) => {
            svg.line((x + 4.0, y), (x + 26.0, y), Stroke::new(c, 4.0));
            tri_down(svg, x + 4.0, y, c);
        }
        Swatch::Tail(c) => {
            svg.line((x + 2.0, y), (x + 26.0, y), Stroke::new(c, 1.0).faded(0.6));
            tick(svg, x + 26.0, y, 4.0, Stroke::new(c, 1.0));
        }
        Swatch::Prompt(c) => {
            svg.line((x + 4.0, y), (x + 24.0, y), Stroke::new(c, 2.0));
            diamond(svg, x + 4.0, y, c);
        }
        Swatch::Cancel => cross(svg, x + 13.0, y, C_ERR),
        Swatch::Connect => {
            svg.rect((x + 4.0, y - 5.0), (22.0, 10.0), Fill::solid(C_LINE_UP));
            dot(svg, x + 4.0, y, 4.0, C_CONNECT);
        }
        Swatch::Span(c) => svg.rect((x + 4.0, y - 7.0), (18.0, 14.0), Fill::faded(c, 0.22)),
        Swatch::Block(c) => svg.rect((x + 4.0, y - 5.0), (22.0, 10.0), Fill::solid(c)),
        Swatch::Mark(c) => {
            svg.line(
                (x + 13.0, y - 7.0),
                (x + 13.0, y + 7.0),
                Stroke::new(c, 2.0),
            );
        }
    }
}

/// A step line through `values` (one per column, drawn from `xs[c]` to `xs[c + 1]`), with runs
/// of equal pixels merged: the path of a reduced step function.
pub(crate) fn step_path(xs: &[f64], ys: &[f64]) -> PathData {
    let mut d = PathData::new();
    let mut prev: Option<f64> = None;
    for (c, &y) in ys.iter().enumerate() {
        let y = (y * 10.0).round() / 10.0;
        match prev {
            None => d.move_to((xs[c], y)),
            Some(p) if p == y => continue,
            Some(_) => {
                d.h(xs[c]);
                d.v(y);
            }
        }
        prev = Some(y);
    }
    if let Some(&x) = xs.get(ys.len()) {
        d.h(x);
    }
    d
}

/// The filled area under a step line ([`step_path`]) down to `base`.
pub(crate) fn step_area(xs: &[f64], ys: &[f64], base: f64) -> PathData {
    let mut d = PathData::new();
    if ys.is_empty() {
        return d;
    }
    d.move_to((xs[0], base));
    let mut prev: Option<f64> = None;
    for (c, &y) in ys.iter().enumerate() {
        let y = (y * 10.0).round() / 10.0;
        if prev != Some(y) {
            d.h(xs[c]);
            d.v(y);
            prev = Some(y);
        }
    }
    if let Some(&x) = xs.get(ys.len()) {
        d.h(x);
    }
    d.v(base);
    d.close();
    d
}

/// A note in muted text centred in `frame`.
pub(crate) fn note(svg: &mut Svg, frame: &Frame, s: &str) {
    let mid = (
        (frame.x0 + frame.x1) / 2.0,
        (frame.top + frame.bottom) / 2.0,
    );
    svg.text(mid, s, Font::new(14.0, C_MUTED).anchored(Anchor::Middle));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_ticks() {
        assert_eq!(nice_step(10.0, 5), 2.0);
        assert_eq!(nice_step(0.9, 4), 0.5);
        assert_eq!(nice_top(14.0, 4), 15.0);
        assert_eq!(nice_top(1.0, 4), 1.0);
        assert_eq!(nice_top(0.0, 4), 1.0);
        assert_eq!(nice_ticks(0.0, 15.0, 4, true), vec![0.0, 5.0, 10.0, 15.0]);
        assert_eq!(nice_ticks(0.0, 1.0, 4, true), vec![0.0, 1.0]);
        assert_eq!(nice_ticks(0.0, 1.0, 4, false), vec![0.0, 0.5, 1.0]);
        assert_eq!(format_number(1_234_567.0), "1.23M");
        assert_eq!(format_number(364_951.0), "364,951");
        assert_eq!(format_number(2.5), "2.5");
        assert_eq!(format_number(1200.0), "1,200");
        assert_eq!(format_number(-0.125), "-0.125");
    }

    #[test]
    fn step_paths_merge_equal_runs() {
        let xs = [0.0, 1.0, 2.0, 3.0, 4.0];
        let d = step_path(&xs, &[5.0, 5.0, 2.0, 2.0]);
        assert_eq!(d, {
            let mut p = PathData::new();
            p.move_to((0.0, 5.0));
            p.h(2.0);
            p.v(2.0);
            p.h(4.0);
            p
        });
        assert!(!step_area(&xs, &[1.0; 4], 9.0).is_empty());
    }
}
