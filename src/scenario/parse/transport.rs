//! `[[transport]]` sections.

use std::collections::HashMap;
use std::ops::Range;

use toml::de::DeValue;

use super::reader::{
    boolean, dist, duration, duration_expecting, duration_text, item_key, positive_duration,
    probability, raw, string, tables, word, Ctx, PResult, Tbl, Val,
};
use crate::model::{RasConfig, Schedule, TransportConfig, UiAnswer};
use crate::scenario::error::{clip, closest, ErrorKind, WarningKind};
use crate::scenario::metric_names::{OTHER_OBJECTS, SPOOLER_OBJECT};
use crate::sim::time::{format_duration, Micros};

/// Keys of every transport.
pub(super) const COMMON_KEYS: &[&str] = &[
    "name",
    "kind",
    "address_types",
    "per_message",
    "send",
    "receive",
    "supports_flush",
    "honors_no_ui",
    "failure_rate",
    "retry",
    "max_retry",
    "lifetime",
];

/// Keys of `ras` transports only.
pub(super) const RAS_KEYS: &[&str] = &["connect", "idle_hangup", "ui", "ui_delay", "unattended"];

/// The most transports a scenario may have.
pub const MAX_TRANSPORTS: usize = 10_000;

/// Reads every `[[transport]]`; at least one is required. Every transport is returned, even one
/// with errors (with defaults where its values are wrong), so that later references to it by
/// name do not add errors of their own. `until` is the horizon, for warnings.
pub(super) fn transports(
    cx: &Ctx<'_>,
    root: &Tbl<'_, '_>,
    until: Option<Micros>,
) -> Vec<TransportConfig> {
    let sections = tables(cx, root, "transport");
    // A `transport` of the wrong type has had its error already.
    let absent = root
        .get("transport")
        .is_none_or(|v| matches!(v.get_ref(), DeValue::Array(a) if a.is_empty()));
    if sections.is_empty() && absent {
        // Where one would add it: an empty array, or the end of the file's last line.
        let message = "expected at least one [[transport]] section, found none";
        cx.report(match root.get("transport") {
            Some(v) => cx.err(ErrorKind::MissingKey, v.span(), "transport", message),
            None => cx.err_at_end(ErrorKind::MissingKey, "transport", message),
        });
    }
    let mut seen: HashMap<String, Range<usize>> = HashMap::new();
    let mut out = Vec::with_capacity(sections.len().min(MAX_TRANSPORTS));
    for t in &sections {
        out.push(transport(cx, t, &mut seen, until));
    }
    out
}

/// Whether `name` matches `[A-Za-z0-9_-]+`.
pub(super) fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

/// The transport's name. A string that breaks a rule is reported and still returned, so that
/// references to it are not reported again.
fn name(cx: &Ctx<'_>, t: &Tbl<'_, '_>, seen: &mut HashMap<String, Range<usize>>) -> String {
    let name_expected = "a name made of letters, digits, `_` and `-`, like \"lan\"";
    let Some(v) = cx.soft(t.require(cx, "name", name_expected)) else {
        return String::new();
    };
    let key = t.key("name");
    let Some(name) = cx.soft(string(cx, &key, v, name_expected)) else {
        return String::new();
    };
    if !valid_name(name) {
        cx.report(cx.invalid(
            &key,
            v,
            format!(
                "expected {name_expected} (matching [A-Za-z0-9_-]+), found \"{}\"",
                clip(name)
            ),
        ));
    } else if name == SPOOLER_OBJECT {
        cx.report(cx.invalid(
            &key,
            v,
            "expected a name other than \"spooler\", found \"spooler\", which names the \
             spooler's own status object (in `via` and `progress_ui.spooler`)",
        ));
    } else if let Some(&row) = OTHER_OBJECTS.iter().find(|o| o.eq_ignore_ascii_case(name)) {
        cx.report(cx.invalid(
            &key,
            v,
            format!(
                "expected a name other than \"{row}\" in any case, found \"{name}\"; \
                 \"{row}\" names a status object of its own (in a [[validate]]'s `via`)"
            ),
        ));
    } else if let Some(first) = seen.get(name) {
        let d = cx.err(
            ErrorKind::Duplicate,
            v.span(),
            &key,
            format!(
                "expected a unique transport name, found \"{name}\" again (first used on line \
                 {})",
                cx.line_of(first.start)
            ),
        );
        cx.report(cx.related(d, first.clone(), "first used here"));
    } else {
        seen.insert(name.to_string(), v.span());
    }
    name.to_string()
}

/// Reports each ras-only key written in a transport of kind `lan`.
fn ras_keys_on_lan(cx: &Ctx<'_>, t: &Tbl<'_, '_>, kind_v: &Val<'_>) {
    for k in RAS_KEYS.iter().filter_map(|k| t.key_of(k)) {
        let name: &str = k.get_ref();
        cx.report(cx.err(
            ErrorKind::Conflict,
            k.span(),
            &t.key(name),
            format!(
                "`{name}` is a key of ras transports only, and \"{}\" has kind = \"lan\" \
                 (line {}); remove it or set kind = \"ras\"",
                clip(t.get("name").map_or(String::new(), raw).as_str()),
                cx.line_of(kind_v.span().start)
            ),
        ));
    }
}

fn transport(
    cx: &Ctx<'_>,
    t: &Tbl<'_, '_>,
    seen: &mut HashMap<String, Range<usize>>,
    until: Option<Micros>,
) -> TransportConfig {
    let all: Vec<&str> = COMMON_KEYS.iter().chain(RAS_KEYS).copied().collect();
    t.check_keys(cx, &all);
    let name = name(cx, t, seen);
    let kind_v = cx.soft(t.require(cx, "kind", "kind = \"lan\" or \"ras\""));
    let kind = kind_v.and_then(|v| cx.soft(word(cx, &t.key("kind"), v, &["lan", "ras"])));
    if let (Some("lan"), Some(v)) = (kind, kind_v) {
        ras_keys_on_lan(cx, t, v);
    }
    let address_types = address_types(cx, t);
    let refs: Vec<&str> = address_types.iter().map(|s| s.as_str()).collect();
    // A transport of unknown kind reads the ras keys too, so each gets checked.
    let mut tc = if kind == Some("lan") {
        TransportConfig::lan(name, &refs)
    } else {
        TransportConfig::ras(name, &refs)
    };
    common_keys(cx, t, &mut tc);
    if let Some(ras) = tc.ras_config_mut() {
        ras_keys(cx, t, ras);
    }
    if let Some(until) = until {
        longer_than_run(cx, t, until);
    }
    tc
}

/// The keys every transport has, each left at its default when it is wrong.
fn common_keys(cx: &Ctx<'_>, t: &Tbl<'_, '_>, tc: &mut TransportConfig) {
    let k = |name: &str| t.key(name);
    if let Some(v) = t.get("per_message") {
        cx.set(&mut tc.per_message, dist(cx, &k("per_message"), v));
    }
    if let Some(v) = t.get("send") {
        cx.set(&mut tc.send, schedule(cx, &k("send"), v, true));
    }
    if let Some(v) = t.get("receive") {
        cx.set(&mut tc.receive, schedule(cx, &k("receive"), v, false));
    }
    if let Some(v) = t.get("supports_flush") {
        cx.set(&mut tc.supports_flush, boolean(cx, &k("supports_flush"), v));
    }
    if let Some(v) = t.get("honors_no_ui") {
        cx.set(&mut tc.honors_no_ui, boolean(cx, &k("honors_no_ui"), v));
    }
    if let Some(v) = t.get("failure_rate") {
        cx.set(&mut tc.failure_rate, probability(cx, &k("failure_rate"), v));
    }
    if let Some(v) = t.get("retry") {
        cx.set(&mut tc.retry, positive_duration(cx, &k("retry"), v));
    }
    if let Some(v) = t.get("max_retry") {
        cx.set(&mut tc.max_retry, positive_duration(cx, &k("max_retry"), v));
    }
    if let Some(v) = t.get("lifetime") {
        cx.set(&mut tc.lifetime, duration(cx, &k("lifetime"), v));
    }
}

/// The keys of ras transports.
fn ras_keys(cx: &Ctx<'_>, t: &Tbl<'_, '_>, ras: &mut RasConfig) {
    if let Some(v) = t.get("connect") {
        cx.set(&mut ras.connect, duration(cx, &t.key("connect"), v));
    }
    if let Some(v) = t.get("idle_hangup") {
        cx.set(&mut ras.idle_hangup, duration(cx, &t.key("idle_hangup"), v));
    }
    if let Some(v) = t.get("ui") {
        let answer = word(cx, &t.key("ui"), v, &["accept", "cancel", "ignore"]).map(|w| match w {
            "accept" => UiAnswer::Accept,
            "cancel" => UiAnswer::Cancel,
            _ => UiAnswer::Ignore,
        });
        cx.set(&mut ras.ui, answer);
    }
    if let Some(v) = t.get("ui_delay") {
        cx.set(&mut ras.ui_delay, duration(cx, &t.key("ui_delay"), v));
    }
    if let Some(v) = t.get("unattended") {
        cx.set(&mut ras.unattended, boolean(cx, &t.key("unattended"), v));
    }
}

/// The transport durations that, written longer than the whole run, mean something never
/// happens in it; with what.
const RUN_LENGTH_KEYS: &[(&str, &str)] = &[
    (
        "per_message",
        "no message this transport moves can arrive within the run",
    ),
    ("connect", "its line cannot come up within the run"),
    (
        "ui_delay",
        "the user cannot answer its dial prompt within the run",
    ),
    ("send", "no scheduled send happens within the run"),
    ("receive", "no scheduled poll happens within the run"),
];

/// Warns about each duration of [`RUN_LENGTH_KEYS`] written in `t` that is longer than `until`
/// (for a distribution, each duration written in it). Values in error are left to their error.
fn longer_than_run(cx: &Ctx<'_>, t: &Tbl<'_, '_>, until: Micros) {
    for (key, effect) in RUN_LENGTH_KEYS {
        let Some(v) = t.get(key) else { continue };
        let written: Vec<&Val<'_>> = match v.get_ref() {
            DeValue::String(_) => vec![v],
            DeValue::Table(d) => match (d.get("exp"), d.get("uniform").map(|u| u.get_ref())) {
                (Some(mean), _) => vec![mean],
                (None, Some(DeValue::Array(bounds))) => bounds.iter().collect(),
                _ => Vec::new(),
            },
            _ => Vec::new(),
        };
        for w in written {
            let DeValue::String(text) = w.get_ref() else {
                continue;
            };
            match duration_text(text) {
                Ok(d) if d > until => cx.warn(
                    WarningKind::LongerThanRun,
                    w.span(),
                    &t.key(key),
                    format!(
                        "\"{}\" is longer than the whole run (until = \"{}\"), so {effect}",
                        clip(text),
                        format_duration(until)
                    ),
                ),
                _ => {}
            }
        }
    }
}

/// `address_types`: a non-empty list of non-empty strings without `:`; empty after an error
/// (each bad item is reported).
fn address_types(cx: &Ctx<'_>, t: &Tbl<'_, '_>) -> Vec<String> {
    let expected = "a non-empty list of address types like [\"SMTP\"]";
    let Some(v) = cx.soft(t.require(cx, "address_types", expected)) else {
        return Vec::new();
    };
    let key = t.key("address_types");
    let DeValue::Array(items) = v.get_ref() else {
        cx.report(cx.wrong(&key, v, expected));
        return Vec::new();
    };
    if items.is_empty() {
        cx.report(cx.invalid(
            &key,
            v,
            format!("expected {expected}, found an empty array"),
        ));
    }
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let k = item_key(&key, i);
        let Some(s) = cx.soft(string(cx, &k, item, "an address type like \"SMTP\"")) else {
            continue;
        };
        if s.trim().is_empty() || s.contains(':') {
            cx.report(cx.invalid(
                &k,
                item,
                format!(
                    "expected an address type like \"SMTP\" (the part of a recipient before \
                     ':'), found \"{}\"",
                    clip(s)
                ),
            ));
            continue;
        }
        out.push(s.to_string());
    }
    out
}

/// `send` (`immediate_ok`) or `receive`: `"immediate"`, `"on-demand"` or a period > 0.
fn schedule(cx: &Ctx<'_>, key: &str, v: &Val<'_>, immediate_ok: bool) -> PResult<Schedule> {
    let (expected, words): (&str, &[&str]) = if immediate_ok {
        (
            "\"immediate\", \"on-demand\" or a period like \"5m\"",
            &["immediate", "on-demand"],
        )
    } else {
        (
            "a poll period like \"10m\" or \"on-demand\"",
            &["on-demand"],
        )
    };
    let text = match v.get_ref() {
        DeValue::String(s) => s.as_ref(),
        _ => return duration_expecting(cx, key, v, expected).map(Schedule::Every),
    };
    match text {
        "on-demand" => return Ok(Schedule::OnDemand),
        "immediate" if immediate_ok => return Ok(Schedule::Immediate),
        "immediate" => {
            return Err(cx.invalid(
                key,
                v,
                format!(
                    "expected {expected}, found \"immediate\"; inbound mail is polled, so \
                     receiving cannot be immediate"
                ),
            ))
        }
        _ => {}
    }
    match duration_text(text) {
        Ok(0) => Err(cx.invalid(
            key,
            v,
            format!(
                "expected {expected} with a period greater than 0, found \"{}\"",
                clip(text)
            ),
        )),
        Ok(d) => Ok(Schedule::Every(d)),
        Err(msg) if text.trim_start().starts_with(|c: char| c.is_ascii_digit()) => {
            Err(cx.invalid(key, v, msg))
        }
        Err(_) => {
            let hint = match closest(text, words.iter().copied()) {
                Some(c) => format!("; did you mean \"{c}\"?"),
                None => String::new(),
            };
            Err(cx.invalid(
                key,
                v,
                format!("expected {expected}, found \"{}\"{hint}", clip(text)),
            ))
        }
    }
}
