//! What a run shows its user: the text report ([`text`]), the JSON metrics
//! ([`Outcome::to_json`]), the JSON-lines trace ([`jsonl`]), the Chrome timeline ([`timeline`])
//! and the SVG picture ([`plot`]).
//!
//! Everything here is rendered from an [`Outcome`] (the scenario, the run, its metrics and its
//! expectation checks, computed once) or from its run, and nothing here changes a run: the
//! outputs only choose how to show it. The timeline and the picture show the same facts over
//! time, so they share one reading of the trace (queue depths, flush calls, dial-up lines) in a
//! private `analysis` module.

mod analysis;
pub mod jsonl;
pub mod plot;
pub mod provenance;
pub mod text;
pub mod timeline;
mod why;

pub use provenance::Provenance;

use crate::scenario::expect::{self, Check};
use crate::scenario::metrics::{self, Metrics};
use crate::scenario::{RunResult, Scenario};

/// The key of the metrics in a JSON report.
const METRICS: &str = "metrics";

/// A JSON report whose metrics are written from [`Metrics`] itself, in the place of the
/// `metrics` field of `head`.
struct WithMetrics<'a> {
    head: &'a serde_json::Map<String, serde_json::Value>,
    metrics: &'a Metrics,
}

impl serde::Serialize for WithMetrics<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(Some(self.head.len()))?;
        for (k, v) in self.head {
            if k == METRICS {
                m.serialize_entry(k, self.metrics)?;
            } else {
                m.serialize_entry(k, v)?;
            }
        }
        m.end()
    }
}

/// A finished run with everything computed from it.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// The scenario that ran.
    pub scenario: Scenario,
    /// The run.
    pub run: RunResult,
    /// Its metrics.
    pub metrics: Metrics,
    /// Its expectations, checked.
    pub checks: Vec<Check>,
    /// Whether nothing was lost.
    pub conserved: bool,
    /// The conservation line.
    pub conservation: String,
}

impl Outcome {
    /// Computes metrics and checks for a run of `scenario`.
    pub fn new(scenario: &Scenario, run: RunResult) -> Self {
        Self::of(scenario.clone(), run)
    }

    /// [`Outcome::new`], keeping `scenario` rather than a copy of it.
    pub fn of(scenario: Scenario, run: RunResult) -> Self {
        let metrics = metrics::compute(&run, metrics::ScriptedCalls::of(&scenario));
        let checks = expect::check_scenario(&scenario, &metrics);
        let (conserved, conservation) = expect::conservation(&metrics);
        Outcome {
            scenario,
            run,
            metrics,
            checks,
            conserved,
            conservation,
        }
    }

    /// Whether every expectation held and nothing was lost.
    pub fn passed(&self) -> bool {
        self.conserved && self.checks.iter().all(|c| c.pass)
    }

    /// The failed expectations (and the invariant, if it failed), one line each.
    pub fn failures(&self) -> Vec<String> {
        let mut v: Vec<String> = self
            .checks
            .iter()
            .filter(|c| !c.pass)
            .map(|c| c.describe())
            .collect();
        if !self.conserved {
            v.push(format!(
                "lost: expected 0, got {} ({})",
                self.metrics.count_of("lost"),
                self.conservation
            ));
        }
        v
    }

    /// `--format json`: `{"scenario", "seed", "names", "metrics": {...}}`, plus the
    /// expectations (see [`Check::to_json`]) and the conservation verdict.
    pub fn to_json(&self) -> serde_json::Value {
        self.json(None)
    }

    /// [`Outcome::to_json`] with where the run came from: spoolsim's version, the overrides and
    /// the hash of the scenario text after `scenario` and `seed`.
    pub fn to_json_with(&self, provenance: &Provenance) -> serde_json::Value {
        self.json(Some(provenance))
    }

    /// Writes [`Outcome::to_json_with`]'s JSON to `out`, pretty-printed, without building the
    /// metrics' part of it first: they are written straight from [`Metrics`].
    pub fn write_json_with(
        &self,
        provenance: &Provenance,
        out: impl std::io::Write,
    ) -> serde_json::Result<()> {
        let head = self.json_map(Some(provenance), serde_json::Value::Null);
        let report = WithMetrics {
            head: &head,
            metrics: &self.metrics,
        };
        serde_json::to_writer_pretty(out, &report)
    }

    fn json(&self, provenance: Option<&Provenance>) -> serde_json::Value {
        serde_json::Value::Object(self.json_map(provenance, self.metrics.to_json()))
    }

    /// The report's fields, in their order, with `metrics` as the metrics' field.
    fn json_map(
        &self,
        provenance: Option<&Provenance>,
        metrics: serde_json::Value,
    ) -> serde_json::Map<String, serde_json::Value> {
        let mut m = serde_json::Map::new();
        m.insert("scenario".into(), self.run.scenario.clone().into());
        m.insert("seed".into(), self.run.seed.into());
        if let Some(p) = provenance {
            m.extend(p.fields().into_iter().filter(|(k, _)| k != "seed"));
        }
        m.insert("names".into(), self.run.call_names.to_json());
        m.insert(METRICS.into(), metrics);
        m.insert("conserved".into(), self.conserved.into());
        m.insert(
            "expectations".into(),
            self.checks.iter().map(Check::to_json).collect(),
        );
        m
    }

    /// Why each scripted flush and procedure that did not end in `S_OK` ended as it did, one
    /// plain line each, by prefix (`flush.N`, `procedure.N`).
    pub fn explanations(&self) -> Vec<(String, String)> {
        why::explain(self)
    }
}
