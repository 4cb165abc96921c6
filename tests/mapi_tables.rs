//! The status table as a MAPI programmer drives it: `HrQueryAllRows`, `MAPI_UNICODE`,
//! `PT_LONG` signedness, `OpenEntry`, `QueryColumns`, `FindRow`, `GetRowCount`,
//! `QueryPosition` and `QuerySortOrder`. Each test names the documented behaviour it checks.

mod common;
use common::*;

use spoolsim::client::session::{Session, StatusTable};
use spoolsim::mapi::constants::*;
use spoolsim::mapi::tags::*;
use spoolsim::mapi::{
    hr_query_all_rows, HResult, MapiTable, PropValue, SPropValue, SRestriction, SRowSet,
    SSortOrder, SSortOrderSet, TablePosition,
};
use spoolsim::scenario::{run_with, RunOptions};
use spoolsim::spooler::status::entry_id;

/// Subsystem, address book, spooler, then transports lan (row 3), dialup (4), legacy (5).
const PROFILE: &str = r#"
name = "profile"
[[transport]]
name = "lan"
kind = "lan"
address_types = ["SMTP"]
per_message = "1s"
[[transport]]
name = "dialup"
kind = "ras"
address_types = ["X400"]
per_message = "2s"
connect = "30s"
[[transport]]
name = "legacy"
kind = "lan"
address_types = ["MSMAIL"]
per_message = "1s"
supports_flush = false
"#;

/// Runs `check` against a session of [`PROFILE`] at time zero.
fn with_session(check: fn(Session)) {
    let s = scenario(PROFILE);
    let (_, out) = run_with(&s, &RunOptions::default(), move |c| async move {
        check(c.session().clone());
        "checked"
    });
    assert_eq!(out, Some("checked"));
}

fn rows(set: &SRowSet) -> Vec<u32> {
    set.iter().map(|r| r.long(PR_ROWID).unwrap()).collect()
}

fn resource_type_is(kind: u32) -> SRestriction {
    SRestriction::property(
        RELOP_EQ,
        PR_RESOURCE_TYPE,
        SPropValue::long(PR_RESOURCE_TYPE, kind),
    )
}

fn name_is(tag: PropTag, constant: SPropValue) -> SRestriction {
    SRestriction::property(RELOP_EQ, tag, constant)
}

/// MAPI documents `HrQueryAllRows` as: a NULL property tag array uses the table's current
/// column set; a NULL restriction means no restriction; a NULL sort order means the table's
/// default sort order.
#[test]
fn hr_query_all_rows_defaults_clear_earlier_restriction_and_sort() {
    with_session(|session| {
        let mut table = session.get_status_table(0).unwrap();
        let spooler = resource_type_is(MAPI_SPOOLER);
        let one = hr_query_all_rows(&mut table, None, Some(&spooler), None, 0).unwrap();
        assert_eq!(rows(&one), [2]);
        let all = hr_query_all_rows(&mut table, None, None, None, 0).unwrap();
        assert_eq!(rows(&all), [0, 1, 2, 3, 4, 5], "no restriction: every row");

        let by_type = SSortOrderSet(vec![SSortOrder::descending(PR_RESOURCE_TYPE)]);
        let sorted = hr_query_all_rows(&mut table, None, None, Some(&by_type), 0).unwrap();
        // MAPI_SUBSYSTEM 39, MAPI_SPOOLER 37, transports 36, MAPI_AB 34.
        assert_eq!(rows(&sorted), [0, 2, 3, 4, 5, 1]);
        let natural = hr_query_all_rows(&mut table, None, None, None, 0).unwrap();
        assert_eq!(
            rows(&natural),
            [0, 1, 2, 3, 4, 5],
            "no sort order: default order"
        );

        table.set_columns(&[PR_ROWID, PR_STATUS_CODE], 0).unwrap();
        let current = hr_query_all_rows(&mut table, None, None, None, 0).unwrap();
        assert!(
            current.iter().all(|r| r.props.len() == 2),
            "current columns"
        );
    });
}

/// MAPI documents `IMAPISession::GetStatusTable`'s `MAPI_UNICODE` flag as making the
/// table's string columns Unicode; without it they are 8-bit strings (`PT_STRING8`).
#[test]
fn mapi_unicode_selects_the_string_width() {
    with_session(|session| {
        let eight_bit = session.get_status_table(0).unwrap();
        let unicode = session.get_status_table(MAPI_UNICODE).unwrap();
        assert!(!eight_bit.is_unicode() && unicode.is_unicode());
        let cols_a = eight_bit.query_columns(TBL_ALL_COLUMNS).unwrap();
        let cols_w = unicode.query_columns(TBL_ALL_COLUMNS).unwrap();
        for (a, w) in [
            (PR_DISPLAY_NAME_A, PR_DISPLAY_NAME_W),
            (PR_STATUS_STRING_A, PR_STATUS_STRING_W),
            (PR_PROVIDER_DISPLAY_A, PR_PROVIDER_DISPLAY_W),
            (PR_PROVIDER_DLL_NAME_A, PR_PROVIDER_DLL_NAME_W),
        ] {
            assert!(cols_a.contains(&a) && !cols_a.contains(&w));
            assert!(cols_w.contains(&w) && !cols_w.contains(&a));
        }
        let row_tags = |mut t: StatusTable| -> Vec<PropTag> {
            let all = hr_query_all_rows(&mut t, None, None, None, 0).unwrap();
            all[3].props.iter().map(|p| p.tag).collect()
        };
        assert_eq!(row_tags(eight_bit), cols_a);
        assert_eq!(row_tags(unicode), cols_w);
        // GetProps on the object converts to the width asked for.
        let (_, lan) = session.open_entry(&entry_id(3), None, 0).unwrap();
        let props = lan
            .get_props(&[PR_DISPLAY_NAME_A, PR_DISPLAY_NAME_W])
            .unwrap();
        assert_eq!(props[0], SPropValue::string(PR_DISPLAY_NAME_A, "lan"));
        assert_eq!(props[1], SPropValue::string(PR_DISPLAY_NAME_W, "lan"));
    });
}

/// MAPI documents for a property restriction that the constant's property type must match
/// the column's, or the restriction fails with `MAPI_E_TOO_COMPLEX`. An 8-bit and a Unicode
/// string are two property types, and a column is looked up by its tag, type included.
#[test]
fn restrictions_treat_eight_bit_and_unicode_strings_as_different_types() {
    with_session(|session| {
        let mut eight_bit = session.get_status_table(0).unwrap();
        let lan_a = SPropValue::string(PR_DISPLAY_NAME_A, "lan");
        let lan_w = SPropValue::string(PR_DISPLAY_NAME_W, "lan");
        let found = hr_query_all_rows(
            &mut eight_bit,
            None,
            Some(&name_is(PR_DISPLAY_NAME_A, lan_a.clone())),
            None,
            0,
        )
        .unwrap();
        assert_eq!(rows(&found), [3]);
        // Mixed widths: a type mismatch.
        assert_eq!(
            eight_bit
                .restrict(Some(name_is(PR_DISPLAY_NAME_W, lan_a.clone())), 0)
                .err(),
            Some(HResult::MAPI_E_TOO_COMPLEX)
        );
        assert_eq!(
            eight_bit
                .find_row(
                    &name_is(PR_DISPLAY_NAME_A, lan_w.clone()),
                    BOOKMARK_BEGINNING,
                    0
                )
                .err(),
            Some(HResult::MAPI_E_TOO_COMPLEX)
        );
        // A Unicode restriction on an 8-bit table names a column its rows do not have.
        let none = hr_query_all_rows(
            &mut eight_bit,
            None,
            Some(&name_is(PR_DISPLAY_NAME_W, lan_w.clone())),
            None,
            0,
        )
        .unwrap();
        assert!(none.is_empty());
        // ... and as a column it is undefined in every row.
        eight_bit.set_columns(&[PR_DISPLAY_NAME_W], 0).unwrap();
        let cells = hr_query_all_rows(&mut eight_bit, None, None, None, 0).unwrap();
        assert!(cells.iter().all(|r| r.props == [SPropValue::null()]));

        let mut unicode = session.get_status_table(MAPI_UNICODE).unwrap();
        let found = hr_query_all_rows(
            &mut unicode,
            None,
            Some(&name_is(PR_DISPLAY_NAME_W, lan_w)),
            None,
            0,
        )
        .unwrap();
        assert_eq!(rows(&found), [3]);
        let none = hr_query_all_rows(
            &mut unicode,
            None,
            Some(&name_is(PR_DISPLAY_NAME_A, lan_a)),
            None,
            0,
        )
        .unwrap();
        assert!(none.is_empty());
    });
}

/// MAPI documents `PT_LONG` as a signed 32-bit `LONG`: compared with 0x80000000 (the most
/// negative value), every status code is greater.
#[test]
fn pt_long_compares_as_signed_in_the_table() {
    with_session(|session| {
        let mut table = session.get_status_table(0).unwrap();
        let code = |relop| {
            SRestriction::property(
                relop,
                PR_STATUS_CODE,
                SPropValue::long(PR_STATUS_CODE, 0x8000_0000),
            )
        };
        let above = hr_query_all_rows(&mut table, None, Some(&code(RELOP_GT)), None, 0).unwrap();
        assert_eq!(above.len(), 6);
        let below = hr_query_all_rows(&mut table, None, Some(&code(RELOP_LT)), None, 0).unwrap();
        assert!(below.is_empty());
        let stored = &above[0];
        assert_eq!(stored.get(PR_STATUS_CODE), Some(&PropValue::Long(1)));
        assert_eq!(stored.signed_long(PR_STATUS_CODE), Some(1));
    });
}

/// MAPI documents `IMAPISession::OpenEntry` as returning the opened object's type in
/// `lpulObjType` (`MAPI_STATUS` for a status-table entry id), opening the object's standard
/// interface when `lpInterface` is NULL, and accepting `MAPI_MODIFY`, `MAPI_BEST_ACCESS` and
/// `MAPI_DEFERRED_ERRORS`.
#[test]
fn open_entry_takes_interface_and_flags_and_returns_the_object_type() {
    with_session(|session| {
        let spooler = entry_id(2);
        for iid in [
            None,
            Some(&IID_IMAPIStatus),
            Some(&IID_IMAPIProp),
            Some(&IID_IUnknown),
        ] {
            let (kind, obj) = session.open_entry(&spooler, iid, 0).unwrap();
            assert_eq!(kind, MAPI_STATUS);
            assert!(obj.supports_flush());
        }
        for iid in [&IID_IMAPIFolder, &IID_IMAPITable] {
            assert_eq!(
                session.open_entry(&spooler, Some(iid), 0).err(),
                Some(HResult::MAPI_E_INTERFACE_NOT_SUPPORTED)
            );
        }
        let flags = MAPI_MODIFY | MAPI_BEST_ACCESS | MAPI_DEFERRED_ERRORS;
        let (kind, obj) = session.open_entry(&spooler, None, flags).unwrap();
        assert_eq!((kind, obj.entry_id()), (MAPI_STATUS, spooler.clone()));
        assert_eq!(
            session.open_entry(&spooler, None, 0x2).err(),
            Some(HResult::MAPI_E_UNKNOWN_FLAGS)
        );
        assert_eq!(
            session.open_entry(&entry_id(6), None, 0).err(),
            Some(HResult::MAPI_E_NOT_FOUND)
        );
    });
}

/// MAPI documents `IMAPITable::QueryColumns` as returning the default column set, or the
/// current one once `SetColumns` was called, and with `TBL_ALL_COLUMNS` every column the
/// table can hold; and `QuerySortOrder` as returning the current sort order, with no sort
/// keys for an unsorted table.
#[test]
fn query_columns_and_query_sort_order() {
    with_session(|session| {
        let mut table = session.get_status_table(0).unwrap();
        let all = table.query_columns(TBL_ALL_COLUMNS).unwrap();
        assert_eq!(all.len(), 12);
        assert_eq!(&all[..3], &[PR_ENTRYID, PR_ROWID, PR_INSTANCE_KEY]);
        assert_eq!(table.query_columns(0).unwrap(), all, "default set");
        table
            .set_columns(&[PR_RESOURCE_TYPE, PR_ENTRYID], TBL_BATCH)
            .unwrap();
        assert_eq!(
            table.query_columns(0).unwrap(),
            [PR_RESOURCE_TYPE, PR_ENTRYID]
        );
        assert_eq!(table.query_columns(TBL_ALL_COLUMNS).unwrap(), all);
        assert_eq!(
            table.query_columns(0x4).err(),
            Some(HResult::MAPI_E_UNKNOWN_FLAGS)
        );

        assert!(table.query_sort_order().unwrap().0.is_empty());
        let sort = SSortOrderSet(vec![
            SSortOrder::descending(PR_RESOURCE_TYPE),
            SSortOrder::ascending(PR_ROWID),
        ]);
        table.sort_table(Some(sort.clone()), 0).unwrap();
        assert_eq!(table.query_sort_order().unwrap(), sort);
        table.sort_table(None, 0).unwrap();
        assert!(table.query_sort_order().unwrap().0.is_empty());
    });
}

/// MAPI documents `IMAPITable::GetRowCount` as the number of rows in the table (a restricted
/// table counts the rows its restriction lets through), with a reserved flags argument; and
/// `QueryPosition` as the zero-based current row — the next row to be read — with a
/// fraction whose denominator is never zero.
#[test]
fn get_row_count_and_query_position() {
    with_session(|session| {
        let mut table = session.get_status_table(0).unwrap();
        assert_eq!(table.get_row_count(0), Ok(6));
        assert_eq!(
            table.get_row_count(TBL_ASYNC).err(),
            Some(HResult::MAPI_E_UNKNOWN_FLAGS)
        );
        let start = TablePosition {
            row: 0,
            numerator: 0,
            denominator: 6,
        };
        assert_eq!(table.query_position(), Ok(start));
        table.query_rows(2, 0).unwrap();
        assert_eq!(table.query_position().unwrap().row, 2);
        table
            .restrict(Some(resource_type_is(MAPI_TRANSPORT_PROVIDER)), 0)
            .unwrap();
        assert_eq!(table.get_row_count(0), Ok(3));
        // Restrict puts the cursor back at the beginning.
        assert_eq!(table.query_position().unwrap().row, 0);
        table.seek_row(BOOKMARK_END, 0).unwrap();
        assert_eq!(
            table.query_position(),
            Ok(TablePosition {
                row: 3,
                numerator: 3,
                denominator: 3
            })
        );
        table
            .restrict(Some(resource_type_is(MAPI_STORE_PROVIDER)), 0)
            .unwrap();
        assert_eq!(table.get_row_count(0), Ok(0));
        assert_eq!(table.query_position().unwrap().denominator, 1);
    });
}

/// MAPI documents `IMAPITable::FindRow` as moving the cursor to the first row from the
/// bookmark that matches the restriction: forward from the bookmark's row, or with
/// `DIR_BACKWARD` from the row before the bookmark; `MAPI_E_NOT_FOUND` when no row matches
/// and `MAPI_E_INVALID_BOOKMARK` for a bookmark that does not exist.
#[test]
fn find_row_forward_backward_and_bookmarks() {
    with_session(|session| {
        let mut table = session.get_status_table(0).unwrap();
        let no_flush = SRestriction::Bitmask {
            relbmr: BMR_EQZ,
            prop_tag: PR_RESOURCE_METHODS,
            mask: STATUS_FLUSH_QUEUES,
        };
        let transport = resource_type_is(MAPI_TRANSPORT_PROVIDER);
        table.set_columns(&[PR_ROWID], 0).unwrap();
        // Forward from the beginning: the subsystem has no FlushQueues.
        table.find_row(&no_flush, BOOKMARK_BEGINNING, 0).unwrap();
        assert_eq!(rows(&table.query_rows(1, 0).unwrap()), [0]);
        // From the current row (1, the address book): the address book itself.
        table.find_row(&no_flush, BOOKMARK_CURRENT, 0).unwrap();
        assert_eq!(rows(&table.query_rows(1, 0).unwrap()), [1]);
        // From row 2 on: the legacy transport.
        table.find_row(&no_flush, BOOKMARK_CURRENT, 0).unwrap();
        assert_eq!(table.query_position().unwrap().row, 5);
        // Backward from the end: the last transport; backward again from it: the one before.
        table
            .find_row(&transport, BOOKMARK_END, DIR_BACKWARD)
            .unwrap();
        assert_eq!(table.query_position().unwrap().row, 5);
        table
            .find_row(&transport, BOOKMARK_CURRENT, DIR_BACKWARD)
            .unwrap();
        assert_eq!(rows(&table.query_rows(1, TBL_NOADVANCE).unwrap()), [4]);
        // Backward from the beginning finds nothing, and the cursor stays.
        table.seek_row(BOOKMARK_BEGINNING, 3).unwrap();
        assert_eq!(
            table.find_row(&transport, BOOKMARK_BEGINNING, DIR_BACKWARD),
            Err(HResult::MAPI_E_NOT_FOUND)
        );
        assert_eq!(table.query_position().unwrap().row, 3);
        assert_eq!(
            table.find_row(&transport, 3, 0),
            Err(HResult::MAPI_E_INVALID_BOOKMARK)
        );
        assert_eq!(
            table.find_row(&transport, BOOKMARK_BEGINNING, 0x4),
            Err(HResult::MAPI_E_UNKNOWN_FLAGS)
        );
        // FindRow searches the view: restricted to transports, the subsystem is not there.
        table.restrict(Some(transport), 0).unwrap();
        table.find_row(&no_flush, BOOKMARK_BEGINNING, 0).unwrap();
        assert_eq!(table.query_position().unwrap().row, 2);
    });
}
