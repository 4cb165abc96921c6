//! Errors and warnings about scenario files, each pointing at a line and column.
//!
//! A scenario file is written by hand and usually fixed by hand, so a message must say where
//! (`FILE:LINE:COLUMN`), which key (a path such as `transport[0].per_message`), what was
//! expected and what was found, in one line that editors and CI logs turn into a link. The
//! same form serves warnings, and [`ScenarioError::render`] adds the offending source line with
//! a caret under the column, the way rustc shows its errors.
//!
//! Positions are kept as byte spans into the source and turned into 1-based line and column
//! numbers (columns count characters, not bytes) when the error is made.

use std::fmt;
use std::ops::Range;

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
    /// A transport name given twice, or an expectation given twice.
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
    /// Width of the span in characters on its first line, at least 1.
    width: usize,
    span: Range<usize>,
}

impl Position {
    fn locate(source: &str, span: Range<usize>) -> Position {
        let start = floor_boundary(source, span.start);
        let end = floor_boundary(source, span.end.max(start));
        let before = &source[..start];
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let line = before.matches('\n').count() + 1;
        let column = before[line_start..].chars().count() + 1;
        let rest = &source[start..end];
        let first_line = rest.split('\n').next().unwrap_or("");
        let width = first_line.trim_end_matches('\r').chars().count().max(1);
        Position {
            line,
            column,
            width,
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
}

/// An input error in a scenario file.
///
/// Displays as `FILE:LINE:COLUMN: key: what was expected, what was found`, for example
/// `office.toml:12:15: transport[1].per_message: expected a duration like "20ms" or
/// {uniform = [..]} or {exp = ".."}, found 42 (an integer)`. TOML syntax errors have no key
/// (`FILE:LINE:COLUMN: invalid TOML: ...`), and a file that cannot be read has no position
/// (`FILE: ...`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScenarioError(Box<Inner>);

impl ScenarioError {
    /// An error at `span` (byte offsets into `source`).
    pub(crate) fn at(
        kind: ErrorKind,
        file: &str,
        source: &str,
        span: Range<usize>,
        key: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        ScenarioError(Box::new(Inner {
            kind,
            file: file.to_string(),
            key: key.into(),
            message: message.into(),
            pos: Some(Position::locate(source, span)),
        }))
    }

    /// An error about the whole file, with no position.
    pub(crate) fn whole_file(kind: ErrorKind, file: &str, message: impl Into<String>) -> Self {
        ScenarioError(Box::new(Inner {
            kind,
            file: file.to_string(),
            key: String::new(),
            message: message.into(),
            pos: None,
        }))
    }

    /// What kind of mistake this is.
    pub fn kind(&self) -> ErrorKind {
        self.0.kind
    }

    /// The file name as given to the parser.
    pub fn file(&self) -> &str {
        &self.0.file
    }

    /// The 1-based line, or 0 when the error concerns the whole file (it cannot be read).
    pub fn line(&self) -> usize {
        self.0.pos.as_ref().map_or(0, |p| p.line)
    }

    /// The 1-based column in characters, or 0 when the error concerns the whole file.
    pub fn column(&self) -> usize {
        self.0.pos.as_ref().map_or(0, |p| p.column)
    }

    /// The byte span in the source that the error points at, when it has a position.
    pub fn span(&self) -> Option<Range<usize>> {
        self.0.pos.as_ref().map(|p| p.span.clone())
    }

    /// The key path, such as `transport[0].per_message` or `expect.flush.1.result`; empty for
    /// syntax and file errors.
    pub fn key(&self) -> &str {
        &self.0.key
    }

    /// What was expected and what was found, without the position and key.
    pub fn message(&self) -> &str {
        &self.0.message
    }

    /// The error followed by the offending source line and a caret under the column:
    ///
    /// ```text
    /// office.toml:12:15: transport[1].per_message: expected a duration ..., found 42 (an integer)
    ///    |
    /// 12 | per_message = 42
    ///    |               ^^
    /// ```
    ///
    /// `source` should be the text that was parsed; if the line is not in it, only the first
    /// line is returned.
    pub fn render(&self, source: &str) -> String {
        let mut out = self.to_string();
        let Some(pos) = &self.0.pos else {
            return out;
        };
        let Some(text) = source.split('\n').nth(pos.line.saturating_sub(1)) else {
            return out;
        };
        let text = text.trim_end_matches('\r');
        let (shown, caret_at) = window(text, pos.column.saturating_sub(1));
        let width = pos.width.min(shown.len().saturating_sub(caret_at).max(1));
        let number = pos.line.to_string();
        let gutter = " ".repeat(number.len());
        // Keep tabs in the padding so the caret lines up however the terminal expands them.
        let pad: String = shown[..caret_at.min(shown.len())]
            .iter()
            .map(|&c| if c == '\t' { '\t' } else { ' ' })
            .collect();
        let line: String = shown.iter().collect();
        out.push_str(&format!(
            "\n{gutter} |\n{number} | {line}\n{gutter} | {pad}{}",
            "^".repeat(width)
        ));
        out
    }
}

/// At most this many characters of a source line are shown by `render`.
const WINDOW: usize = 120;

/// The characters of `line` to show and the index of `column` among them, cutting very long
/// lines to a window around the column.
fn window(line: &str, column: usize) -> (Vec<char>, usize) {
    let chars: Vec<char> = line.chars().collect();
    if chars.len() <= WINDOW {
        return (chars, column);
    }
    let start = column.saturating_sub(WINDOW / 2).min(chars.len());
    let end = (start + WINDOW).min(chars.len());
    let mut shown = Vec::with_capacity(end - start + 2);
    let mut caret = column - start;
    if start > 0 {
        shown.push('…');
        caret += 1;
    }
    shown.extend_from_slice(&chars[start..end]);
    if end < chars.len() {
        shown.push('…');
    }
    (shown, caret)
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let e = &self.0;
        write!(f, "{}", e.file)?;
        if let Some(p) = &e.pos {
            write!(f, ":{}:{}", p.line, p.column)?;
        }
        if !e.key.is_empty() {
            write!(f, ": {}", e.key)?;
        }
        write!(f, ": {}", e.message)
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
}

/// Something in a valid scenario that is probably not what its author meant.
///
/// Displays as `FILE:LINE:COLUMN: key: message`, like [`ScenarioError`].
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
    /// The key path, such as `mail[2].to`.
    pub key: String,
    /// What is wrong and what will happen.
    pub message: String,
}

impl Warning {
    pub(crate) fn at(
        kind: WarningKind,
        file: &str,
        source: &str,
        span: Range<usize>,
        key: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        let pos = Position::locate(source, span);
        Warning {
            kind,
            file: file.to_string(),
            line: pos.line,
            column: pos.column,
            key: key.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
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
            "f.toml:2:6: bé: nope\n  |\n2 | bé = \"x\"\n  |      ^^^"
        );
    }

    #[test]
    fn out_of_range_spans_do_not_panic() {
        let src = "é";
        let e = ScenarioError::at(ErrorKind::Syntax, "f", src, 1..99, "", "m");
        assert_eq!((e.line(), e.column()), (1, 1));
        assert_eq!(e.to_string(), "f:1:1: m");
        let _ = e.render("");
        let _ = e.render(src);
        let empty = ScenarioError::at(ErrorKind::MissingKey, "f", "", 0..0, "name", "m");
        assert_eq!(empty.render(""), "f:1:1: name: m\n  |\n1 | \n  | ^");
    }

    #[test]
    fn long_lines_are_windowed() {
        let src = format!("a = {}x", "[".repeat(500));
        let e = ScenarioError::at(ErrorKind::Syntax, "f", &src, 504..505, "", "m");
        let r = e.render(&src);
        let last = r.lines().last().unwrap();
        let shown = r.lines().nth(2).unwrap();
        let caret = last.chars().position(|c| c == '^').unwrap();
        assert_eq!(shown.chars().nth(caret), Some('x'));
        assert!(shown.chars().count() < 140);
    }

    #[test]
    fn whole_file_errors_have_no_position() {
        let e = ScenarioError::whole_file(ErrorKind::Io, "gone.toml", "cannot read it");
        assert_eq!(e.to_string(), "gone.toml: cannot read it");
        assert_eq!((e.line(), e.column()), (0, 0));
        assert_eq!(e.render("x"), "gone.toml: cannot read it");
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
        let many: Vec<String> = (0..30).map(|i| format!("t{i}")).collect();
        assert!(list(many.iter().map(|s| s.as_str())).ends_with("… (30 in all)"));
        assert_eq!(clip("a\nb"), "a\\nb");
        assert_eq!(clip(&"é".repeat(100)).chars().count(), 61);
    }
}
