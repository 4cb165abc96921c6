//! The scenario library, traced in full, keeps the rules of a causal trace: nothing is written
//! before what caused it, a flush part that was not cut short attempted everything it covered
//! before it ended, and every call that returned has its result in the metrics.

mod common;

use std::path::Path;

use common::trace_rules::{causal_violations, missing_results, uncovered};
use spoolsim::report::Outcome;
use spoolsim::scenario::{load_scenario, run, RunOptions};

#[test]
fn every_library_trace_is_causal() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("sim-scenarios");
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .expect("sim-scenarios/ exists")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    paths.sort();
    assert!(!paths.is_empty());
    let mut problems = Vec::new();
    for path in &paths {
        let s = match load_scenario(path) {
            Ok(p) => p.scenario,
            Err(e) => panic!("{}: {e:?}", path.display()),
        };
        let r = run(
            &s,
            &RunOptions {
                full_trace: true,
                ..RunOptions::default()
            },
        );
        let mut found = causal_violations(&s, &r);
        found.extend(uncovered(&s, &r));
        let o = Outcome::new(&s, r);
        found.extend(missing_results(&o));
        if !o.conserved {
            found.push(o.conservation.clone());
        }
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        problems.extend(found.into_iter().take(5).map(|p| format!("{name}: {p}")));
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
