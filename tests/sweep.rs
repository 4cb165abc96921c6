//! `spoolsim sweep` and `spoolsim merge`, through the built binary: output independent of
//! `--jobs`, shards that merge back to the unsharded bytes, failures grouped by expectation
//! with their rerun commands, exact statistics, and exit code 2 for every kind of bad input.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

/// Random traffic, so seeds differ. `flaky` drops its one message half the time (its latency
/// is then `none`), and `[expect]` holds for some seeds only when `extra` asks for it.
fn scenario(extra: &str) -> String {
    format!(
        r#"
name = "random-lan"
seed = 1

[[transport]]
name = "lan"
kind = "lan"
address_types = ["SMTP"]
per_message = {{uniform = ["10ms", "2s"]}}
receive = "5m"

[[transport]]
name = "flaky"
kind = "lan"
address_types = ["X400"]
failure_rate = 0.5
lifetime = "1s"

[[mail]]
at = "0s"
to = "SMTP:bob@example.com"
count = 20
every = {{exp = "30s"}}

[[mail]]
at = "10s"
to = "X400:c=gb;s=jones"

[[incoming]]
transport = "lan"
at = "0s"
count = 5
every = {{exp = "2m"}}

[[flush]]
at = "3m"
via = "spooler"
flags = ["FLUSH_UPLOAD", "FLUSH_DOWNLOAD"]

[expect]
lost = 0
{extra}
"#
    )
}

/// A scratch directory for one test, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Self {
        let dir =
            std::env::temp_dir().join(format!("spoolsim-sweep-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }

    fn write(&self, name: &str, text: &str) -> String {
        let p = self.0.join(name);
        std::fs::write(&p, text).unwrap();
        p.display().to_string()
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn spoolsim(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_spoolsim"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap()
}

fn code(o: &Output) -> i32 {
    o.status.code().unwrap_or(-1)
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

fn json(o: &Output) -> Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", stdout(o)))
}

/// Runs every shard of `of` as JSON into files, returning their paths.
fn shards(dir: &Scratch, file: &str, seeds: &str, of: u32) -> Vec<String> {
    (1..=of)
        .map(|i| {
            let o = spoolsim(&[
                "sweep",
                file,
                "--seeds",
                seeds,
                "--shard",
                &format!("{i}/{of}"),
                "--format",
                "json",
                "--jobs",
                "2",
            ]);
            assert!(code(&o) == 0 || code(&o) == 1, "{}", stderr(&o));
            let stem = Path::new(file).file_stem().unwrap().to_string_lossy();
            dir.write(&format!("{stem}-{seeds}-{i}-of-{of}.json"), &stdout(&o))
        })
        .collect()
}

fn merge(files: &[String], format: &str) -> Output {
    let mut args = vec!["merge", "--format", format];
    args.extend(files.iter().map(String::as_str));
    spoolsim(&args)
}

#[test]
fn the_output_does_not_depend_on_jobs() {
    let dir = Scratch::new("jobs");
    let file = dir.write("s.toml", &scenario(""));
    for format in ["text", "json"] {
        let run = |jobs: &str| {
            spoolsim(&[
                "sweep", &file, "--seeds", "1..40", "--jobs", jobs, "--format", format,
            ])
        };
        let (one, two) = (run("1"), run("2"));
        assert_eq!(code(&one), 0, "{}", stderr(&one));
        assert_eq!(code(&two), 0);
        assert!(
            one.stdout == two.stdout,
            "--jobs 1 and --jobs 2 differ ({format})"
        );
        // The default (all cores) too.
        let default = spoolsim(&["sweep", &file, "--seeds", "1..40", "--format", format]);
        assert!(default.stdout == one.stdout);
    }
}

#[test]
fn shards_merge_into_the_unsharded_output() {
    let dir = Scratch::new("shards");
    // Some seeds fail, so failed seeds are merged too.
    let file = dir.write("s.toml", &scenario(r#""latency.outbound.p50" = "<= 1s""#));
    for format in ["json", "text"] {
        let whole = spoolsim(&["sweep", &file, "--seeds", "3..41", "--format", format]);
        assert_eq!(code(&whole), 1, "{}", stderr(&whole));
        for of in [1, 2, 3, 5] {
            let mut parts = shards(&dir, &file, "3..41", of);
            let merged = merge(&parts, format);
            assert_eq!(code(&merged), 1, "{}", stderr(&merged));
            assert!(
                merged.stdout == whole.stdout,
                "{of} shards merged differ from the unsharded sweep ({format}):\n{}\n---\n{}",
                stdout(&merged),
                stdout(&whole)
            );
            // In any order.
            parts.reverse();
            assert!(merge(&parts, format).stdout == whole.stdout);
        }
    }
}

#[test]
fn more_shards_than_seeds_still_merge() {
    let dir = Scratch::new("tiny");
    let file = dir.write("s.toml", &scenario(""));
    let whole = spoolsim(&["sweep", &file, "--seeds", "7..8", "--format", "json"]);
    let parts = shards(&dir, &file, "7..8", 4);
    let empty: Value = serde_json::from_str(&std::fs::read_to_string(&parts[3]).unwrap()).unwrap();
    assert_eq!(empty["runs"], 0);
    assert_eq!(empty["shard"]["index"], 4);
    assert_eq!(empty["shard"]["of"], 4);
    assert_eq!(empty["shard"]["engine"], "command-line");
    let merged = merge(&parts, "json");
    assert_eq!(code(&merged), 0, "{}", stderr(&merged));
    assert!(merged.stdout == whole.stdout);
}

#[test]
fn merge_refuses_shards_that_are_not_one_sweep() {
    let dir = Scratch::new("refuse");
    let file = dir.write("s.toml", &scenario(""));
    let other = dir.write("other.toml", &scenario("delivered = \">= 0\""));
    let two = shards(&dir, &file, "1..10", 2);
    let three = shards(&dir, &file, "1..10", 3);
    let refused = |files: Vec<String>, why: &str| {
        let o = merge(&files, "text");
        assert_eq!(code(&o), 2, "{why}: {}", stdout(&o));
        assert!(o.stdout.is_empty(), "{why}: printed {}", stdout(&o));
        let err = stderr(&o);
        assert!(err.starts_with("error: "), "{why}: {err}");
        err
    };
    // The same shard twice, and shards of two different splits.
    let err = refused(
        vec![two[0].clone(), two[0].clone(), two[1].clone()],
        "twice",
    );
    assert!(
        err.contains("duplicates") && err.contains("shard 1/2"),
        "{err}"
    );
    let err = refused(vec![two[0].clone(), three[0].clone()], "1/2 + 1/3");
    assert!(err.contains("overlap") && err.contains("seed 1"), "{err}");
    // A missing shard, named with the command that reruns it.
    let err = refused(vec![three[0].clone(), three[2].clone()], "missing");
    assert!(
        err.contains("1 of 3 shards are missing") && err.contains("--shard 2/3"),
        "{err}"
    );
    // Another scenario file.
    let foreign = shards(&dir, &other, "1..10", 2);
    let err = refused(vec![two[0].clone(), foreign[1].clone()], "other file");
    assert!(
        err.contains("not part of the same sweep") && err.contains("another scenario"),
        "{err}"
    );
    // Another range.
    let wider = shards(&dir, &file, "1..12", 2);
    let err = refused(vec![two[0].clone(), wider[1].clone()], "other range");
    assert!(err.contains("seeds 1..12"), "{err}");
    // Not a shard output: the unsharded JSON, the text report, nonsense, no file.
    let whole = spoolsim(&["sweep", &file, "--seeds", "1..10", "--format", "json"]);
    let whole = dir.write("whole.json", &stdout(&whole));
    let err = refused(vec![whole], "unsharded");
    assert!(err.contains("not a shard output"), "{err}");
    let text = spoolsim(&["sweep", &file, "--seeds", "1..10", "--shard", "1/1"]);
    let text = dir.write("text.txt", &stdout(&text));
    refused(vec![text], "text");
    let tampered =
        std::fs::read_to_string(&two[0])
            .unwrap()
            .replacen("\"runs\":5", "\"runs\":6", 1);
    let tampered = dir.write("tampered.json", &tampered);
    let err = refused(vec![tampered, two[1].clone()], "tampered");
    assert!(err.contains("ran 6 runs"), "{err}");
    refused(vec![dir.write("bad.json", "{\"shard\": 3}")], "garbage");
    refused(
        vec![dir.0.join("nope.json").display().to_string()],
        "absent",
    );
}

#[test]
fn failures_are_grouped_by_expectation_with_a_rerun_command() {
    let dir = Scratch::new("failed");
    let file = dir.write("s.toml", &scenario(r#""latency.outbound.p50" = "<= 1s""#));

    // The JSON lists every failed seed, each with its failures and command.
    let o = spoolsim(&["sweep", &file, "--seeds", "1..30", "--format", "json"]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let j = json(&o);
    let seeds: Vec<u64> = j["failed_seeds"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_u64().unwrap())
        .collect();
    assert!(
        !seeds.is_empty() && seeds.len() < 30,
        "the expectation should fail for some seeds only: {seeds:?}"
    );
    let listed = j["failures"].as_array().unwrap();
    assert_eq!(listed.len(), seeds.len());
    let first = seeds[0];
    let cmd = format!("spoolsim run {file} --seed {first}");
    assert_eq!(listed[0]["seed"], first);
    assert_eq!(listed[0]["rerun"], cmd.as_str());
    let why = listed[0]["failures"][0].as_str().unwrap();
    assert!(
        why.starts_with("latency.outbound.p50: expected <= 1s, got "),
        "{why}"
    );
    assert_eq!(j["failed"], seeds.len());
    assert_eq!(j["passed"], 30 - seeds.len());
    let groups = j["failure_groups"].as_array().unwrap();
    assert_eq!(groups.len(), 1, "{groups:?}");
    assert_eq!(
        groups[0]["expectation"],
        "latency.outbound.p50: expected <= 1s"
    );
    assert_eq!(groups[0]["seeds"], seeds.len());
    assert_eq!(groups[0]["example"]["seed"], first);
    assert_eq!(groups[0]["example"]["rerun"], cmd.as_str());

    // The text gives the expectation once, with the count, the first seed and its rerun.
    let o = spoolsim(&["sweep", &file, "--seeds", "1..30"]);
    assert_eq!(code(&o), 1);
    let text = stdout(&o);
    assert!(text.contains("\nfailed seeds, by expectation:\n"), "{text}");
    let lines: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with("  latency.outbound.p50"))
        .collect();
    assert_eq!(lines.len(), 1, "one line for the expectation:\n{text}");
    let got = why.split_once(", ").unwrap().1;
    let count = if seeds.len() == 1 {
        "1 seed fails, seed".to_string()
    } else if seeds.len() <= 10 {
        let all: Vec<String> = seeds.iter().map(u64::to_string).collect();
        format!("{} seeds fail ({}), e.g. seed", seeds.len(), all.join(", "))
    } else {
        format!("{} seeds fail, e.g. seed", seeds.len())
    };
    assert_eq!(
        lines[0],
        format!("  latency.outbound.p50: expected <= 1s — {count} {first}: {got}; rerun: {cmd}")
    );
    assert!(!text.lines().any(|l| l.starts_with("seed ")), "{text}");
    assert_eq!(
        text.lines().last().unwrap(),
        format!("{} passed, {} failed", 30 - seeds.len(), seeds.len())
    );

    // The rerun command reproduces the failure; a passing seed passes.
    assert_eq!(
        code(&spoolsim(&["run", &file, "--seed", &first.to_string()])),
        1
    );
    let passing = (1..=30u64).find(|s| !seeds.contains(s)).unwrap();
    assert_eq!(
        code(&spoolsim(&["run", &file, "--seed", &passing.to_string()])),
        0
    );
}

#[test]
fn bad_input_exits_2_with_a_message() {
    let dir = Scratch::new("bad");
    let file = dir.write("s.toml", &scenario(""));
    let broken = dir.write("broken.toml", "name = \"x\"\n[[transport]]\nname = 3\n");
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (vec!["--seeds", "5..2"], "empty"),
        (vec!["--seeds", "abc"], "A..B"),
        (vec!["--seeds", "1..x"], "not a seed"),
        (vec!["--seeds=-3..4"], "not a seed"),
        (vec!["--seeds", "0..99999999999"], "at most"),
        (vec!["--seeds", "1..4", "--shard", "0/2"], "I/N"),
        (vec!["--seeds", "1..4", "--shard", "3/2"], "I/N"),
        (vec!["--seeds", "1..4", "--shard", "x"], "I/N"),
        (vec!["--seeds", "1..4", "--jobs", "0"], "--jobs"),
        (vec!["--seeds", "1..4", "--format", "yaml"], "--format"),
        (vec![], "--seeds"),
    ];
    for (args, needle) in cases {
        let mut all = vec!["sweep", file.as_str()];
        all.extend(&args);
        let o = spoolsim(&all);
        assert_eq!(code(&o), 2, "{args:?}");
        assert!(o.stdout.is_empty(), "{args:?}");
        assert!(stderr(&o).contains(needle), "{args:?}: {}", stderr(&o));
    }
    let o = spoolsim(&["sweep", &broken, "--seeds", "1..3"]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("broken.toml"), "{}", stderr(&o));
    let o = spoolsim(&["sweep", "no/such/file.toml", "--seeds", "1..3"]);
    assert_eq!(code(&o), 2);
    let o = spoolsim(&["merge"]);
    assert_eq!(code(&o), 2);
}

/// Nearest-rank percentile of unsorted samples, as `docs/metrics.md` defines it.
fn nearest_rank(samples: &[i64], p: usize) -> i64 {
    let mut s = samples.to_vec();
    s.sort_unstable();
    let rank = (p * s.len()).div_ceil(100).max(1);
    s[rank - 1]
}

#[test]
fn json_has_the_documented_fields_and_exact_statistics() {
    let dir = Scratch::new("json");
    let file = dir.write("s.toml", &scenario(""));
    let o = spoolsim(&["sweep", &file, "--seeds", "11..22", "--format", "json"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let j = json(&o);
    assert_eq!(j["scenario"], "random-lan");
    assert_eq!(j["seeds"], serde_json::json!({"from": 11, "to": 22}));
    assert_eq!(j["runs"], 12);
    assert_eq!(j["failed_seeds"], serde_json::json!([]));
    assert!(j.get("shard").is_none());
    let metrics = j["metrics"].as_object().unwrap();
    for (name, m) in metrics {
        let keys: Vec<&str> = m.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(keys, ["n", "min", "p50", "p99", "max"], "{name}");
    }
    // Words are left out; counts and times are in.
    assert!(!metrics.contains_key("flush.1.result"));
    assert_eq!(metrics["delivered.lan"]["n"], 12);
    assert_eq!(metrics["delivered.lan"]["min"], 20);

    // Every statistic is exact: compare with the seeds' own reports.
    let runs: Vec<Value> = (11..=22)
        .map(|s| {
            json(&spoolsim(&[
                "run",
                &file,
                "--seed",
                &s.to_string(),
                "--format",
                "json",
            ]))
        })
        .collect();
    let mut partial = false;
    for (name, m) in metrics {
        let samples: Vec<i64> = runs
            .iter()
            .filter_map(|r| r["metrics"][name].as_i64())
            .collect();
        assert_eq!(m["n"], samples.len(), "{name}");
        partial |= samples.len() < 12;
        assert_eq!(m["min"], *samples.iter().min().unwrap(), "{name}");
        assert_eq!(m["max"], *samples.iter().max().unwrap(), "{name}");
        assert_eq!(m["p50"], nearest_rank(&samples, 50), "{name}");
        assert_eq!(m["p99"], nearest_rank(&samples, 99), "{name}");
    }
    assert!(
        partial,
        "the flaky transport's latency should be `none` for some seeds"
    );
    // And every metric numeric for some seed is there.
    for r in &runs {
        for (name, v) in r["metrics"].as_object().unwrap() {
            if v.is_i64() {
                assert!(metrics.contains_key(name), "{name}");
            }
        }
    }
}

#[test]
fn text_shows_times_compactly_and_ends_with_the_summary() {
    let dir = Scratch::new("text");
    let file = dir.write("s.toml", &scenario(""));
    let o = spoolsim(&["sweep", &file, "--seeds", "1..5"]);
    assert_eq!(code(&o), 0);
    let text = stdout(&o);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0],
        format!("sweep of random-lan ({file}): seeds 1..5, 5 runs")
    );
    let header: Vec<&str> = lines[2].split_whitespace().collect();
    assert_eq!(header, ["metric", "n", "min", "p50", "p99", "max"]);
    let row = |name: &str| -> Vec<&str> {
        lines
            .iter()
            .find(|l| l.split_whitespace().next() == Some(name))
            .unwrap_or_else(|| panic!("no row {name}"))
            .split_whitespace()
            .collect()
    };
    assert_eq!(
        row("delivered.lan"),
        ["delivered.lan", "5", "20", "20", "20", "20"]
    );
    let end = row("end_time");
    assert!(end[2].ends_with('s') && end[2].contains('m'), "{end:?}");
    assert!(row("flush.1.returned_at")[2].starts_with("3m"), "{text}");
    assert!(text.contains("\nfailed seeds: none\n"));
    assert_eq!(lines.last(), Some(&"5 passed, 0 failed"));
    assert!(
        stderr(&o).is_empty(),
        "no progress bar off a terminal: {}",
        stderr(&o)
    );
}

#[test]
fn the_office_day_sweeps() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("sim-scenarios/office-day.toml");
    assert!(path.exists());
    let o = spoolsim(&["sweep", "sim-scenarios/office-day.toml", "--seeds", "1..20"]);
    assert!(code(&o) == 0 || code(&o) == 1, "{}", stderr(&o));
    let text = stdout(&o);
    assert!(text.starts_with(
        "sweep of office-day (sim-scenarios/office-day.toml): seeds 1..20, 20 runs\n"
    ));
    let last = text.lines().last().unwrap();
    let (p, f) = last.split_once(" passed, ").unwrap();
    let f = f.strip_suffix(" failed").unwrap();
    assert_eq!(p.parse::<u32>().unwrap() + f.parse::<u32>().unwrap(), 20);
    assert_eq!(code(&o) == 1, f != "0");
    for l in text.lines().filter(|l| l.contains(" — ")) {
        assert!(
            l.contains("; rerun: spoolsim run sim-scenarios/office-day.toml --seed "),
            "{l}"
        );
    }
}
