//! `sweep --vary ... --plot FILE.svg`: each chosen metric against the first varied key.
//!
//! A table answers "what is the number at this point"; a picture answers "how does it grow".
//! So each metric gets a panel with the first varied key along the bottom and one line per
//! value of the other varied keys (one line when only one key varies), the line through the
//! median over the seeds and a light band from the smallest to the largest value when there
//! are several seeds, so that spread is seen beside the trend. Durations and numbers are drawn
//! to scale; words (`profile`, `parallel`) as evenly spaced categories. Times on either axis
//! are labelled as durations.
//!
//! The SVG is written by `plotters` with no font file (the viewer picks the font). Nothing here
//! reads the clock or iterates a hash map, so one report always gives the same bytes.

use std::path::Path;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::report::{is_time, Report};
use super::table::short_time;
use super::vary::Vary;
use crate::cli::CliError;
use crate::sim::time::{format_compact, format_duration, parse_duration};

/// The most lines one panel may have.
pub(crate) const MAX_LINES: usize = 10;

const WIDTH: u32 = 1200;
const HEADER: u32 = 96;
const PANEL_H: u32 = 300;
const FONT: &str = "sans-serif";
const TEXT: RGBColor = RGBColor(0x33, 0x33, 0x33);
const MUTED: RGBColor = RGBColor(0x77, 0x77, 0x77);
/// Line colours, one per value of the second varied key.
const COLORS: [RGBColor; MAX_LINES] = [
    RGBColor(0x1f, 0x77, 0xb4),
    RGBColor(0xff, 0x7f, 0x0e),
    RGBColor(0x2c, 0xa0, 0x2c),
    RGBColor(0xd6, 0x27, 0x28),
    RGBColor(0x94, 0x67, 0xbd),
    RGBColor(0x8c, 0x56, 0x4b),
    RGBColor(0xe3, 0x77, 0xc2),
    RGBColor(0x7f, 0x7f, 0x7f),
    RGBColor(0xbc, 0xbd, 0x22),
    RGBColor(0x17, 0xbe, 0xcf),
];

type Area<'a> = DrawingArea<SVGBackend<'a>, Shift>;

/// Refuses, before anything runs, a plot with more lines than a panel can tell apart.
pub(crate) fn check(varies: &[Vary]) -> Result<(), CliError> {
    let lines: usize = varies.iter().skip(1).map(|v| v.values.len()).product();
    if lines > MAX_LINES {
        return Err(CliError::Input(format!(
            "--plot draws one line per combination of the keys after the first --vary, at most \
             {MAX_LINES}, and these make {lines}: vary fewer values, or leave out --plot"
        )));
    }
    Ok(())
}

/// How the first varied key's values lie along the bottom axis.
#[derive(Debug, Clone, PartialEq)]
enum XAxis {
    /// Durations or numbers to scale (`time`: durations, in microseconds).
    Scale { values: Vec<f64>, time: bool },
    /// Evenly spaced, labelled by the values as written: words, or values a range made (evenly
    /// spaced already, so the spacing is to scale and every tick falls on a value).
    Even(Vec<String>),
}

impl XAxis {
    fn of(values: &[String]) -> XAxis {
        let numbers: Option<Vec<f64>> = values.iter().map(|v| v.trim().parse().ok()).collect();
        let times: Option<Vec<f64>> = values
            .iter()
            .map(|v| parse_duration(v.trim()).ok().map(|us| us as f64))
            .collect();
        let (values_f, time) = match (numbers, times) {
            (Some(n), _) => (n, false),
            (None, Some(t)) => (t, true),
            (None, None) => return XAxis::Even(values.to_vec()),
        };
        if evenly_spaced(&values_f) {
            XAxis::Even(values.to_vec())
        } else {
            XAxis::Scale {
                values: values_f,
                time,
            }
        }
    }

    fn x(&self, k: usize) -> f64 {
        match self {
            XAxis::Scale { values, .. } => values[k],
            XAxis::Even(_) => k as f64,
        }
    }

    /// The axis range, with a little room at both ends.
    fn range(&self) -> (f64, f64) {
        let (lo, hi) = match self {
            XAxis::Scale { values, .. } => values
                .iter()
                .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &x| {
                    (a.min(x), b.max(x))
                }),
            XAxis::Even(w) => (0.0, w.len().saturating_sub(1) as f64),
        };
        let pad = if hi > lo { (hi - lo) * 0.05 } else { 0.5 };
        (lo - pad, hi + pad)
    }

    fn label(&self, x: f64) -> String {
        match self {
            XAxis::Scale { time: true, .. } => short_time(x.max(0.0).round() as u64),
            XAxis::Scale { .. } => trim_number(x),
            XAxis::Even(w) => {
                let k = x.round();
                if (x - k).abs() < 1e-6 && k >= 0.0 && (k as usize) < w.len() {
                    w[k as usize].clone()
                } else {
                    String::new()
                }
            }
        }
    }
}

/// Whether `v` rises by one step throughout (at least two values).
fn evenly_spaced(v: &[f64]) -> bool {
    let Some(step) = v.get(1).map(|b| b - v[0]) else {
        return true;
    };
    step > 0.0
        && v.windows(2)
            .all(|w| ((w[1] - w[0]) - step).abs() <= step * 1e-9)
}

/// The unit a time axis counts in, so that its ticks fall on round durations: hours, minutes,
/// seconds, milliseconds or microseconds, by the span it covers.
fn time_unit(span_us: f64) -> f64 {
    [3_600e6, 60e6, 1e6, 1e3]
        .into_iter()
        .find(|&u| span_us >= 10.0 * u)
        .unwrap_or(1.0)
}

/// A tick value without float noise: `0.1`, not `0.10000000000000001`.
fn trim_number(x: f64) -> String {
    let s = format!("{x:.6}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".into()
    } else {
        s.into()
    }
}

/// One line of a panel: its points as `(x, p50, min, max)`, the points without a value left
/// out.
type Line = Vec<(f64, f64, f64, f64)>;

/// The lines of metric `name`: one per combination of the keys after the first.
fn lines(r: &Report, name: &str, x: &XAxis) -> Vec<Line> {
    let first = r.axes[0].values.len();
    let per = r.summaries.len() / first.max(1);
    (0..per)
        .map(|l| {
            (0..first)
                .filter_map(|k| {
                    let h = r.summaries[k * per + l].metrics.get(name)?;
                    let v = |o: Option<i64>| o.map(|v| v as f64);
                    Some((x.x(k), v(h.percentile(50))?, v(h.min())?, v(h.max())?))
                })
                .collect()
        })
        .collect()
}

/// The label of line `l`: the values of the keys after the first.
fn line_label(r: &Report, l: usize) -> String {
    let mut rest = l;
    let mut parts = Vec::new();
    for a in r.axes.iter().skip(1).rev() {
        parts.push(format!("{} = {}", a.path, a.values[rest % a.values.len()]));
        rest /= a.values.len();
    }
    parts.reverse();
    parts.join(", ")
}

fn text_style(size: f64, color: RGBColor, h: HPos) -> TextStyle<'static> {
    TextStyle {
        font: (FONT, size).into_font(),
        color: color.to_backend_color(),
        pos: Pos::new(h, VPos::Center),
    }
}

fn draw_err<E: std::fmt::Display>(e: E) -> String {
    e.to_string()
}

/// The title, what the picture shows, and the legend of the lines.
fn header(root: &Area, r: &Report) -> Result<(), String> {
    let seeds = r.to - r.from + 1;
    let title = format!(
        "{}: {} against {}",
        r.scenario,
        if r.columns.as_ref().is_some_and(|c| c.len() == 1) {
            "one metric"
        } else {
            "each metric"
        },
        r.axes[0].path
    );
    let sub = if seeds > 1 {
        format!(
            "{} points × seeds {}..{}: lines through the median over the seeds, bands from the \
             smallest to the largest value",
            r.summaries.len(),
            r.from,
            r.to
        )
    } else {
        format!("{} points, seed {}", r.summaries.len(), r.from)
    };
    let bold = TextStyle::from((FONT, 22.0).into_font().style(FontStyle::Bold))
        .color(&TEXT)
        .pos(Pos::new(HPos::Left, VPos::Center));
    root.draw(&Text::new(title, (24, 20), bold))
        .map_err(draw_err)?;
    root.draw(&Text::new(
        sub,
        (24, 44),
        text_style(14.0, MUTED, HPos::Left),
    ))
    .map_err(draw_err)?;
    if r.axes.len() < 2 {
        return Ok(());
    }
    let mut x = 24;
    for l in 0..r.summaries.len() / r.axes[0].values.len() {
        let c = COLORS[l % COLORS.len()];
        root.draw(&Rectangle::new([(x, 66), (x + 22, 76)], c.filled()))
            .map_err(draw_err)?;
        let label = line_label(r, l);
        root.draw(&Text::new(
            label.clone(),
            (x + 28, 71),
            text_style(13.0, TEXT, HPos::Left),
        ))
        .map_err(draw_err)?;
        x += 44 + 7 * label.chars().count() as i32;
    }
    Ok(())
}

/// The smallest and largest value over the lines, with room above and below.
fn y_range(lines: &[Line], time: bool) -> (f64, f64) {
    let (lo, hi) = lines
        .iter()
        .flatten()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), p| {
            (a.min(p.2), b.max(p.3))
        });
    if !lo.is_finite() {
        return (0.0, 1.0);
    }
    let pad = if hi > lo {
        (hi - lo) * 0.08
    } else if time {
        (lo.abs() * 0.01).max(1e6)
    } else {
        (lo.abs() * 0.05).max(1.0)
    };
    (lo - pad, hi + pad)
}

/// How finely [`short_time`] shows a time near `us`, in microseconds.
fn short_resolution(us: f64) -> f64 {
    match us.abs() {
        v if v < 1e3 => 1.0,
        v if v < 1e4 => 10.0,
        v if v < 1e5 => 100.0,
        v if v < 1e6 => 1e3,
        v if v < 1e7 => 1e4,
        v if v < 6e7 => 1e5,
        _ => 1e6,
    }
}

/// A time label fine enough for ticks `step` microseconds apart near `top`: rounded where
/// that still tells the ticks apart, else to the millisecond, else exact.
fn time_label(us: f64, step: f64, top: f64) -> String {
    let t = us.max(0.0).round() as u64;
    if step >= short_resolution(top) {
        short_time(t)
    } else if step >= 1e3 || top < 1e6 {
        format_compact(t)
    } else {
        format_duration(t)
    }
}

/// One metric's panel, drawn in `area` of `root`.
fn panel(root: &Area, area: &Area, r: &Report, name: &str, x: &XAxis) -> Result<(), String> {
    let time = is_time(name);
    let mut ls = lines(r, name, x);
    let (y0, y1) = y_range(&ls, time);
    // Times count in a round unit, so that ticks fall on round durations.
    let unit = if time { time_unit(y1 - y0) } else { 1.0 };
    for p in ls.iter_mut().flatten() {
        (p.1, p.2, p.3) = (p.1 / unit, p.2 / unit, p.3 / unit);
    }
    let (x0, x1) = x.range();
    // About the distance between two of the six ticks.
    let (step, top) = ((y1 - y0) / 8.0, y0.abs().max(y1.abs()));
    let fmt_y = move |v: &f64| {
        if time {
            time_label(v * unit, step, top)
        } else {
            trim_number(*v)
        }
    };
    let fmt_x = |v: &f64| x.label(*v);
    let mut chart = ChartBuilder::on(area)
        .caption(name, (FONT, 16.0).into_font().color(&TEXT))
        .margin(12)
        .x_label_area_size(34)
        .y_label_area_size(76)
        .build_cartesian_2d(x0..x1, y0 / unit..y1 / unit)
        .map_err(draw_err)?;
    let even = matches!(x, XAxis::Even(_));
    let mut mesh = chart.configure_mesh();
    // Evenly spaced values get a label at each value, drawn below.
    mesh.x_labels(if even { 0 } else { 8 })
        .y_labels(6)
        .max_light_lines(0)
        .x_label_formatter(&fmt_x)
        .y_label_formatter(&fmt_y)
        .label_style((FONT, 12.0).into_font().color(&TEXT))
        .axis_desc_style((FONT, 13.0).into_font().color(&TEXT))
        .x_desc(r.axes[0].path.as_str())
        .bold_line_style(RGBColor(0xe4, 0xe4, 0xe4))
        .light_line_style(RGBColor(0xf4, 0xf4, 0xf4))
        .axis_style(RGBColor(0x88, 0x88, 0x88));
    if even {
        mesh.disable_x_mesh();
    }
    mesh.draw().map_err(draw_err)?;
    if let XAxis::Even(values) = x {
        for (k, v) in values.iter().enumerate() {
            // Pixels of the whole picture, so drawn on `root`.
            let (px, py) = chart.backend_coord(&(k as f64, y0 / unit));
            let tick = PathElement::new(vec![(px, py), (px, py + 5)], MUTED.stroke_width(1));
            root.draw(&tick).map_err(draw_err)?;
            let style = text_style(12.0, TEXT, HPos::Center);
            root.draw(&Text::new(v.clone(), (px, py + 14), style))
                .map_err(draw_err)?;
        }
    }
    let banded = r.to > r.from;
    let count = ls.len() as u32;
    for (l, line) in ls.iter().enumerate() {
        let c = COLORS[l % COLORS.len()];
        if banded && line.len() > 1 {
            let mut band: Vec<(f64, f64)> = line.iter().map(|p| (p.0, p.3)).collect();
            band.extend(line.iter().rev().map(|p| (p.0, p.2)));
            chart
                .draw_series(std::iter::once(Polygon::new(band, c.mix(0.12).filled())))
                .map_err(draw_err)?;
        }
        if banded {
            let whiskers = line.iter().map(|p| {
                PathElement::new(vec![(p.0, p.2), (p.0, p.3)], c.mix(0.5).stroke_width(1))
            });
            chart.draw_series(whiskers).map_err(draw_err)?;
        }
        // Earlier lines are wider, so a line drawn over another leaves it showing.
        let width = 2 + 2 * (count - 1 - l as u32);
        let points = line.iter().map(|p| (p.0, p.1));
        chart
            .draw_series(LineSeries::new(points.clone(), c.stroke_width(width)))
            .map_err(draw_err)?;
        chart
            .draw_series(points.map(|p| Circle::new(p, width + 1, c.filled())))
            .map_err(draw_err)?;
    }
    Ok(())
}

/// Renders the report of a `--vary` sweep as an SVG document.
pub(crate) fn render(r: &Report) -> Result<String, String> {
    let metrics = r.columns.clone().unwrap_or_default();
    let cols = match metrics.len() {
        0 | 1 => 1,
        2 | 4 => 2,
        _ => 3,
    };
    let rows = metrics.len().div_ceil(cols).max(1);
    let height = HEADER + PANEL_H * rows as u32;
    let x = XAxis::of(&r.axes[0].values);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, height)).into_drawing_area();
        root.fill(&WHITE).map_err(draw_err)?;
        header(&root, r)?;
        let body = root.margin(HEADER, 8, 8, 8);
        let areas = body.split_evenly((rows, cols));
        for (name, area) in metrics.iter().zip(&areas) {
            panel(&root, area, r, name, &x)?;
        }
        root.present().map_err(draw_err)?;
    }
    Ok(svg)
}

/// Draws the report of a `--vary` sweep into `path`.
pub(crate) fn write(r: &Report, path: &Path) -> Result<(), CliError> {
    let fail =
        |e: String| CliError::Input(format!("{}: cannot draw the plot: {e}", path.display()));
    let svg = render(r).map_err(fail)?;
    std::fs::write(path, svg)
        .map_err(|e| CliError::Input(format!("{}: cannot write: {e}", path.display())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bottom_axis_follows_the_values() {
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        let even = s(&["0", "0.05", "0.1"]);
        assert_eq!(XAxis::of(&even), XAxis::Even(even.clone()));
        assert_eq!(XAxis::of(&even).label(2.0), "0.1");
        assert_eq!(
            XAxis::of(&s(&["1", "2", "5"])),
            XAxis::Scale {
                values: vec![1.0, 2.0, 5.0],
                time: false
            }
        );
        assert_eq!(
            XAxis::of(&s(&["15s", "1m", "5m"])),
            XAxis::Scale {
                values: vec![15e6, 60e6, 300e6],
                time: true
            }
        );
        let words = XAxis::of(&s(&["profile", "parallel"]));
        assert_eq!(words.label(1.0), "parallel");
        assert_eq!(words.label(0.5), "");
        assert_eq!(time_unit(45e6), 1e6);
        // Ticks a second apart near an hour show seconds; a millisecond apart, milliseconds.
        assert_eq!(time_label(3_683e6, 10e6, 3_700e6), "1h01m23s");
        assert_eq!(time_label(3_683.531e6, 1e5, 3_700e6), "1h01m23.531s");
        assert_eq!(time_label(3_683_531_899.0, 100.0, 3_700e6), "1h 1m 23s 531ms 899us");
        assert_eq!(time_unit(4.0 * 3_600e6), 60e6);
        assert_eq!(trim_number(0.1 + 0.2), "0.3");
        assert_eq!(trim_number(-0.0), "0");
    }
}
