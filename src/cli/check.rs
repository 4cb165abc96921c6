//! `spoolsim check`: every scenario under the given paths, as a regression suite.
//!
//! Each file ends as one of three verdicts: it passed, it failed (an expectation or the
//! conservation check), or it is in error (it could not be read or has an input error, so it
//! never ran). Errors are counted apart from failures, reported once (the first mistake, on the
//! file's line), and outrank them in the exit code.

use std::path::{Path, PathBuf};
use std::time::Instant;

use clap::ValueEnum;
use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};

use super::output::note;
use super::overrides::SetArgs;
use super::source::{is_stdin, read_text};
use super::CliError;
use crate::model::ValidateVia;
use crate::report::provenance::{sha256_hex, VERSION};
use crate::report::Outcome;
use crate::scenario::builtin::LIBRARY;
use crate::scenario::parse::{parse_scenario_with, Override};
use crate::scenario::{run, RunOptions, ScenarioError};
use crate::trace::Origin;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum CheckFormat {
    Text,
    Json,
    Junit,
}

/// Arguments of `spoolsim check`.
#[derive(Debug, clap::Args)]
pub(crate) struct CheckArgs {
    /// Files or directories to search for *.toml, or - for standard input (default:
    /// sim-scenarios/ if it exists, else the built-in library).
    paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = CheckFormat::Text)]
    format: CheckFormat,
    /// Worker threads (default: the number of CPUs); the output is the same whatever it is.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=1024))]
    jobs: Option<u32>,
    /// Rewrite each file's failing [expect] values with what its run produced.
    #[arg(long)]
    bless: bool,
    #[command(flatten)]
    set: SetArgs,
}

/// A scenario to check.
enum Item {
    /// A file, or standard input (`-`).
    Path(PathBuf),
    /// A scenario of the built-in library: its file name and text.
    Builtin(&'static str, &'static str),
}

/// How a scenario ended.
#[derive(Debug)]
enum Status {
    Pass,
    /// Each failed expectation (and the invariant, if it failed).
    Fail(Vec<String>),
    /// It never ran: every input error, one line each.
    Error(Vec<String>),
}

/// One scenario's verdict.
#[derive(Debug)]
struct Verdict {
    file: String,
    name: String,
    status: Status,
    /// The seed it ran with, and the hash of its text, when it was read.
    seed: Option<u64>,
    sha256: Option<String>,
    wall_ms: f64,
    /// Each scripted `ValidateState` call: where it went and what it returned.
    validate_calls: Vec<String>,
}

/// Every `*.toml` file under `paths`, sorted, each once; `-` as itself.
fn collect(paths: &[PathBuf]) -> Result<Vec<PathBuf>, CliError> {
    fn walk(p: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
        if p.is_dir() {
            let mut entries: Vec<PathBuf> = std::fs::read_dir(p)?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .collect();
            entries.sort();
            for e in entries {
                walk(&e, out)?;
            }
        } else if p.extension().is_some_and(|e| e == "toml") {
            out.push(p.to_path_buf());
        }
        Ok(())
    }
    let mut out = Vec::new();
    for p in paths {
        if is_stdin(p) || p.is_file() {
            out.push(p.clone());
        } else if p.exists() {
            walk(p, &mut out).map_err(|e| CliError::Input(format!("{}: {e}", p.display())))?;
        } else {
            return Err(CliError::Input(format!(
                "{}: no such file or directory",
                p.display()
            )));
        }
    }
    out.sort();
    out.dedup();
    Ok(out)
}

/// What to check: the paths given; else `sim-scenarios/` when it exists; else the built-in
/// library (saying which).
fn items(paths: Vec<PathBuf>) -> Result<Vec<Item>, CliError> {
    if !paths.is_empty() {
        return Ok(collect(&paths)?.into_iter().map(Item::Path).collect());
    }
    let folder = Path::new("sim-scenarios");
    if folder.is_dir() {
        let files = collect(&[folder.to_path_buf()])?;
        note(&format!("checking sim-scenarios/ ({} files)", files.len()));
        return Ok(files.into_iter().map(Item::Path).collect());
    }
    note(&format!(
        "no sim-scenarios/ folder here: checking the built-in library ({} scenarios)",
        LIBRARY.len()
    ));
    Ok(LIBRARY
        .iter()
        .map(|(file, text)| Item::Builtin(file, text))
        .collect())
}

/// The files `--bless` may rewrite: real files only, never standard input or the built-in
/// library (which lives in the binary).
fn blessable(items: &[Item]) -> Result<Vec<PathBuf>, CliError> {
    items
        .iter()
        .map(|item| match item {
            Item::Path(p) if p.as_os_str() != "-" => Ok(p.clone()),
            Item::Path(_) => Err(CliError::Input(
                "--bless rewrites files in place; it cannot bless standard input (-)".into(),
            )),
            Item::Builtin(..) => Err(CliError::Input(
                "--bless rewrites files in place, and the built-in library is part of the binary: \
                 bless a folder of scenario files instead"
                    .into(),
            )),
        })
        .collect()
}

/// The input errors of a file, one line each (the first carries the file's place).
fn error_lines(e: &ScenarioError) -> Vec<String> {
    let mut lines: Vec<String> = e.diagnostics().iter().map(|d| d.to_string()).collect();
    let omitted = e.count() - lines.len();
    if omitted > 0 {
        lines.push(format!("… and {omitted} more errors"));
    }
    lines
}

fn check_one(item: &Item, overrides: &[Override]) -> Verdict {
    let start = Instant::now();
    let read = match item {
        Item::Path(p) => read_text(p),
        Item::Builtin(file, text) => Ok((format!("<built-in>/{file}"), text.to_string())),
    };
    let mut v = Verdict {
        file: match item {
            Item::Path(p) => p.display().to_string(),
            Item::Builtin(file, _) => format!("<built-in>/{file}"),
        },
        name: String::new(),
        status: Status::Pass,
        seed: None,
        sha256: None,
        wall_ms: 0.0,
        validate_calls: Vec::new(),
    };
    match read.and_then(|(file, text)| {
        v.file = file;
        v.sha256 = Some(sha256_hex(text.as_bytes()));
        parse_scenario_with(&text, &v.file, overrides)
    }) {
        Err(e) => v.status = Status::Error(error_lines(&e)),
        Ok(parsed) => {
            let s = &parsed.scenario;
            let o = Outcome::new(s, run(s, &RunOptions::default()));
            let failures = o.failures();
            v.name = s.name.clone();
            v.seed = Some(o.run.seed);
            v.validate_calls = validate_lines(&o);
            v.status = if failures.is_empty() {
                Status::Pass
            } else {
                Status::Fail(failures)
            };
        }
    }
    v.wall_ms = start.elapsed().as_secs_f64() * 1e3;
    v
}

/// One line per scripted `ValidateState` call: `validate.1 (hang-up) on dialup
/// FORCE_XP_DISCONNECT at 50s → S_OK`, and for a `FORCE_XP_CONNECT` that started a flush, when
/// that flush ended and what it moved.
fn validate_lines(o: &Outcome) -> Vec<String> {
    let metric = |n: usize, f: &str| {
        o.metrics
            .get(&format!("validate.{n}.{f}"))
            .map_or("none".to_string(), |v| v.compact())
    };
    let names = &o.run.transport_names;
    let started = crate::scenario::metrics::flushes(&o.run);
    let mut out = Vec::new();
    for (i, v) in o.scenario.validates.iter().enumerate() {
        let n = i + 1;
        let via = match v.via {
            ValidateVia::Subsystem => "subsystem",
            ValidateVia::AddressBook => "addressbook",
            ValidateVia::Spooler => "spooler",
            ValidateVia::Transport(t) => names[t.index()].as_str(),
        };
        let mut line = format!(
            "{} on {via} {} at {} → {}",
            o.run.call_names.label("validate", n),
            v.flags,
            metric(n, "returned_at"),
            metric(n, "result"),
        );
        if started
            .iter()
            .any(|c| c.origin == Origin::Validate(n as u32))
        {
            line.push_str(&format!(
                "; its flush ended {} (moved {}/{}, prompts {})",
                metric(n, "completed_at"),
                metric(n, "delivered"),
                metric(n, "received"),
                metric(n, "prompts"),
            ));
        }
        out.push(line);
    }
    out
}

fn print_line(v: &Verdict) {
    use std::io::Write;
    let file = &v.file;
    match &v.status {
        Status::Pass => println!("PASS {} ({file}, {:.0} ms)", v.name, v.wall_ms),
        Status::Fail(f) => println!("FAIL {} ({file}): {}", v.name, f.join("; ")),
        Status::Error(lines) => {
            let more = match lines.len() {
                1 => String::new(),
                2 => " (and 1 more error: `spoolsim validate` shows them all)".to_string(),
                n => format!(
                    " (and {} more errors: `spoolsim validate` shows them all)",
                    n - 1
                ),
            };
            println!("ERROR {}{more}", lines[0]);
        }
    }
    for line in &v.validate_calls {
        println!("  {line}");
    }
    let _ = std::io::stdout().flush();
}

/// The JSON document of `--format json`.
fn json(
    verdicts: &[Verdict],
    counts: (usize, usize, usize),
    overrides: &[String],
) -> serde_json::Value {
    let items: Vec<serde_json::Value> = verdicts
        .iter()
        .map(|v| {
            let (status, failures) = match &v.status {
                Status::Pass => ("pass", Vec::new()),
                Status::Fail(f) => ("fail", f.clone()),
                Status::Error(e) => ("error", e.clone()),
            };
            let mut item = serde_json::json!({
                "file": v.file,
                "scenario": v.name,
                "status": status,
                "failures": failures,
                "seed": v.seed,
                "scenario_sha256": v.sha256,
                "wall_ms": (v.wall_ms * 1000.0).round() / 1000.0,
            });
            if let (false, Some(m)) = (v.validate_calls.is_empty(), item.as_object_mut()) {
                m.insert("validate_calls".into(), v.validate_calls.clone().into());
            }
            item
        })
        .collect();
    serde_json::json!({
        "spoolsim": VERSION,
        "overrides": overrides,
        "scenarios": items,
        "passed": counts.0,
        "failed": counts.1,
        "errors": counts.2,
    })
}

/// The JUnit XML of `--format junit`: one test case per file.
fn junit(verdicts: &[Verdict]) -> String {
    let mut suite = TestSuite::new("spoolsim check");
    for v in verdicts {
        let status = match &v.status {
            Status::Pass => TestCaseStatus::success(),
            Status::Fail(f) => {
                let mut s = TestCaseStatus::non_success(NonSuccessKind::Failure);
                s.set_message(f[0].as_str()).set_description(f.join("\n"));
                s
            }
            Status::Error(e) => {
                let mut s = TestCaseStatus::non_success(NonSuccessKind::Error);
                s.set_message("invalid scenario")
                    .set_description(e.join("\n"));
                s
            }
        };
        let name = if v.name.is_empty() { &v.file } else { &v.name };
        let mut case = TestCase::new(name.as_str(), status);
        case.set_classname("spoolsim")
            .set_time(std::time::Duration::from_secs_f64(v.wall_ms / 1e3));
        case.extra.insert("file".into(), v.file.as_str().into());
        suite.add_test_case(case);
    }
    let mut report = Report::new("spoolsim check");
    report.add_test_suite(suite);
    report.to_string().unwrap_or_default()
}

/// `spoolsim check [PATH...]`.
pub(crate) fn cmd_check(a: CheckArgs) -> Result<(), CliError> {
    if a.bless && !a.set.set.is_empty() {
        return Err(CliError::Input(
            "--bless writes what each file's own run produced into the file, and --set changes \
             the run: bless without --set, or copy the file and edit the copy"
                .into(),
        ));
    }
    let items = items(a.paths)?;
    let jobs = super::ordered::jobs(a.jobs);
    if a.bless {
        let files = blessable(&items)?;
        return super::bless::cmd_bless(&files, jobs, a.format == CheckFormat::Text);
    }
    // Text lines go out in file order as soon as each scenario and those before it finish.
    let mut verdicts: Vec<Verdict> = Vec::with_capacity(items.len());
    let overrides = a.set.recorded();
    if a.format == CheckFormat::Text && !overrides.is_empty() {
        println!("overrides: {}", overrides.join(", "));
    }
    let set = &a.set.set;
    let (count, each) = (items.len() as u64, |k: u64| {
        check_one(&items[k as usize], set)
    });
    super::ordered::for_each_in_order(jobs, count, each, |_, v| {
        if a.format == CheckFormat::Text {
            print_line(&v);
        }
        verdicts.push(v);
    })
    .map_err(|e| CliError::Input(format!("--jobs {jobs}: cannot start the workers: {e}")))?;
    let count = |f: fn(&Status) -> bool| verdicts.iter().filter(|v| f(&v.status)).count();
    let passed = count(|s| matches!(s, Status::Pass));
    let failed = count(|s| matches!(s, Status::Fail(_)));
    let errors = count(|s| matches!(s, Status::Error(_)));
    match a.format {
        CheckFormat::Text => {
            let errors_part = match errors {
                0 => String::new(),
                1 => ", 1 error".to_string(),
                n => format!(", {n} errors"),
            };
            println!("{passed} passed, {failed} failed{errors_part}");
        }
        CheckFormat::Json => println!(
            "{}",
            serde_json::to_string_pretty(&json(&verdicts, (passed, failed, errors), &overrides))
                .unwrap_or_default()
        ),
        CheckFormat::Junit => print!("{}", junit(&verdicts)),
    }
    if errors > 0 {
        Err(CliError::Reported)
    } else if failed > 0 {
        Err(CliError::Failed)
    } else {
        Ok(())
    }
}
