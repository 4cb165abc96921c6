//! The user's reference in `docs/` against the code it describes.
//!
//! A reference that drifts from the program is worse than none, so every table that lists
//! something the code also lists is checked both ways: the keys of each scenario table against
//! the parser's own lists (`KEY_TABLES`, the lists its unknown-key check uses), each documented
//! default by writing it into a scenario and comparing with leaving it out, the flags against
//! `FlushFlags`, the metric names and types against `metric_names`, every option in
//! `docs/cli.md` against the binary's `--help`, and the constants, status rows and columns of
//! `docs/mapi.md` against the code's own lists and a status table a program reads. Complete scenarios shown in the docs must run and
//! pass, links between pages must resolve, and nothing may cite documents outside the repository.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use spoolsim::mapi::{FlushFlags, ValidateFlags};
use spoolsim::report::Outcome;
use spoolsim::scenario::error::ErrorKind;
use spoolsim::scenario::metric_names::{all_metric_names, metric_kind, MetricKind};
use spoolsim::scenario::parse::{parse_scenario, KEY_TABLES};
use spoolsim::scenario::{run, RunOptions, Scenario};

const FORMAT: &str = "docs/scenario-format.md";
const METRICS: &str = "docs/metrics.md";
const CLI: &str = "docs/cli.md";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn read(rel: &str) -> String {
    std::fs::read_to_string(root().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// Fails with every problem found, one per line.
fn report(problems: Vec<String>) {
    assert!(
        problems.is_empty(),
        "the reference and the code disagree:\n  {}",
        problems.join("\n  ")
    );
}

/// Just enough Markdown: headings, pipe tables and fenced code, outside code fences.
mod md {
    /// A pipe table with the heading it stands under.
    #[derive(Debug)]
    pub struct Table {
        pub heading: String,
        pub line: usize,
        pub header: Vec<String>,
        pub rows: Vec<Vec<String>>,
    }

    /// A fenced code block.
    #[derive(Debug)]
    pub struct Code {
        pub lang: String,
        pub line: usize,
        pub text: String,
    }

    /// The cells of a table row; `\|` is a pipe inside a cell.
    pub fn cells(line: &str) -> Vec<String> {
        let inner = line.trim().trim_start_matches('|');
        let inner = inner.strip_suffix('|').unwrap_or(inner);
        let mut out = vec![String::new()];
        let mut chars = inner.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '\\' if chars.peek() == Some(&'|') => {
                    out.last_mut().unwrap().push('|');
                    chars.next();
                }
                '|' => out.push(String::new()),
                c => out.last_mut().unwrap().push(c),
            }
        }
        out.iter().map(|c| c.trim().to_string()).collect()
    }

    /// Headings (level, text, line) outside code fences.
    pub fn headings(text: &str) -> Vec<(usize, String, usize)> {
        let mut out = Vec::new();
        let mut fenced = false;
        for (i, line) in text.lines().enumerate() {
            if line.starts_with("```") {
                fenced = !fenced;
            } else if !fenced && line.starts_with('#') {
                let level = line.chars().take_while(|&c| c == '#').count();
                out.push((level, line[level..].trim().to_string(), i + 1));
            }
        }
        out
    }

    /// Every pipe table, with the nearest heading above it.
    pub fn tables(text: &str) -> Vec<Table> {
        let mut out: Vec<Table> = Vec::new();
        let mut fenced = false;
        let mut heading = String::new();
        let mut current: Option<Table> = None;
        for (i, line) in text.lines().enumerate() {
            if line.starts_with("```") {
                fenced = !fenced;
            }
            let row = !fenced && line.trim_start().starts_with('|');
            if !row {
                out.extend(current.take());
                if !fenced && line.starts_with('#') {
                    heading = line.trim_start_matches('#').trim().to_string();
                }
                continue;
            }
            let row = cells(line);
            let separator = row.iter().all(|c| c.chars().all(|c| "-: ".contains(c)));
            match current.as_mut() {
                None => {
                    current = Some(Table {
                        heading: heading.clone(),
                        line: i + 1,
                        header: row,
                        rows: Vec::new(),
                    })
                }
                Some(_) if separator => {}
                Some(t) => t.rows.push(row),
            }
        }
        out.extend(current);
        out
    }

    /// Every fenced code block.
    pub fn code_blocks(text: &str) -> Vec<Code> {
        let mut out = Vec::new();
        let mut open: Option<Code> = None;
        for (i, line) in text.lines().enumerate() {
            match (&mut open, line.strip_prefix("```")) {
                (None, Some(lang)) => {
                    open = Some(Code {
                        lang: lang.trim().to_string(),
                        line: i + 1,
                        text: String::new(),
                    })
                }
                (Some(_), Some(_)) => out.extend(open.take()),
                (Some(c), None) => {
                    c.text.push_str(line);
                    c.text.push('\n');
                }
                (None, None) => {}
            }
        }
        out
    }

    /// The contents of the backtick spans of a cell, in order.
    pub fn code_spans(cell: &str) -> Vec<String> {
        cell.split('`')
            .enumerate()
            .filter(|(i, _)| i % 2 == 1)
            .map(|(_, s)| s.to_string())
            .collect()
    }

    /// A cell's text without backticks.
    pub fn plain(cell: &str) -> String {
        cell.replace('`', "")
    }

    /// GitHub's anchor for a heading.
    pub fn slug(heading: &str) -> String {
        heading
            .to_lowercase()
            .chars()
            .filter(|c| c.is_alphanumeric() || *c == ' ' || *c == '-' || *c == '_')
            .map(|c| if c == ' ' { '-' } else { c })
            .collect()
    }
}

// ----- scenario keys ---------------------------------------------------------------------------

/// The heading of each key table in `docs/scenario-format.md`, by the parser's table label.
const KEY_HEADINGS: &[(&str, &str)] = &[
    ("Top level", "top level"),
    ("`[spooler]`", "[spooler]"),
    ("`[[transport]]`", "[[transport]]"),
    ("`[[transport]]`, ras only", "[[transport]] ras"),
    ("`[[mail]]`", "[[mail]]"),
    ("`[[incoming]]`", "[[incoming]]"),
    ("`[[flush]]`", "[[flush]]"),
    ("`[[procedure]]`", "[[procedure]]"),
    ("`[[validate]]`", "[[validate]]"),
    ("`[[fault]]`", "[[fault]]"),
    ("Distributions", "distribution"),
];

/// One documented key: its table (the parser's label), name, type and default cell.
#[derive(Debug, Clone)]
struct DocKey {
    table: &'static str,
    key: String,
    default: String,
    line: usize,
}

/// The key tables of the format page, checked for shape; problems go to `problems`.
fn doc_keys(problems: &mut Vec<String>) -> Vec<DocKey> {
    let text = read(FORMAT);
    let mut out = Vec::new();
    for t in md::tables(&text) {
        if t.header != ["key", "type", "default", "meaning"] {
            continue;
        }
        let Some(&(_, table)) = KEY_HEADINGS.iter().find(|(h, _)| *h == t.heading) else {
            problems.push(format!(
                "{FORMAT}:{}: a key table under the heading \"{}\", which names no table of \
                 the parser (known headings: {:?})",
                t.line,
                t.heading,
                KEY_HEADINGS.iter().map(|h| h.0).collect::<Vec<_>>()
            ));
            continue;
        };
        for (i, row) in t.rows.iter().enumerate() {
            let line = t.line + 2 + i;
            let spans = md::code_spans(&row[0]);
            if row.len() != 4 || spans.len() != 1 || row[1].is_empty() || row[2].is_empty() {
                problems.push(format!(
                    "{FORMAT}:{line}: expected `key` | type | default | meaning, found {row:?}"
                ));
                continue;
            }
            out.push(DocKey {
                table,
                key: spans[0].clone(),
                default: row[2].clone(),
                line,
            });
        }
    }
    out
}

#[test]
fn every_key_the_parser_accepts_is_documented_and_nothing_else() {
    let mut problems = Vec::new();
    let keys = doc_keys(&mut problems);
    for kt in KEY_TABLES {
        let documented: BTreeSet<&str> = keys
            .iter()
            .filter(|k| k.table == kt.table)
            .map(|k| k.key.as_str())
            .collect();
        let accepted: BTreeSet<&str> = kt.keys.iter().copied().collect();
        if !KEY_HEADINGS.iter().any(|(_, t)| *t == kt.table) {
            problems.push(format!(
                "{FORMAT}: the parser has a table {} with keys {:?} that the reference has no \
                 section for (add a heading and a key table, and list it in KEY_HEADINGS)",
                kt.table, kt.keys
            ));
        }
        for k in accepted.difference(&documented) {
            problems.push(format!(
                "{FORMAT}: `{k}` of {} is accepted by the parser but missing from its table",
                kt.table
            ));
        }
        for k in documented.difference(&accepted) {
            problems.push(format!(
                "{FORMAT}: `{k}` is documented in {} but the parser does not accept it there",
                kt.table
            ));
        }
    }
    let mut seen = BTreeMap::new();
    for k in &keys {
        if let Some(first) = seen.insert((k.table, k.key.clone()), k.line) {
            problems.push(format!(
                "{FORMAT}:{}: `{}` of {} is documented twice (first on line {first})",
                k.line, k.key, k.table
            ));
        }
    }
    report(problems);
}

/// A section of the scenario the defaults are tried on.
#[derive(Debug, Clone)]
struct Section {
    /// `None` for the top level.
    header: Option<&'static str>,
    /// The parser's label of its table.
    table: &'static str,
    /// `lan` or `ras` for transports.
    kind: Option<&'static str>,
    lines: Vec<(String, String)>,
}

fn section(
    header: Option<&'static str>,
    table: &'static str,
    kind: Option<&'static str>,
    lines: &[(&str, &str)],
) -> Section {
    Section {
        header,
        table,
        kind,
        lines: lines
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
    }
}

/// The smallest scenario with one entry of every kind and only required keys.
fn base() -> Vec<Section> {
    let t = Some("[[transport]]");
    vec![
        section(None, "top level", None, &[("name", "\"reference\"")]),
        section(
            t,
            "[[transport]]",
            Some("lan"),
            &[
                ("name", "\"lan\""),
                ("kind", "\"lan\""),
                ("address_types", "[\"SMTP\"]"),
            ],
        ),
        section(
            t,
            "[[transport]]",
            Some("ras"),
            &[
                ("name", "\"dialup\""),
                ("kind", "\"ras\""),
                ("address_types", "[\"X400\"]"),
            ],
        ),
        section(
            Some("[[mail]]"),
            "[[mail]]",
            None,
            &[("at", "\"1s\""), ("to", "\"SMTP:bob@example.com\"")],
        ),
        section(
            Some("[[incoming]]"),
            "[[incoming]]",
            None,
            &[("transport", "\"lan\""), ("at", "\"1s\"")],
        ),
        section(
            Some("[[flush]]"),
            "[[flush]]",
            None,
            &[
                ("at", "\"1s\""),
                ("via", "\"spooler\""),
                ("flags", "[\"FLUSH_UPLOAD\"]"),
            ],
        ),
        section(
            Some("[[procedure]]"),
            "[[procedure]]",
            None,
            &[
                ("at", "\"1s\""),
                ("kind", "\"flush-all\""),
                ("flags", "[\"FLUSH_UPLOAD\"]"),
            ],
        ),
        section(
            Some("[[validate]]"),
            "[[validate]]",
            None,
            &[("at", "\"1s\""), ("via", "\"dialup\"")],
        ),
        section(
            Some("[[fault]]"),
            "[[fault]]",
            None,
            &[
                ("at", "\"1s\""),
                ("transport", "\"lan\""),
                ("kind", "\"crash\""),
                ("down", "\"1m\""),
            ],
        ),
    ]
}

fn render(sections: &[Section]) -> String {
    let mut out = String::new();
    for s in sections {
        if let Some(h) = s.header {
            out.push_str(h);
            out.push('\n');
        }
        for (k, v) in &s.lines {
            out.push_str(&format!("{k} = {v}\n"));
        }
    }
    out
}

/// The scenario of `sections`, with what depends on byte positions cleared.
fn parse(sections: &[Section]) -> Result<Scenario, spoolsim::scenario::ScenarioError> {
    let mut s = parse_scenario(&render(sections), "defaults.toml")?.scenario;
    s.flushes.iter_mut().for_each(|f| f.order = 0);
    s.procedures.iter_mut().for_each(|p| p.order = 0);
    s.validates.iter_mut().for_each(|v| v.order = 0);
    Ok(s)
}

/// Whether section `s` holds the keys of the reference's table `table`.
fn holds(s: &Section, table: &str) -> bool {
    match table {
        "[[transport]] ras" => s.kind == Some("ras"),
        t => s.table == t,
    }
}

/// Whether top-level key `key` names section `s` (`transport` names `[[transport]]`).
fn names_section(s: &Section, key: &str) -> bool {
    s.header.is_some_and(|h| h.trim_matches(['[', ']']) == key)
}

/// The base scenario without key `k` (a top-level key also takes its sections away).
fn without(k: &DocKey) -> Vec<Section> {
    let mut sections = base();
    if k.table == "top level" {
        sections.retain(|s| !names_section(s, &k.key));
    }
    for s in sections.iter_mut() {
        let here = holds(s, k.table);
        s.lines.retain(|(key, _)| !(here && *key == k.key));
    }
    sections
}

/// The base scenario with `key = value` written where the key belongs; `kind` picks the
/// transports of one kind.
fn with(k: &DocKey, value: &str, kind: Option<&str>) -> Vec<Section> {
    let mut sections = base();
    if k.table == "[spooler]" {
        sections.insert(1, section(Some("[spooler]"), "[spooler]", None, &[]));
    }
    for s in sections.iter_mut() {
        if holds(s, k.table) && (kind.is_none() || s.kind == kind) {
            s.lines.push((k.key.clone(), value.to_string()));
        }
    }
    sections
}

/// A default cell's TOML values, each with the transport kind it is for (`(lan)`, `(ras)`).
fn literals(cell: &str) -> Vec<(String, Option<&'static str>)> {
    let parts: Vec<&str> = cell.split('`').collect();
    let mut out = Vec::new();
    for i in (1..parts.len()).step_by(2) {
        let after = parts.get(i + 1).map_or("", |a| a.trim_start());
        let kind = if after.starts_with("(lan)") {
            Some("lan")
        } else if after.starts_with("(ras)") {
            Some("ras")
        } else {
            None
        };
        out.push((parts[i].to_string(), kind));
    }
    out
}

/// Checks one documented default against the parser; returns what is wrong.
fn check_default(k: &DocKey, base_scenario: &Scenario) -> Option<String> {
    let at = format!("{FORMAT}:{}: `{}` of {}", k.line, k.key, k.table);
    let default = k.default.trim();
    if default.starts_with("required") {
        return match parse(&without(k)) {
            Ok(_) => Some(format!(
                "{at}: documented as required, but a file without it is accepted"
            )),
            Err(e) if e.kind() == ErrorKind::MissingKey && e.key().ends_with(k.key.as_str()) => {
                None
            }
            Err(e) => Some(format!(
                "{at}: documented as required; leaving it out gives: {e}"
            )),
        };
    }
    if default == "—" {
        return parse(&without(k)).err().map(|e| {
            format!("{at}: documented as optional, but a file without it is refused: {e}")
        });
    }
    let values = literals(default);
    if values.is_empty() || k.table == "distribution" {
        return Some(format!(
            "{at}: cannot read the default {default:?} (expected `required`, `—`, or TOML values \
             in backticks, each optionally followed by (lan) or (ras))"
        ));
    }
    for (value, kind) in values {
        match parse(&with(k, &value, kind)) {
            Ok(s) if &s == base_scenario => {}
            Ok(_) => {
                return Some(format!(
                    "{at}: writing the documented default `{value}` gives another scenario than \
                     leaving the key out"
                ))
            }
            Err(e) => {
                return Some(format!(
                    "{at}: the documented default `{value}` is refused: {e}"
                ))
            }
        }
    }
    None
}

#[test]
fn every_documented_default_is_the_parsers_default() {
    let mut problems = Vec::new();
    let keys = doc_keys(&mut problems);
    let base_scenario = match parse(&base()) {
        Ok(s) => s,
        Err(e) => panic!("the test's base scenario is invalid: {e}"),
    };
    problems.extend(keys.iter().filter_map(|k| check_default(k, &base_scenario)));
    report(problems);
}

#[test]
fn the_flag_table_lists_every_flag_with_its_value() {
    let text = read(FORMAT);
    let mut problems = Vec::new();
    let mut union = 0u32;
    let tables: Vec<_> = md::tables(&text)
        .into_iter()
        .filter(|t| t.header == ["flag", "value", "meaning"])
        .collect();
    assert_eq!(
        tables.len(),
        1,
        "{FORMAT}: expected one `flag | value | meaning` table"
    );
    for row in &tables[0].rows {
        let name = md::plain(&row[0]);
        let value = md::plain(&row[1]);
        let bits = u32::from_str_radix(value.trim_start_matches("0x"), 16).ok();
        match (FlushFlags::from_name(&name), bits) {
            (Some(f), Some(b)) if f.bits() == b => union |= b,
            (Some(f), _) => problems.push(format!(
                "{FORMAT}: {name} is documented as {value}, but its value is {:#x}",
                f.bits()
            )),
            (None, _) => problems.push(format!("{FORMAT}: {name} is not a flag the parser knows")),
        }
    }
    if union != FlushFlags::all().bits() {
        problems.push(format!(
            "{FORMAT}: the flag table covers bits {union:#x}, the parser knows {:#x}",
            FlushFlags::all().bits()
        ));
    }
    report(problems);
}

#[test]
fn the_validate_flag_table_lists_every_flag_with_its_value() {
    let text = read(FORMAT);
    let mut problems = Vec::new();
    let mut union = 0u32;
    let tables: Vec<_> = md::tables(&text)
        .into_iter()
        .filter(|t| t.header == ["validate flag", "value", "meaning"])
        .collect();
    assert_eq!(
        tables.len(),
        1,
        "{FORMAT}: expected one `validate flag | value | meaning` table"
    );
    for row in &tables[0].rows {
        let name = md::plain(&row[0]);
        let value = md::plain(&row[1]);
        let bits = u32::from_str_radix(value.trim_start_matches("0x"), 16).ok();
        match (ValidateFlags::from_name(&name), bits) {
            (Some(f), Some(b)) if f.bits() == b => union |= b,
            (Some(f), _) => problems.push(format!(
                "{FORMAT}: {name} is documented as {value}, but its value is {:#x}",
                f.bits()
            )),
            (None, _) => problems.push(format!("{FORMAT}: {name} is not a validate flag")),
        }
        // The four header-cache flags are refused, and the table must say so.
        let refused = ValidateFlags::from_name(&name)
            .is_some_and(|f| f.intersects(ValidateFlags::HEADER_CACHE));
        if refused != row[2].contains("MAPI_E_NO_SUPPORT") {
            problems.push(format!(
                "{FORMAT}: {name}: its meaning should say MAPI_E_NO_SUPPORT exactly when it is \
                 a header-cache flag"
            ));
        }
    }
    if union != ValidateFlags::all().bits() {
        problems.push(format!(
            "{FORMAT}: the validate flag table covers bits {union:#x}, there are {:#x}",
            ValidateFlags::all().bits()
        ));
    }
    report(problems);
}

// ----- metrics ---------------------------------------------------------------------------------

const METRIC_SCENARIO: &str = r#"
name = "metric-names"
[[transport]]
name = "lan"
kind = "lan"
address_types = ["SMTP"]
[[transport]]
name = "dialup"
kind = "ras"
address_types = ["X400"]
[[flush]]
at = "1s"
via = "spooler"
flags = ["FLUSH_UPLOAD"]
[[flush]]
at = "2s"
via = "lan"
flags = ["FLUSH_UPLOAD"]
[[procedure]]
at = "3s"
kind = "flush-all"
flags = ["FLUSH_UPLOAD"]
[[validate]]
at = "4s"
via = "dialup"
flags = ["FORCE_XP_CONNECT"]
"#;

/// `a.{b,c}.d` → `a.b.d`, `a.c.d`.
fn expand(pattern: &str) -> Vec<String> {
    let (Some(open), Some(close)) = (pattern.find('{'), pattern.find('}')) else {
        return vec![pattern.to_string()];
    };
    pattern[open + 1..close]
        .split(',')
        .flat_map(|alt| {
            expand(&format!(
                "{}{alt}{}",
                &pattern[..open],
                &pattern[close + 1..]
            ))
        })
        .collect()
}

/// A concrete metric name as the reference writes its pattern.
fn pattern_of(name: &str, transports: &[&str]) -> String {
    let parts: Vec<&str> = name.split('.').collect();
    let call = matches!(
        parts.first(),
        Some(&"flush") | Some(&"procedure") | Some(&"validate")
    );
    parts
        .iter()
        .enumerate()
        .map(|(i, p)| {
            if transports.contains(p) {
                "<transport>"
            } else if call && i == 1 && p.parse::<u32>().is_ok() {
                "N"
            } else {
                p
            }
        })
        .collect::<Vec<_>>()
        .join(".")
}

fn type_word(kind: MetricKind) -> &'static str {
    match kind {
        MetricKind::Count => "count",
        MetricKind::Time => "time",
        MetricKind::Latency => "time or none",
        MetricKind::Moment => "time or never",
        MetricKind::Result => "result or pending",
    }
}

#[test]
fn every_metric_the_code_knows_is_documented_with_its_type_and_nothing_else() {
    let scenario = parse_scenario(METRIC_SCENARIO, "metric-names.toml")
        .unwrap()
        .scenario;
    let transports = ["lan", "dialup"];
    let known: BTreeSet<String> = all_metric_names(&scenario)
        .iter()
        .map(|n| pattern_of(n, &transports))
        .collect();
    let mut problems = Vec::new();
    let mut documented = BTreeSet::new();
    for t in md::tables(&read(METRICS)) {
        if t.header != ["metric", "type", "meaning"] {
            continue;
        }
        for (i, row) in t.rows.iter().enumerate() {
            let line = t.line + 2 + i;
            let spans = md::code_spans(&row[0]);
            let [pattern] = spans.as_slice() else {
                problems.push(format!(
                    "{METRICS}:{line}: expected one `metric` in the first column"
                ));
                continue;
            };
            for name in expand(pattern) {
                let concrete = name.replace("<transport>", "lan").replace(".N.", ".1.");
                let wanted = md::plain(&row[1]);
                match metric_kind(&concrete, &scenario) {
                    Some(k) if type_word(k) == wanted => {}
                    Some(k) => problems.push(format!(
                        "{METRICS}:{line}: `{name}` is documented as {wanted:?}, but it holds {:?}",
                        type_word(k)
                    )),
                    None => {}
                }
                if !documented.insert(name.clone()) {
                    problems.push(format!("{METRICS}:{line}: `{name}` is documented twice"));
                }
            }
        }
    }
    for m in known.difference(&documented) {
        problems.push(format!(
            "{METRICS}: the metric `{m}` exists but is not documented"
        ));
    }
    for m in documented.difference(&known) {
        problems.push(format!(
            "{METRICS}: `{m}` is documented but is no metric of the code"
        ));
    }
    report(problems);
}

// ----- command line ----------------------------------------------------------------------------

fn help(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_spoolsim"))
        .args(args)
        .output()
        .expect("spoolsim runs");
    assert!(out.status.success(), "spoolsim {args:?} failed");
    String::from_utf8(out.stdout).expect("UTF-8 help")
}

/// The subcommands `spoolsim --help` lists, without `help`.
fn commands() -> Vec<String> {
    let text = help(&["--help"]);
    text.lines()
        .skip_while(|l| !l.starts_with("Commands:"))
        .skip(1)
        .take_while(|l| !l.trim().is_empty())
        .filter_map(|l| l.split_whitespace().next().map(str::to_string))
        .filter(|c| c != "help")
        .collect()
}

/// The long options in the options section of `spoolsim CMD --help` (`spoolsim --help` for an
/// empty `command`), without `--help`.
fn options_of(command: &str) -> BTreeSet<String> {
    let args: &[&str] = if command.is_empty() {
        &["--help"]
    } else {
        &[command, "--help"]
    };
    help(args)
        .lines()
        .skip_while(|l| !l.starts_with("Options:"))
        .flat_map(|l| {
            l.split_whitespace()
                .take_while(|w| w.starts_with('-') || w.starts_with('<'))
                .filter(|w| w.starts_with("--"))
                .map(|w| w.trim_end_matches(',').to_string())
                .collect::<Vec<_>>()
        })
        .filter(|o| o != "--help")
        .collect()
}

/// The heading of the table of the options every command takes.
const GLOBAL_HEADING: &str = "Options of every command";

/// The first long option of each row of the `option | default | meaning` tables under
/// `heading`.
fn documented_options(tables: &[md::Table], heading: &str) -> BTreeSet<String> {
    tables
        .iter()
        .filter(|t| t.heading == heading && t.header == ["option", "default", "meaning"])
        .flat_map(|t| t.rows.iter())
        .filter_map(|r| {
            md::code_spans(&r[0])
                .into_iter()
                .find(|span| span.starts_with("--"))
        })
        .map(|o| o.split([' ', '=']).next().unwrap_or("").to_string())
        .collect()
}

/// Compares `documented` with `actual` both ways, as options of `what`.
fn compare(what: &str, documented: &BTreeSet<String>, actual: &BTreeSet<String>) -> Vec<String> {
    let mut problems = Vec::new();
    for o in actual.difference(documented) {
        problems.push(format!(
            "{CLI}: `{what} {o}` exists but is not in its option table"
        ));
    }
    for o in documented.difference(actual) {
        problems.push(format!(
            "{CLI}: `{what} {o}` is documented but does not exist"
        ));
    }
    problems
}

#[test]
fn every_command_and_option_is_documented_and_nothing_else() {
    let text = read(CLI);
    let mut problems = Vec::new();
    let tables = md::tables(&text);
    // Options every command takes (clap's global options) are documented once, in their own
    // table, and left out of each command's.
    let mut global = options_of("");
    global.remove("--version");
    problems.extend(compare(
        "spoolsim",
        &documented_options(&tables, GLOBAL_HEADING),
        &global,
    ));
    for c in commands() {
        let heading = format!("`spoolsim {c}`");
        if !md::headings(&text).iter().any(|(_, h, _)| *h == heading) {
            problems.push(format!(
                "{CLI}: no section \"## {heading}\" for the command `{c}`"
            ));
            continue;
        }
        let documented = documented_options(&tables, &heading);
        let actual: BTreeSet<String> = options_of(&c).difference(&global).cloned().collect();
        problems.extend(compare(&format!("spoolsim {c}"), &documented, &actual));
    }
    report(problems);
}

// ----- pages as a whole ------------------------------------------------------------------------

/// The Markdown pages of the reference, and the README.
fn pages() -> Vec<String> {
    let mut out = vec!["README.md".to_string()];
    let mut docs: Vec<String> = std::fs::read_dir(root().join("docs"))
        .expect("docs/ exists")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".md"))
        .map(|n| format!("docs/{n}"))
        .collect();
    docs.sort();
    out.extend(docs);
    out
}

#[test]
fn every_complete_scenario_shown_in_the_docs_runs_and_passes() {
    let mut problems = Vec::new();
    let mut shown = 0;
    for page in pages() {
        for block in md::code_blocks(&read(&page)) {
            // A complete scenario names itself before its first section.
            let complete = block
                .text
                .lines()
                .take_while(|l| !l.starts_with('['))
                .any(|l| l.starts_with("name ="));
            if block.lang != "toml" || !complete {
                continue;
            }
            shown += 1;
            let at = format!("{page}, the scenario at line {}", block.line);
            match parse_scenario(&block.text, &page) {
                Err(e) => problems.push(format!("{at}: the scenario shown is invalid: {e}")),
                Ok(p) => {
                    let o = Outcome::new(&p.scenario, run(&p.scenario, &RunOptions::default()));
                    if !o.passed() {
                        problems.push(format!(
                            "{at}: the scenario shown fails: {:?}",
                            o.failures()
                        ));
                    }
                }
            }
        }
    }
    assert!(shown > 0, "no complete scenario found in the docs");
    report(problems);
}

#[test]
fn every_link_between_pages_resolves() {
    let mut problems = Vec::new();
    for page in pages() {
        let text = read(&page);
        let dir = Path::new(&page).parent().unwrap_or(Path::new(""));
        let mut rest = text.as_str();
        while let Some(i) = rest.find("](") {
            rest = &rest[i + 2..];
            let Some(end) = rest.find(')') else { break };
            let target = &rest[..end];
            if target.contains("://") || target.contains(' ') {
                continue;
            }
            let (file, anchor) = target.split_once('#').unwrap_or((target, ""));
            let path = if file.is_empty() {
                PathBuf::from(&page)
            } else {
                dir.join(file)
            };
            let Ok(linked) = std::fs::read_to_string(root().join(&path)) else {
                if !root().join(&path).is_dir() {
                    problems.push(format!("{page}: link to {target}: no such file"));
                }
                continue;
            };
            let slugs: Vec<String> = md::headings(&linked)
                .iter()
                .map(|(_, h, _)| md::slug(h))
                .collect();
            if !anchor.is_empty() && !slugs.iter().any(|s| s == anchor) {
                problems.push(format!(
                    "{page}: link to {target}: no heading with that anchor"
                ));
            }
        }
    }
    report(problems);
}

/// Files whose words must stand on their own: they may not cite documents users never see.
fn own_words_files() -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|x| x == "rs") {
                out.push(p);
            }
        }
    }
    let mut out: Vec<PathBuf> = pages().iter().map(|p| root().join(p)).collect();
    for dir in ["src/cli", "src/scenario", "src/bench"] {
        walk(&root().join(dir), &mut out);
    }
    out
}

#[test]
fn the_docs_and_the_user_facing_code_cite_nothing_outside_the_repository() {
    let mut problems = Vec::new();
    for path in own_words_files() {
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        for (i, line) in text.lines().enumerate() {
            let lower = line.to_lowercase();
            for bad in ["contract", "../shared", "reference §", "§"] {
                if lower.contains(bad) {
                    problems.push(format!(
                        "{}:{}: cites \"{bad}\", which users never see: {}",
                        path.strip_prefix(root()).unwrap_or(&path).display(),
                        i + 1,
                        line.trim()
                    ));
                    break;
                }
            }
        }
    }
    report(problems);
}

// ----- the MAPI page ---------------------------------------------------------------------------

const MAPI: &str = "docs/mapi.md";

/// A value cell of the MAPI page, `0x...` or decimal, backticks allowed.
fn doc_number(cell: &str) -> Option<u32> {
    let text = md::plain(cell);
    match text.strip_prefix("0x") {
        Some(hex) => u32::from_str_radix(hex, 16).ok(),
        None => text.parse().ok(),
    }
}

/// The names of the `pub const` items of a source file that start with one of `prefixes`: the
/// code's own list of a group of constants that has no list function.
fn source_consts(rel: &str, prefixes: &[&str]) -> Vec<String> {
    read(rel)
        .lines()
        .filter_map(|l| l.trim().strip_prefix("pub const "))
        .filter_map(|l| l.split_once(':').map(|(name, _)| name.trim().to_string()))
        .filter(|name| prefixes.iter().any(|p| name.starts_with(p)))
        .collect()
}

/// The names a bit-set formatter knows, with their bits: each single bit it names.
fn named_bits(names: impl Fn(u32) -> String) -> Vec<(String, u32)> {
    (0..32)
        .map(|i| 1u32 << i)
        .map(|bit| (names(bit), bit))
        .filter(|(name, _)| !name.starts_with("0x"))
        .collect()
}

/// The constants of a group the code lists only as items, by name.
fn mapi_constant(name: &str) -> Option<u32> {
    use spoolsim::mapi::constants::*;
    use spoolsim::mapi::tags::*;
    let all: &[(&str, u32)] = &[
        ("PT_NULL", PT_NULL),
        ("PT_LONG", PT_LONG),
        ("PT_ERROR", PT_ERROR),
        ("PT_BOOLEAN", PT_BOOLEAN),
        ("PT_STRING8", PT_STRING8),
        ("PT_UNICODE", PT_UNICODE),
        ("PT_BINARY", PT_BINARY),
        ("MV_FLAG", MV_FLAG),
        ("RES_AND", RES_AND),
        ("RES_OR", RES_OR),
        ("RES_NOT", RES_NOT),
        ("RES_CONTENT", RES_CONTENT),
        ("RES_PROPERTY", RES_PROPERTY),
        ("RES_COMPAREPROPS", RES_COMPAREPROPS),
        ("RES_BITMASK", RES_BITMASK),
        ("RES_SIZE", RES_SIZE),
        ("RES_EXIST", RES_EXIST),
        ("RES_SUBRESTRICTION", RES_SUBRESTRICTION),
        ("RES_COMMENT", RES_COMMENT),
        ("RELOP_LT", RELOP_LT),
        ("RELOP_LE", RELOP_LE),
        ("RELOP_GT", RELOP_GT),
        ("RELOP_GE", RELOP_GE),
        ("RELOP_EQ", RELOP_EQ),
        ("RELOP_NE", RELOP_NE),
        ("RELOP_RE", RELOP_RE),
        ("BMR_EQZ", BMR_EQZ),
        ("BMR_NEZ", BMR_NEZ),
        ("FL_FULLSTRING", FL_FULLSTRING),
        ("FL_SUBSTRING", FL_SUBSTRING),
        ("FL_PREFIXSTRING", FL_PREFIXSTRING),
        ("FL_IGNORECASE", FL_IGNORECASE),
        ("MAPI_UNICODE", MAPI_UNICODE),
        ("MAPI_MODIFY", MAPI_MODIFY),
        ("MAPI_DEFERRED_ERRORS", MAPI_DEFERRED_ERRORS),
        ("MAPI_BEST_ACCESS", MAPI_BEST_ACCESS),
        ("MAPI_STATUS", MAPI_STATUS),
        ("TBL_ALL_COLUMNS", TBL_ALL_COLUMNS),
        ("TBL_ASYNC", TBL_ASYNC),
        ("TBL_BATCH", TBL_BATCH),
        ("TBL_NOADVANCE", TBL_NOADVANCE),
        ("DIR_BACKWARD", DIR_BACKWARD),
        ("BOOKMARK_BEGINNING", BOOKMARK_BEGINNING),
        ("BOOKMARK_CURRENT", BOOKMARK_CURRENT),
        ("BOOKMARK_END", BOOKMARK_END),
        ("TABLE_SORT_ASCEND", TABLE_SORT_ASCEND),
        ("TABLE_SORT_DESCEND", TABLE_SORT_DESCEND),
        ("fnevTableModified", fnevTableModified),
        ("TABLE_ROW_ADDED", TABLE_ROW_ADDED),
        ("TABLE_ROW_DELETED", TABLE_ROW_DELETED),
        ("TABLE_ROW_MODIFIED", TABLE_ROW_MODIFIED),
        ("TABLE_RELOAD", TABLE_RELOAD),
    ];
    all.iter().find(|(n, _)| *n == name).map(|&(_, v)| v)
}

/// The values of the named constants, or a problem for a name this test does not know.
fn by_name(names: &[impl AsRef<str>], problems: &mut Vec<String>) -> Vec<(String, u32)> {
    let mut out = Vec::new();
    for name in names.iter().map(AsRef::as_ref) {
        match mapi_constant(name) {
            Some(v) => out.push((name.to_string(), v)),
            None => problems.push(format!(
                "{name}: a constant of the code that this test cannot look up; add it to \
                 `mapi_constant`"
            )),
        }
    }
    out
}

/// Each constants table of the MAPI page by its heading, with every name and value of its kind
/// that the code defines: the page must list exactly these.
fn mapi_constant_groups(problems: &mut Vec<String>) -> Vec<(&'static str, Vec<(String, u32)>)> {
    use spoolsim::mapi::constants::{
        resource_methods_names, resource_type_name, status_code_names,
    };
    use spoolsim::mapi::HResult;
    let resource_types = (0..=0xFFFF)
        .filter_map(|v| resource_type_name(v).map(|n| (n.to_string(), v)))
        .collect();
    let validate = ValidateFlags::names()
        .map(|n| {
            (
                n.to_string(),
                ValidateFlags::from_name(n).map_or(0, |f| f.bits()),
            )
        })
        .collect();
    let results = HResult::ALL
        .iter()
        .map(|h| (h.name().to_string(), h.code()))
        .collect();
    let types = source_consts("src/mapi/tags.rs", &["PT_", "MV_FLAG"]);
    let restrictions = source_consts("src/mapi/constants.rs", &["RES_", "RELOP_", "BMR_", "FL_"]);
    // Only the table, notification and OpenEntry constants a status-table client uses.
    let table = [
        "MAPI_UNICODE",
        "MAPI_MODIFY",
        "MAPI_DEFERRED_ERRORS",
        "MAPI_BEST_ACCESS",
        "MAPI_STATUS",
        "TBL_ALL_COLUMNS",
        "TBL_ASYNC",
        "TBL_BATCH",
        "TBL_NOADVANCE",
        "DIR_BACKWARD",
        "BOOKMARK_BEGINNING",
        "BOOKMARK_CURRENT",
        "BOOKMARK_END",
        "TABLE_SORT_ASCEND",
        "TABLE_SORT_DESCEND",
        "fnevTableModified",
        "TABLE_ROW_ADDED",
        "TABLE_ROW_DELETED",
        "TABLE_ROW_MODIFIED",
        "TABLE_RELOAD",
    ];
    vec![
        ("`PR_RESOURCE_TYPE` values", resource_types),
        (
            "`PR_RESOURCE_METHODS` bits",
            named_bits(resource_methods_names),
        ),
        ("`PR_STATUS_CODE` bits", named_bits(status_code_names)),
        (
            "`FlushQueues` flags",
            named_bits(|b| FlushFlags::from_bits_retain(b).to_string()),
        ),
        ("`ValidateState` flags", validate),
        ("Property types", by_name(&types, problems)),
        ("Restriction constants", by_name(&restrictions, problems)),
        (
            "Table, notification and `OpenEntry` constants",
            by_name(&table, problems),
        ),
        ("Result codes", results),
    ]
}

/// Compares one `name | value | ...` table with the code's list, both ways.
fn compare_constants(table: &md::Table, code: &[(String, u32)]) -> Vec<String> {
    let mut problems = Vec::new();
    let at = format!("{MAPI}:{} (\"{}\")", table.line, table.heading);
    let mut documented = BTreeMap::new();
    for row in &table.rows {
        let name = md::plain(&row[0]);
        match doc_number(&row[1]) {
            Some(v) => {
                if documented.insert(name.clone(), v).is_some() {
                    problems.push(format!("{at}: {name} is listed twice"));
                }
            }
            None => problems.push(format!("{at}: {name}: {:?} is not a number", row[1])),
        }
    }
    for (name, value) in code {
        match documented.get(name) {
            None => problems.push(format!("{at}: {name} ({value:#x}) is missing")),
            Some(v) if v != value => problems.push(format!(
                "{at}: {name} is documented as {v:#x}, but its value is {value:#x}"
            )),
            Some(_) => {}
        }
    }
    for name in documented.keys() {
        if !code.iter().any(|(n, _)| n == name) {
            problems.push(format!(
                "{at}: {name} is not a constant of this kind in the code"
            ));
        }
    }
    problems
}

#[test]
fn the_mapi_constant_tables_list_every_constant_with_its_value() {
    let text = read(MAPI);
    let mut problems = Vec::new();
    let groups = mapi_constant_groups(&mut problems);
    let tables: Vec<md::Table> = md::tables(&text)
        .into_iter()
        .filter(|t| t.header.len() >= 2 && t.header[..2] == ["name", "value"])
        .collect();
    for t in &tables {
        if !groups.iter().any(|(h, _)| *h == t.heading) {
            problems.push(format!(
                "{MAPI}:{}: a constants table under \"{}\", which this test does not check",
                t.line, t.heading
            ));
        }
    }
    for (heading, code) in &groups {
        match tables.iter().find(|t| t.heading == *heading) {
            Some(t) => problems.extend(compare_constants(t, code)),
            None => problems.push(format!(
                "{MAPI}: no `name | value` table under the heading \"{heading}\""
            )),
        }
    }
    report(problems);
}

/// The page says which relational operators and restriction types work: every `RELOP_*` it
/// lists is accepted and nothing else is, and exactly the `RES_*` types it gives a Rust form
/// can be written.
#[test]
fn the_mapi_restriction_table_says_what_restrict_accepts() {
    use spoolsim::mapi::tags::{PR_DISPLAY_NAME, PR_ENTRYID, PR_RESOURCE_METHODS};
    use spoolsim::mapi::{SPropValue, SRestriction};
    let text = read(MAPI);
    let mut problems = Vec::new();
    let table = md::tables(&text)
        .into_iter()
        .find(|t| t.heading == "Restriction constants")
        .expect("the restriction constants table");
    let value_of = |prefix: &str| -> BTreeMap<u32, (String, String)> {
        table
            .rows
            .iter()
            .filter(|r| md::plain(&r[0]).starts_with(prefix))
            .filter_map(|r| Some((doc_number(&r[1])?, (md::plain(&r[0]), r[2].clone()))))
            .collect()
    };
    let relops = value_of("RELOP_");
    for relop in 0..64 {
        let res = SRestriction::property(
            relop,
            PR_DISPLAY_NAME,
            SPropValue::string(PR_DISPLAY_NAME, "x"),
        );
        if res.validate().is_ok() != relops.contains_key(&relop) {
            problems.push(format!(
                "{MAPI}: relational operator {relop}: documented {}, accepted {}",
                relops.contains_key(&relop),
                res.validate().is_ok()
            ));
        }
    }
    let writable: BTreeSet<u32> = [
        SRestriction::And(vec![]),
        SRestriction::Or(vec![]),
        SRestriction::not(SRestriction::And(vec![])),
        SRestriction::property(0, PR_ENTRYID, SPropValue::binary(PR_ENTRYID, vec![])),
        SRestriction::Bitmask {
            relbmr: 0,
            prop_tag: PR_RESOURCE_METHODS,
            mask: 1,
        },
        SRestriction::exist(PR_ENTRYID),
        SRestriction::Content {
            fuzzy_level: 0,
            prop_tag: PR_ENTRYID,
            prop: SPropValue::binary(PR_ENTRYID, vec![]),
        },
    ]
    .iter()
    .map(SRestriction::rt)
    .collect();
    for (rt, (name, meaning)) in value_of("RES_") {
        let documented = !meaning.contains("not supported");
        if documented != writable.contains(&rt) {
            problems.push(format!(
                "{MAPI}: {name}: documented as {}supported, but the code {} write it",
                if documented { "" } else { "not " },
                if writable.contains(&rt) {
                    "can"
                } else {
                    "cannot"
                }
            ));
        }
    }
    report(problems);
}

/// The status rows and the column set a program sees in a run of the page's example profile.
fn status_table_of(profile: &str) -> (Vec<spoolsim::mapi::SRow>, [Vec<u32>; 3]) {
    use spoolsim::mapi::constants::{MAPI_UNICODE, TBL_ALL_COLUMNS};
    use spoolsim::mapi::MapiTable;
    let scenario = match parse_scenario(profile, MAPI) {
        Ok(p) => p.scenario,
        Err(e) => panic!("{MAPI}: the profile under \"Rows\" is invalid: {e}"),
    };
    let (_, seen) = spoolsim::scenario::run_with(&scenario, &RunOptions::default(), |c| {
        let session = c.session().clone();
        async move {
            let narrow = session.get_status_table(0).expect("an 8-bit table");
            let mut wide = session
                .get_status_table(MAPI_UNICODE)
                .expect("a Unicode table");
            let default = narrow.query_columns(0).expect("the default columns");
            let all_narrow = narrow.query_columns(TBL_ALL_COLUMNS).expect("all columns");
            let all_wide = wide.query_columns(TBL_ALL_COLUMNS).expect("all columns");
            // Unicode rows: their string columns carry the plain names the page uses.
            let rows = wide.query_rows(1000, 0).expect("the rows").rows;
            (rows, [default, all_narrow, all_wide])
        }
    });
    seen.expect("the program ran")
}

/// What a cell of the rows table says about `value`, in the form the page writes it.
fn row_cell(column: &str, value: &spoolsim::mapi::PropValue) -> String {
    use spoolsim::mapi::constants::{
        resource_methods_names, resource_type_name, status_code_names, STATUS_NO_DEFAULT_STORE,
    };
    let long = value.as_long().unwrap_or(u32::MAX);
    match column {
        "PR_RESOURCE_TYPE" => resource_type_name(long).unwrap_or("?").to_string(),
        "PR_RESOURCE_METHODS" => resource_methods_names(long),
        "PR_STATUS_CODE" => status_code_names(long),
        "PR_RESOURCE_FLAGS" if long == STATUS_NO_DEFAULT_STORE => {
            "STATUS_NO_DEFAULT_STORE".to_string()
        }
        _ => match value.as_str() {
            Some(s) => format!("\"{s}\""),
            None => long.to_string(),
        },
    }
}

#[test]
fn the_mapi_status_rows_and_columns_are_what_a_program_sees() {
    use spoolsim::mapi::tags::tag_name;
    let text = read(MAPI);
    let mut problems = Vec::new();
    let profile = md::code_blocks(&text)
        .into_iter()
        .find(|b| b.lang == "toml")
        .expect("the example profile under \"Rows\"");
    let (rows, [default, narrow, wide]) = status_table_of(&profile.text);
    if default != narrow {
        problems.push(format!(
            "{MAPI}: the default column set {default:x?} is not every column {narrow:x?}"
        ));
    }
    let tables = md::tables(&text);
    let table = tables
        .iter()
        .find(|t| t.heading == "Rows" && t.header.first().map(String::as_str) == Some("PR_ROWID"))
        .expect("the rows table");
    if table.rows.len() != rows.len() {
        problems.push(format!(
            "{MAPI}:{}: {} rows documented, the table has {}",
            table.line,
            table.rows.len(),
            rows.len()
        ));
    }
    for (i, (doc, row)) in table.rows.iter().zip(&rows).enumerate() {
        for (column, cell) in table.header.iter().zip(doc) {
            // A cell that is one code span states the value; others describe.
            let whole = cell.starts_with('`') && cell.ends_with('`');
            let Some(prop) = row.props.iter().find(|p| tag_name(p.tag) == Some(column)) else {
                if whole {
                    problems.push(format!("{MAPI}: row {i}: no column {column} in the table"));
                }
                continue;
            };
            let actual = row_cell(column, &prop.value);
            if whole && md::plain(cell) != actual {
                problems.push(format!(
                    "{MAPI}: row {i}, {column}: documented {cell}, the table has {actual}"
                ));
            }
        }
    }
    let columns = tables
        .iter()
        .find(|t| t.heading == "Columns")
        .expect("the columns table");
    // The Unicode tag of a string property carries its plain name; other tags are the same in
    // both tables.
    let actual: Vec<(String, u32, u32)> = narrow
        .iter()
        .zip(&wide)
        .map(|(&n, &w)| (tag_name(w).unwrap_or("?").to_string(), n, w))
        .collect();
    for (i, row) in columns.rows.iter().enumerate() {
        let doc = (md::plain(&row[0]), doc_number(&row[1]), doc_number(&row[2]));
        match actual.get(i) {
            Some((name, n, w)) if doc == (name.clone(), Some(*n), Some(*w)) => {}
            Some((name, n, w)) => problems.push(format!(
                "{MAPI}:{}: column {i} is documented as {} {} {}, a status table has {name} \
                 {n:#010X} {w:#010X}",
                columns.line + 2 + i,
                row[0],
                row[1],
                row[2]
            )),
            None => problems.push(format!(
                "{MAPI}:{}: column {i}, {}, is not in a status table",
                columns.line + 2 + i,
                row[0]
            )),
        }
    }
    for (name, _, _) in actual.iter().skip(columns.rows.len()) {
        problems.push(format!("{MAPI}: the columns table lacks {name}"));
    }
    report(problems);
}

/// The page's Rust example is the crate's doctest of module `client`, so it runs on every
/// `cargo test --doc`.
#[test]
fn the_mapi_worked_example_is_a_doctest() {
    let page = md::code_blocks(&read(MAPI))
        .into_iter()
        .find(|b| b.lang == "rust")
        .expect("a Rust example on the MAPI page");
    let module: String = read("src/client/mod.rs")
        .lines()
        .filter_map(|l| l.strip_prefix("//!"))
        .map(|l| l.strip_prefix(' ').unwrap_or(l))
        .collect::<Vec<_>>()
        .join("\n");
    let doctests = md::code_blocks(&module);
    assert!(
        doctests.iter().any(|d| d.text == page.text),
        "{MAPI}:{}: the Rust example is not the doctest of src/client/mod.rs; keep them equal",
        page.line
    );
}
