//! `--timeline FILE.json`: a run in the Chrome trace-event format.
//!
//! Why this format: Perfetto and `chrome://tracing` already know how to show nested spans on
//! many tracks, zoom from a week to a microsecond and plot counters beside them, which is
//! exactly what reading a spooler run needs (which flush was the caller stuck in, what each
//! transport was doing meanwhile, how the queues moved). Virtual time maps directly onto the
//! format's microsecond `ts` and `dur`, so nothing is rescaled.
//!
//! Layout: one process for the spooler (the client's `FlushQueues` calls, asynchronous flush
//! work, `ValidateState` calls, progress UI and the inbox counter) and one per transport (its flush phases, dial
//! prompts, dialling and line-up periods, its message events and its queue counters). Spans
//! that overlap on one track are spread over numbered threads, so that every thread holds
//! properly nested (in fact disjoint) slices, which both viewers require. Per-message instants
//! are written only while there are fewer than [`MAX_INSTANTS`] of them; counters are always
//! written, reduced to at most a budget of samples per series (the largest value in each time
//! bucket, and the bucket's last value) so a run of a million events stays a file a viewer
//! opens. The output depends only on the run, so the same run gives the same bytes.
//!
//! The work is split into the threads a span goes on (`threads`), the trace's events as
//! slices and instants (`events`) and the queue counters (`counters`); this module writes the
//! flush calls and puts the document together.

mod counters;
mod events;
mod threads;

use std::collections::BTreeMap;
use std::io::{self, Write};

use serde_json::{json, Value};

pub use events::MAX_INSTANTS;

use super::analysis::{flush_spans, span_end, started_flushes, transport_name, FlushSpan, Levels};
use crate::mapi::{FlushFlags, HResult};
use crate::scenario::RunResult;
use crate::sim::{FlushId, Micros, TransportId};
use events::{Instants, Open};
use threads::Threads;

/// The process of the spooler (and the client's calls to it).
const SPOOLER_PID: u64 = 1;

/// The process of transport `t`.
fn transport_pid(t: usize) -> u64 {
    t as u64 + 2
}

/// The timeline being written.
struct Builder<'a> {
    run: &'a RunResult,
    /// Where open periods end: the end of the run, or a later event.
    end: Micros,
    /// Each flush call's label (`flush.N`, `proc.N`, `api.ID`).
    labels: BTreeMap<FlushId, String>,
    threads: Threads,
    /// Slices, instants and counter samples, in the order they were written.
    events: Vec<Value>,
}

impl Builder<'_> {
    /// A complete slice (`"ph": "X"`) from `start` to `end`, on the first free lane of
    /// `track`; a span of no length is an instant there instead, since a slice of zero length
    /// at the instant a longer one starts is one that viewers cannot nest.
    fn span(
        &mut self,
        pid: u64,
        track: &'static str,
        name: &str,
        cat: &str,
        (start, end): (Micros, Micros),
        args: Value,
    ) {
        if end <= start {
            let tid = self.threads.tid(pid, track, 0);
            self.events.push(json!({
                "name": name, "cat": cat, "ph": "i", "s": "t", "ts": start,
                "pid": pid, "tid": tid, "args": args
            }));
            return;
        }
        let tid = self.threads.place(pid, track, start, end);
        self.events.push(json!({
            "name": name, "cat": cat, "ph": "X", "ts": start, "dur": end - start,
            "pid": pid, "tid": tid, "args": args
        }));
    }

    /// An instant (`"ph": "i"`) on the first lane of `track`.
    fn instant(&mut self, pid: u64, track: &'static str, name: &str, ts: Micros, args: Value) {
        let tid = self.threads.tid(pid, track, 0);
        let cat = match track {
            "messages" => "message",
            "faults" => "fault",
            _ => "schedule",
        };
        self.events.push(json!({
            "name": name, "cat": cat, "ph": "i", "s": "t", "ts": ts,
            "pid": pid, "tid": tid, "args": args
        }));
    }

    /// A transport's name, or `null` for none or an unknown index.
    fn transport(&self, t: TransportId) -> Value {
        match self.run.transport_names.get(t.index()) {
            Some(name) => json!(name),
            None => Value::Null,
        }
    }

    /// A flush call's label, or `flush#ID` for a call the metrics did not see.
    fn label(&self, id: FlushId) -> String {
        self.labels
            .get(&id)
            .cloned()
            .unwrap_or_else(|| format!("flush#{id}"))
    }

    /// A flush call's slice on the spooler, from call to return, and, if its work went on
    /// after it returned, a second slice from call to completion; both named by the call's
    /// label (`flush.1`, `flush.1 (morning-upload)`), with everything else in `args`.
    ///
    /// A flush that a `ValidateState(FORCE_XP_CONNECT)` started has no caller waiting: it gets
    /// only the second slice.
    fn flush_call(&mut self, f: &FlushSpan, started: bool) {
        let ret = if started {
            f.call
        } else {
            f.ret.map_or(self.end, |r| r.0)
        };
        let label = f.label();
        let mut args = json!({
            "call": f.number(),
            "name": f.name,
            "object": f.object.name(&self.run.transport_names),
            "target": f.target.map_or(Value::Null, |t| self.transport(t)),
            "flags": FlushFlags::from_bits_retain(f.flags).to_string(),
            "result": result_name(f.ret),
            "outcome": result_name(f.done),
            "called_at_us": f.call,
            "returned_at_us": at(f.ret),
            "completed_at_us": at(f.done),
        });
        if let (true, Some(m)) = (started, args.as_object_mut()) {
            // Nobody called it, so nothing returned: only its completion counts.
            m.insert("result".into(), Value::Null);
            m.insert("returned_at_us".into(), Value::Null);
        }
        if !started {
            let period = (f.call, ret);
            self.span(
                SPOOLER_PID,
                "FlushQueues calls",
                &label,
                "flush",
                period,
                args.clone(),
            );
        }
        let done = f.done.map_or(self.end, |d| d.0);
        if done > ret {
            let period = (f.call, done);
            self.span(
                SPOOLER_PID,
                "asynchronous flush work",
                &label,
                "flush",
                period,
                args,
            );
        }
    }
}

/// What a call returned or how its work ended, or `pending`.
fn result_name(r: Option<(Micros, HResult)>) -> Value {
    r.map_or(json!("pending"), |(_, h)| json!(h.name()))
}

/// When a call returned or its work ended, or `never`.
fn at(r: Option<(Micros, HResult)>) -> Value {
    r.map_or(json!("never"), |(t, _)| json!(t))
}

/// The metadata naming and ordering the processes: the spooler, then the transports.
fn process_meta(run: &RunResult) -> Vec<Value> {
    let mut meta = vec![
        json!({"name": "process_name", "ph": "M", "pid": SPOOLER_PID,
            "args": {"name": "spooler"}}),
        json!({"name": "process_sort_index", "ph": "M", "pid": SPOOLER_PID,
            "args": {"sort_index": 0}}),
    ];
    for t in 0..run.transport_names.len() {
        let pid = transport_pid(t);
        meta.push(json!({"name": "process_name", "ph": "M", "pid": pid,
            "args": {"name": format!("transport {}", transport_name(run, t))}}));
        meta.push(json!({"name": "process_sort_index", "ph": "M", "pid": pid,
            "args": {"sort_index": t + 1}}));
    }
    meta
}

/// The run's trace-event events, metadata first, then the rest in time order, and the
/// `otherData` object.
fn build(run: &RunResult) -> (Vec<Value>, Value) {
    let flushes = flush_spans(run);
    let mut b = Builder {
        run,
        end: span_end(run),
        labels: flushes.iter().map(|f| (f.id, f.label())).collect(),
        threads: Threads::default(),
        events: Vec::new(),
    };
    let started = started_flushes(run);
    for f in &flushes {
        b.flush_call(f, started.contains(&f.id));
    }
    let show = Instants::of(run.trace.events());
    let mut open = Open::default();
    for e in run.trace.events() {
        b.event(&mut open, e, show);
    }
    b.close(open);
    let lv = Levels::of(run);
    b.counters(&lv);

    // Longer slices first at one instant, so that they enclose the shorter ones.
    let ts_of = |v: &Value| v["ts"].as_u64().unwrap_or(0);
    let dur_of = |v: &Value| v["dur"].as_u64().unwrap_or(0);
    b.events
        .sort_by(|x, y| ts_of(x).cmp(&ts_of(y)).then(dur_of(y).cmp(&dur_of(x))));
    let mut all = process_meta(run);
    all.append(&mut b.threads.meta);
    all.append(&mut b.events);
    let other = json!({
        "scenario": run.scenario,
        "seed": run.seed,
        "end_time_us": run.end_time,
        "transports": run.transport_names,
        "per_message_events": lv.full,
        "message_instants": show.messages,
    });
    (all, other)
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
