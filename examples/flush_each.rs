//! Seed procedure 2: flush each transport through its own status object, falling back to the
//! spooler with the transport's entry id where `PR_RESOURCE_METHODS` lacks
//! `STATUS_FLUSH_QUEUES`.
//!
//! `cargo run --example flush_each`

#[path = "support/mod.rs"]
mod setup;

use setup::{at, profile};
use spoolsim::client::procedures::open_spooler;
use spoolsim::mapi::constants::{MAPI_TRANSPORT_PROVIDER, RELOP_EQ, STATUS_FLUSH_QUEUES};
use spoolsim::mapi::tags::{PR_DISPLAY_NAME, PR_ENTRYID, PR_RESOURCE_METHODS, PR_RESOURCE_TYPE};
use spoolsim::mapi::{hr_query_all_rows, FlushFlags, MapiTable, SPropValue, SRestriction};
use spoolsim::report::Outcome;
use spoolsim::scenario::{run_with, RunOptions};

fn main() {
    let scenario = profile();
    let (run, _) = run_with(&scenario, &RunOptions::default(), |c| async move {
        let session = c.session().clone();
        c.sleep_until(10 * 1_000_000).await;
        let mut table = session.get_status_table(0).expect("status table");
        println!("{} 1. IMAPISession::GetStatusTable", at(c.now()));
        table
            .set_columns(&[PR_ENTRYID, PR_RESOURCE_TYPE], 0)
            .expect("columns");
        println!(
            "{} 2. SetColumns(PR_ENTRYID, PR_RESOURCE_TYPE)",
            at(c.now())
        );
        let transports = SRestriction::property(
            RELOP_EQ,
            PR_RESOURCE_TYPE,
            SPropValue::long(PR_RESOURCE_TYPE, MAPI_TRANSPORT_PROVIDER),
        );
        println!(
            "{} 3. SPropertyRestriction RELOP_EQ PR_RESOURCE_TYPE MAPI_TRANSPORT_PROVIDER",
            at(c.now())
        );
        let rows = hr_query_all_rows(&mut table, None, Some(&transports), None, 0).expect("rows");
        println!(
            "{} 4. HrQueryAllRows -> {} transport row(s)",
            at(c.now()),
            rows.len()
        );
        // FLUSH_UPLOAD flushes the outbound queues and FLUSH_DOWNLOAD the inbound ones, as the
        // flag definitions say (the on-demand page has them the other way round in this step;
        // see `FlushFlags::outbound`).
        let flags = FlushFlags::UPLOAD | FlushFlags::DOWNLOAD | FlushFlags::NO_UI;
        for row in rows.iter() {
            let entry = row.entry_id().expect("PR_ENTRYID");
            let (_, obj) = session.open_entry(&entry, None, 0).expect("status object");
            let props = obj
                .get_props(&[PR_DISPLAY_NAME, PR_RESOURCE_METHODS])
                .expect("props");
            let name = props[0].value.as_str().unwrap_or("?").to_string();
            let methods = props[1].value.as_long().unwrap_or(0);
            println!("{} 5.1 OpenEntry -> {name}", at(c.now()));
            let supports = methods & STATUS_FLUSH_QUEUES != 0;
            println!(
                "{} 5.2 PR_RESOURCE_METHODS = {methods:#x}: STATUS_FLUSH_QUEUES {}",
                at(c.now()),
                if supports { "set" } else { "not set" }
            );
            let result = if supports {
                println!("{} 5.3 {name}'s FlushQueues({flags})", at(c.now()));
                obj.flush_queues(0, None, flags).await
            } else {
                let spooler = open_spooler(&session, &mut |_| {}).expect("spooler");
                println!(
                    "{} 5.3 spooler's FlushQueues(lpTargetTransport = {entry}, {flags})",
                    at(c.now())
                );
                spooler.flush_queues(0, Some(&entry), flags).await
            };
            println!("{}     -> {result}", at(c.now()));
        }
        println!(
            "{} 5.4 released the status objects, the table and the SRowSet",
            at(c.now())
        );
    });
    let o = Outcome::new(&scenario, run);
    println!();
    println!(
        "delivered {}, received {}, dial prompts {} (RAS ignores FLUSH_NO_UI); {}",
        o.metrics.count_of("delivered"),
        o.metrics.count_of("received"),
        o.metrics.count_of("ui_prompts"),
        o.conservation
    );
}
