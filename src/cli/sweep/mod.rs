//! `spoolsim sweep` and `spoolsim merge`: one scenario over a range of seeds.
//!
//! One seed shows one possible day; a range shows the distribution, and the seeds where an
//! expectation breaks. Runs are independent (each builds its own single-threaded runtime), so
//! they go to a rayon pool, one run per task. Each worker folds its runs into a small tally as
//! they finish, so 10,000 seeds never hold 10,000 reports, and the final [`Summary`] is built
//! from sorted histograms and seed-ordered maps: the output is byte-identical for any `--jobs`.
//!
//! `--shard I/N` runs the seeds at positions `I-1`, `I-1+N`, ... of the range, so a CI matrix
//! or an array job can spread a sweep over machines. A shard prints its histograms as well as
//! its percentiles; `merge` checks that the shards are of one file and one version, do not
//! overlap and cover the range, adds their histograms and prints exactly what the unsharded
//! sweep prints.

mod report;
mod stats;

use std::io::{IsTerminal, Write};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rayon::prelude::*;

use super::{load, warn, CliError, Format};
use crate::report::Outcome;
use crate::scenario::{run, RunOptions, Scenario};
use report::{Report, Shard, ShardFile, VERSION};
use stats::{Summary, Tally};

/// The most seeds one sweep (all its shards together) may cover: enough for any study, and a
/// bound on what `merge` allocates to check coverage.
const MAX_SEEDS: u64 = 10_000_000;

/// An inclusive range of seeds, `A..B`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct SeedRange {
    from: u64,
    to: u64,
}

impl SeedRange {
    /// How many seeds (at most [`MAX_SEEDS`], so it fits everywhere).
    fn len(self) -> u64 {
        self.to - self.from + 1
    }
}

/// Parses `--seeds A..B` (also `A..=B`), inclusive.
fn parse_seeds(text: &str) -> Result<SeedRange, String> {
    let t = text.trim();
    let Some((a, b)) = t.split_once("..") else {
        return Err(format!(
            "expected A..B, seeds A to B inclusive (e.g. 1..1000), found `{t}`"
        ));
    };
    let b = b.strip_prefix('=').unwrap_or(b);
    let seed = |s: &str| {
        s.trim().parse::<u64>().map_err(|_| {
            format!(
                "`{}` is not a seed: expected a whole number from 0 to {}",
                s.trim(),
                u64::MAX
            )
        })
    };
    let (from, to) = (seed(a)?, seed(b)?);
    if from > to {
        return Err(format!(
            "the range {from}..{to} is empty: A..B runs seeds A to B inclusive, so A may not \
             exceed B"
        ));
    }
    if to - from >= MAX_SEEDS {
        return Err(format!(
            "{from}..{to} has {} seeds; a sweep covers at most {MAX_SEEDS}",
            u128::from(to - from) + 1
        ));
    }
    Ok(SeedRange { from, to })
}

/// Parses `--shard I/N`, 1-based.
fn parse_shard(text: &str) -> Result<Shard, String> {
    let t = text.trim();
    let bad = || format!("expected I/N with 1 <= I <= N (e.g. 2/8), found `{t}`");
    let (i, n) = t.split_once('/').ok_or_else(bad)?;
    let index: u64 = i.trim().parse().map_err(|_| bad())?;
    let of: u64 = n.trim().parse().map_err(|_| bad())?;
    if index == 0 || index > of {
        return Err(bad());
    }
    Ok(Shard { index, of })
}

/// How many positions of a range of `len` seeds shard `sh` runs.
fn shard_len(len: u64, sh: Shard) -> u64 {
    let first = sh.index - 1;
    if first >= len {
        0
    } else {
        (len - 1 - first) / sh.of + 1
    }
}

/// Whether shard `sh` runs the seed at position `pos` of the range.
fn in_shard(pos: u64, sh: Shard) -> bool {
    pos % sh.of == sh.index - 1
}

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
    /// Run only shard I of N (1-based): the seeds at positions I-1, I-1+N, ... of the range.
    /// Combine the shards' `--format json` outputs with `spoolsim merge`.
    #[arg(long, value_name = "I/N", value_parser = parse_shard)]
    shard: Option<Shard>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

/// Arguments of `spoolsim merge`.
#[derive(Debug, clap::Args)]
pub(crate) struct MergeArgs {
    /// Outputs of `spoolsim sweep --shard I/N --format json`, one per file, in any order.
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

/// `spoolsim sweep FILE --seeds A..B [--jobs N] [--shard I/N] [--format text|json]`.
pub(crate) fn cmd_sweep(a: SweepArgs) -> Result<(), CliError> {
    let parsed = load(Some(&a.file))?;
    warn(&parsed);
    let bytes = std::fs::read(&a.file)
        .map_err(|e| CliError::Input(format!("{}: cannot read: {e}", a.file.display())))?;
    let scenario = &parsed.scenario;
    let range = a.seeds;
    let shard = a.shard.unwrap_or(Shard { index: 1, of: 1 });
    let count = shard_len(range.len(), shard);
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
    // `count` <= MAX_SEEDS, so positions fit in usize and seeds in u64.
    let seed_at = |k: usize| range.from + (shard.index - 1) + k as u64 * shard.of;
    let tally = pool.install(|| {
        (0..count as usize)
            .into_par_iter()
            .fold(Tally::default, |mut t, k| {
                run_seed(&mut t, scenario, seed_at(k));
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
        from: range.from,
        to: range.to,
        shard: a.shard,
        summary: tally.finish(),
    };
    print(&report, a.format)
}

/// Reads one shard output.
fn read_shard(path: &std::path::Path) -> Result<ShardFile, CliError> {
    let name = path.display();
    let text = std::fs::read_to_string(path)
        .map_err(|e| CliError::Input(format!("{name}: cannot read: {e}")))?;
    let value: serde_json::Value = serde_json::from_str(&text).map_err(|e| {
        CliError::Input(format!(
            "{name}: not the JSON output of `spoolsim sweep --shard I/N --format json`: {e}"
        ))
    })?;
    if value.get("shard").is_none() {
        return Err(CliError::Input(format!(
            "{name}: not a shard output (it has no \"shard\"): run each part with \
             `spoolsim sweep FILE --seeds A..B --shard I/N --format json`"
        )));
    }
    serde_json::from_value(value)
        .map_err(|e| CliError::Input(format!("{name}: not a valid shard output: {e}")))
}

/// `spoolsim merge FILE... [--format text|json]`: the shards' outputs combined into what the
/// unsharded sweep prints.
pub(crate) fn cmd_merge(a: MergeArgs) -> Result<(), CliError> {
    let shards: Vec<ShardFile> = a
        .files
        .iter()
        .map(|p| read_shard(p))
        .collect::<Result<_, _>>()?;
    let report = merge(&a.files, shards)?;
    print(&report, a.format)
}

/// Checks that `shards` (read from `files`) are one sweep's disjoint, complete parts and
/// combines them.
// Split into functions of one job each by the sweep rework; allowed until that lands here.
#[allow(clippy::too_many_lines)]
fn merge(files: &[PathBuf], shards: Vec<ShardFile>) -> Result<Report, CliError> {
    let err = |m: String| Err(CliError::Input(m));
    let name = |i: usize| files[i].display().to_string();
    let Some(first) = shards.first() else {
        return err("merge needs at least one shard output".into());
    };
    if first.spoolsim != VERSION {
        return err(format!(
            "{}: written by spoolsim {}, but this is spoolsim {VERSION}; results of different \
             versions may differ, so merge with the version that ran the shards",
            name(0),
            first.spoolsim
        ));
    }
    for (i, s) in shards.iter().enumerate().skip(1) {
        let differs = if s.spoolsim != first.spoolsim {
            Some(format!("spoolsim {} vs {}", s.spoolsim, first.spoolsim))
        } else if s.scenario != first.scenario || s.fingerprint != first.fingerprint {
            Some(format!(
                "scenario `{}` ({}, {}) vs `{}` ({}, {})",
                s.scenario, s.file, s.fingerprint, first.scenario, first.file, first.fingerprint
            ))
        } else if (s.seeds.from, s.seeds.to) != (first.seeds.from, first.seeds.to) {
            Some(format!(
                "seeds {}..{} vs {}..{}",
                s.seeds.from, s.seeds.to, first.seeds.from, first.seeds.to
            ))
        } else {
            None
        };
        if let Some(d) = differs {
            return err(format!(
                "{} and {} are not parts of one sweep: {d}",
                name(i),
                name(0)
            ));
        }
    }
    let (from, to) = (first.seeds.from, first.seeds.to);
    let range = parse_seeds(&format!("{from}..{to}"))
        .map_err(|e| CliError::Input(format!("{}: {e}", name(0))))?;
    let len = range.len();
    let ids: Vec<Shard> = shards
        .iter()
        .map(|s| Shard {
            index: s.shard.index,
            of: s.shard.of,
        })
        .collect();
    // Each shard is what it says, and no seed is run twice.
    let mut covered = vec![false; len as usize];
    for (i, (s, sh)) in shards.iter().zip(&ids).enumerate() {
        if sh.index == 0 || sh.index > sh.of {
            return err(format!(
                "{}: shard {}/{} does not exist",
                name(i),
                sh.index,
                sh.of
            ));
        }
        let expected = shard_len(len, *sh);
        if s.runs != expected {
            return err(format!(
                "{}: says it ran {} seeds, but shard {}/{} of {from}..{to} has {expected}",
                name(i),
                s.runs,
                sh.index,
                sh.of
            ));
        }
        let mut pos = sh.index - 1;
        while pos < len {
            if covered[pos as usize] {
                let j = ids[..i].iter().position(|o| in_shard(pos, *o)).unwrap_or(0);
                return err(format!(
                    "{} (shard {}/{}) and {} (shard {}/{}) overlap: both ran seed {}",
                    name(j),
                    ids[j].index,
                    ids[j].of,
                    name(i),
                    sh.index,
                    sh.of,
                    from + pos
                ));
            }
            covered[pos as usize] = true;
            pos = pos.saturating_add(sh.of);
        }
    }
    let missing = covered.iter().filter(|c| !**c).count();
    if let Some(pos) = covered.iter().position(|c| !*c) {
        let of = ids[0].of;
        let hint = if ids.iter().all(|s| s.of == of) {
            let absent: Vec<String> = (1..=of.min(1000))
                .filter(|i| !ids.iter().any(|s| s.index == *i))
                .map(|i| format!("{i}/{of}"))
                .collect();
            format!("; missing shard {}", absent.join(", "))
        } else {
            String::new()
        };
        return err(format!(
            "the shards do not cover seeds {from}..{to}: {missing} seeds are in none of them, \
             the first is seed {}{hint}",
            from + pos as u64
        ));
    }
    // The rerun commands name the file as the shard that ran the first seed was given it.
    let file = ids
        .iter()
        .position(|s| s.index == 1)
        .map_or_else(|| first.file.clone(), |i| shards[i].file.clone());
    let (scenario, fp) = (first.scenario.clone(), first.fingerprint.clone());
    let mut total = Summary::default();
    for (i, (s, sh)) in shards.into_iter().zip(ids).enumerate() {
        let mut part = Summary {
            runs: s.runs,
            ..Summary::default()
        };
        for (metric, m) in s.metrics {
            match m.histogram() {
                Some(h) if h.n() <= s.runs => {
                    part.metrics.insert(metric, h);
                }
                _ => {
                    return err(format!(
                        "{}: metric `{metric}` has values inconsistent with its n or runs",
                        name(i)
                    ))
                }
            }
        }
        let listed: Vec<u64> = s.failures.iter().map(|f| f.seed).collect();
        if listed != s.failed_seeds {
            return err(format!(
                "{}: `failed_seeds` and `failures` disagree",
                name(i)
            ));
        }
        for f in s.failures {
            let ok = f.seed >= from && f.seed <= to && in_shard(f.seed - from, sh);
            if !ok {
                return err(format!(
                    "{}: failed seed {} is not one of shard {}/{}'s seeds",
                    name(i),
                    f.seed,
                    sh.index,
                    sh.of
                ));
            }
            if part.failed.insert(f.seed, f.failures).is_some() {
                return err(format!("{}: lists failed seed {} twice", name(i), f.seed));
            }
        }
        if total.absorb(part).is_none() {
            return err(format!("{}: counts too large", name(i)));
        }
    }
    Ok(Report {
        scenario,
        file,
        fingerprint: fp,
        from,
        to,
        shard: None,
        summary: total,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seed_ranges() {
        assert_eq!(parse_seeds("1..200"), Ok(SeedRange { from: 1, to: 200 }));
        assert_eq!(parse_seeds("7..=7"), Ok(SeedRange { from: 7, to: 7 }));
        assert!(parse_seeds("5..2").unwrap_err().contains("empty"));
        assert!(parse_seeds("abc").unwrap_err().contains("A..B"));
        assert!(parse_seeds("1..x").unwrap_err().contains("not a seed"));
        assert!(parse_seeds("-1..3").is_err());
        assert!(parse_seeds("0..18446744073709551615")
            .unwrap_err()
            .contains("at most"));
        let top = u64::MAX;
        assert_eq!(
            parse_seeds(&format!("{}..{top}", top - 1)).map(SeedRange::len),
            Ok(2)
        );
    }

    #[test]
    fn shards_partition_the_range() {
        assert_eq!(parse_shard("2/3"), Ok(Shard { index: 2, of: 3 }));
        for bad in ["0/3", "4/3", "1/0", "1", "a/b", "1/2/3"] {
            assert!(parse_shard(bad).is_err(), "{bad}");
        }
        for len in [1u64, 2, 7, 10] {
            for of in 1..=12 {
                let total: u64 = (1..=of)
                    .map(|index| shard_len(len, Shard { index, of }))
                    .sum();
                assert_eq!(total, len);
                for index in 1..=of {
                    let sh = Shard { index, of };
                    let n = (0..len).filter(|&p| in_shard(p, sh)).count() as u64;
                    assert_eq!(n, shard_len(len, sh));
                }
            }
        }
        let huge = Shard {
            index: 1,
            of: u64::MAX,
        };
        assert_eq!(shard_len(5, huge), 1);
    }

    #[test]
    fn fingerprints_are_fnv1a() {
        assert_eq!(fingerprint(b""), "fnv1a64:cbf29ce484222325");
        assert_eq!(fingerprint(b"a"), "fnv1a64:af63dc4c8601ec8c");
    }
}
