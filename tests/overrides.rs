//! `--set PATH=VALUE` through the built binary: every path shape, values read as their key
//! asks, every check of a file applied to the result, errors that name the argument (with a
//! did-you-mean), positions in the file kept right around inserted lines, the overrides
//! recorded in every output, `--seed`/`--until` winning, `check` and `validate` per file,
//! `check --bless --set` refused, and `diff FILE --set`.

mod cli_support;

use cli_support::{code, json, spoolsim, stderr, stdout, Scratch};

/// A small scenario with a named flush and a procedure; no `seed`, no `[spooler]`, so that
/// overrides of those insert lines.
const FILE: &str = r#"name = "small"
until = "1h"

[[transport]]
name = "lan"
kind = "lan"
address_types = ["SMTP"]
per_message = "1s"

[[transport]]
name = "dialup"
kind = "ras"
address_types = ["X400"]
per_message = "2s"

[[mail]]
at = "0s"
to = "SMTP:bob@example.com"
count = 3

[[mail]]
at = "0s"
to = "X400:c=gb;s=jones"

[[flush]]
name = "upload"
at = "10m"
via = "spooler"
flags = ["FLUSH_UPLOAD"]

[[procedure]]
at = "20m"
kind = "flush-all"
flags = ["FLUSH_UPLOAD", "FLUSH_DOWNLOAD"]

[expect]
delivered = 4
"#;

fn setup(name: &str) -> (Scratch, String) {
    let dir = Scratch::new(name);
    let file = dir.write("small.toml", FILE);
    (dir, file)
}

/// `spoolsim run FILE --format json` with `sets` as `--set` arguments.
fn run_json(file: &str, sets: &[&str]) -> serde_json::Value {
    let mut args = vec!["run", file, "--format", "json"];
    for s in sets {
        args.extend(["--set", s]);
    }
    let o = spoolsim(&args);
    assert!(code(&o) <= 1, "{sets:?}: {}", stderr(&o));
    json(&o)
}

/// The exit code and standard error of `spoolsim run FILE --set ARG`.
fn run_err(file: &str, arg: &str) -> (i32, String) {
    let o = spoolsim(&["run", file, "--set", arg]);
    (code(&o), stderr(&o))
}

#[test]
fn every_path_shape_changes_its_key() {
    let (_dir, file) = setup("set-paths");
    let base = run_json(&file, &[]);
    let m = |j: &serde_json::Value, k: &str| j["metrics"][k].clone();
    // The dial-up flush: prompt 5s, connect 30s, one message 2s.
    assert_eq!(m(&base, "flush.1.returned_at"), 637_000_000u64);
    assert_eq!(m(&base, "latency.outbound.lan.max"), 3_000_000u64);
    let cases: [(&str, &str, serde_json::Value); 11] = [
        ("seed=7", "", 0.into()),
        ("until=30m", "end_time", 1_800_000_000u64.into()),
        ("description=changed", "", 0.into()),
        ("spooler.flush_order=parallel", "", 0.into()),
        (
            "transport.lan.per_message=2s",
            "latency.outbound.lan.max",
            6_000_000u64.into(),
        ),
        (
            "transport.dialup.per_message=4s",
            "flush.1.returned_at",
            639_000_000u64.into(),
        ),
        (
            "transport.dialup.connect=1m",
            "flush.1.returned_at",
            667_000_000u64.into(),
        ),
        ("mail.1.count=5", "delivered", 6.into()),
        (
            "flush.upload.at=5m",
            "flush.1.returned_at",
            337_000_000u64.into(),
        ),
        (
            "flush.1.flags=[\"FLUSH_DOWNLOAD\"]",
            "flush.1.delivered",
            0.into(),
        ),
        (
            "procedure.1.at=30m",
            "procedure.1.returned_at",
            1_800_000_000u64.into(),
        ),
    ];
    for (set, metric, want) in cases {
        let j = run_json(&file, &[set]);
        assert_eq!(j["overrides"], serde_json::json!([set]), "{set}");
        if !metric.is_empty() {
            assert_eq!(m(&j, metric), want, "{set}: {metric}");
        }
    }
    assert_eq!(run_json(&file, &["seed=7"])["seed"], 7);
    // A value quoted as TOML, and a distribution given as an inline table.
    let j = run_json(&file, &["transport.lan.per_message=\"2s\""]);
    assert_eq!(m(&j, "latency.outbound.lan.max"), 6_000_000u64);
    let j = run_json(
        &file,
        &["transport.lan.per_message={uniform=[\"2s\",\"2s\"]}"],
    );
    assert_eq!(m(&j, "latency.outbound.lan.max"), 6_000_000u64);
    // Numbers are read as TOML: a failure rate of 1 fails every attempt.
    let j = run_json(&file, &["transport.lan.failure_rate=1"]);
    assert_eq!(m(&j, "delivered.lan"), 0);
    // A validate call's path shape is accepted (the file has none, which is then the error).
    let (c, e) = run_err(&file, "validate.1.at=1h");
    assert_eq!(c, 2);
    assert!(e.contains("the file has no [[validate]] entries"), "{e}");
}

#[test]
fn every_mistake_is_an_error_naming_the_argument() {
    let (_dir, file) = setup("set-errors");
    let cases: [(&str, &str); 16] = [
        ("nothing", "expected PATH=VALUE"),
        ("transprot.lan.per_message=1s", "did you mean `transport`?"),
        ("transport.lan.per_mesage=1s", "did you mean `per_message`?"),
        (
            "transport.lna.per_message=1s",
            "no transport is named `lna`; did you mean `lan`?",
        ),
        (
            "transport.lan.name=wan",
            "a transport's `name` cannot be set",
        ),
        (
            "mail.3.count=1",
            "the file has 2 [[mail]] entries, mail.1 to mail.2",
        ),
        ("mail.0.count=1", "numbered from 1"),
        ("fault.1.down=1m", "the file has no [[fault]] entries"),
        (
            "flush.uplod.at=1m",
            "no [[flush]] is named `uplod`; did you mean `upload`?",
        ),
        (
            "procedure.upload.at=1m",
            "`upload` names a [[flush]], not a [[procedure]]",
        ),
        ("flush.1.flags=FLUSH_UPLOAD", "TOML writes words in quotes"),
        (
            "transport.lan.failure_rate=high",
            "a number from 0.0 to 1.0",
        ),
        (
            "transport.lan.failure_rate=2",
            "--set transport.lan.failure_rate=2: transport 1 (lan).failure_rate: expected a \
             probability from 0.0 to 1.0, found 2 (an integer)",
        ),
        ("transport.lan.per_message=20", "the number 20 has no unit"),
        ("transport.lan.connect=20s", "a key of ras transports only"),
        ("flush.1.via=lann", "did you mean \"lan\"?"),
    ];
    for (arg, says) in cases {
        let (c, e) = run_err(&file, arg);
        assert_eq!(c, 2, "{arg}: {e}");
        assert!(e.contains(says), "{arg}: expected `{says}` in:\n{e}");
        assert!(e.contains(arg), "{arg}: the argument is not named:\n{e}");
        assert!(!e.contains("panicked"), "{arg}: {e}");
    }
    // The same key twice, by number and by name.
    let o = spoolsim(&[
        "run",
        &file,
        "--set",
        "flush.1.at=1m",
        "--set",
        "flush.upload.at=2m",
    ]);
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains(
            "--set flush.upload.at=2m: `flush.upload.at` is also set by --set flush.1.at=1m"
        ),
        "{}",
        stderr(&o)
    );
}

#[test]
fn file_positions_stay_right_around_inserted_lines() {
    let dir = Scratch::new("set-positions");
    // A mistake in the file (an unknown flag) and a warning (nobody handles FAX).
    let text = FILE
        .replace("to = \"X400:c=gb;s=jones\"", "to = \"FAX:123\"")
        .replace("flags = [\"FLUSH_UPLOAD\"]", "flags = [\"FLUSH_UPLOD\"]");
    let line_of = |needle: &str| text.lines().position(|l| l.contains(needle)).unwrap() + 1;
    let (flag_line, fax_line) = (line_of("FLUSH_UPLOD"), line_of("FAX:123"));
    let file = dir.write("bad.toml", &text);
    // `seed` and `[spooler]` are inserted (above and below the mistake); `until` replaced.
    let o = spoolsim(&[
        "validate",
        &file,
        "--set",
        "seed=3",
        "--set",
        "spooler.flush_order=parallel",
        "--set",
        "until=2h",
        "--format",
        "json",
    ]);
    assert_eq!(code(&o), 2);
    let j = json(&o);
    let d = &j["diagnostics"][0];
    let at = (d["line"].as_u64(), d["column"].as_u64());
    assert_eq!(at, (Some(flag_line as u64), Some(10)), "{j}");
    assert!(d.get("set").is_none());
    let text_err = stderr(&spoolsim(&["validate", &file, "--set", "seed=3"]));
    assert!(
        text_err.contains(&format!("--> {file}:{flag_line}:10")),
        "{text_err}"
    );
    assert!(
        text_err.contains(&format!("{flag_line} | flags = [\"FLUSH_UPLOD\"]")),
        "{text_err}"
    );
    // With the flag fixed, the warning keeps its line too.
    let fixed = dir.write("warn.toml", &text.replace("FLUSH_UPLOD", "FLUSH_UPLOAD"));
    let o = spoolsim(&[
        "validate",
        &fixed,
        "--set",
        "seed=3",
        "--set",
        "spooler.honors_no_ui=false",
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let warning = format!("{fixed}:{fax_line}:6: mail 2.to");
    assert!(stderr(&o).contains(&warning), "{}", stderr(&o));
    // A warning caused by an override names it.
    let o = spoolsim(&["validate", &fixed, "--set", "transport.lan.per_message=2h"]);
    assert_eq!(code(&o), 0);
    assert!(
        stderr(&o).contains(&format!(
            "{fixed}: --set transport.lan.per_message=2h: transport 1 (lan).per_message"
        )),
        "{}",
        stderr(&o)
    );
}

#[test]
fn overrides_are_recorded_in_every_output() {
    let (dir, file) = setup("set-recorded");
    let sets = ["--set", "transport.lan.per_message=2s", "--set", "seed=5"];
    let recorded = serde_json::json!(["transport.lan.per_message=2s", "seed=5"]);
    let with = |args: &[&str]| -> Vec<String> {
        args.iter().chain(&sets).map(|s| s.to_string()).collect()
    };
    let run = |args: Vec<String>| {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        spoolsim(&args)
    };
    let j = json(&run(with(&["run", &file, "--format", "json"])));
    assert_eq!(j["overrides"], recorded);
    assert_eq!(j["seed"], 5);
    let text = stdout(&run(with(&["run", &file])));
    assert!(
        text.lines().nth(1) == Some("overrides: transport.lan.per_message=2s, seed=5"),
        "{text}"
    );
    let trace = dir.path("t.jsonl");
    run(with(&["run", &file, "--trace", &trace]));
    let header: serde_json::Value = serde_json::from_str(
        std::fs::read_to_string(&trace)
            .unwrap()
            .lines()
            .next()
            .unwrap(),
    )
    .unwrap();
    assert_eq!(header["overrides"], recorded);
    let j = json(&run(with(&["check", &file, "--format", "json"])));
    assert_eq!(j["overrides"], recorded);
    assert_eq!(j["scenarios"][0]["seed"], 5);
    let j = json(&run(with(&["validate", &file, "--format", "json"])));
    assert_eq!(j["overrides"], recorded);
    let j = json(&run(with(&[
        "sweep", &file, "--seeds", "1..3", "--format", "json",
    ])));
    assert_eq!(j["overrides"], recorded);
    let shard = run(with(&[
        "sweep", &file, "--seeds", "1..3", "--shard", "1/2", "--format", "json",
    ]));
    assert_eq!(json(&shard)["overrides"], recorded);
    // The sweep's rerun commands carry them.
    let failing = dir.write("fail.toml", &FILE.replace("delivered = 4", "delivered = 5"));
    let o = run(with(&["sweep", &failing, "--seeds", "1..2"]));
    assert_eq!(code(&o), 1);
    assert!(
        stdout(&o).contains("--set transport.lan.per_message=2s --set seed=5 --seed 1"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn seed_and_until_options_win_over_set() {
    let (_dir, file) = setup("set-wins");
    let o = spoolsim(&[
        "run", &file, "--format", "json", "--set", "seed=5", "--seed", "9", "--set", "until=5m",
        "--until", "30m",
    ]);
    let j = json(&o);
    assert_eq!(j["seed"], 9);
    assert_eq!(j["metrics"]["end_time"], 1_800_000_000u64);
}

#[test]
fn check_applies_overrides_to_each_file_and_refuses_bless() {
    let dir = Scratch::new("set-check");
    dir.write("lib/small.toml", FILE);
    dir.write(
        "lib/other.toml",
        &FILE
            .replace("name = \"dialup\"", "name = \"modem\"")
            .replace("name = \"small\"", "name = \"other\""),
    );
    let lib = dir.path("lib");
    let o = spoolsim(&["check", &lib, "--set", "transport.dialup.connect=1m"]);
    assert_eq!(code(&o), 2, "{}", stdout(&o));
    let out = stdout(&o);
    assert!(
        out.starts_with("overrides: transport.dialup.connect=1m\n"),
        "{out}"
    );
    assert!(
        out.contains("ERROR ")
            && out.contains("no transport is named `dialup`; the transports are `lan`, `modem`"),
        "{out}"
    );
    assert!(out.contains("PASS small"), "{out}");
    assert!(out.ends_with("1 passed, 0 failed, 1 error\n"), "{out}");
    let o = spoolsim(&["check", &lib, "--set", "mail.1.count=9"]);
    assert_eq!(code(&o), 1);
    assert!(
        stdout(&o).contains("delivered: expected 4, got 10"),
        "{}",
        stdout(&o)
    );
    let before = std::fs::read_to_string(dir.path("lib/small.toml")).unwrap();
    let o = spoolsim(&["check", "--bless", &lib, "--set", "mail.1.count=9"]);
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains("--bless") && stderr(&o).contains("--set"),
        "{}",
        stderr(&o)
    );
    assert_eq!(
        std::fs::read_to_string(dir.path("lib/small.toml")).unwrap(),
        before
    );
}

#[test]
fn standard_input_takes_overrides() {
    use std::io::Write;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_spoolsim"))
        .args(["run", "-", "--format", "json", "--set", "mail.1.count=5"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(FILE.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let j: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(j["metrics"]["delivered"], 6);
}

#[test]
fn diff_compares_a_scenario_with_itself_changed() {
    let (dir, file) = setup("set-diff");
    // The first event where the runs part, found independently from the two traces.
    let (ta, tb) = (dir.path("a.jsonl"), dir.path("b.jsonl"));
    spoolsim(&["run", &file, "--trace", &ta]);
    let changed = ["--set", "transport.lan.per_message=1500ms"];
    spoolsim(&["run", &file, "--trace", &tb, changed[0], changed[1]]);
    let lines = |p: &str| -> Vec<String> {
        let t = std::fs::read_to_string(p).unwrap();
        t.lines().skip(1).map(str::to_string).collect()
    };
    let (ea, eb) = (lines(&ta), lines(&tb));
    let k = ea.iter().zip(&eb).position(|(x, y)| x != y).unwrap();
    let o = spoolsim(&["diff", &file, "--set", "transport.lan.per_message=1500ms"]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let text = stdout(&o);
    assert!(
        text.contains(&format!(
            "right: {file} with transport.lan.per_message=1500ms"
        )),
        "{text}"
    );
    assert!(
        text.contains(&format!("events: the runs part at event {}", k + 1)),
        "{text}"
    );
    assert!(
        text.contains(&format!("\n  - {}  {}\n", k + 1, ea[k])),
        "{text}"
    );
    assert!(
        text.contains(&format!("\n  + {}  {}\n", k + 1, eb[k])),
        "{text}"
    );
    assert!(text.contains("latency.outbound.lan.max"), "{text}");
    let j = json(&spoolsim(&[
        "diff",
        &file,
        "--set",
        "transport.lan.per_message=1500ms",
        "--format",
        "json",
    ]));
    assert_eq!(j["left"]["overrides"], serde_json::json!([]));
    assert_eq!(
        j["right"]["overrides"],
        serde_json::json!(["transport.lan.per_message=1500ms"])
    );
    // Setting a key to what it already is changes nothing.
    assert_eq!(
        code(&spoolsim(&[
            "diff",
            &file,
            "--set",
            "transport.lan.per_message=1s"
        ])),
        0
    );
    // With two files, the override applies to both.
    let copy = dir.write("copy.toml", FILE);
    assert_eq!(
        code(&spoolsim(&[
            "diff",
            &file,
            &copy,
            "--set",
            "mail.1.count=9"
        ])),
        0
    );
    // One file and no override has nothing to compare; a trace cannot be changed.
    let o = spoolsim(&["diff", &file]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("--set"), "{}", stderr(&o));
    let o = spoolsim(&["diff", &ta, "--set", "seed=2"]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("is a trace"), "{}", stderr(&o));
    let o = spoolsim(&["diff", &ta, &file, "--set", "seed=2"]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("is a trace"), "{}", stderr(&o));
}
