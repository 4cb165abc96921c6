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
use crate::sim::time::format_compact;

/// A sweep's (or a shard's) result, ready to print.
#[derive(Debug, Clone)]
pub(crate) struct Report {
    /// The scenario's name.
    pub(crate) scenario: String,
    /// The scenario file as the user named it (for the rerun commands).
    pub(crate) file: String,
    /// A hash of the file's bytes, so `merge` can refuse shards of different files.
    pub(crate) fingerprint: String,
    /// The overrides applied to the scenario, as `PATH=VALUE`, in the order given.
    pub(crate) overrides: Vec<String>,
    /// The declared seed range, inclusive.
    pub(crate) from: u64,
    /// The declared seed range, inclusive.
    pub(crate) to: u64,
    /// The shard this report covers and who chose it, or `None` for the whole range.
    pub(crate) shard: Option<Assignment>,
    /// What the seeds came to.
    pub(crate) summary: Summary,
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

/// The command that reruns one seed on its own.
pub(crate) fn rerun(file: &str, seed: u64) -> String {
    format!("spoolsim run {} --seed {seed}", shell_quote(file))
}

/// A failure message on one line.
fn one_line(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

fn show(name: &str, v: Option<i64>) -> String {
    match v {
        Some(v) if is_time(name) => match u64::try_from(v) {
            Ok(us) => format_compact(us),
            Err(_) => v.to_string(),
        },
        Some(v) => v.to_string(),
        None => "-".to_string(),
    }
}

fn plural(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

impl Report {
    fn passed(&self) -> u64 {
        self.summary
            .runs
            .saturating_sub(self.summary.failed.len() as u64)
    }

    /// The text report: header, metric table, failed seeds, `N passed, M failed`.
    pub(crate) fn to_text(&self) -> String {
        let s = &self.summary;
        let mut out = format!(
            "sweep of {} ({}): seeds {}..{}",
            self.scenario, self.file, self.from, self.to
        );
        if let Some(a) = &self.shard {
            out += &format!(", shard {}", a.shard);
        }
        out += &format!(", {}\n\n", plural(s.runs, "run", "runs"));

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
            out += &format!("  {}\n", self.group_line(&g));
        }
        out += &format!("\n{} passed, {} failed\n", self.passed(), s.failed.len());
        out
    }

    /// One failing expectation: `ndr: expected 1 — 1,234 seeds fail, e.g. seed 17: got 0;
    /// rerun: ...`, naming the seeds themselves when there are few.
    fn group_line(&self, g: &Group) -> String {
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
        line + &format!("; rerun: {}", rerun(&self.file, first))
    }

    /// The JSON report, with its provenance (spoolsim version, a hash of the scenario file,
    /// the overrides). A shard's carries more, for `merge`: its shard with the engine and
    /// variables that chose it, and every metric's `values` as `[value, seeds]` pairs.
    pub(crate) fn to_json(&self) -> Json {
        let s = &self.summary;
        let mut o = Map::new();
        o.insert("scenario".into(), self.scenario.clone().into());
        o.insert("file".into(), self.file.clone().into());
        o.insert("seeds".into(), json!({"from": self.from, "to": self.to}));
        o.insert("spoolsim".into(), VERSION.into());
        o.insert("fingerprint".into(), self.fingerprint.clone().into());
        o.insert("overrides".into(), self.overrides.clone().into());
        if let Some(a) = &self.shard {
            let shard = json!({
                "index": a.shard.index,
                "of": a.shard.of,
                "engine": a.engine.name(),
                "variables": a.variables,
            });
            o.insert("shard".into(), shard);
        }
        o.insert("runs".into(), s.runs.into());
        o.insert("passed".into(), self.passed().into());
        o.insert("failed".into(), (s.failed.len() as u64).into());
        let metrics: Map<String, Json> = s
            .metrics
            .iter()
            .map(|(name, h)| {
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
                (name.clone(), m)
            })
            .collect();
        o.insert("metrics".into(), Json::Object(metrics));
        // `failed_seeds` is the list of seeds; `failures` says why, with the
        // command that reruns each.
        let seeds: Vec<Json> = s.failed.keys().map(|&seed| seed.into()).collect();
        let failed: Vec<Json> = s
            .failed
            .iter()
            .map(|(seed, failures)| {
                json!({
                    "seed": seed,
                    "failures": failures,
                    "rerun": rerun(&self.file, *seed),
                })
            })
            .collect();
        o.insert("failed_seeds".into(), seeds.into());
        o.insert("failures".into(), failed.into());
        let groups: Vec<Json> = group(&s.failed)
            .iter()
            .map(|g| {
                let first = g.seeds.first().copied().unwrap_or_default();
                json!({
                    "expectation": g.expectation,
                    "seeds": g.count,
                    "example": {"seed": first, "got": g.got, "rerun": rerun(&self.file, first)},
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
    pub(crate) fingerprint: String,
    pub(crate) spoolsim: String,
    #[serde(default)]
    pub(crate) overrides: Vec<String>,
    pub(crate) seeds: SeedsJson,
    pub(crate) shard: ShardJson,
    pub(crate) runs: u64,
    pub(crate) metrics: BTreeMap<String, MetricJson>,
    pub(crate) failed_seeds: Vec<u64>,
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
        assert_eq!(rerun("a/b.toml", 3), "spoolsim run a/b.toml --seed 3");
        assert_eq!(
            rerun("my dir/it's.toml", 4),
            r"spoolsim run 'my dir/it'\''s.toml' --seed 4"
        );
    }
}
