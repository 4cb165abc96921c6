//! `sweep --per-seed`, through the built binary: a CSV that a real CSV reader loads with
//! numeric time and count columns, one row per run in seed order, the same file whatever
//! `--jobs` is, shards whose row files `merge --per-seed` joins into exactly that file, JSON
//! lines with nulls, and every way a merge of row files is refused.

mod cli_support;

use std::collections::BTreeMap;

use cli_support::{code, json, read, spoolsim, stderr, stdout, Scratch};
use spoolsim::scenario::metric_names::{all_metric_names, metric_kind, MetricKind};
use spoolsim::scenario::parse_scenario;

/// Random LAN traffic (seeds differ), a transport that never gets mail (its latencies are
/// `none`) and a dial-up flush whose prompt is never answered (`never`, `pending`).
const SCENARIO: &str = r#"name = "rows"
seed = 1
until = "30m"

[[transport]]
name = "lan"
kind = "lan"
address_types = ["SMTP"]
per_message = {uniform = ["10ms", "2s"]}
failure_rate = 0.2
retry = "1m"

[[transport]]
name = "idle"
kind = "lan"
address_types = ["FAX"]

[[transport]]
name = "dialup"
kind = "ras"
address_types = ["X400"]
ui = "ignore"

[[mail]]
at = "0s"
to = "SMTP:bob@example.com"
count = 10
every = {exp = "30s"}

[[mail]]
at = "0s"
to = "X400:c=gb;s=jones"

[[flush]]
at = "1m"
via = "dialup"
flags = ["FLUSH_UPLOAD"]

[expect]
lost = 0
"latency.outbound.lan.max" = "<= 5s"
"#;

/// The row the tests read with serde: a few columns of each kind, by their header names.
#[derive(Debug, serde::Deserialize)]
struct Row {
    seed: u64,
    delivered: u64,
    #[serde(rename = "delivered.lan")]
    delivered_lan: u64,
    end_time: u64,
    #[serde(rename = "latency.outbound.lan.p50")]
    lan_p50: Option<u64>,
    #[serde(rename = "latency.outbound.idle.max")]
    idle_max: Option<u64>,
    #[serde(rename = "flush.1.returned_at")]
    returned_at: Option<u64>,
    #[serde(rename = "flush.1.result")]
    result: String,
    passed: bool,
}

fn sweep(args: &[&str]) -> std::process::Output {
    let mut all = vec!["sweep"];
    all.extend_from_slice(args);
    let o = spoolsim(&all);
    assert!(code(&o) == 0 || code(&o) == 1, "{args:?}: {}", stderr(&o));
    o
}

#[test]
fn the_csv_loads_with_numeric_columns_one_row_per_seed_in_order() {
    let dir = Scratch::new("rows-csv");
    let file = dir.write("rows.toml", SCENARIO);
    let csv_path = dir.path("rows.csv");
    let o = sweep(&[
        &file,
        "--seeds",
        "3..22",
        "--jobs",
        "2",
        "--per-seed",
        &csv_path,
    ]);
    let summary = stdout(&o);

    let mut reader = csv::Reader::from_path(&csv_path).unwrap();
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_string)
        .collect();
    let scenario = parse_scenario(SCENARIO, "rows.toml").unwrap().scenario;
    let metrics = all_metric_names(&scenario);
    assert_eq!(header.first().map(String::as_str), Some("seed"));
    assert_eq!(header.last().map(String::as_str), Some("passed"));
    assert_eq!(header[1..header.len() - 1], metrics[..]);

    let rows: Vec<Row> = reader.deserialize().map(|r| r.unwrap()).collect();
    assert_eq!(
        rows.iter().map(|r| r.seed).collect::<Vec<_>>(),
        (3..=22).collect::<Vec<_>>()
    );
    for r in &rows {
        assert_eq!(r.idle_max, None, "no samples: an empty cell");
        assert_eq!(r.returned_at, None, "never: an empty cell");
        assert_eq!(r.result, "pending", "results stay words");
        assert!(r.delivered >= r.delivered_lan && r.end_time > 0);
        assert!(r.lan_p50.is_some_and(|p| (10_000..=2_000_000).contains(&p)));
    }
    let distinct: std::collections::BTreeSet<Option<u64>> =
        rows.iter().map(|r| r.lan_p50).collect();
    assert!(distinct.len() > 1, "seeds differ");
    // `passed` agrees with the summary's count.
    let passed = rows.iter().filter(|r| r.passed).count();
    assert!(
        summary.ends_with(&format!("{passed} passed, {} failed\n", 20 - passed)),
        "{summary}"
    );

    // Every column that is not a result holds integers or nothing, in every row.
    let mut reader = csv::Reader::from_path(&csv_path).unwrap();
    for record in reader.records() {
        let record = record.unwrap();
        for (name, cell) in header.iter().zip(record.iter()) {
            let words =
                name == "passed" || metric_kind(name, &scenario) == Some(MetricKind::Result);
            assert!(
                words || cell.is_empty() || cell.parse::<i64>().is_ok(),
                "{name}: `{cell}` is not a number"
            );
        }
    }

    // A row holds the run's own numbers: seed 7 as `run --seed 7` reports it.
    let run = json(&spoolsim(&[
        "run", &file, "--seed", "7", "--format", "json",
    ]));
    let mut reader = csv::Reader::from_path(&csv_path).unwrap();
    let seven: BTreeMap<String, String> = reader
        .deserialize::<BTreeMap<String, String>>()
        .map(|r| r.unwrap())
        .find(|r| r["seed"] == "7")
        .unwrap();
    for (name, value) in run["metrics"].as_object().unwrap() {
        let expected = match value {
            serde_json::Value::String(w) if ["none", "never"].contains(&w.as_str()) => {
                String::new()
            }
            serde_json::Value::String(w) => w.clone(),
            v => v.to_string(),
        };
        assert_eq!(seven[name], expected, "{name}");
    }
}

#[test]
fn jobs_and_merged_shards_give_the_same_files() {
    let dir = Scratch::new("rows-shards");
    let file = dir.write("rows.toml", SCENARIO);
    for ext in ["csv", "jsonl"] {
        let whole = |jobs: &str| {
            let out = dir.path(&format!("jobs-{jobs}.{ext}"));
            sweep(&[
                &file,
                "--seeds",
                "1..25",
                "--jobs",
                jobs,
                "--per-seed",
                &out,
            ]);
            read(&out)
        };
        let one = whole("1");
        assert_eq!(whole("2"), one, "{ext}: --jobs 2");
        assert_eq!(whole("4"), one, "{ext}: --jobs 4");

        let mut parts = Vec::new();
        for i in [3, 1, 2] {
            let out = dir.path(&format!("shard-{i}.{ext}"));
            let shard = format!("{i}/3");
            sweep(&[
                &file,
                "--seeds",
                "1..25",
                "--shard",
                &shard,
                "--per-seed",
                &out,
            ]);
            parts.push(out);
        }
        let merged = dir.path(&format!("merged.{ext}"));
        let mut args = vec!["merge", "--per-seed", merged.as_str()];
        args.extend(parts.iter().map(String::as_str));
        let o = spoolsim(&args);
        assert_eq!(code(&o), 0, "{}", stderr(&o));
        assert!(stdout(&o).is_empty());
        assert!(stderr(&o).contains("merged 3 row files"), "{}", stderr(&o));
        assert_eq!(read(&merged), one, "{ext}: merged shards");
    }
    // More shards than runs: the empty shards merge too.
    let mut parts = Vec::new();
    for i in 1..=5 {
        let out = dir.path(&format!("few-{i}.csv"));
        sweep(&[
            &file,
            "--seeds",
            "1..3",
            "--shard",
            &format!("{i}/5"),
            "--per-seed",
            &out,
        ]);
        parts.push(out);
    }
    let merged = dir.path("few.csv");
    let mut args = vec!["merge", "--per-seed", merged.as_str()];
    args.extend(parts.iter().map(String::as_str));
    assert_eq!(code(&spoolsim(&args)), 0);
    let whole = dir.path("few-whole.csv");
    sweep(&[&file, "--seeds", "1..3", "--per-seed", &whole]);
    assert_eq!(read(&merged), read(&whole));
}

#[test]
fn json_lines_have_numbers_nulls_and_words() {
    let dir = Scratch::new("rows-jsonl");
    let file = dir.write("rows.toml", SCENARIO);
    let out = dir.path("rows.jsonl");
    sweep(&[&file, "--seeds", "5..9", "--per-seed", &out]);
    let text = String::from_utf8(read(&out)).unwrap();
    let rows: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(rows.len(), 5);
    for (row, seed) in rows.iter().zip(5..) {
        let keys: Vec<&String> = row.as_object().unwrap().keys().collect();
        assert_eq!(keys[0], "seed");
        assert_eq!(row["seed"], seed);
        assert!(row["end_time"].is_u64());
        assert!(row["latency.outbound.idle.p50"].is_null());
        assert!(row["flush.1.completed_at"].is_null());
        assert_eq!(row["flush.1.outcome"], "pending");
        assert!(row["passed"].is_boolean());
    }
}

#[test]
fn bad_row_files_are_refused() {
    let dir = Scratch::new("rows-bad");
    let file = dir.write("rows.toml", SCENARIO);
    let other = dir.write("other.toml", &SCENARIO.replace("count = 10", "count = 11"));
    let shard = |scenario: &str, i: u32, of: u32, out: &str| {
        let out = dir.path(out);
        sweep(&[
            scenario,
            "--seeds",
            "1..12",
            "--shard",
            &format!("{i}/{of}"),
            "--per-seed",
            &out,
        ]);
        out
    };
    let s1 = shard(&file, 1, 3, "s1.csv");
    let s2 = shard(&file, 2, 3, "s2.csv");
    let s3 = shard(&file, 3, 3, "s3.csv");
    let foreign = shard(&other, 3, 3, "foreign.csv");
    let json_rows = shard(&file, 3, 3, "s3.jsonl");
    let whole = dir.path("whole.csv");
    sweep(&[&file, "--seeds", "1..12", "--per-seed", &whole]);
    // A shard whose rows were shuffled by hand.
    let text = String::from_utf8(read(&s2)).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let cut = dir.write("cut.csv", &(lines[..lines.len() - 1].join("\n") + "\n"));
    let long = dir.write("long.csv", &(text.clone() + lines[lines.len() - 1] + "\n"));
    let mut swapped = lines.clone();
    swapped.swap(2, 3);
    let shuffled = dir.write("shuffled.csv", &(swapped.join("\n") + "\n"));

    let out = dir.path("out.csv");
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (vec![&s1, &s3], "leave 4 of 12 runs out"),
        (vec![&s1, &s3], "--shard 2/3 --per-seed shard-2-of-3.csv"),
        (vec![&s1, &s2, &s3, &s2], "another of the files has"),
        (vec![&s1, &s2, &foreign], "another scenario"),
        (vec![&s1, &s2, &json_rows], "another format"),
        (vec![&s1, &shuffled, &s3], "out of place"),
        (vec![&s1, &cut, &s3], "ends early"),
        (
            vec![&s1, &long, &s3],
            "has more rows than the 4 it describes",
        ),
        (vec![&whole], "not a shard's row file"),
        (vec![&file], "not a shard's row file"),
        (vec!["missing.csv"], "cannot read"),
    ];
    for (files, needle) in cases {
        let mut args = vec!["merge", "--per-seed", out.as_str()];
        args.extend(files.iter().copied());
        let o = spoolsim(&args);
        assert_eq!(code(&o), 2, "{files:?}");
        assert!(stderr(&o).contains(needle), "{files:?}: {}", stderr(&o));
        assert!(
            !std::path::Path::new(&out).exists(),
            "a failed merge leaves nothing"
        );
    }
    let o = spoolsim(&["merge", "--per-seed", &dir.path("out.jsonl"), &s1, &s2, &s3]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("another format"), "{}", stderr(&o));
    let o = spoolsim(&["merge", "--per-seed", &dir.path("out.txt"), &s1, &s2, &s3]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains(".csv or .jsonl"), "{}", stderr(&o));
    // A bad --per-seed name fails before anything runs.
    let o = spoolsim(&[
        "sweep",
        &file,
        "--seeds",
        "1..2",
        "--per-seed",
        &dir.path("rows.txt"),
    ]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains(".csv or .jsonl"), "{}", stderr(&o));
    assert!(stdout(&o).is_empty());
}
