//! `--trace FILE.jsonl`: one JSON object per event, in the trace's order.
//!
//! The first line names the trace format version, the scenario, the seed and the transports;
//! every later line is one [`Event`] as it serializes itself: `t_us`, `actor`, `event` and the
//! event's fields, with transports and status objects named rather than numbered. Keeping the
//! field names next to the event type means a new event kind cannot be added without deciding
//! how it reads in a trace, and the format is written in one place only.

use std::io::{self, Write};

use serde_json::{json, Value};

use crate::scenario::RunResult;
use crate::trace::{with_transport_names, Event};

/// The version of the trace format written on the first line.
pub const TRACE_FORMAT: u32 = 1;

/// One event as a JSON object, with `names` as the run's transport names.
pub fn event_json(names: &[String], e: &Event) -> serde_json::Result<Value> {
    with_transport_names(names, || serde_json::to_value(e))
}

/// Writes the whole trace of `run`, one JSON object per line.
pub fn write_trace(run: &RunResult, out: &mut dyn Write) -> io::Result<()> {
    let header = json!({
        "trace_format": TRACE_FORMAT,
        "scenario": run.scenario,
        "seed": run.seed,
        "transports": run.transport_names,
        "end_time_us": run.end_time,
    });
    writeln!(out, "{header}")?;
    with_transport_names(&run.transport_names, || {
        for e in run.trace.events() {
            serde_json::to_writer(&mut *out, e)?;
            out.write_all(b"\n")?;
        }
        Ok(())
    })
}
