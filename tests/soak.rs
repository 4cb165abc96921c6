//! The soak: a seed sweep of the fault-heavy scenario (crashes, offline spells, 5% failed
//! attempts, dropped dial-up lines, overlapping flushes) must lose nothing in any seed. CI runs
//! 500 seeds; `SOAK_SEEDS=10000 cargo test --release --test soak` runs the full soak.

use std::process::Command;

#[test]
fn fault_heavy_sweep_loses_nothing() {
    let seeds: u64 = std::env::var("SOAK_SEEDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(500);
    let o = Command::new(env!("CARGO_BIN_EXE_spoolsim"))
        .args([
            "sweep",
            "sim-scenarios/soak-faults.toml",
            "--format",
            "json",
            "--seeds",
        ])
        .arg(format!("1..{seeds}"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&o.stdout);
    let v: serde_json::Value = serde_json::from_str(&out)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&o.stderr)));
    assert_eq!(v["runs"], seeds);
    assert_eq!(v["metrics"]["lost"]["max"], 0);
    assert_eq!(v["metrics"]["lost"]["n"], seeds);
    assert_eq!(v["failed_seeds"].as_array().map(Vec::len), Some(0), "{out}");
    assert_eq!(o.status.code(), Some(0));
    // Faults really happened: some seeds deferred mail past the 6h horizon or NDR'd it.
    assert!(v["metrics"]["ndr"]["max"].as_i64().unwrap() >= 3);
}
