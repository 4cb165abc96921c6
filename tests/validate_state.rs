//! `IMAPIStatus::ValidateState` through the public API: the checks in their order, and what
//! `FORCE_XP_DISCONNECT` and `FORCE_XP_CONNECT` do to a transport, its row and its mail. Each
//! test quotes the line of MAPI's documentation it checks.

mod common;
use common::*;

use spoolsim::mapi::constants::*;
use spoolsim::mapi::tags::*;
use spoolsim::mapi::{hr_query_all_rows, FlushFlags, HResult, PropValue, ValidateFlags};
use spoolsim::scenario::{run_with, RunOptions};
use spoolsim::sim::TransportId;
use spoolsim::trace::{EventKind, Object};

const SECOND: u64 = 1_000_000;

/// A LAN transport and a dial-up transport (10s a message, 30s to connect, 5s to answer).
const TWO: &str = r#"
name = "validate"
[[transport]]
name = "lan"
kind = "lan"
address_types = ["SMTP"]
per_message = "10s"
send = "on-demand"
receive = "5m"
[[transport]]
name = "dialup"
kind = "ras"
address_types = ["X400"]
per_message = "10s"
connect = "30s"
ui_delay = "5s"
"#;

fn full() -> RunOptions {
    RunOptions {
        full_trace: true,
        ..Default::default()
    }
}

fn code_of(session: &spoolsim::client::Session, t: u16) -> u32 {
    let obj = session.transport_status(TransportId(t)).unwrap();
    match &obj.get_props(&[PR_STATUS_CODE]).unwrap()[0].value {
        PropValue::Long(c) => *c as u32,
        other => panic!("PR_STATUS_CODE is {other:?}"),
    }
}

/// MAPI documents `ValidateState` as "required on every status object", returning `S_OK`,
/// `MAPI_E_BUSY` or `MAPI_E_NO_SUPPORT`, with "unknown flags ⇒ `MAPI_E_UNKNOWN_FLAGS`". Every
/// row of the status table advertises `STATUS_VALIDATE_STATE`, and the object each row opens
/// takes an empty call.
#[test]
fn every_status_object_has_validate_state() {
    let s = scenario(TWO);
    let (_, out) = run_with(&s, &full(), |c| async move {
        let session = c.session().clone();
        let mut table = session.get_status_table(0).unwrap();
        let rows = hr_query_all_rows(
            &mut table,
            Some(&[PR_ENTRYID, PR_RESOURCE_METHODS]),
            None,
            None,
            0,
        )
        .unwrap();
        let mut results = Vec::new();
        for row in &rows.rows {
            let methods = row.get(PR_RESOURCE_METHODS).cloned();
            let validate = STATUS_VALIDATE_STATE as i32;
            assert!(matches!(methods, Some(PropValue::Long(m)) if m & validate != 0));
            let Some(PropValue::Binary(id)) = row.get(PR_ENTRYID) else {
                panic!("no entry id")
            };
            let entry = spoolsim::mapi::EntryId(id.clone());
            let (_, obj) = session.open_entry(&entry, None, 0).unwrap();
            results.push((
                obj.object(),
                obj.validate_state(0, ValidateFlags::empty()).await,
            ));
        }
        results
    });
    let results = out.expect("the client finished");
    assert_eq!(results.len(), 5);
    assert!(
        results.iter().all(|(_, r)| *r == HResult::S_OK),
        "{results:?}"
    );
    assert_eq!(results[0].0, Object::Other(0));
    assert_eq!(results[1].0, Object::Other(1));
    assert_eq!(results[2].0, Object::Spooler);
}

/// MAPI documents "unknown flags ⇒ `MAPI_E_UNKNOWN_FLAGS`", and for the header-cache flags
/// "`SHOW_XP_SESSION_UI`: show header UI if any, else `MAPI_E_NO_SUPPORT`"; while a transport is
/// busy "its ValidateState must return `MAPI_E_BUSY`". No object here has a header cache, so the
/// four header flags are refused; the checks come in that order, the first failing one wins.
#[test]
fn the_checks_come_in_order() {
    let s = scenario(TWO);
    let (_, out) = run_with(&s, &full(), |c| async move {
        let session = c.session().clone();
        c.submit("SMTP:bob@example.com", 2, 100);
        let lan = session.transport_status(TransportId(0)).unwrap();
        let spooler = session.spooler_status();
        let flush = tokio::spawn({
            let lan = lan.clone();
            async move { lan.flush_queues(0, None, FlushFlags::UPLOAD).await }
        });
        c.sleep_until(5 * SECOND).await;
        let raw = |b| ValidateFlags::from_bits_retain(b);
        let mut got = vec![
            // Busy, but unknown bits are checked first, then the header-cache flags.
            lan.validate_state(0, raw(0x2) | ValidateFlags::FORCE_XP_DISCONNECT)
                .await,
            lan.validate_state(0, ValidateFlags::SHOW_XP_SESSION_UI)
                .await,
            lan.validate_state(0, ValidateFlags::FORCE_XP_DISCONNECT)
                .await,
            // The spooler is never busy for ValidateState, but refuses the header flags too.
            spooler
                .validate_state(0, ValidateFlags::CONFIG_CHANGED)
                .await,
            spooler
                .validate_state(0, ValidateFlags::REFRESH_XP_HEADER_CACHE)
                .await,
            spooler
                .validate_state(0, ValidateFlags::PROCESS_XP_HEADER_CACHE)
                .await,
            spooler
                .validate_state(0, ValidateFlags::ABORT_XP_HEADER_OPERATION)
                .await,
        ];
        got.push(flush.await.unwrap());
        got
    });
    assert_eq!(
        out.unwrap(),
        vec![
            HResult::MAPI_E_UNKNOWN_FLAGS,
            HResult::MAPI_E_NO_SUPPORT,
            HResult::MAPI_E_BUSY,
            HResult::S_OK,
            HResult::MAPI_E_NO_SUPPORT,
            HResult::MAPI_E_NO_SUPPORT,
            HResult::MAPI_E_NO_SUPPORT,
            // The refused calls changed nothing: the flush delivered both messages.
            HResult::S_OK,
        ]
    );
}

/// MAPI documents "`FORCE_XP_DISCONNECT`: release connection, set OFFLINE, `S_OK`". The dial-up
/// line hangs up at once, the transfer under way fails, the row shows `STATUS_OFFLINE`, and a
/// flush meets the transport offline: its part ends at once with `MAPI_E_NETWORK_ERROR`.
#[test]
fn force_xp_disconnect_hangs_up_now_and_stays_offline() {
    let s = scenario(TWO);
    let (run, out) = run_with(&s, &full(), |c| async move {
        let session = c.session().clone();
        c.submit("X400:c=us;s=smith", 3, 100);
        let dialup = session.transport_status(TransportId(1)).unwrap();
        let flush = tokio::spawn({
            let d = dialup.clone();
            async move { d.flush_queues(0, None, FlushFlags::UPLOAD).await }
        });
        // Prompt 0s, answer 5s, up 35s; 35s..65s delivered: the flush returns at 65s with the
        // line up and idle.
        let flushed = flush.await.unwrap();
        let before = code_of(&session, 1);
        let hang_up = dialup
            .validate_state(0, ValidateFlags::FORCE_XP_DISCONNECT)
            .await;
        let offline = code_of(&session, 1);
        let again = dialup.flush_queues(0, None, FlushFlags::UPLOAD).await;
        (flushed, before, hang_up, offline, again, c.now())
    });
    let (flushed, before, hang_up, offline, again, t) = out.unwrap();
    assert_eq!(flushed, HResult::S_OK);
    assert_eq!(before & STATUS_OFFLINE, 0);
    assert_eq!(hang_up, HResult::S_OK);
    assert_eq!(
        offline & (STATUS_OFFLINE | STATUS_AVAILABLE),
        STATUS_OFFLINE
    );
    assert_eq!(again, HResult::MAPI_E_NETWORK_ERROR);
    assert_eq!(
        t,
        65 * SECOND,
        "the second flush ended at once, at its call"
    );
    let hang_ups: Vec<u64> = run
        .trace
        .events()
        .iter()
        .filter(|e| matches!(e.kind, EventKind::HangUp { .. }))
        .map(|e| e.key.t)
        .collect();
    assert_eq!(hang_ups, vec![65 * SECOND]);
}

/// MAPI documents "`FORCE_XP_DISCONNECT`: release connection" even while mail moves: with an
/// immediate dial-up transport the transfer under way fails at that instant and waits out its
/// back-off, and mail handed over but not started goes back to its queue unmarked.
#[test]
fn force_xp_disconnect_cuts_the_transfer_under_way() {
    let o = outcome(
        r#"
name = "cut"
until = "1h"
[[transport]]
name = "dialup"
kind = "ras"
address_types = ["X400"]
send = "immediate"
per_message = "10s"
connect = "30s"
ui_delay = "5s"
[[mail]]
at = "0s"
to = "X400:c=us;s=smith"
count = 3
[[validate]]
at = "50s"
via = "dialup"
flags = ["FORCE_XP_DISCONNECT"]
"#,
    );
    let failed: Vec<(u64, u32)> = o
        .run
        .trace
        .events()
        .iter()
        .filter_map(|e| match e.kind {
            EventKind::AttemptFailed { msg, .. } => Some((e.key.t, msg.0)),
            _ => None,
        })
        .collect();
    assert_eq!(failed, vec![(50 * SECOND, 1)]);
    assert_eq!(m(&o, "delivered"), "1");
    assert_eq!(m(&o, "queued_outbound"), "2");
    assert_eq!(m(&o, "validate.1.result"), "S_OK");
    // Causal order at 50s: the call, its return, the failed attempt, the hang-up, the row.
    let at_50: Vec<&str> = o
        .run
        .trace
        .events()
        .iter()
        .filter(|e| e.key.t == 50 * SECOND)
        .map(|e| match e.kind {
            EventKind::ValidateCall { .. } => "call",
            EventKind::ValidateReturn { .. } => "return",
            EventKind::AttemptFailed { .. } => "failed",
            EventKind::HangUp { .. } => "hang-up",
            EventKind::StatusChange { .. } => "status",
            _ => "other",
        })
        .collect();
    assert_eq!(at_50, ["call", "return", "failed", "hang-up", "status"]);
}

/// MAPI documents "`FORCE_XP_CONNECT`: ... set the bits that make the spooler start a flush,
/// ... clear OFFLINE, `S_OK`". The call returns at once; the spooler flushes the transport, a
/// dial-up one prompts, and while that flush runs the transport is busy for both `FlushQueues`
/// and `ValidateState`.
#[test]
fn force_xp_connect_starts_a_flush_that_prompts() {
    let s = scenario(TWO);
    let (run, out) = run_with(&s, &full(), |c| async move {
        let session = c.session().clone();
        c.submit("X400:c=us;s=smith", 2, 100);
        let dialup = session.transport_status(TransportId(1)).unwrap();
        c.sleep_until(SECOND).await;
        let connect = dialup
            .validate_state(0, ValidateFlags::FORCE_XP_CONNECT)
            .await;
        let returned_at = c.now();
        c.sleep_until(10 * SECOND).await;
        let busy_validate = dialup
            .validate_state(0, ValidateFlags::FORCE_XP_DISCONNECT)
            .await;
        let busy_flush = dialup.flush_queues(0, None, FlushFlags::UPLOAD).await;
        // Prompt 1s, answer 6s, up 36s, 36s..56s delivered; the flush ends at 56s.
        c.sleep_until(56 * SECOND).await;
        let free = dialup.validate_state(0, ValidateFlags::SUPPRESS_UI).await;
        (connect, returned_at, busy_validate, busy_flush, free)
    });
    assert_eq!(
        out.unwrap(),
        (
            HResult::S_OK,
            SECOND,
            HResult::MAPI_E_BUSY,
            HResult::MAPI_E_BUSY,
            HResult::S_OK
        )
    );
    let started = run.trace.events().iter().find_map(|e| match e.kind {
        EventKind::FlushCall {
            object,
            target,
            flags,
            ..
        } if e.key.t == SECOND => Some((object, target, flags)),
        _ => None,
    });
    let both = (FlushFlags::UPLOAD | FlushFlags::DOWNLOAD).bits();
    assert_eq!(started, Some((Object::Spooler, Some(TransportId(1)), both)));
    let prompts = run.trace.counts()[1].prompts;
    assert_eq!(prompts, 1);
    let complete = run.trace.events().iter().find_map(|e| match e.kind {
        EventKind::FlushComplete { flush, outcome } if flush.0 == 1 => Some((e.key.t, outcome)),
        _ => None,
    });
    assert_eq!(complete, Some((56 * SECOND, HResult::S_OK)));
}

/// The offline state `FORCE_XP_DISCONNECT` leaves is apart from an `offline` fault: the end of
/// the fault's spell does not bring the transport back, and its polls are skipped (and not made
/// up) until `FORCE_XP_CONNECT`, which downloads what waited.
#[test]
fn offline_by_validate_outlasts_an_offline_fault() {
    let o = outcome(
        r#"
name = "both-offline"
until = "20m"
[[transport]]
name = "lan"
kind = "lan"
address_types = ["SMTP"]
per_message = "1s"
receive = "5m"
[[incoming]]
transport = "lan"
at = "1m"
count = 2
[[fault]]
at = "1m"
transport = "lan"
kind = "offline"
down = "2m"
[[validate]]
at = "2m"
via = "lan"
flags = ["FORCE_XP_DISCONNECT"]
[[validate]]
name = "back"
at = "12m"
via = "lan"
flags = ["FORCE_XP_CONNECT"]
"#,
    );
    let skipped: Vec<u64> = o
        .run
        .trace
        .events()
        .iter()
        .filter(|e| matches!(e.kind, EventKind::ScheduleSkipped { inbound: true, .. }))
        .map(|e| e.key.t)
        .collect();
    assert_eq!(skipped, vec![5 * 60 * SECOND, 10 * 60 * SECOND]);
    // At 12m the flush downloads both (12m 1s, 12m 2s); the 15m poll finds nothing.
    assert_eq!(m(&o, "validate.2.completed_at"), "12m 2s");
    assert_eq!(m(&o, "validate.2.received"), "2");
    assert_eq!(m(&o, "received"), "2");
    assert_eq!(m(&o, "progress_ui.lan"), "1");
}

/// Validate calls are part of the same seed-for-seed determinism as the rest of a run: two
/// runs of the scenario library's validate scenarios give the same trace.
#[test]
fn validate_runs_are_deterministic() {
    for name in [
        "validate-connect-starts-flush",
        "validate-disconnect-mid-transfer",
        "validate-flush-meets-offline",
    ] {
        let path = format!("{}/sim-scenarios/{name}.toml", env!("CARGO_MANIFEST_DIR"));
        let s = spoolsim::scenario::load_scenario(std::path::Path::new(&path))
            .unwrap()
            .scenario;
        let a = spoolsim::scenario::run(&s, &full());
        let b = spoolsim::scenario::run(&s, &full());
        assert_eq!(a.trace.events(), b.trace.events(), "{name}");
    }
}

/// Flushes, procedures and validate calls at one instant are made in file order between them:
/// a disconnect written before a flush makes the flush meet the transport offline; written
/// after, it finds the transport busy with that flush.
#[test]
fn at_one_instant_validate_calls_and_flushes_go_in_file_order() {
    let base = r#"
name = "order"
[[transport]]
name = "lan"
kind = "lan"
address_types = ["SMTP"]
per_message = "1s"
send = "on-demand"
receive = "on-demand"
[[mail]]
at = "0s"
to = "SMTP:bob@example.com"
"#;
    let validate = "[[validate]]\nat = \"1m\"\nvia = \"lan\"\nflags = [\"FORCE_XP_DISCONNECT\"]\n";
    let flush = "[[flush]]\nat = \"1m\"\nvia = \"lan\"\nflags = [\"FLUSH_UPLOAD\"]\n";
    let before = outcome(&format!("{base}{validate}{flush}"));
    assert_eq!(m(&before, "validate.1.result"), "S_OK");
    assert_eq!(m(&before, "flush.1.result"), "MAPI_E_NETWORK_ERROR");
    assert_eq!(m(&before, "flush.1.returned_at"), "1m");
    assert_eq!(m(&before, "delivered"), "0");
    let after = outcome(&format!("{base}{flush}{validate}"));
    assert_eq!(m(&after, "flush.1.result"), "S_OK");
    assert_eq!(m(&after, "flush.1.returned_at"), "1m 1s");
    assert_eq!(m(&after, "validate.1.result"), "MAPI_E_BUSY");
    assert_eq!(m(&after, "delivered"), "1");
}
