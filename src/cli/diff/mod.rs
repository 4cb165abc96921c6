//! `spoolsim diff LEFT RIGHT`: what two runs disagree on, and where they first part.
//!
//! "My change moved three expectations: which, and was it meant?" needs two answers: which
//! numbers moved (the metrics, with the difference), and why (the first event where the runs
//! part, with the events before it; everything after may follow from it). Each side is a
//! scenario, run here with its full trace, or a trace file written by `run --trace`, so a run
//! today can be compared with a trace kept from an earlier version. With a trace on either
//! side only events are compared; traces of different formats cannot be, and are refused.
//!
//! The comparison works on two [`Side`]s and knows nothing of files, so comparing a scenario
//! with itself under an override is a matter of loading the right side differently.

mod events;
mod metrics;
mod side;

use std::io::Write;
use std::path::PathBuf;

use serde_json::{json, Value as Json};

use super::fmt::thousands;
use super::overrides::SetArgs;
use super::{CliError, Format};
use events::{compare, Compared};
use metrics::{differing, MetricDiff};
use side::Side;

/// Arguments of `spoolsim diff`.
#[derive(Debug, clap::Args)]
pub(crate) struct DiffArgs {
    /// The left side: a scenario file, or a trace written by `spoolsim run --trace`.
    left: PathBuf,
    /// The right side: a scenario file, or a trace. Without it, LEFT is compared with itself
    /// changed by --set.
    right: Option<PathBuf>,
    /// Run both scenarios with this seed (default: each its own).
    #[arg(long)]
    seed: Option<u64>,
    /// How many identical events to show before the first difference.
    #[arg(long, value_name = "N", default_value_t = 5)]
    context: usize,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// With RIGHT: applied to both scenarios. Without: LEFT as it is against LEFT with these.
    #[command(flatten)]
    set: SetArgs,
}

/// What a comparison found.
#[derive(Debug)]
struct Diff {
    left: Side,
    right: Side,
    /// The differing metrics, when both sides are scenarios.
    metrics: Option<Vec<MetricDiff>>,
    events: Compared,
}

impl Diff {
    fn identical(&self) -> bool {
        self.metrics.as_ref().is_none_or(Vec::is_empty) && self.events.parting.is_none()
    }
}

/// Compares two loaded sides.
fn diff(left: Side, right: Side, context: usize) -> Result<Diff, CliError> {
    let (lf, rf) = (left.trace_format(), right.trace_format());
    if lf != rf {
        return Err(CliError::Input(format!(
            "{} is in trace format {lf} and {} in trace format {rf}; traces of different \
             formats cannot be compared: write both with one spoolsim (`spoolsim run FILE \
             --trace OUT.jsonl`), or compare the scenarios themselves",
            left.file, right.file
        )));
    }
    let metrics = match (left.outcome(), right.outcome()) {
        (Some(l), Some(r)) => Some(differing(l, r)),
        _ => None,
    };
    let events = compare(&mut left.events()?, &mut right.events()?, context)?;
    Ok(Diff {
        left,
        right,
        metrics,
        events,
    })
}

/// `spoolsim diff LEFT [RIGHT] [--seed N] [--set PATH=VALUE ...] [--context N]
/// [--format text|json]`.
pub(crate) fn cmd_diff(a: DiffArgs) -> Result<(), CliError> {
    let set = &a.set.set;
    let (left, right) = match &a.right {
        Some(right) => (
            Side::load(&a.left, a.seed, set)?,
            Side::load(right, a.seed, set)?,
        ),
        None if set.is_empty() => {
            return Err(CliError::Input(
                "diff compares two runs: give LEFT and RIGHT, or one scenario and --set \
                 PATH=VALUE to compare it with itself changed"
                    .into(),
            ))
        }
        None => Side::against_itself(&a.left, a.seed, set)?,
    };
    let d = diff(left, right, a.context)?;
    let text = match a.format {
        Format::Text => to_text(&d),
        Format::Json => serde_json::to_string_pretty(&to_json(&d)).unwrap_or_default() + "\n",
    };
    // A closed pipe (e.g. `| head`) is not an error of the comparison.
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
    if d.identical() {
        Ok(())
    } else {
        Err(CliError::Failed)
    }
}

fn shown(v: &Option<crate::scenario::metrics::Value>) -> String {
    v.as_ref().map_or("(none)".into(), |v| v.to_string())
}

/// The metric table: name, left, right, difference, aligned.
fn metric_table(diffs: &[MetricDiff]) -> String {
    let mut rows = vec![[
        "metric".to_string(),
        "left".into(),
        "right".into(),
        "difference".into(),
    ]];
    for m in diffs {
        rows.push([
            m.name.clone(),
            shown(&m.left),
            shown(&m.right),
            m.difference_text(),
        ]);
    }
    let mut width = [0usize; 4];
    for r in &rows {
        for (w, cell) in width.iter_mut().zip(r) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    for r in &rows {
        let mut line = String::from("  ");
        for (cell, w) in r.iter().zip(width) {
            line += &format!("{cell:<w$}  ");
        }
        out += line.trim_end();
        out.push('\n');
    }
    out
}

fn events_text(d: &Diff) -> String {
    let e = &d.events;
    let Some(p) = &e.parting else {
        return format!("events: identical ({} events)\n", thousands(e.left_events));
    };
    let width = thousands(p.event).len();
    let mut out = format!("events: the runs part at event {}", thousands(p.event));
    if let Some(t) = [&p.left, &p.right]
        .iter()
        .find_map(|e| e.as_ref()?.get("t_us")?.as_u64())
    {
        out += &format!(" (t = {})", crate::sim::format_duration(t));
    }
    out += ":\n";
    for (k, ev) in &p.context {
        out += &format!("    {:>width$}  {ev}\n", thousands(*k));
    }
    let end = |side: &Side| format!("(the trace of {} has ended)", side.file);
    let at = thousands(p.event);
    let left = p
        .left
        .as_ref()
        .map_or_else(|| end(&d.left), Json::to_string);
    let right = p
        .right
        .as_ref()
        .map_or_else(|| end(&d.right), Json::to_string);
    out += &format!("  - {at:>width$}  {left}\n  + {at:>width$}  {right}\n");
    out += &format!(
        "  (left: {} events, right: {})\n",
        thousands(e.left_events),
        thousands(e.right_events)
    );
    out
}

/// The text report: both sides, the differing metrics, the first parting, a verdict.
fn to_text(d: &Diff) -> String {
    let mut out = format!("left:  {}\nright: {}\n\n", d.left.label(), d.right.label());
    match &d.metrics {
        None => out += "metrics: not compared (a trace has events only)\n",
        Some(m) if m.is_empty() => out += "metrics: identical\n",
        Some(m) => {
            out += &format!("metrics: {} differ\n", thousands(m.len() as u64));
            out += &metric_table(m);
        }
    }
    out.push('\n');
    out += &events_text(d);
    out += if d.identical() {
        "\nidentical\n"
    } else {
        "\ndifferent\n"
    };
    out
}

fn side_json(s: &Side) -> Json {
    let kind = if s.outcome().is_some() {
        "scenario"
    } else {
        "trace"
    };
    json!({
        "file": s.file,
        "kind": kind,
        "scenario": s.scenario,
        "seed": s.seed,
        "overrides": s.overrides,
        "trace_format": s.trace_format(),
    })
}

/// The JSON report: metrics as in run JSON (times in microseconds), events as in the trace.
fn to_json(d: &Diff) -> Json {
    let value = |v: &Option<crate::scenario::metrics::Value>| v.as_ref().map(|v| v.to_json());
    let metrics = d.metrics.as_ref().map(|m| {
        m.iter()
            .map(|m| {
                json!({
                    "metric": m.name,
                    "left": value(&m.left),
                    "right": value(&m.right),
                    "difference": m.difference().and_then(|x| i64::try_from(x).ok()),
                })
            })
            .collect::<Vec<_>>()
    });
    let parting = d.events.parting.as_ref().map(|p| {
        json!({
            "event": p.event,
            "context": p.context.iter().map(|(k, e)| json!({"event": k, "value": e})).collect::<Vec<_>>(),
            "left": p.left,
            "right": p.right,
        })
    });
    json!({
        "left": side_json(&d.left),
        "right": side_json(&d.right),
        "identical": d.identical(),
        "metrics": metrics,
        "events": {
            "left": d.events.left_events,
            "right": d.events.right_events,
            "first_difference": parting,
        },
    })
}
