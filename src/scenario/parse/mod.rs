//! Scenario files (TOML, see `docs/scenario-format.md`) parsed and validated into a
//! [`Scenario`].
//!
//! Scenario files are the user interface of the simulator: people write them by hand, keep
//! them in regression suites and run them in CI, where the only feedback is a log line. So
//! parsing is strict and every refusal is an input error that names the file, the line and
//! column of the offending key or value, the key path (`transport 1 (lan).per_message`:
//! entries numbered from 1 in file order, as metrics number them, and named where they have a
//! name), what was expected and what was found, with a did-you-mean suggestion for misspelt
//! keys and names (see [`ScenarioError`]). Reading goes on after a mistake, so one round of
//! fixes takes care of a whole file: every error is reported, in file order.
//!
//! Why by hand: `toml` parses the text into a spanned document (`toml::de::DeTable`, every
//! key and value with its byte span) and this module walks it, instead of deriving
//! `Deserialize` into structs. Derived deserializers stop at the first mismatch with a
//! generic message and lose the context (kind of transport, which flush, which metric) that a
//! useful message needs.
//!
//! Everything the model holds is resolved here: transports are referred to by index,
//! durations are exact microseconds (a remainder finer than a microsecond is an error), flags
//! are raw bits (unknown bits allowed on purpose, since `MAPI_E_UNKNOWN_FLAGS` is a result
//! users test), and expectations are checked against the metrics that exist for this
//! scenario ([`crate::scenario::metric_names`]). Things that are allowed but probably
//! mistakes (mail nobody can route, actions after the horizon, transport durations longer
//! than the whole run) come back as [`Warning`]s.
//!
//! The limits that protect the machine (messages, transports, horizon) are checked on the
//! numbers as written, before anything is built from them, so a file asking for 10^18
//! messages is refused at once. Parsing never panics: arbitrary bytes, empty files, huge
//! integers, NaN and infinities all give an error (the `toml` parser bounds nesting depth).

mod actions;
pub mod duration;
mod expect;
mod overrides;
mod reader;
pub mod schema;
mod transport;
mod validate;

use toml::de::{DeTable, DeValue};

pub use self::actions::DEFAULT_SIZE;
pub use self::expect::SPECIAL_WORDS;
pub use self::overrides::{Override, PATH_SHAPES};
pub use self::transport::MAX_TRANSPORTS;
pub use crate::scenario::error::{Diagnostic, ErrorKind, ScenarioError, Warning, WarningKind};

use self::reader::{boolean, duration, string, table, unsigned, word, Ctx, Tbl};
use crate::model::{FlushOrder, Scenario, SpoolerConfig};
use crate::sim::time::{format_duration, Micros, DAY};

/// The most messages (all `[[mail]]` and `[[incoming]]` counts together) a scenario may have.
pub const MAX_MESSAGES: u64 = 10_000_000;

/// The longest horizon (`until`) a scenario may ask for.
pub const MAX_HORIZON: Micros = 365 * DAY;

/// The largest scenario file accepted, in bytes.
pub const MAX_FILE_BYTES: usize = 16 << 20;

/// Keys of the top level of a scenario file.
pub const TOP_KEYS: &[&str] = &[
    "name",
    "description",
    "seed",
    "until",
    "spooler",
    "transport",
    "mail",
    "incoming",
    "flush",
    "procedure",
    "validate",
    "fault",
    "expect",
];

/// Keys of `[spooler]`.
pub const SPOOLER_KEYS: &[&str] = &["honors_no_ui", "flush_order"];

/// One table of a scenario file and the keys the parser accepts in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyTable {
    /// The table: `top level`, `[spooler]`, `[[transport]]`, `[[transport]] ras`, `[[mail]]`,
    /// `[[incoming]]`, `[[flush]]`, `[[procedure]]`, `[[validate]]`, `[[fault]]`, or
    /// `distribution` (the inline table of a random duration).
    pub table: &'static str,
    /// The keys it accepts.
    pub keys: &'static [&'static str],
}

/// Every table of a scenario file with the keys it accepts. The parser refuses unknown keys
/// (and suggests the nearest one) from these very lists, and a test keeps the tables of
/// `docs/scenario-format.md` equal to them, so neither can drift from the other.
pub const KEY_TABLES: &[KeyTable] = &[
    KeyTable {
        table: "top level",
        keys: TOP_KEYS,
    },
    KeyTable {
        table: "[spooler]",
        keys: SPOOLER_KEYS,
    },
    KeyTable {
        table: "[[transport]]",
        keys: transport::COMMON_KEYS,
    },
    KeyTable {
        table: "[[transport]] ras",
        keys: transport::RAS_KEYS,
    },
    KeyTable {
        table: "[[mail]]",
        keys: actions::MAIL_KEYS,
    },
    KeyTable {
        table: "[[incoming]]",
        keys: actions::INCOMING_KEYS,
    },
    KeyTable {
        table: "[[flush]]",
        keys: actions::FLUSH_KEYS,
    },
    KeyTable {
        table: "[[procedure]]",
        keys: actions::PROCEDURE_KEYS,
    },
    KeyTable {
        table: "[[validate]]",
        keys: validate::VALIDATE_KEYS,
    },
    KeyTable {
        table: "[[fault]]",
        keys: actions::FAULT_KEYS,
    },
    KeyTable {
        table: "distribution",
        keys: reader::DIST_KEYS,
    },
];

/// A parsed scenario and what looked suspicious in it.
#[derive(Debug, Clone, PartialEq)]
pub struct Parsed {
    /// The validated scenario.
    pub scenario: Scenario,
    /// Allowed but probably unintended, in file order.
    pub warnings: Vec<Warning>,
}

/// Parses and validates a scenario from `text`; `file` names it in messages.
///
/// A file with mistakes gives every one of them (the first
/// [`MAX_REPORTED`](crate::scenario::error::MAX_REPORTED), in file order), except that invalid
/// TOML stops at its first syntax error and a broken limit stops the reading at once.
pub fn parse_scenario(text: &str, file: &str) -> Result<Parsed, ScenarioError> {
    if text.len() > MAX_FILE_BYTES {
        return Err(too_big(file, text.len() as u64));
    }
    parse_in(Ctx::new(file, text))
}

/// [`parse_scenario`] with `overrides` applied to the text first, so that every check of a
/// file applies to them too. Errors and warnings point at the file's own lines, or name the
/// override (its [`Override::label`]) when the offending value came from it; an override
/// that names something the file lacks (a transport, an entry) is an error naming it too.
pub fn parse_scenario_with(
    text: &str,
    file: &str,
    overrides: &[Override],
) -> Result<Parsed, ScenarioError> {
    if overrides.is_empty() || text.len() > MAX_FILE_BYTES {
        return parse_scenario(text, file);
    }
    if DeTable::parse(text).is_err() {
        // A file that is not TOML: its own syntax error, with its place.
        return parse_scenario(text, file);
    }
    let edited = overrides::apply(text, file, overrides)?;
    parse_in(Ctx::mapped(file, &edited.text, text, &edited.map))
}

/// Parses the text of `cx`.
fn parse_in(cx: Ctx<'_>) -> Result<Parsed, ScenarioError> {
    let doc = match DeTable::parse(cx.src) {
        Ok(doc) => doc,
        Err(e) => {
            let message = e.message().trim().replace('\n', "; ");
            let span = e.span().unwrap_or(0..0);
            let message = format!("invalid TOML: {message}");
            return Err(cx.err(ErrorKind::Syntax, span, "", message).into());
        }
    };
    let root = Tbl {
        table: doc.get_ref(),
        path: String::new(),
        span: 0..0,
        what: "the top level".to_string(),
    };
    root.check_keys(&cx, TOP_KEYS);
    let until = horizon(&cx, &root);
    if !check_limits(&cx, &root) {
        return Err(cx.finish().expect_err("a broken limit is an error"));
    }
    let mut s = Scenario::new(scenario_name(&cx, &root));
    s.until = until;
    if let Some(v) = root.get("description") {
        s.description = cx
            .soft(string(&cx, "description", v, "a string"))
            .map(str::to_string);
    }
    if let Some(v) = root.get("seed") {
        cx.set(&mut s.seed, unsigned(&cx, "seed", v, "a seed"));
    }
    if let Some(t) = table(&cx, &root, "spooler") {
        spooler(&cx, &t, &mut s.spooler);
    }
    s.transports = transport::transports(&cx, &root, until);
    s.mail = actions::mail(&cx, &root, &s);
    s.incoming = actions::incoming(&cx, &root, &s);
    let mut call_names = actions::CallNames::default();
    s.flushes = actions::flushes(&cx, &root, &s, &mut call_names);
    s.procedures = actions::procedures(&cx, &root, &s, &mut call_names);
    s.validates = validate::validates(&cx, &root, &s, &mut call_names);
    s.faults = actions::faults(&cx, &root, &s);
    s.expect = expect::expectations(&cx, &root, &s);
    let warnings = cx.finish()?;
    Ok(Parsed {
        scenario: s,
        warnings,
    })
}

/// The scenario's `name` (empty after an error).
fn scenario_name(cx: &Ctx<'_>, root: &Tbl<'_, '_>) -> String {
    let expected = "name = \"...\", the scenario's name";
    let Some(v) = cx.soft(root.require(cx, "name", expected)) else {
        return String::new();
    };
    let Some(name) = cx.soft(string(cx, "name", v, expected)) else {
        return String::new();
    };
    if name.trim().is_empty() {
        cx.report(cx.invalid("name", v, "expected a non-empty name, found \"\""));
    }
    name.to_string()
}

/// The keys of `[spooler]`.
fn spooler(cx: &Ctx<'_>, t: &Tbl<'_, '_>, spooler: &mut SpoolerConfig) {
    t.check_keys(cx, SPOOLER_KEYS);
    if let Some(v) = t.get("honors_no_ui") {
        cx.set(
            &mut spooler.honors_no_ui,
            boolean(cx, &t.key("honors_no_ui"), v),
        );
    }
    if let Some(v) = t.get("flush_order") {
        let order = word(cx, &t.key("flush_order"), v, &["profile", "parallel"]).map(|w| {
            if w == "profile" {
                FlushOrder::Profile
            } else {
                FlushOrder::Parallel
            }
        });
        cx.set(&mut spooler.flush_order, order);
    }
}

/// The error for a file past [`MAX_FILE_BYTES`].
fn too_big(file: &str, bytes: u64) -> ScenarioError {
    ScenarioError::whole_file(
        ErrorKind::Limit,
        file,
        format!(
            "expected a scenario file of at most {} MiB, found {bytes} bytes",
            MAX_FILE_BYTES >> 20
        ),
    )
}

/// The text of a scenario from its bytes: UTF-8 (a byte-order mark is fine), at most
/// [`MAX_FILE_BYTES`]; otherwise an error naming `file` and, for bad UTF-8, the place of the
/// first bad byte.
pub fn decode(bytes: Vec<u8>, file: &str) -> Result<String, ScenarioError> {
    if bytes.len() > MAX_FILE_BYTES {
        return Err(too_big(file, bytes.len() as u64));
    }
    String::from_utf8(bytes).map_err(|e| {
        let valid = e.utf8_error().valid_up_to();
        let bytes = e.as_bytes();
        let prefix = std::str::from_utf8(&bytes[..valid]).unwrap_or_default();
        let found = bytes.get(valid).copied().unwrap_or_default();
        ScenarioError::at(
            ErrorKind::Io,
            file,
            prefix,
            valid..valid,
            "",
            format!("expected UTF-8 text, found the byte 0x{found:02X}; save the file as UTF-8"),
        )
    })
}

/// Reads and parses the scenario file at `path`; a file that cannot be read or is not UTF-8
/// is an error too.
pub fn load_scenario(path: &std::path::Path) -> Result<Parsed, ScenarioError> {
    let file = path.display().to_string();
    let text = read_scenario(path)?;
    parse_scenario(&text, &file)
}

/// The text of the scenario file at `path`, checked by [`decode`]; the size limit is checked
/// before the file is read.
pub fn read_scenario(path: &std::path::Path) -> Result<String, ScenarioError> {
    let file = path.display().to_string();
    let io = |e: std::io::Error| {
        ScenarioError::whole_file(ErrorKind::Io, &file, format!("cannot read the file: {e}"))
    };
    let meta = std::fs::metadata(path).map_err(io)?;
    if meta.len() > MAX_FILE_BYTES as u64 {
        return Err(too_big(&file, meta.len()));
    }
    decode(std::fs::read(path).map_err(io)?, &file)
}

/// `until`, refused past [`MAX_HORIZON`]; `None` when absent or wrong.
fn horizon(cx: &Ctx<'_>, root: &Tbl<'_, '_>) -> Option<Micros> {
    let v = root.get("until")?;
    let until = cx.soft(duration(cx, "until", v))?;
    if until > MAX_HORIZON {
        cx.report(cx.err(
            ErrorKind::Limit,
            v.span(),
            "until",
            format!(
                "expected a horizon of at most 365 days (\"365d\"), found \"{}\"",
                format_duration(until)
            ),
        ));
        return None;
    }
    Some(until)
}

/// The limits on transports and messages, checked on the numbers as written before anything
/// is built; `false` (with the error recorded) when one is broken. Malformed values are
/// skipped here and refused later with a precise message.
fn check_limits(cx: &Ctx<'_>, root: &Tbl<'_, '_>) -> bool {
    if let Some(v) = root.get("transport") {
        if let DeValue::Array(items) = v.get_ref() {
            if let Some(extra) = items.get(MAX_TRANSPORTS) {
                cx.report(cx.err(
                    ErrorKind::Limit,
                    extra.span(),
                    &format!("transport {}", MAX_TRANSPORTS + 1),
                    format!(
                        "expected at most {MAX_TRANSPORTS} transports, found {}",
                        items.len()
                    ),
                ));
                return false;
            }
        }
    }
    let Some((span, key, total)) = message_limit(root) else {
        return true;
    };
    cx.report(cx.err(
        ErrorKind::Limit,
        span,
        &key,
        format!(
            "expected at most {MAX_MESSAGES} messages in a scenario ([[mail]] and [[incoming]] \
             counts together), found {total}; this count takes the total past the limit"
        ),
    ));
    false
}

/// Where the `[[mail]]` and `[[incoming]]` counts pass [`MAX_MESSAGES`], if they do: the
/// count that takes the total past it, its key, and the total.
fn message_limit(root: &Tbl<'_, '_>) -> Option<(std::ops::Range<usize>, String, u128)> {
    // (position, key, count) of every [[mail]] and [[incoming]], in file order.
    let mut counts: Vec<(std::ops::Range<usize>, String, u128)> = Vec::new();
    for section in ["mail", "incoming"] {
        let Some(DeValue::Array(items)) = root.get(section).map(|v| v.get_ref()) else {
            continue;
        };
        for (i, item) in items.iter().enumerate() {
            let DeValue::Table(t) = item.get_ref() else {
                continue;
            };
            let key = format!("{section} {}.count", i + 1);
            match t.get("count") {
                None => counts.push((item.span(), key, 1)),
                Some(v) => {
                    // Negative and unrepresentable counts are refused later, precisely.
                    if let DeValue::Integer(n) = v.get_ref() {
                        if let Some(n) = reader::int_value(n).and_then(|n| u128::try_from(n).ok()) {
                            counts.push((v.span(), key, n));
                        }
                    }
                }
            }
        }
    }
    counts.sort_by_key(|(span, _, _)| span.start);
    let total = counts
        .iter()
        .fold(0u128, |sum, (_, _, n)| sum.saturating_add(*n));
    if total <= u128::from(MAX_MESSAGES) {
        return None;
    }
    let mut running = 0u128;
    counts.into_iter().find_map(|(span, key, n)| {
        running = running.saturating_add(n);
        (running > u128::from(MAX_MESSAGES)).then_some((span, key, total))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const ONE: &str =
        "name = \"t\"\n[[transport]]\nname = \"lan\"\nkind = \"lan\"\naddress_types = [\"SMTP\"]\n";

    #[test]
    fn a_byte_order_mark_is_accepted() {
        let p = parse_scenario(&format!("\u{feff}{ONE}"), "bom.toml").unwrap();
        assert_eq!(p.scenario.transports.len(), 1);
    }

    #[test]
    fn oversized_text_is_refused_before_parsing() {
        let big = " ".repeat(MAX_FILE_BYTES + 1);
        let e = parse_scenario(&big, "big.toml").unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Limit);
        assert!(e
            .to_string()
            .starts_with("big.toml: expected a scenario file of at most 16 MiB"));
    }

    #[test]
    fn negative_zero_rate_is_zero() {
        let text = ONE.replace("kind = \"lan\"", "kind = \"lan\"\nfailure_rate = -0.0");
        let rate = parse_scenario(&text, "z").unwrap().scenario.transports[0].failure_rate;
        assert!(rate == 0.0 && rate.is_sign_positive());
    }

    #[test]
    fn limits_skip_malformed_counts_and_leave_them_to_their_own_check() {
        let text = format!("{ONE}[[mail]]\nat = \"0s\"\nto = \"SMTP:a\"\ncount = \"many\"\n");
        let e = parse_scenario(&text, "c").unwrap_err();
        assert_eq!((e.kind(), e.key()), (ErrorKind::WrongType, "mail 1.count"));
        // Exactly at the limit is fine.
        let text = format!("{ONE}[[mail]]\nat = \"0s\"\nto = \"SMTP:a\"\ncount = {MAX_MESSAGES}\n");
        assert!(parse_scenario(&text, "c").is_ok());
    }

    #[test]
    fn warnings_come_in_file_order() {
        let text = format!(
            "until = \"1m\"\n{ONE}[[flush]]\nat = \"2m\"\nvia = \"spooler\"\nflags = []\n\
             [[mail]]\nat = \"3m\"\nto = \"FAX:1\"\n"
        );
        let p = parse_scenario(&text, "w").unwrap();
        let lines: Vec<usize> = p.warnings.iter().map(|w| w.line).collect();
        assert_eq!(lines, vec![8, 12, 13]);
    }
}
