//! `[[validate]]`: scripted `IMAPIStatus::ValidateState` calls.
//!
//! Unlike a flush, a validate call may go to any row of the status table, so its `via` also
//! takes `subsystem` and `addressbook`; its `flags` are the eight `ValidateState` flags (or raw
//! bits) and default to none, which is a valid call.

use toml::de::DeValue;

use super::actions::{at, names, CallNames};
use super::reader::{flag_bits, string, tables, Ctx, PResult, Tbl, Val, VALIDATE_FLAG_SET};
use crate::mapi::ValidateFlags;
use crate::model::{Scenario, ValidateSpec, ValidateVia};
use crate::scenario::error::{clip, list, suggest, ErrorKind};
use crate::scenario::metric_names::{OTHER_OBJECTS, SPOOLER_OBJECT};
use crate::sim::TransportId;

/// Keys of `[[validate]]`.
pub(super) const VALIDATE_KEYS: &[&str] = &["name", "at", "via", "flags"];

/// What `via` takes, for messages.
const VIA: &str = "\"subsystem\", \"addressbook\", \"spooler\" or a transport's name";

/// A validate call's `via`: one of the three objects that are not transports, or a transport
/// by name (with a suggestion for a near miss). `None` after an error.
fn via(cx: &Ctx<'_>, key: &str, v: &Val<'_>, names: &[&str]) -> PResult<ValidateVia> {
    let text = string(cx, key, v, VIA)?;
    match text {
        "subsystem" => return Ok(ValidateVia::Subsystem),
        "addressbook" => return Ok(ValidateVia::AddressBook),
        SPOOLER_OBJECT => return Ok(ValidateVia::Spooler),
        _ => {}
    }
    if let Some(i) = names.iter().position(|n| *n == text) {
        return Ok(ValidateVia::Transport(TransportId::new(i)));
    }
    let candidates = || {
        OTHER_OBJECTS
            .iter()
            .copied()
            .chain([SPOOLER_OBJECT])
            .chain(names.iter().copied())
    };
    let hint = match suggest(text, candidates()) {
        Some(c) => format!("did you mean \"{c}\"?"),
        None => format!("expected {}", list(candidates())),
    };
    Err(cx.err(
        ErrorKind::UnknownName,
        v.span(),
        key,
        format!(
            "no status object is named \"{}\" (`via` takes {VIA}); {hint}",
            clip(text)
        ),
    ))
}

/// Every `[[validate]]`. An entry with errors is kept (with defaults), so that the numbers of
/// the entries after it stay those of the file.
pub(super) fn validates(
    cx: &Ctx<'_>,
    root: &Tbl<'_, '_>,
    scenario: &Scenario,
    call_names: &mut CallNames,
) -> Vec<ValidateSpec> {
    let names = names(scenario);
    let mut out = Vec::new();
    for t in tables(cx, root, "validate") {
        t.check_keys(cx, VALIDATE_KEYS);
        let name = call_names.read(cx, &t);
        let at = at(cx, &t, scenario.until, "validate call");
        let via = cx
            .soft(t.require(cx, "via", &format!("via = {VIA}")))
            .and_then(|v| match v.get_ref() {
                // With no transport at all, only the missing transports are reported.
                DeValue::String(s) if names.is_empty() && !is_object(s) => None,
                _ => cx.soft(via(cx, &t.key("via"), v, &names)),
            });
        let flags = t
            .get("flags")
            .and_then(|v| cx.soft(flag_bits(cx, &t.key("flags"), v, &VALIDATE_FLAG_SET)))
            .unwrap_or(0);
        out.push(ValidateSpec {
            at,
            via: via.unwrap_or(ValidateVia::Spooler),
            flags: ValidateFlags::from_bits_retain(flags),
            order: t.span.start as u32,
            name,
        });
    }
    out
}

/// Whether `s` names one of the status objects that are not transports.
fn is_object(s: &str) -> bool {
    s == SPOOLER_OBJECT || OTHER_OBJECTS.contains(&s)
}
