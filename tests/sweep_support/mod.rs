//! Helpers for the tests that drive `spoolsim sweep` and `spoolsim merge` as a batch engine
//! would: scratch folders, the binary with a controlled environment, shards written to files,
//! and the peak memory of a run.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Every variable `--shard auto` reads. The tests remove them all before setting their own,
/// so a test run inside a real Slurm job or CI matrix sees only what the test sets.
pub const SHARD_VARIABLES: [&str; 8] = [
    "SPOOLSIM_SHARD",
    "SPOOLSIM_SHARDS",
    "JOB_COMPLETION_INDEX",
    "SLURM_ARRAY_TASK_ID",
    "SLURM_ARRAY_TASK_MIN",
    "SLURM_ARRAY_TASK_MAX",
    "SLURM_ARRAY_TASK_STEP",
    "SLURM_ARRAY_TASK_COUNT",
];

/// A small scenario whose seeds differ: random transfer times, failures that retry, and an
/// expectation that some seeds break (so failed seeds are merged too).
pub const TINY: &str = r#"
name = "tiny"
seed = 1
until = "10m"

[[transport]]
name = "lan"
kind = "lan"
address_types = ["SMTP"]
per_message = { uniform = ["10ms", "2s"] }
failure_rate = 0.3
retry = "1m"

[[mail]]
at = "0s"
to = "SMTP:bob@example.com"
count = 3
every = { exp = "20s" }

[expect]
lost = 0
"latency.outbound.max" = "<= 2m"
"#;

/// A scratch directory for one test, removed when dropped.
pub struct Scratch(pub PathBuf);

impl Scratch {
    /// A fresh directory named after the test.
    pub fn new(name: &str) -> Self {
        let dir =
            std::env::temp_dir().join(format!("spoolsim-batch-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }

    /// Writes a file and returns its path.
    pub fn write(&self, name: &str, text: &str) -> String {
        let p = self.0.join(name);
        std::fs::write(&p, text).unwrap();
        p.display().to_string()
    }

    /// A path inside the directory.
    pub fn path(&self, name: &str) -> String {
        self.0.join(name).display().to_string()
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The binary under test.
pub fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_spoolsim")
}

/// `spoolsim ARGS` with no shard variables but those in `env`.
pub fn spoolsim_env(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(bin());
    cmd.args(args).current_dir(env!("CARGO_MANIFEST_DIR"));
    for var in SHARD_VARIABLES {
        cmd.env_remove(var);
    }
    cmd.envs(env.iter().copied());
    cmd.output().unwrap()
}

/// `spoolsim ARGS` with no shard variables.
pub fn spoolsim(args: &[&str]) -> Output {
    spoolsim_env(args, &[])
}

/// The exit code.
pub fn code(o: &Output) -> i32 {
    o.status.code().unwrap_or(-1)
}

/// Standard output as text.
pub fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

/// Standard error as text.
pub fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

/// Standard output as JSON.
pub fn json(o: &Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", stdout(o)))
}

/// A sweep's exit code says it ran: 0, or 1 when some seed failed.
pub fn ran(o: &Output) -> bool {
    code(o) == 0 || code(o) == 1
}

/// Runs shards `1..=of` of `file` over `seeds` into `dir/shard-I-of-N.json`, on a few threads,
/// and returns their paths in shard order.
pub fn write_shards(dir: &Path, file: &str, seeds: &str, of: u64) -> Vec<String> {
    let paths: Vec<String> = (1..=of)
        .map(|i| {
            dir.join(format!("shard-{i}-of-{of}.json"))
                .display()
                .to_string()
        })
        .collect();
    let threads = 4u64;
    std::thread::scope(|s| {
        for t in 0..threads {
            let paths = &paths;
            s.spawn(move || {
                for i in (1..=of).filter(|i| i % threads == t) {
                    let shard = format!("{i}/{of}");
                    let args = [
                        "sweep", file, "--seeds", seeds, "--shard", &shard, "--jobs", "1",
                        "--format", "json",
                    ];
                    let o = spoolsim(&args);
                    assert!(ran(&o), "shard {shard}: {}", stderr(&o));
                    std::fs::write(&paths[(i - 1) as usize], &o.stdout).unwrap();
                }
            });
        }
    });
    paths
}

/// `spoolsim merge --format FORMAT FILES...`.
pub fn merge(files: &[String], format: &str) -> Output {
    let mut args = vec!["merge", "--format", format];
    args.extend(files.iter().map(String::as_str));
    spoolsim(&args)
}

/// The peak resident memory of `spoolsim ARGS` run in `cwd`, in KiB, and its output; `None`
/// where `/usr/bin/time` is missing.
pub fn peak_rss_kib(args: &[String], cwd: &Path, scratch: &Scratch) -> Option<(u64, Output)> {
    let time = Path::new("/usr/bin/time");
    if !time.exists() {
        return None;
    }
    let report = scratch.path("rss.txt");
    let o = Command::new(time)
        .args(["-f", "%M", "-o", &report, bin()])
        .args(args)
        .current_dir(cwd)
        .output()
        .unwrap();
    let text = std::fs::read_to_string(&report).unwrap();
    let kib = text
        .lines()
        .filter_map(|l| l.trim().parse().ok())
        .next_back()
        .unwrap_or_else(|| panic!("no peak RSS in {text:?}"));
    Some((kib, o))
}
