//! Checking `[expect]` against a run's metrics.

use std::cmp::Ordering;

use super::metric_names::canonical;
use super::metrics::{Metrics, Value};
use crate::model::{CmpOp, ExpectValue, Expectation, Scenario};
use crate::sim::format_duration;

/// The outcome of one expectation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    /// The expectation.
    pub expectation: Expectation,
    /// The metric's actual value (`None` if the run has no such metric).
    pub actual: Option<Value>,
    /// Whether it held.
    pub pass: bool,
}

impl Check {
    /// `metric: expected X, got Y`.
    pub fn describe(&self) -> String {
        let got = self
            .actual
            .as_ref()
            .map_or_else(|| "no such metric".to_string(), |v| v.to_string());
        format!(
            "{}: expected {}, got {}",
            self.expectation.metric,
            expected_text(&self.expectation),
            got
        )
    }
}

/// How an expectation's right-hand side reads.
pub fn expected_text(e: &Expectation) -> String {
    let v = match &e.value {
        ExpectValue::Int(n) => n.to_string(),
        ExpectValue::Time(t) => format_duration(*t),
        ExpectValue::Word(w) => w.clone(),
    };
    match e.op {
        CmpOp::Eq => v,
        op => format!("{} {v}", op.as_str()),
    }
}

/// An expectation's value in the form metrics take in JSON: a count as an integer, a time as
/// integer microseconds, a word as a string.
pub fn expected_json(e: &Expectation) -> serde_json::Value {
    match &e.value {
        ExpectValue::Int(n) => (*n).into(),
        ExpectValue::Time(t) => (*t).into(),
        ExpectValue::Word(w) => w.as_str().into(),
    }
}

impl Check {
    /// The check as JSON: `metric` as written, `op`, `expected` and `actual` in the form metrics
    /// take (times as integer microseconds; `actual` is `null` when the run has no such
    /// metric), `expected_text` as the file wrote it, and `pass`.
    pub fn to_json(&self) -> serde_json::Value {
        let e = &self.expectation;
        serde_json::json!({
            "metric": e.metric,
            "op": e.op.as_str(),
            "expected": expected_json(e),
            "expected_text": expected_text(e),
            "actual": self.actual.as_ref().map(Value::to_json),
            "pass": self.pass,
        })
    }
}

/// Compares an actual value with an expected one; `None` when they cannot be compared.
fn compare(actual: &Value, expected: &ExpectValue) -> Option<Ordering> {
    // `never` is later than every time.
    let time_of = |v: &Value| match v {
        Value::Time(t) => Some(u128::from(*t)),
        Value::Never => Some(u128::MAX),
        _ => None,
    };
    match (actual, expected) {
        (Value::Count(a), ExpectValue::Int(b)) => Some(a.cmp(b)),
        (Value::Time(_) | Value::Never, ExpectValue::Time(b)) => {
            Some(time_of(actual)?.cmp(&u128::from(*b)))
        }
        (Value::Time(a), ExpectValue::Int(b)) => Some(i128::from(*a).cmp(&i128::from(*b))),
        (Value::Never, ExpectValue::Int(_)) => Some(Ordering::Greater),
        (Value::Time(_), ExpectValue::Word(w)) if w == "never" => Some(Ordering::Less),
        (Value::Never, ExpectValue::Word(w)) if w == "never" => Some(Ordering::Equal),
        (_, ExpectValue::Word(w)) => {
            let text = actual.to_string();
            Some(if text.eq_ignore_ascii_case(w) {
                Ordering::Equal
            } else {
                text.cmp(w)
            })
        }
        _ => None,
    }
}

fn holds(op: CmpOp, ord: Ordering) -> bool {
    match op {
        CmpOp::Eq => ord == Ordering::Equal,
        CmpOp::Ne => ord != Ordering::Equal,
        CmpOp::Le => ord != Ordering::Greater,
        CmpOp::Ge => ord != Ordering::Less,
        CmpOp::Lt => ord == Ordering::Less,
        CmpOp::Gt => ord == Ordering::Greater,
    }
}

/// Checks every expectation of `scenario` against the metrics of its run, reading a call's
/// name (`flush.morning-upload.result`) as its number.
pub fn check_scenario(scenario: &Scenario, metrics: &Metrics) -> Vec<Check> {
    check_with(&scenario.expect, metrics, |m| canonical(m, scenario))
}

/// Checks every expectation against `metrics`, by the metric names as written.
pub fn check(expect: &[Expectation], metrics: &Metrics) -> Vec<Check> {
    check_with(expect, metrics, str::to_string)
}

/// Checks every expectation against `metrics`, each under the name `resolve` gives it.
fn check_with(
    expect: &[Expectation],
    metrics: &Metrics,
    resolve: impl Fn(&str) -> String,
) -> Vec<Check> {
    expect
        .iter()
        .map(|e| {
            let actual = metrics.get(&resolve(&e.metric)).cloned();
            let pass = actual.as_ref().is_some_and(|a| {
                let words = matches!(e.value, ExpectValue::Word(_));
                match compare(a, &e.value) {
                    // Words only compare for (in)equality.
                    Some(ord) if !words || matches!(e.op, CmpOp::Eq | CmpOp::Ne) => {
                        holds(e.op, ord)
                    }
                    Some(ord) => holds(e.op, ord) && matches!(a, Value::Time(_) | Value::Never),
                    None => false,
                }
            });
            Check {
                expectation: e.clone(),
                actual,
                pass,
            }
        })
        .collect()
}

/// The conservation line and whether it holds (`lost == 0`).
pub fn conservation(m: &Metrics) -> (bool, String) {
    let c = |n: &str| m.count_of(n);
    let lost = c("lost");
    let line = format!(
        "conservation: submitted {} = delivered {} + ndr {} + queued {} + in flight {}; \
         arrived {} = received {} + queued {}; lost {}",
        c("submitted"),
        c("delivered"),
        c("ndr"),
        c("queued_outbound"),
        c("in_flight"),
        c("arrived_remote"),
        c("received"),
        c("queued_inbound"),
        lost
    );
    (lost == 0, line)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mapi::HResult;

    fn metrics() -> Metrics {
        let mut m = Metrics::default();
        m.0.insert("delivered".into(), Value::Count(100));
        m.0.insert("flush.1.returned_at".into(), Value::Time(12 * 60_000_000));
        m.0.insert("flush.2.returned_at".into(), Value::Never);
        m.0.insert("flush.1.result".into(), Value::Result(HResult::S_OK));
        m
    }

    fn e(metric: &str, op: CmpOp, value: ExpectValue) -> Expectation {
        Expectation {
            metric: metric.into(),
            op,
            value,
        }
    }

    #[test]
    fn compares_counts_times_and_words() {
        let m = metrics();
        let checks = check(
            &[
                e("delivered", CmpOp::Eq, ExpectValue::Int(100)),
                e("delivered", CmpOp::Gt, ExpectValue::Int(100)),
                e(
                    "flush.1.returned_at",
                    CmpOp::Le,
                    ExpectValue::Time(12 * 60_000_000),
                ),
                e(
                    "flush.2.returned_at",
                    CmpOp::Gt,
                    ExpectValue::Time(u64::MAX - 1),
                ),
                e(
                    "flush.2.returned_at",
                    CmpOp::Eq,
                    ExpectValue::Word("never".into()),
                ),
                e(
                    "flush.1.result",
                    CmpOp::Eq,
                    ExpectValue::Word("S_OK".into()),
                ),
                e(
                    "flush.1.result",
                    CmpOp::Ne,
                    ExpectValue::Word("MAPI_E_BUSY".into()),
                ),
                e("nope", CmpOp::Eq, ExpectValue::Int(0)),
            ],
            &m,
        );
        let pass: Vec<bool> = checks.iter().map(|c| c.pass).collect();
        assert_eq!(pass, vec![true, false, true, true, true, true, true, false]);
        assert_eq!(checks[1].describe(), "delivered: expected > 100, got 100");
    }
}
