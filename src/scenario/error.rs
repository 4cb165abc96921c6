//! Errors and warnings about scenario files, each pointing at a line and column.
//!
//! A scenario file is written by hand and usually fixed by hand, so a message must say where
//! (`FILE:LINE:COLUMN`), which key (a path such as `transport 1 (lan).per_message`), what was
//! expected and what was found. One [`Diagnostic`] is one such mistake; a [`ScenarioError`] is
//! every mistake of a file (the first [`MAX_REPORTED`], in file order), so a file with three
//! mistakes is fixed in one round instead of three.
//!
//! [`ScenarioError::render`] shows each mistake the way rustc does — the message, the place,
//! the source line with a caret under the offending key or value — through `annotate-snippets`,
//! the renderer rustc itself uses, which gets wide characters, tabs and long lines right. Each
//! diagnostic also reads on one line (`Display`), for logs and `spoolsim check`.
//!
//! Positions are kept as byte spans into the source and turned into 1-based line and column
//! numbers (columns count characters, not bytes) when the error is made.

use std::fmt;
use std::ops::Range;

use annotate_snippets::{AnnotationKind, Group, Level, Origin, Renderer, Snippet};

/// At most this many errors of one file are kept and shown; the rest are counted.
pub const MAX_REPORTED: usize = 20;

/// What kind of mistake an error reports; lets callers and tests tell them apart without
/// matching on message text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The file could not be read, or is not UTF-8.
    Io,
    /// Not valid TOML.
    Syntax,
    /// A key that does not belong where it is written.
    UnknownKey,
    /// A required key is absent.
    MissingKey,
    /// A value of the wrong TOML type (a string where a number belongs, ...).
    WrongType,
    /// A value of the right type that is not allowed (a bad duration, a rate above 1, ...).
    InvalidValue,
    /// A name given twice (transports, flushes and procedures), or an expectation given twice.
    Duplicate,
    /// A name that refers to nothing: a transport, a flag, a result word.
    UnknownName,
    /// A key that exists but not in this combination (a ras key on a lan transport, ...).
    Conflict,
    /// An expectation on a metric that does not exist for this scenario.
    UnknownMetric,
    /// A limit that protects the machine (messages, transports, horizon, file size).
    Limit,
}

/// A byte span turned into a 1-based position.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Position {
    line: usize,
    column: usize,
    span: Range<usize>,
}

/// Where each line of a text starts, so that many positions are found without rescanning it.
#[derive(Debug, Clone)]
pub(crate) struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    /// The line starts of `source`.
    pub(crate) fn new(source: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(
            source
                .bytes()
                .enumerate()
                .filter(|(_, b)| *b == b'\n')
                .map(|(i, _)| i + 1),
        );
        LineIndex { starts }
    }

    /// The 1-based line of byte `offset`.
    pub(crate) fn line_of(&self, offset: usize) -> usize {
        self.starts.partition_point(|&s| s <= offset)
    }

    /// `span` of `source` (the text this index was built from) as a position.
    fn locate(&self, source: &str, span: Range<usize>) -> Position {
        let start = floor_boundary(source, span.start);
        let end = floor_boundary(source, span.end.max(start));
        let line = self.line_of(start);
        let line_start = self.starts[line - 1].min(start);
        let column = source[line_start..start].chars().count() + 1;
        Position {
            line,
            column,
            span: start..end,
        }
    }
}

/// The largest char boundary of `s` at or below `i`.
fn floor_boundary(s: &str, i: usize) -> usize {
    let mut i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Inner {
    kind: ErrorKind,
    file: String,
    key: String,
    message: String,
    pos: Option<Position>,
    /// Another place the message refers to, with a label ("first used here").
    related: Option<(Position, String)>,
    /// The command-line override the mistake is in (`--set PATH=VALUE`), for a mistake in a
    /// value that came from the command line rather than from the file.
    set: Option<String>,
}

/// One mistake in a scenario file.
///
/// Displays as `FILE:LINE:COLUMN: key: what was expected, what was found`, for example
/// `office.toml:12:15: transport 2 (dialup).per_message: expected a duration like "20ms" or
/// {uniform = [..]} or {exp = ".."}, found 42 (an integer)`. TOML syntax errors have no key
/// (`FILE:LINE:COLUMN: invalid TOML: ...`), and a file that cannot be read has no position
/// (`FILE: ...`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic(Box<Inner>);

impl Diagnostic {
    /// A mistake at `span` (byte offsets into `source`).
    pub(crate) fn at(
        kind: ErrorKind,
        file: &str,
        source: &str,
        span: Range<usize>,
        key: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Self::indexed(
            kind,
            file,
            (source, &LineIndex::new(source)),
            span,
            key,
            message,
        )
    }

    /// [`Diagnostic::at`] with the source's line index already built.
    pub(crate) fn indexed(
        kind: ErrorKind,
        file: &str,
        (source, lines): (&str, &LineIndex),
        span: Range<usize>,
        key: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic(Box::new(Inner {
            kind,
            file: file.to_string(),
            key: key.into(),
            message: message.into(),
            pos: Some(lines.locate(source, span)),
            related: None,
            set: None,
        }))
    }

    /// A mistake in a value given on the command line by `set` (`--set PATH=VALUE`, as the
    /// user wrote it) rather than in the file: it has no position in the file.
    pub(crate) fn in_override(
        kind: ErrorKind,
        file: &str,
        set: &str,
        key: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic(Box::new(Inner {
            kind,
            file: file.to_string(),
            key: key.into(),
            message: message.into(),
            pos: None,
            related: None,
            set: Some(set.to_string()),
        }))
    }

    /// A mistake about the whole file, with no position.
    pub(crate) fn whole_file(kind: ErrorKind, file: &str, message: impl Into<String>) -> Self {
        Diagnostic(Box::new(Inner {
            kind,
            file: file.to_string(),
            key: String::new(),
            message: message.into(),
            pos: None,
            related: None,
            set: None,
        }))
    }

    /// Points also at `span`, labelled `label` (the first use of a duplicated name, ...).
    pub(crate) fn with_related(
        mut self,
        (source, lines): (&str, &LineIndex),
        span: Range<usize>,
        label: impl Into<String>,
    ) -> Self {
        self.0.related = Some((lines.locate(source, span), label.into()));
        self
    }

    /// What kind of mistake this is.
    pub fn kind(&self) -> ErrorKind {
        self.0.kind
    }

    /// The file name as given to the parser.
    pub fn file(&self) -> &str {
        &self.0.file
    }

    /// The 1-based line, or 0 when the mistake concerns the whole file (it cannot be read).
    pub fn line(&self) -> usize {
        self.0.pos.as_ref().map_or(0, |p| p.line)
    }

    /// The 1-based column in characters, or 0 when the mistake concerns the whole file.
    pub fn column(&self) -> usize {
        self.0.pos.as_ref().map_or(0, |p| p.column)
    }

    /// The byte span in the source that the mistake points at, when it has a position.
    pub fn span(&self) -> Option<Range<usize>> {
        self.0.pos.as_ref().map(|p| p.span.clone())
    }

    /// The key path, such as `transport 1 (lan).per_message`, `flush 3 (upload).flags #2` or
    /// `expect.flush.1.result`; empty for syntax and file errors. Entries of an array of
    /// tables are numbered from 1 in file order, as metrics number them, and named where they
    /// have a name; items of a list are `#N`, also from 1.
    pub fn key(&self) -> &str {
        &self.0.key
    }

    /// What was expected and what was found, without the position and key.
    pub fn message(&self) -> &str {
        &self.0.message
    }

    /// The command-line override the mistake is in (`--set PATH=VALUE`), when the offending
    /// value came from the command line instead of the file.
    pub fn set(&self) -> Option<&str> {
        self.0.set.as_deref()
    }

    /// The line a renderer titles the mistake with: the key and the message.
    fn title(&self) -> String {
        if let Some(set) = &self.0.set {
            if self.0.key.is_empty() {
                return format!("{set}: {}", self.0.message);
            }
            return format!("{set}: {}: {}", self.0.key, self.0.message);
        }
        match (&self.0.pos, self.0.key.is_empty()) {
            (None, _) => format!("{}: {}", self.0.file, self.0.message),
            (Some(_), true) => self.0.message.clone(),
            (Some(_), false) => format!("{}: {}", self.0.key, self.0.message),
        }
    }

    /// The mistake as a group of `annotate-snippets`: its title, and the source line with a
    /// caret when `source` holds the span (else the one-line form).
    fn group<'a>(&'a self, source: &'a str, title: &'a str, level: Level<'a>) -> Group<'a> {
        let Some(pos) = &self.0.pos else {
            let group = Group::with_title(level.primary_title(title));
            return match self.0.set {
                // The value is not in the file; say which file it was applied to.
                Some(_) => group.element(Origin::path(self.0.file.as_str())),
                None => group,
            };
        };
        let fits = |s: &Range<usize>| {
            s.end <= source.len()
                && source.is_char_boundary(s.start)
                && source.is_char_boundary(s.end)
        };
        if !fits(&pos.span) {
            return Group::with_title(level.primary_title(title)).element(
                Origin::path(self.0.file.as_str())
                    .line(pos.line)
                    .char_column(pos.column),
            );
        }
        let mut snippet = Snippet::source(source)
            .path(self.0.file.as_str())
            .annotation(AnnotationKind::Primary.span(pos.span.clone()));
        if let Some((rel, label)) = self.0.related.as_ref().filter(|(r, _)| fits(&r.span)) {
            snippet =
                snippet.annotation(AnnotationKind::Context.span(rel.span.clone()).label(label));
        }
        Group::with_title(level.primary_title(title)).element(snippet)
    }

    /// The mistake as JSON: `file`, `line`, `column` (0 for a whole-file error or a value
    /// from the command line), `key`, `message`, `severity` (`"error"`), and `set` (the
    /// `--set` argument) for a value from the command line.
    pub fn to_json(&self) -> serde_json::Value {
        let mut v = serde_json::json!({
            "file": self.file(),
            "line": self.line(),
            "column": self.column(),
            "key": self.key(),
            "message": self.message(),
            "severity": "error",
        });
        if let Some(set) = &self.0.set {
            v["set"] = set.as_str().into();
        }
        v
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let e = &self.0;
        write!(f, "{}", e.file)?;
        if let Some(p) = &e.pos {
            write!(f, ":{}:{}", p.line, p.column)?;
        }
        if let Some(set) = &e.set {
            write!(f, ": {set}")?;
        }
        if !e.key.is_empty() {
            write!(f, ": {}", e.key)?;
        }
        write!(f, ": {}", e.message)
    }
}

impl std::error::Error for Diagnostic {}

/// Every input error found in a scenario file: at least one, the first [`MAX_REPORTED`] in
/// file order.
///
/// The accessors (`kind`, `line`, `key`, ...) describe the first; [`ScenarioError::diagnostics`]
/// gives them all. It displays as one line per error, each as [`Diagnostic`] displays, and
/// `… and N more errors` when some were left out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScenarioError {
    diagnostics: Vec<Diagnostic>,
    /// Errors found beyond the ones kept.
    omitted: usize,
}

impl From<Diagnostic> for ScenarioError {
    fn from(d: Diagnostic) -> Self {
        ScenarioError {
            diagnostics: vec![d],
            omitted: 0,
        }
    }
}

impl ScenarioError {
    /// Every mistake of `found` (at least one), sorted into file order (whole-file mistakes
    /// first), keeping the first [`MAX_REPORTED`]; `more` were found and not kept at all.
    pub(crate) fn collect(mut found: Vec<Diagnostic>, more: usize) -> Self {
        assert!(!found.is_empty(), "an error has at least one diagnostic");
        found.sort_by_key(|d| d.span().map_or((0, 0), |s| (1, s.start)));
        let omitted = more + found.len().saturating_sub(MAX_REPORTED);
        found.truncate(MAX_REPORTED);
        ScenarioError {
            diagnostics: found,
            omitted,
        }
    }

    /// An error at `span` (byte offsets into `source`).
    pub(crate) fn at(
        kind: ErrorKind,
        file: &str,
        source: &str,
        span: Range<usize>,
        key: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic::at(kind, file, source, span, key, message).into()
    }

    /// An error about the whole file, with no position.
    pub(crate) fn whole_file(kind: ErrorKind, file: &str, message: impl Into<String>) -> Self {
        Diagnostic::whole_file(kind, file, message).into()
    }

    fn first(&self) -> &Diagnostic {
        &self.diagnostics[0]
    }

    /// The errors kept, in file order (at most [`MAX_REPORTED`]).
    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.diagnostics
    }

    /// How many errors were found in all, including those not kept.
    pub fn count(&self) -> usize {
        self.diagnostics.len() + self.omitted
    }

    /// What kind of mistake the first error is.
    pub fn kind(&self) -> ErrorKind {
        self.first().kind()
    }

    /// The file name as given to the parser.
    pub fn file(&self) -> &str {
        self.first().file()
    }

    /// The first error's 1-based line, or 0 when it concerns the whole file.
    pub fn line(&self) -> usize {
        self.first().line()
    }

    /// The first error's 1-based column in characters, or 0 when it concerns the whole file.
    pub fn column(&self) -> usize {
        self.first().column()
    }

    /// The byte span the first error points at, when it has a position.
    pub fn span(&self) -> Option<Range<usize>> {
        self.first().span()
    }

    /// The first error's key path (see [`Diagnostic::key`]).
    pub fn key(&self) -> &str {
        self.first().key()
    }

    /// The first error's message, without the position and key.
    pub fn message(&self) -> &str {
        self.first().message()
    }

    /// Every error, each titled `error:` and followed by its place and the offending source
    /// line with a caret under the column:
    ///
    /// ```text
    /// error: transport 2 (dialup).per_message: expected a duration ..., found 42 (an integer)
    ///   --> office.toml:12:15
    ///    |
    /// 12 | per_message = 42
    ///    |               ^^
    /// ```
    ///
    /// `source` should be the text that was parsed; an error whose place is not in it is shown
    /// with its place but without the line.
    pub fn render(&self, source: &str) -> String {
        self.render_with(source, Renderer::plain())
    }

    /// [`ScenarioError::render`] with ANSI colours, for a terminal.
    pub fn render_styled(&self, source: &str) -> String {
        self.render_with(source, Renderer::styled())
    }

    fn render_with(&self, source: &str, renderer: Renderer) -> String {
        let titles: Vec<String> = self.diagnostics.iter().map(Diagnostic::title).collect();
        let mut parts: Vec<String> = self
            .diagnostics
            .iter()
            .zip(&titles)
            .map(|(d, t)| renderer.render(&[d.group(source, t, Level::ERROR)]))
            .collect();
        if self.omitted > 0 {
            let more = format!(
                "{} more error{} in {} not shown; fix these first",
                self.omitted,
                if self.omitted == 1 { "" } else { "s" },
                self.file()
            );
            parts.push(renderer.render(&[Group::with_title(Level::NOTE.primary_title(more))]));
        }
        parts.join("\n\n")
    }

    /// Every error kept as JSON (see [`Diagnostic::to_json`]).
    pub fn to_json(&self) -> Vec<serde_json::Value> {
        self.diagnostics.iter().map(Diagnostic::to_json).collect()
    }
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.diagnostics.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{d}")?;
        }
        if self.omitted > 0 {
            write!(f, "\n… and {} more errors", self.omitted)?;
        }
        Ok(())
    }
}

impl std::error::Error for ScenarioError {}

/// What a warning is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum WarningKind {
    /// A `[[mail]]` whose address type no transport handles: its mail gets an NDR.
    Unroutable,
    /// A scripted action after the horizon: it never happens.
    AfterHorizon,
    /// A transport duration written in the file that is longer than the whole run.
    LongerThanRun,
}

/// Something in a valid scenario that is probably not what its author meant.
///
/// Displays as `FILE:LINE:COLUMN: key: message`, like [`Diagnostic`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    /// What it is about.
    pub kind: WarningKind,
    /// The file name as given to the parser.
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// The key path, such as `mail 3.to`.
    pub key: String,
    /// What is wrong and what will happen.
    pub message: String,
    /// The command-line override (`--set PATH=VALUE`) the warning is about, when the value came
    /// from the command line; `line` and `column` are then 0.
    pub set: Option<String>,
}

impl Warning {
    pub(crate) fn indexed(
        kind: WarningKind,
        file: &str,
        (source, lines): (&str, &LineIndex),
        span: Range<usize>,
        key: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        let pos = lines.locate(source, span);
        Warning {
            kind,
            file: file.to_string(),
            line: pos.line,
            column: pos.column,
            key: key.into(),
            message: message.into(),
            set: None,
        }
    }

    /// A warning about a value given on the command line by `set` (`--set PATH=VALUE`).
    pub(crate) fn in_override(
        kind: WarningKind,
        file: &str,
        set: &str,
        key: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Warning {
            kind,
            file: file.to_string(),
            line: 0,
            column: 0,
            key: key.into(),
            message: message.into(),
            set: Some(set.to_string()),
        }
    }

    /// The warning as JSON, in the form of [`Diagnostic::to_json`] with `severity` `"warning"`.
    pub fn to_json(&self) -> serde_json::Value {
        let mut v = serde_json::json!({
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "key": self.key,
            "message": self.message,
            "severity": "warning",
        });
        if let Some(set) = &self.set {
            v["set"] = set.as_str().into();
        }
        v
    }
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(set) = &self.set {
            return write!(f, "{}: {set}: {}: {}", self.file, self.key, self.message);
        }
        write!(
            f,
            "{}:{}:{}: {}: {}",
            self.file, self.line, self.column, self.key, self.message
        )
    }
}

/// Words longer than this get no suggestion (edit distance is quadratic).
const SUGGEST_MAX_LEN: usize = 64;

/// The candidate closest to `word` by edit distance (case-insensitive, transpositions count
/// once), if it is close enough to be a plausible typo.
pub(crate) fn closest<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    if word.len() > SUGGEST_MAX_LEN {
        return None;
    }
    let lower = word.to_lowercase();
    let limit = (word.chars().count() / 3).max(1);
    let mut best: Option<(usize, &'a str)> = None;
    for c in candidates {
        if c.len() > SUGGEST_MAX_LEN {
            continue;
        }
        let d = strsim::osa_distance(&lower, &c.to_lowercase());
        if d <= limit && best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, c));
        }
    }
    best.map(|(_, c)| c)
}

/// Like [`closest`], and failing that, the first candidate that begins with `word` or with which
/// `word` begins (case-insensitive, at least two characters), so that `fax` finds `faxmodem`.
pub(crate) fn suggest<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str> + Clone,
) -> Option<&'a str> {
    closest(word, candidates.clone()).or_else(|| {
        let lower = word.to_lowercase();
        if lower.chars().count() < 2 || word.len() > SUGGEST_MAX_LEN {
            return None;
        }
        candidates.into_iter().find(|c| {
            let c = c.to_lowercase();
            c.len() >= 2 && (c.starts_with(&lower) || lower.starts_with(&c))
        })
    })
}

/// At most this many items are listed in a message.
const LIST_MAX: usize = 20;

/// `a, b, c` (quoted with backticks), cut after twenty items.
pub(crate) fn list<'a>(items: impl IntoIterator<Item = &'a str>) -> String {
    let mut out = String::new();
    let mut n = 0usize;
    for item in items {
        if n < LIST_MAX {
            if n > 0 {
                out.push_str(", ");
            }
            out.push('`');
            out.push_str(item);
            out.push('`');
        }
        n += 1;
    }
    if n > LIST_MAX {
        out.push_str(&format!(", … ({n} in all)"));
    }
    if n == 0 {
        out.push_str("(none)");
    }
    out
}

/// At most this many characters of user text are echoed in a message.
const CLIP: usize = 60;

/// `text` cut to a readable length, with control characters escaped.
pub(crate) fn clip(text: &str) -> String {
    let escaped: String = text.escape_debug().collect();
    if escaped.chars().count() <= CLIP {
        escaped
    } else {
        let mut s: String = escaped.chars().take(CLIP).collect();
        s.push('…');
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_are_one_based_characters() {
        let src = "a = 1\nbé = \"x\"\n";
        let e = ScenarioError::at(ErrorKind::WrongType, "f.toml", src, 12..15, "bé", "nope");
        assert_eq!((e.line(), e.column()), (2, 6));
        assert_eq!(e.to_string(), "f.toml:2:6: bé: nope");
        assert_eq!(
            e.render(src),
            "error: bé: nope\n --> f.toml:2:6\n  |\n2 | bé = \"x\"\n  |      ^^^"
        );
    }

    #[test]
    fn out_of_range_spans_do_not_panic() {
        let src = "é";
        let e = ScenarioError::at(ErrorKind::Syntax, "f", src, 1..99, "", "m");
        assert_eq!((e.line(), e.column()), (1, 1));
        assert_eq!(e.to_string(), "f:1:1: m");
        // Rendered against the wrong text, the place is still named.
        assert_eq!(e.render(""), "error: m\n--> f:1:1");
        let _ = e.render(src);
        let empty = ScenarioError::at(ErrorKind::MissingKey, "f", "", 0..0, "name", "m");
        assert_eq!(
            empty.render(""),
            "error: name: m\n --> f:1:1\n  |\n1 |\n  | ^"
        );
    }

    #[test]
    fn long_lines_are_cut_around_the_column() {
        let src = format!("a = {}x", "[".repeat(500));
        let e = ScenarioError::at(ErrorKind::Syntax, "f", &src, 504..505, "", "m");
        let r = e.render(&src);
        assert!(r.lines().all(|l| l.chars().count() < 160), "{r}");
        let shown = r.lines().nth(3).unwrap();
        let last = r.lines().last().unwrap();
        let caret = last.chars().position(|c| c == '^').unwrap();
        assert_eq!(shown.chars().nth(caret), Some('x'));
    }

    #[test]
    fn whole_file_errors_have_no_position() {
        let e = ScenarioError::whole_file(ErrorKind::Io, "gone.toml", "cannot read it");
        assert_eq!(e.to_string(), "gone.toml: cannot read it");
        assert_eq!((e.line(), e.column()), (0, 0));
        assert_eq!(e.render("x"), "error: gone.toml: cannot read it");
    }

    #[test]
    fn several_errors_come_in_file_order_and_are_capped() {
        let src = "a\nb\nc\n".repeat(20);
        let found: Vec<Diagnostic> = (0..30)
            .rev()
            .map(|i| Diagnostic::at(ErrorKind::UnknownKey, "f", &src, 2 * i..2 * i + 1, "k", "m"))
            .collect();
        let e = ScenarioError::collect(found, 5);
        assert_eq!(e.diagnostics().len(), MAX_REPORTED);
        assert_eq!(e.count(), 35);
        let lines: Vec<usize> = e.diagnostics().iter().map(|d| d.line()).collect();
        assert_eq!(lines, (1..=20).collect::<Vec<_>>());
        assert!(e.to_string().ends_with("… and 15 more errors"));
        assert!(e
            .render(&src)
            .ends_with("note: 15 more errors in f not shown; fix these first"));
    }

    #[test]
    fn a_related_place_is_labelled() {
        let src = "name = \"a\"\nname = \"a\"\n";
        let lines = LineIndex::new(src);
        let d = Diagnostic::indexed(ErrorKind::Duplicate, "f", (src, &lines), 18..21, "k", "m")
            .with_related((src, &lines), 7..10, "first used here");
        let r = ScenarioError::from(d).render(src);
        assert!(r.contains("first used here"), "{r}");
        assert_eq!(lines.line_of(0), 1);
        assert_eq!(lines.line_of(11), 2);
    }

    #[test]
    fn suggestions() {
        assert_eq!(
            closest("per_mesage", ["name", "per_message"]),
            Some("per_message")
        );
        assert_eq!(
            closest("flush_upload", ["FLUSH_UPLOAD"]),
            Some("FLUSH_UPLOAD")
        );
        assert_eq!(closest("zzz", ["name", "kind"]), None);
        assert_eq!(closest(&"x".repeat(1000), ["x"]), None);
        assert_eq!(suggest("fax", ["lan", "faxmodem"]), Some("faxmodem"));
        assert_eq!(suggest("dialup-backup", ["lan", "dialup"]), Some("dialup"));
        assert_eq!(suggest("x", ["xyz"]), None);
        let many: Vec<String> = (0..30).map(|i| format!("t{i}")).collect();
        assert!(list(many.iter().map(|s| s.as_str())).ends_with("… (30 in all)"));
        assert_eq!(clip("a\nb"), "a\\nb");
        assert_eq!(clip(&"é".repeat(100)).chars().count(), 61);
    }
}
