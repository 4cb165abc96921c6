//! `spoolsim sweep` and `spoolsim merge`: one scenario over a range of seeds.
//!
//! One seed shows one possible day; a range shows the distribution, and the seeds where an
//! expectation breaks. Runs are independent (each builds its own single-threaded runtime), so
//! they go to worker threads, which hand each run back in position order (`ordered`); each is
//! folded into a small tally and, with `--per-seed`, written as a row ([`per_seed`]) at once,
//! so 10,000 seeds never hold 10,000 reports. The summary is built from sorted histograms and
//! seed-ordered maps ([`stats`]), and failures are grouped by expectation ([`failures`]): the
//! output and the rows are byte-identical for any `--jobs`.
//!
//! `--shard I/N` runs the seeds at positions `I-1`, `I-1+N`, ... of the range, so a CI matrix
//! or an array job can spread a sweep over machines; `--shard auto` takes `I/N` from the batch
//! engine's environment ([`engine`]). A shard prints its histograms as well as its
//! percentiles; `merge` ([`merge`]) reads shard files one at a time, checks that they are of one
//! scenario, seed range, override set and version, do not overlap and cover the range, adds
//! their histograms and prints exactly what the unsharded sweep prints. A shard's row file
//! starts with a line describing the shard, and `merge --per-seed` ([`rows_merge`]) interleaves
//! the shards' rows back into the unsharded sweep's file.

mod engine;
mod failures;
mod grid;
mod merge;
mod per_seed;
mod report;
mod rows_merge;
mod shard;
mod stats;

use std::io::{IsTerminal, Write};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::ordered::{for_each_in_order, jobs};
use super::{load, warn, CliError, Format};
use crate::report::Outcome;
use crate::scenario::metrics::Metrics;
use crate::scenario::{run, RunOptions, Scenario};
use engine::{Assignment, Engine};
use grid::{parse_seeds, Grid, SeedRange};
use per_seed::{Columns, Row, RowWriter, ShardRows};
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
    /// Also write one row per run to this file: CSV for .csv, JSON lines for .jsonl.
    #[arg(long, value_name = "FILE.csv|FILE.jsonl")]
    per_seed: Option<PathBuf>,
}

/// Arguments of `spoolsim merge`.
#[derive(Debug, clap::Args)]
pub(crate) struct MergeArgs {
    /// Outputs of `spoolsim sweep --shard I/N --format json`, one per file, in any order;
    /// they are read one at a time. With --per-seed: the shards' row files.
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Join the shards' row files (written by `sweep --shard I/N --per-seed`) into OUT, the
    /// file the unsharded sweep writes, instead of merging their summaries.
    #[arg(long, value_name = "OUT")]
    per_seed: Option<PathBuf>,
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

/// What one run came to: its metrics (none if it panicked) and its failures.
#[derive(Debug)]
struct RunRecord {
    seed: u64,
    metrics: Option<Metrics>,
    failures: Vec<String>,
}

impl RunRecord {
    /// Adds the run to `tally`.
    fn tally(&self, tally: &mut Tally) {
        let numbers = self
            .metrics
            .iter()
            .flat_map(|m| m.0.iter())
            .filter_map(|(k, v)| v.as_number().map(|n| (k.as_str(), n)));
        tally.add(self.seed, numbers, self.failures.clone());
    }
}

/// Runs one seed. A run that panics (a bug, never the user's input) becomes a failed seed
/// instead of taking the other seeds down with it.
fn run_seed(scenario: &Scenario, seed: u64) -> RunRecord {
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
            RunRecord {
                seed,
                metrics: Some(o.metrics),
                failures,
            }
        }
        Err(panic) => {
            let msg = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "no message".into());
            RunRecord {
                seed,
                metrics: None,
                failures: vec![format!("the run panicked: {msg}")],
            }
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

/// The `--per-seed` file, created before anything runs so that a bad path fails at once.
fn row_writer(
    a: &SweepArgs,
    report: &Report,
    scenario: &Scenario,
    grid: Grid,
    runs: u64,
) -> Result<Option<RowWriter>, CliError> {
    let Some(path) = &a.per_seed else {
        return Ok(None);
    };
    let shard = report.shard.as_ref().map(|s| ShardRows {
        spoolsim: report::VERSION.to_string(),
        scenario: report.scenario.clone(),
        file: report.file.clone(),
        fingerprint: report.fingerprint.clone(),
        overrides: report.overrides.clone(),
        from: grid.seeds.from,
        to: grid.seeds.to,
        points: grid.points,
        index: s.shard.index,
        of: s.shard.of,
        runs,
        format: per_seed::RowFormat::of(path).unwrap_or(per_seed::RowFormat::Csv),
    });
    let columns = Columns::new(scenario, Vec::new());
    RowWriter::create(path, columns, shard.as_ref())
        .map(Some)
        .map_err(CliError::Input)
}

/// `spoolsim sweep FILE --seeds A..B [--jobs N] [--shard I/N|auto] [--format text|json]
/// [--per-seed FILE]`.
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
    let mut report = Report {
        scenario: scenario.name.clone(),
        file: a.file.display().to_string(),
        fingerprint: fingerprint(&bytes),
        overrides: Vec::new(),
        from: grid.seeds.from,
        to: grid.seeds.to,
        shard: assigned,
        summary: Default::default(),
    };
    let mut rows = row_writer(&a, &report, scenario, grid, count)?;
    let jobs = jobs(a.jobs);
    let bar = progress(count);
    let mut tally = Tally::default();
    let mut row_error = None;
    // Runs are handed back in position order, so the tally and the rows never depend on --jobs.
    for_each_in_order(
        jobs,
        count,
        |k| run_seed(scenario, grid.run_at(shard.nth(k)).seed),
        |_, record| {
            record.tally(&mut tally);
            if let (Some(w), None) = (&mut rows, &row_error) {
                let row = Row {
                    seed: record.seed,
                    set: &[],
                    metrics: record.metrics.as_ref(),
                    passed: record.failures.is_empty(),
                };
                row_error = w.write(&row).err();
            }
            bar.inc(1);
        },
    )
    .map_err(|e| CliError::Input(format!("--jobs {jobs}: cannot start the workers: {e}")))?;
    bar.finish_and_clear();
    if let Some(w) = rows {
        let finished = row_error.map_or_else(|| w.finish(), Err);
        if let (Err(e), Some(path)) = (finished, &a.per_seed) {
            return Err(CliError::Input(format!(
                "{}: cannot write: {e}",
                path.display()
            )));
        }
    }
    report.summary = tally.finish();
    print(&report, a.format)
}

/// `spoolsim merge FILE... [--format text|json]`: the shards' outputs combined into what the
/// unsharded sweep prints.
pub(crate) fn cmd_merge(a: MergeArgs) -> Result<(), CliError> {
    if let Some(out) = &a.per_seed {
        let runs =
            rows_merge::merge_rows(out, &a.files).map_err(|e| CliError::Input(e.to_string()))?;
        eprintln!(
            "merged {} row files into {} ({runs} rows)",
            a.files.len(),
            out.display()
        );
        return Ok(());
    }
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
