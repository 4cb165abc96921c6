//! The human-readable report of one run.
//!
//! What `spoolsim run` prints: a header naming the scenario, seed and horizon; a table of the
//! transports; every scripted flush and procedure in file order with what it returned and
//! moved, its name if it has one, and, when it did not end in `S_OK`, why in one plain line;
//! the progress indicators and prompts shown; the conservation verdict; and each expectation.
//! Every figure comes from the metrics, so the report and `--format json` always agree.
//! Colours are `anstyle` styles, written only when the caller asks for them.

use std::fmt::Write;

use anstyle::{AnsiColor, Effects, Style};

use crate::model::{FlushSpec, ProcedureSpec, ValidateSpec, ValidateVia, Via, DEFAULT_HORIZON};
use crate::scenario::expect::expected_text;
use crate::scenario::metrics::{flushes, FlushInfo, Value};
use crate::sim::format_duration;
use crate::sim::time::format_compact;
use crate::sim::Micros;
use crate::trace::Origin;

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

    /// `s` in `style`, if colour is on.
    fn paint(self, style: Style, s: &str) -> String {
        match self {
            Color::On => format!("{}{s}{}", style.render(), style.render_reset()),
            Color::Off => s.to_string(),
        }
    }
}

/// Green, for what held.
const PASS: Style = AnsiColor::Green.on_default();
/// Bold red, for what failed.
const FAIL: Style = AnsiColor::Red.on_default().effects(Effects::BOLD);
/// Bold, for the title.
const TITLE: Style = Style::new().effects(Effects::BOLD);
/// Dim yellow, for the explanations of results.
const WHY: Style = AnsiColor::Yellow.on_default();

/// `PASS` in green or `FAIL` in bold red.
fn pass_fail(c: Color, pass: bool) -> String {
    if pass {
        c.paint(PASS, "PASS")
    } else {
        c.paint(FAIL, "FAIL")
    }
}

/// A metric's value as the report shows it, or `-` if the run has no such metric.
fn metric(o: &Outcome, name: &str) -> String {
    o.metrics
        .get(name)
        .map_or_else(|| "-".to_string(), Value::compact)
}

/// Renders the text report.
pub fn render(o: &Outcome, color: Color) -> String {
    let mut s = String::new();
    header(&mut s, o, color);
    transport_table(&mut s, o);
    scripted_calls(&mut s, o, color);
    validate_calls(&mut s, o);
    ui_shown(&mut s, o);
    let _ = writeln!(s, "{} {}", pass_fail(color, o.conserved), o.conservation);
    expectations(&mut s, o, color);
    s
}

/// The scenario, seed, simulated span and horizon, and the scenario's description.
fn header(s: &mut String, o: &Outcome, color: Color) {
    let run = &o.run;
    let horizon = o.scenario.until.map_or_else(
        || format!("quiescent, at most {}", format_duration(DEFAULT_HORIZON)),
        format_duration,
    );
    let _ = writeln!(
        s,
        "{}  seed {}  simulated 0s → {} (horizon: {})",
        color.paint(TITLE, &format!("spoolsim · {}", run.scenario)),
        run.seed,
        format_duration(run.end_time),
        horizon
    );
    if let Some(d) = &o.scenario.description {
        let _ = writeln!(s, "{d}");
    }
    let _ = writeln!(s);
}

/// One row per transport, a row for mail no transport handles, and the inbound latencies.
fn transport_table(s: &mut String, o: &Outcome) {
    let run = &o.run;
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
        let n = &run.transport_names[t];
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
    let unroutable = run.trace.unroutable();
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
}

/// The scripted flushes and procedures, in file order, each with what it returned and moved
/// and, when it did not end in `S_OK`, why.
fn scripted_calls(s: &mut String, o: &Outcome, color: Color) {
    let calls = flushes(&o.run);
    // The flushes validate calls started are shown with those calls.
    let only_validate = calls
        .iter()
        .all(|c| matches!(c.origin, Origin::Validate(_)));
    if only_validate && o.scenario.flushes.is_empty() && o.scenario.procedures.is_empty() {
        return;
    }
    let _ = writeln!(
        s,
        "flushes and procedures (result / returned / completed / outcome; moved out/in)"
    );
    let names = &o.run.call_names;
    let width = (1..=o.scenario.flushes.len())
        .map(|n| names.label("flush", n))
        .chain((1..=o.scenario.procedures.len()).map(|n| names.label("procedure", n)))
        .map(|l| l.chars().count())
        .max()
        .unwrap_or(0)
        .max(12);
    let table = CallTable {
        o,
        calls,
        width,
        why: o.explanations(),
        color,
    };
    let mut rows: Vec<(u32, String)> = Vec::new();
    for (i, f) in o.scenario.flushes.iter().enumerate() {
        rows.push((f.order, table.flush_row(i + 1, f)));
    }
    for (i, p) in o.scenario.procedures.iter().enumerate() {
        rows.push((p.order, table.procedure_row(i + 1, p)));
    }
    rows.sort_by_key(|r| r.0);
    for (_, r) in rows {
        s.push_str(&r);
    }
    let _ = writeln!(s);
}

/// What the rows of the scripted calls are written from.
struct CallTable<'a> {
    o: &'a Outcome,
    /// Every call of the run.
    calls: Vec<FlushInfo>,
    /// The width of the label column.
    width: usize,
    /// Why each call that did not end in `S_OK` ended as it did, by prefix.
    why: Vec<(String, String)>,
    color: Color,
}

/// What a scripted call was, and a second line with its figures from the metrics under
/// `prefix` (`flush.N` or `procedure.N`).
struct CallLine<'a> {
    /// `flush.N` or `procedure.N`.
    prefix: &'a str,
    /// How the report names it: the prefix, with the entry's name if it has one.
    label: String,
    /// When it was scripted.
    at: Micros,
    /// Which object it went to, or which procedure it is.
    what: String,
    /// Its flags.
    flags: String,
    /// Anything to add at the end of the figures.
    extra: &'a str,
}

impl CallTable<'_> {
    /// Writes both lines of `line` to `s`, and why the call ended as it did, if it has a why.
    fn write(&self, line: &CallLine<'_>, s: &mut String) {
        let (o, p, w) = (self.o, line.prefix, self.width);
        let _ = writeln!(
            s,
            "  {:<w$} {:>12}  {:<20} {}",
            line.label,
            format_compact(line.at),
            line.what,
            line.flags,
        );
        let _ = writeln!(
            s,
            "  {:<w$} {:>12}  → {} / {} / {} / {}; moved {}/{}; prompts {}{}",
            "",
            "",
            metric(o, &format!("{p}.result")),
            metric(o, &format!("{p}.returned_at")),
            metric(o, &format!("{p}.completed_at")),
            metric(o, &format!("{p}.outcome")),
            metric(o, &format!("{p}.delivered")),
            metric(o, &format!("{p}.received")),
            metric(o, &format!("{p}.prompts")),
            line.extra,
        );
        if let Some((_, why)) = self.why.iter().find(|(prefix, _)| prefix == p) {
            let why = self.color.paint(WHY, &format!("why: {why}"));
            let _ = writeln!(s, "  {:<w$} {:>12}  {why}", "", "");
        }
    }

    /// `[[flush]]` number `n`: where it went and whether it showed a progress indicator.
    fn flush_row(&self, n: usize, f: &FlushSpec) -> String {
        let names = &self.o.run.transport_names;
        let via = match f.via {
            Via::Spooler => match f.target {
                Some(t) => format!("spooler → {}", names[t.index()]),
                None => "spooler".to_string(),
            },
            Via::Transport(t) => names[t.index()].clone(),
        };
        let ui = self
            .calls
            .iter()
            .find(|c| c.origin == Origin::Flush(n as u32))
            .is_some_and(|c| c.progress_ui);
        let mut out = String::new();
        let line = CallLine {
            prefix: &format!("flush.{n}"),
            label: self.o.run.call_names.label("flush", n),
            at: f.at,
            what: via,
            flags: f.flags.to_string(),
            extra: if ui { "; progress UI" } else { "" },
        };
        self.write(&line, &mut out);
        out
    }

    /// `[[procedure]]` number `n`, then each `FlushQueues` call it made.
    fn procedure_row(&self, n: usize, p: &ProcedureSpec) -> String {
        let names = &self.o.run.transport_names;
        let mut out = String::new();
        let line = CallLine {
            prefix: &format!("procedure.{n}"),
            label: self.o.run.call_names.label("procedure", n),
            at: p.at,
            what: p.kind.as_str().to_string(),
            flags: p.flags.to_string(),
            extra: "",
        };
        self.write(&line, &mut out);
        for c in self
            .calls
            .iter()
            .filter(|c| c.origin == Origin::Procedure(n as u32))
        {
            let target = c
                .target
                .map_or(String::new(), |t| format!(" → {}", names[t.index()]));
            let returned = c.returned.map_or("pending".to_string(), |(t, r)| {
                format!("{r} at {}", format_compact(t))
            });
            let _ = writeln!(
                out,
                "  {:<w$} {:>12}    call #{} on {}{target}: {returned}",
                "",
                "",
                c.id,
                c.object.name(names),
                w = self.width,
            );
        }
        out
    }
}

/// The scripted `ValidateState` calls, in file order, each with what it returned and, for a
/// `FORCE_XP_CONNECT` that started a flush, what that flush moved and when it ended.
fn validate_calls(s: &mut String, o: &Outcome) {
    if o.scenario.validates.is_empty() {
        return;
    }
    let _ = writeln!(
        s,
        "validate calls (result / returned / completed; moved out/in by the flush it started)"
    );
    let names = &o.run.call_names;
    let width = (1..=o.scenario.validates.len())
        .map(|n| names.label("validate", n))
        .map(|l| l.chars().count())
        .max()
        .unwrap_or(0)
        .max(12);
    let calls = flushes(&o.run);
    for (i, v) in o.scenario.validates.iter().enumerate() {
        validate_row(s, o, &calls, (i + 1, v), width);
    }
    let _ = writeln!(s);
}

/// `[[validate]]` number `n`: where it went, then its figures from the metrics.
fn validate_row(
    s: &mut String,
    o: &Outcome,
    calls: &[FlushInfo],
    (n, v): (usize, &ValidateSpec),
    w: usize,
) {
    let transports = &o.run.transport_names;
    let via = match v.via {
        ValidateVia::Subsystem => "subsystem",
        ValidateVia::AddressBook => "addressbook",
        ValidateVia::Spooler => "spooler",
        ValidateVia::Transport(t) => transports[t.index()].as_str(),
    };
    let label = o.run.call_names.label("validate", n);
    let at = format_compact(v.at);
    let _ = writeln!(s, "  {label:<w$} {at:>12}  {via:<20} {}", v.flags);
    let p = format!("validate.{n}");
    let started = calls
        .iter()
        .find(|c| c.origin == Origin::Validate(n as u32));
    let extra = match started {
        Some(c) if c.progress_ui => format!("; started flush #{}; progress UI", c.id),
        Some(c) => format!("; started flush #{}", c.id),
        None => String::new(),
    };
    let _ = writeln!(
        s,
        "  {:<w$} {:>12}  → {} / {} / {}; moved {}/{}; prompts {}{extra}",
        "",
        "",
        metric(o, &format!("{p}.result")),
        metric(o, &format!("{p}.returned_at")),
        metric(o, &format!("{p}.completed_at")),
        metric(o, &format!("{p}.delivered")),
        metric(o, &format!("{p}.received")),
        metric(o, &format!("{p}.prompts")),
    );
}

/// The progress indicators each object showed, and the dial prompts per transport.
fn ui_shown(s: &mut String, o: &Outcome) {
    let names = &o.run.transport_names;
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
}

/// Each expectation: what it expected when it held, what went wrong when it did not.
fn expectations(s: &mut String, o: &Outcome, color: Color) {
    if o.checks.is_empty() {
        return;
    }
    let _ = writeln!(s);
    let _ = writeln!(s, "expectations");
    for c in &o.checks {
        if c.pass {
            let _ = writeln!(
                s,
                "  {} {} = {}",
                pass_fail(color, true),
                c.expectation.metric,
                expected_text(&c.expectation)
            );
        } else {
            let _ = writeln!(s, "  {} {}", pass_fail(color, false), c.describe());
        }
    }
}
