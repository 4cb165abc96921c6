//! `--trace FILE.jsonl`: one JSON object per event, in the contract's order.
//!
//! The first line names the trace format version, the scenario, the seed and the transports;
//! every later line has `t_us`, `actor`, `event` and the event's fields, with transports and
//! status objects named rather than numbered.

use std::io::{self, Write};

use serde_json::{json, Map, Value};

use crate::mapi::constants::status_code_names;
use crate::mapi::FlushFlags;
use crate::scenario::model::FaultKind;
use crate::sim::trace::{Actor, Event, EventKind, Object, Origin, ProcStep, NO_TRANSPORT};

use crate::scenario::RunResult;

/// The version of the trace format written on the first line.
pub const TRACE_FORMAT: u32 = 1;

fn transport(names: &[String], t: u16) -> Value {
    if t == NO_TRANSPORT {
        Value::Null
    } else {
        names
            .get(t as usize)
            .map_or(Value::Null, |n| Value::String(n.clone()))
    }
}

/// The name of an actor in the trace.
pub fn actor_name(names: &[String], a: Actor) -> String {
    match a {
        Actor::Runner => "runner".into(),
        Actor::Client => "client".into(),
        Actor::Spooler => "spooler".into(),
        Actor::Transport(t) => format!("transport:{}", names[t as usize]),
        Actor::User(t) => format!("user:{}", names[t as usize]),
    }
}

/// The name of a status object.
pub fn object_name(names: &[String], o: Object) -> String {
    match o {
        Object::Spooler => "spooler".into(),
        Object::Transport(t) => names[t as usize].clone(),
        Object::Other(0) => "subsystem".into(),
        Object::Other(1) => "address-book".into(),
        Object::Other(r) => format!("row{r}"),
    }
}

fn origin(o: Origin) -> Value {
    match o {
        Origin::Api => json!("api"),
        Origin::Flush(n) => json!(format!("flush.{n}")),
        Origin::Procedure(n) => json!(format!("procedure.{n}")),
    }
}

/// One event as a JSON object.
pub fn event_json(names: &[String], e: &Event) -> Value {
    let mut m = Map::new();
    m.insert("t_us".into(), json!(e.key.t));
    m.insert("actor".into(), json!(actor_name(names, e.actor)));
    let mut put = |k: &str, v: Value| {
        m.insert(k.into(), v);
    };
    let name = match e.kind {
        EventKind::Submit {
            msg,
            transport: t,
            size,
        } => {
            put("msg", json!(msg));
            put("transport", transport(names, t));
            put("size", json!(size));
            "submit"
        }
        EventKind::HandOff {
            transport: t,
            count,
        } => {
            put("transport", transport(names, t));
            put("count", json!(count));
            "hand_off"
        }
        EventKind::Deliver {
            msg,
            transport: t,
            latency,
        } => {
            put("msg", json!(msg));
            put("transport", transport(names, t));
            put("latency_us", json!(latency));
            "deliver"
        }
        EventKind::Ndr {
            msg,
            transport: t,
            reason,
        } => {
            put("msg", json!(msg));
            put("transport", transport(names, t));
            put("reason", json!(format!("{reason:?}").to_lowercase()));
            "ndr"
        }
        EventKind::AttemptFailed {
            msg,
            transport: t,
            inbound,
        } => {
            put("msg", json!(msg));
            put("transport", transport(names, t));
            put(
                "direction",
                json!(if inbound { "inbound" } else { "outbound" }),
            );
            "attempt_failed"
        }
        EventKind::Arrive { msg, transport: t } => {
            put("msg", json!(msg));
            put("transport", transport(names, t));
            "arrive"
        }
        EventKind::Receive {
            msg,
            transport: t,
            latency,
        } => {
            put("msg", json!(msg));
            put("transport", transport(names, t));
            put("latency_us", json!(latency));
            "receive"
        }
        EventKind::Poll { transport: t } => {
            put("transport", transport(names, t));
            "poll"
        }
        EventKind::ScheduledSend {
            transport: t,
            count,
        } => {
            put("transport", transport(names, t));
            put("count", json!(count));
            "scheduled_send"
        }
        EventKind::FlushCall {
            flush,
            object,
            target,
            flags,
            origin: o,
        } => {
            put("flush", json!(flush));
            put("object", json!(object_name(names, object)));
            put(
                "target",
                target.map_or(Value::Null, |t| transport(names, t)),
            );
            put(
                "flags",
                json!(FlushFlags::from_bits_retain(flags).to_string()),
            );
            put("flags_bits", json!(flags));
            put("origin", origin(o));
            "flush_call"
        }
        EventKind::FlushReturn { flush, result } => {
            put("flush", json!(flush));
            put("result", json!(result.name()));
            "flush_return"
        }
        EventKind::FlushComplete { flush, outcome } => {
            put("flush", json!(flush));
            put("outcome", json!(outcome.name()));
            "flush_complete"
        }
        EventKind::PhaseBegin {
            flush,
            transport: t,
            inbound,
        } => {
            put("flush", json!(flush));
            put("transport", transport(names, t));
            put(
                "direction",
                json!(if inbound { "inbound" } else { "outbound" }),
            );
            "phase_begin"
        }
        EventKind::PartEnd {
            flush,
            transport: t,
            result,
            delivered,
            received,
        } => {
            put("flush", json!(flush));
            put("transport", transport(names, t));
            put("result", json!(result.name()));
            put("delivered", json!(delivered));
            put("received", json!(received));
            "part_end"
        }
        EventKind::PartOpen {
            flush,
            transport: t,
            delivered,
            received,
        } => {
            put("flush", json!(flush));
            put("transport", transport(names, t));
            put("delivered", json!(delivered));
            put("received", json!(received));
            "part_open"
        }
        EventKind::ProgressUi { flush, object } => {
            put("flush", json!(flush));
            put("object", json!(object_name(names, object)));
            "progress_ui"
        }
        EventKind::Prompt {
            transport: t,
            flush,
        } => {
            put("transport", transport(names, t));
            put("flush", flush.map_or(Value::Null, |f| json!(f)));
            "ui_prompt"
        }
        EventKind::Answer {
            transport: t,
            answer,
        } => {
            put("transport", transport(names, t));
            put("answer", json!(answer.as_str()));
            "ui_answer"
        }
        EventKind::Dial { transport: t } => {
            put("transport", transport(names, t));
            "dial"
        }
        EventKind::Connected { transport: t } => {
            put("transport", transport(names, t));
            "connect"
        }
        EventKind::HangUp { transport: t } => {
            put("transport", transport(names, t));
            "hang_up"
        }
        EventKind::Fault {
            transport: t,
            kind,
            down,
        } => {
            put("transport", transport(names, t));
            if kind != FaultKind::DropLine {
                put("down_us", json!(down));
            }
            put(
                "kind",
                json!(match kind {
                    FaultKind::Crash => "crash",
                    FaultKind::Offline => "offline",
                    FaultKind::DropLine => "drop-line",
                }),
            );
            "fault"
        }
        EventKind::Restart { transport: t } => {
            put("transport", transport(names, t));
            "restart"
        }
        EventKind::StatusChange { row, code } => {
            put("row", json!(row));
            put("code", json!(code));
            put("code_names", json!(status_code_names(code)));
            "status_change"
        }
        EventKind::Procedure { procedure, step } => {
            put("procedure", json!(procedure));
            match step {
                ProcStep::GetStatusTable => put("step", json!("get_status_table")),
                ProcStep::SetColumns => put("step", json!("set_columns")),
                ProcStep::QueryAllRows(n) => {
                    put("step", json!("hr_query_all_rows"));
                    put("rows", json!(n));
                }
                ProcStep::OpenEntry(r) => {
                    put("step", json!("open_entry"));
                    put("row", json!(r));
                }
                ProcStep::ResourceMethods(m) => {
                    put("step", json!("resource_methods"));
                    put("methods", json!(m));
                }
                ProcStep::Release => put("step", json!("release")),
                ProcStep::Done(r) => {
                    put("step", json!("done"));
                    put("result", json!(r.name()));
                }
            }
            "procedure_step"
        }
        EventKind::RunEnd => "run_end",
    };
    m.insert("event".into(), json!(name));
    // Keep t_us, actor, event first for people reading the file.
    let mut ordered = Map::new();
    for k in ["t_us", "actor", "event"] {
        if let Some(v) = m.shift_remove(k) {
            ordered.insert(k.into(), v);
        }
    }
    ordered.extend(m);
    Value::Object(ordered)
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
    for e in &run.trace.events {
        writeln!(out, "{}", event_json(&run.transport_names, e))?;
    }
    Ok(())
}
