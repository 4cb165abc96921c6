//! Command-line overrides, `--set PATH=VALUE`: one key of a scenario changed before it is
//! checked.
//!
//! An override must go through every check a file gets, so it is applied to the file's text
//! and the result is parsed as any file is. `toml_edit` says where each value is written; only
//! those bytes are replaced (or a `KEY = VALUE` line is added to the table that lacks the key),
//! and a [`SourceMap`] remembers every splice. The parser maps each error and warning back
//! through it: one in text the file holds points at the file's own line and column, one in a
//! spliced value names the `--set` argument instead (see [`super::reader::Ctx`]).
//!
//! What an override may name is checked when it is read ([`Override::new`]): the shape of the
//! path, the key (against the parser's own key lists, with a did-you-mean), and the value
//! (taken as written for a string or duration key unless it is quoted TOML, read as TOML for
//! any other). What depends on the file (a transport's name, an entry's number or name) is
//! checked when it is applied ([`apply`]), so that `check` reports a path a file lacks as an
//! input error of that file.

use std::ops::Range;

use toml_edit::{Document, Item, TableLike};

use super::schema::{value_form, ValueForm};
use super::KEY_TABLES;
use crate::scenario::error::{list, suggest, Diagnostic, ErrorKind, ScenarioError};

/// Keys of the top level an override may set.
const TOP: &[&str] = &["seed", "until", "description"];
/// Lists of entries, addressed as `LIST.N.KEY`.
const LISTS: &[&str] = &[
    "mail",
    "incoming",
    "fault",
    "flush",
    "procedure",
    "validate",
];
/// Lists whose entries may also be addressed by their `name`.
const NAMED: &[&str] = &["flush", "procedure", "validate"];

/// The paths an override may take, for messages.
pub const PATH_SHAPES: &str = "seed, until, description, spooler.KEY, transport.NAME.KEY, \
                               mail.N.KEY, incoming.N.KEY, fault.N.KEY, flush.N.KEY, \
                               procedure.N.KEY or validate.N.KEY (entries numbered from 1; a \
                               flush, procedure or validate call may be named instead)";

/// Which entry of a list.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Which {
    /// By number, from 1.
    Number(usize),
    /// By its `name`.
    Name(String),
}

/// Where a path points.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Scope {
    /// The top level.
    Top,
    /// `[spooler]`.
    Spooler,
    /// The `[[transport]]` with this name.
    Transport(String),
    /// An entry of `[[list]]`.
    Entry { list: &'static str, which: Which },
}

/// One override: a key and its new value, checked as far as it can be without the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Override {
    /// The key's path, as given.
    pub path: String,
    /// The value, as given.
    pub value: String,
    /// How messages name the override: the argument as the user wrote it, e.g.
    /// `--set transport.lan.failure_rate=0.1`.
    pub label: String,
    scope: Scope,
    key: String,
    /// The value as TOML, ready to be written into the file.
    toml: String,
}

impl Override {
    /// Reads `--set PATH=VALUE`; the error says what is wrong with it.
    pub fn parse_set(arg: &str) -> Result<Override, String> {
        let Some((path, value)) = arg.split_once('=') else {
            return Err(format!(
                "expected PATH=VALUE, found `{arg}`; PATH is {PATH_SHAPES}"
            ));
        };
        Override::new(path, value, &format!("--set {arg}"))
    }

    /// An override of `path` with `value`, named `label` in messages.
    pub fn new(path: &str, value: &str, label: &str) -> Result<Override, String> {
        let (scope, key) = target(path.trim())?;
        let table = table_label(&scope, &key);
        check_key(&scope, &key, table)?;
        let form = table.and_then(|t| value_form(t, &key));
        let toml = toml_text(form, value)?;
        Ok(Override {
            path: path.trim().to_string(),
            value: value.to_string(),
            label: label.to_string(),
            scope,
            key,
            toml,
        })
    }

    /// `PATH=VALUE`, as outputs record the override.
    pub fn arg(&self) -> String {
        format!("{}={}", self.path, self.value)
    }

    /// Whether the path is `seed`.
    pub fn is_seed(&self) -> bool {
        self.scope == Scope::Top && self.key == "seed"
    }

    /// The value as JSON: a string for a string or duration key given as written, otherwise
    /// the TOML value (a number, a boolean, a list, a table) in JSON form.
    pub fn json_value(&self) -> serde_json::Value {
        let doc = format!("v = {}", self.toml);
        toml::from_str::<toml::Table>(&doc)
            .ok()
            .and_then(|mut t| t.remove("v"))
            .and_then(|v| serde_json::to_value(v).ok())
            .unwrap_or_else(|| self.value.clone().into())
    }
}

/// The scope and key of `path`.
fn target(path: &str) -> Result<(Scope, String), String> {
    let parts: Vec<&str> = path.split('.').collect();
    let shape = |expected: &str| {
        format!("`{path}` is not a path: expected {expected}; PATH is {PATH_SHAPES}")
    };
    let head = parts[0];
    match head {
        _ if TOP.contains(&head) => match parts.len() {
            1 => Ok((Scope::Top, head.to_string())),
            _ => Err(shape(&format!("`{head}` alone"))),
        },
        "spooler" => match parts[..] {
            [_, key] if !key.is_empty() => Ok((Scope::Spooler, key.to_string())),
            _ => Err(shape("spooler.KEY")),
        },
        "transport" => match parts[..] {
            [_, name, key] if !name.is_empty() && !key.is_empty() => {
                Ok((Scope::Transport(name.to_string()), key.to_string()))
            }
            _ => Err(shape("transport.NAME.KEY, with the transport's name")),
        },
        _ => match LISTS.iter().find(|&&l| l == head) {
            Some(&list) => entry_target(list, &parts, &shape),
            None => Err(unknown_head(path, head)),
        },
    }
}

/// `LIST.N.KEY` or `LIST.NAME.KEY`.
fn entry_target(
    list: &'static str,
    parts: &[&str],
    shape: &dyn Fn(&str) -> String,
) -> Result<(Scope, String), String> {
    let named = NAMED.contains(&list);
    let expected = if named {
        format!("{list}.N.KEY or {list}.NAME.KEY")
    } else {
        format!("{list}.N.KEY, with N from 1")
    };
    let [_, which, key] = parts[..] else {
        return Err(shape(&expected));
    };
    if which.is_empty() || key.is_empty() {
        return Err(shape(&expected));
    }
    let which = if which.bytes().all(|b| b.is_ascii_digit()) {
        match which.parse::<usize>() {
            Ok(0) => return Err(format!("`{list}.0`: entries are numbered from 1")),
            Ok(n) => Which::Number(n),
            Err(_) => return Err(format!("`{list}.{which}`: no file has that many entries")),
        }
    } else if named {
        Which::Name(which.to_string())
    } else {
        return Err(format!(
            "`{list}.{which}`: [[{list}]] entries have no names; write {list}.N.KEY with N \
             from 1"
        ));
    };
    Ok((Scope::Entry { list, which }, key.to_string()))
}

/// The error for a path that starts with nothing an override may set.
fn unknown_head(path: &str, head: &str) -> String {
    let heads: Vec<&str> = TOP
        .iter()
        .chain(&["spooler", "transport"])
        .chain(LISTS)
        .copied()
        .collect();
    let hint = match suggest(head, heads.iter().copied()) {
        Some(h) => format!("did you mean `{h}`? "),
        None => String::new(),
    };
    format!("`{path}` is not a path: {hint}PATH is {PATH_SHAPES}")
}

/// The label of the key table that holds `key` in `scope` (as in [`KEY_TABLES`]), if there
/// is one.
fn table_label(scope: &Scope, key: &str) -> Option<&'static str> {
    let label = match scope {
        Scope::Top => "top level",
        Scope::Spooler => "[spooler]",
        Scope::Transport(_) => {
            let ras = KEY_TABLES.iter().find(|t| t.table == "[[transport]] ras");
            if ras.is_some_and(|t| t.keys.contains(&key)) {
                "[[transport]] ras"
            } else {
                "[[transport]]"
            }
        }
        Scope::Entry { list, .. } => {
            return KEY_TABLES
                .iter()
                .find(|t| t.table.trim_matches(['[', ']']) == *list)
                .map(|t| t.table)
        }
    };
    Some(label)
}

/// The keys an override may set in `scope`, if known.
fn settable_keys(scope: &Scope, table: Option<&str>) -> Option<Vec<&'static str>> {
    let keys_of = |label: &str| {
        KEY_TABLES
            .iter()
            .find(|t| t.table == label)
            .map_or(&[][..], |t| t.keys)
    };
    match scope {
        Scope::Top => Some(TOP.to_vec()),
        Scope::Transport(_) => Some(
            keys_of("[[transport]]")
                .iter()
                .chain(keys_of("[[transport]] ras"))
                .copied()
                .collect(),
        ),
        _ => table.map(|t| keys_of(t).to_vec()),
    }
}

/// Refuses a key the scope does not have, and a transport's `name`.
fn check_key(scope: &Scope, key: &str, table: Option<&str>) -> Result<(), String> {
    if matches!(scope, Scope::Transport(_)) && key == "name" {
        return Err(
            "a transport's `name` cannot be set: flushes, faults, mail routing and metrics \
             refer to transports by name"
                .into(),
        );
    }
    let Some(keys) = settable_keys(scope, table) else {
        // A list the parser does not read yet: the file cannot have entries to set.
        return Ok(());
    };
    if keys.contains(&key) {
        return Ok(());
    }
    let what = match scope {
        Scope::Top => "the top level".to_string(),
        Scope::Spooler => "[spooler]".to_string(),
        Scope::Transport(_) => "[[transport]]".to_string(),
        Scope::Entry { list, .. } => format!("[[{list}]]"),
    };
    let hint = match suggest(key, keys.iter().copied()) {
        Some(k) => format!("did you mean `{k}`?"),
        None => format!("the keys are {}", list(keys.iter().copied())),
    };
    Err(format!("{what} has no key `{key}`; {hint}"))
}

/// `VALUE` as TOML text for a key of `form`.
fn toml_text(form: Option<ValueForm>, value: &str) -> Result<String, String> {
    let t = value.trim();
    let looks_toml = t.starts_with(['"', '\'', '{', '[']);
    match form {
        Some(ValueForm::Text) if !looks_toml => Ok(toml_edit::Value::from(value).to_string()),
        Some(ValueForm::Text) => toml_value(t).map_err(|e| {
            format!(
                "`{t}` starts like TOML but is not a TOML value ({e}); give the text without \
                 quotes to take it as written"
            )
        }),
        Some(ValueForm::Toml(what)) => toml_value(t).map_err(|_| {
            let hint = if t.chars().next().is_some_and(char::is_alphabetic) && t != "true" {
                "; TOML writes words in quotes"
            } else {
                ""
            };
            format!("expected {what} (read as TOML), found `{t}`{hint}")
        }),
        None => Ok(toml_value(t).unwrap_or_else(|_| toml_edit::Value::from(value).to_string())),
    }
}

/// `text` read as one TOML value, written back without surrounding blanks or comments.
fn toml_value(text: &str) -> Result<String, String> {
    let mut v: toml_edit::Value = text
        .parse()
        .map_err(|e: toml_edit::TomlError| e.message().trim().replace('\n', "; "))?;
    v.decor_mut().clear();
    Ok(v.to_string())
}

/// One splice of the file's text: `orig` (a range of the file) became `new` (a range of the
/// edited text), by override `who`.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Splice {
    orig: Range<usize>,
    new: Range<usize>,
    who: usize,
}

/// Where a byte of the edited text came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Place {
    /// The file, at this offset.
    File(usize),
    /// Override `who`, spliced in at this offset of the file.
    Set { who: usize, at: usize },
}

/// Every splice made to a file's text, to map places in the edited text back to the file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct SourceMap {
    splices: Vec<Splice>,
    labels: Vec<String>,
}

impl SourceMap {
    /// Where byte `offset` of the edited text came from.
    pub(crate) fn place(&self, offset: usize) -> Place {
        let mut shift: isize = 0;
        for s in &self.splices {
            if offset < s.new.start {
                break;
            }
            if offset < s.new.end {
                return Place::Set {
                    who: s.who,
                    at: s.orig.start,
                };
            }
            shift += s.new.len() as isize - s.orig.len() as isize;
        }
        Place::File((offset as isize - shift).max(0) as usize)
    }

    /// How messages name override `who`.
    pub(crate) fn label(&self, who: usize) -> &str {
        &self.labels[who]
    }
}

/// A file's text with overrides applied, and where each part came from.
#[derive(Debug, Clone)]
pub(crate) struct Edited {
    /// The edited text.
    pub(crate) text: String,
    /// How it maps back to the file.
    pub(crate) map: SourceMap,
}

/// One change to make: replace `at` (a range of the file) with `text`.
#[derive(Debug)]
struct Edit {
    at: Range<usize>,
    text: String,
    who: usize,
}

/// A table of the file that an override writes into, and how the file writes it.
struct Host<'d> {
    table: &'d dyn TableLike,
    form: Form,
    /// Tells tables apart, to catch one key set twice.
    id: usize,
}

/// How a table is written, which decides where a new key goes.
enum Form {
    /// `[table]`, `[[table]]` or the top level: a new line after its last key, or where its
    /// body starts (`body`: the end of its header, when it has one, else the start of the
    /// file).
    Lines { body: usize, header: bool },
    /// `{ ... }`: a new key before the closing brace.
    Inline(Range<usize>),
    /// Written with dotted keys elsewhere: a key can be changed, not added.
    Dotted,
    /// `[spooler]` absent: a new table at the end of the file.
    Absent,
}

/// `text` with `overrides` applied. `file` names it in messages. Every override that cannot be
/// applied is an error naming its argument.
pub(crate) fn apply(
    text: &str,
    file: &str,
    overrides: &[Override],
) -> Result<Edited, ScenarioError> {
    let doc = Document::parse(text).map_err(|e| {
        ScenarioError::whole_file(
            ErrorKind::Syntax,
            file,
            format!("invalid TOML: {}", e.message().trim().replace('\n', "; ")),
        )
    })?;
    let mut edits: Vec<Edit> = Vec::new();
    let mut errors: Vec<Diagnostic> = Vec::new();
    let mut seen: Vec<(usize, &str, usize)> = Vec::new();
    let mut spooler_added = false;
    for (who, o) in overrides.iter().enumerate() {
        let fail =
            |kind, message: String| Diagnostic::in_override(kind, file, &o.label, "", message);
        let host = match host(&doc, text, &o.scope) {
            Ok(h) => h,
            Err(m) => {
                errors.push(fail(ErrorKind::UnknownName, m));
                continue;
            }
        };
        if let Some(&(_, _, other)) = seen.iter().find(|s| s.0 == host.id && s.1 == o.key) {
            errors.push(fail(
                ErrorKind::Duplicate,
                format!(
                    "`{}` is also set by {}; set each key once",
                    o.path, overrides[other].label
                ),
            ));
            continue;
        }
        seen.push((host.id, &o.key, who));
        match edit(&host, text, o, &mut spooler_added) {
            Ok(mut e) => {
                e.who = who;
                edits.push(e);
            }
            Err(m) => errors.push(fail(ErrorKind::Conflict, m)),
        }
    }
    if !errors.is_empty() {
        return Err(ScenarioError::collect(errors, 0));
    }
    let labels = overrides.iter().map(|o| o.label.clone()).collect();
    Ok(splice(text, edits, labels))
}

/// Makes the edits, in file order (edits at one place in the order given).
fn splice(text: &str, mut edits: Vec<Edit>, labels: Vec<String>) -> Edited {
    edits.sort_by_key(|e| (e.at.start, e.who));
    let mut out = String::with_capacity(text.len() + 64 * edits.len());
    let mut splices = Vec::with_capacity(edits.len());
    let mut at = 0;
    for e in edits {
        out.push_str(&text[at..e.at.start]);
        let start = out.len();
        out.push_str(&e.text);
        splices.push(Splice {
            orig: e.at.clone(),
            new: start..out.len(),
            who: e.who,
        });
        at = e.at.end;
    }
    out.push_str(&text[at..]);
    Edited {
        text: out,
        map: SourceMap { splices, labels },
    }
}

/// The table `scope` names in `doc`, or why there is none.
fn host<'d>(doc: &'d Document<&str>, text: &str, scope: &Scope) -> Result<Host<'d>, String> {
    let root = doc.as_table();
    match scope {
        Scope::Top => {
            let body = if text.starts_with('\u{feff}') { 3 } else { 0 };
            Ok(Host {
                table: root,
                form: Form::Lines {
                    body,
                    header: false,
                },
                id: usize::MAX,
            })
        }
        Scope::Spooler => match root.get("spooler") {
            None => Ok(Host {
                table: root,
                form: Form::Absent,
                id: usize::MAX - 1,
            }),
            Some(item) => {
                host_of(item).ok_or_else(|| "the file's `spooler` is not a table".to_string())
            }
        },
        Scope::Transport(name) => {
            let all = entries(root.get("transport"));
            let names: Vec<&str> = all.iter().filter_map(|h| entry_name(h.table)).collect();
            all.into_iter()
                .find(|h| entry_name(h.table) == Some(name.as_str()))
                .ok_or_else(|| {
                    let hint = match suggest(name, names.iter().copied()) {
                        Some(n) => format!("did you mean `{n}`? "),
                        None => String::new(),
                    };
                    format!(
                        "no transport is named `{name}`; {hint}the transports are {}",
                        list(names.iter().copied())
                    )
                })
        }
        Scope::Entry { list, which } => entry(root, list, which),
    }
}

/// Entry `which` of `[[list]]`, or why there is none.
fn entry<'d>(root: &'d toml_edit::Table, list: &str, which: &Which) -> Result<Host<'d>, String> {
    let all = entries(root.get(list));
    match which {
        Which::Number(n) => {
            let count = all.len();
            all.into_iter().nth(n - 1).ok_or_else(|| match count {
                0 => format!("the file has no [[{list}]] entries"),
                1 => format!("the file has 1 [[{list}]] entry, {list}.1"),
                _ => format!("the file has {count} [[{list}]] entries, {list}.1 to {list}.{count}"),
            })
        }
        Which::Name(name) => {
            let names: Vec<&str> = all.iter().filter_map(|h| entry_name(h.table)).collect();
            if let Some(h) = all
                .into_iter()
                .find(|h| entry_name(h.table) == Some(name.as_str()))
            {
                return Ok(h);
            }
            // A name given to a call of the other list.
            for other in NAMED.iter().filter(|&&l| l != list) {
                if entries(root.get(other))
                    .iter()
                    .any(|h| entry_name(h.table) == Some(name.as_str()))
                {
                    return Err(format!(
                        "`{name}` names a [[{other}]], not a [[{list}]]: write {other}.{name}.KEY"
                    ));
                }
            }
            let hint = match suggest(name, names.iter().copied()) {
                Some(n) => format!("did you mean `{n}`? "),
                None => String::new(),
            };
            Err(format!(
                "no [[{list}]] is named `{name}`; {hint}the named ones are {}",
                list_names(&names)
            ))
        }
    }
}

fn list_names(names: &[&str]) -> String {
    list(names.iter().copied())
}

/// The `name` of an entry, when it has a string one.
fn entry_name(t: &dyn TableLike) -> Option<&str> {
    t.get("name")?.as_str()
}

/// The entries of an array of tables (or an array of inline tables).
fn entries(item: Option<&Item>) -> Vec<Host<'_>> {
    match item {
        Some(Item::ArrayOfTables(a)) => a
            .iter()
            .filter_map(|t| {
                let body = t.span()?.end;
                Some(Host {
                    table: t,
                    form: Form::Lines { body, header: true },
                    id: t.span()?.start,
                })
            })
            .collect(),
        Some(Item::Value(toml_edit::Value::Array(a))) => a
            .iter()
            .filter_map(|v| {
                let t = v.as_inline_table()?;
                let span = t.span()?;
                Some(Host {
                    table: t,
                    id: span.start,
                    form: Form::Inline(span),
                })
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// A table item as a host.
fn host_of(item: &Item) -> Option<Host<'_>> {
    match item {
        Item::Table(t) if t.is_dotted() || t.span().is_none() => Some(Host {
            table: t,
            form: Form::Dotted,
            id: usize::MAX - 2,
        }),
        Item::Table(t) => {
            let span = t.span()?;
            Some(Host {
                table: t,
                form: Form::Lines {
                    body: span.end,
                    header: true,
                },
                id: span.start,
            })
        }
        Item::Value(toml_edit::Value::InlineTable(t)) => {
            let span = t.span()?;
            Some(Host {
                table: t,
                id: span.start,
                form: Form::Inline(span),
            })
        }
        _ => None,
    }
}

/// The edit that sets `o` in `host`.
fn edit(
    host: &Host<'_>,
    text: &str,
    o: &Override,
    spooler_added: &mut bool,
) -> Result<Edit, String> {
    let new = |at: Range<usize>, text: String| Edit { at, text, who: 0 };
    if !matches!(host.form, Form::Absent) {
        if let Some(item) = host.table.get(&o.key) {
            let span = item.as_value().and_then(|v| v.span()).ok_or_else(|| {
                format!(
                    "the file writes `{}` as a table; --set replaces only a value written as \
                     `{} = ...`",
                    o.key, o.key
                )
            })?;
            return Ok(new(span, o.toml.clone()));
        }
    }
    let line = format!("{} = {}\n", o.key, o.toml);
    match &host.form {
        Form::Lines { body, header } => {
            let at = after_last_value(host.table, text, *body, *header);
            let lead = if at == text.len() && !text.ends_with('\n') {
                "\n"
            } else {
                ""
            };
            Ok(new(at..at, format!("{lead}{line}")))
        }
        Form::Inline(span) => {
            let inner = &text[span.clone()];
            let close = span.start + inner.rfind('}').unwrap_or(inner.len());
            let empty = text[span.start + 1..close].trim().is_empty();
            let sep = if empty { " " } else { ", " };
            Ok(new(close..close, format!("{sep}{} = {} ", o.key, o.toml)))
        }
        Form::Dotted => Err(format!(
            "the file writes this table with dotted keys; --set can change a key it has, not \
             add one there: add `{}` to the file",
            o.key
        )),
        Form::Absent => {
            let lead = if text.ends_with('\n') || text.is_empty() {
                ""
            } else {
                "\n"
            };
            let header = if *spooler_added { "" } else { "[spooler]\n" };
            *spooler_added = true;
            Ok(new(text.len()..text.len(), format!("{lead}{header}{line}")))
        }
    }
}

/// Where a new line goes in a table written as lines: after the line of its last key-value
/// (values of dotted keys included); when it has none, after its header line, or at `body`
/// for the top level.
fn after_last_value(table: &dyn TableLike, text: &str, body: usize, header: bool) -> usize {
    fn last_end(table: &dyn TableLike) -> Option<usize> {
        table
            .iter()
            .filter_map(|(_, item)| match item {
                Item::Value(v) => v.span().map(|s| s.end),
                Item::Table(t) if t.is_dotted() => last_end(t),
                _ => None,
            })
            .max()
    }
    let next_line = |from: usize| text[from..].find('\n').map_or(text.len(), |k| from + k + 1);
    match last_end(table) {
        Some(end) => next_line(end.max(body)),
        None if header => next_line(body),
        None => body,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(arg: &str) -> Override {
        Override::parse_set(arg).unwrap_or_else(|e| panic!("{arg}: {e}"))
    }

    fn edited(text: &str, args: &[&str]) -> String {
        let os: Vec<Override> = args.iter().map(|a| set(a)).collect();
        apply(text, "f.toml", &os)
            .unwrap_or_else(|e| panic!("{e}"))
            .text
    }

    #[test]
    fn values_are_read_as_their_key_asks() {
        assert_eq!(set("transport.dialup.connect=30s").toml, "\"30s\"");
        assert_eq!(set("until=1h 30m").toml, "\"1h 30m\"");
        assert_eq!(set("spooler.flush_order=parallel").toml, "\"parallel\"");
        assert_eq!(set("description=\"quoted\"").toml, "\"quoted\"");
        assert_eq!(
            set("transport.lan.per_message={exp=\"20ms\"}").toml,
            "{exp=\"20ms\"}"
        );
        assert_eq!(set("transport.lan.failure_rate=0.1").toml, "0.1");
        assert_eq!(set("seed=42").toml, "42");
        assert_eq!(
            set("flush.1.flags=[\"FLUSH_UPLOAD\"]").toml,
            "[\"FLUSH_UPLOAD\"]"
        );
        assert_eq!(set("validate.2.at=3h").toml, "\"3h\"");
        let e = Override::parse_set("flush.1.flags=FLUSH_UPLOAD").unwrap_err();
        assert!(e.contains("read as TOML") && e.contains("quotes"), "{e}");
        let e = Override::parse_set("transport.lan.failure_rate=lots").unwrap_err();
        assert!(e.contains("a number from 0.0 to 1.0"), "{e}");
    }

    #[test]
    fn values_become_json() {
        assert_eq!(set("transport.lan.failure_rate=0.05").json_value(), 0.05);
        assert_eq!(set("transport.dialup.connect=15s").json_value(), "15s");
        assert_eq!(set("spooler.honors_no_ui=false").json_value(), false);
        assert_eq!(
            set("transport.lan.per_message={exp=\"2s\"}").json_value(),
            serde_json::json!({"exp": "2s"})
        );
    }

    #[test]
    fn bad_paths_say_what_a_path_is() {
        let err = |arg: &str| Override::parse_set(arg).unwrap_err();
        assert!(err("seed").contains("PATH=VALUE"));
        assert!(err("transprot.lan.connect=1s").contains("did you mean `transport`?"));
        assert!(err("transport.lan=1s").contains("transport.NAME.KEY"));
        assert!(err("transport.lan.per_mesage=1s").contains("did you mean `per_message`?"));
        assert!(err("transport.lan.name=wan").contains("cannot be set"));
        assert!(err("mail.0.count=1").contains("numbered from 1"));
        assert!(err("mail.first.count=1").contains("have no names"));
        assert!(err("name=x").contains("not a path"));
        assert!(err("seed.x=1").contains("`seed` alone"));
        assert!(err("spooler.flush_ordr=parallel").contains("did you mean `flush_order`?"));
        assert!(Override::parse_set("flush.upload.at=1h").is_ok());
        assert!(Override::parse_set("validate.hang-up.via=lan").is_ok());
    }

    const FILE: &str = "name = \"t\" # the name\n\n[[transport]]\nname = \"lan\"\nkind = \
                        \"lan\"\naddress_types = [\"SMTP\"]\n\n[[flush]]\nname = \"up\"\nat = \
                        \"1m\"\nvia = \"spooler\"\nflags = [\"FLUSH_UPLOAD\"]\n";

    #[test]
    fn values_are_replaced_in_place_and_missing_keys_added_to_their_table() {
        let out = edited(
            FILE,
            &["flush.up.at=2m", "transport.lan.failure_rate=0.5", "seed=3"],
        );
        assert_eq!(
            out,
            "name = \"t\" # the name\nseed = 3\n\n[[transport]]\nname = \"lan\"\nkind = \
             \"lan\"\naddress_types = [\"SMTP\"]\nfailure_rate = 0.5\n\n[[flush]]\nname = \
             \"up\"\nat = \"2m\"\nvia = \"spooler\"\nflags = [\"FLUSH_UPLOAD\"]\n"
        );
        let out = edited(
            FILE,
            &["spooler.flush_order=parallel", "spooler.honors_no_ui=false"],
        );
        assert!(out.ends_with(
            "flags = [\"FLUSH_UPLOAD\"]\n[spooler]\nflush_order = \"parallel\"\nhonors_no_ui = \
             false\n"
        ));
        let inline = "name = \"t\"\ntransport = [{ name = \"lan\", kind = \"lan\" }]\n";
        assert_eq!(
            edited(inline, &["transport.lan.retry=1m"]),
            "name = \"t\"\ntransport = [{ name = \"lan\", kind = \"lan\" , retry = \"1m\" }]\n"
        );
    }

    #[test]
    fn paths_the_file_lacks_are_errors_naming_the_argument() {
        let err = |args: &[&str]| {
            let os: Vec<Override> = args.iter().map(|a| set(a)).collect();
            apply(FILE, "f.toml", &os).unwrap_err().to_string()
        };
        let e = err(&["transport.lna.retry=1m"]);
        assert!(
            e.starts_with("f.toml: --set transport.lna.retry=1m: no transport"),
            "{e}"
        );
        assert!(e.contains("did you mean `lan`?"), "{e}");
        assert!(err(&["mail.1.count=3"]).contains("no [[mail]] entries"));
        assert!(err(&["flush.2.at=1m"]).contains("1 [[flush]] entry, flush.1"));
        assert!(err(&["flush.uq.at=1m"]).contains("did you mean `up`?"));
        assert!(err(&["procedure.up.at=1m"]).contains("names a [[flush]]"));
        let e = err(&["flush.1.at=1m", "flush.up.at=2m"]);
        assert!(e.contains("also set by --set flush.1.at=1m"), "{e}");
    }

    #[test]
    fn the_map_tells_file_text_from_spliced_text() {
        let os = vec![set("seed=3"), set("flush.1.at=2m")];
        let e = apply(FILE, "f.toml", &os).unwrap();
        let in_file = |needle: &str| e.text.find(needle).unwrap();
        // `[[transport]]` moved down by the inserted line; it maps back to its own place.
        assert_eq!(
            e.map.place(in_file("[[transport]]")),
            Place::File(FILE.find("[[transport]]").unwrap())
        );
        assert!(matches!(
            e.map.place(in_file("seed")),
            Place::Set { who: 0, .. }
        ));
        let at = in_file("\"2m\"");
        assert!(matches!(e.map.place(at), Place::Set { who: 1, .. }));
        assert_eq!(
            e.map.place(at + 4),
            Place::File(FILE.find("\"1m\"").unwrap() + 4)
        );
        assert_eq!(e.map.label(1), "--set flush.1.at=2m");
    }
}
