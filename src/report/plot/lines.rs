//! A chart of metrics against a varied parameter: what a sweep over `--vary` values draws.
//!
//! One panel per metric, stacked over one shared x axis (the varied parameter: numbers,
//! durations or named choices), one line per series (for instance per value of a second varied
//! parameter) through the median of each point's runs, with a light band from the least to the
//! largest value when a point ran several seeds. The kit is the run picture's (`chart`,
//! `palette`, `svg`), so both look alike; the caller only fills in a [`LinePlot`].
//!
//! A sweep's lines often lie on top of each other (two flush orders that change nothing), so
//! earlier lines are drawn wider and a later one leaves them showing at both edges. A value
//! axis starts at zero unless the values sit far above it, where zero would press every line
//! flat (flush times an hour into the day that move by seconds). Points where some run failed
//! its expectations get a red halo, so the picture shows where the table's `failed` column is
//! not zero.

use super::axis::{human, time_ticks};
use super::chart::{
    axis_font, format_number, legend, nice_ticks, nice_top, y_axis, Frame, LegendEntry, Scale,
    Swatch,
};
use super::marks::dot;
use super::palette::{series_color, C_AXIS, C_ERR, C_GRID, C_MUTED, C_TEXT, PALETTE};
use super::svg::{text_width, Anchor, Fill, Font, PathData, Stroke, Svg};
use crate::sim::time::{format_compact, DAY, HOUR, MILLISECOND, MINUTE, SECOND};

/// The most lines a chart tells apart by colour; more would repeat colours.
pub const MAX_SERIES: usize = PALETTE.len();

/// What the values of an axis are.
#[derive(Debug, Clone, PartialEq)]
pub enum ValueKind {
    /// Plain numbers.
    Number,
    /// Counts (whole numbers).
    Count,
    /// Durations in microseconds, labelled `2 min`, `1.5 s`.
    Duration,
    /// Named choices; a point's `x` is the index of its name.
    Choices(Vec<String>),
}

/// One point of a line: its x, and the median, least and largest value of its runs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LinePoint {
    /// Where it is on the x axis (the index of its name, for choices).
    pub x: f64,
    /// The median (the line goes through it).
    pub mid: f64,
    /// The least value (the band's bottom).
    pub lo: f64,
    /// The largest value (the band's top).
    pub hi: f64,
    /// Whether some run of this point failed (drawn as a red halo round the point).
    pub failed: bool,
}

/// One line of a panel.
#[derive(Debug, Clone, PartialEq)]
pub struct LineSeries {
    /// Its legend entry, such as `spooler.flush_order = parallel` (empty: not in the legend,
    /// for a chart of one line).
    pub label: String,
    /// Its points, in x order.
    pub points: Vec<LinePoint>,
}

/// One metric's panel.
#[derive(Debug, Clone, PartialEq)]
pub struct LinePanel {
    /// The metric's name, written above the panel.
    pub metric: String,
    /// What its values are.
    pub kind: ValueKind,
    /// Its lines (series `i` has the same colour in every panel).
    pub series: Vec<LineSeries>,
}

/// A whole chart.
#[derive(Debug, Clone, PartialEq)]
pub struct LinePlot {
    /// The title, such as the scenario's name.
    pub title: String,
    /// A line under it, such as the seeds run.
    pub subtitle: String,
    /// The varied parameter's name, under the x axis.
    pub x_label: String,
    /// What its values are.
    pub x_kind: ValueKind,
    /// The x axis's ticks as `(x, label)`, such as every value a sweep varied, as written;
    /// `None`: a tick at each point, or round ticks when there are more than a dozen.
    pub x_ticks: Option<Vec<(f64, String)>>,
    /// One panel per metric.
    pub panels: Vec<LinePanel>,
}

/// The picture's width.
const WIDTH: f64 = 1200.0;
/// The plotting area's left and right edges.
const X0: f64 = 110.0;
const X1: f64 = 920.0;
/// A panel's height, and the space above it for its name.
const PANEL_H: f64 = 170.0;
const HEADER_H: f64 = 26.0;

/// Ticks of a value axis from `lo` to at least `max`: (top, ticks with labels).
fn value_ticks(kind: &ValueKind, lo: f64, max: f64) -> (f64, Vec<(f64, String)>) {
    match kind {
        ValueKind::Duration => {
            let top = max.max(1.0) as u64;
            let mut ticks = time_ticks(lo.max(0.0) as u64, top, 5);
            let step = match ticks.as_slice() {
                [.., a, b] => b - a,
                _ => top,
            };
            if ticks.last().is_some_and(|&t| t < top) {
                let next = ticks.last().copied().unwrap_or(0) + step;
                ticks.push(next);
            }
            let top = ticks.last().copied().unwrap_or(top) as f64;
            let ticks: Vec<f64> = ticks.into_iter().map(|t| t as f64).collect();
            (top, duration_labels(&ticks))
        }
        ValueKind::Choices(names) => {
            let top = names.len().saturating_sub(1) as f64;
            (
                top,
                names
                    .iter()
                    .enumerate()
                    .map(|(i, n)| (i as f64, n.clone()))
                    .collect(),
            )
        }
        _ => {
            let top = nice_top(max - lo, 5) + lo;
            let whole = *kind == ValueKind::Count;
            let ticks = nice_ticks(lo, top, 5, whole);
            (
                top,
                ticks.into_iter().map(|v| (v, format_number(v))).collect(),
            )
        }
    }
}

/// A duration in microseconds as a tick label: `0`, `15 s`, `1 min 30 s`.
fn duration_label(v: f64) -> String {
    if v <= 0.0 {
        "0".into()
    } else {
        human(v.round() as u64)
    }
}

/// Whether [`human`] writes `us` exactly (it keeps two units, or three decimals of one).
fn human_is_exact(us: u64) -> bool {
    let step = match us {
        t if t >= DAY => HOUR,
        t if t >= HOUR => MINUTE,
        t if t >= MINUTE => SECOND,
        t if t >= SECOND => MILLISECOND,
        _ => 1,
    };
    us % step == 0
}

/// Labels for duration ticks at `ticks` (microseconds): `1 h 5 min` where that is exact for
/// every tick, else the compact `1h05m30s` for all of them, so no two ticks share a label and
/// one axis does not mix two styles.
fn duration_labels(ticks: &[f64]) -> Vec<(f64, String)> {
    let exact = ticks
        .iter()
        .all(|&t| human_is_exact(t.max(0.0).round() as u64));
    ticks
        .iter()
        .map(|&t| {
            let label = if exact || t <= 0.0 {
                duration_label(t)
            } else {
                let compact = format_compact(t.round() as u64);
                match compact.strip_suffix(".000s") {
                    Some(whole) => format!("{whole}s"),
                    None => compact,
                }
            };
            (t, label)
        })
        .collect()
}

/// Where a value axis starts: at zero, unless the values lie far above it (their least more
/// than twice their spread), where zero would press every line flat; then a little under
/// the least.
fn value_floor(min: f64, max: f64) -> f64 {
    if !min.is_finite() || min <= 0.0 {
        return if min.is_finite() { min } else { 0.0 };
    }
    let spread = max - min;
    if spread > 0.0 && min > 2.0 * spread {
        (min - spread * 0.1).max(0.0)
    } else {
        0.0
    }
}

/// The x range and ticks: choices sit half a step from the edges, numbers a little.
fn x_range(p: &LinePlot) -> (f64, f64, Vec<(f64, String)>) {
    if let ValueKind::Choices(names) = &p.x_kind {
        let (_, ticks) = value_ticks(&p.x_kind, 0.0, 0.0);
        let ticks = p.x_ticks.clone().unwrap_or(ticks);
        return (-0.5, names.len().max(1) as f64 - 0.5, ticks);
    }
    let xs = p
        .panels
        .iter()
        .flat_map(|pn| pn.series.iter().flat_map(|s| s.points.iter().map(|q| q.x)));
    let (lo, hi) = xs.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), x| {
        (a.min(x), b.max(x))
    });
    let (lo, hi) = if lo.is_finite() { (lo, hi) } else { (0.0, 1.0) };
    let pad = if hi > lo {
        (hi - lo) * 0.04
    } else {
        lo.abs().max(1.0) * 0.5
    };
    if let Some(ticks) = &p.x_ticks {
        return (lo - pad, hi + pad, ticks.clone());
    }
    // A few points: a tick at each, as the sweep varied them; many: round ticks.
    let mut at: Vec<f64> = p
        .panels
        .iter()
        .flat_map(|pn| pn.series.iter().flat_map(|s| s.points.iter().map(|q| q.x)))
        .collect();
    at.sort_by(f64::total_cmp);
    at.dedup();
    if at.len() > 12 {
        at = match p.x_kind {
            ValueKind::Duration => time_ticks(lo.max(0.0) as u64, hi.max(0.0) as u64, 8)
                .into_iter()
                .map(|t| t as f64)
                .collect(),
            _ => nice_ticks(lo, hi, 8, p.x_kind == ValueKind::Count),
        };
    }
    let ticks = match p.x_kind {
        ValueKind::Duration => duration_labels(&at),
        _ => at.into_iter().map(|v| (v, format_number(v))).collect(),
    };
    (lo - pad, hi + pad, ticks)
}

/// Renders `p` as an SVG document.
pub fn render_line_plot(p: &LinePlot) -> String {
    let top = 70.0;
    let height = top + p.panels.len().max(1) as f64 * (PANEL_H + HEADER_H) + 60.0;
    let mut svg = Svg::new(WIDTH, height);
    svg.text((X0, 22.0), &p.title, Font::new(20.0, C_TEXT).bold());
    svg.text((X0, 44.0), &p.subtitle, Font::new(12.5, C_MUTED));
    let (xlo, xhi, xticks) = x_range(p);
    let mut y = top;
    let mut last: Option<Frame> = None;
    for panel in &p.panels {
        let frame = Frame {
            x0: X0,
            x1: X1,
            top: y + HEADER_H,
            bottom: y + HEADER_H + PANEL_H,
        };
        draw_panel(&mut svg, panel, &frame, (xlo, xhi, &xticks));
        y = frame.bottom;
        last = Some(frame);
    }
    if let Some(f) = last {
        x_axis(&mut svg, &f, (xlo, xhi, &xticks), &p.x_label);
    }
    draw_legend(&mut svg, p, top + HEADER_H);
    svg.finish()
}

/// One metric's panel in `frame`.
fn draw_panel(svg: &mut Svg, panel: &LinePanel, frame: &Frame, x: (f64, f64, &[(f64, String)])) {
    svg.group("panel metric");
    svg.text(
        (frame.x0, frame.top - 11.0),
        &panel.metric,
        Font::new(13.0, C_TEXT).bold(),
    );
    let points = || panel.series.iter().flat_map(|s| s.points.iter());
    let min = points()
        .map(|q| q.lo.min(q.mid))
        .fold(f64::INFINITY, f64::min);
    let max = points()
        .map(|q| q.hi.max(q.mid))
        .fold(f64::NEG_INFINITY, f64::max);
    let lo = value_floor(min, max);
    let max = if max.is_finite() { max } else { 1.0 };
    let (top, ticks) = value_ticks(&panel.kind, lo, max);
    let ys = Scale::y(frame, lo, if top > lo { top } else { lo + 1.0 });
    y_axis(svg, frame, &ys, &ticks);
    let xs = Scale::x(frame, x.0, x.1);
    for (v, _) in x.2 {
        let px = xs.px(*v);
        svg.line(
            (px, frame.top),
            (px, frame.bottom),
            Stroke::new(C_GRID, 1.0),
        );
    }
    let n = panel.series.len();
    for (i, s) in panel.series.iter().enumerate() {
        // Earlier lines wider (2 px more each, at most 10 px), so a later line on top of one
        // leaves it showing.
        let step = (8.0 / n.saturating_sub(1).max(1) as f64).min(2.0);
        let width = 2.0 + step * (n - 1 - i) as f64;
        draw_series(svg, s, series_color(i), width, (&xs, &ys));
    }
    svg.frame(
        (frame.x0, frame.top),
        (frame.width(), frame.height()),
        Stroke::new(C_AXIS, 1.0),
    );
    svg.end();
}

/// One line: its band and whiskers (least to largest), the line through the medians, a dot
/// at each point and a red halo under the points where some run failed.
fn draw_series(
    svg: &mut Svg,
    s: &LineSeries,
    (c, light): (&'static str, &'static str),
    width: f64,
    (xs, ys): (&Scale, &Scale),
) {
    let at = |q: &LinePoint, v: f64| (xs.px(q.x), ys.px(v));
    if s.points.iter().any(|q| q.hi > q.lo) {
        let mut band: Vec<(f64, f64)> = s.points.iter().map(|q| at(q, q.hi)).collect();
        band.extend(s.points.iter().rev().map(|q| at(q, q.lo)));
        svg.polygon(&band, Fill::faded(light, 0.3));
        for q in s.points.iter().filter(|q| q.hi > q.lo) {
            svg.line(at(q, q.lo), at(q, q.hi), Stroke::new(c, 1.0).faded(0.6));
        }
    }
    for q in s.points.iter().filter(|q| q.failed) {
        svg.circle(at(q, q.mid), width / 2.0 + 6.0, Fill::faded(C_ERR, 0.45));
    }
    let mut d = PathData::new();
    for (k, q) in s.points.iter().enumerate() {
        if k == 0 {
            d.move_to(at(q, q.mid));
        } else {
            d.line_to(at(q, q.mid));
        }
    }
    svg.stroke_path(&d, Stroke::new(c, width));
    for q in &s.points {
        let (px, py) = at(q, q.mid);
        dot(svg, px, py, width / 2.0 + 1.5, c);
    }
}

/// The shared x axis under the last panel.
fn x_axis(svg: &mut Svg, frame: &Frame, x: (f64, f64, &[(f64, String)]), label: &str) {
    let xs = Scale::x(frame, x.0, x.1);
    let font = axis_font().anchored(Anchor::Middle);
    let mut right = f64::NEG_INFINITY;
    for (v, text) in x.2 {
        let px = xs.px(*v);
        svg.line(
            (px, frame.bottom),
            (px, frame.bottom + 4.0),
            Stroke::new(C_AXIS, 1.0),
        );
        let w = text_width(text, font.size);
        if px - w / 2.0 > right + 6.0 {
            svg.text((px, frame.bottom + 14.0), text, font);
            right = px + w / 2.0;
        }
    }
    let at = ((frame.x0 + frame.x1) / 2.0, frame.bottom + 34.0);
    svg.text(at, label, Font::new(12.0, C_TEXT).anchored(Anchor::Middle));
}

/// The series, in the colours every panel uses, and what the marks mean.
fn draw_legend(svg: &mut Svg, p: &LinePlot, top: f64) {
    let Some(first) = p.panels.first() else {
        return;
    };
    let entries: Vec<LegendEntry> = first
        .series
        .iter()
        .enumerate()
        .filter(|(_, s)| !s.label.is_empty())
        .map(|(i, s)| {
            let (c, light) = series_color(i);
            LegendEntry::new(Swatch::Band(c, light), clip_label(&s.label))
        })
        .collect();
    let x = X1 + 24.0;
    let y = legend(svg, (x, top), "lines", &entries);
    let all = || {
        p.panels
            .iter()
            .flat_map(|pn| pn.series.iter().flat_map(|s| &s.points))
    };
    let mut lines: Vec<&str> = if all().any(|q| q.hi > q.lo) {
        vec!["line: the median of the seeds", "band: least to largest"]
    } else {
        vec!["one run per point"]
    };
    let failed = all().any(|q| q.failed);
    if failed {
        lines.push("halo: some runs failed");
    }
    for (k, text) in lines.iter().enumerate() {
        let y = y + 4.0 + 16.0 * k as f64;
        if failed && k + 1 == lines.len() {
            svg.circle((x + 5.0, y), 6.0, Fill::faded(C_ERR, 0.45));
            svg.text((x + 16.0, y), text, Font::new(11.0, C_MUTED));
        } else {
            svg.text((x, y), text, Font::new(11.0, C_MUTED));
        }
    }
}

/// A legend label cut to fit the legend column.
fn clip_label(s: &str) -> String {
    super::layout::clip(s, 34)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn point(x: f64, mid: f64) -> LinePoint {
        LinePoint {
            x,
            mid,
            lo: mid - 1.0,
            hi: mid + 2.0,
            failed: false,
        }
    }

    #[test]
    fn a_sweep_chart_has_a_panel_per_metric_and_a_line_per_series() {
        let series = |label: &str, k: f64| LineSeries {
            label: label.into(),
            points: (0..4)
                .map(|i| point(15e6 * (i + 1) as f64, k * i as f64 + 5.0))
                .collect(),
        };
        let p = LinePlot {
            title: "office-day".into(),
            subtitle: "seeds 1..50".into(),
            x_label: "transport.dialup.connect".into(),
            x_kind: ValueKind::Duration,
            x_ticks: None,
            panels: vec![
                LinePanel {
                    metric: "flush.1.returned_at".into(),
                    kind: ValueKind::Duration,
                    series: vec![series("profile", 1e6), series("parallel", 2e6)],
                },
                LinePanel {
                    metric: "delivered".into(),
                    kind: ValueKind::Count,
                    series: vec![series("profile", 3.0), series("parallel", 1.0)],
                },
            ],
        };
        let svg = render_line_plot(&p);
        if let Ok(dir) = std::env::var("SPOOLSIM_PLOT_DIR") {
            std::fs::write(std::path::Path::new(&dir).join("sweep-lines.svg"), &svg).unwrap();
        }
        assert_eq!(svg.matches(r#"<g class="panel metric">"#).count(), 2);
        assert!(
            svg.contains("15 s") && svg.contains("1 min"),
            "duration ticks"
        );
        assert!(svg.contains("parallel") && svg.contains("median"));
        assert!(!svg.contains(">0 µs<"), "zero is written 0");
        assert_eq!(render_line_plot(&p), svg, "deterministic");
        let choices = LinePlot {
            x_kind: ValueKind::Choices(vec!["profile".into(), "parallel".into()]),
            panels: vec![LinePanel {
                metric: "m".into(),
                kind: ValueKind::Number,
                series: vec![LineSeries {
                    label: "only".into(),
                    points: vec![point(0.0, 1.5), point(1.0, 2.5)],
                }],
            }],
            ..p
        };
        assert!(render_line_plot(&choices).contains(">parallel</text>"));
    }

    #[test]
    fn duration_ticks_never_share_a_label() {
        let ticks = [3_600e6, 3_630e6, 3_660e6];
        let labels: Vec<String> = duration_labels(&ticks).into_iter().map(|t| t.1).collect();
        assert_eq!(labels, ["1h00m00s", "1h00m30s", "1h01m00s"]);
        let round: Vec<String> = duration_labels(&[0.0, 60e6, 120e6])
            .into_iter()
            .map(|t| t.1)
            .collect();
        assert_eq!(round, ["0", "1 min", "2 min"]);
    }

    #[test]
    fn values_far_above_zero_get_an_axis_of_their_own() {
        assert_eq!(value_floor(0.0, 10.0), 0.0);
        assert_eq!(value_floor(3.0, 10.0), 0.0, "near zero: from zero");
        assert_eq!(value_floor(5.0, 5.0), 0.0, "one value: from zero");
        assert_eq!(value_floor(-2.0, 10.0), -2.0);
        let f = value_floor(3_600e6, 3_690e6);
        assert!(f > 3_500e6 && f < 3_600e6, "{f}");
    }

    #[test]
    fn given_ticks_failed_points_and_unlabelled_lines() {
        let p = LinePlot {
            title: "t".into(),
            subtitle: "s".into(),
            x_label: "transport.dialup.failure_rate".into(),
            x_kind: ValueKind::Number,
            x_ticks: Some(vec![(0.0, "0".into()), (0.05, "0.05".into())]),
            panels: vec![LinePanel {
                metric: "delivered".into(),
                kind: ValueKind::Count,
                series: vec![LineSeries {
                    label: String::new(),
                    points: vec![
                        point(0.0, 30.0),
                        LinePoint {
                            failed: true,
                            ..point(0.05, 29.0)
                        },
                    ],
                }],
            }],
        };
        let svg = render_line_plot(&p);
        assert!(svg.contains(">0.05</text>"), "the given tick, as written");
        assert!(svg.contains("halo: some runs failed"));
        assert_eq!(svg.matches(C_ERR).count(), 2, "one halo, one in the legend");
        assert!(
            !svg.contains(">lines</text>"),
            "no legend of one unnamed line"
        );
        let fine = LinePlot {
            panels: vec![LinePanel {
                series: vec![LineSeries {
                    label: "x".into(),
                    points: vec![point(0.0, 1.0)],
                }],
                ..p.panels[0].clone()
            }],
            ..p
        };
        assert!(!render_line_plot(&fine).contains("halo"));
    }
}
