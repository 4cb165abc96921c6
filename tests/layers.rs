//! Every import in `src/` points down the layers.
//!
//! The crate is built in layers, each using only those below it (the crate documentation and
//! the README's "Where things live" describe them). This test reads every `crate::` and
//! `super::` path in `src/` — in `use` lines and written inline — works out which top-level
//! module it names, and fails, naming the file, the line and both layers, when a module reaches
//! one above it or beside it. A new top-level module has to be given its place in [`LAYERS`].

use std::fmt;
use std::path::{Path, PathBuf};

/// The layers, lowest first. A module may use its own layer's module and those listed before it.
const LAYERS: &[(&str, &str)] = &[
    (
        "sim",
        "virtual time, the calendar, seeded randomness, samples, ids",
    ),
    (
        "mapi",
        "MAPI tags, constants, flags, results, properties, restrictions, tables",
    ),
    ("model", "the scenario model"),
    ("trace", "the event trace and its recorders"),
    (
        "protocol",
        "the messages between the spooler and the transports",
    ),
    ("transport", "the transport actors"),
    ("spooler", "the spooler actor and its status store"),
    ("client", "the session, status objects and seed procedures"),
    (
        "scenario",
        "scenario files, the runner, metrics and expectations",
    ),
    ("report", "reports, traces, plots and timelines"),
    ("bench", "benchmark cases"),
    ("cli", "the command line"),
];

/// Where a top-level module sits, if it has a place.
fn layer(module: &str) -> Option<usize> {
    LAYERS.iter().position(|(name, _)| *name == module)
}

/// An import that points up or sideways.
#[derive(Debug, PartialEq, Eq)]
struct Violation {
    file: String,
    line: usize,
    from: String,
    to: String,
    path: String,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let describe = |m: &str| match layer(m) {
            Some(i) => format!("`{m}` (layer {i}: {})", LAYERS[i].1),
            None => format!("`{m}` (in no layer: give it a place in LAYERS)"),
        };
        write!(
            f,
            "{}:{}: {} uses {} through `{}`; a module may only use the layers below it",
            self.file,
            self.line,
            describe(&self.from),
            describe(&self.to),
            self.path
        )
    }
}

/// The module path of a source file: `src/a/b.rs` and `src/a/b/mod.rs` are `a::b`, `src/lib.rs`
/// and `src/main.rs` the crate root.
fn module_of(rel: &Path) -> Vec<String> {
    let mut parts: Vec<String> = rel
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    let file = parts.pop().unwrap_or_default();
    let stem = file.trim_end_matches(".rs");
    if !matches!(stem, "mod" | "lib" | "main") {
        parts.push(stem.to_string());
    }
    parts
}

/// The source's lines with comments and the contents of string and character literals blanked
/// out, so that neither a path in a comment nor a brace in a string counts. Strings, raw
/// strings and block comments may span lines.
fn code_lines(source: &str) -> Vec<String> {
    #[derive(Clone, Copy, PartialEq)]
    enum In {
        Code,
        Str,
        /// A raw string closed by `"` and this many `#`.
        Raw(usize),
        Block,
    }
    let mut state = In::Code;
    let mut lines = Vec::new();
    for line in source.lines() {
        let chars: Vec<char> = line.chars().collect();
        let mut out = String::with_capacity(line.len());
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            let next = chars.get(i + 1).copied();
            match state {
                In::Block => {
                    if c == '*' && next == Some('/') {
                        state = In::Code;
                        i += 1;
                    }
                }
                In::Str => match c {
                    '\\' => i += 1,
                    '"' => {
                        state = In::Code;
                        out.push('"');
                    }
                    _ => {}
                },
                In::Raw(hashes) => {
                    let closes = c == '"' && (1..=hashes).all(|k| chars.get(i + k) == Some(&'#'));
                    if closes {
                        state = In::Code;
                        out.push('"');
                        i += hashes;
                    }
                }
                In::Code => match c {
                    '/' if next == Some('/') => break,
                    '/' if next == Some('*') => {
                        state = In::Block;
                        i += 1;
                    }
                    '"' => {
                        state = In::Str;
                        out.push('"');
                    }
                    'r' if matches!(next, Some('"' | '#'))
                        && !chars[..i]
                            .last()
                            .is_some_and(|p| p.is_alphanumeric() || *p == '_') =>
                    {
                        let hashes = chars[i + 1..].iter().take_while(|&&h| h == '#').count();
                        if chars.get(i + 1 + hashes) == Some(&'"') {
                            state = In::Raw(hashes);
                            out.push('"');
                            i += hashes + 1;
                        } else {
                            out.push(c);
                        }
                    }
                    '\'' => {
                        // A character literal ('x', '\n', '{'); a lifetime ('a) is kept.
                        let close = if next == Some('\\') {
                            chars[i + 2..]
                                .iter()
                                .position(|&q| q == '\'')
                                .map(|p| i + 3 + p)
                        } else if chars.get(i + 2) == Some(&'\'') {
                            Some(i + 2)
                        } else {
                            None
                        };
                        match close {
                            Some(end) => {
                                out.push_str("' '");
                                i = end;
                            }
                            None => out.push(c),
                        }
                    }
                    _ => out.push(c),
                },
            }
            i += 1;
        }
        lines.push(out);
    }
    lines
}

/// The top-level module a path written in module `here` names, if it names one: `crate::x::…`
/// names `x`; `super::…` climbs from `here` (the crate root has no parent: the next segment is
/// then the module).
fn target_of(path: &[&str], here: &[String]) -> Option<String> {
    let mut module: Vec<String> = here.to_vec();
    let mut segments = path.iter();
    match *segments.next()? {
        "crate" => module.clear(),
        "super" => {
            module.pop()?;
        }
        _ => return None,
    }
    for s in segments {
        if *s == "super" {
            module.pop()?;
            continue;
        }
        if module.is_empty() {
            return Some(s.to_string());
        }
        break;
    }
    module.first().cloned()
}

/// Every `crate::` and `super::` path of one file's source, with its line number and the module
/// it is written in (inline modules such as `mod tests { … }` included).
fn paths_of(source: &str, file_module: &[String]) -> Vec<(usize, Vec<String>, String)> {
    let mut found = Vec::new();
    // Inline modules open around the current line: (name, brace depth inside it).
    let mut inline: Vec<(String, usize)> = Vec::new();
    let mut depth = 0usize;
    // A `use` statement spread over several lines, from its first line on.
    let mut statement: Option<(usize, String)> = None;
    for (i, code) in code_lines(source).into_iter().enumerate() {
        let mut here = file_module.to_vec();
        here.extend(inline.iter().map(|(m, _)| m.clone()));
        let words = code.split(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'));
        for w in words.map(|w| w.trim_start_matches(':')) {
            if w.starts_with("crate::") || w.starts_with("super::") {
                found.push((i + 1, here.clone(), w.trim_end_matches(':').to_string()));
            }
        }
        // `use crate::{a, b::c}`: each item of the group is a path of its own.
        let starts_use = {
            let t = code.trim_start();
            t.starts_with("use ") || t.starts_with("pub use ") || t.starts_with("pub(crate) use ")
        };
        if starts_use || statement.is_some() {
            let (first, text) = statement.get_or_insert_with(|| (i + 1, String::new()));
            text.push_str(code.trim());
            text.push(' ');
            if code.contains(';') {
                for p in group_paths(text) {
                    found.push((*first, here.clone(), p));
                }
                statement = None;
            }
        }
        let opens_module = inline_module(&code);
        for c in code.chars() {
            match c {
                '{' => {
                    depth += 1;
                    if let Some(name) = &opens_module {
                        if inline.last().is_none_or(|(_, d)| *d != depth) {
                            inline.push((name.clone(), depth));
                        }
                    }
                }
                '}' => {
                    if inline.last().is_some_and(|(_, d)| *d == depth) {
                        inline.pop();
                    }
                    depth = depth.saturating_sub(1);
                }
                _ => {}
            }
        }
    }
    found
}

/// The name of an inline module a line opens (`mod tests {`), if it does.
fn inline_module(code: &str) -> Option<String> {
    let t = code.trim_start();
    let t = t.strip_prefix("pub ").unwrap_or(t);
    let t = if t.starts_with("pub(") {
        t.split_once(')').map_or(t, |(_, r)| r.trim_start())
    } else {
        t
    };
    let rest = t.strip_prefix("mod ")?;
    let name: String = rest
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect();
    rest[name.len()..]
        .trim_start()
        .starts_with('{')
        .then_some(name)
}

/// The paths a `use crate::{...}` or `use super::{...}` statement imports, each written out in
/// full (`crate::a`, `crate::b::{c, d}`); none for any other statement.
fn group_paths(statement: &str) -> Vec<String> {
    let t = statement.trim_start();
    let t = t
        .strip_prefix("pub(crate) ")
        .or_else(|| t.strip_prefix("pub "))
        .unwrap_or(t);
    let Some((root, group)) = t.strip_prefix("use ").and_then(|r| r.split_once("::{")) else {
        return Vec::new();
    };
    if root.split("::").any(|s| s != "crate" && s != "super") {
        return Vec::new();
    }
    let inner = group.trim_end().trim_end_matches(';').trim_end();
    let inner = inner.strip_suffix('}').unwrap_or(inner);
    // Items at the top of the group: commas inside nested braces do not separate them.
    let mut items = vec![String::new()];
    let mut nesting = 0;
    for c in inner.chars() {
        match c {
            '{' => nesting += 1,
            '}' => nesting -= 1,
            ',' if nesting == 0 => {
                items.push(String::new());
                continue;
            }
            _ => {}
        }
        items.last_mut().expect("one item at least").push(c);
    }
    items
        .iter()
        .map(|item| item.trim())
        .filter(|item| !item.is_empty() && *item != "self")
        .map(|item| format!("{root}::{item}"))
        .collect()
}

/// Every path of `source` (the file `rel` under `src/`) that points up or sideways.
fn violations_in(rel: &Path, source: &str) -> Vec<Violation> {
    let file_module = module_of(rel);
    let mut out = Vec::new();
    for (line, here, path) in paths_of(source, &file_module) {
        let Some(from) = here.first().cloned() else {
            continue; // the crate root only declares the modules
        };
        let segments: Vec<&str> = path.split("::").collect();
        let Some(to) = target_of(&segments, &here) else {
            continue;
        };
        let allowed =
            to == from || matches!((layer(&from), layer(&to)), (Some(f), Some(t)) if t < f);
        if !allowed {
            out.push(Violation {
                file: Path::new("src").join(rel).display().to_string(),
                line,
                from,
                to,
                path,
            });
        }
    }
    out
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()))
        .map(|e| e.expect("a directory entry").path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

#[test]
fn every_import_in_src_points_down_the_layers() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    assert!(files.len() > 50, "found only {} files in src/", files.len());
    let mut problems = Vec::new();
    let mut checked = 0;
    let mut modules = std::collections::BTreeSet::new();
    for f in &files {
        let rel = f.strip_prefix(&src).expect("under src/");
        if let Some(top) = module_of(rel).first() {
            modules.insert(top.clone());
        }
        let source = std::fs::read_to_string(f).expect("readable source");
        checked += paths_of(&source, &module_of(rel)).len();
        problems.extend(violations_in(rel, &source));
    }
    // The reader finds the paths it is meant to check (a broken reader would pass anything).
    assert!(checked > 250, "only {checked} paths found in src/");
    for m in &modules {
        assert!(
            layer(m).is_some(),
            "src/{m} is in no layer: give it a place in LAYERS in tests/layers.rs"
        );
    }
    let report: Vec<String> = problems.iter().map(ToString::to_string).collect();
    assert!(report.is_empty(), "{}", report.join("\n"));
}

#[test]
fn an_import_that_points_up_is_found_with_its_file_line_and_layers() {
    let source = "\
//! crate::spooler in a comment is no import.
use std::fmt;

use crate::sim::Micros;
use super::constants::RELOP_EQ;
use crate::{model::Scenario, spooler::status};

fn f() -> u32 {
    let s = \"crate::client::Session in a string is no import\";
    crate::trace::Recorder::new(0, false);
    0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::run;
}
";
    let found = violations_in(Path::new("mapi/table.rs"), source);
    let lines: Vec<(usize, &str)> = found.iter().map(|v| (v.line, v.to.as_str())).collect();
    assert_eq!(
        lines,
        vec![
            (6, "model"),
            (6, "spooler"),
            (10, "trace"),
            (17, "scenario"),
        ]
    );
    let message = found[1].to_string();
    assert!(
        message.starts_with("src/mapi/table.rs:6: `mapi` (layer 1: "),
        "{message}"
    );
    assert!(message.contains("uses `spooler` (layer 6: "), "{message}");
}

#[test]
fn super_climbs_from_the_module_a_path_is_written_in() {
    let here = |p: &str| -> Vec<String> { p.split("::").map(str::to_string).collect() };
    assert_eq!(
        target_of(&["super", "queue", "Batch"], &here("spooler::state")),
        Some("spooler".into())
    );
    assert_eq!(
        target_of(&["super", "super", "trace", "Event"], &here("report::plot")),
        Some("trace".into())
    );
    assert_eq!(
        target_of(&["super", "Micros"], &here("sim")),
        Some("Micros".into()),
        "from a top-level module, super is the crate root"
    );
    assert_eq!(
        target_of(&["crate", "mapi"], &here("cli")),
        Some("mapi".into())
    );
    // A file's inline `mod tests` is one module deeper than the file.
    let found = paths_of(
        "mod tests {\n    use super::*;\n}\nuse super::x;\n",
        &here("sim::calendar"),
    );
    assert_eq!(found[0].1, here("sim::calendar::tests"));
    assert_eq!(found[1].1, here("sim::calendar"));
}
