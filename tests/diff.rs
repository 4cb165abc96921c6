//! `spoolsim diff`, through the built binary: the metrics that differ with their differences,
//! the first event where two runs part (found independently here by reading the traces), trace
//! files on either side, and exit codes 0 (identical), 1 (different) and 2 (bad input).

mod cli_support;

use cli_support::{code, json, spoolsim, stderr, stdout, Scratch};

/// A dial-up flush whose prompt the user cancels after `ui_delay`; LAN mail with random
/// transfer times, so seeds differ too.
fn scenario(ui_delay: &str, seed: u64) -> String {
    format!(
        r#"name = "diff-me"
seed = {seed}
until = "10m"

[[transport]]
name = "lan"
kind = "lan"
address_types = ["SMTP"]
per_message = {{uniform = ["10ms", "2s"]}}

[[transport]]
name = "dialup"
kind = "ras"
address_types = ["X400"]
per_message = "2s"
ui = "cancel"
ui_delay = "{ui_delay}"

[[mail]]
at = "0s"
to = "SMTP:bob@example.com"
count = 5
every = {{exp = "20s"}}

[[mail]]
at = "0s"
to = "X400:c=gb;s=jones"

[[flush]]
at = "1m"
via = "dialup"
flags = ["FLUSH_UPLOAD"]
"#
    )
}

/// Writes the trace of `scenario` (at `seed`, if given) to `out`.
fn trace(scenario: &str, out: &str) {
    let o = spoolsim(&["run", scenario, "--trace", out]);
    assert!(code(&o) == 0 || code(&o) == 1, "{}", stderr(&o));
}

/// The events of a trace file (its lines after the header).
fn events(path: &str) -> Vec<String> {
    let text = std::fs::read_to_string(path).unwrap();
    text.lines().skip(1).map(str::to_string).collect()
}

#[test]
fn two_traces_part_at_the_first_event_that_differs() {
    let dir = Scratch::new("diff-traces");
    let a = dir.write("a.toml", &scenario("5s", 1));
    let b = dir.write("b.toml", &scenario("7s", 1));
    let (ta, tb) = (dir.path("a.jsonl"), dir.path("b.jsonl"));
    trace(&a, &ta);
    trace(&b, &tb);
    // Where they part, found here independently: the first line that differs.
    let (ea, eb) = (events(&ta), events(&tb));
    let k = ea.iter().zip(&eb).position(|(x, y)| x != y).unwrap();
    assert!(ea[k].contains("\"event\":\"ui_answer\""), "{}", ea[k]);
    assert!(ea[k].contains("\"t_us\":65000000") && eb[k].contains("\"t_us\":67000000"));

    let o = spoolsim(&["diff", &ta, &tb]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let text = stdout(&o);
    let n = k + 1;
    assert!(
        text.contains(&format!(
            "events: the runs part at event {n} (t = 1m 5s):\n"
        )),
        "{text}"
    );
    assert!(text.contains(&format!("\n  - {n}  {}\n", ea[k])), "{text}");
    assert!(text.contains(&format!("\n  + {n}  {}\n", eb[k])), "{text}");
    // The five identical events before it, numbered.
    for (c, event) in ea.iter().enumerate().take(k).skip(k - 5) {
        assert!(
            text.contains(&format!("    {}  {event}\n", c + 1)),
            "{text}"
        );
    }
    assert!(text.contains("metrics: not compared (a trace has events only)"));
    assert!(text.ends_with("\ndifferent\n"), "{text}");

    let o = spoolsim(&["diff", &ta, &tb, "--format", "json", "--context", "2"]);
    assert_eq!(code(&o), 1);
    let j = json(&o);
    assert_eq!(j["identical"], false);
    assert_eq!(j["metrics"], serde_json::Value::Null);
    let first = &j["events"]["first_difference"];
    assert_eq!(first["event"], n);
    assert_eq!(
        first["left"],
        serde_json::from_str::<serde_json::Value>(&ea[k]).unwrap()
    );
    assert_eq!(first["context"].as_array().unwrap().len(), 2);
    assert_eq!(first["context"][1]["event"], k);
    assert_eq!(j["events"]["left"], ea.len());
    assert_eq!(j["events"]["right"], eb.len());
}

#[test]
fn identical_runs_exit_0() {
    let dir = Scratch::new("diff-same");
    let a = dir.write("a.toml", &scenario("5s", 4));
    let copy = dir.write("copy.toml", &scenario("5s", 4));
    let ta = dir.path("a.jsonl");
    trace(&a, &ta);
    for (left, right) in [(&a, &copy), (&ta, &ta), (&a, &ta), (&ta, &copy)] {
        let o = spoolsim(&["diff", left, right]);
        assert_eq!(code(&o), 0, "{left} vs {right}: {}", stdout(&o));
        let text = stdout(&o);
        assert!(text.contains("events: identical ("), "{text}");
        assert!(text.ends_with("\nidentical\n"), "{text}");
    }
    let o = spoolsim(&["diff", &a, &copy]);
    assert!(stdout(&o).contains("\nmetrics: identical\n"));
    // --seed sets both sides, so files that differ only in their seed run alike.
    let other_seed = dir.write("seed9.toml", &scenario("5s", 9));
    assert_eq!(
        code(&spoolsim(&["diff", &a, &other_seed, "--seed", "2"])),
        0
    );
}

#[test]
fn differing_metrics_are_listed_with_their_difference() {
    let dir = Scratch::new("diff-metrics");
    let a = dir.write("a.toml", &scenario("5s", 1));
    let b = dir.write("b.toml", &scenario("7s", 2));
    let run_json = |file: &str| {
        let o = spoolsim(&["run", file, "--format", "json"]);
        json(&o)["metrics"].clone()
    };
    let (ma, mb) = (run_json(&a), run_json(&b));
    let o = spoolsim(&["diff", &a, &b, "--format", "json"]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let j = json(&o);
    let listed = j["metrics"].as_array().unwrap();
    let names: Vec<&str> = listed
        .iter()
        .map(|m| m["metric"].as_str().unwrap())
        .collect();
    // Exactly the metrics whose values differ, each with both values.
    let differ: Vec<&String> = ma
        .as_object()
        .unwrap()
        .keys()
        .filter(|k| ma[k.as_str()] != mb[k.as_str()])
        .collect();
    assert_eq!(names.len(), differ.len(), "{names:?}");
    for m in listed {
        let name = m["metric"].as_str().unwrap();
        assert_eq!(m["left"], ma[name], "{name}");
        assert_eq!(m["right"], mb[name], "{name}");
        if let (Some(l), Some(r)) = (ma[name].as_i64(), mb[name].as_i64()) {
            assert_eq!(m["difference"], r - l, "{name}");
        }
    }
    let returned = listed
        .iter()
        .find(|m| m["metric"] == "flush.1.returned_at")
        .expect("the prompt is answered 2s later");
    assert_eq!(returned["difference"], 2_000_000);

    let text = stdout(&spoolsim(&["diff", &a, &b]));
    assert!(text.starts_with(&format!(
        "left:  {a} (scenario diff-me, seed 1)\nright: {b} (scenario diff-me, seed 2)\n"
    )));
    let row = text
        .lines()
        .find(|l| l.trim_start().starts_with("flush.1.returned_at "))
        .unwrap();
    let cells: Vec<&str> = row.split("  ").filter(|c| !c.trim().is_empty()).collect();
    assert_eq!(
        cells.iter().map(|c| c.trim()).collect::<Vec<_>>(),
        ["flush.1.returned_at", "1m 5s", "1m 7s", "+2s"]
    );
}

#[test]
fn a_trace_that_ends_early_parts_where_it_ends() {
    let dir = Scratch::new("diff-short");
    let a = dir.write("a.toml", &scenario("5s", 1));
    let ta = dir.path("a.jsonl");
    trace(&a, &ta);
    let full = std::fs::read_to_string(&ta).unwrap();
    let lines: Vec<&str> = full.lines().collect();
    let short = dir.write("short.jsonl", &(lines[..lines.len() - 3].join("\n") + "\n"));
    let o = spoolsim(&["diff", &a, &short]);
    assert_eq!(code(&o), 1);
    let text = stdout(&o);
    let n = lines.len() - 3; // the first event the short trace lacks
    assert!(text.contains(&format!("part at event {n}")), "{text}");
    assert!(
        text.contains(&format!("(the trace of {short} has ended)")),
        "{text}"
    );
}

#[test]
fn bad_input_exits_2() {
    let dir = Scratch::new("diff-bad");
    let a = dir.write("a.toml", &scenario("5s", 1));
    let ta = dir.path("a.jsonl");
    trace(&a, &ta);
    let full = std::fs::read_to_string(&ta).unwrap();
    let future = dir.write(
        "future.jsonl",
        &full.replacen("\"trace_format\":1", "\"trace_format\":99", 1),
    );
    let not_a_trace = dir.write("x.jsonl", "{\"hello\": 1}\n");
    let garbage = dir.write("g.jsonl", &(full.clone() + "{not json\n"));
    let broken = dir.write("broken.toml", "name = \"x\"\n[[transport]]\nname = 3\n");
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (vec![&ta, &future], "trace format 99"),
        (vec![&a, &future], "different formats cannot be compared"),
        (vec![&a, &not_a_trace], "no \"trace_format\""),
        (vec![&a, &broken], "broken.toml"),
        (vec![&a, "nope.toml"], "nope.toml"),
        (vec![&a], "give LEFT and RIGHT"),
    ];
    for (args, needle) in cases {
        let mut all = vec!["diff"];
        all.extend(args.iter().copied());
        let o = spoolsim(&all);
        assert_eq!(code(&o), 2, "{all:?}: {}", stdout(&o));
        assert!(stderr(&o).contains(needle), "{all:?}: {}", stderr(&o));
        assert!(!stderr(&o).contains("panicked"));
    }
    // A line that is not JSON is found once the traces get to it.
    let o = spoolsim(&["diff", &ta, &garbage]);
    assert_eq!(code(&o), 2);
    let line = full.lines().count() + 1;
    assert!(
        stderr(&o).contains(&format!("g.jsonl:{line}: not a trace event")),
        "{}",
        stderr(&o)
    );
}
