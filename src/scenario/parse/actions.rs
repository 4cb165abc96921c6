//! Scripted traffic and actions: `[[mail]]`, `[[incoming]]`, `[[flush]]`, `[[procedure]]`,
//! `[[fault]]`.

use toml::de::DeValue;

use super::reader::{
    dist, duration, flags, positive_duration, raw, size, string, tables, transport_ref, unsigned,
    word, Ctx, PResult, Tbl,
};
use crate::mapi::FlushFlags;
use crate::model::{
    FaultKind, FaultSpec, FlushSpec, IncomingSpec, MailSpec, ProcedureKind, ProcedureSpec,
    Scenario, TransportKind, Via, DEFAULT_HORIZON,
};
use crate::scenario::error::{clip, list, ErrorKind, WarningKind};
use crate::scenario::metric_names::SPOOLER_OBJECT;
use crate::sim::rng::Dist;
use crate::sim::time::{format_duration, Micros};

/// Keys of `[[mail]]`.
pub(super) const MAIL_KEYS: &[&str] = &["at", "to", "count", "every", "size"];
/// Keys of `[[incoming]]`.
pub(super) const INCOMING_KEYS: &[&str] = &["transport", "at", "count", "every"];
/// Keys of `[[flush]]`.
pub(super) const FLUSH_KEYS: &[&str] = &["at", "via", "target", "flags"];
/// Keys of `[[procedure]]`.
pub(super) const PROCEDURE_KEYS: &[&str] = &["at", "kind", "flags"];
/// Keys of `[[fault]]`.
pub(super) const FAULT_KEYS: &[&str] = &["at", "transport", "kind", "down"];

/// The default size of a message: 2 KiB.
pub const DEFAULT_SIZE: u64 = 2048;

/// `at`, warning when it is past the horizon (the action would never happen).
fn at(cx: &mut Ctx<'_>, t: &Tbl<'_, '_>, until: Option<Micros>, what: &str) -> PResult<Micros> {
    let v = t.require(
        cx,
        "at",
        "a time from the start of the run, like at = \"10m\"",
    )?;
    let key = t.key("at");
    let at = duration(cx, &key, v)?;
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
        _ => return Ok(at),
    };
    cx.warn(WarningKind::AfterHorizon, v.span(), &key, message);
    Ok(at)
}

/// `count`, 1 when absent.
pub(super) fn count(cx: &Ctx<'_>, t: &Tbl<'_, '_>) -> PResult<u64> {
    t.get("count")
        .map_or(Ok(1), |v| unsigned(cx, &t.key("count"), v, "a count"))
}

/// `every`, `"0s"` when absent.
fn every(cx: &Ctx<'_>, t: &Tbl<'_, '_>) -> PResult<Dist> {
    t.get("every")
        .map_or(Ok(Dist::Fixed(0)), |v| dist(cx, &t.key("every"), v))
}

/// The transports' names in file order.
fn names(scenario: &Scenario) -> Vec<&str> {
    scenario
        .transports
        .iter()
        .map(|t| t.name.as_str())
        .collect()
}

/// Every `[[mail]]`.
pub(super) fn mail(
    cx: &mut Ctx<'_>,
    root: &Tbl<'_, '_>,
    scenario: &Scenario,
) -> PResult<Vec<MailSpec>> {
    let mut out = Vec::new();
    for t in tables(cx, root, "mail")? {
        t.check_keys(cx, MAIL_KEYS)?;
        let at = at(cx, &t, scenario.until, "mail")?;
        let expected = "a recipient \"TYPE:address\" like \"SMTP:bob@example.com\"";
        let v = t.require(cx, "to", expected)?;
        let key = t.key("to");
        let to = string(cx, &key, v, expected)?;
        let Some((ty, _)) = to.split_once(':') else {
            return Err(cx.invalid(
                &key,
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
                &key,
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
        let spec = MailSpec {
            at,
            to: to.to_string(),
            count: count(cx, &t)?,
            every: every(cx, &t)?,
            size: t
                .get("size")
                .map_or(Ok(DEFAULT_SIZE), |v| size(cx, &t.key("size"), v))?,
        };
        if scenario.route(ty).is_none() {
            let handled = scenario
                .transports
                .iter()
                .flat_map(|t| t.address_types.iter().map(|a| a.as_str()));
            cx.warn(
                WarningKind::Unroutable,
                v.span(),
                &key,
                format!(
                    "no transport handles address type \"{}\" (the transports handle {}), so \
                     this mail gets a non-delivery report when it is submitted",
                    clip(ty),
                    list(handled)
                ),
            );
        }
        out.push(spec);
    }
    Ok(out)
}

/// Every `[[incoming]]`.
pub(super) fn incoming(
    cx: &mut Ctx<'_>,
    root: &Tbl<'_, '_>,
    scenario: &Scenario,
) -> PResult<Vec<IncomingSpec>> {
    let names = names(scenario);
    let mut out = Vec::new();
    for t in tables(cx, root, "incoming")? {
        t.check_keys(cx, INCOMING_KEYS)?;
        let v = t.require(
            cx,
            "transport",
            "the name of the transport the mail arrives at",
        )?;
        let transport = transport_ref(cx, &t.key("transport"), v, &names, None)?;
        out.push(IncomingSpec {
            transport,
            at: at(cx, &t, scenario.until, "incoming mail")?,
            count: count(cx, &t)?,
            every: every(cx, &t)?,
        });
    }
    Ok(out)
}

/// `flags`, required: an empty flush is written `flags = []`.
fn required_flags(cx: &Ctx<'_>, t: &Tbl<'_, '_>) -> PResult<FlushFlags> {
    let v = t.require(
        cx,
        "flags",
        "flags like [\"FLUSH_UPLOAD\", \"FLUSH_NO_UI\"] (write flags = [] for none)",
    )?;
    flags(cx, &t.key("flags"), v)
}

/// Every `[[flush]]`.
pub(super) fn flushes(
    cx: &mut Ctx<'_>,
    root: &Tbl<'_, '_>,
    scenario: &Scenario,
) -> PResult<Vec<FlushSpec>> {
    let names = names(scenario);
    let mut out = Vec::new();
    for t in tables(cx, root, "flush")? {
        t.check_keys(cx, FLUSH_KEYS)?;
        let at = at(cx, &t, scenario.until, "flush")?;
        let v = t.require(cx, "via", "via = \"spooler\" or a transport's name")?;
        let via_key = t.key("via");
        let via = match v.get_ref() {
            DeValue::String(s) if s == SPOOLER_OBJECT => Via::Spooler,
            _ => Via::Transport(transport_ref(
                cx,
                &via_key,
                v,
                &names,
                Some(SPOOLER_OBJECT),
            )?),
        };
        let target = match (t.get("target"), via) {
            (None, _) => None,
            (Some(tv), Via::Spooler) => {
                Some(transport_ref(cx, &t.key("target"), tv, &names, None)?)
            }
            (Some(_), Via::Transport(_)) => {
                let span = t.key_of("target").map_or(t.span.clone(), |k| k.span());
                return Err(cx.err(
                    ErrorKind::Conflict,
                    span,
                    &t.key("target"),
                    format!(
                        "`target` (lpTargetTransport) only goes with via = \"spooler\", and \
                         this flush has via = \"{}\"; remove `target` or set via = \"spooler\"",
                        raw(v)
                    ),
                ));
            }
        };
        out.push(FlushSpec {
            at,
            via,
            target,
            flags: required_flags(cx, &t)?,
            order: t.span.start as u32,
        });
    }
    Ok(out)
}

/// Every `[[procedure]]`.
pub(super) fn procedures(
    cx: &mut Ctx<'_>,
    root: &Tbl<'_, '_>,
    scenario: &Scenario,
) -> PResult<Vec<ProcedureSpec>> {
    let mut out = Vec::new();
    for t in tables(cx, root, "procedure")? {
        t.check_keys(cx, PROCEDURE_KEYS)?;
        let at = at(cx, &t, scenario.until, "procedure")?;
        let v = t.require(cx, "kind", "kind = \"flush-all\" or \"flush-each\"")?;
        let kind = match word(cx, &t.key("kind"), v, &["flush-all", "flush-each"])? {
            "flush-all" => ProcedureKind::FlushAll,
            _ => ProcedureKind::FlushEach,
        };
        out.push(ProcedureSpec {
            at,
            kind,
            flags: required_flags(cx, &t)?,
            order: t.span.start as u32,
        });
    }
    Ok(out)
}

/// Every `[[fault]]`.
pub(super) fn faults(
    cx: &mut Ctx<'_>,
    root: &Tbl<'_, '_>,
    scenario: &Scenario,
) -> PResult<Vec<FaultSpec>> {
    let names = names(scenario);
    let mut out = Vec::new();
    for t in tables(cx, root, "fault")? {
        t.check_keys(cx, FAULT_KEYS)?;
        let at = at(cx, &t, scenario.until, "fault")?;
        let v = t.require(
            cx,
            "transport",
            "the name of the transport the fault strikes",
        )?;
        let transport = transport_ref(cx, &t.key("transport"), v, &names, None)?;
        let kind_v = t.require(cx, "kind", "kind = \"crash\", \"offline\" or \"drop-line\"")?;
        let kind_key = t.key("kind");
        let kind = match word(cx, &kind_key, kind_v, &["crash", "offline", "drop-line"])? {
            "crash" => FaultKind::Crash,
            "offline" => FaultKind::Offline,
            _ => FaultKind::DropLine,
        };
        let tc = scenario.transport(transport);
        let down = match kind {
            FaultKind::DropLine => {
                if matches!(tc.kind, TransportKind::Lan) {
                    return Err(cx.err(
                        ErrorKind::Conflict,
                        kind_v.span(),
                        &kind_key,
                        format!(
                            "expected \"crash\" or \"offline\" for transport \"{}\", which has \
                             kind = \"lan\"; \"drop-line\" drops a dial-up line, so it needs a \
                             ras transport",
                            tc.name
                        ),
                    ));
                }
                if let Some(k) = t.key_of("down") {
                    return Err(cx.err(
                        ErrorKind::Conflict,
                        k.span(),
                        &t.key("down"),
                        "a drop-line fault takes no `down` (the line stays down until the \
                         next transfer dials again); remove it",
                    ));
                }
                None
            }
            FaultKind::Crash | FaultKind::Offline => {
                let what = if kind == FaultKind::Crash {
                    "crash"
                } else {
                    "offline"
                };
                let v = t.require(
                    cx,
                    "down",
                    &format!("down = \"5m\", how long the {what} lasts ({what} faults need it)"),
                )?;
                Some(positive_duration(cx, &t.key("down"), v)?)
            }
        };
        out.push(FaultSpec {
            at,
            transport,
            kind,
            down,
        });
    }
    Ok(out)
}
