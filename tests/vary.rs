//! `sweep --vary`, through the built binary: the office day over dial-up connect times and
//! flush orders (one row per point, the same bytes for any `--jobs` and for merged shards),
//! points in the order given with exact decimal ranges, per-seed rows with `set.*` columns in
//! point-then-seed order, `--metric`, the JSON form, failures per point with reruns that
//! reproduce them, `--plot`, standard input, and every usage error.

mod cli_support;

use cli_support::{code, json, read, spoolsim, stderr, stdout, Scratch};

const OFFICE: &str = "sim-scenarios/office-day.toml";
const CONNECT: &str = "transport.dialup.connect=15s..60s/15s";
const ORDER: &str = "spooler.flush_order=profile,parallel";
/// Fewer seeds than the full study, to keep a debug build's test time down; the release run
/// of seeds 1..50 is in docs/exploring.md.
const SEEDS: &str = "1..6";

/// `spoolsim -q sweep OFFICE --vary CONNECT --vary ORDER --seeds SEEDS` and `more`.
fn office(more: &[&str]) -> std::process::Output {
    let mut args = vec![
        "-q", "sweep", OFFICE, "--vary", CONNECT, "--vary", ORDER, "--seeds", SEEDS,
    ];
    args.extend_from_slice(more);
    let o = spoolsim(&args);
    assert_eq!(code(&o), 0, "{more:?}: {}", stderr(&o));
    o
}

/// The table's rows: the lines between the header and the blank line after the table.
fn rows(text: &str) -> Vec<&str> {
    let lines: Vec<&str> = text.lines().collect();
    let header = lines
        .iter()
        .position(|l| l.starts_with("transport.dialup.connect"))
        .unwrap_or_else(|| panic!("no header in:\n{text}"));
    lines[header + 1..]
        .iter()
        .take_while(|l| !l.is_empty())
        .copied()
        .collect()
}

#[test]
fn the_office_day_over_connect_times_and_flush_orders() {
    let one = stdout(&office(&["--jobs", "1"]));
    let table = rows(&one);
    assert_eq!(table.len(), 8, "{one}");
    // The first --vary is outermost.
    let firsts: Vec<(&str, &str)> = table
        .iter()
        .map(|r| {
            let mut w = r.split_whitespace();
            (w.next().unwrap(), w.next().unwrap())
        })
        .collect();
    assert_eq!(
        firsts,
        [
            ("15s", "profile"),
            ("15s", "parallel"),
            ("30s", "profile"),
            ("30s", "parallel"),
            ("45s", "profile"),
            ("45s", "parallel"),
            ("1m", "profile"),
            ("1m", "parallel"),
        ]
    );
    let header = one.lines().find(|l| l.starts_with("transport.")).unwrap();
    for col in [
        "spooler.flush_order",
        "delivered",
        "ndr",
        "latency.outbound.p50",
        "latency.outbound.p99",
        "flush.1.returned_at",
        "flush.3.returned_at",
        "procedure.1.returned_at",
        "procedure.2.returned_at",
        "failed",
    ] {
        assert!(header.contains(col), "{col}: {header}");
    }
    assert!(one.starts_with(
        "sweep of office-day (sim-scenarios/office-day.toml): 8 points × seeds 1..6, 48 runs\n"
    ));
    assert!(one.ends_with("\n48 passed, 0 failed\n"), "{one}");
    assert_eq!(
        one,
        stdout(&office(&["--jobs", "2"])),
        "--jobs changed the output"
    );

    // Three shards merged give the same bytes, text and JSON; --shard auto too.
    let dir = Scratch::new("vary-shards");
    let mut shards = Vec::new();
    for i in 1..=3 {
        let shard = format!("{i}/3");
        let path = dir.path(&format!("shard-{i}.json"));
        let o = office(&["--shard", &shard, "--format", "json", "--jobs", "1"]);
        std::fs::write(&path, &o.stdout).unwrap();
        shards.push(path);
    }
    let mut merge = vec!["merge"];
    merge.extend(shards.iter().rev().map(String::as_str));
    assert_eq!(stdout(&spoolsim(&merge)), one);
    merge.extend(["--format", "json"]);
    let whole = office(&["--format", "json"]);
    assert_eq!(spoolsim(&merge).stdout, whole.stdout);
    let auto = std::process::Command::new(env!("CARGO_BIN_EXE_spoolsim"))
        .args([
            "sweep", OFFICE, "--vary", CONNECT, "--vary", ORDER, "--seeds", SEEDS,
        ])
        .args(["--shard", "auto", "--format", "json", "--jobs", "1"])
        .env("SPOOLSIM_SHARD", "2/3")
        .output()
        .unwrap();
    let mine: serde_json::Value = serde_json::from_slice(&auto.stdout).unwrap();
    let theirs: serde_json::Value = serde_json::from_slice(&read(&shards[1])).unwrap();
    assert_eq!(mine["points"], theirs["points"]);
}

#[test]
fn the_json_has_one_entry_per_point() {
    let j = json(&office(&["--format", "json"]));
    assert_eq!(j["scenario"], "office-day");
    assert_eq!(j["seeds"], serde_json::json!({"from": 1, "to": 6}));
    assert_eq!(j["runs"], 48);
    assert_eq!(j["overrides"], serde_json::json!([]));
    let sha = j["scenario_sha256"].as_str().unwrap();
    let text = std::fs::read(OFFICE).unwrap();
    assert_eq!(sha, spoolsim::report::provenance::sha256_hex(&text));
    assert_eq!(
        j["vary"][0]["values"],
        serde_json::json!(["15s", "30s", "45s", "1m"])
    );
    let points = j["points"].as_array().unwrap();
    assert_eq!(points.len(), 8);
    assert_eq!(
        points[3]["set"],
        serde_json::json!({
            "transport.dialup.connect": "30s",
            "spooler.flush_order": "parallel",
        })
    );
    for p in points {
        assert_eq!(p["runs"], 6);
        assert_eq!(p["failed_seeds"], serde_json::json!([]));
        let m = p["metrics"].as_object().unwrap();
        let names: Vec<&str> = m.keys().map(String::as_str).collect();
        assert_eq!(
            &names[..4],
            [
                "delivered",
                "ndr",
                "latency.outbound.p50",
                "latency.outbound.p99"
            ]
        );
        assert_eq!(names.len(), 9, "{names:?}");
        for (name, s) in m {
            let keys: Vec<&str> = s.as_object().unwrap().keys().map(String::as_str).collect();
            assert_eq!(keys, ["n", "min", "p50", "p99", "max"], "{name}");
            assert!(s["min"].as_i64() <= s["p50"].as_i64(), "{name}");
            assert!(s["p50"].as_i64() <= s["max"].as_i64(), "{name}");
        }
    }
    // Each point is exactly the run of the scenario with its overrides: seed 1 of point 8.
    let one = spoolsim(&[
        "run",
        OFFICE,
        "--set",
        "transport.dialup.connect=1m",
        "--set",
        "spooler.flush_order=parallel",
        "--seed",
        "1",
        "--format",
        "json",
    ]);
    let run = json(&one);
    let single = spoolsim(&[
        "sweep",
        OFFICE,
        "--vary",
        "transport.dialup.connect=1m",
        "--vary",
        "spooler.flush_order=parallel",
        "--seeds",
        "1..1",
        "--format",
        "json",
    ]);
    let p = &json(&single)["points"][0]["metrics"];
    for m in ["delivered", "flush.1.returned_at", "latency.outbound.p99"] {
        assert_eq!(p[m]["p50"], run["metrics"][m], "{m}");
    }
}

/// A scenario whose LAN fails one attempt in `failure_rate`, and a failed message waits out
/// its retry past its lifetime, so that `ndr = 0` fails at some points and seeds.
const FLAKY: &str = r#"name = "flaky"
seed = 3
until = "20m"

[[transport]]
name = "lan"
kind = "lan"
address_types = ["SMTP"]
per_message = "1s"
retry = "1m"
lifetime = "30s"

[[mail]]
at = "0s"
to = "SMTP:bob@example.com"
count = 5

[[flush]]
name = "push"
at = "10s"
via = "spooler"
flags = ["FLUSH_UPLOAD"]

[expect]
ndr = 0
"#;

#[test]
fn decimal_ranges_per_seed_rows_and_failures_per_point() {
    let dir = Scratch::new("vary-flaky");
    let file = dir.write("flaky.toml", FLAKY);
    let rows_path = dir.path("rows.csv");
    let o = spoolsim(&[
        "-q",
        "sweep",
        &file,
        "--vary",
        "transport.lan.failure_rate=0..0.2/0.05",
        "--seeds",
        "1..4",
        "--metric",
        "ndr,flush.push.returned_at",
        "--metric",
        "delivered",
        "--per-seed",
        &rows_path,
        "--format",
        "json",
    ]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let j = json(&o);
    let rates: Vec<serde_json::Value> = j["points"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["set"]["transport.lan.failure_rate"].clone())
        .collect();
    // Exact decimals, as numbers.
    assert_eq!(
        rates,
        serde_json::json!([0, 0.05, 0.1, 0.15, 0.2])
            .as_array()
            .unwrap()
            .clone()
    );
    assert_eq!(
        j["columns"],
        serde_json::json!(["ndr", "flush.1.returned_at", "delivered"])
    );
    assert_eq!(j["points"][0]["failed_seeds"], serde_json::json!([]));
    let failed: u64 = j["failed"].as_u64().unwrap();
    assert!(failed > 0);

    // One row per run, point by point, seed by seed, with the varied key's column.
    let mut reader = csv::Reader::from_path(&rows_path).unwrap();
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(&header[..2], ["seed", "set.transport.lan.failure_rate"]);
    let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(records.len(), 20);
    let order: Vec<(String, String)> = records
        .iter()
        .map(|r| (r[1].to_string(), r[0].to_string()))
        .collect();
    let mut want = Vec::new();
    for rate in ["0", "0.05", "0.1", "0.15", "0.2"] {
        for seed in 1..=4 {
            want.push((rate.to_string(), seed.to_string()));
        }
    }
    assert_eq!(order, want);
    let passed = header.iter().position(|h| h == "passed").unwrap();
    let failing_rows = records.iter().filter(|r| &r[passed] == "false").count() as u64;
    assert_eq!(failing_rows, failed);

    // The text groups failures by point, each with a rerun that reproduces the failure.
    let o = spoolsim(&[
        "-q",
        "sweep",
        &file,
        "--vary",
        "transport.lan.failure_rate=0..0.2/0.05",
        "--seeds",
        "1..4",
    ]);
    assert_eq!(code(&o), 1);
    let text = stdout(&o);
    assert!(
        text.contains("failed seeds, by point and expectation:\n"),
        "{text}"
    );
    let rerun = text
        .lines()
        .find_map(|l| l.split("; rerun: ").nth(1))
        .unwrap_or_else(|| panic!("no rerun in:\n{text}"));
    assert!(
        rerun.contains("--set transport.lan.failure_rate="),
        "{rerun}"
    );
    let args: Vec<&str> = rerun.split_whitespace().skip(1).collect();
    let again = spoolsim(&args);
    assert_eq!(code(&again), 1, "{rerun}: {}", stdout(&again));
    assert!(stdout(&again).contains("FAIL ndr"), "{}", stdout(&again));
}

#[test]
fn shards_of_a_vary_sweep_merge_rows_and_refuse_other_sweeps() {
    let dir = Scratch::new("vary-rows");
    let file = dir.write("flaky.toml", FLAKY);
    let vary = "transport.lan.failure_rate=0,0.5";
    let base = [
        "-q",
        "sweep",
        file.as_str(),
        "--vary",
        vary,
        "--seeds",
        "1..5",
    ];
    let whole = dir.path("whole.jsonl");
    let mut args = base.to_vec();
    args.extend(["--per-seed", &whole]);
    assert!(code(&spoolsim(&args)) <= 1);
    let mut parts = Vec::new();
    for i in 1..=4 {
        let (rows, out) = (
            dir.path(&format!("rows-{i}.jsonl")),
            dir.path(&format!("s-{i}.json")),
        );
        let shard = format!("{i}/4");
        let mut args = base.to_vec();
        args.extend(["--shard", &shard, "--per-seed", &rows, "--format", "json"]);
        let o = spoolsim(&args);
        assert!(code(&o) <= 1, "{}", stderr(&o));
        std::fs::write(&out, &o.stdout).unwrap();
        parts.push((rows, out));
    }
    let merged = dir.path("merged.jsonl");
    let mut args = vec!["merge", "--per-seed", merged.as_str()];
    args.extend(parts.iter().map(|p| p.0.as_str()));
    assert_eq!(code(&spoolsim(&args)), 0);
    assert_eq!(read(&merged), read(&whole));
    let first: serde_json::Value = serde_json::from_str(
        std::fs::read_to_string(&whole)
            .unwrap()
            .lines()
            .next()
            .unwrap(),
    )
    .unwrap();
    assert_eq!(first["set.transport.lan.failure_rate"], 0);
    // A shard of another --vary list is another sweep.
    let other = dir.path("other.json");
    let o = spoolsim(&[
        "sweep",
        &file,
        "--vary",
        "transport.lan.failure_rate=0,0.4",
        "--seeds",
        "1..5",
        "--shard",
        "1/4",
        "--format",
        "json",
    ]);
    std::fs::write(&other, &o.stdout).unwrap();
    let o = spoolsim(&["merge", &other, &parts[1].1, &parts[2].1, &parts[3].1]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("other --vary lists"), "{}", stderr(&o));
    // A missing shard is named with the command that reruns it, --vary included.
    let o = spoolsim(&["merge", &parts[0].1, &parts[1].1, &parts[3].1]);
    assert_eq!(code(&o), 2);
    let e = stderr(&o);
    assert!(
        e.contains("3/4") && e.contains("--vary transport.lan.failure_rate=0,0.5"),
        "{e}"
    );
}

#[test]
fn the_plot_has_a_panel_per_metric() {
    let dir = Scratch::new("vary-plot");
    let svg = dir.path("vary.svg");
    office(&[
        "--metric",
        "flush.1.returned_at,latency.outbound.p99",
        "--plot",
        &svg,
    ]);
    let text = std::fs::read_to_string(&svg).unwrap();
    assert!(text.starts_with("<svg"), "{}", &text[..100]);
    for label in [
        "flush.1.returned_at",
        "latency.outbound.p99",
        "spooler.flush_order = parallel",
        "transport.dialup.connect",
        ">45s<",
    ] {
        assert!(text.contains(label), "{label}");
    }
    // Merged shards draw the same picture.
    let mut paths = Vec::new();
    for i in 1..=2 {
        let p = dir.path(&format!("s{i}.json"));
        let shard = format!("{i}/2");
        let o = office(&[
            "--metric",
            "flush.1.returned_at,latency.outbound.p99",
            "--shard",
            &shard,
            "--format",
            "json",
        ]);
        std::fs::write(&p, &o.stdout).unwrap();
        paths.push(p);
    }
    let merged_svg = dir.path("merged.svg");
    let o = spoolsim(&["merge", &paths[0], &paths[1], "--plot", &merged_svg]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(read(&merged_svg), read(&svg));
}

#[test]
fn standard_input_is_read_once_and_hashed() {
    use std::io::Write;
    let text = std::fs::read(OFFICE).unwrap();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_spoolsim"))
        .args([
            "-q",
            "sweep",
            "-",
            "--vary",
            "spooler.flush_order=profile,parallel",
        ])
        .args(["--format", "json"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(&text).unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let j: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        j["scenario_sha256"],
        spoolsim::report::provenance::sha256_hex(&text)
    );
    // Without --seeds, each point runs the scenario's own seed.
    assert_eq!(j["seeds"], serde_json::json!({"from": 1, "to": 1}));
    assert_eq!(j["points"].as_array().unwrap().len(), 2);
}

#[test]
fn usage_errors_exit_2_and_say_why() {
    let cases: [(&[&str], &str); 13] = [
        (&["--vary", "transport.lan.failure_rate=0..0.2"], "no step"),
        (
            &["--vary", "transport.dialup.connect=15s..60s/0s"],
            "above 0",
        ),
        (
            &["--vary", "transport.lan.failure_rate=0..0.2/-0.05"],
            "above 0",
        ),
        (
            &["--vary", "transport.lan.failure_rate=0.2..0/0.05"],
            "B may not be below A",
        ),
        (&["--vary", "seed=1,2"], "--seeds"),
        (
            &["--vary", ORDER, "--vary", "spooler.flush_order=parallel"],
            "given twice",
        ),
        (
            &["--vary", ORDER, "--set", "spooler.flush_order=parallel"],
            "given twice",
        ),
        (
            &["--vary", "transport.lan.failure_rate=0,2"],
            "--vary transport.lan.failure_rate=0,2 (the value `2`)",
        ),
        (
            &["--vary", "transport.lann.failure_rate=0,1"],
            "did you mean `lan`?",
        ),
        (
            &["--vary", ORDER, "--metric", "flush.1.result"],
            "a result is a word",
        ),
        (
            &["--vary", ORDER, "--metric", "delivred"],
            "--metric delivred",
        ),
        (&["--plot", "x.svg", "--seeds", "1..2"], "--vary"),
        (
            &[
                "--vary",
                ORDER,
                "--vary",
                "mail.1.count=1..11/1",
                "--plot",
                "x.svg",
            ],
            "at most 8",
        ),
    ];
    for (args, says) in cases {
        let mut all = vec!["sweep", OFFICE];
        all.extend_from_slice(args);
        let o = spoolsim(&all);
        assert_eq!(code(&o), 2, "{args:?}: {}", stderr(&o));
        assert!(
            stderr(&o).contains(says),
            "{args:?}: expected `{says}` in:\n{}",
            stderr(&o)
        );
    }
}
