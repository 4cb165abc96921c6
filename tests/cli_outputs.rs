//! What the command line writes: results explained in words, where each output came from,
//! expectations in JSON, diagnostics as JSON, the trace on standard output, `--quiet`,
//! `--color`, completions, the man page, and `RUST_LOG` lines in the report's names.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use sha2::{Digest, Sha256};

fn spoolsim_env(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_spoolsim"));
    cmd.args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .env_remove("RUST_LOG");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("spoolsim runs")
}

fn spoolsim(args: &[&str]) -> Output {
    spoolsim_env(args, &[])
}

fn out(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn library(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("sim-scenarios/{name}.toml"))
}

fn sha256(path: &Path) -> String {
    let bytes = std::fs::read(path).unwrap();
    Sha256::digest(&bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The `why:` lines of a report.
fn whys(report: &str) -> Vec<String> {
    report
        .lines()
        .filter_map(|l| l.trim_start().strip_prefix("why: "))
        .map(str::to_string)
        .collect()
}

#[test]
fn the_report_says_in_words_why_a_call_did_not_end_in_s_ok() {
    let cases: &[(&str, &[&str])] = &[
        ("dial-cancel", &["dialup: the user cancelled the dial prompt at 1m05s; its mail stays queued"]),
        ("overlap-busy", &["lan refused the call at once at 1m01s: flush.1 (called at 1m00s) was still flushing lan"]),
        ("invalid-and-unknown-flags", &[
            "neither FLUSH_UPLOAD nor FLUSH_DOWNLOAD is set, so there is nothing to flush",
            "the flags hold bits no flush knows (0x100)",
        ]),
        ("no-support-fallback", &["does not support flushing (supports_flush = false)"]),
        ("fault-crash", &["lan: it crashed at 35s and was down until 5m35s"]),
        ("fault-offline", &["lan: it was offline from 15s to 1m15s"]),
        ("dial-ignore", &["it had not returned when the run ended at 1h00m00s: dialup's dial prompt, shown at 1m00s, was never answered"]),
        ("until-cuts-flushes", &["t1 was still moving mail"]),
        ("soak-faults", &[
            "attempt failed at",
            "(failure_rate = 0.05)",
            "returned S_OK at once (FLUSH_ASYNC_OK); its work ended at",
        ]),
        ("async-spooler", &["flush.1 (called at 1m00s) was still flushing every transport"]),
    ];
    for (name, wanted) in cases {
        let o = spoolsim(&["run", library(name).to_str().unwrap()]);
        let lines = whys(&out(&o)).join("\n");
        for w in *wanted {
            assert!(lines.contains(w), "{name}: no {w:?} in\n{lines}");
        }
    }
    // Partial completion names the transport that failed.
    let o = spoolsim(&["run", library("dial-cancel").to_str().unwrap()]);
    assert!(whys(&out(&o))
        .iter()
        .any(|w| w.starts_with("some transports succeeded and some did not: dialup:")));
    // A call that ended in S_OK gets no line.
    let o = spoolsim(&["run", library("dial-accept").to_str().unwrap()]);
    assert!(whys(&out(&o)).is_empty(), "{}", out(&o));
}

#[test]
fn json_run_check_and_trace_record_where_they_came_from() {
    let file = library("dial-cancel");
    let hash = sha256(&file);
    let o = spoolsim(&[
        "run",
        file.to_str().unwrap(),
        "--format",
        "json",
        "--seed",
        "9",
    ]);
    let v: serde_json::Value = serde_json::from_str(&out(&o)).unwrap();
    assert_eq!(v["spoolsim"], env!("CARGO_PKG_VERSION"));
    assert_eq!(v["seed"], 9);
    assert_eq!(v["overrides"], serde_json::json!([]));
    assert_eq!(v["scenario_sha256"], hash);

    let c = spoolsim(&["check", file.to_str().unwrap(), "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&out(&c)).unwrap();
    assert_eq!(v["spoolsim"], env!("CARGO_PKG_VERSION"));
    assert_eq!(v["overrides"], serde_json::json!([]));
    assert_eq!(v["scenarios"][0]["scenario_sha256"], hash);
    assert_eq!(v["scenarios"][0]["seed"], 7);

    // --trace - writes the trace on standard output, the report on standard error.
    let t = spoolsim(&["run", file.to_str().unwrap(), "--trace", "-"]);
    assert_eq!(t.status.code(), Some(0));
    let lines: Vec<serde_json::Value> = out(&t)
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is JSON"))
        .collect();
    let header = &lines[0];
    assert_eq!(header["trace_format"], 1);
    assert_eq!(header["spoolsim"], env!("CARGO_PKG_VERSION"));
    assert_eq!(header["seed"], 7);
    assert_eq!(header["overrides"], serde_json::json!([]));
    assert_eq!(header["scenario_sha256"], hash);
    assert!(lines.iter().any(|l| l["event"] == "ui_answer"));
    assert!(err(&t).contains("spoolsim · dial-cancel"));
}

#[test]
fn json_expectations_give_op_expected_and_actual_in_metric_form() {
    let o = spoolsim(&[
        "run",
        library("dial-cancel").to_str().unwrap(),
        "--format",
        "json",
    ]);
    let v: serde_json::Value = serde_json::from_str(&out(&o)).unwrap();
    let exps = v["expectations"].as_array().unwrap();
    assert!(!exps.is_empty());
    for e in exps {
        for key in [
            "metric",
            "op",
            "expected",
            "expected_text",
            "actual",
            "pass",
        ] {
            assert!(e.get(key).is_some(), "{key} missing in {e}");
        }
        let metric = e["metric"].as_str().unwrap();
        // `actual` is exactly the metric's JSON value.
        assert_eq!(e["actual"], v["metrics"][metric], "{metric}");
        if metric.ends_with("_at") && e["expected"].is_number() {
            assert!(e["expected_text"].is_string());
        }
    }
    let time = exps
        .iter()
        .find(|e| e["metric"] == "flush.1.returned_at")
        .expect("dial-cancel expects flush.1.returned_at");
    assert!(
        time["expected"].is_u64(),
        "a time as integer microseconds: {time}"
    );
    assert!(time["actual"].is_u64());
}

#[test]
fn validate_prints_diagnostics_as_json() {
    let dir = std::env::temp_dir().join(format!("spoolsim-outputs-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("bad.toml");
    std::fs::write(&bad, "name = \"b\"\nuntil = \"5M\"\n[[transport]]\nname = \"x\"\nkind = \"lan\"\naddress_types = [\"A\"]\nper_mesage = \"1s\"\n").unwrap();
    let o = spoolsim(&[
        "validate",
        "--format",
        "json",
        bad.to_str().unwrap(),
        library("office-day").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    let v: serde_json::Value = serde_json::from_str(&out(&o)).unwrap();
    assert_eq!(v["files"][0]["valid"], false);
    assert_eq!(v["files"][1]["valid"], true);
    assert_eq!(v["files"][1]["scenario"], "office-day");
    let d = v["diagnostics"].as_array().unwrap();
    let errors: Vec<&serde_json::Value> = d.iter().filter(|d| d["severity"] == "error").collect();
    assert_eq!(errors.len(), 2, "{d:#?}");
    assert_eq!(errors[0]["file"], bad.to_str().unwrap());
    assert_eq!(
        (errors[0]["line"].as_u64(), errors[0]["column"].as_u64()),
        (Some(2), Some(9))
    );
    assert_eq!(errors[0]["key"], "until");
    assert!(errors[0]["message"]
        .as_str()
        .unwrap()
        .contains("did you mean `m` (minutes)?"));
    assert_eq!(errors[1]["key"], "transport 1 (x).per_mesage");
    // The office day's warning, as a warning.
    assert!(d
        .iter()
        .any(|w| w["severity"] == "warning" && w["key"] == "mail 3.to"));
}

#[test]
fn quiet_hides_warnings_and_notes_but_not_results_or_errors() {
    let loud = spoolsim(&[]);
    assert!(
        err(&loud).contains("warning: office-day.toml"),
        "{}",
        err(&loud)
    );
    let quiet = spoolsim(&["--quiet"]);
    assert!(quiet.status.success());
    assert!(err(&quiet).is_empty(), "{}", err(&quiet));
    assert_eq!(out(&quiet), out(&loud));
    let q = spoolsim(&["run", "-q", "no-such.toml"]);
    assert_eq!(q.status.code(), Some(2));
    assert!(
        err(&q).starts_with("error: no-such.toml: cannot read the file"),
        "{}",
        err(&q)
    );
}

#[test]
fn color_follows_the_option_and_no_color() {
    let file = library("dial-cancel");
    let f = file.to_str().unwrap();
    let always = spoolsim(&["run", f, "--color", "always"]);
    assert!(
        out(&always).contains("\x1b["),
        "no colour with --color always"
    );
    let never = spoolsim_env(&["run", f, "--color", "never"], &[("NO_COLOR", "")]);
    assert!(!out(&never).contains("\x1b["));
    let auto = spoolsim(&["run", f]);
    assert!(!out(&auto).contains("\x1b["), "no colour into a pipe");
    let bad = spoolsim(&["validate", "--color", "always", "no-such.toml"]);
    assert!(
        err(&bad).contains("\x1b["),
        "errors coloured too: {}",
        err(&bad)
    );
    assert_eq!(spoolsim(&["--color", "sometimes"]).status.code(), Some(2));
}

#[test]
fn completions_for_every_shell_and_a_man_page() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let o = spoolsim(&["completions", shell]);
        assert!(o.status.success(), "{shell}");
        let script = out(&o);
        assert!(
            script.contains("spoolsim") && script.contains("validate"),
            "{shell}"
        );
        assert!(script.contains("quiet"), "{shell}: no global options");
    }
    assert_eq!(spoolsim(&["completions", "tcsh"]).status.code(), Some(2));
    let man = spoolsim(&["man"]);
    assert!(man.status.success());
    let page = out(&man);
    assert!(
        page.starts_with(".ie") || page.contains(".TH spoolsim"),
        "{}",
        &page[..200.min(page.len())]
    );
    assert!(page.contains("validate") && page.contains("completions"));
}

#[test]
fn rust_log_names_transports_calls_and_flags_as_the_report_does() {
    let o = spoolsim_env(
        &["run", library("dial-cancel").to_str().unwrap()],
        &[("RUST_LOG", "spoolsim::trace=debug")],
    );
    let log = err(&o);
    assert!(log.contains("event=flush_call"), "{log}");
    assert!(log.contains("transport=dialup"), "{log}");
    assert!(log.contains("flags=FLUSH_UPLOAD|FLUSH_DOWNLOAD"), "{log}");
    assert!(
        log.contains("event=flush_call flush=flush.1 object=dialup"),
        "{log}"
    );
    assert!(
        log.contains("event=part_end flush=flush.1 transport=dialup"),
        "{log}"
    );
    assert!(
        log.contains("object=dialup status=STATUS_AVAILABLE"),
        "{log}"
    );
    for raw in ["Transport(", "flags: ", "flags_bits", "Some(", "row="] {
        assert!(!log.contains(raw), "{raw} in the log:\n{log}");
    }
}
