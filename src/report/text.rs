//! The human-readable report of one run.

use std::fmt::Write;

use crate::scenario::metrics::{flushes, Value};
use crate::scenario::model::{Via, DEFAULT_HORIZON};
use crate::sim::format_duration;
use crate::sim::time::format_compact;
use crate::sim::trace::Origin;

use super::Outcome;

/// Whether to colour the output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Color {
    /// ANSI colours.
    On,
    /// Plain text.
    Off,
}

impl Color {
    /// Colour only on a terminal, and never with `NO_COLOR` set.
    pub fn detect(stream_is_terminal: bool) -> Color {
        if stream_is_terminal && std::env::var_os("NO_COLOR").is_none() {
            Color::On
        } else {
            Color::Off
        }
    }

    fn paint(self, code: &str, s: &str) -> String {
        match self {
            Color::On => format!("\x1b[{code}m{s}\x1b[0m"),
            Color::Off => s.to_string(),
        }
    }
}

fn pass_fail(c: Color, pass: bool) -> String {
    if pass {
        c.paint("32", "PASS")
    } else {
        c.paint("31;1", "FAIL")
    }
}

fn metric(o: &Outcome, name: &str) -> String {
    o.metrics
        .get(name)
        .map_or_else(|| "-".to_string(), Value::compact)
}

/// Renders the text report.
pub fn render(o: &Outcome, color: Color) -> String {
    let mut s = String::new();
    let run = &o.run;
    let names = &run.transport_names;
    let horizon = o.scenario.until.map_or_else(
        || format!("quiescent, at most {}", format_duration(DEFAULT_HORIZON)),
        format_duration,
    );
    let _ = writeln!(
        s,
        "{}  seed {}  simulated 0s → {} (horizon: {})",
        color.paint("1", &format!("spoolsim · {}", run.scenario)),
        run.seed,
        format_duration(run.end_time),
        horizon
    );
    if let Some(d) = &o.scenario.description {
        let _ = writeln!(s, "{d}");
    }
    let _ = writeln!(s);

    // Per-transport table.
    let _ = writeln!(
        s,
        "{:<14} {:<4} {:>9} {:>9} {:>7} {:>5} {:>8} {:>7}  {:>13} {:>13} {:>13}",
        "transport",
        "kind",
        "delivered",
        "received",
        "queued",
        "ndr",
        "connects",
        "prompts",
        "p50",
        "p99",
        "max"
    );
    for (t, cfg) in o.scenario.transports.iter().enumerate() {
        let n = &names[t];
        let queued = o.metrics.count_of(&format!("queued_outbound.{n}"))
            + o.metrics.count_of(&format!("queued_inbound.{n}"));
        let _ = writeln!(
            s,
            "{:<14} {:<4} {:>9} {:>9} {:>7} {:>5} {:>8} {:>7}  {:>13} {:>13} {:>13}",
            n,
            cfg.kind_name(),
            metric(o, &format!("delivered.{n}")),
            metric(o, &format!("received.{n}")),
            queued,
            metric(o, &format!("ndr.{n}")),
            metric(o, &format!("connects.{n}")),
            metric(o, &format!("ui_prompts.{n}")),
            metric(o, &format!("latency.outbound.{n}.p50")),
            metric(o, &format!("latency.outbound.{n}.p99")),
            metric(o, &format!("latency.outbound.{n}.max")),
        );
    }
    let unroutable = run.trace.unroutable;
    if unroutable > 0 {
        let _ = writeln!(
            s,
            "{:<14} {:<4} {:>9} {:>9} {:>7} {:>5}",
            "(no transport)", "", "", "", "", unroutable
        );
    }
    let _ = writeln!(
        s,
        "inbound latency p50 {}  p99 {}  max {};  inbox {}",
        metric(o, "latency.inbound.p50"),
        metric(o, "latency.inbound.p99"),
        metric(o, "latency.inbound.max"),
        run.inbox
    );
    let _ = writeln!(s);

    // Flushes and procedures, in call order.
    let calls = flushes(run);
    if !calls.is_empty() || !o.scenario.flushes.is_empty() || !o.scenario.procedures.is_empty() {
        let _ = writeln!(
            s,
            "flushes and procedures (result / returned / completed / outcome; moved out/in)"
        );
        let line = |s: &mut String,
                    label: String,
                    at: u64,
                    what: String,
                    flags: String,
                    p: &str,
                    extra: &str| {
            let _ = writeln!(
                s,
                "  {label:<12} {:>12}  {what:<20} {flags}",
                format_compact(at),
            );
            let _ = writeln!(
                s,
                "  {:<12} {:>12}  → {} / {} / {} / {}; moved {}/{}; prompts {}{extra}",
                "",
                "",
                metric(o, &format!("{p}.result")),
                metric(o, &format!("{p}.returned_at")),
                metric(o, &format!("{p}.completed_at")),
                metric(o, &format!("{p}.outcome")),
                metric(o, &format!("{p}.delivered")),
                metric(o, &format!("{p}.received")),
                metric(o, &format!("{p}.prompts")),
            );
        };
        let mut rows: Vec<(u32, String)> = Vec::new();
        for (i, f) in o.scenario.flushes.iter().enumerate() {
            let n = i + 1;
            let via = match f.via {
                Via::Spooler => match f.target {
                    Some(t) => format!("spooler → {}", names[t]),
                    None => "spooler".to_string(),
                },
                Via::Transport(t) => names[t].clone(),
            };
            let ui = calls
                .iter()
                .find(|c| c.origin == Origin::Flush(n as u32))
                .is_some_and(|c| c.progress_ui);
            let mut out = String::new();
            line(
                &mut out,
                format!("flush.{n}"),
                f.at,
                via,
                f.flags.to_string(),
                &format!("flush.{n}"),
                if ui { "; progress UI" } else { "" },
            );
            rows.push((f.order, out));
        }
        for (i, p) in o.scenario.procedures.iter().enumerate() {
            let n = i + 1;
            let mut out = String::new();
            line(
                &mut out,
                format!("procedure.{n}"),
                p.at,
                p.kind.as_str().to_string(),
                p.flags.to_string(),
                &format!("procedure.{n}"),
                "",
            );
            for c in calls
                .iter()
                .filter(|c| c.origin == Origin::Procedure(n as u32))
            {
                let target = c
                    .target
                    .map_or(String::new(), |t| format!(" → {}", names[t as usize]));
                let _ = writeln!(
                    out,
                    "  {:<12} {:>12}    call #{} on {}{target}: {}",
                    "",
                    "",
                    c.id,
                    c.object.name(names),
                    c.returned.map_or("pending".to_string(), |(t, r)| format!(
                        "{r} at {}",
                        format_compact(t)
                    )),
                );
            }
            rows.push((p.order, out));
        }
        rows.sort_by_key(|r| r.0);
        for (_, r) in rows {
            s.push_str(&r);
        }
        let _ = writeln!(s);
    }

    // UI shown.
    let mut ui = vec![format!("spooler {}", metric(o, "progress_ui.spooler"))];
    ui.extend(
        names
            .iter()
            .map(|n| format!("{n} {}", metric(o, &format!("progress_ui.{n}")))),
    );
    let prompts: Vec<String> = names
        .iter()
        .filter(|n| o.metrics.count_of(&format!("ui_prompts.{n}")) > 0)
        .map(|n| format!("{n} {}", metric(o, &format!("ui_prompts.{n}"))))
        .collect();
    let _ = writeln!(
        s,
        "UI shown: progress indicators {} ({}); dial prompts {}{}",
        metric(o, "progress_ui"),
        ui.join(", "),
        metric(o, "ui_prompts"),
        if prompts.is_empty() {
            String::new()
        } else {
            format!(" ({})", prompts.join(", "))
        }
    );
    let _ = writeln!(s, "{} {}", pass_fail(color, o.conserved), o.conservation);

    if !o.checks.is_empty() {
        let _ = writeln!(s);
        let _ = writeln!(s, "expectations");
        for c in &o.checks {
            if c.pass {
                let _ = writeln!(
                    s,
                    "  {} {} = {}",
                    pass_fail(color, true),
                    c.expectation.metric,
                    crate::scenario::expect::expected_text(&c.expectation)
                );
            } else {
                let _ = writeln!(s, "  {} {}", pass_fail(color, false), c.describe());
            }
        }
    }
    s
}
