//! The runs of a sweep, numbered: the grid of positions that shards split and `merge` covers.
//!
//! A sweep is a list of runs, each a (point, seed) pair: one point per combination of the
//! `--vary` values (one point, the scenario as written, without `--vary`) times a range of
//! seeds. Sharding and merging never look at seeds directly; they
//! work on *positions* in that list, point-major, so a sweep over several points splits and
//! merges with the same code as a sweep over seeds.

/// The most runs one sweep (all its shards together) may cover: enough for any study, and a
/// bound on what `merge` allocates to check coverage.
pub(crate) const MAX_RUNS: u64 = 10_000_000;

/// An inclusive range of seeds, `A..B`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct SeedRange {
    /// The first seed.
    pub(crate) from: u64,
    /// The last seed, inclusive.
    pub(crate) to: u64,
}

impl SeedRange {
    /// How many seeds (at most [`MAX_RUNS`], so it fits everywhere).
    pub(crate) fn len(self) -> u64 {
        self.to - self.from + 1
    }
}

/// Parses `--seeds A..B` (also `A..=B`), inclusive.
pub(crate) fn parse_seeds(text: &str) -> Result<SeedRange, String> {
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
    if to - from >= MAX_RUNS {
        return Err(format!(
            "{from}..{to} has {} seeds; a sweep covers at most {MAX_RUNS}",
            u128::from(to - from) + 1
        ));
    }
    Ok(SeedRange { from, to })
}

/// One run of a sweep: which point of the grid, with which seed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct RunId {
    /// The point, from 0 (always 0 for a sweep over seeds alone).
    pub(crate) point: u64,
    /// The seed.
    pub(crate) seed: u64,
}

/// Every run of a sweep: `points` points, each over the same seeds, numbered point-major.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Grid {
    /// How many points (at least 1).
    pub(crate) points: u64,
    /// The seeds each point runs.
    pub(crate) seeds: SeedRange,
}

impl Grid {
    /// How many runs, or `None` past [`MAX_RUNS`].
    pub(crate) fn len(self) -> Option<u64> {
        self.points
            .checked_mul(self.seeds.len())
            .filter(|&n| n <= MAX_RUNS)
    }

    /// The run at `position` (below [`Grid::len`]).
    pub(crate) fn run_at(self, position: u64) -> RunId {
        let per_point = self.seeds.len();
        RunId {
            point: position / per_point,
            seed: self.seeds.from + position % per_point,
        }
    }

    /// The position of a run, or `None` if the run is not in the grid.
    pub(crate) fn position(self, run: RunId) -> Option<u64> {
        let s = self.seeds;
        if run.point >= self.points || run.seed < s.from || run.seed > s.to {
            return None;
        }
        Some(run.point * s.len() + (run.seed - s.from))
    }
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
    fn positions_are_point_major_and_round_trip() {
        let grid = Grid {
            points: 3,
            seeds: SeedRange { from: 10, to: 13 },
        };
        assert_eq!(grid.len(), Some(12));
        assert_eq!(grid.run_at(0), RunId { point: 0, seed: 10 });
        assert_eq!(grid.run_at(5), RunId { point: 1, seed: 11 });
        for pos in 0..12 {
            assert_eq!(grid.position(grid.run_at(pos)), Some(pos));
        }
        assert_eq!(grid.position(RunId { point: 3, seed: 10 }), None);
        assert_eq!(grid.position(RunId { point: 0, seed: 9 }), None);
        assert_eq!(grid.position(RunId { point: 0, seed: 14 }), None);
        let seeds = SeedRange {
            from: 0,
            to: MAX_RUNS - 1,
        };
        assert_eq!(Grid { points: 1, seeds }.len(), Some(MAX_RUNS));
        assert_eq!(Grid { points: 2, seeds }.len(), None);
    }
}
