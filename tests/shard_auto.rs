//! `sweep --shard auto` under each batch engine's variables, set on the child process as the
//! engine would set them: the right shard, the engine and variables recorded, shards from
//! different engines that merge into the whole sweep, and exit 2 naming the variables when
//! none is set.

mod sweep_support;

use serde_json::{json, Value};
use sweep_support::*;

const SEEDS: &str = "1..30";

/// Environment variables as an engine sets them.
type Env<'a> = &'a [(&'a str, &'a str)];

/// `--shard auto` under `env`, as JSON.
fn auto(file: &str, env: &[(&str, &str)]) -> Value {
    let o = spoolsim_env(
        &[
            "sweep", file, "--seeds", SEEDS, "--shard", "auto", "--format", "json",
        ],
        env,
    );
    assert!(ran(&o), "{env:?}: {}", stderr(&o));
    json(&o)
}

/// `--shard I/N` given on the command line, as JSON.
fn given(file: &str, shard: &str) -> Value {
    let o = spoolsim(&[
        "sweep", file, "--seeds", SEEDS, "--shard", shard, "--format", "json",
    ]);
    assert!(ran(&o), "{}", stderr(&o));
    json(&o)
}

/// Everything but the record of who chose the shard.
fn without_engine(mut v: Value) -> Value {
    let shard = v["shard"].as_object_mut().unwrap();
    shard.remove("engine");
    shard.remove("variables");
    v
}

/// Engine variables, the shard they give and the engine recorded.
fn cases() -> Vec<(Env<'static>, &'static str, &'static str)> {
    vec![
        (&[("SPOOLSIM_SHARD", "3/4")], "3/4", "environment"),
        (
            &[("JOB_COMPLETION_INDEX", "0"), ("SPOOLSIM_SHARDS", "4")],
            "1/4",
            "kubernetes",
        ),
        (
            &[("JOB_COMPLETION_INDEX", "3"), ("SPOOLSIM_SHARDS", "4")],
            "4/4",
            "kubernetes",
        ),
        (
            &[("SLURM_ARRAY_TASK_ID", "2"), ("SPOOLSIM_SHARDS", "4")],
            "2/4",
            "slurm",
        ),
        // A rerun of one task (--array=7): Slurm describes a one-task array.
        (
            &[
                ("SLURM_ARRAY_TASK_ID", "7"),
                ("SLURM_ARRAY_TASK_MIN", "7"),
                ("SLURM_ARRAY_TASK_MAX", "7"),
                ("SLURM_ARRAY_TASK_COUNT", "1"),
                ("SPOOLSIM_SHARDS", "8"),
            ],
            "7/8",
            "slurm",
        ),
        // --array=10-40:10 without SPOOLSIM_SHARDS: ID 30 is the third of four.
        (
            &[
                ("SLURM_ARRAY_TASK_ID", "30"),
                ("SLURM_ARRAY_TASK_MIN", "10"),
                ("SLURM_ARRAY_TASK_MAX", "40"),
                ("SLURM_ARRAY_TASK_STEP", "10"),
                ("SLURM_ARRAY_TASK_COUNT", "4"),
            ],
            "3/4",
            "slurm",
        ),
        // --array=0-4: IDs from 0.
        (
            &[
                ("SLURM_ARRAY_TASK_ID", "0"),
                ("SLURM_ARRAY_TASK_MIN", "0"),
                ("SLURM_ARRAY_TASK_COUNT", "5"),
            ],
            "1/5",
            "slurm",
        ),
        // SPOOLSIM_SHARD wins over the others, Kubernetes over Slurm.
        (
            &[
                ("SPOOLSIM_SHARD", "2/3"),
                ("JOB_COMPLETION_INDEX", "0"),
                ("SPOOLSIM_SHARDS", "4"),
                ("SLURM_ARRAY_TASK_ID", "4"),
            ],
            "2/3",
            "environment",
        ),
        (
            &[
                ("JOB_COMPLETION_INDEX", "1"),
                ("SPOOLSIM_SHARDS", "4"),
                ("SLURM_ARRAY_TASK_ID", "4"),
            ],
            "2/4",
            "kubernetes",
        ),
    ]
}

#[test]
fn each_engines_variables_pick_the_right_shard() {
    let dir = Scratch::new("auto");
    let file = dir.write("tiny.toml", TINY);
    for (env, shard, engine) in cases() {
        let got = auto(&file, env);
        let (i, n) = shard.split_once('/').unwrap();
        let (i, n): (u64, u64) = (i.parse().unwrap(), n.parse().unwrap());
        assert_eq!(got["shard"]["index"], i, "{env:?}");
        assert_eq!(got["shard"]["of"], n, "{env:?}");
        assert_eq!(got["shard"]["engine"], engine, "{env:?}");
        // The variables that decided it are recorded, and nothing else.
        let vars = got["shard"]["variables"].as_object().unwrap();
        assert!(!vars.is_empty(), "{env:?}");
        for (k, v) in vars {
            assert!(env.contains(&(k.as_str(), v.as_str().unwrap())), "{k}");
        }
        // And the shard is the same work as --shard I/N on the command line.
        let explicit = given(&file, shard);
        assert_eq!(explicit["shard"]["engine"], "command-line");
        assert_eq!(explicit["shard"]["variables"], json!({}));
        assert_eq!(without_engine(got), without_engine(explicit), "{env:?}");
    }
}

#[test]
fn shards_from_different_engines_merge_into_the_whole_sweep() {
    let dir = Scratch::new("engines");
    let file = dir.write("tiny.toml", TINY);
    let envs: [Env; 4] = [
        &[("SPOOLSIM_SHARD", "1/4")],
        &[("JOB_COMPLETION_INDEX", "1"), ("SPOOLSIM_SHARDS", "4")],
        &[("SLURM_ARRAY_TASK_ID", "3"), ("SPOOLSIM_SHARDS", "4")],
        &[
            ("SLURM_ARRAY_TASK_ID", "7"),
            ("SLURM_ARRAY_TASK_MIN", "1"),
            ("SLURM_ARRAY_TASK_STEP", "2"),
            ("SLURM_ARRAY_TASK_COUNT", "4"),
        ],
    ];
    let paths: Vec<String> = envs
        .iter()
        .enumerate()
        .map(|(k, env)| {
            let o = spoolsim_env(
                &[
                    "sweep", &file, "--seeds", SEEDS, "--shard", "auto", "--format", "json",
                ],
                env,
            );
            assert!(ran(&o), "{}", stderr(&o));
            dir.write(&format!("part-{k}.json"), &stdout(&o))
        })
        .collect();
    for format in ["text", "json"] {
        let whole = spoolsim(&["sweep", &file, "--seeds", SEEDS, "--format", format]);
        assert_eq!(code(&whole), 1, "some seeds of the tiny scenario fail");
        let merged = merge(&paths, format);
        assert_eq!(code(&merged), 1, "{}", stderr(&merged));
        assert!(
            merged.stdout == whole.stdout,
            "merged ({format}):\n{}\nwhole:\n{}",
            stdout(&merged),
            stdout(&whole)
        );
    }
}

#[test]
fn no_engine_is_a_usage_error_naming_the_variables() {
    let dir = Scratch::new("none");
    let file = dir.write("tiny.toml", TINY);
    let run = |env: &[(&str, &str)]| {
        let o = spoolsim_env(&["sweep", &file, "--seeds", SEEDS, "--shard", "auto"], env);
        assert_eq!(code(&o), 2, "{env:?}: {}", stdout(&o));
        assert!(o.stdout.is_empty(), "{env:?}");
        let err = stderr(&o);
        assert!(err.starts_with("error: --shard auto: "), "{err}");
        err
    };
    let err = run(&[]);
    for var in [
        "SPOOLSIM_SHARD",
        "SPOOLSIM_SHARDS",
        "JOB_COMPLETION_INDEX",
        "SLURM_ARRAY_TASK_ID",
        "SLURM_ARRAY_TASK_MIN",
        "SLURM_ARRAY_TASK_STEP",
        "SLURM_ARRAY_TASK_COUNT",
    ] {
        assert!(err.contains(var), "{var} not named: {err}");
    }
    // SPOOLSIM_SHARDS alone names no shard.
    assert!(run(&[("SPOOLSIM_SHARDS", "4")]).contains("no batch engine"));
    // An I outside 1..N, whichever engine gives it.
    let err = run(&[("SPOOLSIM_SHARD", "5/4")]);
    assert!(err.contains("SPOOLSIM_SHARD=`5/4`"), "{err}");
    let err = run(&[("JOB_COMPLETION_INDEX", "4"), ("SPOOLSIM_SHARDS", "4")]);
    assert!(
        err.contains("JOB_COMPLETION_INDEX=4") && err.contains("5/4"),
        "{err}"
    );
    let err = run(&[("SLURM_ARRAY_TASK_ID", "0"), ("SPOOLSIM_SHARDS", "4")]);
    assert!(err.contains("SLURM_ARRAY_TASK_ID=0"), "{err}");
    // A Kubernetes index without the shard count; a Slurm ID off the array's grid.
    let err = run(&[("JOB_COMPLETION_INDEX", "0")]);
    assert!(err.contains("SPOOLSIM_SHARDS"), "{err}");
    let err = run(&[
        ("SLURM_ARRAY_TASK_ID", "4"),
        ("SLURM_ARRAY_TASK_MIN", "1"),
        ("SLURM_ARRAY_TASK_STEP", "2"),
        ("SLURM_ARRAY_TASK_COUNT", "4"),
    ]);
    assert!(err.contains("off the array's grid"), "{err}");
    // A bad --shard value names both forms.
    let o = spoolsim(&["sweep", &file, "--seeds", SEEDS, "--shard", "automatic"]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("auto"), "{}", stderr(&o));
}
