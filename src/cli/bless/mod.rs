//! `spoolsim check --bless`: keeps a regression suite's expectations current.
//!
//! When a change to the simulator moves results on purpose, editing every `[expect]` table by
//! hand is slow and error-prone; blessing runs each scenario and writes what it produced into
//! the failing expectations, and prints every change (`file: metric: old → new`) so the diff
//! can be reviewed before it is committed. Only the values of failing expectations change
//! ([`rewrite`]); an operator that still holds stays. A file that does not parse, or whose run
//! loses mail (conservation), is never touched: blessing it would record a broken result as
//! the expected one. Every rewrite is checked before it is written: the new text must parse to
//! the same scenario with expectations that all hold against the same run.
//!
//! Overrides (`--set`) will not combine with `--bless`: expectations blessed under an override
//! would no longer hold for the file as written. When `check` takes `--set`, that pairing is a
//! usage error.

mod rewrite;

use std::io::Write;
use std::path::{Path, PathBuf};

use super::ordered::for_each_in_order;
use super::CliError;
use crate::report::Outcome;
use crate::scenario::expect::check;
use crate::scenario::parse::parse_scenario;
use crate::scenario::{run, RunOptions, Scenario};
use rewrite::{rewrite, Change};

/// What blessing one file came to.
#[derive(Debug)]
enum Blessing {
    /// The file's new text and its changes (none: every expectation held).
    Blessed {
        /// The text to write, when something changed.
        text: Option<String>,
        /// The changed expectations, in file order.
        changes: Vec<Change>,
    },
    /// The file is left as it is, for this reason.
    Refused(String),
}

/// Runs `path` and works out its blessed text, without writing anything.
fn bless_one(path: &Path) -> Blessing {
    let name = path.display().to_string();
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) => return Blessing::Refused(format!("cannot read: {e}")),
    };
    let parsed = match parse_scenario(&text, &name) {
        Ok(p) => p,
        Err(e) => {
            let rendered = e.render(&text);
            let first = rendered.lines().next().unwrap_or("").to_string();
            return Blessing::Refused(format!("input error, not blessed: {first}"));
        }
    };
    let scenario = &parsed.scenario;
    let outcome = Outcome::new(scenario, run(scenario, &RunOptions::default()));
    decide(&text, &name, scenario, &outcome)
}

/// The blessing of `text` (the file `name`, which parsed to `scenario`) given its run.
fn decide(text: &str, name: &str, scenario: &Scenario, outcome: &Outcome) -> Blessing {
    if !outcome.conserved {
        return Blessing::Refused(format!(
            "mail was lost, so its results are not blessed: {}",
            outcome.conservation
        ));
    }
    let (new_text, changes) = match rewrite(text, &outcome.checks) {
        Ok(r) => r,
        Err(e) => return Blessing::Refused(e.to_string()),
    };
    if changes.is_empty() {
        return Blessing::Blessed {
            text: None,
            changes,
        };
    }
    if let Err(why) = verify(&new_text, name, scenario, outcome) {
        return Blessing::Refused(why);
    }
    Blessing::Blessed {
        text: Some(new_text),
        changes,
    }
}

/// Checks that `new_text` is `old` with expectations that all hold for `outcome`'s run.
fn verify(new_text: &str, name: &str, old: &Scenario, outcome: &Outcome) -> Result<(), String> {
    let internal = |what: &str| format!("not blessed: the rewritten file {what} (a spoolsim bug)");
    let again = parse_scenario(new_text, name).map_err(|e| internal(&e.to_string()))?;
    let mut a = again.scenario;
    let mut b = old.clone();
    let metrics = |s: &Scenario| {
        s.expect
            .iter()
            .map(|e| e.metric.clone())
            .collect::<Vec<_>>()
    };
    if metrics(&a) != metrics(&b) {
        return Err(internal("has other expectations"));
    }
    let checks = check(&a.expect, &outcome.metrics);
    if let Some(c) = checks.iter().find(|c| !c.pass) {
        return Err(internal(&format!("still fails {}", c.describe())));
    }
    a.expect.clear();
    b.expect.clear();
    if a != b {
        return Err(internal("describes another scenario"));
    }
    Ok(())
}

/// Writes `text` to `path` through a temporary file beside it, so that an interrupted write
/// never leaves half a file; the file keeps its permissions, and a symbolic link keeps
/// pointing at it (the file it points at is the one rewritten).
fn write_atomically(path: &Path, text: &str) -> std::io::Result<()> {
    let path = &std::fs::canonicalize(path)?;
    let name = path
        .file_name()
        .map_or_else(|| "scenario".into(), |n| n.to_string_lossy().into_owned());
    let tmp = path.with_file_name(format!(".{name}.bless-{}", std::process::id()));
    let written = std::fs::write(&tmp, text)
        .and_then(|_| std::fs::metadata(path))
        .and_then(|meta| std::fs::set_permissions(&tmp, meta.permissions()))
        .and_then(|_| std::fs::rename(&tmp, path));
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written
}

/// Tallies of a blessing, for the closing line.
#[derive(Debug, Default)]
struct Totals {
    changed: usize,
    files_changed: usize,
    unchanged: usize,
    refused: usize,
}

/// Writes one file's blessing (if it changed) and prints what happened to it.
fn settle(file: &Path, blessing: Blessing, totals: &mut Totals, out: &mut impl Write) {
    let shown = file.display();
    let refused = match blessing {
        Blessing::Refused(why) => why,
        Blessing::Blessed { text: None, .. } => {
            totals.unchanged += 1;
            return;
        }
        Blessing::Blessed {
            text: Some(text),
            changes,
        } => match write_atomically(file, &text) {
            Err(e) => format!("cannot write: {e}"),
            Ok(()) => {
                for c in &changes {
                    let _ = writeln!(out, "{shown}: {}: {} → {}", c.metric, c.old, c.new);
                }
                totals.changed += changes.len();
                totals.files_changed += 1;
                return;
            }
        },
    };
    totals.refused += 1;
    let _ = writeln!(out, "REFUSED {shown}: {refused}");
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// `spoolsim check --bless`: blesses `files` on `jobs` threads; the output is in file order.
pub(crate) fn cmd_bless(files: &[PathBuf], jobs: usize, text_format: bool) -> Result<(), CliError> {
    if !text_format {
        return Err(CliError::Input(
            "--bless prints text only; leave out --format".into(),
        ));
    }
    let mut totals = Totals::default();
    let mut stdout = std::io::stdout().lock();
    for_each_in_order(
        jobs,
        files.len() as u64,
        |k| bless_one(&files[k as usize]),
        |k, blessing| {
            settle(&files[k as usize], blessing, &mut totals, &mut stdout);
            let _ = stdout.flush();
        },
    )
    .map_err(|e| CliError::Input(format!("--jobs {jobs}: cannot start the workers: {e}")))?;
    let mut summary = format!(
        "blessed {} in {}, {} unchanged",
        plural(totals.changed, "expectation", "expectations"),
        plural(totals.files_changed, "file", "files"),
        totals.unchanged
    );
    if totals.refused > 0 {
        summary += &format!(", {} refused", totals.refused);
    }
    let _ = writeln!(stdout, "{summary}");
    if totals.refused > 0 {
        Err(CliError::Input(format!(
            "{} left untouched; see above",
            plural(totals.refused, "file was", "files were")
        )))
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "name = \"t\"\n[[transport]]\nname = \"lan\"\nkind = \"lan\"\n\
                        address_types = [\"SMTP\"]\n[[mail]]\nat = \"0s\"\nto = \"SMTP:a@b\"\n\
                        [expect]\ndelivered = 3 # wrong\n";

    fn outcome() -> (Scenario, Outcome) {
        let s = parse_scenario(TEXT, "t.toml").unwrap().scenario;
        let o = Outcome::new(&s, run(&s, &RunOptions::default()));
        (s, o)
    }

    #[test]
    fn a_conserved_run_is_blessed() {
        let (s, o) = outcome();
        match decide(TEXT, "t.toml", &s, &o) {
            Blessing::Blessed {
                text: Some(t),
                changes,
            } => {
                assert_eq!(t, TEXT.replace("delivered = 3", "delivered = 1"));
                assert_eq!(changes.len(), 1);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_run_that_lost_mail_is_refused() {
        let (s, mut o) = outcome();
        o.conserved = false;
        match decide(TEXT, "t.toml", &s, &o) {
            Blessing::Refused(why) => {
                assert!(why.starts_with("mail was lost"), "{why}");
                assert!(why.contains("conservation:"), "{why}");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_rewrite_that_would_not_hold_is_refused() {
        let (s, o) = outcome();
        // A text whose expectation differs from the scenario's: the check after rewriting
        // catches it rather than writing a file that fails.
        let other = TEXT.replace("[[mail]]", "[[mail]]\ncount = 2\n[[mail]]");
        let why = verify(
            &other.replace("delivered = 3", "delivered = 1"),
            "t",
            &s,
            &o,
        )
        .unwrap_err();
        assert!(why.contains("a spoolsim bug"), "{why}");
    }
}
