//! The command line reading scenarios as a user writes them: named calls, every error of a file
//! at once, units, standard input, the built-in library, and suggestions for misspelt names.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn spoolsim_in(dir: &Path, args: &[&str], input: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_spoolsim"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("RUST_LOG")
        .stdin(if input.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spoolsim runs");
    if let Some(text) = input {
        let mut stdin = child.stdin.take().unwrap();
        stdin.write_all(text.as_bytes()).unwrap();
    }
    child.wait_with_output().unwrap()
}

fn spoolsim(args: &[&str]) -> Output {
    spoolsim_in(Path::new(env!("CARGO_MANIFEST_DIR")), args, None)
}

fn dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("spoolsim-inputs-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn temp(name: &str, text: &str) -> PathBuf {
    let p = dir("files").join(name);
    std::fs::write(&p, text).unwrap();
    p
}

fn out(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

const NAMED: &str = r#"name = "named"
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
name = "morning-upload"
at = "10s"
via = "lan"
flags = ["FLUSH_UPLOAD"]

[[flush]]
at = "11s"
via = "lan"
flags = ["FLUSH_UPLOAD"]

[expect]
"flush.morning-upload.returned_at" = "12s"
"flush.2.result" = "MAPI_E_BUSY"
delivered = 2
"#;

/// A file with three mistakes in three sections.
const THREE: &str = r#"name = "three"
until = "2h"

[[transport]]
name = "lan"
kind = "lan"
address_types = ["SMTP"]
per_mesage = "20ms"

[[transport]]
name = "faxmodem"
kind = "ras"
address_types = ["FAX"]
connect = "5M"

[[flush]]
name = "morning-upload"
at = "10m"
via = "fax"
flags = ["FLUSH_UPLOAD"]
"#;

#[test]
fn names_answer_in_expectations_reports_json_and_the_trace() {
    let p = temp("named.toml", NAMED);
    let o = spoolsim(&["run", p.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}{}", out(&o), err(&o));
    let report = out(&o);
    assert!(report.contains("flush.1 (morning-upload)"), "{report}");
    assert!(
        report.contains("PASS flush.morning-upload.returned_at = 12s"),
        "{report}"
    );

    let j = spoolsim(&["run", p.to_str().unwrap(), "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&out(&j)).unwrap();
    assert_eq!(v["names"], serde_json::json!({"morning-upload": "flush.1"}));
    // Each call once, by number.
    let metrics = v["metrics"].as_object().unwrap();
    assert_eq!(v["metrics"]["flush.1.returned_at"], 12_000_000);
    assert!(metrics.keys().all(|k| !k.contains("morning-upload")));

    let trace = dir("named").join("t.jsonl");
    let t = spoolsim(&[
        "run",
        p.to_str().unwrap(),
        "--trace",
        trace.to_str().unwrap(),
    ]);
    assert!(t.status.success());
    let lines: Vec<serde_json::Value> = std::fs::read_to_string(&trace)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines[0]["names"]["morning-upload"], "flush.1");
    let calls: Vec<&serde_json::Value> = lines
        .iter()
        .filter(|l| l["event"] == "flush_call")
        .collect();
    assert_eq!(calls[0]["name"], "morning-upload");
    assert!(
        calls[1].get("name").is_none(),
        "an unnamed call has no name"
    );
    // The timeline labels the call by its name too.
    let timeline = dir("named").join("t.json");
    spoolsim(&[
        "run",
        p.to_str().unwrap(),
        "--timeline",
        timeline.to_str().unwrap(),
    ]);
    let tl = std::fs::read_to_string(&timeline).unwrap();
    assert!(
        tl.contains(r#""name":"flush.1 (morning-upload)""#),
        "no name in the timeline"
    );
    // And the plot, by its name alone.
    let plot = dir("named").join("p.svg");
    spoolsim(&["run", p.to_str().unwrap(), "--plot", plot.to_str().unwrap()]);
    let svg = std::fs::read_to_string(&plot).unwrap();
    assert!(
        svg.contains(">morning-upload</text>"),
        "no name in the plot"
    );
}

#[test]
fn a_file_with_three_errors_shows_three_in_file_order_then_exits_2() {
    let p = temp("three.toml", THREE);
    let o = spoolsim(&["run", p.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(out(&o).is_empty(), "nothing ran");
    let e = err(&o);
    let titles: Vec<&str> = e.lines().filter(|l| l.starts_with("error: ")).collect();
    assert_eq!(titles.len(), 3, "{e}");
    assert!(titles[0].starts_with("error: transport 1 (lan).per_mesage: unknown key"));
    assert!(titles[0].ends_with("did you mean `per_message`?"));
    assert!(titles[1].starts_with("error: transport 2 (faxmodem).connect:"));
    assert!(titles[1].contains("did you mean `m` (minutes)?"));
    assert!(
        titles[2].starts_with("error: flush 1 (morning-upload).via: no transport is named \"fax\"")
    );
    assert!(
        titles[2].ends_with("did you mean \"faxmodem\"?"),
        "{}",
        titles[2]
    );
    // Each with its place and a caret under it.
    for place in ["three.toml:8:1", "three.toml:14:11", "three.toml:19:7"] {
        assert!(
            e.contains(&format!(
                "--> {}",
                p.parent().unwrap().join(place).display()
            )),
            "{place}: {e}"
        );
    }
    assert!(
        e.contains("14 | connect = \"5M\"\n   |           ^^^^"),
        "{e}"
    );
    assert!(
        !e.contains("[0]") && !e.contains("[1]"),
        "0-based numbers in {e}"
    );
    // validate says the same, each titled error:, and a summary.
    let v = spoolsim(&["validate", p.to_str().unwrap()]);
    assert_eq!(v.status.code(), Some(2));
    assert_eq!(err(&v).matches("error: ").count(), 4, "{}", err(&v));
    assert!(err(&v)
        .trim_end()
        .ends_with("error: 1 of 1 file is invalid"));
}

#[test]
fn more_than_twenty_errors_show_the_first_twenty() {
    let mut text = String::from("name = \"many\"\n[[transport]]\nname = \"lan\"\nkind = \"lan\"\naddress_types = [\"SMTP\"]\n");
    for i in 0..25 {
        text.push_str(&format!("[[mail]]\nat = \"{i}q\"\nto = \"SMTP:a\"\n"));
    }
    let p = temp("many.toml", &text);
    let o = spoolsim(&["validate", p.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let e = err(&o);
    assert_eq!(e.matches("error: mail ").count(), 20, "{e}");
    assert!(e.contains("error: mail 1.at:") && e.contains("error: mail 20.at:"));
    assert!(!e.contains("error: mail 21.at:"));
    assert!(e.contains("note: 5 more errors in"), "{e}");
}

#[test]
fn months_are_refused_with_a_hint_wherever_a_duration_is_read() {
    let p = temp(
        "months.toml",
        &THREE
            .replace("per_mesage", "per_message")
            .replace("\"fax\"", "\"faxmodem\""),
    );
    let o = spoolsim(&["run", p.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let e = err(&o);
    assert!(e.contains("found \"5M\": `M` means months"), "{e}");
    assert!(e.contains("did you mean `m` (minutes)?"), "{e}");
    assert!(
        e.contains("the units are `ns`, `us`, `ms`, `s`, `m`, `h`, `d` and `w`"),
        "{e}"
    );
    assert!(
        !e.contains("expected number at") && !e.contains("few variations"),
        "{e}"
    );
    let u = spoolsim(&["run", "--until", "2M"]);
    assert_eq!(u.status.code(), Some(2));
    assert!(
        err(&u).starts_with("error: --until: `2M` is not a duration: `M` means months"),
        "{}",
        err(&u)
    );
    let y = spoolsim(&["run", "--until", "soon"]);
    assert!(
        err(&y).contains("a number belongs where \"soon\" is"),
        "{}",
        err(&y)
    );
}

#[test]
fn durations_longer_than_the_run_get_a_warning_that_quiet_hides() {
    let text = NAMED
        .replace("name = \"named\"", "name = \"long\"\nuntil = \"1m\"")
        .replace(
            "per_message = \"1s\"",
            "per_message = \"1s\"\nreceive = \"2h\"",
        )
        .replace("\"flush.2.result\" = \"MAPI_E_BUSY\"\n", "");
    let p = temp("long.toml", &text);
    let o = spoolsim(&["validate", p.to_str().unwrap()]);
    assert!(o.status.success(), "{}", err(&o));
    assert!(err(&o).contains("warning: "), "{}", err(&o));
    assert!(
        err(&o).contains(
            "transport 1 (lan).receive: \"2h\" is longer than the whole run (until = \"1m\")"
        ),
        "{}",
        err(&o)
    );
    let q = spoolsim(&["-q", "validate", p.to_str().unwrap()]);
    assert!(q.status.success());
    assert!(err(&q).is_empty(), "{}", err(&q));
    assert!(out(&q).starts_with("ok "));
}

#[test]
fn a_scenario_piped_into_run_dash_runs() {
    let o = spoolsim_in(
        Path::new(env!("CARGO_MANIFEST_DIR")),
        &["run", "-"],
        Some(NAMED),
    );
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert!(out(&o).contains("spoolsim · named"));
    // Errors name <stdin>.
    let bad = spoolsim_in(Path::new("."), &["validate", "-"], Some("name = 3\n"));
    assert_eq!(bad.status.code(), Some(2));
    assert!(err(&bad).contains("--> <stdin>:1:8"), "{}", err(&bad));
    // check and sweep read it too; standard input is read once.
    let c = spoolsim_in(Path::new("."), &["check", "-"], Some(NAMED));
    assert_eq!(c.status.code(), Some(0), "{}", out(&c));
    assert!(out(&c).starts_with("PASS named (<stdin>"), "{}", out(&c));
    let twice = spoolsim_in(Path::new("."), &["validate", "-", "-"], Some(NAMED));
    assert_eq!(twice.status.code(), Some(2));
    assert!(err(&twice).contains("standard input can be read only once"));
}

#[test]
fn the_library_is_built_in() {
    let list = spoolsim(&["example", "--list"]);
    assert!(list.status.success());
    let listed: Vec<String> = out(&list)
        .lines()
        .map(|l| l.split_whitespace().next().unwrap().to_string())
        .collect();
    let mut folder: Vec<String> =
        std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("sim-scenarios"))
            .unwrap()
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".toml"))
            .collect();
    // In file-name order, as `check` runs them.
    folder.sort();
    let folder: Vec<String> = folder
        .iter()
        .map(|n| n.trim_end_matches(".toml").to_string())
        .collect();
    assert_eq!(
        listed, folder,
        "the built-in library and sim-scenarios/ differ"
    );
    assert!(out(&list).contains("dial-cancel"));
    for name in ["dial-cancel", "retry-backoff.toml"] {
        let e = spoolsim(&["example", name]);
        assert!(e.status.success());
        let file = name.trim_end_matches(".toml");
        let expected = std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("sim-scenarios/{file}.toml")),
        )
        .unwrap();
        assert_eq!(out(&e), expected);
    }
    let unknown = spoolsim(&["example", "dial-cancle"]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(err(&unknown).starts_with(
        "error: no built-in scenario is named `dial-cancle`; did you mean `dial-cancel`?"
    ));
}

#[test]
fn check_in_an_empty_folder_checks_the_built_in_library() {
    let empty = dir("empty");
    let o = spoolsim_in(&empty, &["check"], None);
    assert_eq!(o.status.code(), Some(0), "{}", out(&o));
    assert!(
        err(&o).contains("no sim-scenarios/ folder here: checking the built-in library"),
        "{}",
        err(&o)
    );
    let n = std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("sim-scenarios"))
        .unwrap()
        .count();
    assert!(
        out(&o)
            .trim_end()
            .ends_with(&format!("{n} passed, 0 failed")),
        "{}",
        out(&o)
    );
    assert!(out(&o).contains("PASS office-day (<built-in>/office-day.toml"));
    // Where the folder exists, it is the one checked, and the note says so.
    let here = spoolsim(&["check", "--quiet"]);
    assert!(err(&here).is_empty(), "{}", err(&here));
    let loud = spoolsim(&["check"]);
    assert!(
        err(&loud).contains("note: checking sim-scenarios/"),
        "{}",
        err(&loud)
    );
    assert!(out(&loud).contains("(sim-scenarios/office-day.toml"));
}

#[test]
fn misspelt_references_get_suggestions() {
    let text = THREE
        .replace("per_mesage", "per_message")
        .replace("\"5M\"", "\"5m\"");
    let p = temp("fax.toml", &text);
    let o = spoolsim(&["validate", p.to_str().unwrap()]);
    assert!(
        err(&o).contains("no transport is named \"fax\"; did you mean \"faxmodem\"?"),
        "{}",
        err(&o)
    );
    let p = temp(
        "target.toml",
        &text.replace("via = \"fax\"", "via = \"spooler\"\ntarget = \"lna\""),
    );
    let o = spoolsim(&["validate", p.to_str().unwrap()]);
    assert!(
        err(&o).contains(
            "flush 1 (morning-upload).target: no transport is named \"lna\"; did you mean \"lan\"?"
        ),
        "{}",
        err(&o)
    );
}
