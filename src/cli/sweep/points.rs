//! The points of a `--vary` sweep: every combination of the varied values, each a scenario
//! parsed with its overrides, and the metrics the sweep reports.
//!
//! Points are the cartesian product of the `--vary` lists in the order given, the first
//! outermost, so the table reads like nested loops. Every point is parsed before anything runs:
//! a value that breaks a check of the file (a rate above 1, a duration without a unit) stops
//! the sweep at once with the file's own error, naming the `--vary` argument and the value, and
//! the same mistake met at many points is reported once.

use std::collections::BTreeSet;

use super::vary::{Vary, MAX_POINTS};
use crate::cli::output::warning;
use crate::cli::source::diagnostics;
use crate::cli::CliError;
use crate::scenario::error::ScenarioError;
use crate::scenario::metric_names::{canonical, check_metric_name, metric_kind, MetricKind};
use crate::scenario::parse::{parse_scenario_with, Override, Parsed};
use crate::scenario::Scenario;

/// The value index of each `--vary` at point `point`, the first `--vary` outermost.
pub(crate) fn indexes(varies: &[Vary], point: usize) -> Vec<usize> {
    let mut rest = point;
    let mut out = vec![0; varies.len()];
    for (k, v) in varies.iter().enumerate().rev() {
        out[k] = rest % v.values.len();
        rest /= v.values.len();
    }
    out
}

/// How many points the `--vary` lists make, or a usage error past [`MAX_POINTS`].
pub(crate) fn count(varies: &[Vary]) -> Result<usize, CliError> {
    let n = varies
        .iter()
        .try_fold(1usize, |n, v| n.checked_mul(v.values.len()))
        .filter(|&n| n <= MAX_POINTS);
    n.ok_or_else(|| {
        CliError::Input(format!(
            "the --vary lists make more than {MAX_POINTS} points; vary fewer keys or values"
        ))
    })
}

/// Refuses a path given twice among `--set` and `--vary`.
pub(crate) fn check_paths(set: &[Override], varies: &[Vary]) -> Result<(), CliError> {
    let mut seen: BTreeSet<&str> = set.iter().map(|o| o.path.as_str()).collect();
    for v in varies {
        if !seen.insert(&v.path) {
            return Err(CliError::Input(format!(
                "--vary {}: `{}` is given twice (by --set or another --vary); give each key once",
                v.arg, v.path
            )));
        }
    }
    Ok(())
}

/// Every point's scenario, in point order, parsed from `text` (named `file`) with `base` and
/// the point's values. Errors of every point are rendered together, each distinct one once;
/// warnings about the varied values are shown once each.
pub(crate) fn scenarios(
    text: &str,
    file: &str,
    base: &[Override],
    varies: &[Vary],
) -> Result<Vec<Scenario>, CliError> {
    let total = count(varies)?;
    let mut out = Vec::with_capacity(total);
    let mut errors = Vec::new();
    let mut seen_errors = BTreeSet::new();
    let mut seen_warnings = BTreeSet::new();
    for point in 0..total {
        let mut overrides = base.to_vec();
        for (v, k) in varies.iter().zip(indexes(varies, point)) {
            overrides.push(v.nth(k));
        }
        match parse_scenario_with(text, file, &overrides) {
            Ok(parsed) => {
                warn_once(&parsed, &mut seen_warnings);
                out.push(parsed.scenario);
            }
            Err(e) => {
                for d in e.diagnostics() {
                    if seen_errors.insert(d.to_string()) {
                        errors.push(d.clone());
                    }
                }
            }
        }
    }
    if errors.is_empty() {
        return Ok(out);
    }
    let e = ScenarioError::collect(errors, 0);
    Err(diagnostics(&e, text))
}

/// The warnings about varied values (the file's own were shown with the scenario), each once.
fn warn_once(parsed: &Parsed, seen: &mut BTreeSet<String>) {
    for w in parsed.warnings.iter().filter(|w| w.set.is_some()) {
        let text = w.to_string();
        if seen.insert(text.clone()) {
            warning(&text);
        }
    }
}

/// The metrics a `--vary` sweep shows by default: deliveries, non-delivery reports, the
/// outbound latency's median and 99th percentile, and when every flush and procedure returned.
pub(crate) fn default_metrics(s: &Scenario) -> Vec<String> {
    let mut m: Vec<String> = [
        "delivered",
        "ndr",
        "latency.outbound.p50",
        "latency.outbound.p99",
    ]
    .map(String::from)
    .to_vec();
    m.extend((1..=s.flushes.len()).map(|n| format!("flush.{n}.returned_at")));
    m.extend((1..=s.procedures.len()).map(|n| format!("procedure.{n}.returned_at")));
    m
}

/// The metrics `--metric` names (each argument a comma-separated list), checked against `s`,
/// in the order given, each once, a named call's metric under its number.
pub(crate) fn chosen_metrics(args: &[String], s: &Scenario) -> Result<Vec<String>, CliError> {
    let mut out: Vec<String> = Vec::new();
    for name in args.iter().flat_map(|a| a.split(',')).map(str::trim) {
        if name.is_empty() {
            continue;
        }
        check_metric_name(name, s).map_err(|e| CliError::Input(format!("--metric {name}: {e}")))?;
        if metric_kind(name, s) == Some(MetricKind::Result) {
            return Err(CliError::Input(format!(
                "--metric {name}: a result is a word, and a sweep summarises numbers; use \
                 --per-seed FILE to see each run's result"
            )));
        }
        let c = canonical(name, s);
        if !out.contains(&c) {
            out.push(c);
        }
    }
    if out.is_empty() {
        return Err(CliError::Input(
            "--metric needs at least one metric name".into(),
        ));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::super::vary::parse_vary;
    use super::*;

    #[test]
    fn points_are_the_product_with_the_first_vary_outermost() {
        let a = parse_vary("transport.lan.failure_rate=0,0.5").unwrap();
        let b = parse_vary("spooler.flush_order=profile,parallel,profile").unwrap();
        let varies = [a, b];
        assert_eq!(count(&varies).ok(), Some(6));
        let all: Vec<Vec<usize>> = (0..6).map(|p| indexes(&varies, p)).collect();
        assert_eq!(
            all,
            [[0, 0], [0, 1], [0, 2], [1, 0], [1, 1], [1, 2]].map(|x| x.to_vec())
        );
    }

    #[test]
    fn a_path_twice_is_refused() {
        let set = [Override::parse_set("transport.lan.retry=1m").unwrap()];
        let v = |arg: &str| parse_vary(arg).unwrap();
        assert!(check_paths(&set, &[v("transport.lan.retry=1m,2m")]).is_err());
        let twice = [
            v("spooler.flush_order=profile"),
            v("spooler.flush_order=parallel"),
        ];
        assert!(check_paths(&[], &twice).is_err());
        assert!(check_paths(&set, &[v("transport.lan.failure_rate=0,1")]).is_ok());
    }
}
