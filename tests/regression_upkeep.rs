//! Keeping a regression suite current, through the built binary: `check --jobs` prints the
//! same whatever the thread count, and `check --bless` rewrites exactly the failing values,
//! keeps every other byte, and refuses files it must not touch.

mod cli_support;

use cli_support::{code, read, spoolsim, stderr, stdout, Scratch};

/// A scenario with comments, blank lines, quoted and dotted keys, a nested table, CRLF-free
/// text and expectations of every kind: some fail on purpose, some hold with an operator.
const SUITE_FILE: &str = r#"# A regression scenario, with comments everywhere.
name = "bless-me"   # its name
seed = 3

[[transport]]
name = "lan"            # the only transport
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
# counts
delivered = 5                 # wrong on purpose
"delivered.lan" = ">= 1"      # holds: kept as written
ui_prompts.lan = 0

# times and results
"flush.1.returned_at" = "<= 11s"     # fails: becomes 12s
"flush.1.result" = 'MAPI_E_BUSY'     # fails: becomes 'S_OK'
"latency.outbound.max" = "< 1h"      # holds

[expect.flush.1]
completed_at = "!= 12s"       # fails: becomes equality
"#;

#[test]
fn a_blessed_file_passes_check_and_keeps_every_other_byte() {
    let dir = Scratch::new("bless");
    let file = dir.write("suite/bless-me.toml", SUITE_FILE);
    assert_eq!(code(&spoolsim(&["check", &file])), 1);

    let o = spoolsim(&["check", "--bless", &file]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let lines: Vec<String> = stdout(&o).lines().map(str::to_string).collect();
    assert_eq!(
        lines,
        [
            format!("{file}: delivered: 5 → 2"),
            format!("{file}: flush.1.returned_at: \"<= 11s\" → \"12s\""),
            format!("{file}: flush.1.result: 'MAPI_E_BUSY' → 'S_OK'"),
            format!("{file}: flush.1.completed_at: \"!= 12s\" → \"12s\""),
            "blessed 4 expectations in 1 file, 0 unchanged".to_string(),
        ]
    );
    let expected = SUITE_FILE
        .replace("delivered = 5  ", "delivered = 2  ")
        .replace("\"<= 11s\"", "\"12s\"")
        .replace("'MAPI_E_BUSY'", "'S_OK'")
        .replace("\"!= 12s\"", "\"12s\"");
    assert_eq!(String::from_utf8(read(&file)).unwrap(), expected);

    let o = spoolsim(&["check", &file]);
    assert_eq!(code(&o), 0, "{}", stdout(&o));
    // Blessing a passing file changes nothing.
    let o = spoolsim(&["check", "--bless", dir.path("suite").as_str()]);
    assert_eq!(code(&o), 0);
    assert_eq!(
        stdout(&o),
        "blessed 0 expectations in 0 files, 1 unchanged\n"
    );
    assert_eq!(String::from_utf8(read(&file)).unwrap(), expected);
}

#[cfg(unix)]
#[test]
fn a_symbolic_link_still_points_at_the_blessed_file() {
    let dir = Scratch::new("bless-link");
    let target = dir.write("real/s.toml", SUITE_FILE);
    let link = dir.path("link.toml");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    let o = spoolsim(&["check", "--bless", &link]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(std::fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
    assert_eq!(code(&spoolsim(&["check", &target])), 0);
}

#[test]
fn windows_line_endings_survive_a_blessing() {
    let dir = Scratch::new("bless-crlf");
    let crlf = SUITE_FILE.replace('\n', "\r\n");
    let file = dir.write("crlf.toml", &crlf);
    let o = spoolsim(&["check", "--bless", &file]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let after = String::from_utf8(read(&file)).unwrap();
    assert_eq!(after.matches("\r\n").count(), crlf.matches("\r\n").count());
    assert!(!after.replace("\r\n", "").contains('\n'));
    assert_eq!(code(&spoolsim(&["check", &file])), 0);
}

#[test]
fn files_with_input_errors_are_refused_and_left_untouched() {
    let dir = Scratch::new("bless-refuse");
    let good = dir.write("a-good.toml", SUITE_FILE);
    let broken_text = SUITE_FILE.replace("per_message = \"1s\"", "per_mesage = \"1s\"");
    let broken = dir.write("b-broken.toml", &broken_text);
    let unknown_text = SUITE_FILE.replace("delivered = 5 ", "delivred = 5 ");
    let unknown = dir.write("c-unknown-metric.toml", &unknown_text);

    let o = spoolsim(&["check", "--bless", &dir.path("")]);
    assert_eq!(code(&o), 2, "{}", stdout(&o));
    let out = stdout(&o);
    let refused: Vec<&str> = out.lines().filter(|l| l.starts_with("REFUSED")).collect();
    assert_eq!(refused.len(), 2, "{out}");
    assert!(refused[0].starts_with(&format!("REFUSED {broken}: input error, not blessed:")));
    assert!(refused[0].contains("per_mesage"), "{}", refused[0]);
    assert!(refused[1].starts_with(&format!("REFUSED {unknown}: input error")));
    assert!(out.ends_with("blessed 4 expectations in 1 file, 0 unchanged, 2 refused\n"));
    assert!(stderr(&o).contains("error: 2 files were left untouched"));
    assert_eq!(read(&broken), broken_text.as_bytes());
    assert_eq!(read(&unknown), unknown_text.as_bytes());
    // The good file beside them was blessed all the same.
    assert_eq!(code(&spoolsim(&["check", &good])), 0);
}

#[test]
fn bless_is_text_only_and_needs_existing_paths() {
    let dir = Scratch::new("bless-usage");
    let file = dir.write("s.toml", SUITE_FILE);
    let o = spoolsim(&["check", "--bless", "--format", "json", &file]);
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains("--bless prints text only"),
        "{}",
        stderr(&o)
    );
    assert_eq!(read(&file), SUITE_FILE.as_bytes());
    let o = spoolsim(&["check", "--bless", &dir.path("missing.toml")]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("no such file or directory"));
}

/// `check`'s output without the wall times, which vary from run to run.
fn without_times(text: &str) -> String {
    let re = regex_lite::Regex::new(r", \d+ ms\)").unwrap();
    re.replace_all(text, ")").into_owned()
}

#[test]
fn check_prints_the_same_whatever_the_number_of_jobs() {
    let dir = Scratch::new("check-jobs");
    // The library, a failing file and a broken one, so every kind of line shows.
    let failing = dir.write("zz-failing.toml", SUITE_FILE);
    dir.write("zz-broken.toml", "name = \"x\"\n[[transport]]\nname = 3\n");
    let run = |jobs: &str| {
        let o = spoolsim(&["check", "sim-scenarios", &dir.path(""), "--jobs", jobs]);
        assert_eq!(code(&o), 2, "{}", stderr(&o));
        without_times(&stdout(&o))
    };
    let one = run("1");
    assert!(one.contains(&format!(
        "FAIL bless-me ({failing}): delivered: expected 5, got 2"
    )));
    assert!(one.contains("ERROR "), "{one}");
    for jobs in ["2", "3", "8"] {
        assert_eq!(run(jobs), one, "--jobs {jobs}");
    }
    let names: Vec<&str> = one
        .lines()
        .filter_map(|l| l.split_once(" (").map(|(head, _)| head))
        .collect();
    assert!(names.len() > 40, "{one}");

    let json = |jobs: &str| {
        let o = spoolsim(&["check", "sim-scenarios", "--jobs", jobs, "--format", "json"]);
        assert_eq!(code(&o), 0);
        let mut v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        for s in v["scenarios"].as_array_mut().unwrap() {
            s["wall_ms"] = 0.into();
        }
        v
    };
    assert_eq!(json("1"), json("4"));
    let o = spoolsim(&["check", "--jobs", "0"]);
    assert_eq!(code(&o), 2);
}

#[test]
fn bless_prints_in_file_order_whatever_the_number_of_jobs() {
    let outputs: Vec<String> = ["1", "4"]
        .iter()
        .map(|jobs| {
            let dir = Scratch::new(&format!("bless-jobs-{jobs}"));
            for k in 0..6 {
                dir.write(
                    &format!("s{k}.toml"),
                    &SUITE_FILE.replace("seed = 3", &format!("seed = {k}")),
                );
            }
            let o = spoolsim(&["check", "--bless", "--jobs", jobs, &dir.path("")]);
            assert_eq!(code(&o), 0, "{}", stderr(&o));
            stdout(&o).replace(&dir.path(""), "DIR/")
        })
        .collect();
    assert_eq!(outputs[0], outputs[1]);
    let files: Vec<&str> = outputs[0]
        .lines()
        .filter_map(|l| l.split_once(": ").map(|(f, _)| f))
        .collect();
    let mut sorted = files.clone();
    sorted.sort();
    assert_eq!(files, sorted);
    assert!(outputs[0].ends_with("blessed 24 expectations in 6 files, 0 unchanged\n"));
}
