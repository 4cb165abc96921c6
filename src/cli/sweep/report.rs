//! What a sweep prints: the text table, the JSON summary, and the shard JSON that `merge` reads.
//!
//! Both `sweep` and `merge` build a [`Report`] and hand it to the same renderer, so a merge of
//! shards prints the unsharded sweep's bytes by construction, not by keeping two printers in
//! step. Nothing rendered depends on `--jobs`, on wall time or on completion order.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::{json, Map, Value as Json};

use super::engine::Assignment;
use super::failures::{group, Group, LISTED};
use super::stats::Summary;
use crate::cli::fmt::thousands;
use crate::scenario::parse::Override;
use crate::sim::time::format_compact;

/// A sweep's (or a shard's) result, ready to print.
#[derive(Debug, Clone)]
pub(crate) struct Report {
    /// The scenario's name.
    pub(crate) scenario: String,
    /// The scenario file as the user named it (for the rerun commands).
    pub(crate) file: String,
    /// A short hash of the file's bytes (older outputs compare on it).
    pub(crate) fingerprint: String,
    /// The SHA-256 of the scenario text, so `merge` can refuse shards of different files.
    pub(crate) scenario_sha256: String,
    /// The overrides applied to the scenario (`--set`), as `PATH=VALUE`, in the order given.
    pub(crate) overrides: Vec<String>,
    /// The declared seed range, inclusive.
    pub(crate) from: u64,
    /// The declared seed range, inclusive.
    pub(crate) to: u64,
    /// The shard this report covers and who chose it, or `None` for the whole range.
    pub(crate) shard: Option<Assignment>,
    /// The metrics shown, in order (`--metric`, or a `--vary` sweep's defaults); `None`: every
    /// numeric metric, by name.
    pub(crate) columns: Option<Vec<String>>,
    /// The varied keys (`--vary`), in the order given; empty for a sweep over seeds alone.
    pub(crate) axes: Vec<Axis>,
    /// What the runs came to: one summary per point, in point order (one for a sweep over
    /// seeds alone).
    pub(crate) summaries: Vec<Summary>,
}

/// One varied key and its values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Axis {
    /// The key's path.
    pub(crate) path: String,
    /// Its values as written, in order.
    pub(crate) values: Vec<String>,
    /// The `--vary` argument as given.
    pub(crate) arg: String,
}

impl Axis {
    /// Value `k` as JSON: a number, a boolean, a list or a table where the key reads its value
    /// as TOML, a string otherwise.
    pub(crate) fn json(&self, k: usize) -> Json {
        Override::new(&self.path, &self.values[k], "")
            .map_or_else(|_| self.values[k].clone().into(), |o| o.json_value())
    }
}

/// The spoolsim version written into sweep and shard outputs: results of different versions
/// may differ, so `merge` refuses to mix them.
pub(crate) const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Whether a metric holds a time (shown in compact form) rather than a count.
pub(crate) fn is_time(name: &str) -> bool {
    name == "end_time"
        || name.starts_with("latency.")
        || (["flush.", "procedure.", "validate."]
            .iter()
            .any(|p| name.starts_with(p))
            && name.ends_with("_at"))
}

/// A word as a POSIX shell reads it back.
pub(crate) fn shell_quote(s: &str) -> String {
    let safe = |c: char| c.is_ascii_alphanumeric() || "_-./,:=+@%".contains(c);
    if !s.is_empty() && s.chars().all(safe) {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

/// The command that reruns one seed on its own, with the overrides `sets` (`PATH=VALUE`).
pub(crate) fn rerun(file: &str, sets: &[String], seed: u64) -> String {
    let mut cmd = format!("spoolsim run {}", shell_quote(file));
    for s in sets {
        cmd += &format!(" --set {}", shell_quote(s));
    }
    cmd + &format!(" --seed {seed}")
}

/// A failure message on one line.
pub(crate) fn one_line(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

pub(crate) fn show(name: &str, v: Option<i64>) -> String {
    match v {
        Some(v) if is_time(name) => match u64::try_from(v) {
            Ok(us) => format_compact(us),
            Err(_) => v.to_string(),
        },
        Some(v) => v.to_string(),
        None => "-".to_string(),
    }
}

pub(crate) fn plural(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

impl Report {
    /// How many runs there were.
    pub(crate) fn runs(&self) -> u64 {
        self.summaries.iter().map(|s| s.runs).sum()
    }

    /// How many runs failed.
    pub(crate) fn failed(&self) -> u64 {
        self.summaries.iter().map(|s| s.failed.len() as u64).sum()
    }

    /// How many runs passed.
    pub(crate) fn passed(&self) -> u64 {
        self.runs().saturating_sub(self.failed())
    }

    /// The overrides a rerun of point `point` needs: the `--set`s, then the point's values.
    pub(crate) fn sets_of(&self, point: usize) -> Vec<String> {
        let mut sets = self.overrides.clone();
        let mut rest = point;
        let mut own = Vec::with_capacity(self.axes.len());
        for a in self.axes.iter().rev() {
            own.push(format!("{}={}", a.path, a.values[rest % a.values.len()]));
            rest /= a.values.len();
        }
        sets.extend(own.into_iter().rev());
        sets
    }

    /// The title line (`sweep of NAME (FILE): ...`) and, with overrides, the line naming them.
    pub(crate) fn title(&self, what: &str) -> String {
        let mut out = format!("sweep of {} ({}): {what}", self.scenario, self.file);
        if let Some(a) = &self.shard {
            out += &format!(", shard {}", a.shard);
        }
        out += &format!(", {}\n", plural(self.runs(), "run", "runs"));
        if !self.overrides.is_empty() {
            out += &format!("overrides: {}\n", self.overrides.join(", "));
        }
        out
    }

    /// The text report: the table of points for a `--vary` sweep, else the metric table.
    pub(crate) fn to_text(&self) -> String {
        if self.axes.is_empty() {
            self.seeds_text()
        } else {
            super::table::to_text(self)
        }
    }

    /// A sweep over seeds alone: header, metric table, failed seeds, `N passed, M failed`.
    fn seeds_text(&self) -> String {
        let s = &self.summaries[0];
        let mut out = self.title(&format!("seeds {}..{}", self.from, self.to));
        out.push('\n');

        let mut rows: Vec<[String; 6]> = vec![[
            "metric".into(),
            "n".into(),
            "min".into(),
            "p50".into(),
            "p99".into(),
            "max".into(),
        ]];
        for (name, h) in &s.metrics {
            rows.push([
                name.clone(),
                h.n().to_string(),
                show(name, h.min()),
                show(name, h.percentile(50)),
                show(name, h.percentile(99)),
                show(name, h.max()),
            ]);
        }
        let mut width = [0usize; 6];
        for r in &rows {
            for (w, cell) in width.iter_mut().zip(r) {
                *w = (*w).max(cell.chars().count());
            }
        }
        for r in &rows {
            let mut line = format!("{:<w$}", r[0], w = width[0]);
            for (cell, w) in r.iter().zip(width).skip(1) {
                line += &format!("  {cell:>w$}");
            }
            out += line.trim_end();
            out.push('\n');
        }
        out.push('\n');
        if s.failed.is_empty() {
            out += "failed seeds: none\n";
        } else {
            out += "failed seeds, by expectation:\n";
        }
        for g in group(&s.failed) {
            out += &format!("  {}\n", self.group_line(&g, &self.overrides));
        }
        out += &format!("\n{} passed, {} failed\n", self.passed(), self.failed());
        out
    }

    /// One failing expectation: `ndr: expected 1 — 1,234 seeds fail, e.g. seed 17: got 0;
    /// rerun: ...`, naming the seeds themselves when there are few; `sets` are the overrides
    /// the rerun needs.
    pub(crate) fn group_line(&self, g: &Group, sets: &[String]) -> String {
        let first = g.seeds.first().copied().unwrap_or_default();
        let mut line = format!("{} — ", one_line(&g.expectation));
        if g.count == 1 {
            line += &format!("1 seed fails, seed {first}");
        } else {
            line += &format!("{} seeds fail", thousands(g.count));
            if g.count <= LISTED as u64 {
                let seeds: Vec<String> = g.seeds.iter().map(u64::to_string).collect();
                line += &format!(" ({})", seeds.join(", "));
            }
            line += &format!(", e.g. seed {first}");
        }
        if let Some(got) = &g.got {
            line += &format!(": {}", one_line(got));
        }
        line + &format!("; rerun: {}", rerun(&self.file, sets, first))
    }

    /// The fields every sweep JSON starts with: what was swept, the seeds, where it came from
    /// (spoolsim's version, the scenario's hashes, the overrides), what was varied and shown,
    /// the shard, and the run counts.
    pub(crate) fn head_json(&self) -> Map<String, Json> {
        let mut o = Map::new();
        o.insert("scenario".into(), self.scenario.clone().into());
        o.insert("file".into(), self.file.clone().into());
        o.insert("seeds".into(), json!({"from": self.from, "to": self.to}));
        o.insert("spoolsim".into(), VERSION.into());
        o.insert("fingerprint".into(), self.fingerprint.clone().into());
        o.insert(
            "scenario_sha256".into(),
            self.scenario_sha256.clone().into(),
        );
        o.insert("overrides".into(), self.overrides.clone().into());
        if !self.axes.is_empty() {
            let vary: Vec<Json> = self
                .axes
                .iter()
                .map(|a| json!({"path": a.path, "values": a.values, "argument": a.arg}))
                .collect();
            o.insert("vary".into(), vary.into());
        }
        if let Some(c) = &self.columns {
            o.insert("columns".into(), c.clone().into());
        }
        if let Some(a) = &self.shard {
            let shard = json!({
                "index": a.shard.index,
                "of": a.shard.of,
                "engine": a.engine.name(),
                "variables": a.variables,
            });
            o.insert("shard".into(), shard);
        }
        o.insert("runs".into(), self.runs().into());
        o.insert("passed".into(), self.passed().into());
        o.insert("failed".into(), self.failed().into());
        o
    }

    /// One summary's metrics as JSON, in `columns` order when chosen; a shard's carry their
    /// `values` as `[value, seeds]` pairs, for `merge`.
    pub(crate) fn metrics_json(&self, s: &Summary) -> Json {
        let one = |h: &super::stats::Histogram| {
            let mut m = json!({
                "n": h.n(),
                "min": h.min(),
                "p50": h.percentile(50),
                "p99": h.percentile(99),
                "max": h.max(),
            });
            if self.shard.is_some() {
                m["values"] = h.bins().iter().map(|&(v, c)| json!([v, c])).collect();
            }
            m
        };
        let names: Vec<&String> = match &self.columns {
            Some(c) => c.iter().collect(),
            None => s.metrics.keys().collect(),
        };
        let metrics: Map<String, Json> = names
            .into_iter()
            .filter_map(|name| Some((name.clone(), one(s.metrics.get(name)?))))
            .collect();
        Json::Object(metrics)
    }

    /// `failed_seeds` (the list) and `failures` (why, with the command that reruns each) of
    /// one summary, whose reruns need the overrides `sets`.
    pub(crate) fn failures_json(&self, s: &Summary, sets: &[String]) -> (Json, Json) {
        let seeds: Vec<Json> = s.failed.keys().map(|&seed| seed.into()).collect();
        let failed: Vec<Json> = s
            .failed
            .iter()
            .map(|(seed, failures)| {
                json!({
                    "seed": seed,
                    "failures": failures,
                    "rerun": rerun(&self.file, sets, *seed),
                })
            })
            .collect();
        (seeds.into(), failed.into())
    }

    /// The JSON report, with its provenance (spoolsim version, hashes of the scenario file,
    /// the overrides). A shard's carries more, for `merge`: its shard with the engine and
    /// variables that chose it, and every metric's `values` as `[value, seeds]` pairs.
    pub(crate) fn to_json(&self) -> Json {
        if !self.axes.is_empty() {
            return super::table::to_json(self);
        }
        let s = &self.summaries[0];
        let mut o = self.head_json();
        o.insert("metrics".into(), self.metrics_json(s));
        let (seeds, failed) = self.failures_json(s, &self.overrides);
        o.insert("failed_seeds".into(), seeds);
        o.insert("failures".into(), failed);
        let groups: Vec<Json> = group(&s.failed)
            .iter()
            .map(|g| {
                let first = g.seeds.first().copied().unwrap_or_default();
                json!({
                    "expectation": g.expectation,
                    "seeds": g.count,
                    "example": {
                        "seed": first,
                        "got": g.got,
                        "rerun": rerun(&self.file, &self.overrides, first),
                    },
                })
            })
            .collect();
        o.insert("failure_groups".into(), groups.into());
        Json::Object(o)
    }

    /// The JSON as printed: pretty for a whole sweep, one compact line for a shard (its
    /// histograms can be long, and only `merge` needs to read them).
    pub(crate) fn to_json_text(&self) -> String {
        let v = self.to_json();
        let text = if self.shard.is_some() {
            serde_json::to_string(&v)
        } else {
            serde_json::to_string_pretty(&v)
        };
        text.unwrap_or_default() + "\n"
    }
}

/// Just enough of a JSON file to tell a shard output from anything else.
#[derive(Debug, Deserialize)]
pub(crate) struct ShardProbe {
    /// Present only in a shard's output.
    pub(crate) shard: Option<serde::de::IgnoredAny>,
}

/// A shard output as `merge` reads it. Fields that older versions did not write default to
/// empty, so such a shard is refused for its version, not for a missing field.
#[derive(Debug, Deserialize)]
pub(crate) struct ShardFile {
    pub(crate) scenario: String,
    pub(crate) file: String,
    #[serde(default)]
    pub(crate) fingerprint: String,
    #[serde(default)]
    pub(crate) scenario_sha256: String,
    pub(crate) spoolsim: String,
    #[serde(default)]
    pub(crate) overrides: Vec<String>,
    pub(crate) seeds: SeedsJson,
    pub(crate) shard: ShardJson,
    pub(crate) runs: u64,
    #[serde(default)]
    pub(crate) columns: Option<Vec<String>>,
    #[serde(default)]
    pub(crate) vary: Vec<AxisJson>,
    /// A sweep over seeds alone: its metrics and failures.
    #[serde(flatten)]
    pub(crate) whole: PointJson,
    /// A `--vary` sweep: every point, in point order.
    #[serde(default)]
    pub(crate) points: Vec<PointJson>,
}

/// One varied key of a shard: `{"path", "values", "argument"}`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub(crate) struct AxisJson {
    pub(crate) path: String,
    pub(crate) values: Vec<String>,
    pub(crate) argument: String,
}

/// What a shard's runs of one point (or of the whole sweep over seeds) came to.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct PointJson {
    /// How many runs of the point the shard made (absent for a sweep over seeds: `runs`).
    #[serde(default)]
    pub(crate) runs: Option<u64>,
    #[serde(default)]
    pub(crate) metrics: BTreeMap<String, MetricJson>,
    #[serde(default)]
    pub(crate) failed_seeds: Vec<u64>,
    #[serde(default)]
    pub(crate) failures: Vec<FailedJson>,
}

/// `"seeds": {"from", "to"}`.
#[derive(Debug, Deserialize)]
pub(crate) struct SeedsJson {
    pub(crate) from: u64,
    pub(crate) to: u64,
}

/// `"shard": {"index", "of", "engine"}` (its `variables` are for people, not for `merge`).
#[derive(Debug, Deserialize)]
pub(crate) struct ShardJson {
    pub(crate) index: u64,
    pub(crate) of: u64,
    #[serde(default)]
    pub(crate) engine: Option<String>,
}

/// One metric of a shard: how many seeds had it, and its histogram as `[value, seeds]` pairs.
#[derive(Debug, Deserialize)]
pub(crate) struct MetricJson {
    pub(crate) n: u64,
    pub(crate) values: Vec<(i64, u64)>,
}

/// One failed seed of a shard.
#[derive(Debug, Deserialize)]
pub(crate) struct FailedJson {
    pub(crate) seed: u64,
    pub(crate) failures: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_metrics_are_recognised_by_name() {
        for t in [
            "end_time",
            "latency.outbound.p50",
            "latency.inbound.lan.max",
            "flush.2.returned_at",
            "flush.10.completed_at",
            "procedure.1.returned_at",
        ] {
            assert!(is_time(t), "{t}");
        }
        for c in [
            "delivered",
            "flush.1.delivered",
            "procedure.3.prompts",
            "ui_prompts.lan",
        ] {
            assert!(!is_time(c), "{c}");
        }
    }

    #[test]
    fn rerun_commands_survive_the_shell() {
        assert_eq!(rerun("a/b.toml", &[], 3), "spoolsim run a/b.toml --seed 3");
        assert_eq!(
            rerun("my dir/it's.toml", &[], 4),
            r"spoolsim run 'my dir/it'\''s.toml' --seed 4"
        );
        let sets = [
            "until=1h 30m".to_string(),
            "spooler.flush_order=parallel".into(),
        ];
        assert_eq!(
            rerun("a.toml", &sets, 5),
            "spoolsim run a.toml --set 'until=1h 30m' --set spooler.flush_order=parallel --seed 5"
        );
    }
}
