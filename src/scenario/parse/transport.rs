//! `[[transport]]` sections.

use std::collections::HashMap;

use toml::de::DeValue;

use super::reader::{
    boolean, dist, duration, duration_expecting, duration_text, positive_duration, probability,
    raw, string, tables, word, Ctx, PResult, Tbl, Val,
};
use crate::model::{Schedule, TransportConfig, UiAnswer};
use crate::scenario::error::{clip, closest, ErrorKind};
use crate::scenario::metric_names::SPOOLER_OBJECT;

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

/// Reads every `[[transport]]`; at least one is required.
pub(super) fn transports(cx: &Ctx<'_>, root: &Tbl<'_, '_>) -> PResult<Vec<TransportConfig>> {
    let sections = tables(cx, root, "transport")?;
    if sections.is_empty() {
        let span = root.get("transport").map_or(0..0, |v| v.span());
        return Err(cx.err(
            ErrorKind::MissingKey,
            span,
            "transport",
            "expected at least one [[transport]] section, found none",
        ));
    }
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut out = Vec::with_capacity(sections.len().min(MAX_TRANSPORTS));
    for t in &sections {
        out.push(transport(cx, t, &mut seen)?);
    }
    Ok(out)
}

/// Whether `name` matches `[A-Za-z0-9_-]+`.
pub(super) fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

// Split into functions of one job each by the parser rework; allowed until that lands here.
#[allow(clippy::too_many_lines)]
fn transport(
    cx: &Ctx<'_>,
    t: &Tbl<'_, '_>,
    seen: &mut HashMap<String, usize>,
) -> PResult<TransportConfig> {
    let all: Vec<&str> = COMMON_KEYS.iter().chain(RAS_KEYS).copied().collect();
    t.check_keys(cx, &all)?;

    let name_expected = "a name made of letters, digits, `_` and `-`, like \"lan\"";
    let v = t.require(cx, "name", name_expected)?;
    let key = t.key("name");
    let name = string(cx, &key, v, name_expected)?;
    if !valid_name(name) {
        return Err(cx.invalid(
            &key,
            v,
            format!(
                "expected {name_expected} (matching [A-Za-z0-9_-]+), found \"{}\"",
                clip(name)
            ),
        ));
    }
    if name == SPOOLER_OBJECT {
        return Err(cx.invalid(
            &key,
            v,
            "expected a name other than \"spooler\", found \"spooler\", which names the \
             spooler's own status object (in `via` and `progress_ui.spooler`)",
        ));
    }
    if let Some(first) = seen.get(name) {
        return Err(cx.err(
            ErrorKind::Duplicate,
            v.span(),
            &key,
            format!(
                "expected a unique transport name, found \"{name}\" again (first used on line \
                 {first})"
            ),
        ));
    }
    seen.insert(name.to_string(), cx.line_of(v.span().start));

    let kind_v = t.require(cx, "kind", "kind = \"lan\" or \"ras\"")?;
    let kind = word(cx, &t.key("kind"), kind_v, &["lan", "ras"])?;
    let is_ras = kind == "ras";
    if !is_ras {
        let first_ras = RAS_KEYS
            .iter()
            .filter_map(|k| t.key_of(k))
            .min_by_key(|k| k.span().start);
        if let Some(k) = first_ras {
            let name: &str = k.get_ref();
            return Err(cx.err(
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
    let address_types = address_types(cx, t)?;
    let refs: Vec<&str> = address_types.iter().map(|s| s.as_str()).collect();
    let mut tc = if is_ras {
        TransportConfig::ras(name, &refs)
    } else {
        TransportConfig::lan(name, &refs)
    };

    if let Some(v) = t.get("per_message") {
        tc.per_message = dist(cx, &t.key("per_message"), v)?;
    }
    if let Some(v) = t.get("send") {
        tc.send = schedule(cx, &t.key("send"), v, true)?;
    }
    if let Some(v) = t.get("receive") {
        tc.receive = schedule(cx, &t.key("receive"), v, false)?;
    }
    if let Some(v) = t.get("supports_flush") {
        tc.supports_flush = boolean(cx, &t.key("supports_flush"), v)?;
    }
    if let Some(v) = t.get("honors_no_ui") {
        tc.honors_no_ui = boolean(cx, &t.key("honors_no_ui"), v)?;
    }
    if let Some(v) = t.get("failure_rate") {
        tc.failure_rate = probability(cx, &t.key("failure_rate"), v)?;
    }
    if let Some(v) = t.get("retry") {
        tc.retry = positive_duration(cx, &t.key("retry"), v)?;
    }
    if let Some(v) = t.get("max_retry") {
        tc.max_retry = positive_duration(cx, &t.key("max_retry"), v)?;
    }
    if let Some(v) = t.get("lifetime") {
        tc.lifetime = duration(cx, &t.key("lifetime"), v)?;
    }
    if let Some(ras) = tc.ras_config_mut() {
        if let Some(v) = t.get("connect") {
            ras.connect = duration(cx, &t.key("connect"), v)?;
        }
        if let Some(v) = t.get("idle_hangup") {
            ras.idle_hangup = duration(cx, &t.key("idle_hangup"), v)?;
        }
        if let Some(v) = t.get("ui") {
            ras.ui = match word(cx, &t.key("ui"), v, &["accept", "cancel", "ignore"])? {
                "accept" => UiAnswer::Accept,
                "cancel" => UiAnswer::Cancel,
                _ => UiAnswer::Ignore,
            };
        }
        if let Some(v) = t.get("ui_delay") {
            ras.ui_delay = duration(cx, &t.key("ui_delay"), v)?;
        }
        if let Some(v) = t.get("unattended") {
            ras.unattended = boolean(cx, &t.key("unattended"), v)?;
        }
    }
    Ok(tc)
}

/// `address_types`: a non-empty list of non-empty strings without `:`.
fn address_types(cx: &Ctx<'_>, t: &Tbl<'_, '_>) -> PResult<Vec<String>> {
    let expected = "a non-empty list of address types like [\"SMTP\"]";
    let v = t.require(cx, "address_types", expected)?;
    let key = t.key("address_types");
    let DeValue::Array(items) = v.get_ref() else {
        return Err(cx.wrong(&key, v, expected));
    };
    if items.is_empty() {
        return Err(cx.invalid(
            &key,
            v,
            format!("expected {expected}, found an empty array"),
        ));
    }
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let k = format!("{key}[{i}]");
        let s = string(cx, &k, item, "an address type like \"SMTP\"")?;
        if s.trim().is_empty() || s.contains(':') {
            return Err(cx.invalid(
                &k,
                item,
                format!(
                    "expected an address type like \"SMTP\" (the part of a recipient before \
                     ':'), found \"{}\"",
                    clip(s)
                ),
            ));
        }
        out.push(s.to_string());
    }
    Ok(out)
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
