//! Fuzzes the scenario-file parser: no input may make `parse_scenario`, the metric-name
//! listing of an accepted scenario, or the formatting of a rejection panic.
//!
//! The simulation itself is not run: a valid scenario may legitimately run for a while.

#![no_main]

use libfuzzer_sys::fuzz_target;
use spoolsim::scenario::metric_names::all_metric_names;
use spoolsim::scenario::parse_scenario;

fn check(text: &str) {
    match parse_scenario(text, "fuzz.toml") {
        Ok(parsed) => {
            let names = all_metric_names(&parsed.scenario);
            std::hint::black_box(names);
            for w in &parsed.warnings {
                std::hint::black_box(w.to_string());
            }
        }
        Err(e) => {
            std::hint::black_box(e.to_string());
            std::hint::black_box(e.render(text));
        }
    }
}

fuzz_target!(|data: &[u8]| {
    match std::str::from_utf8(data) {
        // Valid UTF-8: the bytes exactly as a file would hold them.
        Ok(text) => check(text),
        // Otherwise what a lossy reader would make of them (U+FFFD for each bad sequence).
        Err(_) => check(&String::from_utf8_lossy(data)),
    }
});
