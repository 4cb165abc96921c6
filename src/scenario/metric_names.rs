//! The names of metrics (`docs/metrics.md`) that exist for a given scenario.
//!
//! Expectations, reports, sweeps and JSON output all name metrics by string, and many names
//! depend on the scenario: `delivered.<t>` needs a transport called `<t>`, `flush.3.result`
//! needs a third `[[flush]]`. Checking names here, once, when a file is parsed turns a typo in
//! `[expect]` into an input error with a suggestion instead of an expectation that can never
//! pass. [`metric_kind`] also says what sort of value a metric holds, so the parser can refuse
//! `delivered = "5s"` as well.
//!
//! A `[[flush]]` or `[[procedure]]` with a `name` answers to `flush.<name>.*` as well as to
//! `flush.N.*`: [`canonical`] turns the one into the other, so that outputs list each call once,
//! by number, with a map of the names ([`CallNames`]).

use super::error::{closest, list};
use crate::model::Scenario;
use crate::trace::CallNames;

/// The metric `name` with a flush's or procedure's name replaced by its number
/// (`flush.morning-upload.result` → `flush.1.result`); any other name as it is.
pub fn canonical(name: &str, scenario: &Scenario) -> String {
    let mut parts = name.splitn(3, '.');
    if let (Some(seq @ ("flush" | "procedure" | "validate")), Some(id), Some(field)) =
        (parts.next(), parts.next(), parts.next())
    {
        if let Some(n) = call_number(id).or_else(|| entry_named(seq, id, scenario)) {
            return format!("{seq}.{n}.{field}");
        }
    }
    name.to_string()
}

/// The number of the entry of `seq` called `name` in `scenario`.
fn entry_named(seq: &str, name: &str, scenario: &Scenario) -> Option<usize> {
    let names: Vec<Option<&str>> = match seq {
        "flush" => scenario.flushes.iter().map(|f| f.name.as_deref()).collect(),
        "procedure" => scenario
            .procedures
            .iter()
            .map(|p| p.name.as_deref())
            .collect(),
        "validate" => scenario
            .validates
            .iter()
            .map(|v| v.name.as_deref())
            .collect(),
        _ => return None,
    };
    names.iter().position(|n| *n == Some(name)).map(|i| i + 1)
}

/// Whole-run counts.
pub const COUNTS: &[&str] = &[
    "submitted",
    "delivered",
    "received",
    "arrived_remote",
    "ndr",
    "queued_outbound",
    "queued_inbound",
    "in_flight",
    "lost",
    "progress_ui",
    "ui_prompts",
    "connects",
];

/// Counts that also exist per transport, as `<m>.<t>`.
pub const PER_TRANSPORT: &[&str] = &[
    "delivered",
    "received",
    "ndr",
    "queued_outbound",
    "queued_inbound",
    "ui_prompts",
    "connects",
];

/// The directions of `latency.<dir>...`.
pub const DIRECTIONS: &[&str] = &["outbound", "inbound"];

/// The statistics of every latency.
pub const LATENCY_STATS: &[&str] = &["min", "p50", "p90", "p99", "max"];

/// The fields of `flush.N.*` and `procedure.N.*`.
pub const CALL_FIELDS: &[&str] = &[
    "result",
    "outcome",
    "returned_at",
    "completed_at",
    "delivered",
    "received",
    "prompts",
];

/// The fields of `validate.N.*`: a validate call has no `outcome` (it returns at once; its
/// `completed_at` is the end of the flush its `FORCE_XP_CONNECT` started, if any).
pub const VALIDATE_FIELDS: &[&str] = &[
    "result",
    "returned_at",
    "completed_at",
    "delivered",
    "received",
    "prompts",
];

/// The fields of the calls of sequence `seq`.
fn fields_of(seq: &str) -> &'static [&'static str] {
    if seq == "validate" {
        VALIDATE_FIELDS
    } else {
        CALL_FIELDS
    }
}

/// The object name that `progress_ui.<object>` and `via` use for the spooler.
pub const SPOOLER_OBJECT: &str = "spooler";

/// The names a `[[validate]]`'s `via` uses for the two status objects that are neither the
/// spooler nor a transport: the MAPI subsystem and the integrated address book. No transport
/// may be called so, in any case.
pub const OTHER_OBJECTS: &[&str] = &["subsystem", "addressbook"];

/// What sort of value a metric holds, and so which expectation values make sense.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MetricKind {
    /// A count of messages, prompts, ...: an integer.
    Count,
    /// `end_time`: always a time.
    Time,
    /// A latency statistic: a time, or `none` when there were no samples.
    Latency,
    /// `returned_at` / `completed_at`: a time, or `never`.
    Moment,
    /// `result` / `outcome`: a MAPI result name, or `pending`.
    Result,
}

/// What sort of value the metric `name` holds, or `None` when it does not exist for
/// `scenario`.
pub fn metric_kind(name: &str, scenario: &Scenario) -> Option<MetricKind> {
    let parts: Vec<&str> = name.split('.').collect();
    let is_transport = |t: &str| scenario.transport_index(t).is_some();
    match parts.as_slice() {
        ["end_time"] => Some(MetricKind::Time),
        [c] if COUNTS.contains(c) => Some(MetricKind::Count),
        [m, t] if PER_TRANSPORT.contains(m) && is_transport(t) => Some(MetricKind::Count),
        ["progress_ui", o] if *o == SPOOLER_OBJECT || is_transport(o) => Some(MetricKind::Count),
        ["latency", d, s] if DIRECTIONS.contains(d) && LATENCY_STATS.contains(s) => {
            Some(MetricKind::Latency)
        }
        ["latency", d, t, s]
            if DIRECTIONS.contains(d) && is_transport(t) && LATENCY_STATS.contains(s) =>
        {
            Some(MetricKind::Latency)
        }
        [seq, n, field] => {
            let len = call_count(seq, scenario)?;
            let n = call_number(n).or_else(|| entry_named(seq, n, scenario))?;
            if n == 0 || n > len || !fields_of(seq).contains(field) {
                return None;
            }
            match *field {
                "result" | "outcome" => Some(MetricKind::Result),
                "returned_at" | "completed_at" => Some(MetricKind::Moment),
                "delivered" | "received" | "prompts" => Some(MetricKind::Count),
                _ => None,
            }
        }
        _ => None,
    }
}

/// How many `[[flush]]` or `[[procedure]]` entries, for `seq` = `flush` / `procedure`.
fn call_count(seq: &str, scenario: &Scenario) -> Option<usize> {
    match seq {
        "flush" => Some(scenario.flushes.len()),
        "procedure" => Some(scenario.procedures.len()),
        "validate" => Some(scenario.validates.len()),
        _ => None,
    }
}

/// `N` of `flush.N.*`, written canonically (no sign, no leading zeros).
fn call_number(n: &str) -> Option<usize> {
    let v: usize = n.parse().ok()?;
    (v.to_string() == n).then_some(v)
}

/// Checks that `name` is a metric of `scenario`; the error says why not, with a suggestion.
pub fn check_metric_name(name: &str, scenario: &Scenario) -> Result<(), String> {
    match metric_kind(name, scenario) {
        Some(_) => Ok(()),
        None => Err(explain(name, scenario)),
    }
}

/// Why `name` is not a metric of `scenario`.
fn explain(name: &str, scenario: &Scenario) -> String {
    let shown = super::error::clip(name);
    let parts: Vec<&str> = name.split('.').collect();
    let transports = || scenario.transports.iter().map(|t| t.name.as_str());
    let no_transport = |t: &str| no_transport(&shown, t, scenario);
    match parts.as_slice() {
        [m, t] if PER_TRANSPORT.contains(m) => return no_transport(t),
        ["progress_ui", o] => {
            let objects = std::iter::once(SPOOLER_OBJECT).chain(transports());
            let hint = match closest(o, objects.clone()) {
                Some(c) => format!("did you mean `progress_ui.{c}`?"),
                None => format!("expected one of {}", list(objects)),
            };
            return format!(
                "unknown metric `{shown}`: `progress_ui.<object>` takes `spooler` or a \
                 transport's name; {hint}"
            );
        }
        [m, _] if COUNTS.contains(m) => {
            return format!(
                "unknown metric `{shown}`: `{m}` has no per-transport form; the per-transport \
                 counts are {}",
                list(PER_TRANSPORT.iter().copied())
            )
        }
        ["latency", rest @ ..] if !rest.is_empty() => {
            return explain_latency(&shown, rest, scenario);
        }
        [seq @ ("flush" | "procedure" | "validate"), n, rest @ ..] => {
            return explain_call(&shown, seq, n, rest, scenario);
        }
        _ => {}
    }
    let all = all_metric_names(scenario);
    match closest(name, all.iter().map(|s| s.as_str())) {
        Some(c) => format!("unknown metric `{shown}`; did you mean `{c}`?"),
        None => format!(
            "unknown metric `{shown}`; expected a count ({}), `end_time`, `latency.*`, \
             `flush.N.*`, `procedure.N.*` or `validate.N.*`",
            COUNTS.join(", ")
        ),
    }
}

/// "There is no transport named `t`", with a suggestion.
fn no_transport(shown: &str, t: &str, scenario: &Scenario) -> String {
    let transports = || scenario.transports.iter().map(|t| t.name.as_str());
    let hint = match closest(t, transports()) {
        Some(c) => format!("did you mean `{c}`?"),
        None => format!("the transports are {}", list(transports())),
    };
    format!(
        "unknown metric `{shown}`: there is no transport named `{}`; {hint}",
        super::error::clip(t)
    )
}

/// Explains a bad `latency.<rest>` name (`rest` is not empty).
fn explain_latency(shown: &str, rest: &[&str], scenario: &Scenario) -> String {
    let dir = rest[0];
    if !DIRECTIONS.contains(&dir) {
        let hint = match closest(dir, DIRECTIONS.iter().copied()) {
            Some(c) => format!("did you mean `latency.{c}`?"),
            None => "expected `latency.outbound` or `latency.inbound`".to_string(),
        };
        return format!("unknown metric `{shown}`: {hint}");
    }
    let stat = rest[rest.len() - 1];
    let stat_hint = || match closest(stat, LATENCY_STATS.iter().copied()) {
        Some(c) => format!("did you mean `{c}`?"),
        None => format!("expected one of {}", list(LATENCY_STATS.iter().copied())),
    };
    match rest.len() {
        3 if scenario.transport_index(rest[1]).is_none() => no_transport(shown, rest[1], scenario),
        2 | 3 => format!(
            "unknown metric `{shown}`: no latency statistic `{}`; {}",
            super::error::clip(stat),
            stat_hint()
        ),
        _ => format!(
            "unknown metric `{shown}`: expected `latency.{dir}.<stat>` or \
             `latency.{dir}.<transport>.<stat>` with <stat> one of {}",
            list(LATENCY_STATS.iter().copied())
        ),
    }
}

/// Explains a bad `flush.N.*` / `procedure.N.*` name (`n` may be a name).
fn explain_call(shown: &str, seq: &str, n: &str, rest: &[&str], scenario: &Scenario) -> String {
    let len = call_count(seq, scenario).unwrap_or(0);
    let entries = match len {
        0 => format!("there are no [[{seq}]] entries"),
        1 => format!("there is 1 [[{seq}]] entry, so N must be 1"),
        _ => format!("there are {len} [[{seq}]] entries, so N must be 1 to {len}"),
    };
    let number = match call_number(n) {
        Some(number) => number,
        None => match entry_named(seq, n, scenario) {
            Some(number) => number,
            None => return no_entry_named(shown, seq, n, scenario),
        },
    };
    if number == 0 || number > len {
        return format!(
            "unknown metric `{shown}`: {seq} number {number} is out of range; {entries}"
        );
    }
    let field = rest.first().copied().unwrap_or("");
    let fields = fields_of(seq);
    let hint = match closest(field, fields.iter().copied()) {
        Some(c) if rest.len() == 1 && c != field => format!("did you mean `{seq}.{n}.{c}`?"),
        _ => format!("expected one of {}", list(fields.iter().copied())),
    };
    format!("unknown metric `{shown}`: `{seq}.N.<field>` takes a field; {hint}")
}

/// "No `[[flush]]` is named `n`", with a suggestion among the names given.
fn no_entry_named(shown: &str, seq: &str, n: &str, scenario: &Scenario) -> String {
    let all = CallNames::of(scenario);
    let names: Vec<&str> = all
        .pairs()
        .into_iter()
        .filter(|(_, p)| p.starts_with(&format!("{seq}.")))
        .map(|(name, _)| name)
        .collect();
    let hint = match closest(n, names.iter().copied()) {
        Some(c) => format!("; did you mean `{seq}.{c}`?"),
        None if names.is_empty() => String::new(),
        None => format!("; the named ones are {}", list(names.iter().copied())),
    };
    format!(
        "unknown metric `{shown}`: expected `{seq}.N.<field>` with N a number counting the \
         [[{seq}]] entries from 1, or the `name` of one, found `{}`, which no [[{seq}]] has{hint}",
        super::error::clip(n)
    )
}

/// Every metric name of `scenario`, in a stable order: the counts, the per-transport counts
/// (by metric, then transport in file order), `progress_ui.<object>`, `end_time`, the
/// latencies (overall, then per transport), then `flush.N.*`, `procedure.N.*` and
/// `validate.N.*`.
pub fn all_metric_names(scenario: &Scenario) -> Vec<String> {
    let mut out: Vec<String> = COUNTS.iter().map(|s| s.to_string()).collect();
    for m in PER_TRANSPORT {
        for t in &scenario.transports {
            out.push(format!("{m}.{}", t.name));
        }
    }
    out.push(format!("progress_ui.{SPOOLER_OBJECT}"));
    for t in &scenario.transports {
        out.push(format!("progress_ui.{}", t.name));
    }
    out.push("end_time".to_string());
    for d in DIRECTIONS {
        for s in LATENCY_STATS {
            out.push(format!("latency.{d}.{s}"));
        }
    }
    for d in DIRECTIONS {
        for t in &scenario.transports {
            for s in LATENCY_STATS {
                out.push(format!("latency.{d}.{}.{s}", t.name));
            }
        }
    }
    for (seq, len) in [
        ("flush", scenario.flushes.len()),
        ("procedure", scenario.procedures.len()),
        ("validate", scenario.validates.len()),
    ] {
        for n in 1..=len {
            for f in fields_of(seq) {
                out.push(format!("{seq}.{n}.{f}"));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mapi::FlushFlags;
    use crate::model::{FlushSpec, ProcedureKind, ProcedureSpec, TransportConfig, Via};
    use crate::trace::Origin;

    fn scenario() -> Scenario {
        let mut s = Scenario::new("t");
        s.transports.push(TransportConfig::lan("lan", &["SMTP"]));
        s.transports.push(TransportConfig::ras("dialup", &["X400"]));
        for _ in 0..2 {
            s.flushes.push(FlushSpec {
                at: 0,
                via: Via::Spooler,
                target: None,
                flags: FlushFlags::UPLOAD,
                order: 0,
                name: None,
            });
        }
        s.flushes[1].name = Some("upload".into());
        s.procedures.push(ProcedureSpec {
            at: 0,
            kind: ProcedureKind::FlushAll,
            flags: FlushFlags::UPLOAD,
            order: 1,
            name: Some("send-receive".into()),
        });
        s
    }

    #[test]
    fn every_listed_name_checks_and_nothing_else_does() {
        let s = scenario();
        let all = all_metric_names(&s);
        assert_eq!(
            all.len(),
            12 + 7 * 2 + 3 + 1 + 10 + 10 * 2 + 7 * 2 + 7,
            "{all:?}"
        );
        for name in &all {
            assert_eq!(check_metric_name(name, &s), Ok(()), "{name}");
        }
        let unique: std::collections::BTreeSet<_> = all.iter().collect();
        assert_eq!(unique.len(), all.len());
    }

    #[test]
    fn kinds() {
        let s = scenario();
        assert_eq!(metric_kind("delivered", &s), Some(MetricKind::Count));
        assert_eq!(metric_kind("end_time", &s), Some(MetricKind::Time));
        assert_eq!(
            metric_kind("latency.inbound.dialup.p99", &s),
            Some(MetricKind::Latency)
        );
        assert_eq!(metric_kind("flush.2.result", &s), Some(MetricKind::Result));
        assert_eq!(
            metric_kind("procedure.1.completed_at", &s),
            Some(MetricKind::Moment)
        );
        assert_eq!(metric_kind("flush.2.prompts", &s), Some(MetricKind::Count));
        assert_eq!(
            metric_kind("flush.upload.result", &s),
            Some(MetricKind::Result)
        );
        assert_eq!(
            metric_kind("procedure.send-receive.returned_at", &s),
            Some(MetricKind::Moment)
        );
        assert_eq!(metric_kind("flush.send-receive.result", &s), None);
        assert_eq!(canonical("flush.upload.result", &s), "flush.2.result");
        assert_eq!(
            canonical("procedure.send-receive.prompts", &s),
            "procedure.1.prompts"
        );
        assert_eq!(canonical("delivered.lan", &s), "delivered.lan");
        let names = CallNames::of(&s);
        assert_eq!(
            names.to_json(),
            serde_json::json!({"upload": "flush.2", "send-receive": "procedure.1"})
        );
        assert_eq!(names.name(Origin::Flush(2)), Some("upload"));
        assert_eq!(names.name(Origin::Flush(1)), None);
        assert_eq!(names.label("procedure", 1), "procedure.1 (send-receive)");
        assert_eq!(metric_kind("flush.02.prompts", &s), None);
        assert_eq!(metric_kind("flush.3.prompts", &s), None);
        assert_eq!(metric_kind("procedure.0.result", &s), None);
        assert_eq!(metric_kind("", &s), None);
        assert_eq!(metric_kind("...", &s), None);
    }

    #[test]
    fn explanations_suggest() {
        let s = scenario();
        let e = |n: &str| check_metric_name(n, &s).unwrap_err();
        assert!(
            e("deliverd").contains("did you mean `delivered`?"),
            "{}",
            e("deliverd")
        );
        assert!(e("delivered.dialpu").contains("did you mean `dialup`?"));
        assert!(e("delivered.zzzzzz").contains("`lan`, `dialup`"));
        assert!(e("submitted.lan").contains("no per-transport form"));
        assert!(e("progress_ui.spooer").contains("did you mean `progress_ui.spooler`?"));
        assert!(e("latency.outbund.p50").contains("did you mean `latency.outbound`?"));
        assert!(
            e("latency.outbound.p95").contains("did you mean `p99`?")
                || e("latency.outbound.p95").contains("did you mean `p90`?")
        );
        assert!(e("latency.outbound.lam.p50").contains("did you mean `lan`?"));
        assert!(e("flush.3.result").contains("there are 2 [[flush]] entries, so N must be 1 to 2"));
        assert!(e("procedure.2.result").contains("there is 1 [[procedure]] entry, so N must be 1"));
        assert!(e("flush.x.result").contains("N a number"));
        assert!(e("flush.uplod.result").contains("did you mean `flush.upload`?"));
        assert!(e("procedure.upload.result").contains("the named ones are `send-receive`"));
        assert!(e("flush.1.reslt").contains("did you mean `flush.1.result`?"));
        assert!(e("zzzzzzzzzzzzzz").contains("expected a count"));
        let none = Scenario::new("x");
        assert!(check_metric_name("flush.1.result", &none)
            .unwrap_err()
            .contains("there are no [[flush]] entries"));
    }
}
