//! Seed procedure 1: flush every transport's queues in one call through the spooler.
//!
//! `cargo run --example flush_all`

#[path = "support/mod.rs"]
mod setup;

use setup::{at, profile};
use spoolsim::mapi::constants::{status_code_names, MAPI_SPOOLER, RELOP_EQ};
use spoolsim::mapi::tags::{PR_DISPLAY_NAME, PR_ENTRYID, PR_RESOURCE_TYPE};
use spoolsim::mapi::{hr_query_all_rows, FlushFlags, MapiTable, SPropValue, SRestriction};
use spoolsim::report::Outcome;
use spoolsim::scenario::{run_with, RunOptions};
use spoolsim::sim::TransportId;

fn main() {
    let scenario = profile();
    let (run, _) = run_with(&scenario, &RunOptions::default(), |c| async move {
        let session = c.session().clone();
        c.sleep_until(10 * 1_000_000).await;
        // 1. The status table.
        let mut table = session.get_status_table(0).expect("status table");
        println!("{} 1. IMAPISession::GetStatusTable", at(c.now()));
        // 2. SetColumns: PR_ENTRYID and PR_RESOURCE_TYPE.
        table
            .set_columns(&[PR_ENTRYID, PR_RESOURCE_TYPE], 0)
            .expect("columns");
        println!(
            "{} 2. SetColumns(PR_ENTRYID, PR_RESOURCE_TYPE)",
            at(c.now())
        );
        // 3. A property restriction: PR_RESOURCE_TYPE == MAPI_SPOOLER.
        let only_spooler = SRestriction::property(
            RELOP_EQ,
            PR_RESOURCE_TYPE,
            SPropValue::long(PR_RESOURCE_TYPE, MAPI_SPOOLER),
        );
        println!(
            "{} 3. SPropertyRestriction RELOP_EQ PR_RESOURCE_TYPE MAPI_SPOOLER",
            at(c.now())
        );
        // 4. HrQueryAllRows with it.
        let rows = hr_query_all_rows(&mut table, None, Some(&only_spooler), None, 0).expect("rows");
        println!("{} 4. HrQueryAllRows -> {} row(s)", at(c.now()), rows.len());
        // 5. OpenEntry on the row's PR_ENTRYID.
        let entry = rows[0].entry_id().expect("PR_ENTRYID");
        let (_, spooler) = session
            .open_entry(&entry, None, 0)
            .expect("spooler status object");
        let name = spooler.get_props(&[PR_DISPLAY_NAME]).expect("props");
        println!(
            "{} 5. OpenEntry({entry}) -> {:?}",
            at(c.now()),
            name[0].value.as_str().unwrap_or("?")
        );
        // 6. FlushQueues(FLUSH_NO_UI | FLUSH_UPLOAD): returns when every transport is done.
        let flags = FlushFlags::NO_UI | FlushFlags::UPLOAD;
        println!("{} 6. FlushQueues({flags}) called", at(c.now()));
        let result = spooler.flush_queues(0, None, flags).await;
        println!("{}    FlushQueues returned {result}", at(c.now()));
        // 7. Release: the status object, the table and the row set go out of scope here.
        drop((spooler, rows, table));
        println!(
            "{} 7. released the status object, the table and the SRowSet",
            at(c.now())
        );
        for t in TransportId::all(3) {
            let obj = session.transport_status(t).expect("transport");
            let code = obj
                .get_props(&[spoolsim::mapi::tags::PR_STATUS_CODE])
                .unwrap()[0]
                .value
                .as_long()
                .unwrap_or(0);
            println!(
                "           {:<7} PR_STATUS_CODE = {}",
                scenario_name(t),
                status_code_names(code)
            );
        }
    });
    let o = Outcome::new(&scenario, run);
    println!();
    println!(
        "delivered {} of {} (the modem prompted {} time(s) despite FLUSH_NO_UI); {}",
        o.metrics.count_of("delivered"),
        o.metrics.count_of("submitted"),
        o.metrics.count_of("ui_prompts"),
        o.conservation
    );
}

fn scenario_name(t: TransportId) -> &'static str {
    ["lan", "dialup", "legacy"][t.index()]
}
