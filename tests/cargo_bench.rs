//! `cargo bench -- --save-baseline NAME` works: criterion's own flags reach only the criterion
//! benchmarks in `benches/`, because the library and binary targets are not benchmarks
//! (`bench = false`), whose libtest harness would refuse the flag.
//!
//! The benchmarks are built with the dev profile here so the suite does not compile every
//! dependency a third time; the flags are handled the same way in either profile.

use std::process::Command;

#[test]
fn cargo_bench_accepts_criterion_flags() {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(cargo)
        .args(["bench", "--profile", "dev", "--"])
        .args(["--save-baseline", "suite-check"])
        .args(["--warm-up-time", "0.01", "--measurement-time", "0.05"])
        .args(["--sample-size", "10", "drain/baseline-two-hop"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "cargo bench failed\nstdout:\n{stdout}\nstderr:\n{stderr}"
    );
    assert!(
        stdout.contains("time:"),
        "no benchmark ran (did the group names change?)\n{stdout}"
    );
    let saved = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .expect("target dir")
        .join("criterion");
    assert!(
        holds_baseline(&saved, "suite-check"),
        "criterion saved no baseline `suite-check` under {}",
        saved.display()
    );
}

/// Whether a folder named `name` lies anywhere under `dir`.
fn holds_baseline(dir: &std::path::Path, name: &str) -> bool {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return false;
    };
    entries.flatten().any(|e| {
        let path = e.path();
        path.is_dir() && (e.file_name() == name || holds_baseline(&path, name))
    })
}
