//! `--trace FILE.jsonl`: one JSON object per event, in the trace's order.
//!
//! The first line names the trace format version, the scenario, the seed, the transports and
//! the names of the scripted calls, and, when given, where the trace came from (spoolsim's
//! version, the overrides, a hash of the scenario text: see [`Provenance`]); every later line
//! is one [`Event`] as it serializes itself: `t_us`, `actor`, `event` and the event's fields,
//! with transports and status objects named rather than numbered. Keeping the field names next
//! to the event type means a new event kind cannot be added without deciding how it reads in a
//! trace, and the format is written in one place only. A `flush_call` of a named `[[flush]]` or
//! `[[procedure]]`, and a `validate_call` of a named `[[validate]]` (and the `flush_call` of the
//! flush it started), also carry its `name`.

use std::io::{self, Write};

use serde_json::{json, Value};

use super::provenance::Provenance;
use crate::scenario::RunResult;
use crate::trace::{with_transport_names, Event, EventKind, Origin};

/// The version of the trace format written on the first line.
pub const TRACE_FORMAT: u32 = 1;

/// One event as a JSON object, with `names` as the run's transport names.
pub fn event_json(names: &[String], e: &Event) -> serde_json::Result<Value> {
    with_transport_names(names, || serde_json::to_value(e))
}

/// Writes the whole trace of `run`, one JSON object per line.
pub fn write_trace(run: &RunResult, out: &mut dyn Write) -> io::Result<()> {
    write_trace_with(run, None, out)
}

/// [`write_trace`], with where the run came from recorded in the header line.
pub fn write_trace_with(
    run: &RunResult,
    provenance: Option<&Provenance>,
    out: &mut dyn Write,
) -> io::Result<()> {
    let mut header = json!({
        "trace_format": TRACE_FORMAT,
        "scenario": run.scenario,
        "seed": run.seed,
        "transports": run.transport_names,
        "names": run.call_names.to_json(),
        "end_time_us": run.end_time,
    });
    if let (Some(p), Value::Object(m)) = (provenance, &mut header) {
        m.extend(p.fields().into_iter().filter(|(k, _)| k != "seed"));
    }
    writeln!(out, "{header}")?;
    with_transport_names(&run.transport_names, || {
        for e in run.trace.events() {
            match (e.kind, run.call_names.name(origin_of(e))) {
                (EventKind::FlushCall { .. } | EventKind::ValidateCall { .. }, Some(name)) => {
                    let mut v = serde_json::to_value(e)?;
                    if let Value::Object(m) = &mut v {
                        m.insert("name".into(), name.into());
                    }
                    serde_json::to_writer(&mut *out, &v)?;
                }
                _ => serde_json::to_writer(&mut *out, e)?,
            }
            out.write_all(b"\n")?;
        }
        Ok(())
    })
}

/// Who made a flush or validate call, for naming it; [`Origin::Api`] for any other event.
fn origin_of(e: &Event) -> Origin {
    match e.kind {
        EventKind::FlushCall { origin, .. } | EventKind::ValidateCall { origin, .. } => origin,
        _ => Origin::Api,
    }
}
