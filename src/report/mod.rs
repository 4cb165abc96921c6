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
pub mod text;
pub mod timeline;

use crate::scenario::expect::{self, Check};
use crate::scenario::metrics::{self, Metrics};
use crate::scenario::{RunResult, Scenario};

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
        let metrics = metrics::compute(&run, scenario.flushes.len(), scenario.procedures.len());
        let checks = expect::check_scenario(scenario, &metrics);
        let (conserved, conservation) = expect::conservation(&metrics);
        Outcome {
            scenario: scenario.clone(),
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

    /// `--format json`: `{"scenario", "seed", "metrics": {...}}`, plus the expectations and the
    /// conservation verdict.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "scenario": self.run.scenario,
            "seed": self.run.seed,
            "metrics": self.metrics.to_json(),
            "conserved": self.conserved,
            "expectations": self.checks.iter().map(|c| serde_json::json!({
                "metric": c.expectation.metric,
                "expected": expect::expected_text(&c.expectation),
                "actual": c.actual.as_ref().map(|v| v.to_json()),
                "pass": c.pass,
            })).collect::<Vec<_>>(),
        })
    }
}
