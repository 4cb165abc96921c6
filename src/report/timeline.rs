//! `--timeline FILE.json`: a run in the Chrome trace-event format.
//!
//! Why this format: Perfetto and `chrome://tracing` already know how to show nested spans on
//! many tracks, zoom from a week to a microsecond and plot counters beside them, which is
//! exactly what reading a spooler run needs (which flush was the caller stuck in, what each
//! transport was doing meanwhile, how the queues moved). Virtual time maps directly onto the
//! format's microsecond `ts` and `dur`, so nothing is rescaled.
//!
//! Layout: one process for the spooler (the client's `FlushQueues` calls, asynchronous flush
//! work, progress UI and the inbox counter) and one per transport (its flush phases, dial
//! prompts, dialling and line-up periods, its message events and its queue counters). Spans
//! that overlap on one track are spread over numbered threads, so that every thread holds
//! properly nested (in fact disjoint) slices, which both viewers require. Per-message instants
//! are written only while there are fewer than [`MAX_INSTANTS`] of them; counters are always
//! written, reduced to at most a budget of samples per series (the largest value in each time
//! bucket, and the bucket's last value) so a run of a million events stays a file a viewer
//! opens. The output depends only on the run, so the same run gives the same bytes.

use std::collections::BTreeMap;
use std::io::{self, Write};

use serde_json::{json, Value};

use crate::mapi::{FlushFlags, HResult};
use crate::scenario::RunResult;
use crate::sim::trace::{EventKind, FlushId, Object, NO_TRANSPORT};
use crate::sim::Micros;

use crate::scenario::model::FaultKind;

use super::analysis::{flush_spans, span_end, transport_name, Levels, Steps};

/// Per-message instant events (deliveries, receptions, NDRs, failed attempts) are written only
/// when a run has fewer than this many; above it the counters tell the story.
pub const MAX_INSTANTS: usize = 20_000;

/// Counter samples kept over all counter series together (at least [`MIN_COUNTER_SAMPLES`]
/// per series).
const COUNTER_BUDGET: usize = 200_000;
const MIN_COUNTER_SAMPLES: usize = 256;

const SPOOLER_PID: u64 = 1;

fn transport_pid(t: usize) -> u64 {
    t as u64 + 2
}

/// The tracks (threads) of a process, in display order.
const TRACKS: [&str; 9] = [
    "FlushQueues calls",
    "asynchronous flush work",
    "progress UI",
    "flush phases",
    "dial prompts",
    "line",
    "faults",
    "messages",
    "schedule",
];

/// Thread ids: a fixed number per track (so tracks always show in [`TRACKS`] order), plus the
/// lane, for spans that overlap on one track.
#[derive(Default)]
struct Threads {
    /// (pid, track) → lane ends.
    lanes: BTreeMap<(u64, &'static str), Vec<Micros>>,
    /// Threads already named.
    named: std::collections::BTreeSet<(u64, u64)>,
    meta: Vec<Value>,
}

impl Threads {
    fn tid(&mut self, pid: u64, track: &'static str, lane: usize) -> u64 {
        let k = TRACKS
            .iter()
            .position(|&t| t == track)
            .unwrap_or(TRACKS.len());
        let tid = k as u64 * 1000 + lane as u64 + 1;
        if self.named.insert((pid, tid)) {
            let name = if lane == 0 {
                track.to_string()
            } else {
                format!("{track} ({})", lane + 1)
            };
            self.meta.push(json!({
                "name": "thread_name", "ph": "M", "pid": pid, "tid": tid, "args": {"name": name}
            }));
            self.meta.push(json!({
                "name": "thread_sort_index", "ph": "M", "pid": pid, "tid": tid,
                "args": {"sort_index": tid}
            }));
        }
        tid
    }

    /// A thread of `track` on which `[start, end]` overlaps nothing already placed.
    fn place(&mut self, pid: u64, track: &'static str, start: Micros, end: Micros) -> u64 {
        let ends = self.lanes.entry((pid, track)).or_default();
        let lane = match ends.iter().position(|&e| e <= start) {
            Some(l) => l,
            None => {
                ends.push(0);
                ends.len() - 1
            }
        };
        ends[lane] = end;
        self.tid(pid, track, lane)
    }
}

struct Builder<'a> {
    run: &'a RunResult,
    threads: Threads,
    events: Vec<Value>,
}

impl Builder<'_> {
    fn span(
        &mut self,
        pid: u64,
        track: &'static str,
        name: String,
        cat: &str,
        (start, end): (Micros, Micros),
        args: Value,
    ) {
        let end = end.max(start);
        let tid = self.threads.place(pid, track, start, end);
        self.events.push(json!({
            "name": name, "cat": cat, "ph": "X", "ts": start, "dur": end - start,
            "pid": pid, "tid": tid, "args": args
        }));
    }

    fn instant(&mut self, pid: u64, track: &'static str, name: &str, ts: Micros, args: Value) {
        let tid = self.threads.tid(pid, track, 0);
        let cat = if track == "messages" {
            "message"
        } else {
            "schedule"
        };
        self.events.push(json!({
            "name": name, "cat": cat, "ph": "i", "s": "t", "ts": ts,
            "pid": pid, "tid": tid, "args": args
        }));
    }

    fn counter(&mut self, pid: u64, name: &str, steps: &Steps, budget: usize) {
        for (ts, v) in reduce(steps, budget) {
            self.events.push(json!({
                "name": name, "cat": "queue", "ph": "C", "ts": ts, "pid": pid,
                "args": {"messages": v}
            }));
        }
    }

    fn transport(&self, t: u16) -> Value {
        if t == NO_TRANSPORT || t as usize >= self.run.transport_names.len() {
            Value::Null
        } else {
            json!(self.run.transport_names[t as usize])
        }
    }
}

/// A step function as counter samples: a sample at 0, then every change; beyond `budget`
/// samples, per time bucket the largest value (at the bucket's first change) and the bucket's
/// last value (at its last change), so peaks and the final level survive.
fn reduce(steps: &Steps, budget: usize) -> Vec<(Micros, i64)> {
    let mut out = vec![(0, 0)];
    if steps.len() < budget.max(2) {
        for &(t, v) in steps {
            match out.last_mut() {
                Some(last) if last.0 == t => last.1 = v,
                _ => out.push((t, v)),
            }
        }
        return out;
    }
    let buckets = (budget / 2).max(1) as u128;
    let (first, last) = match (steps.first(), steps.last()) {
        (Some(f), Some(l)) => (f.0, l.0),
        _ => return out,
    };
    let width = u128::from(last - first) + 1;
    let bucket = |t: Micros| u128::from(t - first) * buckets / width;
    let mut i = 0;
    while i < steps.len() {
        let b = bucket(steps[i].0);
        let mut j = i;
        let mut max = steps[i];
        while j < steps.len() && bucket(steps[j].0) == b {
            if steps[j].1 > max.1 {
                max = (steps[i].0, steps[j].1);
            }
            j += 1;
        }
        let lastv = steps[j - 1];
        match out.last_mut() {
            Some(l) if l.0 == steps[i].0 => l.1 = max.1,
            _ => out.push((steps[i].0, max.1)),
        }
        if lastv.1 != max.1 && lastv.0 > steps[i].0 {
            out.push(lastv);
        }
        i = j;
    }
    out
}

fn result_name(r: Option<(Micros, HResult)>) -> Value {
    r.map_or(json!("pending"), |(_, h)| json!(h.name()))
}

fn at(r: Option<(Micros, HResult)>) -> Value {
    r.map_or(json!("never"), |(t, _)| json!(t))
}

/// The run's trace-event events, metadata first, then the rest in time order, and the
/// `otherData` object.
fn build(run: &RunResult) -> (Vec<Value>, Value) {
    let end = span_end(run);
    let n = run.transport_names.len();
    let mut b = Builder {
        run,
        threads: Threads::default(),
        events: Vec::new(),
    };
    let mut meta: Vec<Value> = Vec::new();
    meta.push(
        json!({"name": "process_name", "ph": "M", "pid": SPOOLER_PID,
        "args": {"name": "spooler"}}),
    );
    meta.push(
        json!({"name": "process_sort_index", "ph": "M", "pid": SPOOLER_PID,
        "args": {"sort_index": 0}}),
    );
    for t in 0..n {
        let pid = transport_pid(t);
        meta.push(json!({"name": "process_name", "ph": "M", "pid": pid,
            "args": {"name": format!("transport {}", transport_name(run, t))}}));
        meta.push(json!({"name": "process_sort_index", "ph": "M", "pid": pid,
            "args": {"sort_index": t + 1}}));
    }

    // Flush calls, and the work of asynchronous ones.
    let flushes = flush_spans(run);
    let labels: BTreeMap<FlushId, String> = flushes.iter().map(|f| (f.id, f.label())).collect();
    for f in &flushes {
        let ret = f.ret.map_or(end, |r| r.0);
        let object = f.object.name(&run.transport_names);
        let args = json!({
            "object": object,
            "target": f.target.map_or(Value::Null, |t| b.transport(t)),
            "flags": FlushFlags::from_bits_retain(f.flags).to_string(),
            "result": result_name(f.ret),
            "outcome": result_name(f.done),
            "called_at_us": f.call,
            "returned_at_us": at(f.ret),
            "completed_at_us": at(f.done),
        });
        b.span(
            SPOOLER_PID,
            "FlushQueues calls",
            format!("{} FlushQueues", f.label()),
            "flush",
            (f.call, ret),
            args.clone(),
        );
        let done = f.done.map_or(end, |d| d.0);
        if done > ret {
            b.span(
                SPOOLER_PID,
                "asynchronous flush work",
                format!("{} work", f.label()),
                "flush",
                (f.call, done),
                args,
            );
        }
    }
    let label = |id: FlushId| {
        labels
            .get(&id)
            .cloned()
            .unwrap_or_else(|| format!("flush#{id}"))
    };

    // Phases, prompts, dialling and lines; instants.
    let messages = run
        .trace
        .events
        .iter()
        .filter(|e| {
            matches!(
                e.kind,
                EventKind::Deliver { .. }
                    | EventKind::Receive { .. }
                    | EventKind::Ndr { .. }
                    | EventKind::AttemptFailed { .. }
            )
        })
        .count();
    let schedules = run
        .trace
        .events
        .iter()
        .filter(|e| {
            matches!(
                e.kind,
                EventKind::Poll { .. } | EventKind::ScheduledSend { .. }
            )
        })
        .count();
    let with_messages = messages < MAX_INSTANTS;
    let with_schedules = schedules < MAX_INSTANTS;
    // (flush, transport) → (phase start, inbound)
    let mut phases: BTreeMap<(FlushId, u16), (Micros, bool)> = BTreeMap::new();
    let mut prompts: BTreeMap<u16, Vec<(Micros, Value)>> = BTreeMap::new();
    let mut dials: BTreeMap<u16, Micros> = BTreeMap::new();
    let mut lines: BTreeMap<u16, Micros> = BTreeMap::new();
    let ok = |t: u16| (t as usize) < n;
    let phase_name = |id: FlushId, inbound: bool, l: &dyn Fn(FlushId) -> String| {
        format!("{} {}", l(id), if inbound { "download" } else { "upload" })
    };
    for e in &run.trace.events {
        let ts = e.key.t;
        match e.kind {
            EventKind::PhaseBegin {
                flush,
                transport,
                inbound,
            } if ok(transport) => {
                if let Some((s, inb)) = phases.insert((flush, transport), (ts, inbound)) {
                    b.span(
                        transport_pid(transport as usize),
                        "flush phases",
                        phase_name(flush, inb, &label),
                        "flush",
                        (s, ts),
                        json!({"flush": label(flush)}),
                    );
                }
            }
            EventKind::PartEnd {
                flush,
                transport,
                result,
                delivered,
                received,
            } if ok(transport) => {
                let args = json!({
                    "flush": label(flush), "part_result": result.name(),
                    "delivered": delivered, "received": received
                });
                let pid = transport_pid(transport as usize);
                match phases.remove(&(flush, transport)) {
                    Some((s, inb)) => b.span(
                        pid,
                        "flush phases",
                        phase_name(flush, inb, &label),
                        "flush",
                        (s, ts),
                        args,
                    ),
                    None => b.span(
                        pid,
                        "flush phases",
                        format!("{} part", label(flush)),
                        "flush",
                        (ts, ts),
                        args,
                    ),
                }
            }
            EventKind::Prompt { transport, flush } if ok(transport) => {
                let f = flush.map_or(Value::Null, |f| json!(label(f)));
                prompts.entry(transport).or_default().push((ts, f));
            }
            EventKind::Answer { transport, answer } if ok(transport) => {
                if let Some((s, f)) = prompts.get_mut(&transport).and_then(|v| v.pop()) {
                    b.span(
                        transport_pid(transport as usize),
                        "dial prompts",
                        "dial prompt".into(),
                        "ui",
                        (s, ts),
                        json!({"answer": answer.as_str(), "flush": f}),
                    );
                }
            }
            EventKind::Dial { transport } if ok(transport) => {
                dials.insert(transport, ts);
            }
            EventKind::Connected { transport } if ok(transport) => {
                if let Some(s) = dials.remove(&transport) {
                    b.span(
                        transport_pid(transport as usize),
                        "line",
                        "dialling".into(),
                        "line",
                        (s, ts),
                        json!({}),
                    );
                }
                lines.insert(transport, ts);
            }
            EventKind::HangUp { transport } if ok(transport) => {
                if let Some(s) = lines.remove(&transport) {
                    b.span(
                        transport_pid(transport as usize),
                        "line",
                        "line up".into(),
                        "line",
                        (s, ts),
                        json!({"hung_up": true}),
                    );
                }
            }
            EventKind::Fault {
                transport,
                kind,
                down,
            } if ok(transport) => {
                let pid = transport_pid(transport as usize);
                match kind {
                    FaultKind::DropLine => {
                        b.instant(pid, "faults", "line dropped", ts, json!({}));
                    }
                    FaultKind::Crash | FaultKind::Offline => {
                        let name = if kind == FaultKind::Crash {
                            "crashed"
                        } else {
                            "offline"
                        };
                        let until = ts.saturating_add(down).min(end.max(ts));
                        b.span(
                            pid,
                            "faults",
                            name.into(),
                            "fault",
                            (ts, until),
                            json!({"down_us": down}),
                        );
                    }
                }
            }
            EventKind::ProgressUi { flush, object } => {
                let pid = match object {
                    Object::Transport(t) if ok(t) => transport_pid(t as usize),
                    _ => SPOOLER_PID,
                };
                let tid = b.threads.tid(pid, "progress UI", 0);
                b.events.push(json!({
                    "name": "progress UI", "cat": "ui", "ph": "i", "s": "t", "ts": ts,
                    "pid": pid, "tid": tid, "args": {"flush": label(flush)}
                }));
            }
            EventKind::Deliver {
                msg,
                transport,
                latency,
            } if with_messages && ok(transport) => b.instant(
                transport_pid(transport as usize),
                "messages",
                "deliver",
                ts,
                json!({"msg": msg, "latency_us": latency}),
            ),
            EventKind::Receive {
                msg,
                transport,
                latency,
            } if with_messages && ok(transport) => b.instant(
                transport_pid(transport as usize),
                "messages",
                "receive",
                ts,
                json!({"msg": msg, "latency_us": latency}),
            ),
            EventKind::Ndr {
                msg,
                transport,
                reason,
            } if with_messages => {
                let pid = if ok(transport) {
                    transport_pid(transport as usize)
                } else {
                    SPOOLER_PID
                };
                b.instant(
                    pid,
                    "messages",
                    "ndr",
                    ts,
                    json!({"msg": msg, "reason": format!("{reason:?}").to_lowercase()}),
                );
            }
            EventKind::AttemptFailed {
                msg,
                transport,
                inbound,
            } if with_messages && ok(transport) => b.instant(
                transport_pid(transport as usize),
                "messages",
                "attempt failed",
                ts,
                json!({"msg": msg, "direction": if inbound { "inbound" } else { "outbound" }}),
            ),
            EventKind::Poll { transport } if with_schedules && ok(transport) => b.instant(
                transport_pid(transport as usize),
                "schedule",
                "poll",
                ts,
                json!({}),
            ),
            EventKind::ScheduledSend { transport, count } if with_schedules && ok(transport) => b
                .instant(
                    transport_pid(transport as usize),
                    "schedule",
                    "scheduled send",
                    ts,
                    json!({"count": count}),
                ),
            _ => {}
        }
    }
    // Whatever is still open runs to the end of the run.
    for ((flush, transport), (s, inb)) in std::mem::take(&mut phases) {
        b.span(
            transport_pid(transport as usize),
            "flush phases",
            phase_name(flush, inb, &label),
            "flush",
            (s, end),
            json!({"flush": label(flush), "part_result": "pending"}),
        );
    }
    for (transport, v) in std::mem::take(&mut prompts) {
        for (s, f) in v {
            b.span(
                transport_pid(transport as usize),
                "dial prompts",
                "dial prompt".into(),
                "ui",
                (s, end),
                json!({"answer": "none", "flush": f}),
            );
        }
    }
    for (transport, s) in std::mem::take(&mut dials) {
        b.span(
            transport_pid(transport as usize),
            "line",
            "dialling".into(),
            "line",
            (s, end),
            json!({}),
        );
    }
    for (transport, s) in std::mem::take(&mut lines) {
        b.span(
            transport_pid(transport as usize),
            "line",
            "line up".into(),
            "line",
            (s, end),
            json!({"hung_up": false}),
        );
    }

    // Counters.
    let lv = Levels::of(run);
    if lv.full {
        let series = 1 + n + lv.any_arrival.iter().filter(|&&a| a).count();
        let budget = (COUNTER_BUDGET / series).max(MIN_COUNTER_SAMPLES);
        b.counter(SPOOLER_PID, "inbox", &lv.inbox, budget);
        for t in 0..n {
            let pid = transport_pid(t);
            b.counter(pid, "outbound queue", &lv.outbound[t], budget);
            if lv.any_arrival[t] {
                b.counter(pid, "remote inbound", &lv.inbound[t], budget);
            }
        }
    }

    let ts_of = |v: &Value| v["ts"].as_u64().unwrap_or(0);
    let dur_of = |v: &Value| v["dur"].as_u64().unwrap_or(0);
    b.events
        .sort_by(|x, y| ts_of(x).cmp(&ts_of(y)).then(dur_of(y).cmp(&dur_of(x))));
    meta.append(&mut b.threads.meta);
    meta.append(&mut b.events);
    let other = json!({
        "scenario": run.scenario,
        "seed": run.seed,
        "end_time_us": run.end_time,
        "transports": run.transport_names,
        "per_message_events": lv.full,
        "message_instants": with_messages,
    });
    (meta, other)
}

/// The run as a Chrome trace-event document:
/// `{"traceEvents": [...], "displayTimeUnit": "ms", "otherData": {...}}`.
pub fn timeline_json(run: &RunResult) -> Value {
    let (events, other) = build(run);
    json!({"traceEvents": events, "displayTimeUnit": "ms", "otherData": other})
}

/// Writes [`timeline_json`]'s document to `out`, one trace event per line.
pub fn write_timeline(run: &RunResult, out: &mut dyn Write) -> io::Result<()> {
    let (events, other) = build(run);
    let mut w = io::BufWriter::new(out);
    w.write_all(b"{\"traceEvents\":[\n")?;
    for (i, e) in events.iter().enumerate() {
        if i > 0 {
            w.write_all(b",\n")?;
        }
        serde_json::to_writer(&mut w, e)?;
    }
    w.write_all(b"\n],\n\"displayTimeUnit\":\"ms\",\n\"otherData\":")?;
    serde_json::to_writer(&mut w, &other)?;
    w.write_all(b"}\n")?;
    w.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reduce_keeps_everything_under_budget() {
        let s: Steps = vec![(5, 1), (9, 2), (12, 0)];
        assert_eq!(reduce(&s, 100), vec![(0, 0), (5, 1), (9, 2), (12, 0)]);
    }

    #[test]
    fn reduce_keeps_peaks_and_the_end_over_budget() {
        let mut s: Steps = Vec::new();
        for i in 0..10_000u64 {
            s.push((
                i * 10 + 1,
                (i % 7) as i64 + if i == 5_000 { 100 } else { 0 },
            ));
        }
        let r = reduce(&s, 200);
        assert!(r.len() <= 201, "{}", r.len());
        let top = s.iter().map(|x| x.1).max();
        assert_eq!(r.iter().map(|x| x.1).max(), top);
        assert_eq!(r.last().map(|x| x.1), s.last().map(|x| x.1));
        assert!(r.windows(2).all(|w| w[0].0 < w[1].0));
    }
}
