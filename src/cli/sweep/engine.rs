//! `--shard auto`: the shard a batch engine's environment assigns to this process.
//!
//! Batch engines already number their tasks: a CI matrix can set any variable, a Kubernetes
//! Indexed Job sets `JOB_COMPLETION_INDEX` (from 0), a Slurm job array sets
//! `SLURM_ARRAY_TASK_ID` and describes the array's grid. Reading them here means one command
//! line serves every task, with no glue script doing arithmetic. The lookup is a pure function
//! of the variables, tried in a fixed order, so each engine is tested without touching the
//! process environment, and the variables that decided a shard are recorded in its output.

use std::collections::BTreeMap;

use super::shard::{parse_shard, Shard};

/// `I/N` for anything that can set a variable (a CI matrix, a shell loop).
pub(crate) const SPOOLSIM_SHARD: &str = "SPOOLSIM_SHARD";
/// `N`, the number of shards, for Kubernetes and Slurm.
pub(crate) const SPOOLSIM_SHARDS: &str = "SPOOLSIM_SHARDS";
/// A Kubernetes Indexed Job's index, from 0.
pub(crate) const JOB_COMPLETION_INDEX: &str = "JOB_COMPLETION_INDEX";
/// A Slurm array task's ID.
pub(crate) const SLURM_ARRAY_TASK_ID: &str = "SLURM_ARRAY_TASK_ID";
/// The smallest ID of the Slurm array.
pub(crate) const SLURM_ARRAY_TASK_MIN: &str = "SLURM_ARRAY_TASK_MIN";
/// The step between IDs of the Slurm array (1 when unset).
pub(crate) const SLURM_ARRAY_TASK_STEP: &str = "SLURM_ARRAY_TASK_STEP";
/// How many tasks the Slurm array has.
pub(crate) const SLURM_ARRAY_TASK_COUNT: &str = "SLURM_ARRAY_TASK_COUNT";

/// Every variable `--shard auto` may read, in the order it looks at them.
pub(crate) const VARIABLES: [&str; 7] = [
    SPOOLSIM_SHARD,
    JOB_COMPLETION_INDEX,
    SPOOLSIM_SHARDS,
    SLURM_ARRAY_TASK_ID,
    SLURM_ARRAY_TASK_MIN,
    SLURM_ARRAY_TASK_STEP,
    SLURM_ARRAY_TASK_COUNT,
];

/// Where a shard's `I/N` came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Engine {
    /// `--shard I/N` on the command line.
    CommandLine,
    /// `SPOOLSIM_SHARD=I/N` (a CI matrix, or anything else).
    Environment,
    /// A Kubernetes Indexed Job.
    Kubernetes,
    /// A Slurm job array.
    Slurm,
}

impl Engine {
    /// The name written in a shard's JSON.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Engine::CommandLine => "command-line",
            Engine::Environment => "environment",
            Engine::Kubernetes => "kubernetes",
            Engine::Slurm => "slurm",
        }
    }

    /// The engine a shard's JSON names, if it is one of ours.
    pub(crate) fn from_name(name: &str) -> Option<Engine> {
        [
            Engine::CommandLine,
            Engine::Environment,
            Engine::Kubernetes,
            Engine::Slurm,
        ]
        .into_iter()
        .find(|e| e.name() == name)
    }
}

/// A shard, where it came from, and the variables that decided it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Assignment {
    /// The shard this process runs.
    pub(crate) shard: Shard,
    /// Who chose it.
    pub(crate) engine: Engine,
    /// The environment variables read, by name (empty for `--shard I/N`).
    pub(crate) variables: BTreeMap<String, String>,
}

/// Why the environment names no shard.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum AutoError {
    /// No engine's variables are set.
    #[error(
        "--shard auto: no batch engine in the environment. Looked for {SPOOLSIM_SHARD}=I/N \
         (any engine, e.g. a CI matrix); {JOB_COMPLETION_INDEX} with {SPOOLSIM_SHARDS} (a \
         Kubernetes Indexed Job); {SLURM_ARRAY_TASK_ID} with {SPOOLSIM_SHARDS}, or with \
         {SLURM_ARRAY_TASK_MIN}, {SLURM_ARRAY_TASK_STEP} and {SLURM_ARRAY_TASK_COUNT} (a Slurm \
         job array). Set one, or give --shard I/N"
    )]
    NoEngine,
    /// A variable is set but does not hold what it should.
    #[error("--shard auto: {var}=`{value}`: expected {expected}")]
    Malformed {
        /// The variable.
        var: &'static str,
        /// What it holds.
        value: String,
        /// What it should hold.
        expected: &'static str,
    },
    /// An engine's index is set, but not the number of shards.
    #[error("--shard auto: {found} is set ({engine}), but not {missing}: {hint}")]
    Incomplete {
        /// The engine recognised.
        engine: &'static str,
        /// The variable that was found.
        found: &'static str,
        /// The variable that is missing.
        missing: &'static str,
        /// How to fix it.
        hint: &'static str,
    },
    /// A Slurm task ID that is not `MIN + k * STEP`.
    #[error(
        "--shard auto: {SLURM_ARRAY_TASK_ID}={id} is off the array's grid \
         ({SLURM_ARRAY_TASK_MIN}={min}, {SLURM_ARRAY_TASK_STEP}={step}); set {SPOOLSIM_SHARDS} \
         to the number of shards and submit the array as --array=1-N"
    )]
    OffGrid {
        /// The task ID.
        id: u64,
        /// The array's smallest ID.
        min: u64,
        /// The array's step.
        step: u64,
    },
    /// The variables give an `I` outside `1..N`.
    #[error("--shard auto: {from} gives shard {index}/{of}, but a shard is I/N with 1 <= I <= N")]
    OutOfRange {
        /// The variables, as `NAME=value` pairs.
        from: String,
        /// The `I` they give (0 when it would be negative).
        index: u64,
        /// The `N` they give.
        of: u64,
    },
}

/// The variables of [`VARIABLES`] that are set (and not empty) in this process.
pub(crate) fn process_env() -> BTreeMap<String, String> {
    VARIABLES
        .iter()
        .filter_map(|&name| {
            let value = std::env::var_os(name)?.to_string_lossy().into_owned();
            Some((name.to_string(), value))
        })
        .collect()
}

/// Reads the environment `env` as `--shard auto` does: `SPOOLSIM_SHARD`, then a Kubernetes
/// Indexed Job, then a Slurm job array. An empty variable counts as unset.
pub(crate) fn resolve(env: &BTreeMap<String, String>) -> Result<Assignment, AutoError> {
    let lookup = Lookup { env };
    if let Some(text) = lookup.text(SPOOLSIM_SHARD) {
        let shard = parse_shard(text).map_err(|_| AutoError::Malformed {
            var: SPOOLSIM_SHARD,
            value: text.to_string(),
            expected: "I/N with 1 <= I <= N, e.g. 2/8",
        })?;
        return Ok(lookup.assign(shard, Engine::Environment, &[SPOOLSIM_SHARD]));
    }
    if let Some(index) = lookup.number(JOB_COMPLETION_INDEX)? {
        let Some(of) = lookup.number(SPOOLSIM_SHARDS)? else {
            return Err(AutoError::Incomplete {
                engine: "a Kubernetes Indexed Job",
                found: JOB_COMPLETION_INDEX,
                missing: SPOOLSIM_SHARDS,
                hint: "set it in the Job's pod template to the Job's `completions`",
            });
        };
        let vars = [JOB_COMPLETION_INDEX, SPOOLSIM_SHARDS];
        let shard = lookup.checked(index.saturating_add(1), of, &vars)?;
        return Ok(lookup.assign(shard, Engine::Kubernetes, &vars));
    }
    if let Some(id) = lookup.number(SLURM_ARRAY_TASK_ID)? {
        return slurm(&lookup, id);
    }
    Err(AutoError::NoEngine)
}

/// A Slurm array task: `I` is the task ID when `SPOOLSIM_SHARDS` is set (so a rerun of one
/// task with `--array=7` is still shard 7), otherwise its place on the array's grid.
fn slurm(lookup: &Lookup<'_>, id: u64) -> Result<Assignment, AutoError> {
    if let Some(of) = lookup.number(SPOOLSIM_SHARDS)? {
        let vars = [SLURM_ARRAY_TASK_ID, SPOOLSIM_SHARDS];
        let shard = lookup.checked(id, of, &vars)?;
        return Ok(lookup.assign(shard, Engine::Slurm, &vars));
    }
    let incomplete = |missing| AutoError::Incomplete {
        engine: "a Slurm job array",
        found: SLURM_ARRAY_TASK_ID,
        missing,
        hint: "set SPOOLSIM_SHARDS to the number of shards and submit the array as --array=1-N",
    };
    let min = lookup
        .number(SLURM_ARRAY_TASK_MIN)?
        .ok_or_else(|| incomplete(SLURM_ARRAY_TASK_MIN))?;
    let of = lookup
        .number(SLURM_ARRAY_TASK_COUNT)?
        .ok_or_else(|| incomplete(SLURM_ARRAY_TASK_COUNT))?;
    let step = lookup.number(SLURM_ARRAY_TASK_STEP)?.unwrap_or(1);
    if step == 0 {
        return Err(AutoError::Malformed {
            var: SLURM_ARRAY_TASK_STEP,
            value: "0".into(),
            expected: "a whole number above 0",
        });
    }
    let mut vars = vec![SLURM_ARRAY_TASK_ID, SLURM_ARRAY_TASK_MIN];
    if lookup.text(SLURM_ARRAY_TASK_STEP).is_some() {
        vars.push(SLURM_ARRAY_TASK_STEP);
    }
    vars.push(SLURM_ARRAY_TASK_COUNT);
    let Some(offset) = id.checked_sub(min) else {
        return Err(lookup.out_of_range(0, of, &vars));
    };
    if offset % step != 0 {
        return Err(AutoError::OffGrid { id, min, step });
    }
    let shard = lookup.checked(offset / step + 1, of, &vars)?;
    Ok(lookup.assign(shard, Engine::Slurm, &vars))
}

/// Typed reads of the environment map.
struct Lookup<'a> {
    env: &'a BTreeMap<String, String>,
}

impl Lookup<'_> {
    /// A variable's text, trimmed; `None` when unset or empty.
    fn text(&self, var: &str) -> Option<&str> {
        self.env
            .get(var)
            .map(|v| v.trim())
            .filter(|v| !v.is_empty())
    }

    /// A variable as a whole number; `None` when unset or empty.
    fn number(&self, var: &'static str) -> Result<Option<u64>, AutoError> {
        let Some(text) = self.text(var) else {
            return Ok(None);
        };
        text.parse().map(Some).map_err(|_| AutoError::Malformed {
            var,
            value: text.to_string(),
            expected: "a whole number",
        })
    }

    /// `vars` as `NAME=value` pairs, for messages.
    fn pairs(&self, vars: &[&str]) -> String {
        let shown: Vec<String> = vars
            .iter()
            .map(|v| format!("{v}={}", self.text(v).unwrap_or("")))
            .collect();
        shown.join(", ")
    }

    fn out_of_range(&self, index: u64, of: u64, vars: &[&str]) -> AutoError {
        AutoError::OutOfRange {
            from: self.pairs(vars),
            index,
            of,
        }
    }

    /// `index/of` if it is a shard, else an error naming `vars`.
    fn checked(&self, index: u64, of: u64, vars: &[&str]) -> Result<Shard, AutoError> {
        let shard = Shard { index, of };
        if shard.is_valid() {
            Ok(shard)
        } else {
            Err(self.out_of_range(index, of, vars))
        }
    }

    fn assign(&self, shard: Shard, engine: Engine, vars: &[&str]) -> Assignment {
        let variables = vars
            .iter()
            .filter_map(|v| Some((v.to_string(), self.text(v)?.to_string())))
            .collect();
        Assignment {
            shard,
            engine,
            variables,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn shard(pairs: &[(&str, &str)]) -> (u64, u64, Engine) {
        let a = resolve(&env(pairs)).unwrap_or_else(|e| panic!("{pairs:?}: {e}"));
        (a.shard.index, a.shard.of, a.engine)
    }

    fn error(pairs: &[(&str, &str)]) -> String {
        match resolve(&env(pairs)) {
            Ok(a) => panic!("{pairs:?} gave {a:?}"),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn spoolsim_shard_comes_first() {
        use Engine::*;
        assert_eq!(shard(&[("SPOOLSIM_SHARD", "3/8")]), (3, 8, Environment));
        let everything = [
            ("SPOOLSIM_SHARD", " 2/5 "),
            ("JOB_COMPLETION_INDEX", "0"),
            ("SPOOLSIM_SHARDS", "9"),
            ("SLURM_ARRAY_TASK_ID", "4"),
        ];
        assert_eq!(shard(&everything), (2, 5, Environment));
        let a = resolve(&env(&everything)).unwrap();
        assert_eq!(a.variables, env(&[("SPOOLSIM_SHARD", "2/5")]));
        for bad in ["0/4", "5/4", "x", "3"] {
            let e = error(&[("SPOOLSIM_SHARD", bad)]);
            assert!(e.contains("SPOOLSIM_SHARD=") && e.contains("I/N"), "{e}");
        }
    }

    #[test]
    fn kubernetes_indexed_jobs_count_from_zero() {
        use Engine::*;
        let k = |i: &str, n: &str| shard(&[("JOB_COMPLETION_INDEX", i), ("SPOOLSIM_SHARDS", n)]);
        assert_eq!(k("0", "4"), (1, 4, Kubernetes));
        assert_eq!(k("3", "4"), (4, 4, Kubernetes));
        // Kubernetes comes before Slurm.
        let both = [
            ("JOB_COMPLETION_INDEX", "1"),
            ("SPOOLSIM_SHARDS", "4"),
            ("SLURM_ARRAY_TASK_ID", "4"),
        ];
        assert_eq!(shard(&both), (2, 4, Kubernetes));
        let e = error(&[("JOB_COMPLETION_INDEX", "4"), ("SPOOLSIM_SHARDS", "4")]);
        assert!(
            e.contains("JOB_COMPLETION_INDEX=4") && e.contains("5/4"),
            "{e}"
        );
        let e = error(&[("JOB_COMPLETION_INDEX", "0")]);
        assert!(
            e.contains("SPOOLSIM_SHARDS") && e.contains("completions"),
            "{e}"
        );
        let e = error(&[("JOB_COMPLETION_INDEX", "-1"), ("SPOOLSIM_SHARDS", "4")]);
        assert!(e.contains("JOB_COMPLETION_INDEX=`-1`"), "{e}");
    }

    #[test]
    fn slurm_with_spoolsim_shards_uses_the_task_id() {
        use Engine::*;
        let s = |id: &str, n: &str| shard(&[("SLURM_ARRAY_TASK_ID", id), ("SPOOLSIM_SHARDS", n)]);
        assert_eq!(s("1", "8"), (1, 8, Slurm));
        // A rerun of task 7 alone (--array=7): Slurm says MIN=7, COUNT=1, but it is shard 7.
        let rerun = [
            ("SLURM_ARRAY_TASK_ID", "7"),
            ("SLURM_ARRAY_TASK_MIN", "7"),
            ("SLURM_ARRAY_TASK_MAX", "7"),
            ("SLURM_ARRAY_TASK_COUNT", "1"),
            ("SPOOLSIM_SHARDS", "8"),
        ];
        assert_eq!(shard(&rerun), (7, 8, Slurm));
        let e = error(&[("SLURM_ARRAY_TASK_ID", "0"), ("SPOOLSIM_SHARDS", "8")]);
        assert!(
            e.contains("SLURM_ARRAY_TASK_ID=0") && e.contains("0/8"),
            "{e}"
        );
        let e = error(&[("SLURM_ARRAY_TASK_ID", "9"), ("SPOOLSIM_SHARDS", "8")]);
        assert!(e.contains("9/8"), "{e}");
    }

    #[test]
    fn slurm_without_spoolsim_shards_uses_the_arrays_grid() {
        use Engine::*;
        let grid = |id: &str, min: &str, step: Option<&str>, count: &str| {
            let mut pairs = vec![
                ("SLURM_ARRAY_TASK_ID", id),
                ("SLURM_ARRAY_TASK_MIN", min),
                ("SLURM_ARRAY_TASK_COUNT", count),
            ];
            pairs.extend(step.map(|s| ("SLURM_ARRAY_TASK_STEP", s)));
            env(&pairs)
        };
        // --array=0-3
        let a = resolve(&grid("0", "0", None, "4")).unwrap();
        assert_eq!((a.shard.index, a.shard.of, a.engine), (1, 4, Slurm));
        assert_eq!(a.variables.len(), 3);
        // --array=10-40:10 gives IDs 10, 20, 30, 40.
        let a = resolve(&grid("30", "10", Some("10"), "4")).unwrap();
        assert_eq!((a.shard.index, a.shard.of), (3, 4));
        assert_eq!(a.variables["SLURM_ARRAY_TASK_STEP"], "10");
        // Off the grid, below it, past it.
        let e = resolve(&grid("25", "10", Some("10"), "4")).unwrap_err();
        assert_eq!(
            e,
            AutoError::OffGrid {
                id: 25,
                min: 10,
                step: 10
            }
        );
        assert!(e.to_string().contains("SPOOLSIM_SHARDS"), "{e}");
        let e = resolve(&grid("5", "10", None, "4"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("SLURM_ARRAY_TASK_MIN=10"), "{e}");
        let e = resolve(&grid("50", "10", Some("10"), "4"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("5/4"), "{e}");
        let e = resolve(&grid("1", "1", Some("0"), "4"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("SLURM_ARRAY_TASK_STEP"), "{e}");
        let e = error(&[("SLURM_ARRAY_TASK_ID", "3"), ("SLURM_ARRAY_TASK_MIN", "1")]);
        assert!(e.contains("SLURM_ARRAY_TASK_COUNT"), "{e}");
        let e = error(&[("SLURM_ARRAY_TASK_ID", "3")]);
        assert!(e.contains("SLURM_ARRAY_TASK_MIN"), "{e}");
    }

    #[test]
    fn nothing_set_names_every_variable() {
        let e = error(&[]);
        for var in VARIABLES {
            assert!(e.contains(var), "{var}: {e}");
        }
        // SPOOLSIM_SHARDS alone names no shard; empty variables are unset.
        assert_eq!(
            resolve(&env(&[("SPOOLSIM_SHARDS", "4")])),
            Err(AutoError::NoEngine)
        );
        assert_eq!(
            resolve(&env(&[
                ("SPOOLSIM_SHARD", ""),
                ("SLURM_ARRAY_TASK_ID", " ")
            ])),
            Err(AutoError::NoEngine)
        );
        for e in [
            Engine::CommandLine,
            Engine::Environment,
            Engine::Kubernetes,
            Engine::Slurm,
        ] {
            assert_eq!(Engine::from_name(e.name()), Some(e));
        }
    }
}
