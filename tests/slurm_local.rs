//! The Slurm scripts on a real cluster: `scripts/slurm-local.sh` stands up a one-node Slurm
//! cluster on this machine, runs a sweep as a job array of 4 tasks and its merge job, and
//! compares the merge with the unsharded sweep byte for byte. It needs root and Debian's
//! `slurm-wlm` and `munge`; where they are missing, or no cluster comes up, the test says
//! that it skipped.

use std::path::Path;
use std::process::Command;

/// The script's exit code for "no cluster could be stood up here".
const NO_CLUSTER: i32 = 77;

fn on_path(tool: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|p| std::env::split_paths(&p).any(|d| d.join(tool).is_file()))
}

#[test]
fn a_sweep_on_a_one_node_slurm_cluster_merges_to_the_unsharded_bytes() {
    let missing: Vec<&str> = ["sbatch", "slurmctld", "slurmd", "munged"]
        .into_iter()
        .filter(|t| !on_path(t))
        .collect();
    if !missing.is_empty() {
        println!(
            "skipped: no Slurm here ({} not installed; apt-get install -y slurm-wlm munge)",
            missing.join(", ")
        );
        return;
    }
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/slurm-local.sh");
    let mut cmd = Command::new("bash");
    for var in ["SPOOLSIM_SHARD", "SPOOLSIM_SHARDS", "JOB_COMPLETION_INDEX"] {
        cmd.env_remove(var);
    }
    let o = cmd
        .arg(&script)
        .args(["sim-scenarios/soak-faults.toml", "1..120", "4"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("SPOOLSIM", env!("CARGO_BIN_EXE_spoolsim"))
        // Ports of its own, so a developer's run of the script alongside is left alone.
        .env("SLURM_LOCAL_PORT", "16917")
        .env("SLURM_LOCAL_TIMEOUT", "600")
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&o.stdout);
    let err = String::from_utf8_lossy(&o.stderr);
    if o.status.code() == Some(NO_CLUSTER) {
        println!("skipped: no responding Slurm cluster could be stood up here:\n{err}");
        return;
    }
    assert!(o.status.success(), "{out}\n{err}");
    println!("{out}");
    assert!(
        out.contains("PASS: merged output of 4 array tasks is byte-identical"),
        "{out}"
    );
    for i in 1..=4 {
        assert!(
            out.contains(&format!("task wrote shard-{i}-of-4.json")),
            "{out}"
        );
    }
}
