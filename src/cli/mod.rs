//! The `spoolsim` command line: `run`, `check`, `validate`, `example`, `sweep`, `merge`,
//! `bench`, and the generated `schema`, `completions` and `man`.
//!
//! Exit codes (see `docs/cli.md`): 0 success, 1 an expectation or invariant failed, 2 bad input
//! or usage (2 outranks 1). Every error goes to standard error titled `error:`; nothing here
//! panics on user input.

mod bench;
mod bless;
mod check;
mod diff;
mod example;
mod fmt;
mod generate;
mod ordered;
mod output;
mod overrides;
mod run;
mod source;
mod sweep;
mod validate;

use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

pub use generate::schema_text;
pub(crate) use output::warn;

/// Simulates a MAPI mail spooler and its transports on deterministic virtual time.
#[derive(Debug, Parser)]
#[command(name = "spoolsim", version, about, long_about = None)]
struct Cli {
    #[command(flatten)]
    global: output::GlobalArgs,
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
    Run(run::RunArgs),
    /// Run every *.toml scenario under the paths and check its expectations.
    Check(check::CheckArgs),
    /// Parse and validate scenario files without running them.
    Validate(validate::ValidateArgs),
    /// Print a scenario of the built-in library (default: the office day), or list them.
    Example(example::ExampleArgs),
    /// Benchmark queue draining, each case beside a baseline measured in the same run.
    Bench(bench::BenchArgs),
    /// Run one scenario over a range of seeds, in parallel, and summarise every metric.
    Sweep(sweep::SweepArgs),
    /// Combine the JSON outputs of `sweep --shard I/N` into what the unsharded sweep prints.
    Merge(sweep::MergeArgs),
    /// Print the JSON Schema of scenario files, for TOML editors.
    Schema,
    /// Print a shell completion script.
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff).
    Man,
    /// Compare two runs (scenarios or traces): the metrics that differ and where they part.
    Diff(diff::DiffArgs),
}

/// A command's failure, with its exit code.
#[derive(Debug)]
pub enum CliError {
    /// Bad input or usage: exit 2, after `error: MESSAGE`.
    Input(String),
    /// Input errors of a scenario, already rendered with their `error:` titles: exit 2.
    Diagnostics(String),
    /// Bad input that the command has already reported: exit 2.
    Reported,
    /// An expectation or invariant failed: exit 1 (the report was printed).
    Failed,
}

impl CliError {
    fn code(&self) -> u8 {
        match self {
            CliError::Input(_) | CliError::Diagnostics(_) | CliError::Reported => 2,
            CliError::Failed => 1,
        }
    }
}

/// Runs the command line and returns the process's exit code. `live_bytes`, when the binary
/// has a counting global allocator, reports live heap bytes for `bench`'s memory case.
pub fn main(live_bytes: Option<fn() -> i64>) -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    output::init(&cli.global);
    init_tracing();
    let result = match cli.command {
        None => run::cmd_run(run::RunArgs::default()),
        Some(Command::Run(a)) => run::cmd_run(a),
        Some(Command::Check(a)) => check::cmd_check(a),
        Some(Command::Validate(a)) => validate::cmd_validate(a),
        Some(Command::Bench(a)) => bench::cmd_bench(a, live_bytes),
        Some(Command::Example(a)) => example::cmd_example(a),
        Some(Command::Sweep(a)) => sweep::cmd_sweep(a),
        Some(Command::Merge(a)) => sweep::cmd_merge(a),
        Some(Command::Schema) => generate::schema(),
        Some(Command::Completions { shell }) => generate::completions(shell),
        Some(Command::Man) => generate::man(),
        Some(Command::Diff(a)) => diff::cmd_diff(a),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            match &e {
                CliError::Input(msg) => output::error(msg),
                CliError::Diagnostics(text) => anstream::eprintln!("{text}"),
                CliError::Reported | CliError::Failed => {}
            }
            ExitCode::from(e.code())
        }
    }
}

/// `RUST_LOG` turns on `tracing` output on stderr, e.g. `RUST_LOG=spoolsim::trace=debug`.
fn init_tracing() {
    if std::env::var_os("RUST_LOG").is_some() {
        let _ = tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
            .with_ansi(output::stderr_colored())
            .with_writer(std::io::stderr)
            .without_time()
            .try_init();
    }
}
