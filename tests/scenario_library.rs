//! The regression scenario library in `sim-scenarios/`: every scenario's expectations were
//! derived by hand from the rules of `docs/semantics.md`, so `spoolsim check`
//! over the directory must pass; and `check` must report a wrong expectation precisely.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// The fewest scenarios the library must hold (the office day plus the regression set).
const MIN_SCENARIOS: usize = 18;

/// One scenario takes well under a second; anything near this limit is a hang in the simulator,
/// reported as such instead of blocking the test run.
const TIMEOUT: Duration = Duration::from_secs(60);

fn spoolsim() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_spoolsim"));
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd
}

/// Runs `cmd` to completion, or kills it after `TIMEOUT` and returns `Err` with the reason.
fn try_run(mut cmd: Command) -> Result<Output, String> {
    let mut child = cmd.spawn().expect("spawn spoolsim");
    let mut stdout = child.stdout.take().expect("stdout");
    let mut stderr = child.stderr.take().expect("stderr");
    let out_reader = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = stdout.read_to_end(&mut s);
        s
    });
    let err_reader = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = stderr.read_to_end(&mut s);
        s
    });
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for spoolsim") {
            break status;
        }
        if start.elapsed() > TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!(
                "`spoolsim {}` did not finish within {TIMEOUT:?}: the simulator hangs",
                cmd.get_args()
                    .map(|a| a.to_string_lossy().into_owned())
                    .collect::<Vec<_>>()
                    .join(" ")
            ));
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Ok(Output {
        status,
        stdout: out_reader.join().unwrap_or_default(),
        stderr: err_reader.join().unwrap_or_default(),
    })
}

/// Runs `cmd` to completion; a hang fails the test.
fn run(cmd: Command) -> Output {
    try_run(cmd).unwrap_or_else(|e| panic!("{e}"))
}

/// `(passed, failed)` from the summary line `N passed, M failed`.
fn summary(stdout: &str) -> Option<(usize, usize)> {
    stdout.lines().rev().find_map(|line| {
        let (p, f) = line.trim().split_once(" passed, ")?;
        let f = f.strip_suffix(" failed")?;
        Some((p.trim().parse().ok()?, f.trim().parse().ok()?))
    })
}

#[test]
fn every_scenario_in_the_library_passes() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("sim-scenarios");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("sim-scenarios/ exists")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    paths.sort();
    let files = paths.len();
    assert!(
        files >= MIN_SCENARIOS,
        "sim-scenarios/ holds {files} scenarios, expected at least {MIN_SCENARIOS}"
    );

    // One scenario at a time first, so that a hang or a failure is reported by file name and
    // the other scenarios still say how they fared.
    let mut problems = Vec::new();
    for path in &paths {
        let mut cmd = spoolsim();
        cmd.arg("check").arg(path);
        match try_run(cmd) {
            Err(hang) => problems.push(hang),
            Ok(out) if out.status.code() != Some(0) => problems.push(format!(
                "{}{}",
                String::from_utf8_lossy(&out.stdout)
                    .lines()
                    .filter(|l| !l.starts_with("PASS") && !l.contains(" passed, "))
                    .collect::<Vec<_>>()
                    .join("\n"),
                String::from_utf8_lossy(&out.stderr)
            )),
            Ok(_) => {}
        }
    }
    assert!(
        problems.is_empty(),
        "{} of {files} scenarios do not pass:\n{}",
        problems.len(),
        problems.join("\n")
    );

    // Then the whole library in one command, as users and CI run it.
    let mut cmd = spoolsim();
    cmd.args(["check", "sim-scenarios"]);
    let out = run(cmd);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let failing: Vec<&str> = stdout.lines().filter(|l| !l.starts_with("PASS")).collect();
    assert_eq!(
        out.status.code(),
        Some(0),
        "`spoolsim check sim-scenarios` failed:\n{}\n--- stderr ---\n{stderr}",
        failing.join("\n")
    );
    let (passed, failed) =
        summary(&stdout).unwrap_or_else(|| panic!("no `N passed, M failed` line in:\n{stdout}"));
    assert_eq!(failed, 0, "{stdout}");
    assert!(
        passed >= MIN_SCENARIOS,
        "only {passed} scenarios passed, expected at least {MIN_SCENARIOS}:\n{stdout}"
    );
    assert_eq!(passed, files, "every scenario file is checked:\n{stdout}");
}

/// A fresh directory under the system's temporary directory, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(tag: &str) -> Self {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let path =
            std::env::temp_dir().join(format!("spoolsim-{tag}-{}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&path).expect("create a temporary directory");
        TempDir(path)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn a_wrong_expectation_fails_check_with_expected_and_actual() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("sim-scenarios/dial-accept.toml");
    let text = std::fs::read_to_string(&src).expect("read dial-accept.toml");
    // Derived by hand: prompt 1m, accepted 1m 5s, connected 1m 35s, three messages out and three
    // in at 2s each -> 1m 47s. Claim one second more.
    let right = "\"flush.1.returned_at\" = \"1m 47s\"";
    assert!(text.contains(right), "dial-accept.toml still pins {right}");
    let wrong = text.replace(right, "\"flush.1.returned_at\" = \"1m 48s\"");

    let tmp = TempDir::new("wrong-expectation");
    let file = tmp.0.join("dial-accept-wrong.toml");
    std::fs::write(&file, wrong).expect("write the altered scenario");

    let mut cmd = spoolsim();
    cmd.arg("check").arg(&tmp.0);
    let out = run(cmd);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(1),
        "a failed expectation exits 1:\n{stdout}\n--- stderr ---\n{stderr}"
    );
    assert!(stdout.contains("FAIL"), "{stdout}");
    assert!(stdout.contains("flush.1.returned_at"), "{stdout}");
    assert!(
        stdout.contains("expected 1m 48s, got 1m 47s"),
        "the failure says what was expected and what happened:\n{stdout}"
    );
    assert_eq!(summary(&stdout), Some((0, 1)), "{stdout}");
}
