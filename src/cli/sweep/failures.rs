//! A sweep's failures grouped by expectation: one line per broken expectation, not per seed.
//!
//! When a change breaks an expectation, it usually breaks it for many seeds at once; a
//! thousand lines saying the same thing hide the one line that says something else. So the
//! text report gives each failing expectation once, with how many seeds break it, the first
//! such seed with what it got, and the command that reruns that seed. (The JSON keeps every
//! seed's failures for tools.)
//!
//! A failure reads `metric: expected X, got Y` (`lost: expected 0, got 3 (conservation ...)`
//! for the invariant); the part before `, got ` names the expectation and the rest is what one
//! seed got. Anything else (a run that panicked) is grouped by its whole text.

use std::collections::BTreeMap;

/// How many seeds a group lists by number before it only counts them.
pub(crate) const LISTED: usize = 10;

/// One broken expectation and the seeds that broke it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Group {
    /// The expectation, as `metric: expected X` (or the failure's whole text).
    pub(crate) expectation: String,
    /// How many seeds broke it.
    pub(crate) count: u64,
    /// The first seeds that broke it, at most [`LISTED`], in order.
    pub(crate) seeds: Vec<u64>,
    /// What the first seed got (`got Y`), when the failure says.
    pub(crate) got: Option<String>,
}

/// Splits a failure into the expectation it broke and what the seed got.
pub(crate) fn split(failure: &str) -> (&str, Option<&str>) {
    match failure.find(", got ") {
        Some(k) => (&failure[..k], Some(&failure[k + 2..])),
        None => (failure, None),
    }
}

/// The failures of `failed` (per seed, in seed order) grouped by expectation: the group that
/// most seeds broke first, ties in the expectation's alphabetical order.
pub(crate) fn group<'a>(
    failed: impl IntoIterator<Item = (&'a u64, &'a Vec<String>)>,
) -> Vec<Group> {
    let mut groups: BTreeMap<&str, Group> = BTreeMap::new();
    for (&seed, failures) in failed {
        for f in failures {
            let (expectation, got) = split(f);
            let g = groups.entry(expectation).or_insert_with(|| Group {
                expectation: expectation.to_string(),
                count: 0,
                seeds: Vec::new(),
                got: got.map(str::to_string),
            });
            g.count += 1;
            if g.seeds.len() < LISTED && g.seeds.last() != Some(&seed) {
                g.seeds.push(seed);
            }
        }
    }
    let mut out: Vec<Group> = groups.into_values().collect();
    out.sort_by(|a, b| {
        b.count
            .cmp(&a.count)
            .then(a.expectation.cmp(&b.expectation))
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_split_at_got() {
        assert_eq!(
            split("ndr: expected 1, got 0"),
            ("ndr: expected 1", Some("got 0"))
        );
        assert_eq!(
            split("lost: expected 0, got 2 (conservation: x, y)"),
            ("lost: expected 0", Some("got 2 (conservation: x, y)"))
        );
        assert_eq!(
            split("the run panicked: boom"),
            ("the run panicked: boom", None)
        );
    }

    #[test]
    fn groups_count_seeds_and_keep_the_first() {
        let mut failed: BTreeMap<u64, Vec<String>> = BTreeMap::new();
        for seed in 1..=30u64 {
            let mut f = Vec::new();
            if seed % 2 == 0 {
                f.push(format!("ndr: expected 1, got {}", seed % 3));
            }
            if seed == 7 || seed == 9 {
                f.push("delivered: expected >= 5, got 4".to_string());
            }
            if !f.is_empty() {
                failed.insert(seed, f);
            }
        }
        let g = group(&failed);
        assert_eq!(g.len(), 2);
        assert_eq!(g[0].expectation, "ndr: expected 1");
        assert_eq!(g[0].count, 15);
        assert_eq!(g[0].seeds, vec![2, 4, 6, 8, 10, 12, 14, 16, 18, 20]);
        assert_eq!(g[0].got.as_deref(), Some("got 2"));
        assert_eq!(g[1].expectation, "delivered: expected >= 5");
        assert_eq!((g[1].count, g[1].seeds.clone()), (2, vec![7, 9]));
    }

    #[test]
    fn the_real_failure_text_splits() {
        use crate::model::{CmpOp, ExpectValue, Expectation};
        use crate::scenario::expect::check;
        use crate::scenario::metrics::{Metrics, Value};
        let mut m = Metrics::default();
        m.0.insert("ndr".into(), Value::Count(0));
        let e = Expectation {
            metric: "ndr".into(),
            op: CmpOp::Ge,
            value: ExpectValue::Int(1),
        };
        let described = check(&[e], &m)[0].describe();
        assert_eq!(split(&described), ("ndr: expected >= 1", Some("got 0")));
    }
}
