//! `spoolsim merge`: shard outputs combined into exactly what the unsharded sweep prints.
//!
//! A sweep spread over a thousand machines comes back as a thousand files, and nothing says
//! they fit in memory together. So `merge` reads them one at a time: each file is checked
//! against the first one read (same spoolsim version, scenario hash, seed range and overrides),
//! its positions are ticked off in a bitmap of the sweep's grid (one bit per run, so an overlap
//! is caught the moment it happens), its histograms are added into running sums, and it is
//! dropped. What stays is one bit per run, the shard each file was (16 bytes, to name both
//! files of an overlap) and the merged histograms, whose size depends on the values the sweep
//! produced, not on how many files carried them.

use std::path::{Path, PathBuf};

use super::engine::{Engine, SPOOLSIM_SHARDS};
use super::grid::{Grid, RunId, SeedRange, MAX_RUNS};
use super::report::{shell_quote, Axis, PointJson, Report, ShardFile, ShardProbe, VERSION};
use super::shard::Shard;
use super::stats::SummarySum;
use super::vary::MAX_POINTS;

/// How many missing shards an error lists one by one.
const LISTED: usize = 10;

/// Why shard outputs do not merge. Every message names the file (or shard) at fault.
#[derive(Debug, thiserror::Error)]
pub(crate) enum MergeError {
    /// No file was given.
    #[error("merge needs the shard outputs to merge: spoolsim merge FILE...")]
    NoFiles,
    /// The file cannot be read.
    #[error("{file}: cannot read: {reason}")]
    Unreadable {
        /// The file.
        file: String,
        /// The system's reason.
        reason: String,
    },
    /// Not JSON at all.
    #[error("{file}: not the JSON output of `spoolsim sweep --shard I/N --format json`: {reason}")]
    NotJson {
        /// The file.
        file: String,
        /// The parser's reason.
        reason: String,
    },
    /// JSON, but not a shard's.
    #[error(
        "{file}: not a shard output (it has no \"shard\"): run each part with \
         `spoolsim sweep FILE --seeds A..B --shard I/N --format json`"
    )]
    NotAShard {
        /// The file.
        file: String,
    },
    /// A shard output whose content contradicts itself.
    #[error("{file}: not a valid shard output: {reason}")]
    Invalid {
        /// The file.
        file: String,
        /// What is wrong.
        reason: String,
    },
    /// Written by another version of spoolsim.
    #[error(
        "{file}: written by spoolsim {found}, but this is spoolsim {VERSION}; results of \
         different versions may differ, so rerun the shards with one version and merge with it"
    )]
    Version {
        /// The file.
        file: String,
        /// Its version.
        found: String,
    },
    /// A shard of another sweep.
    #[error("{file} is not part of the same sweep as {reference}: {what}")]
    Foreign {
        /// The file.
        file: String,
        /// The first file read, which the others are compared with.
        reference: String,
        /// What differs.
        what: String,
    },
    /// The same shard twice.
    #[error("{second} duplicates {first}: both are shard {shard} of this sweep; pass each once")]
    Duplicate {
        /// The file read first.
        first: String,
        /// The file read second.
        second: String,
        /// The shard both are.
        shard: Shard,
    },
    /// Two shards of different splits that share a run.
    #[error("{first} (shard {a}) and {second} (shard {b}) overlap: both ran {run}")]
    Overlap {
        /// The file read first.
        first: String,
        /// Its shard.
        a: Shard,
        /// The file read second.
        second: String,
        /// Its shard.
        b: Shard,
        /// The first run both ran.
        run: String,
    },
    /// Shards of one split are missing.
    #[error(
        "{count} of {of} shards are missing from the sweep of {scenario} (seeds {seeds}): \
         {listed}. To rerun:\n{commands}"
    )]
    Missing {
        /// The scenario's name.
        scenario: String,
        /// The seed range.
        seeds: String,
        /// How many shards are missing.
        count: usize,
        /// How many shards the split has.
        of: u64,
        /// The missing shards, as `I/N`.
        listed: String,
        /// The commands that rerun them.
        commands: String,
    },
    /// Shards of different splits that leave runs out.
    #[error(
        "the shards do not cover seeds {seeds}: {count} runs are in none of them, the first is \
         {first}; shards of different N leave holes, so rerun them all with one N"
    )]
    Holes {
        /// The seed range.
        seeds: String,
        /// How many runs are missing.
        count: u64,
        /// The first missing run.
        first: String,
    },
}

impl MergeError {
    fn invalid(file: &Path, reason: impl Into<String>) -> Self {
        MergeError::Invalid {
            file: file.display().to_string(),
            reason: reason.into(),
        }
    }
}

/// Reads one shard output.
fn read_shard(path: &Path) -> Result<ShardFile, MergeError> {
    let file = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| MergeError::Unreadable {
        file: file.clone(),
        reason: e.to_string(),
    })?;
    let probe: ShardProbe = serde_json::from_slice(&bytes).map_err(|e| MergeError::NotJson {
        file: file.clone(),
        reason: e.to_string(),
    })?;
    if probe.shard.is_none() {
        return Err(MergeError::NotAShard { file });
    }
    serde_json::from_slice(&bytes).map_err(|e| MergeError::invalid(path, e.to_string()))
}

/// What every shard of one sweep shares, taken from the first file read.
#[derive(Debug)]
struct Reference {
    /// The file it was read from.
    path: PathBuf,
    scenario: String,
    /// The scenario file as that shard was given it.
    file: String,
    fingerprint: String,
    scenario_sha256: String,
    overrides: Vec<String>,
    /// The metrics shown, when chosen.
    columns: Option<Vec<String>>,
    /// The varied keys.
    axes: Vec<Axis>,
    grid: Grid,
    /// The engine that chose its shard, for the rerun hints.
    engine: Option<Engine>,
}

impl Reference {
    /// The first difference between `s` and this reference that makes it another sweep.
    fn differs(&self, s: &ShardFile) -> Option<String> {
        let seeds = self.grid.seeds;
        if s.scenario != self.scenario
            || s.scenario_sha256 != self.scenario_sha256
            || s.fingerprint != self.fingerprint
        {
            return Some(format!(
                "another scenario: `{}` ({}, sha256 {}) vs `{}` ({}, sha256 {})",
                s.scenario,
                s.file,
                s.scenario_sha256,
                self.scenario,
                self.file,
                self.scenario_sha256
            ));
        }
        if (s.seeds.from, s.seeds.to) != (seeds.from, seeds.to) {
            return Some(format!(
                "another seed range: seeds {}..{} vs {}..{}",
                s.seeds.from, s.seeds.to, seeds.from, seeds.to
            ));
        }
        if s.overrides != self.overrides {
            let show = |o: &[String]| format!("[{}]", o.join(", "));
            return Some(format!(
                "other overrides: {} vs {}",
                show(&s.overrides),
                show(&self.overrides)
            ));
        }
        let args: Vec<&str> = s.vary.iter().map(|a| a.argument.as_str()).collect();
        let own: Vec<&str> = self.axes.iter().map(|a| a.arg.as_str()).collect();
        if args != own {
            return Some(format!(
                "other --vary lists: [{}] vs [{}]",
                args.join(", "),
                own.join(", ")
            ));
        }
        if s.columns != self.columns {
            let show =
                |c: &Option<Vec<String>>| c.as_ref().map_or("every metric".into(), |c| c.join(","));
            return Some(format!(
                "other --metric choices: {} vs {}",
                show(&s.columns),
                show(&self.columns)
            ));
        }
        None
    }
}

/// The merge under way: what the files read so far add up to.
#[derive(Debug)]
struct Merger<'a> {
    files: &'a [PathBuf],
    reference: Reference,
    total: u64,
    /// One bit per position of the grid: ran by a shard read so far.
    covered: Vec<u64>,
    /// The shard of each file read, in the order read.
    shards: Vec<Shard>,
    /// One running sum per point.
    sums: Vec<SummarySum>,
    /// The scenario file as the shard that ran position 0 was given it (the rerun commands
    /// of the unsharded sweep name it so).
    first_file: Option<String>,
}

/// `files` merged: checked to be one sweep's disjoint, complete parts, and combined.
pub(crate) fn merge_files(files: &[PathBuf]) -> Result<Report, MergeError> {
    let mut merger: Option<Merger<'_>> = None;
    for (i, path) in files.iter().enumerate() {
        let shard = read_shard(path)?;
        if shard.spoolsim != VERSION {
            return Err(MergeError::Version {
                file: path.display().to_string(),
                found: shard.spoolsim,
            });
        }
        let m = match merger.take() {
            Some(m) => m,
            None => Merger::new(files, path, &shard)?,
        };
        merger.insert(m).add(i, shard)?;
    }
    merger.ok_or(MergeError::NoFiles)?.finish()
}

impl<'a> Merger<'a> {
    fn new(files: &'a [PathBuf], path: &Path, first: &ShardFile) -> Result<Self, MergeError> {
        let (from, to) = (first.seeds.from, first.seeds.to);
        if from > to || to - from >= MAX_RUNS {
            return Err(MergeError::invalid(
                path,
                format!("seeds {from}..{to} is not a range of 1 to {MAX_RUNS} seeds"),
            ));
        }
        let axes: Vec<Axis> = first
            .vary
            .iter()
            .map(|a| Axis {
                path: a.path.clone(),
                values: a.values.clone(),
                arg: a.argument.clone(),
            })
            .collect();
        let points = axes
            .iter()
            .try_fold(1usize, |n, a| n.checked_mul(a.values.len()))
            .filter(|n| (1..=MAX_POINTS).contains(n))
            .ok_or_else(|| {
                MergeError::invalid(path, "its --vary lists make no or too many points")
            })?;
        let grid = Grid {
            points: points as u64,
            seeds: SeedRange { from, to },
        };
        let total = grid
            .len()
            .ok_or_else(|| MergeError::invalid(path, "describes a sweep of too many runs"))?;
        let engine = first.shard.engine.as_deref().and_then(Engine::from_name);
        Ok(Merger {
            files,
            reference: Reference {
                path: path.to_path_buf(),
                scenario: first.scenario.clone(),
                file: first.file.clone(),
                fingerprint: first.fingerprint.clone(),
                scenario_sha256: first.scenario_sha256.clone(),
                overrides: first.overrides.clone(),
                columns: first.columns.clone(),
                axes,
                grid,
                engine,
            },
            total,
            covered: vec![0; total.div_ceil(64) as usize],
            shards: Vec::new(),
            sums: (0..points).map(|_| SummarySum::default()).collect(),
            first_file: None,
        })
    }

    fn name(&self, i: usize) -> String {
        self.files[i].display().to_string()
    }

    /// Checks file `i`'s shard and adds it.
    fn add(&mut self, i: usize, s: ShardFile) -> Result<(), MergeError> {
        let path = &self.files[i];
        if let Some(what) = self.reference.differs(&s) {
            return Err(MergeError::Foreign {
                file: self.name(i),
                reference: self.reference.path.display().to_string(),
                what,
            });
        }
        let sh = Shard {
            index: s.shard.index,
            of: s.shard.of,
        };
        if !sh.is_valid() {
            return Err(MergeError::invalid(
                path,
                format!("shard {sh} does not exist"),
            ));
        }
        let expected = sh.len(self.total);
        if s.runs != expected {
            let seeds = self.reference.grid.seeds;
            return Err(MergeError::invalid(
                path,
                format!(
                    "says it ran {} runs, but shard {sh} of seeds {}..{} has {expected}",
                    s.runs, seeds.from, seeds.to
                ),
            ));
        }
        self.cover(i, sh)?;
        self.shards.push(sh);
        if sh.contains(0) {
            self.first_file = Some(s.file.clone());
        }
        self.absorb(i, sh, s)
    }

    /// Ticks off shard `sh`'s positions; a position already ticked is an overlap.
    fn cover(&mut self, i: usize, sh: Shard) -> Result<(), MergeError> {
        for pos in sh.positions(self.total) {
            let (word, bit) = ((pos / 64) as usize, 1u64 << (pos % 64));
            if self.covered[word] & bit == 0 {
                self.covered[word] |= bit;
                continue;
            }
            let j = self
                .shards
                .iter()
                .position(|o| o.contains(pos))
                .unwrap_or(0);
            let (first, second) = (self.name(j), self.name(i));
            return Err(if self.shards[j] == sh {
                MergeError::Duplicate {
                    first,
                    second,
                    shard: sh,
                }
            } else {
                MergeError::Overlap {
                    first,
                    a: self.shards[j],
                    second,
                    b: sh,
                    run: self.describe(pos),
                }
            });
        }
        Ok(())
    }

    /// Adds a checked shard's histograms and failed seeds to the sums: its one summary, or
    /// each of its points'.
    fn absorb(&mut self, i: usize, sh: Shard, s: ShardFile) -> Result<(), MergeError> {
        if self.reference.axes.is_empty() {
            return self.absorb_point(i, sh, 0, s.runs, s.whole);
        }
        let points = self.reference.grid.points;
        if s.points.len() as u64 != points {
            return Err(MergeError::invalid(
                &self.files[i],
                format!(
                    "lists {} points, but the sweep has {points}",
                    s.points.len()
                ),
            ));
        }
        let per_point = self.reference.grid.seeds.len();
        for (p, point) in s.points.into_iter().enumerate() {
            let p = p as u64;
            let runs = sh.len((p + 1) * per_point) - sh.len(p * per_point);
            if point.runs != Some(runs) {
                return Err(MergeError::invalid(
                    &self.files[i],
                    format!(
                        "point {} says it ran {:?} runs, but shard {sh} has {runs} of them",
                        p + 1,
                        point.runs
                    ),
                ));
            }
            self.absorb_point(i, sh, p, runs, point)?;
        }
        Ok(())
    }

    /// Adds the `runs` runs of point `p` that file `i` (shard `sh`) made.
    fn absorb_point(
        &mut self,
        i: usize,
        sh: Shard,
        p: u64,
        runs: u64,
        s: PointJson,
    ) -> Result<(), MergeError> {
        let path = &self.files[i];
        let overflow = || MergeError::invalid(path, "counts too large");
        let sum = &mut self.sums[p as usize];
        sum.add_runs(runs).ok_or_else(overflow)?;
        for (metric, m) in s.metrics {
            let mut n: u64 = 0;
            for &(_, c) in &m.values {
                n = n.checked_add(c).ok_or_else(overflow)?;
            }
            if n != m.n || n == 0 || n > runs {
                return Err(MergeError::invalid(
                    path,
                    format!("metric `{metric}` has values inconsistent with its n or runs"),
                ));
            }
            sum.add_metric(metric, m.values).ok_or_else(overflow)?;
        }
        let listed: Vec<u64> = s.failures.iter().map(|f| f.seed).collect();
        if listed != s.failed_seeds {
            return Err(MergeError::invalid(
                path,
                "`failed_seeds` and `failures` disagree",
            ));
        }
        for f in s.failures {
            let run = RunId {
                point: p,
                seed: f.seed,
            };
            let pos = self.reference.grid.position(run);
            if !pos.is_some_and(|pos| sh.contains(pos)) {
                return Err(MergeError::invalid(
                    path,
                    format!("failed seed {} is not one of shard {sh}'s seeds", f.seed),
                ));
            }
            if !self.sums[p as usize].add_failed(f.seed, f.failures) {
                return Err(MergeError::invalid(
                    path,
                    format!("lists failed seed {} twice", f.seed),
                ));
            }
        }
        Ok(())
    }

    /// A run, for messages.
    fn describe(&self, pos: u64) -> String {
        let run = self.reference.grid.run_at(pos);
        if self.reference.grid.points > 1 {
            format!("seed {} of point {}", run.seed, run.point + 1)
        } else {
            format!("seed {}", run.seed)
        }
    }

    fn is_covered(&self, pos: u64) -> bool {
        self.covered[(pos / 64) as usize] & (1u64 << (pos % 64)) != 0
    }

    /// How many positions no shard ran, and the first of them.
    fn uncovered(&self) -> (u64, Option<u64>) {
        let ran: u64 = self.covered.iter().map(|w| u64::from(w.count_ones())).sum();
        let first = self
            .covered
            .iter()
            .position(|&w| w != u64::MAX)
            .map(|k| k as u64 * 64 + u64::from(self.covered[k].trailing_ones()))
            .filter(|&p| p < self.total);
        (self.total - ran, first)
    }

    /// The report, once every run is covered.
    fn finish(self) -> Result<Report, MergeError> {
        let (count, first) = self.uncovered();
        if let Some(first) = first {
            let of = self.shards[0].of;
            if self.shards.iter().any(|s| s.of != of) {
                let seeds = self.reference.grid.seeds;
                return Err(MergeError::Holes {
                    seeds: format!("{}..{}", seeds.from, seeds.to),
                    count,
                    first: self.describe(first),
                });
            }
            // One split: shard I is missing exactly when its first position is uncovered.
            let missing: Vec<Shard> = (1..=of.min(self.total))
                .map(|index| Shard { index, of })
                .filter(|sh| !self.is_covered(sh.index - 1))
                .collect();
            return Err(self.missing(&missing));
        }
        let r = self.reference;
        let summaries = self
            .sums
            .into_iter()
            .map(SummarySum::finish)
            .collect::<Option<Vec<_>>>()
            .ok_or_else(|| MergeError::Invalid {
                file: r.path.display().to_string(),
                reason: "counts too large".into(),
            })?;
        Ok(Report {
            scenario: r.scenario,
            file: self.first_file.unwrap_or(r.file),
            fingerprint: r.fingerprint,
            scenario_sha256: r.scenario_sha256,
            overrides: r.overrides,
            from: r.grid.seeds.from,
            to: r.grid.seeds.to,
            shard: None,
            columns: r.columns,
            axes: r.axes,
            summaries,
        })
    }

    /// The error for missing shards of one split, with the commands that rerun them.
    fn missing(&self, missing: &[Shard]) -> MergeError {
        let r = &self.reference;
        let seeds = r.grid.seeds;
        let file = self.first_file.as_deref().unwrap_or(&r.file);
        let dir = r.path.parent().filter(|d| !d.as_os_str().is_empty());
        let mut sets = String::new();
        for o in &r.overrides {
            sets += &format!(" --set {}", shell_quote(o));
        }
        for a in &r.axes {
            sets += &format!(" --vary {}", shell_quote(&a.arg));
        }
        if let Some(c) = &r.columns {
            sets += &format!(" --metric {}", shell_quote(&c.join(",")));
        }
        let mut commands: Vec<String> = missing
            .iter()
            .take(LISTED)
            .map(|sh| {
                let name = format!("shard-{}-of-{}.json", sh.index, sh.of);
                let out = dir.map_or(name.clone(), |d| d.join(&name).display().to_string());
                format!(
                    "  spoolsim sweep {}{sets} --seeds {}..{} --shard {sh} --format json > {}",
                    shell_quote(file),
                    seeds.from,
                    seeds.to,
                    shell_quote(&out)
                )
            })
            .collect();
        if missing.len() > LISTED {
            commands.push(format!("  ... and {} more", missing.len() - LISTED));
        }
        let of = missing.first().map_or(1, |s| s.of);
        let indexes: Vec<u64> = missing.iter().map(|s| s.index).collect();
        match r.engine {
            Some(Engine::Slurm) => commands.push(format!(
                "or resubmit those array tasks with the same batch script: \
                 {SPOOLSIM_SHARDS}={of} sbatch --array={} SCRIPT",
                id_ranges(&indexes)
            )),
            Some(Engine::Kubernetes) => commands.push(format!(
                "(in the Indexed Job, these are completion indexes {})",
                id_ranges(&indexes.iter().map(|i| i - 1).collect::<Vec<_>>())
            )),
            _ => {}
        }
        let mut listed: Vec<String> = missing.iter().take(LISTED).map(Shard::to_string).collect();
        if missing.len() > LISTED {
            listed.push(format!("... ({} in all)", missing.len()));
        }
        MergeError::Missing {
            scenario: r.scenario.clone(),
            seeds: format!("{}..{}", seeds.from, seeds.to),
            count: missing.len(),
            of,
            listed: listed.join(", "),
            commands: commands.join("\n"),
        }
    }
}

/// Sorted numbers as Slurm's `--array` writes them: `1-3,7,9-10`.
fn id_ranges(ids: &[u64]) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut k = 0;
    while k < ids.len() {
        let start = ids[k];
        let mut end = start;
        while k + 1 < ids.len() && ids[k + 1] == end + 1 {
            k += 1;
            end = ids[k];
        }
        parts.push(if start == end {
            start.to_string()
        } else {
            format!("{start}-{end}")
        });
        k += 1;
    }
    parts.join(",")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_ranges_are_compact() {
        assert_eq!(id_ranges(&[]), "");
        assert_eq!(id_ranges(&[4]), "4");
        assert_eq!(id_ranges(&[1, 2, 3, 7, 9, 10]), "1-3,7,9-10");
    }
}
