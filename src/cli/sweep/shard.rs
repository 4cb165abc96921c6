//! `--shard I/N`: which positions of a sweep's grid one machine runs.
//!
//! Shard `I` of `N` takes the positions `I-1`, `I-1+N`, `I-1+2N`, ... (round robin, not
//! blocks), so every shard gets a fair mix of seeds and points whatever `N` is, and the set of
//! a shard's positions is known from `I`, `N` and the grid's size alone: `merge` can check
//! coverage without being told anything else.

/// One shard of a sweep: `--shard index/of`, 1-based.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Shard {
    /// Which shard, from 1.
    pub(crate) index: u64,
    /// How many shards.
    pub(crate) of: u64,
}

/// What `--shard` was given: a shard, or `auto` (take it from the batch engine's environment).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ShardArg {
    /// `--shard I/N`.
    Given(Shard),
    /// `--shard auto`.
    Auto,
}

/// Parses `I/N`, 1-based, as `--shard` and `SPOOLSIM_SHARD` write it.
pub(crate) fn parse_shard(text: &str) -> Result<Shard, String> {
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

/// Parses `--shard I/N` or `--shard auto`.
pub(crate) fn parse_shard_arg(text: &str) -> Result<ShardArg, String> {
    if text.trim() == "auto" {
        return Ok(ShardArg::Auto);
    }
    parse_shard(text).map(ShardArg::Given).map_err(|e| {
        format!("{e}, or `auto` to take it from the batch engine (Slurm, Kubernetes, CI)")
    })
}

impl Shard {
    /// The whole sweep as one shard.
    pub(crate) const WHOLE: Shard = Shard { index: 1, of: 1 };

    /// Whether `index` and `of` describe a shard (`1 <= index <= of`).
    pub(crate) fn is_valid(self) -> bool {
        self.index >= 1 && self.index <= self.of
    }

    /// How many positions of a grid of `total` runs this shard runs.
    pub(crate) fn len(self, total: u64) -> u64 {
        let first = self.index - 1;
        if first >= total {
            0
        } else {
            (total - 1 - first) / self.of + 1
        }
    }

    /// Whether this shard runs position `pos`.
    pub(crate) fn contains(self, pos: u64) -> bool {
        pos % self.of == self.index - 1
    }

    /// The `k`-th position this shard runs (`k` below [`Shard::len`]).
    pub(crate) fn nth(self, k: u64) -> u64 {
        (self.index - 1) + k * self.of
    }

    /// Every position this shard runs in a grid of `total` runs, in order.
    pub(crate) fn positions(self, total: u64) -> impl Iterator<Item = u64> {
        (0..self.len(total)).map(move |k| self.nth(k))
    }
}

impl std::fmt::Display for Shard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.index, self.of)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shard_arguments() {
        assert_eq!(parse_shard("2/3"), Ok(Shard { index: 2, of: 3 }));
        assert_eq!(parse_shard_arg(" auto "), Ok(ShardArg::Auto));
        assert_eq!(parse_shard_arg("1/1"), Ok(ShardArg::Given(Shard::WHOLE)));
        for bad in ["0/3", "4/3", "1/0", "1", "a/b", "1/2/3", "Auto", ""] {
            let e = parse_shard_arg(bad).unwrap_err();
            assert!(e.contains("I/N") && e.contains("auto"), "{bad}: {e}");
        }
        assert_eq!(Shard { index: 3, of: 8 }.to_string(), "3/8");
    }

    #[test]
    fn shards_partition_the_grid() {
        for total in [0u64, 1, 2, 7, 10] {
            for of in 1..=12 {
                let mut seen = vec![0u32; total as usize];
                for index in 1..=of {
                    let sh = Shard { index, of };
                    let mine: Vec<u64> = sh.positions(total).collect();
                    assert_eq!(mine.len() as u64, sh.len(total));
                    for &p in &mine {
                        assert!(sh.contains(p));
                        seen[p as usize] += 1;
                    }
                    let n = (0..total).filter(|&p| sh.contains(p)).count() as u64;
                    assert_eq!(n, sh.len(total));
                }
                assert!(seen.iter().all(|&c| c == 1), "{total} runs, {of} shards");
            }
        }
        let huge = Shard {
            index: 1,
            of: u64::MAX,
        };
        assert_eq!(huge.len(5), 1);
        assert!(!Shard { index: 0, of: 3 }.is_valid());
        assert!(!Shard { index: 4, of: 3 }.is_valid());
    }
}
