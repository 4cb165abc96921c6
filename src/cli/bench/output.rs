//! The report of `spoolsim bench`: one JSON document, or a table.

use super::cases::Row;

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

fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// A number rounded to three decimals, or `null`.
fn opt(v: Option<f64>) -> serde_json::Value {
    v.map_or(serde_json::Value::Null, |x| {
        serde_json::json!((x * 1000.0).round() / 1000.0)
    })
}

/// One row as its JSON object.
fn row_json(r: &Row) -> serde_json::Value {
    let timed = r.case != "memory";
    serde_json::json!({
        "case": r.case,
        "n": r.n,
        "median_ns_per_msg": opt(r.median),
        "min_ns_per_msg": opt(r.min),
        "max_ns_per_msg": opt(r.max),
        "msgs_per_s": opt(r.median.filter(|_| timed).map(|m| 1e9 / m)),
        "baseline_ns_per_msg": opt(r.baseline),
        "baseline_batched_ns_per_msg": opt(r.baseline_batched),
        "ratio": opt(r.ratio),
        "floor_ns_per_msg": opt(r.floor),
        "ratio_floor": opt(r.ratio_floor),
        "peak_rss_bytes": r.peak_rss,
        "peak_rss_bytes_per_msg": opt(r.peak_rss_per_msg),
        "bytes_per_msg": opt(r.bytes_per_msg),
        "bytes_per_processed_msg": opt(r.bytes_per_processed_msg),
        "size_of_msg": r.size_of_msg,
        "note": r.note,
    })
}

/// The report as one JSON document: the machine, then one object per case.
pub(super) fn print_json(rows: &[Row], t: usize, r: usize) {
    let doc = serde_json::json!({
        "machine": {
            "cpu": cpu_model(),
            "cores": cores(),
            "spoolsim": env!("CARGO_PKG_VERSION"),
            "transports": t,
            "repeat": r,
        },
        "cases": rows.iter().map(row_json).collect::<Vec<_>>(),
    });
    println!("{}", serde_json::to_string_pretty(&doc).unwrap_or_default());
}

/// One decimal, or `-` for none.
fn one_decimal(v: Option<f64>) -> String {
    v.map_or("-".to_string(), |x| format!("{x:.1}"))
}

/// Two decimals, or `-` for none.
fn two_decimals(v: Option<f64>) -> String {
    v.map_or("-".to_string(), |x| format!("{x:.2}"))
}

/// The report as a table: a header naming the machine, then one line per case.
pub(super) fn print_text(rows: &[Row], t: usize, r: usize) {
    println!(
        "spoolsim {} bench · {} · {} cores · {} transports · median of {}",
        env!("CARGO_PKG_VERSION"),
        cpu_model(),
        cores(),
        t,
        r
    );
    println!(
        "{:<16} {:>9} {:>10} {:>10} {:>10} {:>12} {:>11} {:>9} {:>9} {:>7}",
        "case",
        "n",
        "median ns",
        "min ns",
        "max ns",
        "msgs/s",
        "baseline ns",
        "ratio",
        "floor ns",
        "r_floor"
    );
    for r in rows {
        if r.case == "memory" {
            print_memory_line(r);
        } else {
            print_time_line(r);
        }
    }
}

/// A case measured in time: its line, and what else it measured under it.
fn print_time_line(r: &Row) {
    println!(
        "{:<16} {:>9} {:>10} {:>10} {:>10} {:>12} {:>11} {:>9} {:>9} {:>7}",
        r.case,
        r.n,
        one_decimal(r.median),
        one_decimal(r.min),
        one_decimal(r.max),
        r.median.map_or("-".into(), |m| format!("{:.0}", 1e9 / m)),
        one_decimal(r.baseline),
        two_decimals(r.ratio),
        one_decimal(r.floor),
        two_decimals(r.ratio_floor),
    );
    let mut under = Vec::new();
    if let Some(bb) = r.baseline_batched {
        under.push(format!(
            "raw pipeline batched by 1024: {bb:.1} ns, for information"
        ));
    }
    if let Some(rss) = r.peak_rss {
        let per = r.peak_rss_per_msg.unwrap_or(0.0);
        under.push(format!(
            "peak RSS {:.1} MiB ({per:.0} bytes per message)",
            rss as f64 / (1 << 20) as f64
        ));
    }
    if !r.note.is_empty() {
        under.push(r.note.clone());
    }
    for line in under {
        println!("{:<16} {:>9} {line}", "", "");
    }
}

/// The memory case's line: bytes per queued and per processed message.
fn print_memory_line(r: &Row) {
    println!(
        "{:<16} {:>9} {} bytes per queued message, {} per processed message held when the flush \
         returns (size_of = {} bytes){}",
        r.case,
        r.n,
        one_decimal(r.bytes_per_msg),
        one_decimal(r.bytes_per_processed_msg),
        r.size_of_msg.unwrap_or(0),
        if r.note.is_empty() {
            String::new()
        } else {
            format!("; {}", r.note)
        }
    );
}
