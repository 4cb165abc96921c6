//! The metrics two runs disagree on, with the difference where the values are numbers.

use std::collections::HashSet;

use crate::report::Outcome;
use crate::scenario::metric_names::all_metric_names;
use crate::scenario::metrics::Value;
use crate::sim::format_duration;

/// One metric whose value differs (or that only one run has).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct MetricDiff {
    /// The metric's name.
    pub(crate) name: String,
    /// Its value in the left run (`None`: the left run has no such metric).
    pub(crate) left: Option<Value>,
    /// Its value in the right run.
    pub(crate) right: Option<Value>,
}

impl MetricDiff {
    /// Right minus left, as an integer (microseconds for times), when both are counts or
    /// both are times.
    pub(crate) fn difference(&self) -> Option<i128> {
        match (self.left.as_ref()?, self.right.as_ref()?) {
            (Value::Count(l), Value::Count(r)) => Some(i128::from(*r) - i128::from(*l)),
            (Value::Time(l), Value::Time(r)) => Some(i128::from(*r) - i128::from(*l)),
            _ => None,
        }
    }

    /// The difference as the report shows it: `+3`, `-250ms`, `+1m 2s`; empty for words.
    pub(crate) fn difference_text(&self) -> String {
        let Some(d) = self.difference() else {
            return String::new();
        };
        let sign = if d < 0 { "-" } else { "+" };
        match self.left {
            Some(Value::Time(_)) => {
                let magnitude = u64::try_from(d.unsigned_abs()).unwrap_or(u64::MAX);
                format!("{sign}{}", format_duration(magnitude))
            }
            _ => format!("{sign}{}", d.unsigned_abs()),
        }
    }
}

/// Every metric whose value differs between the runs, in the order metrics are listed (the
/// left scenario's, then any only the right one has).
pub(crate) fn differing(left: &Outcome, right: &Outcome) -> Vec<MetricDiff> {
    let mut seen = HashSet::new();
    let mut names = Vec::new();
    let computed = |m: &Outcome| m.metrics.0.keys().cloned().collect::<Vec<_>>();
    // The left scenario's names, the right one's, then anything computed that the lists lack.
    for n in all_metric_names(&left.scenario)
        .into_iter()
        .chain(all_metric_names(&right.scenario))
        .chain(computed(left))
        .chain(computed(right))
    {
        if seen.insert(n.clone()) {
            names.push(n);
        }
    }
    names
        .into_iter()
        .filter_map(|name| {
            let (l, r) = (left.metrics.get(&name), right.metrics.get(&name));
            (l != r).then(|| MetricDiff {
                name,
                left: l.cloned(),
                right: r.cloned(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(left: Value, right: Value) -> MetricDiff {
        MetricDiff {
            name: "m".into(),
            left: Some(left),
            right: Some(right),
        }
    }

    #[test]
    fn differences_are_signed_and_in_the_metrics_unit() {
        assert_eq!(d(Value::Count(5), Value::Count(2)).difference_text(), "-3");
        assert_eq!(d(Value::Count(2), Value::Count(5)).difference(), Some(3));
        let t = d(Value::Time(1_000_000), Value::Time(62_250_000));
        assert_eq!(t.difference(), Some(61_250_000));
        assert_eq!(t.difference_text(), "+1m 1s 250ms");
        assert_eq!(
            d(Value::Time(250_000), Value::Time(0)).difference_text(),
            "-250ms"
        );
        assert_eq!(d(Value::Time(1), Value::Never).difference(), None);
        assert_eq!(d(Value::Time(1), Value::Never).difference_text(), "");
        let missing = MetricDiff {
            name: "m".into(),
            left: None,
            right: Some(Value::Count(1)),
        };
        assert_eq!(missing.difference(), None);
    }
}
