//! `spoolsim check`: every scenario under the given paths, as a regression suite.

use std::path::{Path, PathBuf};
use std::time::Instant;

use clap::ValueEnum;

use super::{load, CliError};
use crate::report::Outcome;
use crate::scenario::{run, RunOptions};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum CheckFormat {
    Text,
    Json,
    Junit,
}

/// Arguments of `spoolsim check`.
#[derive(Debug, clap::Args)]
pub(crate) struct CheckArgs {
    /// Files or directories to search for *.toml (default: sim-scenarios/).
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
}

/// One scenario's verdict.
#[derive(Debug)]
struct Verdict {
    file: PathBuf,
    name: String,
    /// `Ok(failures)` after a run (empty: passed); `Err(message)` for a bad file.
    result: Result<Vec<String>, String>,
    wall_ms: f64,
}

/// Every `*.toml` file under `paths`, sorted, each once.
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
        if !p.exists() {
            return Err(CliError::Input(format!(
                "{}: no such file or directory",
                p.display()
            )));
        }
        if p.is_file() {
            out.push(p.clone());
        } else {
            walk(p, &mut out).map_err(|e| CliError::Input(format!("{}: {e}", p.display())))?;
        }
    }
    out.sort();
    out.dedup();
    Ok(out)
}

fn check_one(file: &Path) -> Verdict {
    let start = Instant::now();
    let (name, result) = match load(Some(file)) {
        Err(CliError::Input(msg)) => (String::new(), Err(msg)),
        Err(CliError::Failed) => (String::new(), Err("unreadable".into())),
        Ok(parsed) => {
            let r = run(&parsed.scenario, &RunOptions::default());
            let o = Outcome::new(&parsed.scenario, r);
            (parsed.scenario.name.clone(), Ok(o.failures()))
        }
    };
    Verdict {
        file: file.to_path_buf(),
        name,
        result,
        wall_ms: start.elapsed().as_secs_f64() * 1e3,
    }
}

fn print_line(v: &Verdict) {
    use std::io::Write;
    let file = v.file.display();
    match &v.result {
        Ok(f) if f.is_empty() => println!("PASS {} ({file}, {:.0} ms)", v.name, v.wall_ms),
        Ok(f) => println!("FAIL {} ({file}): {}", v.name, f.join("; ")),
        Err(msg) => println!("ERROR {file}: {}", msg.lines().next().unwrap_or("")),
    }
    let _ = std::io::stdout().flush();
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

pub(crate) fn cmd_check(a: CheckArgs) -> Result<(), CliError> {
    let paths = if a.paths.is_empty() {
        vec![PathBuf::from("sim-scenarios")]
    } else {
        a.paths
    };
    let files = collect(&paths)?;
    let jobs = super::ordered::jobs(a.jobs);
    if a.bless {
        return super::bless::cmd_bless(&files, jobs, a.format == CheckFormat::Text);
    }
    // Text lines go out in file order as soon as each scenario and those before it finish.
    let mut verdicts: Vec<Verdict> = Vec::with_capacity(files.len());
    let (count, each) = (files.len() as u64, |k: u64| check_one(&files[k as usize]));
    super::ordered::for_each_in_order(jobs, count, each, |_, v| {
        if a.format == CheckFormat::Text {
            print_line(&v);
        }
        verdicts.push(v);
    })
    .map_err(|e| CliError::Input(format!("--jobs {jobs}: cannot start the workers: {e}")))?;
    let passed = verdicts
        .iter()
        .filter(|v| matches!(&v.result, Ok(f) if f.is_empty()))
        .count();
    let errors = verdicts.iter().filter(|v| v.result.is_err()).count();
    let failed = verdicts.len() - passed;
    match a.format {
        CheckFormat::Text => println!("{passed} passed, {failed} failed"),
        CheckFormat::Json => {
            let items: Vec<serde_json::Value> = verdicts
                .iter()
                .map(|v| {
                    let (status, failures) = match &v.result {
                        Ok(f) if f.is_empty() => ("pass", vec![]),
                        Ok(f) => ("fail", f.clone()),
                        Err(m) => ("error", vec![m.clone()]),
                    };
                    serde_json::json!({
                        "file": v.file.display().to_string(),
                        "scenario": v.name,
                        "status": status,
                        "failures": failures,
                        "wall_ms": (v.wall_ms * 1000.0).round() / 1000.0,
                    })
                })
                .collect();
            let doc = serde_json::json!({
                "scenarios": items,
                "passed": passed,
                "failed": failed,
                "errors": errors,
            });
            println!("{}", serde_json::to_string_pretty(&doc).unwrap_or_default());
        }
        CheckFormat::Junit => {
            println!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>");
            println!(
                "<testsuite name=\"spoolsim check\" tests=\"{}\" failures=\"{}\" errors=\"{errors}\">",
                verdicts.len(),
                failed - errors
            );
            for v in &verdicts {
                let name = if v.name.is_empty() {
                    v.file.display().to_string()
                } else {
                    v.name.clone()
                };
                print!(
                    "  <testcase classname=\"spoolsim\" name=\"{}\" file=\"{}\" time=\"{:.3}\"",
                    xml_escape(&name),
                    xml_escape(&v.file.display().to_string()),
                    v.wall_ms / 1e3
                );
                match &v.result {
                    Ok(f) if f.is_empty() => println!("/>"),
                    Ok(f) => println!(
                        "><failure message=\"{}\">{}</failure></testcase>",
                        xml_escape(&f[0]),
                        xml_escape(&f.join("\n"))
                    ),
                    Err(m) => println!(
                        "><error message=\"invalid scenario\">{}</error></testcase>",
                        xml_escape(m)
                    ),
                }
            }
            println!("</testsuite>");
        }
    }
    if errors > 0 {
        Err(CliError::Input(format!(
            "{errors} scenario file(s) could not be read; see above"
        )))
    } else if failed > 0 {
        Err(CliError::Failed)
    } else {
        Ok(())
    }
}
