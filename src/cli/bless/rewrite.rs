//! The edit itself: new `[expect]` values spliced into the file's text, nothing else touched.
//!
//! `toml_edit` parses the file and says where each value of `[expect]` is written (its byte
//! span, with quotes); only those bytes are replaced, so comments, blank lines, key order,
//! quoting of keys, dotted or nested tables and line endings all stay exactly as they were.
//! An expectation that still holds keeps its text, operator included; one that fails becomes
//! equality with the value the run produced, written as a count (`97`), a duration string
//! (`"13m 5s"`) or a word (`"S_OK"`, `"never"`, `"none"`, `"pending"`).

use std::ops::Range;

use toml_edit::{Document, Item};

use crate::scenario::expect::Check;
use crate::scenario::metrics::Value;
use crate::sim::format_duration;

/// One expectation whose value changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Change {
    /// The metric, as `[expect]` names it (dotted).
    pub(crate) metric: String,
    /// The value as it was written (TOML, quotes included).
    pub(crate) old: String,
    /// The value written in its place.
    pub(crate) new: String,
}

/// Why a file's expectations could not be rewritten.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum RewriteError {
    /// `toml_edit` does not read the file (the scenario parser did, so this is unexpected).
    #[error("cannot edit the file as TOML: {0}")]
    Toml(String),
    /// An expectation names a metric the run did not produce.
    #[error("`{0}` is not a metric of this run, so there is no value to write for it")]
    NoValue(String),
    /// An expectation the parser read was not found in `[expect]`.
    #[error("cannot find `{0}` in [expect] to rewrite it")]
    NotFound(String),
}

/// Where one `[expect]` value is written.
#[derive(Debug)]
struct Slot {
    metric: String,
    span: Range<usize>,
}

/// Every scalar value under `[expect]`, with its dotted metric name and its span.
fn slots(doc: &Document<&str>) -> Vec<Slot> {
    let mut out = Vec::new();
    let Some(expect) = doc.as_table().get("expect") else {
        return out;
    };
    // An explicit stack: nesting is bounded by the parser, but recursion need not be trusted.
    let mut stack: Vec<(String, &Item)> = vec![(String::new(), expect)];
    while let Some((prefix, item)) = stack.pop() {
        if let Some(table) = item.as_table_like() {
            for (key, child) in table.iter() {
                let name = if prefix.is_empty() {
                    key.to_string()
                } else {
                    format!("{prefix}.{key}")
                };
                stack.push((name, child));
            }
        } else if let Some(span) = item.as_value().and_then(|v| v.span()) {
            out.push(Slot {
                metric: prefix,
                span,
            });
        }
    }
    out
}

/// `text` quoted as the old value was: a literal string (`'...'`) or a basic one (`"..."`).
fn quoted(text: &str, literal: bool) -> String {
    if literal && !text.contains('\'') {
        format!("'{text}'")
    } else {
        toml_edit::Value::from(text).to_string()
    }
}

/// How `value` is written in `[expect]`, quoted like `old` (the previous value's TOML).
fn written(value: &Value, old: &str) -> String {
    let literal = old.starts_with('\'');
    match value {
        Value::Count(n) => n.to_string(),
        Value::Time(t) => quoted(&format_duration(*t), literal),
        other => quoted(&other.to_string(), literal),
    }
}

/// `text` with every failing expectation of `checks` made equal to the run's value. Returns
/// the new text and the changes, in file order; an empty list leaves the text as it was.
pub(crate) fn rewrite(text: &str, checks: &[Check]) -> Result<(String, Vec<Change>), RewriteError> {
    let doc = Document::parse(text).map_err(|e| RewriteError::Toml(e.to_string()))?;
    let slots = slots(&doc);
    let mut edits: Vec<(Range<usize>, Change)> = Vec::new();
    for c in checks.iter().filter(|c| !c.pass) {
        let metric = &c.expectation.metric;
        let actual = c
            .actual
            .as_ref()
            .ok_or_else(|| RewriteError::NoValue(metric.clone()))?;
        let slot = slots
            .iter()
            .find(|s| &s.metric == metric)
            .ok_or_else(|| RewriteError::NotFound(metric.clone()))?;
        let old = text[slot.span.clone()].to_string();
        let new = written(actual, &old);
        edits.push((
            slot.span.clone(),
            Change {
                metric: metric.clone(),
                old,
                new,
            },
        ));
    }
    edits.sort_by_key(|(span, _)| span.start);
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for (span, change) in &edits {
        out.push_str(&text[at..span.start]);
        out.push_str(&change.new);
        at = span.end;
    }
    out.push_str(&text[at..]);
    Ok((out, edits.into_iter().map(|(_, c)| c).collect()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mapi::HResult;
    use crate::model::{CmpOp, ExpectValue, Expectation};

    fn failing(metric: &str, actual: Value) -> Check {
        Check {
            expectation: Expectation {
                metric: metric.into(),
                op: CmpOp::Eq,
                value: ExpectValue::Int(0),
            },
            actual: Some(actual),
            pass: false,
        }
    }

    #[test]
    fn only_the_failing_values_change_whatever_the_key_form() {
        let text = "name = \"t\" # the name\r\n\r\n[expect]   # what we expect\r\n\
                    delivered = 5 # five\r\n\
                    ui_prompts.dialup =  \">= 2\"\r\n\
                    \"flush.1.result\" = 'S_OK'\r\n\
                    [expect.flush.1]\r\nreturned_at = \"<= 12m\"   # soon\r\n";
        let checks = vec![
            failing("delivered", Value::Count(7)),
            failing("ui_prompts.dialup", Value::Count(1)),
            failing("flush.1.result", Value::Result(HResult::MAPI_E_BUSY)),
            failing("flush.1.returned_at", Value::Time(13 * 60_000_000 + 5_000)),
        ];
        let (new, changes) = rewrite(text, &checks).unwrap();
        let expected = text
            .replace("delivered = 5", "delivered = 7")
            .replace("\">= 2\"", "1")
            .replace("'S_OK'", "'MAPI_E_BUSY'")
            .replace("\"<= 12m\"", "\"13m 5ms\"");
        assert_eq!(new, expected);
        let shown: Vec<String> = changes
            .iter()
            .map(|c| format!("{}: {} → {}", c.metric, c.old, c.new))
            .collect();
        assert_eq!(
            shown,
            [
                "delivered: 5 → 7",
                "ui_prompts.dialup: \">= 2\" → 1",
                "flush.1.result: 'S_OK' → 'MAPI_E_BUSY'",
                "flush.1.returned_at: \"<= 12m\" → \"13m 5ms\"",
            ]
        );
    }

    #[test]
    fn words_and_passing_checks() {
        let text =
            "[expect]\n\"latency.outbound.p50\" = \"1s\"\n\"flush.2.returned_at\" = \"1s\"\n";
        let mut pass = failing("flush.2.returned_at", Value::Never);
        pass.pass = true;
        let checks = vec![failing("latency.outbound.p50", Value::None), pass];
        let (new, changes) = rewrite(text, &checks).unwrap();
        assert_eq!(
            new,
            "[expect]\n\"latency.outbound.p50\" = \"none\"\n\"flush.2.returned_at\" = \"1s\"\n"
        );
        assert_eq!(changes.len(), 1);
        let (same, none) = rewrite(text, &checks[1..]).unwrap();
        assert_eq!((same.as_str(), none.len()), (text, 0));
    }

    #[test]
    fn a_metric_without_a_value_or_a_slot_is_refused() {
        let text = "[expect]\ndelivered = 1\n";
        let mut c = failing("delivered", Value::Count(0));
        c.actual = None;
        assert_eq!(
            rewrite(text, &[c]),
            Err(RewriteError::NoValue("delivered".into()))
        );
        assert_eq!(
            rewrite(text, &[failing("ndr", Value::Count(0))]),
            Err(RewriteError::NotFound("ndr".into()))
        );
    }
}
