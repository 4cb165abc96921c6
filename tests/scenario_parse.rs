//! Scenario files through the public parsing API: a full file into exact model values,
//! defaults, one test per class of input error (each checking file, line:column, key and
//! hint), warnings, and a property test that no input makes the parser panic.

use proptest::prelude::*;
use spoolsim::mapi::{FlushFlags, ValidateFlags};
use spoolsim::model::{
    CmpOp, ExpectValue, Expectation, FaultKind, FaultSpec, FlushOrder, FlushSpec, IncomingSpec,
    MailSpec, ProcedureKind, ProcedureSpec, RasConfig, Scenario, Schedule, SpoolerConfig,
    TransportConfig, TransportKind, UiAnswer, ValidateSpec, ValidateVia, Via,
};
use spoolsim::scenario::metric_names::{all_metric_names, check_metric_name};
use spoolsim::scenario::parse::*;
use spoolsim::sim::rng::Dist;
use spoolsim::sim::time::{DAY, HOUR, MILLISECOND, MINUTE, SECOND};
use spoolsim::sim::TransportId;

const FULL: &str = r#"name = "flush-dialup-no-ui"
description = "A LAN and a dial-up line, flushed in every way"
seed = 7
until = "2h"

[spooler]
honors_no_ui = false
flush_order = "parallel"

[[transport]]
name = "lan"
kind = "lan"
address_types = ["SMTP", "EX"]
per_message = "20ms"
send = "immediate"
receive = "10m"
supports_flush = true
honors_no_ui = true
failure_rate = 0.25
retry = "5m"
max_retry = "1h 6m 40s"
lifetime = "5d"

[[transport]]
name = "dial-up_2"
kind = "ras"
address_types = ["X400"]
connect = "45s"
per_message = {uniform = ["1s", "3s"]}
send = "30m"
receive = "on-demand"
supports_flush = false
honors_no_ui = true
failure_rate = 1
retry = "1m"
max_retry = "10m"
lifetime = "1d"
idle_hangup = "3m"
ui = "cancel"
ui_delay = "8s"
unattended = true

[[mail]]
at = "0s"
to = "SMTP:bob@example.com"
count = 100
every = "1s"
size = "4KiB"

[[mail]]
at = "1m"
to = "x400:c=us;a=;p=corp;s=smith"
every = {exp = "30s"}
size = 512

[[incoming]]
transport = "dial-up_2"
at = "0s"
count = 20
every = {uniform = ["1m", "5m"]}

[[flush]]
at = "10m"
via = "spooler"
target = "dial-up_2"
flags = ["FLUSH_UPLOAD", "FLUSH_NO_UI"]

[[flush]]
at = "11m"
via = "lan"
flags = ["FLUSH_DOWNLOAD", 0x100]

[[flush]]
at = "12m"
via = "spooler"
flags = 0x12

[[procedure]]
at = "30m"
kind = "flush-all"
flags = ["FLUSH_DOWNLOAD", "FLUSH_NO_UI"]

[[procedure]]
at = "40m"
kind = "flush-each"
flags = ["FLUSH_UPLOAD", "FLUSH_FORCE", "FLUSH_ASYNC_OK"]

[[validate]]
name = "hang-up"
at = "50m"
via = "dial-up_2"
flags = ["FORCE_XP_DISCONNECT", "SUPPRESS_UI", 0x2]

[[validate]]
at = "55m"
via = "addressbook"

[[fault]]
at = "12m"
transport = "lan"
kind = "crash"
down = "5m"

[[fault]]
at = "20m"
transport = "lan"
kind = "offline"
down = "1m 30s"

[[fault]]
at = "25m"
transport = "dial-up_2"
kind = "drop-line"

[expect]
delivered = 100
"ui_prompts.dial-up_2" = 1
connects.dial-up_2 = "<= 2"
"flush.1.result" = "S_OK"
"flush.1.returned_at" = "<= 12m"
flush.2.outcome = "!= MAPI_E_BUSY"
"flush.3.completed_at" = "never"
"procedure.2.result" = "pending"
"latency.outbound.p99" = "< 1h"
"latency.inbound.dial-up_2.max" = "none"
end_time = ">= 1h 30m"
progress_ui.spooler = 0
lost = "== 0"
"procedure.1.delivered" = ">0"
"validate.1.result" = "S_OK"
"#;

fn exp(metric: &str, op: CmpOp, value: ExpectValue) -> Expectation {
    Expectation {
        metric: metric.to_string(),
        op,
        value,
    }
}

#[test]
fn full_scenario_parses_into_exact_model() {
    let parsed = parse_scenario(FULL, "full.toml").unwrap();
    assert_eq!(parsed.warnings, vec![]);
    let s = parsed.scenario;

    let mut lan = TransportConfig::lan("lan", &["SMTP", "EX"]);
    lan.per_message = Dist::Fixed(20 * MILLISECOND);
    lan.failure_rate = 0.25;
    let dialup = TransportConfig {
        name: "dial-up_2".to_string(),
        kind: TransportKind::Ras(RasConfig {
            connect: 45 * SECOND,
            idle_hangup: 3 * MINUTE,
            ui: UiAnswer::Cancel,
            ui_delay: 8 * SECOND,
            unattended: true,
        }),
        address_types: vec!["X400".to_string()],
        per_message: Dist::Uniform(SECOND, 3 * SECOND),
        send: Schedule::Every(30 * MINUTE),
        receive: Schedule::OnDemand,
        supports_flush: false,
        honors_no_ui: true,
        failure_rate: 1.0,
        retry: MINUTE,
        max_retry: 10 * MINUTE,
        lifetime: DAY,
    };
    let flags = |f: &[FlushFlags]| f.iter().fold(FlushFlags::empty(), |a, b| a | *b);
    let expected = Scenario {
        name: "flush-dialup-no-ui".to_string(),
        description: Some("A LAN and a dial-up line, flushed in every way".to_string()),
        seed: 7,
        until: Some(2 * HOUR),
        spooler: SpoolerConfig {
            honors_no_ui: false,
            flush_order: FlushOrder::Parallel,
        },
        transports: vec![lan, dialup],
        mail: vec![
            MailSpec {
                at: 0,
                to: "SMTP:bob@example.com".to_string(),
                count: 100,
                every: Dist::Fixed(SECOND),
                size: 4096,
            },
            MailSpec {
                at: MINUTE,
                to: "x400:c=us;a=;p=corp;s=smith".to_string(),
                count: 1,
                every: Dist::Exp(30 * SECOND),
                size: 512,
            },
        ],
        incoming: vec![IncomingSpec {
            transport: TransportId(1),
            at: 0,
            count: 20,
            every: Dist::Uniform(MINUTE, 5 * MINUTE),
        }],
        flushes: vec![
            FlushSpec {
                at: 10 * MINUTE,
                via: Via::Spooler,
                target: Some(TransportId(1)),
                flags: flags(&[FlushFlags::UPLOAD, FlushFlags::NO_UI]),
                order: 0,
                name: None,
            },
            FlushSpec {
                at: 11 * MINUTE,
                via: Via::Transport(TransportId(0)),
                target: None,
                flags: FlushFlags::from_bits_retain(0x104),
                order: 0,
                name: None,
            },
            FlushSpec {
                at: 12 * MINUTE,
                via: Via::Spooler,
                target: None,
                flags: flags(&[FlushFlags::UPLOAD, FlushFlags::NO_UI]),
                order: 0,
                name: None,
            },
        ],
        procedures: vec![
            ProcedureSpec {
                at: 30 * MINUTE,
                kind: ProcedureKind::FlushAll,
                flags: flags(&[FlushFlags::DOWNLOAD, FlushFlags::NO_UI]),
                order: 0,
                name: None,
            },
            ProcedureSpec {
                at: 40 * MINUTE,
                kind: ProcedureKind::FlushEach,
                flags: flags(&[FlushFlags::UPLOAD, FlushFlags::FORCE, FlushFlags::ASYNC_OK]),
                order: 0,
                name: None,
            },
        ],
        validates: vec![
            ValidateSpec {
                at: 50 * MINUTE,
                via: ValidateVia::Transport(TransportId(1)),
                flags: ValidateFlags::FORCE_XP_DISCONNECT
                    | ValidateFlags::SUPPRESS_UI
                    | ValidateFlags::from_bits_retain(0x2),
                order: 0,
                name: Some("hang-up".into()),
            },
            ValidateSpec {
                at: 55 * MINUTE,
                via: ValidateVia::AddressBook,
                flags: ValidateFlags::empty(),
                order: 0,
                name: None,
            },
        ],
        faults: vec![
            FaultSpec {
                at: 12 * MINUTE,
                transport: TransportId(0),
                kind: FaultKind::Crash,
                down: Some(5 * MINUTE),
            },
            FaultSpec {
                at: 20 * MINUTE,
                transport: TransportId(0),
                kind: FaultKind::Offline,
                down: Some(90 * SECOND),
            },
            FaultSpec {
                at: 25 * MINUTE,
                transport: TransportId(1),
                kind: FaultKind::DropLine,
                down: None,
            },
        ],
        expect: vec![
            exp("delivered", CmpOp::Eq, ExpectValue::Int(100)),
            exp("ui_prompts.dial-up_2", CmpOp::Eq, ExpectValue::Int(1)),
            exp("connects.dial-up_2", CmpOp::Le, ExpectValue::Int(2)),
            exp(
                "flush.1.result",
                CmpOp::Eq,
                ExpectValue::Word("S_OK".into()),
            ),
            exp(
                "flush.1.returned_at",
                CmpOp::Le,
                ExpectValue::Time(12 * MINUTE),
            ),
            exp(
                "flush.2.outcome",
                CmpOp::Ne,
                ExpectValue::Word("MAPI_E_BUSY".into()),
            ),
            exp(
                "flush.3.completed_at",
                CmpOp::Eq,
                ExpectValue::Word("never".into()),
            ),
            exp(
                "procedure.2.result",
                CmpOp::Eq,
                ExpectValue::Word("pending".into()),
            ),
            exp("latency.outbound.p99", CmpOp::Lt, ExpectValue::Time(HOUR)),
            exp(
                "latency.inbound.dial-up_2.max",
                CmpOp::Eq,
                ExpectValue::Word("none".into()),
            ),
            exp("end_time", CmpOp::Ge, ExpectValue::Time(90 * MINUTE)),
            exp("progress_ui.spooler", CmpOp::Eq, ExpectValue::Int(0)),
            exp("lost", CmpOp::Eq, ExpectValue::Int(0)),
            exp("procedure.1.delivered", CmpOp::Gt, ExpectValue::Int(0)),
            exp(
                "validate.1.result",
                CmpOp::Eq,
                ExpectValue::Word("S_OK".into()),
            ),
        ],
    };
    // `order` is the entry's position in the file: check it orders flushes and procedures as
    // written, then compare the rest exactly.
    let mut orders: Vec<(u32, &str)> = s.flushes.iter().map(|f| (f.order, "flush")).collect();
    orders.extend(s.procedures.iter().map(|p| (p.order, "procedure")));
    orders.extend(s.validates.iter().map(|v| (v.order, "validate")));
    orders.sort();
    assert_eq!(
        orders.iter().map(|o| o.1).collect::<Vec<_>>(),
        vec![
            "flush",
            "flush",
            "flush",
            "procedure",
            "procedure",
            "validate",
            "validate"
        ]
    );
    let mut expected = expected;
    for (e, f) in expected.flushes.iter_mut().zip(&s.flushes) {
        e.order = f.order;
    }
    for (e, p) in expected.procedures.iter_mut().zip(&s.procedures) {
        e.order = p.order;
    }
    for (e, v) in expected.validates.iter_mut().zip(&s.validates) {
        e.order = v.order;
    }
    assert_eq!(s, expected);
    for e in &s.expect {
        assert_eq!(check_metric_name(&e.metric, &s), Ok(()));
        assert!(all_metric_names(&s).contains(&e.metric));
    }
}

#[test]
fn defaults_apply_for_lan_and_ras() {
    let text = r#"
name = "defaults"

[[transport]]
name = "lan"
kind = "lan"
address_types = ["SMTP"]

[[transport]]
name = "dialup"
kind = "ras"
address_types = ["X400"]

[[mail]]
at = "1s"
to = "SMTP:a@b"

[[incoming]]
transport = "dialup"
at = "2s"
"#;
    let s = parse_scenario(text, "d.toml").unwrap().scenario;
    assert_eq!(s.seed, 0);
    assert_eq!(s.until, None);
    assert_eq!(s.description, None);
    assert_eq!(
        s.spooler,
        SpoolerConfig {
            honors_no_ui: true,
            flush_order: FlushOrder::Profile
        }
    );
    let lan = TransportConfig::lan("lan", &["SMTP"]);
    let ras = TransportConfig::ras("dialup", &["X400"]);
    assert_eq!(s.transports, vec![lan.clone(), ras.clone()]);
    // The defaults of docs/scenario-format.md, spelled out.
    assert_eq!(lan.per_message, Dist::Fixed(0));
    assert_eq!(
        (lan.send, lan.receive),
        (Schedule::Immediate, Schedule::Every(10 * MINUTE))
    );
    assert_eq!(
        (ras.send, ras.receive),
        (Schedule::OnDemand, Schedule::OnDemand)
    );
    assert!(lan.supports_flush && ras.supports_flush);
    assert!(lan.honors_no_ui && !ras.honors_no_ui);
    assert_eq!(lan.failure_rate, 0.0);
    assert_eq!(
        (lan.retry, lan.max_retry, lan.lifetime),
        (5 * MINUTE, 4000 * SECOND, 5 * DAY)
    );
    assert_eq!(
        ras.ras_config(),
        Some(&RasConfig {
            connect: 30 * SECOND,
            idle_hangup: 2 * MINUTE,
            ui: UiAnswer::Accept,
            ui_delay: 5 * SECOND,
            unattended: false
        })
    );
    assert_eq!(
        s.mail,
        vec![MailSpec {
            at: SECOND,
            to: "SMTP:a@b".into(),
            count: 1,
            every: Dist::Fixed(0),
            size: 2048
        }]
    );
    assert_eq!(
        s.incoming,
        vec![IncomingSpec {
            transport: TransportId(1),
            at: 2 * SECOND,
            count: 1,
            every: Dist::Fixed(0)
        }]
    );
    assert!(s.flushes.is_empty() && s.procedures.is_empty() && s.faults.is_empty());
    assert!(s.expect.is_empty());
}

// ---------------------------------------------------------------------------------------------
// Errors. BASE ends on line 11, so text appended to it starts on line 12.

const BASE: &str = r#"name = "t"

[[transport]]
name = "lan"
kind = "lan"
address_types = ["SMTP"]

[[transport]]
name = "dialup"
kind = "ras"
address_types = ["X400"]
"#;

/// Parses `BASE` + `extra` (or `text` itself when `whole`), expects an error and checks its
/// kind, its `FILE:LINE:COLUMN: key:` prefix and that the message contains every hint.
#[track_caller]
fn check(text: &str, kind: ErrorKind, line: usize, column: usize, key: &str, hints: &[&str]) {
    let e = match parse_scenario(text, "case.toml") {
        Ok(p) => panic!("expected an error, parsed {:#?}", p.scenario),
        Err(e) => e,
    };
    let shown = e.to_string();
    let prefix = if key.is_empty() {
        format!("case.toml:{line}:{column}: ")
    } else {
        format!("case.toml:{line}:{column}: {key}: ")
    };
    assert!(
        shown.starts_with(&prefix),
        "{shown}\n  should start with {prefix}"
    );
    assert_eq!(
        (e.line(), e.column(), e.key()),
        (line, column, key),
        "{shown}"
    );
    assert_eq!(e.kind(), kind, "{shown}");
    assert_eq!(e.file(), "case.toml");
    for h in hints {
        assert!(shown.contains(h), "{shown}\n  should contain {h}");
    }
    // Rendering shows the line with a caret under the column (the first error's block).
    let rendered = e.render(text);
    let first = rendered.split("\n\n").next().unwrap();
    let caret_line = first.lines().last().unwrap();
    let caret = caret_line.chars().position(|c| c == '^').unwrap();
    let bar = caret_line.find('|').unwrap();
    assert_eq!(caret - bar - 2, column - 1, "{first}");
}

fn with(extra: &str) -> String {
    format!("{BASE}{extra}")
}

#[test]
fn error_unknown_key_suggests_the_closest() {
    let text = with("\n[[transport]]\nname = \"x\"\nkind = \"lan\"\naddress_types = [\"FAX\"]\nper_mesage = \"20ms\"\n");
    check(
        &text,
        ErrorKind::UnknownKey,
        17,
        1,
        "transport 3 (x).per_mesage",
        &[
            "unknown key `per_mesage` in [[transport]]",
            "did you mean `per_message`?",
        ],
    );
}

#[test]
fn error_unknown_key_lists_valid_keys_when_nothing_is_close() {
    check(
        &format!("zzzzzz = 1\n{BASE}"),
        ErrorKind::UnknownKey,
        1,
        1,
        "zzzzzz",
        &[
            "unknown key `zzzzzz`",
            "`name`, `description`, `seed`, `until`",
        ],
    );
    check(
        &with("[[transports]]\n"),
        ErrorKind::UnknownKey,
        12,
        3,
        "transports",
        &["did you mean `transport`?"],
    );
}

#[test]
fn error_wrong_type() {
    let text = with("\n[[transport]]\nname = \"x\"\nkind = \"lan\"\naddress_types = [\"FAX\"]\nper_message = 42\n");
    check(
        &text,
        ErrorKind::WrongType,
        17,
        15,
        "transport 3 (x).per_message",
        &[
            "expected a duration like \"20ms\" or {uniform = [\"10ms\", \"50ms\"]} or {exp = \"20ms\"}, found 42 (an integer)",
            "write \"42s\" or \"42ms\"",
        ],
    );
    check(
        "name = true\n",
        ErrorKind::WrongType,
        1,
        8,
        "name",
        &["found true (a boolean)"],
    );
    check(
        &with("[[mail]]\nat = 00:10:00\nto = \"SMTP:a\"\n"),
        ErrorKind::WrongType,
        13,
        6,
        "mail 1.at",
        &["(a time of day)", "quoted strings"],
    );
    check(
        &with("[spooler]\nflush_order = [\"profile\"]\n"),
        ErrorKind::WrongType,
        13,
        15,
        "spooler.flush_order",
        &["expected \"profile\" or \"parallel\", found an array of 1 item"],
    );
    check(
        &with("[mail]\nat = \"1s\"\n"),
        ErrorKind::WrongType,
        12,
        1,
        "mail",
        &["write [[mail]] instead of [mail]"],
    );
}

#[test]
fn error_integer_where_a_duration_belongs() {
    check(
        "name = \"t\"\nuntil = 5\n",
        ErrorKind::WrongType,
        2,
        9,
        "until",
        &["found 5 (an integer)", "write \"5s\""],
    );
}

#[test]
fn error_bad_duration() {
    let text = BASE.replace(
        "address_types = [\"SMTP\"]",
        "address_types = [\"SMTP\"]\nretry = \"5 mins please\"",
    );
    check(
        &text,
        ErrorKind::InvalidValue,
        7,
        9,
        "transport 1 (lan).retry",
        &[
            "expected a duration like \"250ms\"",
            "found \"5 mins please\"",
        ],
    );
    let text = BASE.replace(
        "address_types = [\"SMTP\"]",
        "address_types = [\"SMTP\"]\nretry = \"0s\"",
    );
    check(
        &text,
        ErrorKind::InvalidValue,
        7,
        9,
        "transport 1 (lan).retry",
        &["greater than 0"],
    );
    check(
        &with("[[mail]]\nat = \"1s\"\nto = \"SMTP:a\"\nevery = {uniform = [\"5s\", \"1s\"]}\n"),
        ErrorKind::InvalidValue,
        15,
        20,
        "mail 1.every.uniform",
        &["low <= high", "[\"5s\", \"1s\"]"],
    );
}

#[test]
fn error_sub_microsecond_duration() {
    let text = BASE.replace(
        "address_types = [\"SMTP\"]",
        "address_types = [\"SMTP\"]\nper_message = \"1500ns\"",
    );
    check(
        &text,
        ErrorKind::InvalidValue,
        7,
        15,
        "transport 1 (lan).per_message",
        &["\"1500ns\"", "finer than a microsecond"],
    );
}

#[test]
fn error_duplicate_transport_name() {
    check(
        &with("\n[[transport]]\nname = \"lan\"\nkind = \"lan\"\naddress_types = [\"FAX\"]\n"),
        ErrorKind::Duplicate,
        14,
        8,
        "transport 3 (lan).name",
        &[
            "unique transport name",
            "\"lan\" again",
            "first used on line 4",
        ],
    );
}

#[test]
fn error_bad_transport_name() {
    check(
        &BASE.replace("name = \"lan\"", "name = \"my lan\""),
        ErrorKind::InvalidValue,
        4,
        8,
        "transport 1 (my lan).name",
        &["[A-Za-z0-9_-]+", "found \"my lan\""],
    );
    check(
        &BASE.replace("name = \"lan\"", "name = \"spooler\""),
        ErrorKind::InvalidValue,
        4,
        8,
        "transport 1 (spooler).name",
        &["spooler's own status object"],
    );
}

#[test]
fn error_unknown_flag_name() {
    check(
        &with("[[flush]]\nat = \"1m\"\nvia = \"spooler\"\nflags = [\"FLUSH_UPLOAD\", \"FLUSH_NOUI\"]\n"),
        ErrorKind::UnknownName,
        15,
        26,
        "flush 1.flags #2",
        &["unknown flag \"FLUSH_NOUI\"", "did you mean \"FLUSH_NO_UI\"?"],
    );
    check(
        &with("[[procedure]]\nat = \"1m\"\nkind = \"flush-all\"\nflags = [\"PURGE\"]\n"),
        ErrorKind::UnknownName,
        15,
        10,
        "procedure 1.flags #1",
        &["`FLUSH_UPLOAD`, `FLUSH_DOWNLOAD`", "raw bits"],
    );
    check(
        &with("[[flush]]\nat = \"1m\"\nvia = \"spooler\"\nflags = -1\n"),
        ErrorKind::InvalidValue,
        15,
        9,
        "flush 1.flags",
        &["0 to 0xFFFFFFFF", "found -1"],
    );
}

#[test]
fn error_names_no_transport() {
    check(
        &with("[[flush]]\nat = \"1m\"\nvia = \"lna\"\nflags = []\n"),
        ErrorKind::UnknownName,
        14,
        7,
        "flush 1.via",
        &["no transport is named \"lna\"", "did you mean \"lan\"?"],
    );
    check(
        &with("[[flush]]\nat = \"1m\"\nvia = \"spooler\"\ntarget = \"dialpu\"\nflags = []\n"),
        ErrorKind::UnknownName,
        15,
        10,
        "flush 1.target",
        &["did you mean \"dialup\"?"],
    );
    check(
        &with("[[incoming]]\ntransport = \"zzzzz\"\nat = \"0s\"\n"),
        ErrorKind::UnknownName,
        13,
        13,
        "incoming 1.transport",
        &[
            "no transport is named \"zzzzz\"",
            "expected `lan`, `dialup`",
        ],
    );
    check(
        &with("[[fault]]\nat = \"0s\"\ntransport = \"wan\"\nkind = \"crash\"\ndown = \"1m\"\n"),
        ErrorKind::UnknownName,
        14,
        13,
        "fault 1.transport",
        &["did you mean \"lan\"?"],
    );
}

#[test]
fn error_target_without_via_spooler() {
    check(
        &with("[[flush]]\nat = \"1m\"\nvia = \"lan\"\ntarget = \"dialup\"\nflags = [\"FLUSH_UPLOAD\"]\n"),
        ErrorKind::Conflict,
        15,
        1,
        "flush 1.target",
        &["only goes with via = \"spooler\"", "via = \"lan\""],
    );
}

#[test]
fn error_ras_key_on_lan_transport() {
    let text = BASE.replace(
        "address_types = [\"SMTP\"]",
        "address_types = [\"SMTP\"]\nui = \"accept\"\nconnect = \"45s\"",
    );
    check(
        &text,
        ErrorKind::Conflict,
        7,
        1,
        "transport 1 (lan).ui",
        &["ras transports only", "kind = \"lan\" (line 5)"],
    );
}

#[test]
fn error_fault_without_down() {
    check(
        &with("\n[[fault]]\nat = \"5m\"\ntransport = \"lan\"\nkind = \"offline\"\n"),
        ErrorKind::MissingKey,
        13,
        1,
        "fault 1.down",
        &["down = \"5m\"", "found no `down` in [[fault]]"],
    );
}

#[test]
fn error_drop_line_on_lan() {
    check(
        &with("[[fault]]\nat = \"5m\"\ntransport = \"lan\"\nkind = \"drop-line\"\n"),
        ErrorKind::Conflict,
        15,
        8,
        "fault 1.kind",
        &["kind = \"lan\"", "needs a ras transport"],
    );
    check(
        &with(
            "[[fault]]\nat = \"5m\"\ntransport = \"dialup\"\nkind = \"drop-line\"\ndown = \"1m\"\n",
        ),
        ErrorKind::Conflict,
        16,
        1,
        "fault 1.down",
        &["takes no `down`"],
    );
}

#[test]
fn error_to_without_colon() {
    check(
        &with("[[mail]]\nat = \"0s\"\nto = \"bob@example.com\"\n"),
        ErrorKind::InvalidValue,
        14,
        6,
        "mail 1.to",
        &["\"TYPE:address\"", "no ':'"],
    );
}

#[test]
fn error_unknown_metric() {
    check(
        &with("[expect]\ndeliverd = 1\n"),
        ErrorKind::UnknownMetric,
        13,
        1,
        "expect.deliverd",
        &["unknown metric `deliverd`", "did you mean `delivered`?"],
    );
    check(
        &with("[expect]\nui_prompts.dialpu = 1\n"),
        ErrorKind::UnknownMetric,
        13,
        12,
        "expect.ui_prompts.dialpu",
        &["no transport named `dialpu`", "did you mean `dialup`?"],
    );
}

#[test]
fn error_flush_number_out_of_range() {
    check(
        &with("[[flush]]\nat = \"1m\"\nvia = \"spooler\"\nflags = [\"FLUSH_UPLOAD\"]\n[expect]\n\"flush.2.result\" = \"S_OK\"\n"),
        ErrorKind::UnknownMetric,
        17,
        1,
        "expect.flush.2.result",
        &["out of range", "there is 1 [[flush]] entry, so N must be 1"],
    );
    check(
        &with("[expect]\nprocedure.1.result = \"S_OK\"\n"),
        ErrorKind::UnknownMetric,
        13,
        13,
        "expect.procedure.1.result",
        &["there are no [[procedure]] entries"],
    );
}

#[test]
fn error_failure_rate_out_of_range() {
    let rate = |r: &str| {
        BASE.replace(
            "address_types = [\"SMTP\"]",
            &format!("address_types = [\"SMTP\"]\nfailure_rate = {r}"),
        )
    };
    for (r, found) in [
        ("1.5", "found 1.5 (a float)"),
        ("-0.1", "found -0.1"),
        ("nan", "found nan"),
        ("inf", "found inf"),
        ("2", "found 2 (an integer)"),
    ] {
        check(
            &rate(r),
            ErrorKind::InvalidValue,
            7,
            16,
            "transport 1 (lan).failure_rate",
            &["expected a probability from 0.0 to 1.0", found],
        );
    }
}

#[test]
fn error_limit_messages() {
    check(
        &with("[[mail]]\nat = \"0s\"\nto = \"SMTP:a\"\ncount = 6000000\n[[incoming]]\ntransport = \"lan\"\nat = \"0s\"\ncount = 4000001\n"),
        ErrorKind::Limit,
        19,
        9,
        "incoming 1.count",
        &["at most 10000000 messages", "found 10000001"],
    );
    // A count far beyond u64 is refused by the limit too, not by an overflow.
    check(
        &with("[[mail]]\nat = \"0s\"\nto = \"SMTP:a\"\ncount = 9223372036854775807\n"),
        ErrorKind::Limit,
        15,
        9,
        "mail 1.count",
        &["at most 10000000 messages"],
    );
}

#[test]
fn error_limit_transports() {
    let mut text = String::from("name = \"many\"\n");
    for i in 0..=MAX_TRANSPORTS {
        text.push_str(&format!(
            "[[transport]]\nname = \"t{i}\"\nkind = \"lan\"\naddress_types = [\"SMTP\"]\n"
        ));
    }
    check(
        &text,
        ErrorKind::Limit,
        2 + 4 * MAX_TRANSPORTS,
        1,
        "transport 10001",
        &["at most 10000 transports", "found 10001"],
    );
}

#[test]
fn error_limit_horizon() {
    check(
        &format!("until = \"366d\"\n{BASE}"),
        ErrorKind::Limit,
        1,
        9,
        "until",
        &["at most 365 days (\"365d\")", "found \""],
    );
    assert!(parse_scenario(&format!("until = \"365d\"\n{BASE}"), "x").is_ok());
}

#[test]
fn error_toml_syntax() {
    check(
        &with("[[mail]]\nat = \"0s\nto = \"SMTP:a\"\n"),
        ErrorKind::Syntax,
        13,
        9,
        "",
        &["invalid TOML:"],
    );
    check(
        "name = \"t\"\nname = \"u\"\n",
        ErrorKind::Syntax,
        2,
        1,
        "",
        &["invalid TOML: duplicate key"],
    );
}

#[test]
fn error_empty_file_lacks_name() {
    check(
        "",
        ErrorKind::MissingKey,
        1,
        1,
        "name",
        &["found no `name` in the top level (it is required)"],
    );
    // Pointing where one would add it: the end of the file.
    check(
        "name = \"t\"\n",
        ErrorKind::MissingKey,
        1,
        11,
        "transport",
        &["at least one [[transport]]"],
    );
}

#[test]
fn error_missing_required_keys_point_at_their_section() {
    check(
        &with("\n[[transport]]\nname = \"x\"\naddress_types = [\"FAX\"]\n"),
        ErrorKind::MissingKey,
        13,
        1,
        "transport 3 (x).kind",
        &["kind = \"lan\" or \"ras\""],
    );
    check(
        &with("[[flush]]\nat = \"1m\"\nvia = \"spooler\"\n"),
        ErrorKind::MissingKey,
        12,
        1,
        "flush 1.flags",
        &["flags = [] for none"],
    );
}

#[test]
fn error_bad_counts_and_seeds() {
    check(
        &with("[[mail]]\nat = \"0s\"\nto = \"SMTP:a\"\ncount = -3\n"),
        ErrorKind::InvalidValue,
        15,
        9,
        "mail 1.count",
        &["0 or more, found -3"],
    );
    check(
        &format!("seed = 99999999999999999999999\n{BASE}"),
        ErrorKind::InvalidValue,
        1,
        8,
        "seed",
        &["fits in 64 bits"],
    );
    check(
        &with("[[mail]]\nat = \"0s\"\nto = \"SMTP:a\"\nsize = \"4 KB please\"\n"),
        ErrorKind::InvalidValue,
        15,
        8,
        "mail 1.size",
        &["\"4KiB\""],
    );
}

#[test]
fn error_bad_schedules_and_words() {
    let text = BASE.replace("kind = \"ras\"", "kind = \"ras\"\nreceive = \"immediate\"");
    check(
        &text,
        ErrorKind::InvalidValue,
        11,
        11,
        "transport 2 (dialup).receive",
        &["cannot be immediate", "\"on-demand\""],
    );
    let text = BASE.replace("kind = \"ras\"", "kind = \"ras\"\nsend = \"ondemand\"");
    check(
        &text,
        ErrorKind::InvalidValue,
        11,
        8,
        "transport 2 (dialup).send",
        &["did you mean \"on-demand\"?"],
    );
    let text = BASE.replace("kind = \"ras\"", "kind = \"ras\"\nui = \"acept\"");
    check(
        &text,
        ErrorKind::InvalidValue,
        11,
        6,
        "transport 2 (dialup).ui",
        &[
            "expected \"accept\" or \"cancel\" or \"ignore\"",
            "did you mean \"accept\"?",
        ],
    );
}

#[test]
fn error_bad_expectation_values() {
    check(
        &with("[expect]\ndelivered = true\n"),
        ErrorKind::WrongType,
        13,
        13,
        "expect.delivered",
        &["a count like 3", "found true (a boolean)"],
    );
    check(
        &with("[expect]\nend_time = 600\n"),
        ErrorKind::WrongType,
        13,
        12,
        "expect.end_time",
        &["write \"600s\""],
    );
    check(
        &with("[[flush]]\nat = \"1m\"\nvia = \"spooler\"\nflags = []\n[expect]\nflush.1.result = \"S_KO\"\n"),
        ErrorKind::UnknownName,
        17,
        18,
        "expect.flush.1.result",
        &["unknown result \"S_KO\"", "did you mean \"S_OK\"?"],
    );
    check(
        &with("[expect]\n\"ui_prompts.dialup\" = 1\nui_prompts.dialup = 2\n"),
        ErrorKind::Duplicate,
        14,
        12,
        "expect.ui_prompts.dialup",
        &["first on line 13"],
    );
    check(
        &with("[expect]\n\"latency.outbound.max\" = \"<= 3ns\"\n"),
        ErrorKind::InvalidValue,
        13,
        26,
        "expect.latency.outbound.max",
        &["finer than a microsecond"],
    );
}

// ---------------------------------------------------------------------------------------------

#[test]
fn dotted_and_quoted_expectation_keys_mean_the_same() {
    let a = parse_scenario(&with("[expect]\n\"ui_prompts.dialup\" = 1\n"), "a").unwrap();
    let b = parse_scenario(&with("[expect]\nui_prompts.dialup = 1\n"), "b").unwrap();
    let c = parse_scenario(&with("[expect.ui_prompts]\ndialup = 1\n"), "c").unwrap();
    assert_eq!(a.scenario.expect, b.scenario.expect);
    assert_eq!(a.scenario.expect, c.scenario.expect);
    assert_eq!(a.scenario.expect[0].metric, "ui_prompts.dialup");
}

#[test]
fn expectation_operators() {
    let p = parse_scenario(&with("[expect]\na = 1\n"), "x");
    assert!(p.is_err());
    let text = with(
        "[expect]\nsubmitted = \">= 3\"\ndelivered = \" <=4 \"\nreceived = \"<5\"\nndr = \">6\"\nlost = \"!= 7\"\nconnects = \"8\"\nend_time = \"== 1h\"\n",
    );
    let e = parse_scenario(&text, "x").unwrap().scenario.expect;
    let ops: Vec<_> = e.iter().map(|e| (e.op, e.value.clone())).collect();
    assert_eq!(
        ops,
        vec![
            (CmpOp::Ge, ExpectValue::Int(3)),
            (CmpOp::Le, ExpectValue::Int(4)),
            (CmpOp::Lt, ExpectValue::Int(5)),
            (CmpOp::Gt, ExpectValue::Int(6)),
            (CmpOp::Ne, ExpectValue::Int(7)),
            (CmpOp::Eq, ExpectValue::Int(8)),
            (CmpOp::Eq, ExpectValue::Time(HOUR)),
        ]
    );
}

#[test]
fn warnings_for_unroutable_mail_and_actions_after_until() {
    let text = format!(
        "until = \"1h\"\n{BASE}[[mail]]\nat = \"0s\"\nto = \"FAX:123\"\n[[flush]]\nat = \"2h\"\nvia = \"spooler\"\nflags = [\"FLUSH_UPLOAD\"]\n"
    );
    let p = parse_scenario(&text, "w.toml").unwrap();
    let shown: Vec<String> = p.warnings.iter().map(|w| w.to_string()).collect();
    assert_eq!(p.warnings.len(), 2, "{shown:?}");
    assert_eq!(p.warnings[0].kind, WarningKind::Unroutable);
    assert!(
        shown[0].starts_with("w.toml:15:6: mail 1.to: no transport handles address type \"FAX\""),
        "{}",
        shown[0]
    );
    assert!(shown[0].contains("non-delivery report"));
    assert_eq!(p.warnings[1].kind, WarningKind::AfterHorizon);
    assert!(
        shown[1].starts_with("w.toml:17:6: flush 1.at: at = \"2h\" is after until = \"1h\""),
        "{}",
        shown[1]
    );
    // Without `until`, the 7-day limit of a run is the horizon.
    let p = parse_scenario(
        &with("[[fault]]\nat = \"8d\"\ntransport = \"lan\"\nkind = \"crash\"\ndown = \"1m\"\n"),
        "w",
    )
    .unwrap();
    assert_eq!(p.warnings.len(), 1);
    assert!(p.warnings[0].message.contains("after 7 days"));
}

#[test]
fn render_shows_the_line_and_a_caret() {
    let text = with("\n[[transport]]\nname = \"x\"\nkind = \"lan\"\naddress_types = [\"FAX\"]\nper_message = 42\n");
    let e = parse_scenario(&text, "office.toml").unwrap_err();
    assert_eq!(
        e.render(&text),
        "error: transport 3 (x).per_message: expected a duration like \"20ms\" or \
         {uniform = [\"10ms\", \"50ms\"]} or {exp = \"20ms\"}, found 42 (an integer); durations \
         are quoted strings with a unit: write \"42s\" or \"42ms\"\n  --> office.toml:17:15\n   \
         |\n17 | per_message = 42\n   |               ^^"
    );
}

/// A file with several mistakes, in several sections: each is reported once, in file order,
/// entries numbered from 1 and named where they have a name.
#[test]
fn every_error_of_a_file_is_reported_in_file_order() {
    let text = with(
        "[[mail]]\nat = \"5M\"\nto = \"SMTP:a\"\nsize = \"big\"\n\
         [[flush]]\nname = \"upload\"\nat = \"1m\"\nvia = \"lna\"\nflags = [\"FLUSH_UPLOD\", \"NO_UI\"]\n\
         [[flush]]\nname = \"upload\"\nat = \"2m\"\nvia = \"spooler\"\nflags = []\n\
         [expect]\nflush.upload.resutl = \"S_OK\"\n",
    );
    let e = parse_scenario(&text, "many.toml").unwrap_err();
    let shown: Vec<String> = e.diagnostics().iter().map(|d| d.to_string()).collect();
    let expected = [
        "many.toml:13:6: mail 1.at:",
        "many.toml:15:8: mail 1.size:",
        "many.toml:19:7: flush 1 (upload).via: no transport is named \"lna\"; did you mean \"lan\"?",
        "many.toml:20:10: flush 1 (upload).flags #1: unknown flag \"FLUSH_UPLOD\"",
        "many.toml:20:25: flush 1 (upload).flags #2: unknown flag \"NO_UI\"; did you mean \"FLUSH_NO_UI\"?",
        "many.toml:22:8: flush 2 (upload).name: expected a name no other [[flush]], [[procedure]] or [[validate]] has",
        "many.toml:27:14: expect.flush.upload.resutl: unknown metric",
    ];
    assert_eq!(shown.len(), expected.len(), "{shown:#?}");
    for (s, x) in shown.iter().zip(expected) {
        assert!(s.starts_with(x), "{s}\n  should start with {x}");
    }
    assert!(
        shown[0].contains("did you mean `m` (minutes)?"),
        "{}",
        shown[0]
    );
    assert!(
        shown[6].contains("did you mean `flush.upload.result`?"),
        "{}",
        shown[6]
    );
    assert_eq!(e.count(), 7);
    // Rendered: one `error:` block per mistake, the duplicate pointing at the first use.
    let r = e.render(&text);
    assert_eq!(r.matches("error: ").count(), 7, "{r}");
    assert!(r.contains("first used here"), "{r}");
}

#[test]
fn a_file_with_hundreds_of_errors_reports_the_first_twenty() {
    let mut text = BASE.to_string();
    for i in 0..300 {
        text.push_str(&format!("[[mail]]\nat = \"{i}x\"\nto = \"SMTP:a\"\n"));
    }
    let e = parse_scenario(&text, "lots.toml").unwrap_err();
    assert_eq!(e.diagnostics().len(), 20);
    assert_eq!(e.count(), 300);
    let lines: Vec<usize> = e.diagnostics().iter().map(|d| d.line()).collect();
    assert!(lines.windows(2).all(|w| w[0] < w[1]), "{lines:?}");
    assert_eq!(lines[0], 13);
    assert!(e
        .render(&text)
        .ends_with("280 more errors in lots.toml not shown; fix these first"));
}

#[test]
fn months_and_years_are_input_errors_with_a_hint() {
    for (value, hint) in [
        ("5M", "did you mean `m` (minutes)?"),
        ("1y", "write days instead"),
        ("2 months", "write days instead"),
    ] {
        check(
            &BASE.replace(
                "kind = \"ras\"",
                &format!("kind = \"ras\"\nconnect = \"{value}\""),
            ),
            ErrorKind::InvalidValue,
            11,
            11,
            "transport 2 (dialup).connect",
            &[
                hint,
                "the units are `ns`, `us`, `ms`, `s`, `m`, `h`, `d` and `w`",
            ],
        );
    }
    let e = parse_scenario(
        &BASE.replace("kind = \"ras\"", "kind = \"ras\"\nconnect = \"x\""),
        "h",
    )
    .unwrap_err();
    assert!(!e.to_string().contains("expected number at"), "{e}");
}

#[test]
fn named_flushes_and_procedures() {
    let text = with(
        "[[flush]]\nname = \"morning-upload\"\nat = \"1m\"\nvia = \"spooler\"\nflags = [\"FLUSH_UPLOAD\"]\n\
         [[procedure]]\nname = \"_all\"\nat = \"2m\"\nkind = \"flush-all\"\nflags = [\"FLUSH_UPLOAD\"]\n\
         [expect]\n\"flush.morning-upload.result\" = \"S_OK\"\nprocedure._all.delivered = 0\n",
    );
    let s = parse_scenario(&text, "n").unwrap().scenario;
    assert_eq!(s.flushes[0].name.as_deref(), Some("morning-upload"));
    assert_eq!(s.procedures[0].name.as_deref(), Some("_all"));
    assert_eq!(s.expect[0].metric, "flush.morning-upload.result");
    check(
        &with("[[flush]]\nname = \"3rd\"\nat = \"1m\"\nvia = \"spooler\"\nflags = []\n"),
        ErrorKind::InvalidValue,
        13,
        8,
        "flush 1 (3rd).name",
        &["[A-Za-z_][A-Za-z0-9_-]*", "not starting with a digit"],
    );
    check(
        &with(
            "[[flush]]\nname = \"x\"\nat = \"1m\"\nvia = \"spooler\"\nflags = []\n\
               [[procedure]]\nname = \"x\"\nat = \"1m\"\nkind = \"flush-all\"\nflags = []\n",
        ),
        ErrorKind::Duplicate,
        18,
        8,
        "procedure 1 (x).name",
        &["\"x\" again (first used on line 13)"],
    );
}

#[test]
fn transport_durations_longer_than_the_run_are_warned_about() {
    let text = format!(
        "until = \"1h\"\n{}",
        BASE.replace(
            "kind = \"ras\"",
            "kind = \"ras\"\nconnect = \"2h\"\nper_message = {uniform = [\"1s\", \"3h\"]}\nretry = \"2h\"\nreceive = \"90m\"",
        )
    );
    let p = parse_scenario(&text, "long.toml").unwrap();
    let shown: Vec<String> = p.warnings.iter().map(|w| w.to_string()).collect();
    assert_eq!(shown.len(), 3, "{shown:#?}");
    assert!(p
        .warnings
        .iter()
        .all(|w| w.kind == WarningKind::LongerThanRun));
    assert!(shown[0].starts_with("long.toml:12:11: transport 2 (dialup).connect: \"2h\" is longer than the whole run (until = \"1h\")"), "{}", shown[0]);
    assert!(shown[1].contains("per_message: \"3h\""), "{}", shown[1]);
    assert!(
        shown[2].contains("receive: \"90m\"") && shown[2].contains("no scheduled poll"),
        "{}",
        shown[2]
    );
    // Without `until`, and for defaults, nothing.
    assert!(
        parse_scenario(&text.replacen("until = \"1h\"\n", "", 1), "x")
            .unwrap()
            .warnings
            .is_empty()
    );
}

#[test]
fn load_scenario_reports_unreadable_and_non_utf8_files() {
    let dir = std::env::temp_dir().join(format!("spoolsim-parse-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let missing = dir.join("missing.toml");
    let e = load_scenario(&missing).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Io);
    assert!(e
        .to_string()
        .starts_with(&format!("{}: cannot read the file", missing.display())));

    let bad = dir.join("bad.toml");
    std::fs::write(&bad, b"name = \"t\"\nseed = \xff\n").unwrap();
    let e = load_scenario(&bad).unwrap_err();
    assert_eq!((e.kind(), e.line(), e.column()), (ErrorKind::Io, 2, 8));
    assert!(
        e.to_string()
            .contains("expected UTF-8 text, found the byte 0xFF"),
        "{e}"
    );

    let good = dir.join("good.toml");
    std::fs::write(&good, FULL).unwrap();
    let p = load_scenario(&good).unwrap();
    assert_eq!(p.scenario.name, "flush-dialup-no-ui");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn hostile_inputs_are_errors_not_panics() {
    let deep_arrays = format!("name = {}{}", "[".repeat(100_000), "]".repeat(100_000));
    let deep_tables = format!("[{}]", vec!["a"; 100_000].join("."));
    let deep_expect = format!("{BASE}[expect]\n{} = 1\n", vec!["a"; 70].join("."));
    let long_key = format!("{BASE}{} = 1\n", "k".repeat(1_000_000));
    for text in [
        deep_arrays.as_str(),
        deep_tables.as_str(),
        deep_expect.as_str(),
        long_key.as_str(),
        "\u{feff}",
        "\0\0\0",
        "name = \"t\"\nseed = nan\n",
        "name = \"t\"\nuntil = \"99999999999999999999y\"\n",
        "name = \"\"\n",
    ] {
        let e = parse_scenario(text, "h").unwrap_err();
        assert!(e.render(text).len() < 2_000, "{}", e.render(text).len());
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let text = String::from_utf8_lossy(&bytes);
        if let Err(e) = parse_scenario(&text, "p") {
            let _ = e.render(&text);
        }
    }

    #[test]
    fn mutations_of_a_valid_file_never_panic(
        edits in proptest::collection::vec(
            (any::<proptest::sample::Index>(), 0..3u8, proptest::sample::select(vec![
                "\"", "'", "=", "[", "]", "{", "}", ",", ".", "\n", "#", "-", "0", "9", "0x", "1e9",
                "nan", "inf", "true", ":", "ms", "ns", "s", "d", " ", "é", "999999999999999999999",
                "FLUSH_", "lan", "dial-up_2", "flush.", "<=", "never", "S_OK",
            ])),
            1..8,
        )
    ) {
        let mut text: Vec<char> = FULL.chars().collect();
        for (at, op, piece) in edits {
            let i = at.index(text.len() + 1);
            match op {
                0 => { text.splice(i..i, piece.chars()); }
                1 if i < text.len() => { text.remove(i); }
                _ => {
                    let end = (i + piece.chars().count()).min(text.len());
                    text.splice(i..end, piece.chars());
                }
            }
        }
        let text: String = text.into_iter().collect();
        match parse_scenario(&text, "m") {
            Ok(p) => {
                for w in &p.warnings { let _ = w.to_string(); }
            }
            Err(e) => { let _ = e.render(&text); }
        }
    }
}

// ----- [[validate]] ----------------------------------------------------------------------------

#[test]
fn error_validate_via_names_no_status_object() {
    check(
        &with("[[validate]]\nat = \"1m\"\nvia = \"dialpu\"\n"),
        ErrorKind::UnknownName,
        14,
        7,
        "validate 1.via",
        &[
            "no status object is named \"dialpu\"",
            "\"subsystem\", \"addressbook\", \"spooler\" or a transport's name",
            "did you mean \"dialup\"?",
        ],
    );
    check(
        &with("[[validate]]\nat = \"1m\"\nvia = \"adressbook\"\n"),
        ErrorKind::UnknownName,
        14,
        7,
        "validate 1.via",
        &["did you mean \"addressbook\"?"],
    );
    check(
        &with("[[validate]]\nat = \"1m\"\nflags = []\n"),
        ErrorKind::MissingKey,
        12,
        1,
        "validate 1.via",
        &["via = \"subsystem\", \"addressbook\", \"spooler\" or a transport's name"],
    );
}

#[test]
fn error_validate_flags_are_validate_state_flags() {
    check(
        &with("[[validate]]\nat = \"1m\"\nvia = \"dialup\"\nflags = [\"FORCE_XP_DISCONECT\"]\n"),
        ErrorKind::UnknownName,
        15,
        10,
        "validate 1.flags #1",
        &[
            "unknown flag \"FORCE_XP_DISCONECT\"",
            "did you mean \"FORCE_XP_DISCONNECT\"?",
        ],
    );
    // A FlushQueues flag is no ValidateState flag: the eight are listed.
    check(
        &with("[[validate]]\nat = \"1m\"\nvia = \"dialup\"\nflags = \"FLUSH_UPLOAD\"\n"),
        ErrorKind::UnknownName,
        15,
        9,
        "validate 1.flags",
        &["`SUPPRESS_UI`, `REFRESH_XP_HEADER_CACHE`", "raw bits"],
    );
    check(
        &with("[[validate]]\nat = \"1m\"\nvia = \"dialup\"\nflag = [\"FORCE_XP_CONNECT\"]\n"),
        ErrorKind::UnknownKey,
        15,
        1,
        "validate 1.flag",
        &[
            "unknown key `flag` in [[validate]]",
            "did you mean `flags`?",
        ],
    );
}

#[test]
fn validate_flags_default_to_none_and_raw_bits_are_kept() {
    let p = parse_scenario(
        &with(
            "[[validate]]\nat = \"1m\"\nvia = \"subsystem\"\n\n\
             [[validate]]\nat = \"2m\"\nvia = \"lan\"\nflags = [\"SUPPRESS_UI\", 0x100]\n",
        ),
        "v.toml",
    )
    .unwrap();
    let v = &p.scenario.validates;
    assert_eq!(v[0].via, ValidateVia::Subsystem);
    assert_eq!(v[0].flags, ValidateFlags::empty());
    assert_eq!(v[1].via, ValidateVia::Transport(TransportId(0)));
    assert_eq!(v[1].flags.bits(), 0x101);
}

#[test]
fn error_validate_name_is_unique_among_all_calls() {
    let text = with(
        "[[flush]]\nname = \"go\"\nat = \"1m\"\nvia = \"spooler\"\nflags = [\"FLUSH_UPLOAD\"]\n\n\
         [[validate]]\nname = \"go\"\nat = \"2m\"\nvia = \"dialup\"\n",
    );
    check(
        &text,
        ErrorKind::Duplicate,
        19,
        8,
        "validate 1 (go).name",
        &[
            "no other [[flush]], [[procedure]] or [[validate]] has",
            "first used on line 13",
        ],
    );
}

#[test]
fn error_transport_named_like_a_status_object() {
    for name in ["subsystem", "AddressBook"] {
        let text = format!(
            "name = \"n\"\n[[transport]]\nname = \"{name}\"\nkind = \"lan\"\naddress_types = [\"A\"]\n"
        );
        let e = parse_scenario(&text, "case.toml").unwrap_err();
        let shown = e.to_string();
        assert!(
            shown.contains("names a status object of its own"),
            "{shown}"
        );
        let key = format!("transport 1 ({name}).name");
        assert_eq!((e.line(), e.key()), (3, key.as_str()), "{shown}");
    }
}

#[test]
fn validate_metrics_and_names() {
    let text = with(
        "[[validate]]\nname = \"hang-up\"\nat = \"1m\"\nvia = \"dialup\"\n\n\
         [expect]\n\"validate.hang-up.result\" = \"S_OK\"\n\"validate.1.completed_at\" = \"1m\"\n",
    );
    let s = parse_scenario(&text, "v.toml").unwrap().scenario;
    for name in [
        "validate.1.result",
        "validate.1.returned_at",
        "validate.1.completed_at",
        "validate.1.delivered",
        "validate.1.received",
        "validate.1.prompts",
    ] {
        assert_eq!(check_metric_name(name, &s), Ok(()), "{name}");
        assert!(all_metric_names(&s).contains(&name.to_string()));
    }
    let outcome = check_metric_name("validate.1.outcome", &s).unwrap_err();
    assert!(outcome.contains("expected one of `result`"), "{outcome}");
    let range = check_metric_name("validate.2.result", &s).unwrap_err();
    assert!(range.contains("there is 1 [[validate]] entry"), "{range}");
    let named = check_metric_name("validate.hangup.result", &s).unwrap_err();
    assert!(
        named.contains("did you mean `validate.hang-up`?"),
        "{named}"
    );
    // Expecting one metric twice, once by name and once by number, is an error.
    let twice = with(
        "[[validate]]\nname = \"hang-up\"\nat = \"1m\"\nvia = \"dialup\"\n\n\
         [expect]\n\"validate.hang-up.result\" = \"S_OK\"\n\"validate.1.result\" = \"S_OK\"\n",
    );
    assert!(parse_scenario(&twice, "v.toml").is_err());
}

#[test]
fn a_validate_call_after_the_horizon_warns() {
    let text = format!(
        "until = \"1h\"\n{}",
        with("[[validate]]\nat = \"2h\"\nvia = \"spooler\"\n")
    );
    let p = parse_scenario(&text, "w.toml").unwrap();
    assert_eq!(p.warnings.len(), 1);
    assert_eq!(p.warnings[0].kind, WarningKind::AfterHorizon);
    assert!(p.warnings[0]
        .message
        .contains("so this validate call never happens"));
}
