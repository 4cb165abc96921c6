//! `spoolsim sweep` and `spoolsim merge`: one scenario over a range of seeds, and over every
//! combination of the values `--vary` gives its keys.
//!
//! One seed shows one possible day; a range shows the distribution, and the seeds where an
//! expectation breaks. Runs are independent (each builds its own single-threaded runtime), so
//! they go to worker threads, which hand each run back in position order (`ordered`); each is
//! folded into a small tally and, with `--per-seed`, written as a row ([`per_seed`]) at once,
//! so 10,000 seeds never hold 10,000 reports. The summary is built from sorted histograms and
//! seed-ordered maps ([`stats`]), and failures are grouped by expectation ([`failures`]): the
//! output and the rows are byte-identical for any `--jobs`.
//!
//! `--shard I/N` takes the runs at positions `I-1`, `I-1+N`, ... of the sweep, so a CI matrix
//! or an array job can spread a sweep over machines; `--shard auto` takes `I/N` from the batch
//! engine's environment ([`engine`]). A shard prints its histograms as well as its
//! percentiles; `merge` ([`merge`]) reads shard files one at a time, checks that they are of one
//! scenario, seed range, override set and version, do not overlap and cover the range, adds
//! their histograms and prints exactly what the unsharded sweep prints. A shard's row file
//! starts with a line describing the shard, and `merge --per-seed` ([`rows_merge`]) interleaves
//! the shards' rows back into the unsharded sweep's file.
//!
//! `--vary` ([`vary`]) makes the sweep a grid of points, each a scenario with overrides
//! ([`points`]), each over the same seeds: runs are (point, seed) positions, so `--jobs`,
//! `--shard`, `merge` and `--per-seed` work on them exactly as on seeds; the report keeps one
//! summary per point and prints one row per point ([`table`]), and `--plot` draws them
//! ([`plot`]).

mod engine;
mod failures;
mod grid;
mod merge;
mod per_seed;
mod plot;
mod points;
mod report;
mod rows_merge;
mod shard;
mod stats;
mod table;
mod vary;

use std::io::{IsTerminal, Write};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::ordered::{for_each_in_order, jobs};
use super::output::quiet;
use super::overrides::SetArgs;
use super::source::{load_source, Loaded};
use super::{warn, CliError, Format};
use crate::report::provenance::sha256_hex;
use crate::report::Outcome;
use crate::scenario::metrics::Metrics;
use crate::scenario::{run, RunOptions, Scenario};
use engine::{Assignment, Engine};
use grid::{parse_seeds, Grid, SeedRange};
use per_seed::{Columns, Row, RowWriter, SetCell, ShardRows};
use report::{Axis, Report};
use shard::{parse_shard_arg, Shard, ShardArg};
use stats::Tally;
use vary::{parse_vary, Vary};

/// Arguments of `spoolsim sweep`.
#[derive(Debug, clap::Args)]
pub(crate) struct SweepArgs {
    /// The scenario file, or - for standard input.
    file: PathBuf,
    /// The seeds to run, A to B inclusive, e.g. 1..10000 (with --vary, default: the
    /// scenario's own seed).
    #[arg(long, value_name = "A..B", value_parser = parse_seeds, required_unless_present = "vary")]
    seeds: Option<SeedRange>,
    /// Worker threads (default: the available parallelism). The output does not depend on it.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=1024))]
    jobs: Option<u32>,
    /// Run only shard I of N (1-based): the runs at positions I-1, I-1+N, ... of the sweep
    /// (numbered point by point, seed by seed); `auto` takes I/N from the batch engine (SPOOLSIM_SHARD, a Kubernetes Indexed Job, a
    /// Slurm job array). Combine the shards' `--format json` outputs with `spoolsim merge`.
    #[arg(long, value_name = "I/N|auto", value_parser = parse_shard_arg)]
    shard: Option<ShardArg>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Also write one row per run to this file: CSV for .csv, JSON lines for .jsonl.
    #[arg(long, value_name = "FILE.csv|FILE.jsonl")]
    per_seed: Option<PathBuf>,
    #[command(flatten)]
    set: SetArgs,
    /// Run every value of a key (repeatable: every combination, the first --vary outermost):
    /// a comma-separated list, or a range A..B/S (e.g. transport.dialup.connect=15s..60s/15s,
    /// transport.lan.failure_rate=0..0.2/0.05).
    #[arg(long, value_name = "PATH=V1,V2,...", value_parser = parse_vary)]
    vary: Vec<Vary>,
    /// The metrics to show, comma-separated (repeatable); a flush's or procedure's name may
    /// stand for its number. Default: every numeric metric, or with --vary delivered, ndr,
    /// latency.outbound.p50, latency.outbound.p99 and every flush's and procedure's returned_at.
    #[arg(long, value_name = "NAME[,NAME...]")]
    metric: Vec<String>,
    /// With --vary: draw each metric against the first varied key, one line per value of the
    /// second, as an SVG file.
    #[arg(long, value_name = "FILE.svg", requires = "vary")]
    plot: Option<PathBuf>,
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
    /// For shards of a --vary sweep: also draw the merged sweep as the sweep's --plot does.
    #[arg(long, value_name = "FILE.svg", conflicts_with = "per_seed")]
    plot: Option<PathBuf>,
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

/// A progress bar on stderr when it is a terminal and `--quiet` was not given; hidden
/// otherwise.
fn progress(len: u64) -> ProgressBar {
    if quiet() || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let pb = ProgressBar::with_draw_target(Some(len), ProgressDrawTarget::stderr());
    if let Ok(style) = ProgressStyle::with_template(
        "{elapsed_precise} [{wide_bar}] {human_pos}/{human_len} runs, eta {eta}",
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
    /// Adds the run to `tally`: the metrics in `columns`, or every numeric one.
    fn tally(&self, tally: &mut Tally, columns: Option<&[String]>) {
        let failures = self.failures.clone();
        let Some(m) = &self.metrics else {
            return tally.add(self.seed, std::iter::empty(), failures);
        };
        match columns {
            Some(c) => {
                let numbers = c
                    .iter()
                    .filter_map(|k| Some((k.as_str(), m.get(k)?.as_number()?)));
                tally.add(self.seed, numbers, failures);
            }
            None => {
                let numbers =
                    m.0.iter()
                        .filter_map(|(k, v)| Some((k.as_str(), v.as_number()?)));
                tally.add(self.seed, numbers, failures);
            }
        }
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
    if report.failed() == 0 {
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
        scenario_sha256: report.scenario_sha256.clone(),
        overrides: report.overrides.clone(),
        vary: a.vary.iter().map(|v| v.arg.clone()).collect(),
        from: grid.seeds.from,
        to: grid.seeds.to,
        points: grid.points,
        index: s.shard.index,
        of: s.shard.of,
        runs,
        format: per_seed::RowFormat::of(path).unwrap_or(per_seed::RowFormat::Csv),
    });
    let set = a.vary.iter().map(|v| v.path.clone()).collect();
    let columns = Columns::new(scenario, set);
    RowWriter::create(path, columns, shard.as_ref())
        .map(Some)
        .map_err(CliError::Input)
}

/// What a sweep runs: every point's scenario, the seeds, and the report to fill in.
struct Plan {
    scenarios: Vec<Scenario>,
    grid: Grid,
    report: Report,
    /// The `set.PATH` cells of each point's rows.
    cells: Vec<Vec<SetCell>>,
}

/// The points, seeds, columns and empty report of the sweep `a` asks for, from `loaded` (the
/// scenario with the `--set` overrides).
fn plan(a: &SweepArgs, loaded: &Loaded, shard: Option<Assignment>) -> Result<Plan, CliError> {
    let base = &loaded.parsed.scenario;
    let seeds = a.seeds.unwrap_or(SeedRange {
        from: base.seed,
        to: base.seed,
    });
    let columns = match (a.metric.is_empty(), a.vary.is_empty()) {
        (false, _) => Some(points::chosen_metrics(&a.metric, base)?),
        (true, false) => Some(points::default_metrics(base)),
        (true, true) => None,
    };
    let scenarios = if a.vary.is_empty() {
        vec![base.clone()]
    } else {
        points::scenarios(&loaded.text, &loaded.name, &a.set.set, &a.vary)?
    };
    let grid = Grid {
        points: scenarios.len() as u64,
        seeds,
    };
    if grid.len().is_none() {
        return Err(CliError::Input(format!(
            "{} points × {} seeds is more than the {} runs a sweep may have",
            grid.points,
            seeds.len(),
            grid::MAX_RUNS
        )));
    }
    let axes: Vec<Axis> = a
        .vary
        .iter()
        .map(|v| Axis {
            path: v.path.clone(),
            values: v.values.clone(),
            arg: v.arg.clone(),
        })
        .collect();
    let cells = (0..scenarios.len())
        .map(|p| {
            let idx = points::indexes(&a.vary, p);
            axes.iter()
                .zip(idx)
                .map(|(axis, k)| SetCell {
                    text: axis.values[k].clone(),
                    json: axis.json(k),
                })
                .collect()
        })
        .collect();
    let report = Report {
        scenario: base.name.clone(),
        file: a.file.display().to_string(),
        fingerprint: fingerprint(loaded.text.as_bytes()),
        scenario_sha256: sha256_hex(loaded.text.as_bytes()),
        overrides: a.set.recorded(),
        from: seeds.from,
        to: seeds.to,
        shard,
        columns,
        axes,
        summaries: Vec::new(),
    };
    Ok(Plan {
        scenarios,
        grid,
        report,
        cells,
    })
}

/// `spoolsim sweep FILE [--seeds A..B] [--vary PATH=V1,V2,...]... [--set PATH=VALUE]...
/// [--metric NAME]... [--jobs N] [--shard I/N|auto] [--format text|json] [--per-seed FILE]
/// [--plot FILE.svg]`.
pub(crate) fn cmd_sweep(a: SweepArgs) -> Result<(), CliError> {
    let assigned = assignment(a.shard)?;
    if a.plot.is_some() && assigned.is_some() {
        return Err(CliError::Input(
            "--plot draws the whole sweep, and a shard has part of its runs: draw it when \
             merging, with `spoolsim merge SHARDS... --plot FILE.svg`"
                .into(),
        ));
    }
    points::check_paths(&a.set.set, &a.vary)?;
    if a.plot.is_some() {
        plot::check(&a.vary)?;
    }
    let loaded = load_source(Some(&a.file), &a.set.set)?;
    warn(&loaded.parsed);
    let Plan {
        scenarios,
        grid,
        mut report,
        cells,
    } = plan(&a, &loaded, assigned)?;
    let total = grid.len().unwrap_or(0);
    let shard = report.shard.as_ref().map_or(Shard::WHOLE, |s| s.shard);
    let count = shard.len(total);
    let mut rows = row_writer(&a, &report, &loaded.parsed.scenario, grid, count)?;
    let jobs = jobs(a.jobs);
    let bar = progress(count);
    let mut tallies: Vec<Tally> = (0..grid.points).map(|_| Tally::default()).collect();
    let columns = report.columns.clone();
    let mut row_error = None;
    // Runs are handed back in position order, so the tallies and the rows never depend on
    // --jobs.
    for_each_in_order(
        jobs,
        count,
        |k| {
            let run = grid.run_at(shard.nth(k));
            (
                run.point,
                run_seed(&scenarios[run.point as usize], run.seed),
            )
        },
        |_, (point, record)| {
            record.tally(&mut tallies[point as usize], columns.as_deref());
            if let (Some(w), None) = (&mut rows, &row_error) {
                let row = Row {
                    seed: record.seed,
                    set: &cells[point as usize],
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
    report.summaries = tallies.into_iter().map(Tally::finish).collect();
    if let Some(path) = &a.plot {
        plot::write(&report, path)?;
    }
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
    if let Some(path) = &a.plot {
        if report.axes.is_empty() {
            return Err(CliError::Input(
                "--plot draws a --vary sweep; these shards vary nothing".into(),
            ));
        }
        plot::write(&report, path)?;
    }
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
