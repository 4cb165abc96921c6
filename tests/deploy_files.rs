//! The ready-made files under `deploy/` do what their docs say, checked without a cluster:
//! the Kubernetes manifests and the GitHub Actions workflow are parsed as YAML and checked for
//! the fields that make them work (the index variable, the shard count, the shared output
//! path, the exact spoolsim command), then their shell steps are run here as the engine would
//! run them (mount paths mapped to a scratch folder, `${{ }}` expressions expanded), and the
//! merged result is compared byte for byte with the unsharded sweep. The Slurm scripts run the
//! same way with the variables Slurm sets.

mod sweep_support;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde::Deserialize;
use serde_json::Value;
use sweep_support::*;

const SEEDS: &str = "1..40";

fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

/// Every YAML document of a file, as JSON values.
fn yaml_docs(path: &str) -> Vec<Value> {
    let text = std::fs::read_to_string(repo(path)).unwrap();
    serde_norway::Deserializer::from_str(&text)
        .map(|doc| Value::deserialize(doc).unwrap_or_else(|e| panic!("{path}: {e}")))
        .collect()
}

/// The one document of `kind`.
fn doc<'a>(docs: &'a [Value], kind: &str) -> &'a Value {
    let found: Vec<&Value> = docs.iter().filter(|d| d["kind"] == kind).collect();
    assert_eq!(found.len(), 1, "one {kind} expected");
    found[0]
}

/// A container's `env` as a map.
fn env_of(container: &Value) -> BTreeMap<String, String> {
    container["env"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let value = e["value"].as_str().unwrap_or_else(|| panic!("{e}: value"));
            (e["name"].as_str().unwrap().to_string(), value.to_string())
        })
        .collect()
}

/// The mount path of the pod volume backed by the claim `claim`.
fn claim_mount(pod: &Value, container: &Value, claim: &str) -> String {
    let volume = pod["volumes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["persistentVolumeClaim"]["claimName"] == claim)
        .unwrap_or_else(|| panic!("no volume of claim {claim}"));
    mount_of(container, volume["name"].as_str().unwrap())
}

fn mount_of(container: &Value, volume: &str) -> String {
    container["volumeMounts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["name"] == volume)
        .unwrap_or_else(|| panic!("volume {volume} is not mounted"))["mountPath"]
        .as_str()
        .unwrap()
        .to_string()
}

/// A folder holding `spoolsim`, to put first on the PATH as an image would.
fn bin_dir(scratch: &Scratch) -> PathBuf {
    let dir = scratch.0.join("bin");
    std::fs::create_dir_all(&dir).unwrap();
    std::os::unix::fs::symlink(bin(), dir.join("spoolsim")).unwrap();
    dir
}

fn path_with(dir: &Path) -> String {
    format!(
        "{}:{}",
        dir.display(),
        std::env::var("PATH").unwrap_or_default()
    )
}

/// Runs `script` with `shell`, with no shard variables but those in `env`, and `path` as PATH.
fn shell(
    shell: &[&str],
    script: &str,
    cwd: &Path,
    env: &BTreeMap<String, String>,
    path: &str,
) -> Output {
    let mut cmd = Command::new(shell[0]);
    cmd.args(&shell[1..]).arg(script).current_dir(cwd);
    for var in SHARD_VARIABLES {
        cmd.env_remove(var);
    }
    cmd.envs(env).env("PATH", path).output().unwrap()
}

/// The unsharded sweep of `file`, as text and as JSON.
fn whole(file: &str) -> (Vec<u8>, Vec<u8>) {
    let text = spoolsim(&["sweep", file, "--seeds", SEEDS]);
    let json = spoolsim(&["sweep", file, "--seeds", SEEDS, "--format", "json"]);
    assert_eq!(code(&json), 1, "some seeds of the tiny scenario fail");
    (text.stdout, json.stdout)
}

/// What the Indexed Job's manifest says, once checked for the fields that make it work.
struct IndexedJob {
    claim: String,
    completions: u64,
    env: BTreeMap<String, String>,
    script: String,
    /// Where the shared volume is mounted.
    out: String,
    /// The scenario's file name on the scenario volume.
    scenario_name: String,
}

fn indexed_job() -> IndexedJob {
    let docs = yaml_docs("deploy/kubernetes/sweep.yaml");
    let claim = doc(&docs, "PersistentVolumeClaim");
    let modes = claim["spec"]["accessModes"].as_array().unwrap();
    assert!(
        modes.contains(&"ReadWriteMany".into()),
        "pods on many nodes write it"
    );
    let claim = claim["metadata"]["name"].as_str().unwrap().to_string();
    let job = &doc(&docs, "Job")["spec"];
    assert_eq!(job["completionMode"], "Indexed");
    let completions = job["completions"].as_u64().unwrap();
    assert!(job["parallelism"].as_u64().unwrap() <= completions);
    let pod = &job["template"]["spec"];
    assert_eq!(pod["restartPolicy"], "Never");
    let container = &pod["containers"][0];
    let env = env_of(container);
    // The shard count is the Job's: a mismatch would leave shards out or run some twice.
    assert_eq!(env["SPOOLSIM_SHARDS"], completions.to_string());
    assert_eq!(container["command"], serde_json::json!(["/bin/sh", "-c"]));
    let script = container["args"][0].as_str().unwrap().to_string();
    let command =
        r#"spoolsim sweep "$SCENARIO" --seeds "$SEEDS" --shard auto --jobs 1 --format json"#;
    assert!(script.contains(command), "{script}");
    let out = claim_mount(pod, container, &claim);
    let shard =
        format!("{out}/shards/shard-$((JOB_COMPLETION_INDEX + 1))-of-$SPOOLSIM_SHARDS.json");
    assert!(script.contains(&shard), "{script}");
    let volumes = pod["volumes"].as_array().unwrap();
    let scenario_volume = volumes
        .iter()
        .find(|v| v.get("configMap").is_some())
        .unwrap();
    let scenario_dir = mount_of(container, scenario_volume["name"].as_str().unwrap());
    let scenario_name = env["SCENARIO"]
        .strip_prefix(&format!("{scenario_dir}/"))
        .expect("SCENARIO is on the scenario volume")
        .to_string();
    IndexedJob {
        claim,
        completions,
        env,
        script,
        out,
        scenario_name,
    }
}

/// Runs merge.yaml's pod script with the shared volume at `volume`.
fn run_merge_pod(job: &IndexedJob, volume: &Path, cwd: &Path, path: &str) -> Output {
    let docs = yaml_docs("deploy/kubernetes/merge.yaml");
    let pod = &doc(&docs, "Job")["spec"]["template"]["spec"];
    let merger = &pod["containers"][0];
    let out = claim_mount(pod, merger, &job.claim);
    let env = env_of(merger);
    assert_eq!(env["SPOOLSIM_SHARDS"], job.completions.to_string());
    let script = merger["args"][0].as_str().unwrap();
    assert!(script.contains(&format!(
        "spoolsim merge --format json {out}/shards/shard-*-of-\"$SPOOLSIM_SHARDS\".json"
    )));
    let local = script.replace(&format!("{out}/"), &format!("{}/", volume.display()));
    shell(&["/bin/sh", "-c"], &local, cwd, &env, path)
}

#[test]
fn the_kubernetes_indexed_job_and_merge_step_work() {
    let job = indexed_job();
    // Run every index here, the volumes mapped to scratch folders.
    let scratch = Scratch::new("kubernetes");
    let (volume, configmap) = (scratch.0.join("volume"), scratch.0.join("configmap"));
    std::fs::create_dir_all(&volume).unwrap();
    std::fs::create_dir_all(&configmap).unwrap();
    let scenario = configmap.join(&job.scenario_name);
    std::fs::write(&scenario, TINY).unwrap();
    let scenario = scenario.display().to_string();
    let path = path_with(&bin_dir(&scratch));
    let local = job
        .script
        .replace(&format!("{}/", job.out), &format!("{}/", volume.display()));
    let mut pod_env = job.env.clone();
    pod_env.insert("SCENARIO".into(), scenario.clone());
    pod_env.insert("SEEDS".into(), SEEDS.into());
    for index in 0..job.completions {
        pod_env.insert("JOB_COMPLETION_INDEX".into(), index.to_string());
        let o = shell(&["/bin/sh", "-c"], &local, &scratch.0, &pod_env, &path);
        assert_eq!(code(&o), 0, "index {index}: {}", stderr(&o));
    }
    let shards = std::fs::read_dir(volume.join("shards")).unwrap().count() as u64;
    assert_eq!(shards, job.completions);

    // The merge step reads the same claim and writes the merged sweep.
    let o = run_merge_pod(&job, &volume, &scratch.0, &path);
    assert_eq!(code(&o), 1, "failed seeds fail the merge: {}", stderr(&o));
    let (text, json) = whole(&scenario);
    assert!(std::fs::read(volume.join("sweep.json")).unwrap() == json);
    assert!(std::fs::read(volume.join("sweep.txt")).unwrap() == text);
    assert!(o.stdout == text, "the log shows the report");
}

/// Replaces every `${{ expr }}` by its value in `values`; an unknown expression fails.
fn expand(text: &str, values: &BTreeMap<&str, String>) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find("${{") {
        let end = rest[start..].find("}}").expect("closed expression") + start;
        let expr = rest[start + 3..end].trim();
        out += &rest[..start];
        out += values
            .get(expr)
            .unwrap_or_else(|| panic!("unexpected expression `{expr}`"));
        rest = &rest[end + 2..];
    }
    out + rest
}

/// The step of `job` whose `run` contains `needle`, and the steps after it.
fn step_with<'a>(job: &'a Value, needle: &str) -> (&'a str, &'a [Value]) {
    let steps = job["steps"].as_array().unwrap();
    let k = steps
        .iter()
        .position(|s| s["run"].as_str().is_some_and(|r| r.contains(needle)))
        .unwrap_or_else(|| panic!("no step runs {needle}"));
    (steps[k]["run"].as_str().unwrap(), &steps[k + 1..])
}

/// The `with:` of the first step using `action` among `steps`.
fn with_of<'a>(steps: &'a [Value], action: &str, name: Option<&str>) -> &'a Value {
    &steps
        .iter()
        .find(|s| {
            s["uses"].as_str().is_some_and(|u| u.starts_with(action))
                && name.is_none_or(|n| s["with"]["name"] == n)
        })
        .unwrap_or_else(|| panic!("no {action} step"))["with"]
}

/// How GitHub Actions runs a `run:` step.
const BASH: [&str; 6] = ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c"];

/// A runner's folder with `spoolsim` at `bin` (as the artifact download puts it).
fn runner(scratch: &Scratch, name: &str, bin: &str) -> (PathBuf, PathBuf) {
    let dir = scratch.0.join(name);
    let bin = dir.join(bin);
    std::fs::create_dir_all(&bin).unwrap();
    std::os::unix::fs::symlink(sweep_support::bin(), bin.join("spoolsim")).unwrap();
    (dir, bin)
}

/// The matrix's shards, checked to be 1..N.
fn matrix_of(shard_job: &Value) -> Vec<u64> {
    assert_eq!(shard_job["strategy"]["fail-fast"], false);
    let matrix: Vec<u64> = shard_job["strategy"]["matrix"]["shard"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_u64().unwrap())
        .collect();
    let n = matrix.len() as u64;
    assert_eq!(
        matrix,
        (1..=n).collect::<Vec<_>>(),
        "shards 1..N, each once"
    );
    matrix
}

/// Runs the shard job once per matrix entry over `file`; returns the folder that holds what
/// their uploads would hold.
fn run_shard_jobs(wf: &Value, scratch: &Scratch, file: &str) -> PathBuf {
    let shard = &wf["jobs"]["shard"];
    let matrix = matrix_of(shard);
    let (run, after) = step_with(shard, "spoolsim sweep");
    let command = r#"bin/spoolsim sweep "$SCENARIO" --seeds "$SEEDS" --shard auto --format json > "shards/shard-"#;
    assert!(run.contains(command), "{run}");
    assert_eq!(
        with_of(after, "actions/upload-artifact", None)["path"],
        "shards/"
    );
    let artifacts = scratch.0.join("artifacts");
    std::fs::create_dir_all(&artifacts).unwrap();
    for i in &matrix {
        let values: BTreeMap<&str, String> = [
            ("matrix.shard", i.to_string()),
            ("strategy.job-total", matrix.len().to_string()),
            ("inputs.scenario", file.to_string()),
            ("inputs.seeds", SEEDS.to_string()),
        ]
        .into();
        let mut env: BTreeMap<String, String> = BTreeMap::new();
        for scope in [&wf["env"], &shard["env"]] {
            for (k, v) in scope.as_object().unwrap() {
                env.insert(k.clone(), expand(v.as_str().unwrap(), &values));
            }
        }
        assert_eq!(env["SPOOLSIM_SHARD"], format!("{i}/{}", matrix.len()));
        let (dir, bin) = runner(scratch, &format!("runner-{i}"), "bin");
        let o = shell(&BASH, &expand(run, &values), &dir, &env, &path_with(&bin));
        assert_eq!(code(&o), 0, "shard {i}: {}", stderr(&o));
        // upload-artifact keeps the files under the uploaded folder.
        for f in std::fs::read_dir(dir.join("shards")).unwrap() {
            let f = f.unwrap();
            std::fs::copy(f.path(), artifacts.join(f.file_name())).unwrap();
        }
    }
    artifacts
}

/// Runs the merge job on the shard artifacts; returns its folder, its output and the run
/// summary it wrote.
fn run_merge_job(wf: &Value, scratch: &Scratch, artifacts: &Path) -> (PathBuf, Output, String) {
    let merge_job = &wf["jobs"]["merge"];
    assert_eq!(merge_job["needs"], "shard");
    let steps = merge_job["steps"].as_array().unwrap();
    let binary = with_of(steps, "actions/download-artifact", Some("spoolsim"));
    let shards = steps
        .iter()
        .find(|s| s["with"]["pattern"] == "shard-*")
        .expect("a download of every shard artifact");
    assert_eq!(shards["with"]["merge-multiple"], true);
    let (dir, bin) = runner(scratch, "runner-merge", binary["path"].as_str().unwrap());
    let into = dir.join(shards["with"]["path"].as_str().unwrap());
    std::fs::create_dir_all(&into).unwrap();
    for f in std::fs::read_dir(artifacts).unwrap() {
        let f = f.unwrap();
        std::fs::copy(f.path(), into.join(f.file_name())).unwrap();
    }
    let (run, _) = step_with(merge_job, "spoolsim merge");
    let summary = scratch.0.join("summary.md");
    let env: BTreeMap<String, String> =
        [("GITHUB_STEP_SUMMARY".into(), summary.display().to_string())].into();
    let o = shell(&BASH, run, &dir, &env, &path_with(&bin));
    (dir, o, std::fs::read_to_string(summary).unwrap_or_default())
}

#[test]
fn the_github_actions_matrix_and_merge_job_work() {
    let wf = &yaml_docs("deploy/github/sweep.yml")[0];
    let inputs = &wf["on"]["workflow_dispatch"]["inputs"];
    assert!(inputs["scenario"]["default"].is_string() && inputs["seeds"]["default"].is_string());
    assert_eq!(wf["jobs"]["shard"]["needs"], "build");
    let build_steps = wf["jobs"]["build"]["steps"].as_array().unwrap();
    let binary = with_of(build_steps, "actions/upload-artifact", Some("spoolsim"));
    assert_eq!(binary["path"], "target/release/spoolsim");

    let scratch = Scratch::new("github");
    let file = scratch.write("tiny.toml", TINY);
    let artifacts = run_shard_jobs(wf, &scratch, &file);
    let (dir, o, summary) = run_merge_job(wf, &scratch, &artifacts);
    assert_eq!(code(&o), 1, "failed seeds fail the merge: {}", stderr(&o));
    let (text, json) = whole(&file);
    assert!(std::fs::read(dir.join("sweep.json")).unwrap() == json);
    assert!(std::fs::read(dir.join("sweep.txt")).unwrap() == text);
    assert!(summary.contains(&String::from_utf8(text).unwrap()));
}

#[test]
fn the_slurm_scripts_work_with_the_variables_slurm_sets() {
    let scratch = Scratch::new("slurm");
    let file = scratch.write("tiny.toml", TINY);
    let out = scratch.0.join("out");
    let env = |extra: &[(&str, &str)]| -> BTreeMap<String, String> {
        let mut env: BTreeMap<String, String> = [
            ("SCENARIO", file.as_str()),
            ("SEEDS", SEEDS),
            ("OUT", &out.display().to_string()),
            ("SPOOLSIM", bin()),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        env.extend(extra.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        env
    };
    let sweep = repo("deploy/slurm/sweep.sbatch").display().to_string();
    let path = std::env::var("PATH").unwrap_or_default();
    // Without SPOOLSIM_SHARDS a task refuses to guess N.
    let o = shell(
        &["bash"],
        &sweep,
        &scratch.0,
        &env(&[("SLURM_ARRAY_TASK_ID", "1")]),
        &path,
    );
    assert_ne!(code(&o), 0);
    assert!(stderr(&o).contains("SPOOLSIM_SHARDS"), "{}", stderr(&o));
    // Tasks 1..4 of --array=1-4, in any order; task 3 as a one-task rerun (--array=3), and
    // task 2 submitted from a shell that had a CI matrix's SPOOLSIM_SHARD (Slurm decides).
    for id in ["4", "1", "3", "2"] {
        let mut vars = vec![
            ("SLURM_ARRAY_TASK_ID", id),
            ("SLURM_ARRAY_TASK_MIN", if id == "3" { "3" } else { "1" }),
            ("SLURM_ARRAY_TASK_COUNT", if id == "3" { "1" } else { "4" }),
            ("SPOOLSIM_SHARDS", "4"),
        ];
        if id == "2" {
            vars.push(("SPOOLSIM_SHARD", "1/4"));
        }
        let o = shell(&["bash"], &sweep, &scratch.0, &env(&vars), &path);
        assert_eq!(code(&o), 0, "task {id}: {}", stderr(&o));
        assert!(out.join(format!("shard-{id}-of-4.json")).exists());
    }
    let merge = repo("deploy/slurm/merge.sbatch").display().to_string();
    let o = shell(
        &["bash"],
        &merge,
        &scratch.0,
        &env(&[("SPOOLSIM_SHARDS", "4")]),
        &path,
    );
    assert_eq!(code(&o), 1, "failed seeds fail the merge: {}", stderr(&o));
    let (text, json) = whole(&file);
    assert!(std::fs::read(out.join("sweep.json")).unwrap() == json);
    assert!(std::fs::read(out.join("sweep.txt")).unwrap() == text);
}
