//! The MAPI surface of the seed procedures: the status table, restrictions, `OpenEntry`,
//! status objects, live status codes and row notifications.

mod common;
use common::*;

use spoolsim::client::procedures;
use spoolsim::mapi::constants::*;
use spoolsim::mapi::tags::*;
use spoolsim::mapi::{hr_query_all_rows, FlushFlags, HResult, MapiTable, SPropValue, SRestriction};
use spoolsim::report::Outcome;
use spoolsim::scenario::{run_with, RunOptions};
use spoolsim::sim::TransportId;
use spoolsim::trace::Origin;
use tokio_stream::StreamExt;

const PROFILE: &str = r#"
name = "profile"
[[transport]]
name = "lan"
kind = "lan"
address_types = ["SMTP"]
per_message = "1s"
send = "on-demand"
[[transport]]
name = "dialup"
kind = "ras"
address_types = ["X400"]
per_message = "2s"
connect = "30s"
ui_delay = "5s"
[[transport]]
name = "legacy"
kind = "lan"
address_types = ["MSMAIL"]
per_message = "1s"
send = "on-demand"
supports_flush = false
[[mail]]
at = "0s"
to = "SMTP:a"
count = 2
[[mail]]
at = "0s"
to = "X400:b"
count = 1
[[mail]]
at = "0s"
to = "MSMAIL:c"
count = 2
"#;

#[test]
fn status_table_rows_and_restrictions() {
    let s = scenario(PROFILE);
    let (_, out) = run_with(&s, &RunOptions::default(), |c| async move {
        let session = c.session().clone();
        let mut table = session.get_status_table(0).unwrap();
        assert_eq!(
            session.get_status_table(0x1).err(),
            Some(HResult::MAPI_E_UNKNOWN_FLAGS)
        );
        // All rows: subsystem, address book, spooler, three transports.
        let all = hr_query_all_rows(&mut table, None, None, None, 0).unwrap();
        assert_eq!(all.len(), 6);
        let types: Vec<u32> = all
            .iter()
            .map(|r| r.long(PR_RESOURCE_TYPE).unwrap())
            .collect();
        assert_eq!(
            types,
            vec![MAPI_SUBSYSTEM, MAPI_AB, MAPI_SPOOLER, 36, 36, 36]
        );
        let methods: Vec<u32> = all
            .iter()
            .map(|r| r.long(PR_RESOURCE_METHODS).unwrap())
            .collect();
        assert_eq!(methods, vec![1, 1, 9, 9, 9, 1]);
        assert_eq!(all[3].string(PR_DISPLAY_NAME), Some("lan"));
        assert_eq!(
            all[4].long(PR_STATUS_CODE),
            Some(STATUS_AVAILABLE | STATUS_REMOTE_ACCESS)
        );
        assert_eq!(all[5].long(PR_STATUS_CODE), Some(STATUS_AVAILABLE));
        assert!(all
            .iter()
            .all(|r| r.long(PR_OBJECT_TYPE) == Some(MAPI_STATUS)));
        // Entry ids are deterministic and distinct.
        let ids: std::collections::BTreeSet<_> =
            all.iter().map(|r| r.entry_id().unwrap()).collect();
        assert_eq!(ids.len(), 6);

        // SetColumns + restriction on MAPI_TRANSPORT_PROVIDER, as procedure 2.
        table
            .set_columns(&[PR_ENTRYID, PR_RESOURCE_TYPE], 0)
            .unwrap();
        let r = SRestriction::property(
            RELOP_EQ,
            PR_RESOURCE_TYPE,
            SPropValue::long(PR_RESOURCE_TYPE, MAPI_TRANSPORT_PROVIDER),
        );
        let rows = hr_query_all_rows(&mut table, None, Some(&r), None, 0).unwrap();
        assert_eq!(rows.len(), 3);
        assert!(rows.iter().all(|r| r.props.len() == 2));
        assert_eq!(
            hr_query_all_rows(&mut table, None, Some(&r), None, 2).err(),
            Some(HResult::MAPI_E_TABLE_TOO_BIG)
        );
        // Every relational operator against the resource type.
        for (relop, expect) in [
            // types: subsystem 39, address book 34, spooler 37, transports 36 × 3
            (RELOP_LT, 4),
            (RELOP_LE, 5),
            (RELOP_GT, 1),
            (RELOP_GE, 2),
            (RELOP_NE, 5),
            (RELOP_EQ, 1),
        ] {
            let r = SRestriction::property(
                relop,
                PR_RESOURCE_TYPE,
                SPropValue::long(PR_RESOURCE_TYPE, MAPI_SPOOLER),
            );
            let n = hr_query_all_rows(&mut table, None, Some(&r), None, 0)
                .unwrap()
                .len();
            assert_eq!(n, expect, "relop {relop}");
        }
        // A mismatched property type is too complex.
        let bad = SRestriction::property(
            RELOP_EQ,
            PR_RESOURCE_TYPE,
            SPropValue::string(PR_DISPLAY_NAME, "x"),
        );
        assert_eq!(
            table.restrict(Some(bad), 0).err(),
            Some(HResult::MAPI_E_TOO_COMPLEX)
        );

        // OpenEntry on each kind of row.
        let spooler = procedures::open_spooler(&session, &mut |_| {}).unwrap();
        assert!(spooler.supports_flush());
        let (_, legacy) = session
            .open_entry(&all[5].entry_id().unwrap(), None, 0)
            .unwrap();
        assert!(!legacy.supports_flush());
        let props = legacy
            .get_props(&[PR_RESOURCE_METHODS, PR_IDENTITY_DISPLAY])
            .unwrap();
        assert_eq!(props[0].value.as_long(), Some(STATUS_VALIDATE_STATE));
        assert_eq!(prop_type(props[1].tag), PT_ERROR);
        assert_eq!(
            session
                .open_entry(&spoolsim::mapi::EntryId(vec![1, 2, 3]), None, 0)
                .err(),
            Some(HResult::MAPI_E_INVALID_ENTRYID)
        );
        // The subsystem's status object has no FlushQueues.
        let (_, subsystem) = session
            .open_entry(&all[0].entry_id().unwrap(), None, 0)
            .unwrap();
        assert_eq!(
            subsystem.flush_queues(0, None, FlushFlags::UPLOAD).await,
            HResult::MAPI_E_NO_SUPPORT
        );
        // A target that names no transport, on the spooler.
        assert_eq!(
            spooler
                .flush_queues(0, Some(&all[1].entry_id().unwrap()), FlushFlags::UPLOAD)
                .await,
            HResult::MAPI_E_INVALID_ENTRYID
        );
        "done"
    });
    assert_eq!(out, Some("done"));
}

#[test]
fn status_codes_are_live_during_a_flush_and_notified() {
    let s = scenario(PROFILE);
    let (run, out) = run_with(&s, &RunOptions::default(), |c| async move {
        let session = c.session().clone();
        let table = session.get_status_table(0).unwrap();
        let notes = table.notifications();
        c.sleep_until(10_000_000).await;
        let lan = session.transport_status(TransportId(0)).unwrap();
        let watcher = {
            let c = c.clone();
            let session = session.clone();
            tokio::spawn(async move {
                // One second into the flush the lan row shows STATUS_OUTBOUND_FLUSH.
                c.sleep_until(11_000_000).await;
                let mut t = session.get_status_table(0).unwrap();
                let rows = hr_query_all_rows(
                    &mut t,
                    Some(&[PR_DISPLAY_NAME, PR_STATUS_CODE]),
                    None,
                    None,
                    0,
                )
                .unwrap();
                rows[3].long(PR_STATUS_CODE).unwrap()
            })
        };
        let r = lan
            .flush_queues(0, None, FlushFlags::UPLOAD | FlushFlags::DOWNLOAD)
            .await;
        let during = watcher.await.unwrap();
        let after = session
            .transport_status(TransportId(0))
            .unwrap()
            .get_props(&[PR_STATUS_CODE])
            .unwrap()[0]
            .value
            .as_long()
            .unwrap();
        let changes: Vec<(u64, u32)> = notes
            .take(4)
            .map(|n| {
                assert_eq!(n.table_event, TABLE_ROW_MODIFIED);
                (n.at, n.row.long(PR_STATUS_CODE).unwrap())
            })
            .collect()
            .await;
        (r, c.now(), during, after, changes)
    });
    let (r, returned, during, after, changes) = out.expect("client finished");
    assert_eq!(r, HResult::S_OK);
    assert_eq!(returned, 12_000_000);
    assert_eq!(during, STATUS_AVAILABLE | STATUS_OUTBOUND_FLUSH);
    assert_eq!(after, STATUS_AVAILABLE);
    assert_eq!(
        changes,
        vec![
            (10_000_000, STATUS_AVAILABLE | STATUS_OUTBOUND_FLUSH),
            (12_000_000, STATUS_AVAILABLE),
            (12_000_000, STATUS_AVAILABLE | STATUS_INBOUND_FLUSH),
            (12_000_000, STATUS_AVAILABLE),
        ]
    );
    assert_eq!(run.trace.counts()[0].delivered, 2);
}

#[test]
fn seed_procedure_1_flushes_every_transport_through_the_spooler() {
    let s = scenario(&format!(
        "{PROFILE}\n[[procedure]]\nat = \"10s\"\nkind = \"flush-all\"\nflags = [\"FLUSH_NO_UI\", \"FLUSH_UPLOAD\"]\n"
    ));
    let o = Outcome::new(&s, spoolsim::scenario::run(&s, &RunOptions::default()));
    // lan 10..12, dialup prompt 12, answer 17, up 47, 47..49, legacy 49..51.
    assert_eq!(m(&o, "procedure.1.result"), "S_OK");
    assert_eq!(t(&o, "procedure.1.returned_at"), d("51s"));
    assert_eq!(n(&o, "procedure.1.delivered"), 5);
    assert_eq!(n(&o, "procedure.1.prompts"), 1);
    assert_eq!(n(&o, "progress_ui"), 0);
}

#[test]
fn seed_procedure_2_falls_back_to_the_spooler_for_a_transport_without_flush() {
    let s = scenario(&format!(
        "{PROFILE}\n[[procedure]]\nat = \"10s\"\nkind = \"flush-each\"\nflags = [\"FLUSH_UPLOAD\"]\n"
    ));
    let r = spoolsim::scenario::run(&s, &RunOptions::default());
    let calls = spoolsim::scenario::metrics::flushes(&r);
    let o = Outcome::new(&s, r);
    assert_eq!(calls.len(), 3);
    use spoolsim::trace::Object;
    assert_eq!(
        (calls[0].object, calls[0].target),
        (Object::Transport(TransportId(0)), None)
    );
    assert_eq!(
        (calls[1].object, calls[1].target),
        (Object::Transport(TransportId(1)), None)
    );
    // The legacy transport lacks STATUS_FLUSH_QUEUES: the spooler with its entry id.
    assert_eq!(
        (calls[2].object, calls[2].target),
        (Object::Spooler, Some(TransportId(2)))
    );
    assert!(calls.iter().all(|c| c.origin == Origin::Procedure(1)));
    assert_eq!(calls[2].returned.unwrap().0, 51_000_000);
    assert_eq!(m(&o, "procedure.1.result"), "S_OK");
    assert_eq!(n(&o, "procedure.1.delivered"), 5);
    // Without FLUSH_NO_UI: each called object shows progress (the spooler for the fallback).
    assert_eq!(n(&o, "progress_ui.lan"), 1);
    assert_eq!(n(&o, "progress_ui.dialup"), 1);
    assert_eq!(n(&o, "progress_ui.spooler"), 1);
}
