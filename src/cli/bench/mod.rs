//! `spoolsim bench`: every benchmark case beside its baselines (`docs/benchmarks.md`).
//!
//! The cases run in this process one after another, except those whose cost depends on the
//! state of the process (`scale`) or which run a whole scenario file as `spoolsim run` does
//! (`transports`, `sim-year`): those start a fresh copy of this binary for each measurement
//! (see `child`), so an earlier case cannot warm or bloat what they measure.

use clap::ValueEnum;

use super::CliError;
use crate::scenario::error::suggest;

mod cases;
mod child;
mod output;

use cases::Bench;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub(crate) enum BenchFormat {
    #[default]
    Text,
    Json,
}

/// Arguments of `spoolsim bench`.
#[derive(Debug, clap::Args)]
pub(crate) struct BenchArgs {
    /// Messages moved by every case that moves messages (drains, scale, memory).
    #[arg(long, default_value_t = 1_000_000)]
    messages: u64,
    /// Transports the messages are spread over.
    #[arg(long, default_value_t = 4)]
    transports: usize,
    /// Repetitions; the median is reported with min and max.
    #[arg(long, default_value_t = 5)]
    repeat: usize,
    /// Output format.
    #[arg(long, value_enum, default_value_t = BenchFormat::Text)]
    format: BenchFormat,
    /// Run only these cases, comma-separated (default: all).
    #[arg(long, value_delimiter = ',')]
    cases: Vec<String>,
    /// Internal: run one measurement as a child process of `spoolsim bench`.
    #[arg(long, hide = true, value_enum)]
    child: Option<child::ChildKind>,
    /// Internal: the scenario file a `--child run` measures.
    #[arg(long, hide = true)]
    child_file: Option<std::path::PathBuf>,
}

/// The cases, in the order they run and are reported.
pub(crate) const CASES: [&str; 9] = [
    "drain",
    "drain-inbound",
    "drain-zero",
    "flush-roundtrip",
    "scale",
    "transports",
    "sim-day",
    "sim-year",
    "memory",
];

/// Refuses sizes outside what the cases are meant for, and unknown case names.
fn check(a: &BenchArgs) -> Result<(), CliError> {
    if a.messages == 0 || a.messages > 10_000_000 {
        return Err(CliError::Input(
            "--messages: expected 1 to 10,000,000 messages".into(),
        ));
    }
    if a.transports == 0 || a.transports > 10_000 {
        return Err(CliError::Input("--transports: expected 1 to 10,000".into()));
    }
    if a.repeat == 0 || a.repeat > 1000 {
        return Err(CliError::Input("--repeat: expected 1 to 1000".into()));
    }
    for c in &a.cases {
        if !CASES.contains(&c.as_str()) {
            let hint = suggest(c, CASES.iter().copied())
                .map_or(String::new(), |s| format!("did you mean `{s}`? "));
            return Err(CliError::Input(format!(
                "--cases: unknown case `{c}`; {hint}the cases are {}",
                CASES.join(", ")
            )));
        }
    }
    Ok(())
}

pub(crate) fn cmd_bench(a: BenchArgs, live_bytes: Option<fn() -> i64>) -> Result<(), CliError> {
    check(&a)?;
    if let Some(kind) = a.child {
        return child::run_child(kind, a.messages, a.transports, a.child_file);
    }
    let bench = Bench {
        n: a.messages,
        t: a.transports,
        r: a.repeat,
        text: a.format == BenchFormat::Text,
    };
    let wanted: Vec<&'static str> = CASES
        .into_iter()
        .filter(|c| a.cases.is_empty() || a.cases.iter().any(|x| x == c))
        .collect();
    let rows = bench.run(&wanted, live_bytes)?;
    match a.format {
        BenchFormat::Json => output::print_json(&rows, bench.t, bench.r),
        BenchFormat::Text => output::print_text(&rows, bench.t, bench.r),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(cases: &[&str]) -> BenchArgs {
        BenchArgs {
            messages: 1000,
            transports: 4,
            repeat: 1,
            format: BenchFormat::Json,
            cases: cases.iter().map(|c| c.to_string()).collect(),
            child: None,
            child_file: None,
        }
    }

    #[test]
    fn an_unknown_case_is_a_usage_error_with_a_suggestion() {
        assert!(check(&args(&["drain", "sim-year", "memory"])).is_ok());
        let Err(CliError::Input(msg)) = check(&args(&["drain-inbond"])) else {
            panic!("an unknown case must be refused");
        };
        assert!(msg.contains("unknown case `drain-inbond`"), "{msg}");
        assert!(msg.contains("did you mean `drain-inbound`?"), "{msg}");
        assert!(msg.contains("drain-zero"), "{msg}");
    }
}
