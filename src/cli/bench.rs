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

/// The cases, in the order they run and are reported.
const CASES: [&str; 6] = [
    "drain",
    "drain-inbound",
    "flush-roundtrip",
    "scale",
    "sim-day",
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
            return Err(CliError::Input(format!(
                "--cases: unknown case `{c}`; the cases are {}",
                CASES.join(", ")
            )));
        }
    }
    Ok(())
}

pub(crate) fn cmd_bench(a: BenchArgs, live_bytes: Option<fn() -> i64>) -> Result<(), CliError> {
    check(&a)?;
    let want = |c: &str| a.cases.is_empty() || a.cases.iter().any(|x| x == c);
    let bench = Bench {
        n: a.messages,
        t: a.transports,
        r: a.repeat,
        text: a.format == BenchFormat::Text,
    };
    let mut rows = Vec::new();
    let mut two_hop = None;
    for (case, inbound) in [("drain", false), ("drain-inbound", true)] {
        if want(case) {
            bench.progress(case);
            // Both drains compare with the same baseline, measured once.
            let baseline = *two_hop.get_or_insert_with(|| bench.two_hop_baseline());
            rows.push(bench.drain(case, inbound, baseline));
        }
    }
    if want("flush-roundtrip") {
        rows.push(bench.flush_roundtrip());
    }
    if want("scale") {
        rows.push(bench.scale());
    }
    if want("sim-day") {
        rows.push(bench.sim_day());
    }
    if want("memory") {
        rows.push(bench.memory(live_bytes));
    }
    match a.format {
        BenchFormat::Json => print_json(&rows, bench.t, bench.r),
        BenchFormat::Text => print_text(&rows, bench.t, bench.r),
    }
    Ok(())
}

/// The sizes every case runs at.
struct Bench {
    /// Messages per drain.
    n: u64,
    /// Transports.
    t: usize,
    /// Repetitions.
    r: usize,
    /// Whether progress goes to standard error (text output only).
    text: bool,
}

impl Bench {
    fn progress(&self, case: &str) {
        if self.text {
            eprintln!("running {case} ...");
        }
    }

    /// The raw two-hop pipeline's nanoseconds per message, one by one and batched by 1024.
    fn two_hop_baseline(&self) -> (f64, f64) {
        let (n, r) = (self.n, self.r);
        let one = stats(&repeat(r, || baseline::two_hop(n)), n).0;
        let batched = stats(&repeat(r, || baseline::two_hop_batched(n, 1024)), n).0;
        (one, batched)
    }

    /// `drain` / `drain-inbound` beside the two-hop baseline.
    fn drain(&self, case: &'static str, inbound: bool, (b, bb): (f64, f64)) -> Row {
        let samples = repeat(self.r, || bench::drain(self.n, self.t, inbound));
        let (med, min, max) = stats(&samples, self.n);
        Row {
            case,
            n: self.n,
            median: Some(med),
            min: Some(min),
            max: Some(max),
            baseline: Some(b),
            baseline_batched: Some(bb),
            ratio: Some(b / med),
            ..Row::default()
        }
    }

    /// `flush-roundtrip` beside a raw request/oneshot round trip.
    fn flush_roundtrip(&self) -> Row {
        self.progress("flush-roundtrip");
        let k = 100_000;
        let (med, min, max) = stats(&repeat(self.r, || bench::flush_roundtrip(k)), k);
        let b = stats(&repeat(self.r, || baseline::round_trips(k)), k).0;
        Row {
            case: "flush-roundtrip",
            n: k,
            median: Some(med),
            min: Some(min),
            max: Some(max),
            baseline: Some(b),
            ratio: Some(b / med),
            note: "ns per flush; baseline: raw request/oneshot round trip".into(),
            ..Row::default()
        }
    }

    /// `scale`: a drain of `n` beside a drain of `n / 10`.
    fn scale(&self) -> Row {
        self.progress("scale");
        let (n, t) = (self.n, self.t);
        let small = (n / 10).max(1);
        // Alternate the two sizes so that drift of the machine hits both alike.
        let (mut bigs, mut littles) = (Vec::new(), Vec::new());
        for _ in 0..self.r {
            bigs.push(bench::drain(n, t, false));
            littles.push(bench::drain(small, t, false));
        }
        let (big, min, max) = stats(&bigs, n);
        let (little, _, _) = stats(&littles, small);
        Row {
            case: "scale",
            n,
            median: Some(big),
            min: Some(min),
            max: Some(max),
            baseline: Some(little),
            ratio: Some(little / big),
            note: format!("baseline: drain at n = {small}"),
            ..Row::default()
        }
    }

    /// `sim-day`: simulated seconds per wall second of a busy day.
    fn sim_day(&self) -> Row {
        self.progress("sim-day");
        let mails = 100_000;
        let mut walls = Vec::new();
        let mut span = 0;
        for _ in 0..self.r {
            let (w, s) = bench::sim_day(mails, 10);
            walls.push(w);
            span = s;
        }
        let (med, min, max) = stats(&walls, mails);
        let wall_s = med * mails as f64 / 1e9;
        Row {
            case: "sim-day",
            n: mails,
            median: Some(med),
            min: Some(min),
            max: Some(max),
            ratio: Some(span as f64 / SECOND as f64 / wall_s),
            note: "ratio: simulated seconds per wall second".into(),
            ..Row::default()
        }
    }

    /// `memory`: live heap bytes per queued message, when the binary counts allocations.
    fn memory(&self, live_bytes: Option<fn() -> i64>) -> Row {
        self.progress("memory");
        let (n, t) = (self.n, self.t);
        match live_bytes {
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
        }
    }
}

/// The report as one JSON document: the machine, then one object per case.
fn print_json(rows: &[Row], t: usize, r: usize) {
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

/// One decimal, or `-` for none.
fn one_decimal(v: Option<f64>) -> String {
    v.map_or("-".to_string(), |x| format!("{x:.1}"))
}

/// The report as a table: a header naming the machine, then one line per case.
fn print_text(rows: &[Row], t: usize, r: usize) {
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
    for r in rows {
        if r.case == "memory" {
            print_memory_line(r);
        } else {
            print_time_line(r);
        }
    }
}

/// A case measured in time: its line, and the batched baseline's under it if it has one.
fn print_time_line(r: &Row) {
    println!(
        "{:<16} {:>9} {:>11} {:>11} {:>11} {:>13} {:>13} {:>9}{}",
        r.case,
        r.n,
        one_decimal(r.median),
        one_decimal(r.min),
        one_decimal(r.max),
        r.median.map_or("-".into(), |m| format!("{:.0}", 1e9 / m)),
        one_decimal(r.baseline),
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

/// The memory case's line: bytes per queued message.
fn print_memory_line(r: &Row) {
    println!(
        "{:<16} {:>9} {:>11} bytes per queued message (size_of = {} bytes){}",
        r.case,
        r.n,
        one_decimal(r.bytes_per_msg),
        r.size_of_msg.unwrap_or(0),
        if r.note.is_empty() {
            String::new()
        } else {
            format!("; {}", r.note)
        }
    );
}
