//! `spoolsim merge` at the scale of a batch engine: a thousand shard files in any order merge
//! into the unsharded sweep's bytes with memory that does not grow with the number of files;
//! a missing shard is named with a command that really reruns it; foreign, duplicated and
//! overlapping shards are refused naming the file.

mod sweep_support;

use serde_json::Value;
use sweep_support::*;

/// `files` in a scrambled but fixed order: merge must not care.
fn scrambled(files: &[String]) -> Vec<String> {
    let n = files.len();
    // 7919 is prime, so i * 7919 mod n visits every index once when n is not a multiple of it.
    (0..n).map(|i| files[(i * 7919 + 13) % n].clone()).collect()
}

/// Merges 10 and 1,000 shards of `seeds` of the tiny scenario, checks both against the
/// unsharded sweep byte for byte, and returns the peak RSS of each merge (KiB) when measurable.
fn thousand_shards(name: &str, seeds: &str) -> Option<(u64, u64)> {
    let dir = Scratch::new(name);
    let file = dir.write("tiny.toml", TINY);
    let whole = spoolsim(&["sweep", &file, "--seeds", seeds, "--format", "json"]);
    assert_eq!(code(&whole), 1, "{}", stderr(&whole));
    let mut rss = Vec::new();
    for of in [10u64, 1000] {
        let sub = dir.0.join(format!("of-{of}"));
        std::fs::create_dir_all(&sub).unwrap();
        let files = scrambled(&write_shards(&sub, &file, seeds, of));
        // Named relative to their folder, so the list of names is the same size as a glob's.
        let mut args: Vec<String> = vec!["merge".into(), "--format".into(), "json".into()];
        args.extend(
            files
                .iter()
                .map(|f| f.rsplit('/').next().unwrap().to_string()),
        );
        let (kib, merged) = match peak_rss_kib(&args, &sub, &dir) {
            Some((kib, o)) => (Some(kib), o),
            None => (None, merge(&files, "json")),
        };
        assert_eq!(code(&merged), 1, "{}", stderr(&merged));
        assert!(
            merged.stdout == whole.stdout,
            "{of} shards merged differ from the unsharded sweep"
        );
        println!(
            "merge of {of} shard files of a {seeds} sweep: peak RSS {}",
            kib.map_or("not measured (no /usr/bin/time)".into(), |k| format!(
                "{k} KiB"
            ))
        );
        rss.push(kib);
    }
    Some((rss[0]?, rss[1]?))
}

/// Memory may not grow with the number of files: 1,000 files may cost at most 1 MiB more than
/// 10 (the list of paths itself, and allocator noise). Merging that held every shard in memory
/// cost about 4 MiB more for this sweep.
fn assert_flat(rss: Option<(u64, u64)>) {
    match rss {
        Some((ten, thousand)) => assert!(
            thousand <= ten + 1024,
            "peak RSS grew with the number of files: {ten} KiB for 10, {thousand} KiB for 1,000"
        ),
        None => println!("skipped the memory check: /usr/bin/time is not installed"),
    }
}

#[test]
fn merge_of_1000_shard_files_is_the_whole_sweep_in_flat_memory() {
    assert_flat(thousand_shards("thousand", "1..3000"));
}

/// The full-size check, run once in release and reported:
/// `cargo test --release --test merge_shards -- --ignored --nocapture`.
#[test]
#[ignore = "100,000 seeds: run in release"]
fn merge_of_1000_shard_files_of_100000_seeds() {
    assert_flat(thousand_shards("hundred-thousand", "1..100000"));
}

/// The rerun commands an error prints, as argument lists (`spoolsim` and the `> FILE`
/// redirection split off).
fn rerun_commands(err: &str) -> Vec<(Vec<String>, String)> {
    err.lines()
        .filter_map(|l| l.trim().strip_prefix("spoolsim sweep "))
        .map(|l| {
            let (cmd, out) = l.split_once(" > ").unwrap();
            let args = std::iter::once("sweep".to_string())
                .chain(cmd.split_whitespace().map(String::from))
                .collect();
            (args, out.to_string())
        })
        .collect()
}

#[test]
fn a_missing_shard_is_named_with_the_command_that_reruns_it() {
    let dir = Scratch::new("missing");
    let file = dir.write("tiny.toml", TINY);
    let whole = spoolsim(&["sweep", &file, "--seeds", "1..40", "--format", "json"]);
    let all = write_shards(&dir.0, &file, "1..40", 5);
    for gone in [&all[1], &all[3]] {
        std::fs::remove_file(gone).unwrap();
    }
    let present = vec![all[4].clone(), all[0].clone(), all[2].clone()];
    let o = merge(&present, "json");
    assert_eq!(code(&o), 2);
    assert!(o.stdout.is_empty());
    let err = stderr(&o);
    assert!(
        err.contains("2 of 5 shards are missing") && err.contains(": 2/5, 4/5."),
        "{err}"
    );
    // Running the printed commands brings the missing shards back where merge finds them.
    let commands = rerun_commands(&err);
    assert_eq!(commands.len(), 2, "{err}");
    for (args, out) in &commands {
        assert!(out.ends_with(".json"), "{out}");
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let o = spoolsim(&args);
        assert!(ran(&o), "{args:?}: {}", stderr(&o));
        std::fs::write(out, &o.stdout).unwrap();
    }
    let mut files = present;
    files.extend(commands.into_iter().map(|c| c.1));
    let merged = merge(&files, "json");
    assert!(merged.stdout == whole.stdout, "{}", stderr(&merged));

    // Shards that came from a Slurm array also get the array tasks to resubmit.
    let slurm = |id: &str| {
        let o = spoolsim_env(
            &[
                "sweep", &file, "--seeds", "1..40", "--shard", "auto", "--format", "json",
            ],
            &[("SLURM_ARRAY_TASK_ID", id), ("SPOOLSIM_SHARDS", "6")],
        );
        dir.write(&format!("slurm-{id}.json"), &stdout(&o))
    };
    let o = merge(&[slurm("1"), slurm("5")], "text");
    let err = stderr(&o);
    assert!(
        err.contains("SPOOLSIM_SHARDS=6 sbatch --array=2-4,6 "),
        "{err}"
    );
}

/// A shard file with one change made to its JSON.
fn altered(dir: &Scratch, path: &str, name: &str, change: impl Fn(&mut Value)) -> String {
    let mut v: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    change(&mut v);
    dir.write(name, &v.to_string())
}

#[test]
fn foreign_duplicated_and_overlapping_shards_are_refused_naming_the_file() {
    let dir = Scratch::new("foreign");
    let file = dir.write("tiny.toml", TINY);
    let two = write_shards(&dir.0, &file, "1..20", 2);
    let refused = |files: &[String], needles: &[&str]| {
        let o = merge(files, "text");
        assert_eq!(code(&o), 2, "{needles:?}: {}", stdout(&o));
        assert!(o.stdout.is_empty());
        let err = stderr(&o);
        for n in needles {
            assert!(err.contains(n), "{n:?} not in: {err}");
        }
    };
    // Another spoolsim version.
    let old = altered(&dir, &two[1], "old.json", |v| {
        v["spoolsim"] = "0.0.1".into()
    });
    refused(
        &[two[0].clone(), old.clone()],
        &[&old, "written by spoolsim 0.0.1"],
    );
    // Another override set.
    let set = altered(&dir, &two[1], "set.json", |v| {
        v["overrides"] = serde_json::json!(["transport.lan.failure_rate=0.1"])
    });
    refused(
        &[two[0].clone(), set.clone()],
        &[
            &set,
            &two[0],
            "other overrides: [transport.lan.failure_rate=0.1] vs []",
        ],
    );
    // Another scenario text (its hash), even under the same name and file name.
    let edited = dir.write("edited.toml", &TINY.replace("count = 3", "count = 4"));
    let other = spoolsim(&[
        "sweep", &edited, "--seeds", "1..20", "--shard", "2/2", "--format", "json",
    ]);
    let other = altered(
        &dir,
        &dir.write("o.json", &stdout(&other)),
        "o2.json",
        |v| v["file"] = file.clone().into(),
    );
    refused(
        &[two[0].clone(), other.clone()],
        &[&other, "another scenario"],
    );
    // Another seed range.
    let wider = spoolsim(&[
        "sweep", &file, "--seeds", "1..21", "--shard", "2/2", "--format", "json",
    ]);
    let wider = dir.write("wider.json", &stdout(&wider));
    refused(
        &[two[0].clone(), wider.clone()],
        &[&wider, "another seed range: seeds 1..21 vs 1..20"],
    );
    // The same shard under two names; two splits that overlap.
    let copy = dir.write("copy.json", &std::fs::read_to_string(&two[0]).unwrap());
    refused(
        &[two[0].clone(), two[1].clone(), copy.clone()],
        &[&format!("{copy} duplicates {}", two[0]), "shard 1/2"],
    );
    let three = dir.0.join("three");
    std::fs::create_dir_all(&three).unwrap();
    let three = write_shards(&three, &file, "1..20", 3);
    refused(
        &[two[1].clone(), three[1].clone()],
        &[&two[1], &three[1], "overlap", "seed 2"],
    );
}

#[test]
fn splits_of_different_n_merge_when_they_fit_together() {
    let dir = Scratch::new("mixed");
    let file = dir.write("tiny.toml", TINY);
    let (two, four) = (dir.0.join("two"), dir.0.join("four"));
    std::fs::create_dir_all(&two).unwrap();
    std::fs::create_dir_all(&four).unwrap();
    let two = write_shards(&two, &file, "1..20", 2);
    let four = write_shards(&four, &file, "1..20", 4);
    let whole = spoolsim(&["sweep", &file, "--seeds", "1..20"]);
    // 1/2 runs positions 0, 2, 4, ...; 2/4 and 4/4 run the odd ones between them.
    let mixed = merge(&[four[3].clone(), two[0].clone(), four[1].clone()], "text");
    assert!(mixed.stdout == whole.stdout, "{}", stderr(&mixed));
    let o = merge(&[two[0].clone(), four[1].clone()], "text");
    assert_eq!(code(&o), 2);
    let err = stderr(&o);
    assert!(
        err.contains("do not cover seeds 1..20") && err.contains("the first is seed 4"),
        "{err}"
    );
}
