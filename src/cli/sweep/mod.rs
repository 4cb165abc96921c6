//! `spoolsim sweep` and `spoolsim merge`: one scenario over a range of seeds.
//!
//! One seed shows one possible day; a range shows the distribution, and the seeds where an
//! expectation breaks. Runs are independent (each builds its own single-threaded runtime), so
//! they go to a rayon pool, one run per task. Each worker folds its runs into a small tally as
//! they finish, so 10,000 seeds never hold 10,000 reports, and the final summary is built
//! from sorted histograms and seed-ordered maps ([`stats`]): the output is byte-identical for any `--jobs`.
//!
//! `--shard I/N` runs the seeds at positions `I-1`, `I-1+N`, ... of the range, so a CI matrix
//! or an array job can spread a sweep over machines; `--shard auto` takes `I/N` from the batch
//! engine's environment ([`engine`]). A shard prints its histograms as well as its
//! percentiles; `merge` ([`merge`]) reads shard files one at a time, checks that they are of one
//! scenario, seed range, override set and version, do not overlap and cover the range, adds
//! their histograms and prints exactly what the unsharded sweep prints.

mod engine;
mod grid;
mod merge;
mod report;
mod shard;
mod stats;

use std::io::{IsTerminal, Write};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rayon::prelude::*;

use super::{load, warn, CliError, Format};
use crate::report::Outcome;
use crate::scenario::{run, RunOptions, Scenario};
use engine::{Assignment, Engine};
use grid::{parse_seeds, Grid, SeedRange};
use report::Report;
use shard::{parse_shard_arg, Shard, ShardArg};
use stats::Tally;

/// Arguments of `spoolsim sweep`.
#[derive(Debug, clap::Args)]
pub(crate) struct SweepArgs {
    /// The scenario file.
    file: PathBuf,
    /// The seeds to run, A to B inclusive, e.g. 1..10000.
    #[arg(long, value_name = "A..B", value_parser = parse_seeds)]
    seeds: SeedRange,
    /// Worker threads (default: the available parallelism). The output does not depend on it.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=1024))]
    jobs: Option<u32>,
    /// Run only shard I of N (1-based): the seeds at positions I-1, I-1+N, ... of the range;
    /// `auto` takes I/N from the batch engine (SPOOLSIM_SHARD, a Kubernetes Indexed Job, a
    /// Slurm job array). Combine the shards' `--format json` outputs with `spoolsim merge`.
    #[arg(long, value_name = "I/N|auto", value_parser = parse_shard_arg)]
    shard: Option<ShardArg>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

/// Arguments of `spoolsim merge`.
#[derive(Debug, clap::Args)]
pub(crate) struct MergeArgs {
    /// Outputs of `spoolsim sweep --shard I/N --format json`, one per file, in any order;
    /// they are read one at a time.
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

/// A 64-bit FNV-1a hash of the scenario file: stable across platforms and versions of Rust.
fn fingerprint(bytes: &[u8]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("fnv1a64:{h:016x}")
}

/// A progress bar on stderr when it is a terminal; hidden otherwise.
fn progress(len: u64) -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let pb = ProgressBar::with_draw_target(Some(len), ProgressDrawTarget::stderr());
    if let Ok(style) = ProgressStyle::with_template(
        "{elapsed_precise} [{wide_bar}] {human_pos}/{human_len} seeds, eta {eta}",
    ) {
        pb.set_style(style.progress_chars("=> "));
    }
    pb
}

/// Runs one seed and adds it to `tally`. A run that panics (a bug, never the user's input)
/// becomes a failed seed instead of taking the other seeds down with it.
fn run_seed(tally: &mut Tally, scenario: &Scenario, seed: u64) {
    let opts = RunOptions {
        seed: Some(seed),
        until: None,
        full_trace: false,
    };
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        Outcome::new(scenario, run(scenario, &opts))
    }));
    match outcome {
        Ok(o) => {
            let mut failures = o.failures();
            if failures.is_empty() && !o.passed() {
                failures.push("failed".into());
            }
            let numbers = o
                .metrics
                .0
                .iter()
                .filter_map(|(k, v)| v.as_number().map(|n| (k.as_str(), n)));
            tally.add(seed, numbers, failures);
        }
        Err(panic) => {
            let msg = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "no message".into());
            tally.add(seed, [], vec![format!("the run panicked: {msg}")]);
        }
    }
}

/// Prints a report; a closed pipe (e.g. `| head`) is not an error of the sweep.
fn print(report: &Report, format: Format) -> Result<(), CliError> {
    let text = match format {
        Format::Text => report.to_text(),
        Format::Json => report.to_json_text(),
    };
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
    if report.summary.failed.is_empty() {
        Ok(())
    } else {
        Err(CliError::Failed)
    }
}

/// The shard `--shard` asks for, and who chose it; `None` for the whole sweep.
fn assignment(arg: Option<ShardArg>) -> Result<Option<Assignment>, CliError> {
    match arg {
        None => Ok(None),
        Some(ShardArg::Given(shard)) => Ok(Some(Assignment {
            shard,
            engine: Engine::CommandLine,
            variables: Default::default(),
        })),
        Some(ShardArg::Auto) => engine::resolve(&engine::process_env())
            .map(Some)
            .map_err(|e| CliError::Input(e.to_string())),
    }
}

/// `spoolsim sweep FILE --seeds A..B [--jobs N] [--shard I/N|auto] [--format text|json]`.
pub(crate) fn cmd_sweep(a: SweepArgs) -> Result<(), CliError> {
    let assigned = assignment(a.shard)?;
    let parsed = load(Some(&a.file))?;
    warn(&parsed);
    let bytes = std::fs::read(&a.file)
        .map_err(|e| CliError::Input(format!("{}: cannot read: {e}", a.file.display())))?;
    let scenario = &parsed.scenario;
    let grid = Grid::of_seeds(a.seeds);
    let total = grid.len().unwrap_or(0);
    let shard = assigned.as_ref().map_or(Shard::WHOLE, |s| s.shard);
    let count = shard.len(total);
    let jobs = match a.jobs {
        Some(j) => j as usize,
        None => std::thread::available_parallelism().map_or(1, |n| n.get()),
    };
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(jobs)
        .thread_name(|i| format!("sweep-{i}"))
        .build()
        .map_err(|e| CliError::Input(format!("--jobs {jobs}: cannot start the workers: {e}")))?;
    let bar = progress(count);
    let tally = pool.install(|| {
        (0..count)
            .into_par_iter()
            .fold(Tally::default, |mut t, k| {
                run_seed(&mut t, scenario, grid.run_at(shard.nth(k)).seed);
                bar.inc(1);
                t
            })
            .reduce(Tally::default, Tally::merge)
    });
    bar.finish_and_clear();
    let report = Report {
        scenario: scenario.name.clone(),
        file: a.file.display().to_string(),
        fingerprint: fingerprint(&bytes),
        overrides: Vec::new(),
        from: grid.seeds.from,
        to: grid.seeds.to,
        shard: assigned,
        summary: tally.finish(),
    };
    print(&report, a.format)
}

/// `spoolsim merge FILE... [--format text|json]`: the shards' outputs combined into what the
/// unsharded sweep prints.
pub(crate) fn cmd_merge(a: MergeArgs) -> Result<(), CliError> {
    let report = merge::merge_files(&a.files).map_err(|e| CliError::Input(e.to_string()))?;
    print(&report, a.format)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_are_fnv1a() {
        assert_eq!(fingerprint(b""), "fnv1a64:cbf29ce484222325");
        assert_eq!(fingerprint(b"a"), "fnv1a64:af63dc4c8601ec8c");
    }
}
