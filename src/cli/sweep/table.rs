//! What a `--vary` sweep prints: one row per point, and its JSON.
//!
//! A row gives the point's values, then each chosen metric as its median over the seeds, with
//! the smallest and largest value beside it when the seeds did not all agree, then how many
//! seeds failed. Times are rounded to about three significant digits, so that a row of nine
//! metrics still fits a wide terminal; `--format json` has every value exact, in microseconds.
//! Failures are grouped by point, then by expectation, each with the command that reruns one
//! failing seed with the point's overrides.

use serde_json::{json, Map, Value as Json};

use super::failures::group;
use super::report::{is_time, plural, Report};
use super::stats::{Histogram, Summary};
use crate::sim::time::{Micros, HOUR, MILLISECOND, MINUTE, SECOND};

/// A time rounded for a table: `750us`, `63.4ms`, `1.25s`, `45.3s`, `7m05s`, `1h01m17s`.
pub(crate) fn short_time(us: Micros) -> String {
    /// `v` units of `unit` microseconds with `decimals` decimals, rounded to nearest.
    fn fixed(us: Micros, unit: Micros, decimals: u32, suffix: &str) -> String {
        let scale = 10u64.pow(decimals);
        let step = unit / scale;
        let n = (us + step / 2) / step;
        if decimals == 0 {
            return format!("{n}{suffix}");
        }
        let (whole, frac) = (n / scale, n % scale);
        format!("{whole}.{frac:0w$}{suffix}", w = decimals as usize)
    }
    let digits = |unit: Micros| match us / unit {
        0..=9 => 2,
        10..=99 => 1,
        _ => 0,
    };
    if us < MILLISECOND {
        format!("{us}us")
    } else if us < SECOND {
        fixed(us, MILLISECOND, digits(MILLISECOND), "ms")
    } else if us < MINUTE {
        fixed(us, SECOND, digits(SECOND), "s")
    } else {
        let s = (us + SECOND / 2) / SECOND;
        let (h, m, s) = (s / 3600, (s / 60) % 60, s % 60);
        if us < HOUR && h == 0 {
            format!("{m}m{s:02}s")
        } else {
            format!("{h}h{m:02}m{s:02}s")
        }
    }
}

/// A value of metric `name` in a table cell.
fn cell_value(name: &str, v: i64) -> String {
    match u64::try_from(v) {
        Ok(us) if is_time(name) => short_time(us),
        _ => v.to_string(),
    }
}

/// The cell of one metric at one point: the median, then `(min–max)` when they differ; `-`
/// when no seed had a value.
fn cell(name: &str, h: Option<&Histogram>) -> String {
    let Some((p50, min, max)) = h.and_then(|h| Some((h.percentile(50)?, h.min()?, h.max()?)))
    else {
        return "-".into();
    };
    let mid = cell_value(name, p50);
    let (lo, hi) = (cell_value(name, min), cell_value(name, max));
    if lo == hi {
        mid
    } else {
        format!("{mid} ({lo}–{hi})")
    }
}

/// Rows of cells, aligned: text columns to the left, numbers to the right.
fn aligned(rows: &[Vec<String>], left: usize) -> String {
    let columns = rows.first().map_or(0, Vec::len);
    let mut width = vec![0usize; columns];
    for r in rows {
        for (w, c) in width.iter_mut().zip(r) {
            *w = (*w).max(c.chars().count());
        }
    }
    let mut out = String::new();
    for r in rows {
        let mut line = String::new();
        for (k, (c, w)) in r.iter().zip(&width).enumerate() {
            if k > 0 {
                line += "  ";
            }
            let pad = w - c.chars().count();
            if k < left {
                line += &format!("{c}{}", " ".repeat(pad));
            } else {
                line += &format!("{}{c}", " ".repeat(pad));
            }
        }
        out += line.trim_end();
        out.push('\n');
    }
    out
}

/// The columns of the table: the report's chosen metrics.
fn columns(r: &Report) -> &[String] {
    r.columns.as_deref().unwrap_or_default()
}

/// The values of the varied keys at `point`, as written.
fn point_values(r: &Report, point: usize) -> Vec<String> {
    let mut rest = point;
    let mut out = Vec::with_capacity(r.axes.len());
    for a in r.axes.iter().rev() {
        out.push(a.values[rest % a.values.len()].clone());
        rest /= a.values.len();
    }
    out.reverse();
    out
}

/// The line under the title that says what a cell holds.
fn legend(r: &Report) -> String {
    let seeds = r.to - r.from + 1;
    if seeds == 1 {
        format!(
            "one run per point, seed {}; times rounded (--format json: exact)\n",
            r.from
        )
    } else {
        format!(
            "each cell: the median over {seeds} seeds (min–max where they differ); times \
             rounded (--format json: exact)\n"
        )
    }
}

/// The text report of a `--vary` sweep.
pub(crate) fn to_text(r: &Report) -> String {
    let points = r.summaries.len();
    let what = format!(
        "{} × seeds {}..{}",
        plural(points as u64, "point", "points"),
        r.from,
        r.to
    );
    let mut out = r.title(&what);
    out += &legend(r);
    out.push('\n');
    let mut header: Vec<String> = r.axes.iter().map(|a| a.path.clone()).collect();
    header.extend(columns(r).iter().cloned());
    header.push("failed".into());
    let mut rows = vec![header];
    for (p, s) in r.summaries.iter().enumerate() {
        let mut row = point_values(r, p);
        row.extend(columns(r).iter().map(|m| cell(m, s.metrics.get(m))));
        row.push(s.failed.len().to_string());
        rows.push(row);
    }
    out += &aligned(&rows, r.axes.len());
    out.push('\n');
    out += &failures_text(r);
    out += &format!("\n{} passed, {} failed\n", r.passed(), r.failed());
    out
}

/// The failed seeds, by point and expectation.
fn failures_text(r: &Report) -> String {
    if r.failed() == 0 {
        return "failed seeds: none\n".into();
    }
    let mut out = "failed seeds, by point and expectation:\n".to_string();
    for (p, s) in r.summaries.iter().enumerate() {
        if s.failed.is_empty() {
            continue;
        }
        let own: Vec<String> = r
            .axes
            .iter()
            .zip(point_values(r, p))
            .map(|(a, v)| format!("{}={v}", a.path))
            .collect();
        out += &format!("  {}:\n", own.join(" "));
        let sets = r.sets_of(p);
        for g in group(&s.failed) {
            out += &format!("    {}\n", r.group_line(&g, &sets));
        }
    }
    out
}

/// One point as JSON: its values, its runs, its metrics and its failures.
fn point_json(r: &Report, p: usize, s: &Summary) -> Json {
    let mut rest = p;
    let mut set: Vec<(String, Json)> = Vec::with_capacity(r.axes.len());
    for a in r.axes.iter().rev() {
        set.push((a.path.clone(), a.json(rest % a.values.len())));
        rest /= a.values.len();
    }
    let set: Map<String, Json> = set.into_iter().rev().collect();
    let (seeds, failures) = r.failures_json(s, &r.sets_of(p));
    json!({
        "set": set,
        "runs": s.runs,
        "metrics": r.metrics_json(s),
        "failed_seeds": seeds,
        "failures": failures,
    })
}

/// The JSON report of a `--vary` sweep.
pub(crate) fn to_json(r: &Report) -> Json {
    let mut o = r.head_json();
    let points: Vec<Json> = r
        .summaries
        .iter()
        .enumerate()
        .map(|(p, s)| point_json(r, p, s))
        .collect();
    o.insert("points".into(), points.into());
    Json::Object(o)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_round_to_about_three_digits() {
        let cases: [(Micros, &str); 12] = [
            (750, "750us"),
            (1_234, "1.23ms"),
            (63_442, "63.4ms"),
            (120_500, "121ms"),
            (999_999, "1000ms"),
            (1_250_000, "1.25s"),
            (45_317_000, "45.3s"),
            (59_999_999, "60.0s"),
            (425_665_000, "7m06s"),
            (3_677_531_000, "1h01m18s"),
            (32_400_000_000, "9h00m00s"),
            (59 * MINUTE + 59 * SECOND + 600_000, "1h00m00s"),
        ];
        for (us, text) in cases {
            assert_eq!(short_time(us), text, "{us}");
        }
    }

    #[test]
    fn a_cell_shows_a_range_only_where_seeds_differ() {
        let same = Histogram::from_samples(vec![430, 430]);
        assert_eq!(cell("delivered", Some(&same)), "430");
        let apart = Histogram::from_samples(vec![61_000, 63_400, 66_200]);
        assert_eq!(
            cell("latency.outbound.p50", Some(&apart)),
            "63.4ms (61.0ms–66.2ms)"
        );
        assert_eq!(cell("ndr", None), "-");
    }
}
