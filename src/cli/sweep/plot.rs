//! `sweep --vary ... --plot FILE.svg`: each chosen metric against the first varied key.
//!
//! A table answers "what is the number at this point"; a picture answers "how does it grow".
//! So each metric gets a panel with the first varied key along the bottom and one line per
//! combination of the other varied keys (one line when only one key varies), through the median
//! over the seeds, with a band from the smallest to the largest value when there are several
//! seeds, so that spread is seen beside the trend. Durations and numbers lie to scale, with a
//! tick at each value varied (labelled as written) when they are few or evenly spaced; words
//! (`profile`, `parallel`) are evenly spaced categories. This module only turns a sweep's
//! report into a [`LinePlot`]; drawing it is `report::plot::lines`' job, with the same kit as
//! the run picture.

use std::path::Path;

use super::report::{is_time, Report};
use super::vary::Vary;
use crate::cli::CliError;
use crate::report::plot::lines::{
    render_line_plot, LinePanel, LinePlot, LinePoint, LineSeries, ValueKind, MAX_SERIES,
};
use crate::scenario::parse::duration::parse_duration;

/// The most lines one panel may have: as many as it has colours.
pub(crate) const MAX_LINES: usize = MAX_SERIES;

/// Up to this many values of the first key, each gets a tick even when unevenly spaced.
const TICK_EVERY_VALUE: usize = 12;

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
struct XAxis {
    /// What the values are.
    kind: ValueKind,
    /// Where value `k` lies.
    xs: Vec<f64>,
    /// A tick per value, labelled as written, or `None` for round ticks.
    ticks: Option<Vec<(f64, String)>>,
}

impl XAxis {
    fn of(values: &[String]) -> XAxis {
        let numbers: Option<Vec<f64>> = values.iter().map(|v| v.trim().parse().ok()).collect();
        let times: Option<Vec<f64>> = values
            .iter()
            .map(|v| parse_duration(v.trim()).ok().map(|us| us as f64))
            .collect();
        let (xs, kind) = match (numbers, times) {
            (Some(n), _) => {
                let whole = n.iter().all(|v| v.fract() == 0.0);
                (
                    n,
                    if whole {
                        ValueKind::Count
                    } else {
                        ValueKind::Number
                    },
                )
            }
            (None, Some(t)) => (t, ValueKind::Duration),
            (None, None) => {
                return XAxis {
                    kind: ValueKind::Choices(values.to_vec()),
                    xs: (0..values.len()).map(|k| k as f64).collect(),
                    ticks: None,
                }
            }
        };
        let ticks = (values.len() <= TICK_EVERY_VALUE || evenly_spaced(&xs))
            .then(|| xs.iter().copied().zip(values.iter().cloned()).collect());
        XAxis { kind, xs, ticks }
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

/// How many lines each panel has: the combinations of the keys after the first.
fn line_count(r: &Report) -> usize {
    r.summaries.len() / r.axes[0].values.len().max(1)
}

/// Line `l` of metric `name`: its points in x order, the points without a value left out.
fn points(r: &Report, name: &str, l: usize, x: &XAxis) -> Vec<LinePoint> {
    let per = line_count(r);
    let mut points: Vec<LinePoint> = (0..r.axes[0].values.len())
        .filter_map(|k| {
            let s = &r.summaries[k * per + l];
            let h = s.metrics.get(name)?;
            Some(LinePoint {
                x: x.xs[k],
                mid: h.percentile(50)? as f64,
                lo: h.min()? as f64,
                hi: h.max()? as f64,
                failed: !s.failed.is_empty(),
            })
        })
        .collect();
    points.sort_by(|a, b| a.x.total_cmp(&b.x));
    points
}

/// The label of line `l`: the values of the keys after the first (empty when there are none).
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

/// The chart of a `--vary` sweep's report.
fn chart(r: &Report) -> LinePlot {
    let x = XAxis::of(&r.axes[0].values);
    let metrics = r.columns.clone().unwrap_or_default();
    let panels = metrics
        .iter()
        .map(|name| LinePanel {
            metric: name.clone(),
            kind: if is_time(name) {
                ValueKind::Duration
            } else {
                ValueKind::Count
            },
            series: (0..line_count(r))
                .map(|l| LineSeries {
                    label: line_label(r, l),
                    points: points(r, name, l, &x),
                })
                .collect(),
        })
        .collect();
    let what = if metrics.len() == 1 {
        "one metric"
    } else {
        "each metric"
    };
    let subtitle = if r.to > r.from {
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
    LinePlot {
        title: format!("{}: {what} against {}", r.scenario, r.axes[0].path),
        subtitle,
        x_label: r.axes[0].path.clone(),
        x_kind: x.kind,
        x_ticks: x.ticks,
        panels,
    }
}

/// Renders the report of a `--vary` sweep as an SVG document.
pub(crate) fn render(r: &Report) -> String {
    render_line_plot(&chart(r))
}

/// Draws the report of a `--vary` sweep into `path`.
pub(crate) fn write(r: &Report, path: &Path) -> Result<(), CliError> {
    std::fs::write(path, render(r))
        .map_err(|e| CliError::Input(format!("{}: cannot write: {e}", path.display())))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn the_bottom_axis_follows_the_values() {
        let even = XAxis::of(&s(&["0", "0.05", "0.1"]));
        assert_eq!(even.kind, ValueKind::Number);
        assert_eq!(
            even.ticks,
            Some(vec![
                (0.0, "0".into()),
                (0.05, "0.05".into()),
                (0.1, "0.1".into())
            ])
        );
        let counts = XAxis::of(&s(&["1", "2", "5"]));
        assert_eq!(counts.kind, ValueKind::Count);
        assert_eq!(counts.xs, vec![1.0, 2.0, 5.0]);
        let times = XAxis::of(&s(&["15s", "30s", "45s", "1m"]));
        assert_eq!(times.kind, ValueKind::Duration);
        assert_eq!(times.xs, vec![15e6, 30e6, 45e6, 60e6]);
        assert_eq!(times.ticks.as_ref().unwrap()[3], (60e6, "1m".into()));
        let words = XAxis::of(&s(&["profile", "parallel"]));
        assert_eq!(words.kind, ValueKind::Choices(s(&["profile", "parallel"])));
        assert_eq!(words.xs, vec![0.0, 1.0]);
        // Many evenly spaced values: a tick at each; many uneven ones: round ticks.
        let many: Vec<String> = (0..30).map(|k| (k * 10).to_string()).collect();
        assert_eq!(XAxis::of(&many).ticks.map(|t| t.len()), Some(30));
        let uneven: Vec<String> = (0..30).map(|k| (k * k).to_string()).collect();
        assert_eq!(XAxis::of(&uneven).ticks, None);
    }
}
