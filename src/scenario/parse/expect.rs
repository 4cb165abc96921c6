//! `[expect]`: metric names checked against the scenario, values against the metric's kind.

use std::collections::HashMap;
use std::ops::Range;

use toml::de::{DeTable, DeValue};

use super::reader::{describe, duration_text, in_order, int_value, Ctx, PResult, Tbl, Val};
use crate::mapi::HResult;
use crate::model::{CmpOp, ExpectValue, Expectation, Scenario};
use crate::scenario::error::{clip, closest, ErrorKind};
use crate::scenario::metric_names::{canonical, check_metric_name, metric_kind, MetricKind};

/// The words `[expect]` accepts besides result names.
pub const SPECIAL_WORDS: &[&str] = &["none", "never", "pending"];

/// The results the simulator produces, for suggestions (any `HResult` name is accepted).
const RESULT_NAMES: &[&str] = &[
    "S_OK",
    "MAPI_W_PARTIAL_COMPLETION",
    "MAPI_E_BUSY",
    "MAPI_E_NO_SUPPORT",
    "MAPI_E_USER_CANCEL",
    "MAPI_E_NETWORK_ERROR",
    "MAPI_E_INVALID_PARAMETER",
    "MAPI_E_UNKNOWN_FLAGS",
    "MAPI_E_INVALID_ENTRYID",
    "pending",
];

/// Operators, two-character ones first so that `<=` is not read as `<` then `=`.
const OPS: &[(&str, CmpOp)] = &[
    ("==", CmpOp::Eq),
    ("!=", CmpOp::Ne),
    ("<=", CmpOp::Le),
    (">=", CmpOp::Ge),
    ("<", CmpOp::Lt),
    (">", CmpOp::Gt),
];

/// One flattened `[expect]` entry.
struct Entry<'a, 'i> {
    /// The metric name, dotted.
    name: String,
    /// Where its (last) key is written.
    key_span: Range<usize>,
    value: &'a Val<'i>,
}

/// Every `metric = value` of `[expect]`, flattened, in file order. Dotted keys written
/// without quotes are nested tables: they are joined with '.'. The toml parser bounds nesting,
/// and this walk uses an explicit stack anyway.
fn entries<'a, 'i>(cx: &Ctx<'_>, table: &'a DeTable<'i>) -> Vec<Entry<'a, 'i>> {
    let mut entries = Vec::new();
    let mut stack = vec![(String::new(), table)];
    while let Some((prefix, t)) = stack.pop() {
        for (k, val) in in_order(t) {
            let name = if prefix.is_empty() {
                k.get_ref().to_string()
            } else {
                format!("{prefix}.{}", k.get_ref())
            };
            match val.get_ref() {
                DeValue::Table(inner) if inner.is_empty() => cx.report(cx.invalid(
                    &format!("expect.{}", clip(&name)),
                    val,
                    "expected metric = value entries, found an empty table",
                )),
                DeValue::Table(inner) => stack.push((name, inner)),
                _ => entries.push(Entry {
                    name,
                    key_span: k.span(),
                    value: val,
                }),
            }
        }
    }
    entries.sort_by_key(|e| e.key_span.start);
    entries
}

/// Reads `[expect]`, in file order; each bad entry is reported and left out.
pub(super) fn expectations(
    cx: &Ctx<'_>,
    root: &Tbl<'_, '_>,
    scenario: &Scenario,
) -> Vec<Expectation> {
    let Some(v) = root.get("expect") else {
        return Vec::new();
    };
    let DeValue::Table(table) = v.get_ref() else {
        cx.report(cx.wrong("expect", v, "an [expect] table of metric = value"));
        return Vec::new();
    };
    let entries = entries(cx, table);
    // Where each metric is first expected, by its canonical name: `flush.upload.result` and
    // `flush.1.result` may be the same metric.
    let mut seen: HashMap<String, Range<usize>> = HashMap::new();
    let mut out = Vec::with_capacity(entries.len());
    for e in &entries {
        let key = format!("expect.{}", clip(&e.name));
        let canonical = canonical(&e.name, scenario);
        if let Some(first) = seen.get(&canonical) {
            let d = cx.err(
                ErrorKind::Duplicate,
                e.key_span.clone(),
                &key,
                format!(
                    "expected one expectation per metric, found `{}` again (first on line \
                     {}); quoted and dotted keys, and a call's name and number, name the same \
                     metric",
                    clip(&e.name),
                    cx.line_of(first.start)
                ),
            );
            cx.report(cx.related(d, first.clone(), "first expected here"));
            continue;
        }
        seen.insert(canonical, e.key_span.clone());
        let Some(kind) = metric_kind(&e.name, scenario) else {
            let why = check_metric_name(&e.name, scenario)
                .err()
                .unwrap_or_default();
            cx.report(cx.err(ErrorKind::UnknownMetric, e.key_span.clone(), &key, why));
            continue;
        };
        if let Some((op, value)) = cx.soft(value(cx, &key, e.value, kind)) {
            out.push(Expectation {
                metric: e.name.clone(),
                op,
                value,
            });
        }
    }
    out
}

/// What a metric of `kind` can be compared with, for messages.
fn expected(kind: MetricKind) -> &'static str {
    match kind {
        MetricKind::Count => "a count like 3 or \">= 3\"",
        MetricKind::Time => "a time like \"2h\" or \"<= 2h\"",
        MetricKind::Latency => "a time like \"250ms\" or \"<= 1s\", or \"none\"",
        MetricKind::Moment => "a time like \"12m\" or \"<= 12m\", or \"never\"",
        MetricKind::Result => "a result like \"S_OK\" or \"!= MAPI_E_BUSY\", or \"pending\"",
    }
}

/// Reads one expectation's value for a metric of `kind`.
fn value(cx: &Ctx<'_>, key: &str, v: &Val<'_>, kind: MetricKind) -> PResult<(CmpOp, ExpectValue)> {
    let exp = expected(kind);
    let text = match v.get_ref() {
        DeValue::Integer(_) => return integer(cx, key, v, kind).map(|n| (CmpOp::Eq, n)),
        DeValue::String(s) => s.as_ref(),
        _ => return Err(cx.wrong(key, v, exp)),
    };
    let trimmed = text.trim();
    let (op, rest) = OPS
        .iter()
        .find_map(|(sym, op)| trimmed.strip_prefix(sym).map(|r| (*op, r.trim())))
        .unwrap_or((CmpOp::Eq, trimmed));
    if rest.is_empty() {
        return Err(cx.invalid(
            key,
            v,
            format!(
                "expected {exp}, found \"{}\" (nothing to compare with)",
                clip(text)
            ),
        ));
    }
    let value = if let Ok(n) = rest.parse::<i64>() {
        ExpectValue::Int(n)
    } else if rest.starts_with(|c: char| c.is_ascii_digit()) {
        ExpectValue::Time(duration_text(rest).map_err(|msg| cx.invalid(key, v, msg))?)
    } else {
        ExpectValue::Word(rest.to_string())
    };
    suits(cx, (key, v, text), kind, op, &value)?;
    Ok((op, value))
}

/// An integer written without quotes: a count, or the error for another kind of metric.
fn integer(cx: &Ctx<'_>, key: &str, v: &Val<'_>, kind: MetricKind) -> PResult<ExpectValue> {
    let exp = expected(kind);
    let DeValue::Integer(i) = v.get_ref() else {
        return Err(cx.wrong(key, v, exp));
    };
    let n = int_value(i).and_then(|n| i64::try_from(n).ok());
    match (kind, n) {
        (MetricKind::Count, Some(n)) => Ok(ExpectValue::Int(n)),
        (MetricKind::Count, None) => Err(cx.invalid(
            key,
            v,
            format!(
                "expected {exp}, found {} (too large)",
                describe(v.get_ref())
            ),
        )),
        (MetricKind::Result, _) => Err(cx.wrong(key, v, exp)),
        _ => Err(cx.err(
            ErrorKind::WrongType,
            v.span(),
            key,
            format!(
                "expected {exp}, found {}; times are quoted strings with a unit: write \
                 \"{}s\" or \"{}ms\"",
                describe(v.get_ref()),
                clip(&i.to_string()),
                clip(&i.to_string())
            ),
        )),
    }
}

/// Whether `value`, compared with `op`, suits a metric of `kind`; `text` is the value as
/// written, for messages.
fn suits(
    cx: &Ctx<'_>,
    (key, v, text): (&str, &Val<'_>, &str),
    kind: MetricKind,
    op: CmpOp,
    value: &ExpectValue,
) -> PResult<()> {
    let exp = expected(kind);
    let bad = |why: String| Err(cx.invalid(key, v, why));
    let ordered = !matches!(op, CmpOp::Eq | CmpOp::Ne);
    match (kind, value) {
        (MetricKind::Count, ExpectValue::Int(_))
        | (MetricKind::Time | MetricKind::Latency | MetricKind::Moment, ExpectValue::Time(_)) => {
            Ok(())
        }
        (MetricKind::Latency, ExpectValue::Word(w)) if w == "none" && ordered => bad(format!(
            "expected == or != before \"none\" (no samples), found \"{}\"",
            clip(text)
        )),
        (MetricKind::Latency, ExpectValue::Word(w)) if w == "none" => Ok(()),
        (MetricKind::Moment, ExpectValue::Word(w)) if w == "never" => Ok(()),
        (MetricKind::Result, ExpectValue::Word(w))
            if HResult::from_name(w).is_some() || w == "pending" =>
        {
            if ordered {
                return bad(format!(
                    "expected == or != before a result, found \"{}\"; results have no order",
                    clip(text)
                ));
            }
            Ok(())
        }
        (MetricKind::Result, ExpectValue::Word(w)) => {
            let hint = match closest(w, RESULT_NAMES.iter().copied()) {
                Some(c) => format!("did you mean \"{c}\"?"),
                None => "expected S_OK, a MAPI_E_* or MAPI_W_* name, or pending".to_string(),
            };
            Err(cx.err(
                ErrorKind::UnknownName,
                v.span(),
                key,
                format!("unknown result \"{}\"; {hint}", clip(w)),
            ))
        }
        (_, ExpectValue::Word(w)) => {
            let hint = match closest(w, SPECIAL_WORDS.iter().copied()) {
                Some(c) if exp.contains(&format!("\"{c}\"")) => format!("; did you mean \"{c}\"?"),
                _ => String::new(),
            };
            bad(format!("expected {exp}, found \"{}\"{hint}", clip(text)))
        }
        (MetricKind::Result, _) => bad(format!("expected {exp}, found \"{}\"", clip(text))),
        (MetricKind::Count, _) => bad(format!(
            "expected {exp}, found \"{}\"; this metric counts, it is not a time",
            clip(text)
        )),
        _ => {
            let rest = text.trim().trim_start_matches(['=', '!', '<', '>']).trim();
            bad(format!(
                "expected {exp}, found \"{}\"; this metric is a time: write it with a unit, \
                 like \"{}s\"",
                clip(text),
                clip(rest)
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::parse::parse_scenario;

    fn parse(expect: &str) -> Result<Vec<Expectation>, String> {
        let text = format!(
            "name = \"t\"\n[[transport]]\nname = \"lan\"\nkind = \"lan\"\naddress_types = \
             [\"SMTP\"]\n[[flush]]\nname = \"up\"\nat = \"1s\"\nvia = \"lan\"\nflags = []\n\
             [expect]\n{expect}\n"
        );
        parse_scenario(&text, "e")
            .map(|p| p.scenario.expect)
            .map_err(|e| e.to_string())
    }

    #[test]
    fn two_character_operators_win() {
        let e = parse("\"flush.1.returned_at\" = \"<=12m\"").unwrap();
        assert_eq!(e[0].op, CmpOp::Le);
        assert_eq!(e[0].value, ExpectValue::Time(12 * 60_000_000));
        let e = parse("\"flush.1.returned_at\" = \"> never\"").unwrap();
        assert_eq!(
            (e[0].op, &e[0].value),
            (CmpOp::Gt, &ExpectValue::Word("never".into()))
        );
    }

    #[test]
    fn results_accept_mapi_names_and_pending_with_equality_only() {
        let e = parse("\"flush.1.outcome\" = \"MAPI_W_PARTIAL_COMPLETION\"").unwrap();
        assert_eq!(
            e[0].value,
            ExpectValue::Word("MAPI_W_PARTIAL_COMPLETION".into())
        );
        assert!(parse("\"flush.1.result\" = \"< S_OK\"")
            .unwrap_err()
            .contains("results have no order"));
        assert!(parse("\"flush.1.result\" = 0")
            .unwrap_err()
            .contains("found 0 (an integer)"));
    }

    #[test]
    fn a_call_answers_to_its_name_and_its_number_once() {
        let e = parse("\"flush.up.result\" = \"S_OK\"").unwrap();
        assert_eq!(e[0].metric, "flush.up.result");
        let err =
            parse("\"flush.up.result\" = \"S_OK\"\n\"flush.1.result\" = \"S_OK\"").unwrap_err();
        assert!(err.contains("a call's name and number"), "{err}");
    }

    #[test]
    fn empty_and_non_scalar_values_are_refused() {
        assert!(parse("delivered = \"\"")
            .unwrap_err()
            .contains("nothing to compare with"));
        assert!(parse("delivered = [1]")
            .unwrap_err()
            .contains("an array of 1 item"));
        assert!(parse("delivered = 1.0")
            .unwrap_err()
            .contains("1.0 (a float)"));
        assert!(parse("\"latency.outbound.min\" = \"never\"")
            .unwrap_err()
            .contains("or \"none\""));
    }
}
