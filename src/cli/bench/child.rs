//! Measurements made in a fresh copy of this binary: the parent starts
//! `spoolsim bench --child KIND ...`, which measures once and reports on one line of JSON.
//!
//! A fresh process has a clean heap and cold caches whatever ran before it, so `scale`'s two
//! sizes cannot favour one another, and `transports` and `sim-year` see exactly what
//! `spoolsim run FILE --format json` costs a user, peak resident memory included.

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use clap::ValueEnum;

use super::CliError;
use crate::bench::{drain_run, drain_setup, fleet};
use crate::cli::run::{cmd_run, RunArgs};

/// What a child process measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum ChildKind {
    /// One `drain` of `--messages` over `--transports`; prints `{"ns": ...}`.
    Drain,
    /// `spoolsim run --child-file FILE --format json` (the report to standard output); prints
    /// `{"wall_ns": ..., "peak_rss_bytes": ...}` on standard error.
    Run,
}

/// What a child running a scenario file measured.
#[derive(Debug, Clone, Copy)]
pub(super) struct ChildRun {
    /// From reading the file to the report written.
    pub wall: Duration,
    /// Its peak resident memory, where the system says.
    pub peak_rss: Option<u64>,
}

/// The child's side.
pub(super) fn run_child(
    kind: ChildKind,
    n: u64,
    t: usize,
    file: Option<PathBuf>,
) -> Result<(), CliError> {
    match kind {
        ChildKind::Drain => {
            let took = drain_run(&drain_setup(n, t, false), None).took;
            println!("{{\"ns\": {}}}", took.as_nanos());
            Ok(())
        }
        ChildKind::Run => {
            let file = file.ok_or_else(|| CliError::Input("--child-file: missing".into()))?;
            let start = Instant::now();
            let result = cmd_run(RunArgs::json(file));
            let wall = start.elapsed().as_nanos();
            let rss = fleet::peak_rss_bytes().map_or("null".into(), |r| r.to_string());
            eprintln!("{{\"wall_ns\": {wall}, \"peak_rss_bytes\": {rss}}}");
            result
        }
    }
}

/// Starts this binary with `args` and returns the last line it wrote to the stream `stderr`
/// chooses, parsed as JSON.
fn child(args: &[&str], from_stderr: bool) -> Result<serde_json::Value, CliError> {
    let failed = |e: String| CliError::Input(format!("bench: a child process failed: {e}"));
    let exe = std::env::current_exe().map_err(|e| failed(e.to_string()))?;
    let out = Command::new(exe)
        .arg("bench")
        .args(args)
        .stdin(Stdio::null())
        .stdout(if from_stderr {
            Stdio::null()
        } else {
            Stdio::piped()
        })
        .stderr(if from_stderr {
            Stdio::piped()
        } else {
            Stdio::inherit()
        })
        .output()
        .map_err(|e| failed(e.to_string()))?;
    if !out.status.success() {
        return Err(failed(format!("{} ({})", args.join(" "), out.status)));
    }
    let text = String::from_utf8_lossy(if from_stderr {
        &out.stderr
    } else {
        &out.stdout
    });
    let last = text.lines().last().unwrap_or_default();
    serde_json::from_str(last).map_err(|e| failed(format!("{e}: {last}")))
}

/// One drain of `n` messages over `t` transports in a fresh process.
pub(super) fn drain_in_child(n: u64, t: usize) -> Result<Duration, CliError> {
    let (n, t) = (n.to_string(), t.to_string());
    let args = ["--child", "drain", "--messages", &n, "--transports", &t];
    let v = child(&args, false)?;
    Ok(Duration::from_nanos(v["ns"].as_u64().unwrap_or(0)))
}

/// The scenario file `toml` run as `spoolsim run --format json` in a fresh process; `name`
/// names its temporary file.
pub(super) fn run_in_child(toml: &str, name: &str) -> Result<ChildRun, CliError> {
    let path =
        std::env::temp_dir().join(format!("spoolsim-bench-{}-{name}.toml", std::process::id()));
    std::fs::write(&path, toml)
        .map_err(|e| CliError::Input(format!("{}: cannot write: {e}", path.display())))?;
    let file = path.to_string_lossy().into_owned();
    let v = child(&["--child", "run", "--child-file", &file], true);
    let _ = std::fs::remove_file(&path);
    let v = v?;
    Ok(ChildRun {
        wall: Duration::from_nanos(v["wall_ns"].as_u64().unwrap_or(0)),
        peak_rss: v["peak_rss_bytes"].as_u64(),
    })
}
