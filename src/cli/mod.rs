//! The `spoolsim` command line: `run`, `check`, `validate`, `example` (and `bench`, `sweep`).
//!
//! Exit codes (see `docs/cli.md`): 0 success, 1 an expectation or invariant failed, 2 bad input
//! or usage (2 outranks 1). Nothing here panics on user input.

mod bench;
mod bless;
mod check;
mod diff;
mod fmt;
mod ordered;
mod sweep;

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use crate::report::text::{self, Color};
use crate::report::{jsonl, plot, timeline, Outcome};
use crate::scenario::builtin::{OFFICE_DAY, OFFICE_DAY_FILE};
use crate::scenario::parse::{load_scenario, parse_scenario, Parsed};
use crate::scenario::{run, RunOptions};
use crate::sim::time::parse_duration;

/// Simulates a MAPI mail spooler and its transports on deterministic virtual time.
#[derive(Debug, Parser)]
#[command(name = "spoolsim", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
enum Format {
    #[default]
    Text,
    Json,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run one scenario (default: the built-in office day) and print its report.
    Run(RunArgs),
    /// Run every *.toml scenario under the paths and check its expectations.
    Check(check::CheckArgs),
    /// Parse and validate scenario files without running them.
    Validate {
        /// Scenario files.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Print the built-in office-day scenario.
    Example,
    /// Benchmark queue draining, each case beside a baseline measured in the same run.
    Bench(bench::BenchArgs),
    /// Run one scenario over a range of seeds, in parallel, and summarise every metric.
    Sweep(sweep::SweepArgs),
    /// Combine the JSON outputs of `sweep --shard I/N` into what the unsharded sweep prints.
    Merge(sweep::MergeArgs),
    /// Compare two runs (scenarios or traces): the metrics that differ and where they part.
    Diff(diff::DiffArgs),
}

#[derive(Debug, clap::Args, Default)]
struct RunArgs {
    /// The scenario file (default: the built-in office day).
    file: Option<PathBuf>,
    /// Override the scenario's seed.
    #[arg(long)]
    seed: Option<u64>,
    /// Override the scenario's horizon, e.g. "2h".
    #[arg(long)]
    until: Option<String>,
    /// Report format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Write the event trace, one JSON object per line.
    #[arg(long, value_name = "FILE.jsonl")]
    trace: Option<PathBuf>,
    /// Write a Chrome trace-event timeline (open it in Perfetto).
    #[arg(long, value_name = "FILE.json")]
    timeline: Option<PathBuf>,
    /// Write an SVG plot of queue depths over virtual time.
    #[arg(long, value_name = "FILE.svg")]
    plot: Option<PathBuf>,
}

/// A command's failure, with its exit code.
#[derive(Debug)]
pub enum CliError {
    /// Bad input or usage: exit 2.
    Input(String),
    /// An expectation or invariant failed: exit 1 (the report was printed).
    Failed,
}

impl CliError {
    fn code(&self) -> u8 {
        match self {
            CliError::Input(_) => 2,
            CliError::Failed => 1,
        }
    }
}

/// Runs the command line and returns the process's exit code. `live_bytes`, when the binary
/// has a counting global allocator, reports live heap bytes for `bench`'s memory case.
pub fn main(live_bytes: Option<fn() -> i64>) -> ExitCode {
    init_tracing();
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let result = match cli.command {
        None => cmd_run(RunArgs::default()),
        Some(Command::Run(a)) => cmd_run(a),
        Some(Command::Check(a)) => check::cmd_check(a),
        Some(Command::Validate { files }) => cmd_validate(&files),
        Some(Command::Bench(a)) => bench::cmd_bench(a, live_bytes),
        Some(Command::Example) => {
            print!("{OFFICE_DAY}");
            Ok(())
        }
        Some(Command::Sweep(a)) => sweep::cmd_sweep(a),
        Some(Command::Merge(a)) => sweep::cmd_merge(a),
        Some(Command::Diff(a)) => diff::cmd_diff(a),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            if let CliError::Input(msg) = &e {
                eprintln!("error: {msg}");
            }
            ExitCode::from(e.code())
        }
    }
}

/// `RUST_LOG` turns on `tracing` output on stderr, e.g. `RUST_LOG=spoolsim::trace=debug`.
fn init_tracing() {
    if std::env::var_os("RUST_LOG").is_some() {
        let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
        let _ = tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
            .with_ansi(color)
            .with_writer(std::io::stderr)
            .without_time()
            .try_init();
    }
}

/// Loads a scenario file, or the built-in office day; an error is ready to print.
pub(crate) fn load(file: Option<&Path>) -> Result<Parsed, CliError> {
    match file {
        None => parse_scenario(OFFICE_DAY, OFFICE_DAY_FILE)
            .map_err(|e| CliError::Input(e.render(OFFICE_DAY))),
        Some(path) => load_scenario(path).map_err(|e| {
            let source = std::fs::read_to_string(path).unwrap_or_default();
            CliError::Input(e.render(&source))
        }),
    }
}

fn warn(parsed: &Parsed) {
    for w in &parsed.warnings {
        eprintln!("warning: {w}");
    }
}

fn create(path: &Path) -> Result<std::io::BufWriter<std::fs::File>, CliError> {
    std::fs::File::create(path)
        .map(std::io::BufWriter::new)
        .map_err(|e| CliError::Input(format!("{}: cannot write: {e}", path.display())))
}

fn cmd_run(a: RunArgs) -> Result<(), CliError> {
    let parsed = load(a.file.as_deref())?;
    warn(&parsed);
    let until = match &a.until {
        Some(u) => Some(parse_duration(u).map_err(|e| CliError::Input(format!("--until: {e}")))?),
        None => None,
    };
    if until.is_some_and(|u| u > 365 * crate::sim::time::DAY) {
        return Err(CliError::Input(
            "--until: the horizon may not pass 365 days".into(),
        ));
    }
    let full = a.trace.is_some() || a.timeline.is_some() || a.plot.is_some();
    let opts = RunOptions {
        seed: a.seed,
        until,
        full_trace: full,
    };
    let result = run(&parsed.scenario, &opts);
    let outcome = Outcome::new(&parsed.scenario, result);
    if let Some(path) = &a.trace {
        let mut w = create(path)?;
        jsonl::write_trace(&outcome.run, &mut w)
            .and_then(|_| w.flush())
            .map_err(|e| CliError::Input(format!("{}: {e}", path.display())))?;
    }
    if let Some(path) = &a.timeline {
        let mut w = create(path)?;
        timeline::write_timeline(&outcome.run, &mut w)
            .and_then(|_| w.flush())
            .map_err(|e| CliError::Input(format!("{}: {e}", path.display())))?;
    }
    if let Some(path) = &a.plot {
        plot::write_svg(&outcome.run, path)
            .map_err(|e| CliError::Input(format!("{}: {e}", path.display())))?;
    }
    let mut stdout = std::io::stdout().lock();
    let printed = match a.format {
        Format::Text => {
            let color = Color::detect(std::io::stdout().is_terminal());
            write!(stdout, "{}", text::render(&outcome, color))
        }
        Format::Json => writeln!(
            stdout,
            "{}",
            serde_json::to_string_pretty(&outcome.to_json()).unwrap_or_default()
        ),
    };
    // A closed pipe (e.g. `| head`) is not an error of the run.
    let _ = printed;
    if outcome.passed() {
        Ok(())
    } else {
        Err(CliError::Failed)
    }
}

fn cmd_validate(files: &[PathBuf]) -> Result<(), CliError> {
    let mut bad = 0;
    for f in files {
        match load(Some(f)) {
            Ok(p) => {
                warn(&p);
                println!("ok {} ({})", f.display(), p.scenario.name);
            }
            Err(CliError::Input(msg)) => {
                bad += 1;
                eprintln!("{msg}");
            }
            Err(CliError::Failed) => bad += 1,
        }
    }
    if bad > 0 {
        Err(CliError::Input(format!(
            "{bad} of {} files are invalid",
            files.len()
        )))
    } else {
        Ok(())
    }
}
