//! `spoolsim bench`: every benchmark case beside its baseline (`docs/benchmarks.md`).

use std::time::Duration;

use clap::ValueEnum;

use super::CliError;
use crate::bench::{self, baseline};
use crate::sim::time::SECOND;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub(crate) enum BenchFormat {
    #[default]
    Text,
    Json,
}

/// Arguments of `spoolsim bench`.
#[derive(Debug, clap::Args)]
pub(crate) struct BenchArgs {
    /// Messages per drain.
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
    /// Run only these cases (default: all).
    #[arg(long, value_delimiter = ',')]
    cases: Vec<String>,
}

/// One row of the report.
#[derive(Debug, Clone, Default)]
struct Row {
    case: &'static str,
    n: u64,
    median: Option<f64>,
    min: Option<f64>,
    max: Option<f64>,
    baseline: Option<f64>,
    baseline_batched: Option<f64>,
    ratio: Option<f64>,
    bytes_per_msg: Option<f64>,
    size_of_msg: Option<usize>,
    note: String,
}

/// Median, min and max of nanoseconds per message over `samples`.
fn stats(samples: &[Duration], n: u64) -> (f64, f64, f64) {
    let mut v: Vec<f64> = samples
        .iter()
        .map(|d| d.as_nanos() as f64 / n.max(1) as f64)
        .collect();
    v.sort_by(f64::total_cmp);
    (v[v.len() / 2], v[0], v[v.len() - 1])
}

fn repeat(r: usize, mut f: impl FnMut() -> Duration) -> Vec<Duration> {
    (0..r).map(|_| f()).collect()
}

fn cpu_model() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|m| m.trim().to_string())
        })
        .unwrap_or_else(|| std::env::consts::ARCH.to_string())
}

fn opt(v: Option<f64>) -> serde_json::Value {
    v.map_or(serde_json::Value::Null, |x| {
        serde_json::json!((x * 1000.0).round() / 1000.0)
    })
}

pub(crate) fn cmd_bench(a: BenchArgs, live_bytes: Option<fn() -> i64>) -> Result<(), CliError> {
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
    const CASES: [&str; 6] = [
        "drain",
        "drain-inbound",
        "flush-roundtrip",
        "scale",
        "sim-day",
        "memory",
    ];
    for c in &a.cases {
        if !CASES.contains(&c.as_str()) {
            return Err(CliError::Input(format!(
                "--cases: unknown case `{c}`; the cases are {}",
                CASES.join(", ")
            )));
        }
    }
    let want = |c: &str| a.cases.is_empty() || a.cases.iter().any(|x| x == c);
    let (n, t, r) = (a.messages, a.transports, a.repeat);
    let progress = |c: &str| {
        if a.format == BenchFormat::Text {
            eprintln!("running {c} ...");
        }
    };
    let mut rows = Vec::new();

    let mut baseline_two_hop = None;
    let base = |rows_n: u64| -> (f64, f64) {
        let b = stats(&repeat(r, || baseline::two_hop(rows_n)), rows_n).0;
        let bb = stats(
            &repeat(r, || baseline::two_hop_batched(rows_n, 1024)),
            rows_n,
        )
        .0;
        (b, bb)
    };
    for (case, inbound) in [("drain", false), ("drain-inbound", true)] {
        if !want(case) {
            continue;
        }
        progress(case);
        let (b, bb) = *baseline_two_hop.get_or_insert_with(|| base(n));
        let samples = repeat(r, || bench::drain(n, t, inbound));
        let (med, min, max) = stats(&samples, n);
        rows.push(Row {
            case,
            n,
            median: Some(med),
            min: Some(min),
            max: Some(max),
            baseline: Some(b),
            baseline_batched: Some(bb),
            ratio: Some(b / med),
            ..Row::default()
        });
    }
    if want("flush-roundtrip") {
        progress("flush-roundtrip");
        let k = 100_000;
        let (med, min, max) = stats(&repeat(r, || bench::flush_roundtrip(k)), k);
        let b = stats(&repeat(r, || baseline::round_trips(k)), k).0;
        rows.push(Row {
            case: "flush-roundtrip",
            n: k,
            median: Some(med),
            min: Some(min),
            max: Some(max),
            baseline: Some(b),
            ratio: Some(b / med),
            note: "ns per flush; baseline: raw request/oneshot round trip".into(),
            ..Row::default()
        });
    }
    if want("scale") {
        progress("scale");
        let small = (n / 10).max(1);
        // Alternate the two sizes so that drift of the machine hits both alike.
        let (mut bigs, mut littles) = (Vec::new(), Vec::new());
        for _ in 0..r {
            bigs.push(bench::drain(n, t, false));
            littles.push(bench::drain(small, t, false));
        }
        let (big, min, max) = stats(&bigs, n);
        let (little, _, _) = stats(&littles, small);
        rows.push(Row {
            case: "scale",
            n,
            median: Some(big),
            min: Some(min),
            max: Some(max),
            baseline: Some(little),
            ratio: Some(little / big),
            note: format!("baseline: drain at n = {small}"),
            ..Row::default()
        });
    }
    if want("sim-day") {
        progress("sim-day");
        let mails = 100_000;
        let mut walls = Vec::new();
        let mut span = 0;
        for _ in 0..r {
            let (w, s) = bench::sim_day(mails, 10);
            walls.push(w);
            span = s;
        }
        let (med, min, max) = stats(&walls, mails);
        let wall_s = med * mails as f64 / 1e9;
        rows.push(Row {
            case: "sim-day",
            n: mails,
            median: Some(med),
            min: Some(min),
            max: Some(max),
            ratio: Some(span as f64 / SECOND as f64 / wall_s),
            note: "ratio: simulated seconds per wall second".into(),
            ..Row::default()
        });
    }
    if want("memory") {
        progress("memory");
        let row = match live_bytes {
            Some(probe) => Row {
                case: "memory",
                n,
                bytes_per_msg: Some(bench::memory(n, t, probe)),
                size_of_msg: Some(bench::size_of_msg()),
                ..Row::default()
            },
            None => Row {
                case: "memory",
                n,
                size_of_msg: Some(bench::size_of_msg()),
                note: "no counting allocator in this binary".into(),
                ..Row::default()
            },
        };
        rows.push(row);
    }

    match a.format {
        BenchFormat::Json => {
            let cases: Vec<serde_json::Value> = rows
                .iter()
                .map(|r| {
                    serde_json::json!({
                        "case": r.case,
                        "n": r.n,
                        "median_ns_per_msg": opt(r.median),
                        "min_ns_per_msg": opt(r.min),
                        "max_ns_per_msg": opt(r.max),
                        "msgs_per_s": opt(r.median.filter(|_| r.case != "memory").map(|m| 1e9 / m)),
                        "baseline_ns_per_msg": opt(r.baseline),
                        "baseline_batched_ns_per_msg": opt(r.baseline_batched),
                        "ratio": opt(r.ratio),
                        "bytes_per_msg": opt(r.bytes_per_msg),
                        "size_of_msg": r.size_of_msg,
                    })
                })
                .collect();
            let doc = serde_json::json!({
                "machine": {
                    "cpu": cpu_model(),
                    "cores": std::thread::available_parallelism().map_or(1, |n| n.get()),
                    "spoolsim": env!("CARGO_PKG_VERSION"),
                    "transports": t,
                    "repeat": r,
                },
                "cases": cases,
            });
            println!("{}", serde_json::to_string_pretty(&doc).unwrap_or_default());
        }
        BenchFormat::Text => {
            println!(
                "spoolsim {} bench · {} · {} cores · {} transports · median of {}",
                env!("CARGO_PKG_VERSION"),
                cpu_model(),
                std::thread::available_parallelism().map_or(1, |n| n.get()),
                t,
                r
            );
            println!(
                "{:<16} {:>9} {:>11} {:>11} {:>11} {:>13} {:>13} {:>9}",
                "case", "n", "median ns", "min ns", "max ns", "msgs/s", "baseline ns", "ratio"
            );
            let f = |v: Option<f64>| v.map_or("-".to_string(), |x| format!("{x:.1}"));
            for r in &rows {
                if r.case == "memory" {
                    println!(
                        "{:<16} {:>9} {:>11} bytes per queued message (size_of = {} bytes){}",
                        r.case,
                        r.n,
                        f(r.bytes_per_msg),
                        r.size_of_msg.unwrap_or(0),
                        if r.note.is_empty() {
                            String::new()
                        } else {
                            format!("; {}", r.note)
                        }
                    );
                    continue;
                }
                println!(
                    "{:<16} {:>9} {:>11} {:>11} {:>11} {:>13} {:>13} {:>9}{}",
                    r.case,
                    r.n,
                    f(r.median),
                    f(r.min),
                    f(r.max),
                    r.median.map_or("-".into(), |m| format!("{:.0}", 1e9 / m)),
                    f(r.baseline),
                    r.ratio.map_or("-".into(), |x| format!("{x:.2}")),
                    if r.note.is_empty() {
                        String::new()
                    } else {
                        format!("  ({})", r.note)
                    },
                );
                if let Some(bb) = r.baseline_batched {
                    println!(
                        "{:<16} {:>9} {:>11}  (baseline, batched by 1024, for information)",
                        "",
                        "",
                        format!("{bb:.1}")
                    );
                }
            }
        }
    }
    Ok(())
}
