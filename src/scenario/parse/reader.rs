//! Typed reading of spanned TOML values, each failure an error at the value's position.
//!
//! The parser walks `toml`'s spanned document (`DeTable`) by hand instead of deriving
//! `Deserialize`: serde stops at the first mismatch with a generic message, while walking
//! lets every check say which key, what was expected and what was found, and point at the
//! exact key or value.

use std::cell::{Cell, RefCell};
use std::ops::Range;

use toml::de::{DeInteger, DeString, DeTable, DeValue};
use toml::Spanned;

use super::duration::{self as durations, DurationError};
use super::overrides::{Place, SourceMap};
use crate::mapi::{FlushFlags, ValidateFlags};
use crate::scenario::error::{
    clip, closest, list, suggest, Diagnostic, ErrorKind, LineIndex, ScenarioError, Warning,
    WarningKind, MAX_REPORTED,
};
use crate::sim::rng::Dist;
use crate::sim::time::{format_duration, Micros};
use crate::sim::TransportId;

/// A spanned TOML value.
pub(super) type Val<'i> = Spanned<DeValue<'i>>;
/// A spanned TOML key.
pub(super) type Key<'i> = Spanned<DeString<'i>>;
/// Reading one value: the first thing wrong with it, if anything.
pub(super) type PResult<T> = Result<T, Diagnostic>;

/// At most this many errors are kept while parsing (then sorted, and the first
/// [`MAX_REPORTED`] reported); the others are only counted, so a file full of mistakes never
/// takes much memory.
const MAX_KEPT: usize = 10 * MAX_REPORTED;

/// What every check needs: where the text came from, and the errors and warnings found so far.
///
/// Reading goes on after a mistake, so that a file's every error is reported at once: each
/// key's reader returns its first error, which [`Ctx::soft`] records before the section goes
/// on with the next key.
pub(super) struct Ctx<'s> {
    pub file: &'s str,
    /// The text being parsed: the file's, with any command-line overrides spliced in.
    pub src: &'s str,
    /// The file's own text, which positions in messages refer to.
    original: &'s str,
    /// How `src` maps back to `original`, when overrides were spliced in.
    map: Option<&'s SourceMap>,
    /// Line starts of `original`.
    lines: LineIndex,
    warnings: RefCell<Vec<Warning>>,
    errors: RefCell<Vec<Diagnostic>>,
    /// Errors found beyond [`MAX_KEPT`].
    dropped: Cell<usize>,
}

impl<'s> Ctx<'s> {
    /// A context for `src`, named `file` in messages.
    pub fn new(file: &'s str, src: &'s str) -> Self {
        Ctx {
            file,
            src,
            original: src,
            map: None,
            lines: LineIndex::new(src),
            warnings: RefCell::new(Vec::new()),
            errors: RefCell::new(Vec::new()),
            dropped: Cell::new(0),
        }
    }

    /// A context for `edited`, the text of `original` with overrides spliced in as `map`
    /// says: messages point into `original`, or name the override a value came from.
    pub fn mapped(file: &'s str, edited: &'s str, original: &'s str, map: &'s SourceMap) -> Self {
        Ctx {
            original,
            map: Some(map),
            lines: LineIndex::new(original),
            ..Ctx::new(file, edited)
        }
    }

    /// `span` of the parsed text as a span of the file, or the label of the override whose
    /// value it lies in.
    fn in_file(&self, span: Range<usize>) -> Result<Range<usize>, &'s str> {
        let Some(map) = self.map else {
            return Ok(span);
        };
        match map.place(span.start) {
            Place::Set { who, .. } => Err(map.label(who)),
            Place::File(start) => {
                let end = match map.place(span.end.max(span.start)) {
                    Place::File(end) => end,
                    Place::Set { at, .. } => at,
                };
                Ok(start..end.max(start))
            }
        }
    }

    /// An error at the end of the file's last line (where a missing section would go).
    pub fn err_at_end(&self, kind: ErrorKind, key: &str, message: impl Into<String>) -> Diagnostic {
        let end = self.original.trim_end().len();
        let source = (self.original, &self.lines);
        Diagnostic::indexed(kind, self.file, source, end..end, key, message)
    }

    /// An error of `kind` at `span`.
    pub fn err(
        &self,
        kind: ErrorKind,
        span: Range<usize>,
        key: &str,
        message: impl Into<String>,
    ) -> Diagnostic {
        match self.in_file(span) {
            Ok(span) => {
                let source = (self.original, &self.lines);
                Diagnostic::indexed(kind, self.file, source, span, key, message)
            }
            Err(set) => Diagnostic::in_override(kind, self.file, set, key, message),
        }
    }

    /// `d`, also pointing at `span` with `label` (unless `span` came from an override).
    pub fn related(&self, d: Diagnostic, span: Range<usize>, label: &str) -> Diagnostic {
        match self.in_file(span) {
            Ok(span) => d.with_related((self.original, &self.lines), span, label),
            Err(_) => d,
        }
    }

    /// Records an error; reading goes on.
    pub fn report(&self, d: Diagnostic) {
        let mut errors = self.errors.borrow_mut();
        if errors.len() < MAX_KEPT {
            errors.push(d);
        } else {
            self.dropped.set(self.dropped.get() + 1);
        }
    }

    /// The value, or `None` after recording the error.
    pub fn soft<T>(&self, r: PResult<T>) -> Option<T> {
        match r {
            Ok(v) => Some(v),
            Err(d) => {
                self.report(d);
                None
            }
        }
    }

    /// Stores the value in `slot`, or records the error and leaves `slot` as it was.
    pub fn set<T>(&self, slot: &mut T, r: PResult<T>) {
        if let Some(v) = self.soft(r) {
            *slot = v;
        }
    }

    /// The warnings in file order, or every error found.
    pub fn finish(self) -> Result<Vec<Warning>, ScenarioError> {
        let errors = self.errors.into_inner();
        if !errors.is_empty() {
            return Err(ScenarioError::collect(errors, self.dropped.get()));
        }
        let mut warnings = self.warnings.into_inner();
        warnings.sort_by_key(|w| (w.line, w.column));
        Ok(warnings)
    }

    /// The 1-based line of the file that byte `offset` of the parsed text is on (for a
    /// value from an override, the line it was spliced into).
    pub fn line_of(&self, offset: usize) -> usize {
        let offset = match self.map.map(|m| m.place(offset)) {
            None => offset,
            Some(Place::File(o)) => o,
            Some(Place::Set { at, .. }) => at,
        };
        self.lines.line_of(offset)
    }

    /// Records a warning at `span`.
    pub fn warn(
        &self,
        kind: WarningKind,
        span: Range<usize>,
        key: &str,
        message: impl Into<String>,
    ) {
        let w = match self.in_file(span) {
            Ok(span) => {
                let source = (self.original, &self.lines);
                Warning::indexed(kind, self.file, source, span, key, message)
            }
            Err(set) => Warning::in_override(kind, self.file, set, key, message),
        };
        self.warnings.borrow_mut().push(w);
    }

    /// A value of the wrong TOML type.
    pub fn wrong(&self, key: &str, v: &Val<'_>, expected: &str) -> Diagnostic {
        let hint = match v.get_ref() {
            DeValue::Datetime(_) => "; write durations as quoted strings with a unit, like \"10m\"",
            _ => "",
        };
        self.err(
            ErrorKind::WrongType,
            v.span(),
            key,
            format!("expected {expected}, found {}{hint}", describe(v.get_ref())),
        )
    }

    /// A value of the right type that is not allowed.
    pub fn invalid(&self, key: &str, v: &Val<'_>, message: impl Into<String>) -> Diagnostic {
        self.err(ErrorKind::InvalidValue, v.span(), key, message)
    }
}

/// How a value reads in a message: `42 (an integer)`, `"abc" (a string)`, ...
pub(super) fn describe(v: &DeValue<'_>) -> String {
    match v {
        DeValue::String(s) => format!("\"{}\" (a string)", clip(s)),
        DeValue::Integer(i) => format!("{} (an integer)", clip(&i.to_string())),
        DeValue::Float(f) => format!("{} (a float)", clip(f.as_str())),
        DeValue::Boolean(b) => format!("{b} (a boolean)"),
        DeValue::Datetime(d) if d.date.is_none() => format!("{d} (a time of day)"),
        DeValue::Datetime(d) => format!("{d} (a date-time)"),
        DeValue::Array(a) if a.is_empty() => "an empty array".to_string(),
        DeValue::Array(a) if a.len() == 1 => "an array of 1 item".to_string(),
        DeValue::Array(a) => format!("an array of {} items", a.len()),
        DeValue::Table(t) if t.is_empty() => "an empty table".to_string(),
        DeValue::Table(t) => format!(
            "a table with {} {}",
            if t.len() == 1 { "key" } else { "keys" },
            list(in_order(t).into_iter().map(|(k, _)| k.get_ref().as_ref()))
        ),
    }
}

/// The entries of `table` in file order (the map itself is sorted by key).
pub(super) fn in_order<'a, 'i>(table: &'a DeTable<'i>) -> Vec<(&'a Key<'i>, &'a Val<'i>)> {
    let mut v: Vec<_> = table.iter().collect();
    v.sort_by_key(|(k, _)| k.span().start);
    v
}

/// The path of item `i` (from 0) of the list at `key`: `key #N`, numbered from 1.
pub(super) fn item_key(key: &str, i: usize) -> String {
    format!("{key} #{}", i + 1)
}

/// One TOML table being read, with the path that names its keys in messages.
pub(super) struct Tbl<'a, 'i> {
    pub table: &'a DeTable<'i>,
    /// `transport 1 (lan)`, `flush 3`, `spooler`, or empty for the top level.
    pub path: String,
    /// Where the table starts (its header), for "missing key" errors.
    pub span: Range<usize>,
    /// How messages name it: `[[transport]]`, `the top level`, ...
    pub what: String,
}

impl<'a, 'i> Tbl<'a, 'i> {
    /// The path of key `k` in this table.
    pub fn key(&self, k: &str) -> String {
        if self.path.is_empty() {
            k.to_string()
        } else {
            format!("{}.{k}", self.path)
        }
    }

    /// The value of `k`.
    pub fn get(&self, k: &str) -> Option<&'a Val<'i>> {
        self.table.get(k)
    }

    /// The spanned key `k`, if present.
    pub fn key_of(&self, k: &str) -> Option<&'a Key<'i>> {
        self.table.get_key_value(k).map(|(k, _)| k)
    }

    /// Records every key (in file order) that is not in `allowed`, suggesting the closest valid
    /// key or listing them all.
    pub fn check_keys(&self, cx: &Ctx<'_>, allowed: &[&str]) {
        for (k, _) in in_order(self.table) {
            let name: &str = k.get_ref();
            if allowed.contains(&name) {
                continue;
            }
            let hint = match closest(name, allowed.iter().copied()) {
                Some(c) => format!("did you mean `{c}`?"),
                None => format!(
                    "the keys of {} are {}",
                    self.what,
                    list(allowed.iter().copied())
                ),
            };
            cx.report(cx.err(
                ErrorKind::UnknownKey,
                k.span(),
                &self.key(&clip(name)),
                format!("unknown key `{}` in {}; {hint}", clip(name), self.what),
            ));
        }
    }

    /// The value of a required key, or an error at the table's header.
    pub fn require(&self, cx: &Ctx<'_>, k: &str, expected: &str) -> PResult<&'a Val<'i>> {
        self.get(k).ok_or_else(|| {
            cx.err(
                ErrorKind::MissingKey,
                self.span.clone(),
                &self.key(k),
                format!(
                    "expected {expected}, found no `{k}` in {} (it is required)",
                    self.what
                ),
            )
        })
    }
}

/// How an entry of `[[key]]` is named in messages: `flush 3`, or `flush 3 (morning-upload)`
/// when it has a `name` (`transport 2 (dialup)`).
fn entry_label(key: &str, number: usize, t: &DeTable<'_>) -> String {
    match t.get("name").map(|v| v.get_ref()) {
        Some(DeValue::String(name)) if !name.trim().is_empty() => {
            format!("{key} {number} ({})", clip(name))
        }
        _ => format!("{key} {number}"),
    }
}

/// The sub-tables of an array of tables `[[key]]`, each named by [`entry_label`]; empty when
/// the key is absent. A sub-value that is not a table is recorded as an error and left out.
pub(super) fn tables<'a, 'i>(cx: &Ctx<'_>, root: &Tbl<'a, 'i>, key: &str) -> Vec<Tbl<'a, 'i>> {
    let Some(v) = root.get(key) else {
        return Vec::new();
    };
    let what = format!("[[{key}]]");
    match v.get_ref() {
        DeValue::Array(items) => items
            .iter()
            .enumerate()
            .filter_map(|(i, item)| match item.get_ref() {
                DeValue::Table(t) => Some(Tbl {
                    table: t,
                    path: entry_label(key, i + 1, t),
                    span: item.span(),
                    what: what.clone(),
                }),
                _ => {
                    cx.report(cx.wrong(
                        &format!("{key} {}", i + 1),
                        item,
                        &format!("a table (written as a {what} section)"),
                    ));
                    None
                }
            })
            .collect(),
        DeValue::Table(_) => {
            cx.report(cx.wrong(
                key,
                v,
                &format!("{what} sections (an array of tables); write {what} instead of [{key}]"),
            ));
            Vec::new()
        }
        _ => {
            cx.report(cx.wrong(key, v, &format!("{what} sections")));
            Vec::new()
        }
    }
}

/// A plain table `[key]`, if present and a table (else the error is recorded).
pub(super) fn table<'a, 'i>(cx: &Ctx<'_>, root: &Tbl<'a, 'i>, key: &str) -> Option<Tbl<'a, 'i>> {
    let v = root.get(key)?;
    match v.get_ref() {
        DeValue::Table(t) => Some(Tbl {
            table: t,
            path: root.key(key),
            span: v.span(),
            what: format!("[{key}]"),
        }),
        _ => {
            cx.report(cx.wrong(&root.key(key), v, &format!("a [{key}] table")));
            None
        }
    }
}

/// A string.
pub(super) fn string<'a>(
    cx: &Ctx<'_>,
    key: &str,
    v: &'a Val<'_>,
    expected: &str,
) -> PResult<&'a str> {
    match v.get_ref() {
        DeValue::String(s) => Ok(s),
        _ => Err(cx.wrong(key, v, expected)),
    }
}

/// A boolean.
pub(super) fn boolean(cx: &Ctx<'_>, key: &str, v: &Val<'_>) -> PResult<bool> {
    match v.get_ref() {
        DeValue::Boolean(b) => Ok(*b),
        _ => Err(cx.wrong(key, v, "true or false")),
    }
}

/// The exact value of a TOML integer, if it fits in 128 bits.
pub(super) fn int_value(i: &DeInteger<'_>) -> Option<i128> {
    i128::from_str_radix(i.as_str(), i.radix()).ok()
}

/// A non-negative integer that fits in a `u64`; `what` names it (`a count`, `a seed`).
pub(super) fn unsigned(cx: &Ctx<'_>, key: &str, v: &Val<'_>, what: &str) -> PResult<u64> {
    let DeValue::Integer(i) = v.get_ref() else {
        return Err(cx.wrong(key, v, &format!("{what}: a whole number like 100")));
    };
    match int_value(i) {
        Some(n) if n < 0 => {
            Err(cx.invalid(key, v, format!("expected {what} of 0 or more, found {n}")))
        }
        Some(n) => u64::try_from(n).map_err(|_| too_large(cx, key, v, what)),
        None => Err(too_large(cx, key, v, what)),
    }
}

fn too_large(cx: &Ctx<'_>, key: &str, v: &Val<'_>, what: &str) -> Diagnostic {
    cx.invalid(
        key,
        v,
        format!(
            "expected {what} that fits in 64 bits (at most {}), found {}",
            u64::MAX,
            describe(v.get_ref())
        ),
    )
}

/// One of a fixed set of words.
pub(super) fn word<'a>(
    cx: &Ctx<'_>,
    key: &str,
    v: &Val<'_>,
    words: &[&'a str],
) -> PResult<&'a str> {
    let expected = words
        .iter()
        .map(|w| format!("\"{w}\""))
        .collect::<Vec<_>>()
        .join(" or ");
    let text = string(cx, key, v, &expected)?;
    if let Some(w) = words.iter().find(|w| **w == text) {
        return Ok(w);
    }
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

/// How durations are written, for messages.
pub(super) const DURATION: &str = "a duration like \"250ms\", \"45s\", \"5m\" or \"1h 30m\"";

/// The message for a number where a duration string belongs.
fn number_for_duration(v: &DeValue<'_>) -> String {
    let n = match v {
        DeValue::Integer(i) => i.to_string(),
        DeValue::Float(f) => f.to_string(),
        _ => String::new(),
    };
    format!(
        "; durations are quoted strings with a unit: write \"{}s\" or \"{}ms\"",
        clip(&n),
        clip(&n)
    )
}

/// A duration string, in exact microseconds.
pub(super) fn duration(cx: &Ctx<'_>, key: &str, v: &Val<'_>) -> PResult<Micros> {
    duration_expecting(cx, key, v, DURATION)
}

/// A duration string; `expected` describes what else would have been accepted.
pub(super) fn duration_expecting(
    cx: &Ctx<'_>,
    key: &str,
    v: &Val<'_>,
    expected: &str,
) -> PResult<Micros> {
    match v.get_ref() {
        DeValue::String(s) => duration_text(s).map_err(|m| cx.invalid(key, v, m)),
        DeValue::Integer(_) | DeValue::Float(_) => Err(cx.err(
            ErrorKind::WrongType,
            v.span(),
            key,
            format!(
                "expected {expected}, found {}{}",
                describe(v.get_ref()),
                number_for_duration(v.get_ref())
            ),
        )),
        _ => Err(cx.wrong(key, v, expected)),
    }
}

/// Parses a duration, with our own message when it is not one.
pub(super) fn duration_text(text: &str) -> Result<Micros, String> {
    durations::parse(text).map_err(|e| match e {
        DurationError::SubMicrosecond => format!(
            "expected a whole number of microseconds, found \"{}\", which has a remainder \
             finer than a microsecond (virtual time is exact to the microsecond)",
            clip(text)
        ),
        DurationError::Overflow => format!(
            "expected a duration that fits in 64 bits of microseconds, found \"{}\" (too long)",
            clip(text)
        ),
        why => format!("expected {DURATION}, found \"{}\": {why}", clip(text)),
    })
}

/// A duration greater than zero.
pub(super) fn positive_duration(cx: &Ctx<'_>, key: &str, v: &Val<'_>) -> PResult<Micros> {
    let d = duration(cx, key, v)?;
    if d == 0 {
        return Err(cx.invalid(
            key,
            v,
            format!("expected a duration greater than 0, found \"{}\"", raw(v)),
        ));
    }
    Ok(d)
}

/// The text of a string value, clipped (empty for other values).
pub(super) fn raw(v: &Val<'_>) -> String {
    match v.get_ref() {
        DeValue::String(s) => clip(s),
        _ => String::new(),
    }
}

/// How distributions are written, for messages.
pub(super) const DIST: &str =
    "a duration like \"20ms\" or {uniform = [\"10ms\", \"50ms\"]} or {exp = \"20ms\"}";

/// Keys of a distribution's inline table.
pub(super) const DIST_KEYS: &[&str] = &["uniform", "exp"];

/// A fixed duration or a distribution: `"20ms"`, `{uniform = ["10ms", "50ms"]}`,
/// `{exp = "20ms"}`.
pub(super) fn dist(cx: &Ctx<'_>, key: &str, v: &Val<'_>) -> PResult<Dist> {
    let t = match v.get_ref() {
        DeValue::String(_) | DeValue::Integer(_) | DeValue::Float(_) => {
            return duration_expecting(cx, key, v, DIST).map(Dist::Fixed)
        }
        DeValue::Table(t) => t,
        _ => return Err(cx.wrong(key, v, DIST)),
    };
    let tbl = Tbl {
        table: t,
        path: key.to_string(),
        span: v.span(),
        what: "a distribution".to_string(),
    };
    tbl.check_keys(cx, DIST_KEYS);
    match (tbl.get("uniform"), tbl.get("exp")) {
        (Some(_), Some(_)) => {
            let k = tbl.key_of("exp").map_or(v.span(), |k| k.span());
            Err(cx.err(
                ErrorKind::Conflict,
                k,
                key,
                "expected one distribution, found both `uniform` and `exp`; keep one",
            ))
        }
        (None, None) => Err(cx.invalid(key, v, format!("expected {DIST}, found an empty table"))),
        (None, Some(mean)) => duration(cx, &tbl.key("exp"), mean).map(Dist::Exp),
        (Some(bounds), None) => uniform(cx, &tbl.key("uniform"), bounds),
    }
}

/// The bounds of `{uniform = [low, high]}`.
fn uniform(cx: &Ctx<'_>, k: &str, bounds: &Val<'_>) -> PResult<Dist> {
    let expected = "two durations [low, high], like [\"10ms\", \"50ms\"]";
    let DeValue::Array(items) = bounds.get_ref() else {
        return Err(cx.wrong(k, bounds, expected));
    };
    if items.len() != 2 {
        return Err(cx.invalid(
            k,
            bounds,
            format!("expected {expected}, found {}", describe(bounds.get_ref())),
        ));
    }
    let lo = duration(cx, &item_key(k, 0), &items[0]);
    let hi = duration(cx, &item_key(k, 1), &items[1]);
    let (lo, hi) = match (lo, hi) {
        (Ok(lo), Ok(hi)) => (lo, hi),
        (Err(e), hi) => {
            // Both bounds may be wrong: report the second too.
            if let Err(second) = hi {
                cx.report(second);
            }
            return Err(e);
        }
        (_, Err(e)) => return Err(e),
    };
    if lo > hi {
        return Err(cx.invalid(
            k,
            bounds,
            format!(
                "expected the low bound first (low <= high), found [\"{}\", \"{}\"]",
                format_duration(lo),
                format_duration(hi)
            ),
        ));
    }
    Ok(Dist::Uniform(lo, hi))
}

/// The names scenario files use for the flush flags, in bit order.
pub(super) const FLAG_NAMES: &[&str] = &[
    "FLUSH_UPLOAD",
    "FLUSH_DOWNLOAD",
    "FLUSH_FORCE",
    "FLUSH_NO_UI",
    "FLUSH_ASYNC_OK",
];

/// A family of flags as scenario files write them: `FlushQueues`' or `ValidateState`'s.
pub(super) struct FlagSet {
    /// The MAPI names, in bit order.
    pub names: &'static [&'static str],
    /// The bits of a name, if it is one of `names`.
    pub bits: fn(&str) -> Option<u32>,
    /// A prefix a misspelt name may lack (`NO_UI` for `FLUSH_NO_UI`), or `""`.
    pub prefix: &'static str,
    /// An example list for messages, like `["FLUSH_UPLOAD", "FLUSH_NO_UI"]`.
    pub example: &'static str,
    /// An example name for messages.
    pub one: &'static str,
}

/// The flags of `[[flush]]` and `[[procedure]]`.
pub(super) const FLUSH_FLAG_SET: FlagSet = FlagSet {
    names: FLAG_NAMES,
    bits: |n| FlushFlags::from_name(n).map(|f| f.bits()),
    prefix: "FLUSH_",
    example: "[\"FLUSH_UPLOAD\", \"FLUSH_NO_UI\"]",
    one: "FLUSH_UPLOAD",
};

/// The names scenario files use for the `ValidateState` flags, in bit order.
pub(super) const VALIDATE_FLAG_NAMES: &[&str] = &[
    "SUPPRESS_UI",
    "REFRESH_XP_HEADER_CACHE",
    "PROCESS_XP_HEADER_CACHE",
    "FORCE_XP_CONNECT",
    "FORCE_XP_DISCONNECT",
    "CONFIG_CHANGED",
    "ABORT_XP_HEADER_OPERATION",
    "SHOW_XP_SESSION_UI",
];

/// The flags of `[[validate]]`.
pub(super) const VALIDATE_FLAG_SET: FlagSet = FlagSet {
    names: VALIDATE_FLAG_NAMES,
    bits: |n| ValidateFlags::from_name(n).map(|f| f.bits()),
    prefix: "",
    example: "[\"FORCE_XP_DISCONNECT\"]",
    one: "FORCE_XP_CONNECT",
};

/// Flush flags: names and raw bits in a list, one name, or one integer of raw bits. Raw bits
/// may include unknown ones on purpose (`MAPI_E_UNKNOWN_FLAGS` is a result users test). Every
/// bad item of a list is reported; the first is returned.
pub(super) fn flags(cx: &Ctx<'_>, key: &str, v: &Val<'_>) -> PResult<FlushFlags> {
    flag_bits(cx, key, v, &FLUSH_FLAG_SET).map(FlushFlags::from_bits_retain)
}

/// Flags of `set`, written as [`flags`] reads flush flags; the raw bits.
pub(super) fn flag_bits(cx: &Ctx<'_>, key: &str, v: &Val<'_>, set: &FlagSet) -> PResult<u32> {
    match v.get_ref() {
        DeValue::Array(items) => {
            let mut bits = 0u32;
            let mut first_error = None;
            for (i, item) in items.iter().enumerate() {
                match flag_item(cx, &item_key(key, i), item, set) {
                    Ok(b) => bits |= b,
                    Err(e) if first_error.is_none() => first_error = Some(e),
                    Err(e) => cx.report(e),
                }
            }
            match first_error {
                Some(e) => Err(e),
                None => Ok(bits),
            }
        }
        DeValue::String(_) | DeValue::Integer(_) => flag_item(cx, key, v, set),
        _ => Err(cx.wrong(
            key,
            v,
            &format!(
                "flags as a list of names and/or integers like {}, or raw bits like 0x12",
                set.example
            ),
        )),
    }
}

/// The nearest flag name of `set` to a misspelt `name`, also comparing without the prefix, so
/// that "NO_UI" suggests "FLUSH_NO_UI".
fn nearest_flag(name: &str, set: &FlagSet) -> Option<&'static str> {
    closest(name, set.names.iter().copied()).or_else(|| {
        if set.prefix.is_empty() {
            return None;
        }
        let short = set
            .names
            .iter()
            .map(|n| n.strip_prefix(set.prefix).unwrap_or(n));
        let c = closest(name, short)?;
        set.names.iter().find(|n| n.ends_with(c)).copied()
    })
}

fn flag_item(cx: &Ctx<'_>, key: &str, v: &Val<'_>, set: &FlagSet) -> PResult<u32> {
    match v.get_ref() {
        DeValue::String(name) => match (set.bits)(name) {
            Some(bits) => Ok(bits),
            None => {
                let hint = match nearest_flag(name, set) {
                    Some(c) => format!("did you mean \"{c}\"?"),
                    None => format!(
                        "the flags are {}, or write raw bits as an integer",
                        list(set.names.iter().copied())
                    ),
                };
                Err(cx.err(
                    ErrorKind::UnknownName,
                    v.span(),
                    key,
                    format!("unknown flag \"{}\"; {hint}", clip(name)),
                ))
            }
        },
        DeValue::Integer(i) => match int_value(i).and_then(|n| u32::try_from(n).ok()) {
            Some(bits) => Ok(bits),
            None => Err(cx.invalid(
                key,
                v,
                format!(
                    "expected raw flag bits from 0 to 0xFFFFFFFF, found {}",
                    describe(v.get_ref())
                ),
            )),
        },
        _ => Err(cx.wrong(
            key,
            v,
            &format!("a flag name like \"{}\" or raw bits like 0x100", set.one),
        )),
    }
}

/// How sizes are written, for messages.
const SIZE: &str = "a size like \"4KiB\", \"4KB\", \"512B\", \"1MiB\" or a number of bytes";

/// A message size: `"4KiB"` (1024), `"4KB"` (1000), `"512B"`, `"2 MB"`, or an integer of bytes.
pub(super) fn size(cx: &Ctx<'_>, key: &str, v: &Val<'_>) -> PResult<u64> {
    match v.get_ref() {
        DeValue::Integer(_) => unsigned(cx, key, v, "a size in bytes"),
        DeValue::String(s) => size_text(s).map_err(|m| cx.invalid(key, v, m)),
        _ => Err(cx.wrong(key, v, SIZE)),
    }
}

/// Parses `"4KiB"`, `"2 MB"`, `"512B"`, `"100"` into bytes.
pub(super) fn size_text(text: &str) -> Result<u64, String> {
    let t = text.trim();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (digits, unit) = (&t[..split], t[split..].trim());
    let bad = |why: &str| format!("expected {SIZE}, found \"{}\" ({why})", clip(text));
    if digits.is_empty() {
        return Err(bad("no number"));
    }
    const UNITS: &[(&str, u64)] = &[
        ("", 1),
        ("B", 1),
        ("KB", 1_000),
        ("KiB", 1 << 10),
        ("MB", 1_000_000),
        ("MiB", 1 << 20),
        ("GB", 1_000_000_000),
        ("GiB", 1 << 30),
        ("TB", 1_000_000_000_000),
        ("TiB", 1 << 40),
    ];
    let Some((_, scale)) = UNITS.iter().find(|(u, _)| u.eq_ignore_ascii_case(unit)) else {
        return Err(bad("the units are B, KB, KiB, MB, MiB, GB, GiB, TB, TiB"));
    };
    digits
        .parse::<u64>()
        .ok()
        .and_then(|n| n.checked_mul(*scale))
        .filter(|&n| n <= MAX_MESSAGE_SIZE)
        .ok_or_else(|| bad("too large (a message is at most 4GiB - 1 byte)"))
}

/// The largest message size, so that a queued message stays 16 bytes.
pub const MAX_MESSAGE_SIZE: u64 = u32::MAX as u64;

/// A float or integer in [0, 1].
pub(super) fn probability(cx: &Ctx<'_>, key: &str, v: &Val<'_>) -> PResult<f64> {
    let p = match v.get_ref() {
        DeValue::Float(f) => f.as_str().parse::<f64>().ok(),
        DeValue::Integer(i) => int_value(i).map(|n| n as f64),
        _ => return Err(cx.wrong(key, v, "a probability from 0.0 to 1.0")),
    };
    match p {
        // `+ 0.0` turns -0.0 into 0.0, so reports never show "-0".
        Some(p) if (0.0..=1.0).contains(&p) => Ok(p + 0.0),
        _ => Err(cx.invalid(
            key,
            v,
            format!(
                "expected a probability from 0.0 to 1.0, found {}",
                describe(v.get_ref())
            ),
        )),
    }
}

/// A string naming a transport of `names`; returns its index.
pub(super) fn transport_ref(
    cx: &Ctx<'_>,
    key: &str,
    v: &Val<'_>,
    names: &[&str],
    extra: Option<&str>,
) -> PResult<TransportId> {
    let expected = match extra {
        Some(e) => format!("\"{e}\" or a transport's name"),
        None => "a transport's name".to_string(),
    };
    let text = string(cx, key, v, &expected)?;
    if let Some(i) = names.iter().position(|n| *n == text) {
        return Ok(TransportId::new(i));
    }
    let candidates = || extra.into_iter().chain(names.iter().copied());
    let hint = match suggest(text, candidates()) {
        Some(c) => format!("did you mean \"{c}\"?"),
        None => format!("expected {}", list(candidates())),
    };
    Err(cx.err(
        ErrorKind::UnknownName,
        v.span(),
        key,
        format!("no transport is named \"{}\"; {hint}", clip(text)),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes() {
        assert_eq!(size_text("4KiB"), Ok(4096));
        assert_eq!(size_text("4KB"), Ok(4000));
        assert_eq!(size_text("512B"), Ok(512));
        assert_eq!(size_text("1MiB"), Ok(1 << 20));
        assert_eq!(size_text("2 MB"), Ok(2_000_000));
        assert_eq!(size_text("100"), Ok(100));
        assert_eq!(size_text(" 3 kib "), Ok(3072));
        assert!(size_text("1.5KiB").unwrap_err().contains("the units are"));
        assert!(size_text("KiB").unwrap_err().contains("no number"));
        assert!(size_text("99999999999TiB")
            .unwrap_err()
            .contains("too large"));
        assert!(size_text("").is_err());
        assert!(size_text("é").is_err());
    }

    #[test]
    fn every_flag_name_is_known_to_the_mapi_module() {
        let mut all = 0;
        for n in FLAG_NAMES {
            all |= FlushFlags::from_name(n).map_or(0, |f| f.bits());
        }
        assert_eq!(all, FlushFlags::all().bits());
    }

    #[test]
    fn durations() {
        assert_eq!(duration_text("1h 30m"), Ok(5_400_000_000));
        assert!(duration_text("1500ns")
            .unwrap_err()
            .contains("finer than a microsecond"));
        assert!(duration_text("soon")
            .unwrap_err()
            .contains("expected a duration"));
    }
}
