//! Scripted traffic and actions: `[[mail]]`, `[[incoming]]`, `[[flush]]`, `[[procedure]]`,
//! `[[fault]]`.

use std::collections::HashMap;
use std::ops::Range;

use toml::de::DeValue;

use super::reader::{
    dist, duration, flags, positive_duration, raw, size, string, tables, transport_ref, unsigned,
    word, Ctx, PResult, Tbl, Val,
};
use crate::mapi::FlushFlags;
use crate::model::{
    FaultKind, FaultSpec, FlushSpec, IncomingSpec, MailSpec, ProcedureKind, ProcedureSpec, Routes,
    Scenario, TransportConfig, TransportKind, Via, DEFAULT_HORIZON,
};
use crate::scenario::error::{clip, list, ErrorKind, WarningKind};
use crate::scenario::metric_names::SPOOLER_OBJECT;
use crate::sim::rng::Dist;
use crate::sim::time::{format_duration, Micros};
use crate::sim::TransportId;

/// Keys of `[[mail]]`.
pub(super) const MAIL_KEYS: &[&str] = &["at", "to", "count", "every", "size"];
/// Keys of `[[incoming]]`.
pub(super) const INCOMING_KEYS: &[&str] = &["transport", "at", "count", "every"];
/// Keys of `[[flush]]`.
pub(super) const FLUSH_KEYS: &[&str] = &["name", "at", "via", "target", "flags"];
/// Keys of `[[procedure]]`.
pub(super) const PROCEDURE_KEYS: &[&str] = &["name", "at", "kind", "flags"];
/// Keys of `[[fault]]`.
pub(super) const FAULT_KEYS: &[&str] = &["at", "transport", "kind", "down"];

/// The default size of a message: 2 KiB.
pub const DEFAULT_SIZE: u64 = 2048;

/// `at`, warning when it is past the horizon (the action would never happen); 0 after an error.
pub(super) fn at(cx: &Ctx<'_>, t: &Tbl<'_, '_>, until: Option<Micros>, what: &str) -> Micros {
    let expected = "a time from the start of the run, like at = \"10m\"";
    let Some(v) = cx.soft(t.require(cx, "at", expected)) else {
        return 0;
    };
    let key = t.key("at");
    let Some(at) = cx.soft(duration(cx, &key, v)) else {
        return 0;
    };
    let message = match until {
        Some(u) if at > u => format!(
            "at = \"{}\" is after until = \"{}\", so this {what} never happens",
            format_duration(at),
            format_duration(u)
        ),
        None if at > DEFAULT_HORIZON => format!(
            "at = \"{}\" is after 7 days, where a run without `until` ends at the latest, so \
             this {what} never happens",
            format_duration(at)
        ),
        _ => return at,
    };
    cx.warn(WarningKind::AfterHorizon, v.span(), &key, message);
    at
}

/// `count`, 1 when absent (and after an error).
pub(super) fn count(cx: &Ctx<'_>, t: &Tbl<'_, '_>) -> u64 {
    t.get("count")
        .and_then(|v| cx.soft(unsigned(cx, &t.key("count"), v, "a count")))
        .unwrap_or(1)
}

/// `every`, `"0s"` when absent (and after an error).
fn every(cx: &Ctx<'_>, t: &Tbl<'_, '_>) -> Dist {
    t.get("every")
        .and_then(|v| cx.soft(dist(cx, &t.key("every"), v)))
        .unwrap_or(Dist::Fixed(0))
}

/// The transports' names in file order.
pub(super) fn names(scenario: &Scenario) -> Vec<&str> {
    scenario
        .transports
        .iter()
        .map(|t| t.name.as_str())
        .collect()
}

/// A `[[mail]]`'s recipient, `TYPE:address`.
fn recipient<'v>(cx: &Ctx<'_>, key: &str, v: &'v Val<'_>) -> PResult<&'v str> {
    let expected = "a recipient \"TYPE:address\" like \"SMTP:bob@example.com\"";
    let to = string(cx, key, v, expected)?;
    let Some((ty, _)) = to.split_once(':') else {
        return Err(cx.invalid(
            key,
            v,
            format!(
                "expected {expected}, found \"{}\", which has no ':' between the address \
                 type and the address",
                clip(to)
            ),
        ));
    };
    if ty.is_empty() || ty.contains(char::is_whitespace) {
        return Err(cx.invalid(
            key,
            v,
            format!(
                "expected {expected}, found \"{}\", whose address type before ':' is {}",
                clip(to),
                if ty.is_empty() {
                    "empty"
                } else {
                    "not one word"
                }
            ),
        ));
    }
    Ok(to)
}

/// Every `[[mail]]`.
pub(super) fn mail(cx: &Ctx<'_>, root: &Tbl<'_, '_>, scenario: &Scenario) -> Vec<MailSpec> {
    let mut out = Vec::new();
    let routes = scenario.routes();
    for t in tables(cx, root, "mail") {
        t.check_keys(cx, MAIL_KEYS);
        let at = at(cx, &t, scenario.until, "mail");
        let v = cx.soft(t.require(cx, "to", "a recipient \"TYPE:address\""));
        let key = t.key("to");
        let to = v.and_then(|v| cx.soft(recipient(cx, &key, v)).map(|to| (v, to)));
        let spec = MailSpec {
            at,
            to: to.map_or(String::new(), |(_, to)| to.to_string()),
            count: count(cx, &t),
            every: every(cx, &t),
            size: t
                .get("size")
                .and_then(|v| cx.soft(size(cx, &t.key("size"), v)))
                .unwrap_or(DEFAULT_SIZE),
        };
        if let Some((v, _)) = to {
            unroutable(cx, &key, v, &spec, scenario, &routes);
        }
        out.push(spec);
    }
    out
}

/// Warns when no transport handles the address type of `spec`.
fn unroutable(
    cx: &Ctx<'_>,
    key: &str,
    v: &Val<'_>,
    spec: &MailSpec,
    scenario: &Scenario,
    routes: &Routes,
) {
    let ty = spec.address_type();
    if routes.route(ty).is_some() {
        return;
    }
    let handled = scenario
        .transports
        .iter()
        .flat_map(|t| t.address_types.iter().map(|a| a.as_str()));
    cx.warn(
        WarningKind::Unroutable,
        v.span(),
        key,
        format!(
            "no transport handles address type \"{}\" (the transports handle {}), so this mail \
             gets a non-delivery report when it is submitted",
            clip(ty),
            list(handled)
        ),
    );
}

/// A required reference to a transport by name: its index, or `None` after an error. With no
/// transport at all, a name cannot resolve: only the missing transports are reported.
fn transport_key(
    cx: &Ctx<'_>,
    t: &Tbl<'_, '_>,
    names: &[&str],
    expected: &str,
) -> Option<TransportId> {
    let v = cx.soft(t.require(cx, "transport", expected))?;
    if names.is_empty() {
        return None;
    }
    cx.soft(transport_ref(cx, &t.key("transport"), v, names, None))
}

/// Every `[[incoming]]`.
pub(super) fn incoming(cx: &Ctx<'_>, root: &Tbl<'_, '_>, scenario: &Scenario) -> Vec<IncomingSpec> {
    let names = names(scenario);
    let mut out = Vec::new();
    for t in tables(cx, root, "incoming") {
        t.check_keys(cx, INCOMING_KEYS);
        let expected = "the name of the transport the mail arrives at";
        let transport = transport_key(cx, &t, &names, expected).unwrap_or_default();
        out.push(IncomingSpec {
            transport,
            at: at(cx, &t, scenario.until, "incoming mail"),
            count: count(cx, &t),
            every: every(cx, &t),
        });
    }
    out
}

/// `flags`, required: an empty flush is written `flags = []`. Empty after an error.
fn required_flags(cx: &Ctx<'_>, t: &Tbl<'_, '_>) -> FlushFlags {
    let v = cx.soft(t.require(
        cx,
        "flags",
        "flags like [\"FLUSH_UPLOAD\", \"FLUSH_NO_UI\"] (write flags = [] for none)",
    ));
    v.and_then(|v| cx.soft(flags(cx, &t.key("flags"), v)))
        .unwrap_or(FlushFlags::empty())
}

/// The names given to `[[flush]]`, `[[procedure]]` and `[[validate]]` entries so far, each
/// with where it is written: a name is unique among them all.
#[derive(Default)]
pub(super) struct CallNames {
    seen: HashMap<String, Range<usize>>,
}

/// Whether `name` matches `[A-Za-z_][A-Za-z0-9_-]*`: no leading digit, so that `flush.N` and
/// `flush.<name>` never mean two things.
pub(super) fn valid_call_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

impl CallNames {
    /// The entry's `name`, if it has a valid one that no entry before it took.
    pub(super) fn read(&mut self, cx: &Ctx<'_>, t: &Tbl<'_, '_>) -> Option<String> {
        let v = t.get("name")?;
        let key = t.key("name");
        let expected = "a name made of letters, digits, `_` and `-`, not starting with a digit, \
                        like \"morning-upload\"";
        let name = cx.soft(string(cx, &key, v, expected))?;
        if !valid_call_name(name) {
            cx.report(cx.invalid(
                &key,
                v,
                format!(
                    "expected {expected} (matching [A-Za-z_][A-Za-z0-9_-]*), found \"{}\"",
                    clip(name)
                ),
            ));
            return None;
        }
        if let Some(first) = self.seen.get(name) {
            let d = cx.err(
                ErrorKind::Duplicate,
                v.span(),
                &key,
                format!(
                    "expected a name no other [[flush]], [[procedure]] or [[validate]] has, found \
                     \"{name}\" \
                     again (first used on line {})",
                    cx.line_of(first.start)
                ),
            );
            cx.report(cx.related(d, first.clone(), "first used here"));
            return None;
        }
        self.seen.insert(name.to_string(), v.span());
        Some(name.to_string())
    }
}

/// A flush's `via`, and its `target` when it goes to the spooler.
fn via_and_target(cx: &Ctx<'_>, t: &Tbl<'_, '_>, names: &[&str]) -> (Via, Option<TransportId>) {
    let Some(v) = cx.soft(t.require(cx, "via", "via = \"spooler\" or a transport's name")) else {
        return (Via::Spooler, None);
    };
    let via = match v.get_ref() {
        DeValue::String(s) if s == SPOOLER_OBJECT => Some(Via::Spooler),
        // With no transport at all, only the missing transports are reported.
        _ if names.is_empty() => None,
        _ => cx
            .soft(transport_ref(
                cx,
                &t.key("via"),
                v,
                names,
                Some(SPOOLER_OBJECT),
            ))
            .map(Via::Transport),
    };
    let target = match (t.get("target"), via) {
        (None, _) | (Some(_), None) => None,
        (Some(_), Some(Via::Spooler)) if names.is_empty() => None,
        (Some(tv), Some(Via::Spooler)) => {
            cx.soft(transport_ref(cx, &t.key("target"), tv, names, None))
        }
        (Some(_), Some(Via::Transport(_))) => {
            let span = t.key_of("target").map_or(t.span.clone(), |k| k.span());
            cx.report(cx.err(
                ErrorKind::Conflict,
                span,
                &t.key("target"),
                format!(
                    "`target` (lpTargetTransport) only goes with via = \"spooler\", and this \
                     flush has via = \"{}\"; remove `target` or set via = \"spooler\"",
                    raw(v)
                ),
            ));
            None
        }
    };
    (via.unwrap_or(Via::Spooler), target)
}

/// Every `[[flush]]`. An entry with errors is kept (with defaults), so that the numbers of
/// the entries after it stay those of the file.
pub(super) fn flushes(
    cx: &Ctx<'_>,
    root: &Tbl<'_, '_>,
    scenario: &Scenario,
    call_names: &mut CallNames,
) -> Vec<FlushSpec> {
    let names = names(scenario);
    let mut out = Vec::new();
    for t in tables(cx, root, "flush") {
        t.check_keys(cx, FLUSH_KEYS);
        let name = call_names.read(cx, &t);
        let at = at(cx, &t, scenario.until, "flush");
        let (via, target) = via_and_target(cx, &t, &names);
        out.push(FlushSpec {
            at,
            via,
            target,
            flags: required_flags(cx, &t),
            order: t.span.start as u32,
            name,
        });
    }
    out
}

/// Every `[[procedure]]`, each kept as [`flushes`] keeps flushes.
pub(super) fn procedures(
    cx: &Ctx<'_>,
    root: &Tbl<'_, '_>,
    scenario: &Scenario,
    call_names: &mut CallNames,
) -> Vec<ProcedureSpec> {
    let mut out = Vec::new();
    for t in tables(cx, root, "procedure") {
        t.check_keys(cx, PROCEDURE_KEYS);
        let name = call_names.read(cx, &t);
        let at = at(cx, &t, scenario.until, "procedure");
        let kind = cx
            .soft(t.require(cx, "kind", "kind = \"flush-all\" or \"flush-each\""))
            .and_then(|v| cx.soft(word(cx, &t.key("kind"), v, &["flush-all", "flush-each"])));
        out.push(ProcedureSpec {
            at,
            kind: match kind {
                Some("flush-each") => ProcedureKind::FlushEach,
                _ => ProcedureKind::FlushAll,
            },
            flags: required_flags(cx, &t),
            order: t.span.start as u32,
            name,
        });
    }
    out
}

/// A fault's `down`: required for crash and offline, refused for drop-line (which needs a ras
/// transport).
fn down(
    cx: &Ctx<'_>,
    t: &Tbl<'_, '_>,
    kind: FaultKind,
    kind_v: &Val<'_>,
    transport: Option<&TransportConfig>,
) -> Option<Micros> {
    if kind != FaultKind::DropLine {
        let what = if kind == FaultKind::Crash {
            "crash"
        } else {
            "offline"
        };
        let v = cx.soft(t.require(
            cx,
            "down",
            &format!("down = \"5m\", how long the {what} lasts ({what} faults need it)"),
        ))?;
        return cx.soft(positive_duration(cx, &t.key("down"), v));
    }
    if let Some(tc) = transport.filter(|tc| matches!(tc.kind, TransportKind::Lan)) {
        cx.report(cx.err(
            ErrorKind::Conflict,
            kind_v.span(),
            &t.key("kind"),
            format!(
                "expected \"crash\" or \"offline\" for transport \"{}\", which has kind = \
                 \"lan\"; \"drop-line\" drops a dial-up line, so it needs a ras transport",
                tc.name
            ),
        ));
    }
    if let Some(k) = t.key_of("down") {
        cx.report(cx.err(
            ErrorKind::Conflict,
            k.span(),
            &t.key("down"),
            "a drop-line fault takes no `down` (the line stays down until the next transfer \
             dials again); remove it",
        ));
    }
    None
}

/// Every `[[fault]]`.
pub(super) fn faults(cx: &Ctx<'_>, root: &Tbl<'_, '_>, scenario: &Scenario) -> Vec<FaultSpec> {
    let names = names(scenario);
    let mut out = Vec::new();
    for t in tables(cx, root, "fault") {
        t.check_keys(cx, FAULT_KEYS);
        let at = at(cx, &t, scenario.until, "fault");
        let expected = "the name of the transport the fault strikes";
        let transport = transport_key(cx, &t, &names, expected);
        let kind_v =
            cx.soft(t.require(cx, "kind", "kind = \"crash\", \"offline\" or \"drop-line\""));
        let kind = kind_v.and_then(|v| {
            cx.soft(word(
                cx,
                &t.key("kind"),
                v,
                &["crash", "offline", "drop-line"],
            ))
        });
        let kind = match kind {
            Some("crash") => FaultKind::Crash,
            Some("offline") => FaultKind::Offline,
            Some(_) => FaultKind::DropLine,
            None => continue,
        };
        let tc = transport.map(|i| scenario.transport(i));
        let down = kind_v.and_then(|kv| down(cx, &t, kind, kv, tc));
        out.push(FaultSpec {
            at,
            transport: transport.unwrap_or_default(),
            kind,
            down,
        });
    }
    out
}
