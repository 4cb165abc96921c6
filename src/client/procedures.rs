//! The seed's two on-demand procedures, step by step, as a client would write them.
//!
//! Procedure 1 opens the spooler's status object through the status table and flushes every
//! transport in one call. Procedure 2 walks the transport rows and flushes each one through its
//! own status object, or, where `PR_RESOURCE_METHODS` lacks `STATUS_FLUSH_QUEUES`, through the
//! spooler with the transport's entry id as `lpTargetTransport`. Each step is reported to a
//! callback so the runner can trace it and examples can print it.

use crate::client::session::{Session, StatusObject};
use crate::mapi::combine;
use crate::mapi::constants::{
    MAPI_SPOOLER, MAPI_TRANSPORT_PROVIDER, RELOP_EQ, STATUS_FLUSH_QUEUES,
};
use crate::mapi::tags::{PR_ENTRYID, PR_RESOURCE_METHODS, PR_RESOURCE_TYPE};
use crate::mapi::{
    hr_query_all_rows, FlushFlags, HResult, MapiResult, MapiTable, SPropValue, SRestriction,
    SRowSet,
};
use crate::trace::Origin;
use crate::trace::ProcStep;

/// Steps 1–4 of both procedures: the status table, `SetColumns` to `PR_ENTRYID` and
/// `PR_RESOURCE_TYPE`, a property restriction on `PR_RESOURCE_TYPE == resource_type`, and
/// `HrQueryAllRows`.
pub fn rows_of_type(
    session: &Session,
    resource_type: u32,
    step: &mut dyn FnMut(ProcStep),
) -> MapiResult<SRowSet> {
    let mut table = session.get_status_table(0)?;
    step(ProcStep::GetStatusTable);
    table.set_columns(&[PR_ENTRYID, PR_RESOURCE_TYPE], 0)?;
    step(ProcStep::SetColumns);
    let restriction = SRestriction::property(
        RELOP_EQ,
        PR_RESOURCE_TYPE,
        SPropValue::long(PR_RESOURCE_TYPE, resource_type),
    );
    let rows = hr_query_all_rows(&mut table, None, Some(&restriction), None, 0)?;
    step(ProcStep::QueryAllRows(rows.len() as u32));
    Ok(rows)
}

/// Opens the status object of a row returned by [`rows_of_type`].
fn open_row(
    session: &Session,
    rows: &SRowSet,
    i: usize,
    step: &mut dyn FnMut(ProcStep),
) -> MapiResult<StatusObject> {
    let entry = rows[i].entry_id().ok_or(HResult::MAPI_E_NOT_FOUND)?;
    let (_, obj) = session.open_entry(&entry, None, 0)?;
    step(ProcStep::OpenEntry(
        crate::spooler::status::row_of_entry_id(&entry).unwrap_or(0),
    ));
    Ok(obj)
}

/// Opens the spooler's status object as procedure 1 does.
pub fn open_spooler(session: &Session, step: &mut dyn FnMut(ProcStep)) -> MapiResult<StatusObject> {
    let rows = rows_of_type(session, MAPI_SPOOLER, step)?;
    if rows.is_empty() {
        return Err(HResult::MAPI_E_NOT_FOUND);
    }
    open_row(session, &rows, 0, step)
}

/// Procedure 1: flush every transport through the spooler's status object.
pub async fn flush_all(
    session: &Session,
    flags: FlushFlags,
    origin: Origin,
    step: &mut (dyn FnMut(ProcStep) + Send),
) -> HResult {
    let spooler = match open_spooler(session, step) {
        Ok(s) => s,
        Err(e) => return e,
    };
    let (_, result) = spooler.flush_queues_as(0, None, flags, origin).await;
    step(ProcStep::Release);
    step(ProcStep::Done(result));
    result
}

/// Procedure 2: flush each transport through its own status object, or through the spooler
/// with its entry id where it does not support `FlushQueues`. The results combine as the
/// spooler combines its parts' results.
pub async fn flush_each(
    session: &Session,
    flags: FlushFlags,
    origin: Origin,
    step: &mut (dyn FnMut(ProcStep) + Send),
) -> HResult {
    let rows = match rows_of_type(session, MAPI_TRANSPORT_PROVIDER, step) {
        Ok(r) => r,
        Err(e) => return e,
    };
    let mut results = Vec::with_capacity(rows.len());
    let mut spooler: Option<StatusObject> = None;
    for i in 0..rows.len() {
        let obj = match open_row(session, &rows, i, step) {
            Ok(o) => o,
            Err(e) => {
                results.push(e);
                continue;
            }
        };
        let methods = obj
            .get_props(&[PR_RESOURCE_METHODS])
            .ok()
            .and_then(|p| p[0].value.as_long())
            .unwrap_or(0);
        step(ProcStep::ResourceMethods(methods));
        let result = if methods & STATUS_FLUSH_QUEUES != 0 {
            obj.flush_queues_as(0, None, flags, origin).await.1
        } else {
            if spooler.is_none() {
                match open_spooler(session, step) {
                    Ok(s) => spooler = Some(s),
                    Err(e) => {
                        results.push(e);
                        continue;
                    }
                }
            }
            let target = obj.entry_id();
            let s = spooler.as_ref().expect("opened above");
            s.flush_queues_as(0, Some(&target), flags, origin).await.1
        };
        results.push(result);
    }
    step(ProcStep::Release);
    let result = combine(results);
    step(ProcStep::Done(result));
    result
}
