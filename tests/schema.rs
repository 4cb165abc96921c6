//! The JSON Schema of scenario files (`spoolsim schema`, `docs/scenario.schema.json`) against
//! the scenario library and the parser, with a real JSON Schema validator.

use std::path::PathBuf;
use std::process::Command;

use jsonschema::Validator;
use serde_json::Value;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn printed_schema() -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_spoolsim"))
        .arg("schema")
        .output()
        .expect("spoolsim runs");
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap()
}

fn validator() -> Validator {
    let schema: Value = serde_json::from_str(&printed_schema()).unwrap();
    jsonschema::validator_for(&schema).expect("the schema is a valid JSON Schema")
}

/// A scenario file as the JSON a TOML editor checks against the schema.
fn as_json(toml_text: &str) -> Value {
    toml::from_str::<Value>(toml_text).expect("valid TOML")
}

fn errors(v: &Validator, toml_text: &str) -> Vec<String> {
    let instance = as_json(toml_text);
    v.iter_errors(&instance)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

#[test]
fn the_copy_in_docs_is_what_spoolsim_schema_prints() {
    let copy = std::fs::read_to_string(root().join("docs/scenario.schema.json")).unwrap();
    assert!(
        copy == printed_schema(),
        "docs/scenario.schema.json is stale: run `spoolsim schema > docs/scenario.schema.json`"
    );
}

#[test]
fn every_scenario_of_the_library_is_valid_against_the_schema() {
    let v = validator();
    let mut checked = 0;
    for entry in std::fs::read_dir(root().join("sim-scenarios")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "toml") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let found = errors(&v, &text);
        assert!(found.is_empty(), "{}: {found:#?}", path.display());
        checked += 1;
    }
    assert!(checked >= 40, "only {checked} scenarios checked");
}

#[test]
fn typos_and_bad_values_outside_expect_are_caught() {
    let v = validator();
    let office = std::fs::read_to_string(root().join("sim-scenarios/office-day.toml")).unwrap();
    for (from, to, what) in [
        ("per_message", "per_mesage", "a misspelt transport key"),
        ("flush_order", "flush_ordr", "a misspelt spooler key"),
        (
            "[[flush]]                      # morning",
            "[[flush]]\nvai = \"spooler\"\n#",
            "an unknown flush key",
        ),
        ("connect = \"45s\"", "connect = \"5M\"", "a month"),
        (
            "kind = \"lan\"",
            "kind = \"lan\"\nui_delay = \"5s\"",
            "a ras key on a lan transport",
        ),
        ("kind = \"lan\"", "kind = \"LAN\"", "an unknown kind"),
    ] {
        assert!(office.contains(from), "office-day.toml lacks {from:?}");
        let text = office.replacen(from, to, 1);
        assert!(!errors(&v, &text).is_empty(), "{what} passes the schema");
        assert!(
            spoolsim::scenario::parse_scenario(&text, "x").is_err(),
            "{what} passes the parser"
        );
    }
    // [expect] takes any metric name: the parser, which knows the scenario, checks those.
    let text = office.replacen("[expect]\n", "[expect]\ndeliverd = 3\n", 1);
    assert!(errors(&v, &text).is_empty());
}

#[test]
fn a_named_flush_and_every_unit_pass() {
    let v = validator();
    let text = r#"
name = "units"
until = "1w 2d 3h 4m 5s 6ms 7us 8000ns"
[[transport]]
name = "lan"
kind = "lan"
address_types = ["SMTP"]
per_message = {uniform = ["1.5s", "2 minutes"]}
send = "on-demand"
receive = "0.5h"
[[flush]]
name = "morning-upload"
at = "0"
via = "spooler"
flags = ["FLUSH_UPLOAD", 0x100]
[expect]
"flush.morning-upload.result" = "S_OK"
"#;
    assert_eq!(errors(&v, text), Vec::<String>::new());
    assert!(spoolsim::scenario::parse_scenario(text, "u").is_ok());
    assert!(!errors(
        &v,
        &text.replace("name = \"morning-upload\"", "name = \"1st\"")
    )
    .is_empty());
}
