//! `[[validate]]` as a user of the command line meets it: `check` lists each validate call, the
//! text report has a section for them, `--format json` gives `validate.N.*` with the names, the
//! trace has `validate_call` and `validate_return`, the timeline and the plot show the calls,
//! and a mistake in a `[[validate]]` points at its line.

use std::path::PathBuf;
use std::process::Command;

mod cli_support;

use cli_support::{spoolsim, stdout};

fn temp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("spoolsim-cli-validate-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

const CONNECT: &str = "sim-scenarios/validate-connect-starts-flush.toml";

#[test]
fn check_lists_each_validate_call() {
    let o = spoolsim(&["check", "sim-scenarios"]);
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(0), "{out}");
    assert!(out.contains(
        "PASS validate-connect-starts-flush (sim-scenarios/validate-connect-starts-flush.toml"
    ));
    for line in [
        "  validate.1 (connect) on dialup SUPPRESS_UI | FORCE_XP_CONNECT at 1m00.000s → S_OK; \
         its flush ended 2m25.000s (moved 3/2, prompts 1)",
        "  validate.2 (too-soon) on dialup FORCE_XP_DISCONNECT at 2m00.000s → MAPI_E_BUSY",
        "  validate.1 (hang-up) on dialup FORCE_XP_DISCONNECT at 50s → S_OK",
        "  validate.1 (raw-bits) on dialup 0x2 at 10s → MAPI_E_UNKNOWN_FLAGS",
        "  validate.3 (refresh) on dialup REFRESH_XP_HEADER_CACHE at 10s → MAPI_E_NO_SUPPORT",
    ] {
        assert!(out.contains(line), "missing {line:?} in\n{out}");
    }
    let json = spoolsim(&["check", CONNECT, "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let calls = v["scenarios"][0]["validate_calls"].as_array().unwrap();
    assert_eq!(calls.len(), 3);
}

#[test]
fn run_reports_validate_calls_in_text_and_json() {
    let text = stdout(&spoolsim(&["run", CONNECT]));
    assert!(
        text.contains("validate calls (result / returned / completed;"),
        "{text}"
    );
    assert!(
        text.contains(
            "→ S_OK / 1m00.000s / 2m25.000s; moved 3/2; prompts 1; started flush #1; progress UI"
        ),
        "{text}"
    );
    let json = spoolsim(&["run", CONNECT, "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let m = &v["metrics"];
    assert_eq!(m["validate.1.result"], "S_OK");
    assert_eq!(m["validate.1.returned_at"], 60_000_000);
    assert_eq!(m["validate.1.completed_at"], 145_000_000);
    assert_eq!(m["validate.1.delivered"], 3);
    assert_eq!(m["validate.2.result"], "MAPI_E_BUSY");
    assert_eq!(v["names"]["connect"], "validate.1");
    assert!(
        m.get("validate.connect.result").is_none(),
        "listed once, by number"
    );
}

#[test]
fn the_trace_timeline_and_plot_show_validate_calls() {
    let (trace, timeline, plot) = (temp("t.jsonl"), temp("t.json"), temp("t.svg"));
    let o = spoolsim(&[
        "run",
        "sim-scenarios/validate-disconnect-mid-transfer.toml",
        "--trace",
        trace.to_str().unwrap(),
        "--timeline",
        timeline.to_str().unwrap(),
        "--plot",
        plot.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0));
    let trace = std::fs::read_to_string(trace).unwrap();
    assert!(trace.contains(
        r#"{"t_us":50000000,"actor":"spooler","event":"validate_call","validate":1,"object":"dialup","flags":"FORCE_XP_DISCONNECT","flags_bits":524288,"origin":"validate.1","name":"hang-up"}"#
    ), "{trace}");
    assert!(trace.contains(
        r#"{"t_us":50000000,"actor":"spooler","event":"validate_return","validate":1,"result":"S_OK"}"#
    ));
    let timeline = std::fs::read_to_string(timeline).unwrap();
    assert!(timeline.contains(r#""name":"validate.1 (hang-up)","cat":"validate""#));
    assert!(timeline.contains(r#""name":"offline (ValidateState)""#));
    let plot = std::fs::read_to_string(plot).unwrap();
    assert!(plot.contains("1 validate call"), "the subtitle counts it");
    assert!(
        plot.contains("ValidateState FORCE_XP_DISCONNECT"),
        "its tooltip"
    );
}

#[test]
fn a_bad_validate_entry_points_at_its_line() {
    let file = temp("bad.toml");
    std::fs::write(
        &file,
        "name = \"bad\"\n[[transport]]\nname = \"dialup\"\nkind = \"ras\"\naddress_types = [\"X400\"]\n\
         [[validate]]\nat = \"1m\"\nvia = \"dialpu\"\nflags = [\"FORCE_XP_CONECT\"]\n",
    )
    .unwrap();
    let o = spoolsim(&["validate", file.to_str().unwrap()]);
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("validate 1.via: no status object is named \"dialpu\""),
        "{err}"
    );
    assert!(err.contains("did you mean \"dialup\"?"), "{err}");
    assert!(err.contains("bad.toml:8:7"), "{err}");
    assert!(err.contains("did you mean \"FORCE_XP_CONNECT\"?"), "{err}");
    assert!(err.contains("bad.toml:9:10"), "{err}");
}

#[test]
fn log_lines_name_validate_calls() {
    let o = Command::new(env!("CARGO_BIN_EXE_spoolsim"))
        .args(["run", CONNECT])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .env("RUST_LOG", "spoolsim::trace=debug")
        .output()
        .expect("spoolsim runs");
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    assert!(
        err.contains(
            "event=validate_call validate=validate.1 name=connect object=dialup \
         flags=SUPPRESS_UI|FORCE_XP_CONNECT"
        ),
        "{err}"
    );
    assert!(
        err.contains("event=validate_return validate=validate.2 name=too-soon result=MAPI_E_BUSY")
    );
    assert!(err.contains(
        "event=flush_call flush=validate.1:call1 name=connect object=spooler target=dialup"
    ));
}
