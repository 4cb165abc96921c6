//! Helpers shared by the integration tests.
#![allow(dead_code)]

pub mod trace_rules;

use spoolsim::report::Outcome;
use spoolsim::scenario::metrics::Value;
use spoolsim::scenario::parse::duration::parse_duration;
use spoolsim::scenario::{parse_scenario, run, RunOptions, Scenario};

/// Parses an inline scenario, panicking with the error if it is invalid.
pub fn scenario(toml: &str) -> Scenario {
    match parse_scenario(toml, "test.toml") {
        Ok(p) => p.scenario,
        Err(e) => panic!("{}", e.render(toml)),
    }
}

/// Runs an inline scenario and computes its metrics.
pub fn outcome(toml: &str) -> Outcome {
    let s = scenario(toml);
    let r = run(
        &s,
        &RunOptions {
            full_trace: true,
            ..Default::default()
        },
    );
    let o = Outcome::new(&s, r);
    assert!(o.conserved, "{}", o.conservation);
    o
}

/// A metric as text (times in humantime form).
pub fn m(o: &Outcome, name: &str) -> String {
    o.metrics
        .get(name)
        .unwrap_or_else(|| panic!("no metric {name}"))
        .to_string()
}

/// A time metric, exactly.
pub fn t(o: &Outcome, name: &str) -> Value {
    o.metrics
        .get(name)
        .cloned()
        .unwrap_or_else(|| panic!("no metric {name}"))
}

/// A duration literal.
pub fn d(s: &str) -> Value {
    Value::Time(parse_duration(s).unwrap())
}

/// A count metric.
pub fn n(o: &Outcome, name: &str) -> i64 {
    match o.metrics.get(name) {
        Some(Value::Count(c)) => *c,
        other => panic!("{name} is not a count: {other:?}"),
    }
}
