//! The command line as a user meets it: exit codes, messages that point at the file and line,
//! every output format, and the help.

use std::path::PathBuf;

mod cli_support;

use cli_support::{spoolsim, stderr, stdout};

fn temp(name: &str, text: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("spoolsim-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

const GOOD: &str = r#"name = "good"
[[transport]]
name = "lan"
kind = "lan"
address_types = ["SMTP"]
per_message = "1s"
send = "on-demand"
[[mail]]
at = "0s"
to = "SMTP:a@b"
count = 2
[[flush]]
at = "10s"
via = "lan"
flags = ["FLUSH_UPLOAD"]
[expect]
"flush.1.returned_at" = "12s"
delivered = 2
"#;

#[test]
fn no_arguments_runs_the_office_day() {
    let o = spoolsim(&[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("spoolsim · office-day"));
    assert!(out.contains("conservation: submitted"));
    assert!(out.contains("flush.1"));
    assert!(!out.contains("\x1b["), "no colour off a terminal");
}

#[test]
fn example_prints_the_built_in_scenario_which_validates() {
    let o = spoolsim(&["example"]);
    assert!(o.status.success());
    let p = temp("example.toml", &stdout(&o));
    let v = spoolsim(&["validate", p.to_str().unwrap()]);
    assert!(v.status.success(), "{}", stderr(&v));
}

#[test]
fn help_on_every_command_and_a_version() {
    for cmd in [
        "run",
        "check",
        "validate",
        "example",
        "sweep",
        "merge",
        "bench",
        "schema",
        "completions",
        "man",
    ] {
        let o = spoolsim(&[cmd, "--help"]);
        assert!(o.status.success(), "{cmd} --help");
        assert!(stdout(&o).contains("Usage"), "{cmd} --help");
    }
    let v = spoolsim(&["--version"]);
    assert!(stdout(&v).starts_with("spoolsim "));
    assert_eq!(spoolsim(&["frobnicate"]).status.code(), Some(2));
}

#[test]
fn json_has_every_documented_metric() {
    let p = temp("good.toml", GOOD);
    let o = spoolsim(&["run", p.to_str().unwrap(), "--format", "json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["scenario"], "good");
    assert_eq!(v["seed"], 0);
    let m = &v["metrics"];
    for name in [
        "submitted",
        "delivered",
        "received",
        "arrived_remote",
        "ndr",
        "queued_outbound",
        "queued_inbound",
        "in_flight",
        "lost",
        "progress_ui",
        "ui_prompts",
        "connects",
        "delivered.lan",
        "received.lan",
        "ndr.lan",
        "queued_outbound.lan",
        "queued_inbound.lan",
        "ui_prompts.lan",
        "connects.lan",
        "progress_ui.spooler",
        "progress_ui.lan",
        "end_time",
        "latency.outbound.min",
        "latency.outbound.p50",
        "latency.outbound.p90",
        "latency.outbound.p99",
        "latency.outbound.max",
        "latency.inbound.p50",
        "latency.outbound.lan.p99",
        "latency.inbound.lan.max",
        "flush.1.result",
        "flush.1.outcome",
        "flush.1.returned_at",
        "flush.1.completed_at",
        "flush.1.delivered",
        "flush.1.received",
        "flush.1.prompts",
    ] {
        assert!(!m[name].is_null(), "missing {name}");
    }
    // Times are integer microseconds; missing samples and words are strings.
    assert_eq!(m["flush.1.returned_at"], 12_000_000);
    assert_eq!(m["latency.inbound.p50"], "none");
    assert_eq!(m["flush.1.result"], "S_OK");
}

#[test]
fn trace_plot_and_timeline_files() {
    let p = temp("good.toml", GOOD);
    let dir = p.parent().unwrap();
    let (trace, plot, timeline) = (dir.join("t.jsonl"), dir.join("p.svg"), dir.join("t.json"));
    let o = spoolsim(&[
        "run",
        p.to_str().unwrap(),
        "--trace",
        trace.to_str().unwrap(),
        "--plot",
        plot.to_str().unwrap(),
        "--timeline",
        timeline.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = std::fs::read_to_string(&trace).unwrap();
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines[0]["trace_format"], 1);
    assert!(lines[1..]
        .iter()
        .all(|l| l["t_us"].is_u64() && l["event"].is_string()));
    assert!(lines.iter().any(|l| l["event"] == "deliver"));
    let svg = std::fs::read_to_string(&plot).unwrap();
    assert!(svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"));
    let tl: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&timeline).unwrap()).unwrap();
    assert!(tl["traceEvents"].as_array().is_some_and(|e| !e.is_empty()));
}

/// `--plot-window FROM..TO` draws a stretch of the run; a window that is not one is a usage
/// error (exit 2) that says why, and nothing is written.
#[test]
fn plot_window_draws_a_stretch_and_refuses_bad_windows() {
    let dir = std::env::temp_dir().join(format!("spoolsim-window-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let svg = dir.join("w.svg");
    let run = |w: &str| {
        spoolsim(&[
            "run",
            "sim-scenarios/office-day.toml",
            "-q",
            "--plot",
            svg.to_str().unwrap(),
            "--plot-window",
            w,
        ])
    };
    let o = run("2h..4h");
    assert!(o.status.success(), "{}", stderr(&o));
    let text = std::fs::read_to_string(&svg).unwrap();
    assert!(text.contains(">2:00</text>") && text.contains(">4:00</text>"));
    assert!(text.contains(r#"<g class="overview">"#));
    std::fs::remove_file(&svg).unwrap();
    for (w, why) in [
        ("4h..2h", "FROM must come before TO"),
        ("2h..2h", "FROM must come before TO"),
        ("2h", "is not FROM..TO"),
        ("2x..4h", "\"2x\""),
        ("10h..12h", "the run ends at 9h"),
    ] {
        let o = run(w);
        assert_eq!(o.status.code(), Some(2), "{w}: {}", stderr(&o));
        let err = stderr(&o);
        assert!(
            err.contains("--plot-window") && err.contains(why),
            "{w}: {err}"
        );
        assert!(!svg.exists(), "{w}: a plot was written");
    }
    // A window needs a plot to draw.
    let o = spoolsim(&[
        "run",
        "sim-scenarios/office-day.toml",
        "--plot-window",
        "2h..4h",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--plot"), "{}", stderr(&o));
}

#[test]
fn a_failed_expectation_exits_1_and_names_the_metric() {
    let p = temp(
        "wrong.toml",
        &GOOD.replace("delivered = 2", "delivered = 3"),
    );
    let o = spoolsim(&["run", p.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stdout(&o).contains("FAIL delivered: expected 3, got 2"),
        "{}",
        stdout(&o)
    );
}

/// One bad input per error class: exit 2, the file, the line and the key in the message,
/// nothing run, no panic.
#[test]
fn bad_inputs_exit_2_with_file_line_and_key() {
    let cases: &[(&str, &str, &str)] = &[
        ("unknown-key", "[[transport]]\nname = \"x\"\nkind = \"lan\"\naddress_types = [\"A\"]\nper_mesage = \"1s\"\n", ":5:"),
        ("wrong-type", "[[transport]]\nname = \"x\"\nkind = \"lan\"\naddress_types = \"A\"\n", ":4:"),
        ("bad-duration", "[[transport]]\nname = \"x\"\nkind = \"lan\"\naddress_types = [\"A\"]\nper_message = \"soon\"\n", ":5:"),
        ("duplicate", "[[transport]]\nname = \"x\"\nkind = \"lan\"\naddress_types = [\"A\"]\n[[transport]]\nname = \"x\"\nkind = \"lan\"\naddress_types = [\"B\"]\n", ":6:"),
        ("unknown-flag", "[[transport]]\nname = \"x\"\nkind = \"lan\"\naddress_types = [\"A\"]\n[[flush]]\nat = \"1s\"\nvia = \"spooler\"\nflags = [\"FLUSH_SOON\"]\n", ":8:"),
        ("no-such-transport", "[[transport]]\nname = \"x\"\nkind = \"lan\"\naddress_types = [\"A\"]\n[[flush]]\nat = \"1s\"\nvia = \"y\"\nflags = [\"FLUSH_UPLOAD\"]\n", ":7:"),
        ("target-without-spooler", "[[transport]]\nname = \"x\"\nkind = \"lan\"\naddress_types = [\"A\"]\n[[flush]]\nat = \"1s\"\nvia = \"x\"\ntarget = \"x\"\nflags = [\"FLUSH_UPLOAD\"]\n", ":8:"),
        ("unknown-metric", "[[transport]]\nname = \"x\"\nkind = \"lan\"\naddress_types = [\"A\"]\n[expect]\ndelivred = 1\n", ":6:"),
        ("limit", "[[transport]]\nname = \"x\"\nkind = \"lan\"\naddress_types = [\"A\"]\n[[mail]]\nat = \"0s\"\nto = \"A:x\"\ncount = 1000000000000\n", ":8:"),
        ("syntax", "[[transport]\nname = \"x\"\n", ":1:"),
    ];
    for (name, body, line) in cases {
        let file = format!("{name}.toml");
        let p = temp(&file, &format!("name = \"bad\"\n{body}"));
        let started = std::time::Instant::now();
        let o = spoolsim(&["run", p.to_str().unwrap()]);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{name}: {err}");
        assert!(err.contains(&file), "{name}: no file name in {err}");
        let line_no: usize = line.trim_matches(':').parse().unwrap();
        assert!(
            err.contains(&format!(":{}:", line_no + 1)),
            "{name}: no line in {err}"
        );
        assert!(!err.contains("panicked"), "{name}: {err}");
        assert!(stdout(&o).is_empty(), "{name}: something ran");
        // A 10^12-message scenario is refused before anything is allocated, not after.
        assert!(started.elapsed().as_secs() < 10, "{name} took too long");
    }
    // Random bytes and an empty file.
    let p = temp("bytes.toml", "\u{0}\u{7f}\u{1b}[[[[");
    assert_eq!(
        spoolsim(&["run", p.to_str().unwrap()]).status.code(),
        Some(2)
    );
    let p = temp("empty.toml", "");
    let o = spoolsim(&["run", p.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("name"));
}

#[test]
fn check_reports_a_bad_file_once_as_an_error_and_still_runs_the_others() {
    let dir = std::env::temp_dir().join(format!("spoolsim-check-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("a-good.toml"), GOOD).unwrap();
    std::fs::write(dir.join("b-bad.toml"), "name = 3\n").unwrap();
    std::fs::write(
        dir.join("c-fail.toml"),
        GOOD.replace("delivered = 2", "delivered = 9"),
    )
    .unwrap();
    let o = spoolsim(&["check", dir.to_str().unwrap()]);
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(2), "bad input outranks a failure");
    assert!(out.contains("PASS good"));
    assert!(out.contains("FAIL good") && out.contains("delivered: expected 9, got 2"));
    // The bad file: one line, its name once, counted as an error and not as a failure.
    let bad: Vec<&str> = out.lines().filter(|l| l.contains("b-bad.toml")).collect();
    assert_eq!(bad.len(), 1, "{out}");
    assert!(bad[0].starts_with("ERROR "), "{}", bad[0]);
    assert_eq!(bad[0].matches("b-bad.toml").count(), 1, "{}", bad[0]);
    assert!(
        bad[0].contains("b-bad.toml:1:8: name: expected"),
        "{}",
        bad[0]
    );
    assert!(
        out.trim_end().ends_with("1 passed, 1 failed, 1 error"),
        "{out}"
    );
    assert!(
        !stderr(&o).contains("b-bad"),
        "reported once: {}",
        stderr(&o)
    );

    let j = spoolsim(&["check", dir.to_str().unwrap(), "--format", "json"]);
    assert_eq!(j.status.code(), Some(2));
    let v: serde_json::Value = serde_json::from_str(&stdout(&j)).unwrap();
    assert_eq!(
        (
            v["passed"].as_u64(),
            v["failed"].as_u64(),
            v["errors"].as_u64()
        ),
        (Some(1), Some(1), Some(1))
    );
    let statuses: Vec<&str> = v["scenarios"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["pass", "error", "fail"]);

    let x = spoolsim(&["check", dir.to_str().unwrap(), "--format", "junit"]);
    let xml = stdout(&x);
    assert!(xml.starts_with("<?xml"), "{xml}");
    assert!(
        xml.contains("<testsuite name=\"spoolsim check\" tests=\"3\""),
        "{xml}"
    );
    assert!(
        xml.contains("failures=\"1\"") && xml.contains("errors=\"1\""),
        "{xml}"
    );
    assert!(xml.contains("<failure") && xml.contains("<error"), "{xml}");
    assert!(xml.contains("delivered: expected 9, got 2"), "{xml}");
}
