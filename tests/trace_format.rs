//! Every kind of trace event, written as one `--trace` line, matches the documented line byte
//! for byte: field names, field order, how transports, objects, flags, results and steps are
//! named, and what is written when a transport is unknown.

use spoolsim::mapi::HResult;
use spoolsim::model::{FaultKind, UiAnswer};
use spoolsim::report::jsonl::{event_json, write_trace};
use spoolsim::scenario::builtin::OFFICE_DAY;
use spoolsim::scenario::{parse_scenario, run, RunOptions};
use spoolsim::sim::{FlushId, Key, MsgId, TransportId, ValidateId};
use spoolsim::trace::{Actor, Event, EventKind, NdrReason, Object, Origin, ProcStep};

fn names() -> Vec<String> {
    vec!["lan".to_string(), "dialup".to_string()]
}

fn line(actor: Actor, kind: EventKind) -> String {
    let key = Key {
        t: 1_500,
        ..Key::default()
    };
    let e = Event { key, actor, kind };
    event_json(&names(), &e).unwrap().to_string()
}

/// `{"t_us":1500,"actor":ACTOR,` + the rest.
fn expect(actor: &str, rest: &str) -> String {
    format!("{{\"t_us\":1500,\"actor\":\"{actor}\",{rest}}}")
}

#[test]
fn message_events() {
    let cases = [
        (
            EventKind::Submit {
                msg: MsgId(7),
                transport: Some(TransportId(1)),
                size: 2048,
            },
            r#""event":"submit","msg":7,"transport":"dialup","size":2048"#,
        ),
        (
            EventKind::Submit {
                msg: MsgId(8),
                transport: None,
                size: 1,
            },
            r#""event":"submit","msg":8,"transport":null,"size":1"#,
        ),
        (
            EventKind::HandOff {
                transport: TransportId(0),
                count: 3,
            },
            r#""event":"hand_off","transport":"lan","count":3"#,
        ),
        (
            EventKind::Deliver {
                msg: MsgId(7),
                transport: TransportId(1),
                latency: 250,
            },
            r#""event":"deliver","msg":7,"transport":"dialup","latency_us":250"#,
        ),
        (
            EventKind::Ndr {
                msg: MsgId(8),
                transport: None,
                reason: NdrReason::NoTransport,
            },
            r#""event":"ndr","msg":8,"transport":null,"reason":"notransport""#,
        ),
        (
            EventKind::Ndr {
                msg: MsgId(9),
                transport: Some(TransportId(0)),
                reason: NdrReason::Expired,
            },
            r#""event":"ndr","msg":9,"transport":"lan","reason":"expired""#,
        ),
        (
            EventKind::AttemptFailed {
                msg: MsgId(9),
                transport: TransportId(0),
                inbound: true,
            },
            r#""event":"attempt_failed","msg":9,"transport":"lan","direction":"inbound""#,
        ),
        (
            EventKind::Arrive {
                msg: MsgId(2),
                transport: TransportId(1),
            },
            r#""event":"arrive","msg":2,"transport":"dialup""#,
        ),
        (
            EventKind::Receive {
                msg: MsgId(2),
                transport: TransportId(1),
                latency: 9,
            },
            r#""event":"receive","msg":2,"transport":"dialup","latency_us":9"#,
        ),
        (
            EventKind::Poll {
                transport: TransportId(0),
            },
            r#""event":"poll","transport":"lan""#,
        ),
        (
            EventKind::ScheduledSend {
                transport: TransportId(0),
                count: 0,
            },
            r#""event":"scheduled_send","transport":"lan","count":0"#,
        ),
    ];
    for (kind, rest) in cases {
        assert_eq!(line(Actor::Spooler, kind), expect("spooler", rest));
    }
}

#[test]
fn flush_events() {
    let cases = [
        (
            EventKind::FlushCall {
                flush: FlushId(4),
                object: Object::Spooler,
                target: Some(TransportId(1)),
                flags: 0x22,
                origin: Origin::Flush(2),
                validate: None,
            },
            concat!(
                r#""event":"flush_call","flush":4,"object":"spooler","target":"dialup","#,
                r#""flags":"FLUSH_UPLOAD | FLUSH_ASYNC_OK","flags_bits":34,"origin":"flush.2""#
            ),
        ),
        (
            EventKind::FlushCall {
                flush: FlushId(5),
                object: Object::Other(0),
                target: None,
                flags: 0,
                origin: Origin::Api,
                validate: None,
            },
            concat!(
                r#""event":"flush_call","flush":5,"object":"subsystem","target":null,"#,
                r#""flags":"0","flags_bits":0,"origin":"api""#
            ),
        ),
        (
            EventKind::FlushCall {
                flush: FlushId(6),
                object: Object::Other(1),
                target: Some(TransportId(u16::MAX)),
                flags: 0x100,
                origin: Origin::Procedure(3),
                validate: None,
            },
            concat!(
                r#""event":"flush_call","flush":6,"object":"addressbook","target":null,"#,
                r#""flags":"0x100","flags_bits":256,"origin":"procedure.3""#
            ),
        ),
        (
            EventKind::FlushReturn {
                flush: FlushId(4),
                result: HResult::MAPI_E_USER_CANCEL,
            },
            r#""event":"flush_return","flush":4,"result":"MAPI_E_USER_CANCEL""#,
        ),
        (
            EventKind::FlushComplete {
                flush: FlushId(4),
                outcome: HResult::S_OK,
            },
            r#""event":"flush_complete","flush":4,"outcome":"S_OK""#,
        ),
        (
            EventKind::PhaseBegin {
                flush: FlushId(4),
                transport: TransportId(0),
                inbound: false,
            },
            r#""event":"phase_begin","flush":4,"transport":"lan","direction":"outbound""#,
        ),
        (
            EventKind::PartEnd {
                flush: FlushId(4),
                transport: TransportId(0),
                result: HResult::S_OK,
                delivered: 2,
                received: 1,
            },
            concat!(
                r#""event":"part_end","flush":4,"transport":"lan","result":"S_OK","#,
                r#""delivered":2,"received":1"#
            ),
        ),
        (
            EventKind::PartOpen {
                flush: FlushId(4),
                transport: TransportId(1),
                delivered: 0,
                received: 5,
            },
            r#""event":"part_open","flush":4,"transport":"dialup","delivered":0,"received":5"#,
        ),
        (
            EventKind::ProgressUi {
                flush: FlushId(4),
                object: Object::Transport(TransportId(1)),
            },
            r#""event":"progress_ui","flush":4,"object":"dialup""#,
        ),
        (
            EventKind::ProgressUi {
                flush: FlushId(4),
                object: Object::Other(5),
            },
            r#""event":"progress_ui","flush":4,"object":"row5""#,
        ),
    ];
    for (kind, rest) in cases {
        assert_eq!(line(Actor::Client, kind), expect("client", rest));
    }
}

#[test]
fn validate_events() {
    let cases = [
        (
            EventKind::ValidateCall {
                validate: ValidateId(2),
                object: Object::Transport(TransportId(1)),
                flags: 0x000C_0001,
                origin: Origin::Validate(3),
            },
            concat!(
                r#""event":"validate_call","validate":2,"object":"dialup","#,
                r#""flags":"SUPPRESS_UI | FORCE_XP_CONNECT | FORCE_XP_DISCONNECT","#,
                r#""flags_bits":786433,"origin":"validate.3""#
            ),
        ),
        (
            EventKind::ValidateCall {
                validate: ValidateId(3),
                object: Object::Other(1),
                flags: 0x2,
                origin: Origin::Api,
            },
            concat!(
                r#""event":"validate_call","validate":3,"object":"addressbook","#,
                r#""flags":"0x2","flags_bits":2,"origin":"api""#
            ),
        ),
        (
            EventKind::ValidateReturn {
                validate: ValidateId(2),
                result: HResult::MAPI_E_BUSY,
            },
            r#""event":"validate_return","validate":2,"result":"MAPI_E_BUSY""#,
        ),
        (
            // The flush a FORCE_XP_CONNECT started names the validate call.
            EventKind::FlushCall {
                flush: FlushId(7),
                object: Object::Spooler,
                target: Some(TransportId(1)),
                flags: 0x6,
                origin: Origin::Validate(3),
                validate: Some(ValidateId(2)),
            },
            concat!(
                r#""event":"flush_call","flush":7,"object":"spooler","target":"dialup","#,
                r#""flags":"FLUSH_UPLOAD | FLUSH_DOWNLOAD","flags_bits":6,"origin":"validate.3","#,
                r#""validate":2"#
            ),
        ),
        (
            EventKind::ScheduleSkipped {
                transport: TransportId(0),
                inbound: true,
            },
            r#""event":"schedule_skipped","transport":"lan","direction":"inbound""#,
        ),
    ];
    for (kind, rest) in cases {
        assert_eq!(line(Actor::Spooler, kind), expect("spooler", rest));
    }
}

#[test]
fn line_and_fault_events() {
    let cases = [
        (
            Actor::Transport(TransportId(1)),
            EventKind::Prompt {
                transport: TransportId(1),
                flush: Some(FlushId(3)),
            },
            r#""event":"ui_prompt","transport":"dialup","flush":3"#,
        ),
        (
            Actor::Transport(TransportId(1)),
            EventKind::Prompt {
                transport: TransportId(1),
                flush: None,
            },
            r#""event":"ui_prompt","transport":"dialup","flush":null"#,
        ),
        (
            Actor::User(TransportId(1)),
            EventKind::Answer {
                transport: TransportId(1),
                answer: UiAnswer::Cancel,
            },
            r#""event":"ui_answer","transport":"dialup","answer":"cancel""#,
        ),
        (
            Actor::Transport(TransportId(1)),
            EventKind::Dial {
                transport: TransportId(1),
            },
            r#""event":"dial","transport":"dialup""#,
        ),
        (
            Actor::Transport(TransportId(1)),
            EventKind::Connected {
                transport: TransportId(1),
            },
            r#""event":"connect","transport":"dialup""#,
        ),
        (
            Actor::Transport(TransportId(1)),
            EventKind::HangUp {
                transport: TransportId(1),
            },
            r#""event":"hang_up","transport":"dialup""#,
        ),
        (
            Actor::Runner,
            EventKind::Fault {
                transport: TransportId(0),
                kind: FaultKind::Crash,
                down: 60_000_000,
            },
            r#""event":"fault","transport":"lan","down_us":60000000,"kind":"crash""#,
        ),
        (
            Actor::Runner,
            EventKind::Fault {
                transport: TransportId(0),
                kind: FaultKind::Offline,
                down: 5,
            },
            r#""event":"fault","transport":"lan","down_us":5,"kind":"offline""#,
        ),
        (
            Actor::Runner,
            EventKind::Fault {
                transport: TransportId(1),
                kind: FaultKind::DropLine,
                down: 0,
            },
            r#""event":"fault","transport":"dialup","kind":"drop-line""#,
        ),
        (
            Actor::Runner,
            EventKind::Restart {
                transport: TransportId(0),
            },
            r#""event":"restart","transport":"lan""#,
        ),
        (Actor::Runner, EventKind::RunEnd, r#""event":"run_end""#),
    ];
    for (actor, kind, rest) in cases {
        let name = actor.name(&names());
        assert_eq!(line(actor, kind), expect(&name, rest));
    }
    assert_eq!(Actor::User(TransportId(1)).name(&names()), "user:dialup");
    assert_eq!(
        Actor::Transport(TransportId(0)).name(&names()),
        "transport:lan"
    );
}

#[test]
fn status_and_procedure_events() {
    let cases = [
        (
            EventKind::StatusChange {
                row: 3,
                code: 0x0040_0001,
            },
            concat!(
                r#""event":"status_change","row":3,"code":4194305,"#,
                r#""code_names":"STATUS_AVAILABLE | STATUS_OUTBOUND_FLUSH""#
            ),
        ),
        (
            EventKind::Procedure {
                procedure: 1,
                step: ProcStep::GetStatusTable,
            },
            r#""event":"procedure_step","procedure":1,"step":"get_status_table""#,
        ),
        (
            EventKind::Procedure {
                procedure: 1,
                step: ProcStep::SetColumns,
            },
            r#""event":"procedure_step","procedure":1,"step":"set_columns""#,
        ),
        (
            EventKind::Procedure {
                procedure: 1,
                step: ProcStep::QueryAllRows(4),
            },
            r#""event":"procedure_step","procedure":1,"step":"hr_query_all_rows","rows":4"#,
        ),
        (
            EventKind::Procedure {
                procedure: 2,
                step: ProcStep::OpenEntry(3),
            },
            r#""event":"procedure_step","procedure":2,"step":"open_entry","row":3"#,
        ),
        (
            EventKind::Procedure {
                procedure: 2,
                step: ProcStep::ResourceMethods(0x40),
            },
            r#""event":"procedure_step","procedure":2,"step":"resource_methods","methods":64"#,
        ),
        (
            EventKind::Procedure {
                procedure: 0,
                step: ProcStep::Release,
            },
            r#""event":"procedure_step","procedure":0,"step":"release""#,
        ),
        (
            EventKind::Procedure {
                procedure: 2,
                step: ProcStep::Done(HResult::MAPI_W_PARTIAL_COMPLETION),
            },
            concat!(
                r#""event":"procedure_step","procedure":2,"step":"done","#,
                r#""result":"MAPI_W_PARTIAL_COMPLETION""#
            ),
        ),
    ];
    for (kind, rest) in cases {
        assert_eq!(line(Actor::Client, kind), expect("client", rest));
    }
}

#[test]
fn unknown_transports_are_null_or_made_up_names() {
    let kind = EventKind::Dial {
        transport: TransportId(9),
    };
    assert_eq!(
        line(Actor::Transport(TransportId(9)), kind),
        expect("transport:transport9", r#""event":"dial","transport":null"#)
    );
    // Serialized outside any run's names, no transport is known.
    let e = Event {
        key: Key::default(),
        actor: Actor::Transport(TransportId(0)),
        kind: EventKind::Poll {
            transport: TransportId(0),
        },
    };
    assert_eq!(
        serde_json::to_string(&e).unwrap(),
        r#"{"t_us":0,"actor":"transport:transport0","event":"poll","transport":null}"#
    );
}

#[test]
fn a_written_trace_is_its_header_and_one_line_per_event() {
    let s = parse_scenario(OFFICE_DAY, "office-day.toml")
        .unwrap()
        .scenario;
    let r = run(
        &s,
        &RunOptions {
            full_trace: true,
            ..Default::default()
        },
    );
    let mut out = Vec::new();
    write_trace(&r, &mut out).unwrap();
    let text = String::from_utf8(out).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), r.trace.events().len() + 1);
    let header: serde_json::Value = serde_json::from_str(lines[0]).unwrap();
    assert_eq!(header["trace_format"], 1);
    assert_eq!(header["transports"], serde_json::json!(r.transport_names));
    for (l, e) in lines[1..].iter().zip(r.trace.events()) {
        let v = event_json(&r.transport_names, e).unwrap();
        assert_eq!(*l, v.to_string());
        let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(keys[..3], ["t_us", "actor", "event"]);
    }
}
