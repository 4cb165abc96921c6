//! The client's view: `IMAPISession`, the status table and status objects.
//!
//! These are the calls the seed procedures make, with MAPI's names and results. Table calls are
//! synchronous reads of the live rows; `FlushQueues` is async because it travels to the spooler
//! actor over a channel and, unless `FLUSH_ASYNC_OK` lets the spooler return early, resolves
//! only when the flush's work has ended in virtual time.

use std::sync::Arc;

use tokio_stream::wrappers::BroadcastStream;
use tokio_stream::{Stream, StreamExt};

use crate::mapi::constants::{MAPI_UNICODE, STATUS_FLUSH_QUEUES};
use crate::mapi::status::{self, RowModified, StatusStore, SPOOLER_ROW};
use crate::mapi::tags::PropTag;
use crate::mapi::{
    EntryId, FlushFlags, HResult, MapiResult, MapiTable, SPropValue, SRestriction, SRowSet,
    SSortOrderSet, TableView,
};
use crate::sim::{Clock, FlushId, Micros, Object, Origin};
use crate::spooler::SpoolerHandle;

/// `IMAPISession`: the way into the status table and status objects.
#[derive(Debug, Clone)]
pub struct Session {
    spooler: SpoolerHandle,
    store: Arc<StatusStore>,
    clock: Clock,
}

impl Session {
    /// A session over a running spooler.
    pub fn new(spooler: SpoolerHandle, store: Arc<StatusStore>, clock: Clock) -> Self {
        Session {
            spooler,
            store,
            clock,
        }
    }

    /// The current virtual time.
    pub fn now(&self) -> Micros {
        self.clock.now()
    }

    /// `IMAPISession::GetStatusTable`. `flags` may be 0 or `MAPI_UNICODE`.
    pub fn get_status_table(&self, flags: u32) -> MapiResult<StatusTable> {
        if flags & !MAPI_UNICODE != 0 {
            return Err(HResult::MAPI_E_UNKNOWN_FLAGS);
        }
        Ok(StatusTable {
            store: self.store.clone(),
            view: TableView::new(),
        })
    }

    /// `IMAPISession::OpenEntry` on a status row's `PR_ENTRYID`.
    pub fn open_entry(&self, entry: &EntryId) -> MapiResult<StatusObject> {
        let row = status::row_of_entry_id(entry).ok_or(HResult::MAPI_E_INVALID_ENTRYID)?;
        if usize::from(row) >= self.store.len() {
            return Err(HResult::MAPI_E_NOT_FOUND);
        }
        Ok(self.object(row))
    }

    /// The status object of row `row` (which must exist).
    fn object(&self, row: u16) -> StatusObject {
        let object = match row {
            SPOOLER_ROW => Object::Spooler,
            r if r >= status::transport_row(0) => Object::Transport(r - status::transport_row(0)),
            r => Object::Other(r),
        };
        StatusObject {
            row,
            object,
            session: self.clone(),
        }
    }

    /// The spooler's status object, without going through the table.
    pub fn spooler_status(&self) -> StatusObject {
        self.object(SPOOLER_ROW)
    }

    /// Transport `t`'s status object, without going through the table.
    pub fn transport_status(&self, t: u16) -> Option<StatusObject> {
        let row = status::transport_row(t);
        (usize::from(row) < self.store.len()).then(|| self.object(row))
    }

    /// The spooler actor's handle, for submitting mail.
    pub fn spooler(&self) -> &SpoolerHandle {
        &self.spooler
    }
}

/// The session's status table (`IMAPITable` over the status rows).
#[derive(Debug)]
pub struct StatusTable {
    store: Arc<StatusStore>,
    view: TableView,
}

impl StatusTable {
    /// `Advise(fnevTableModified)`: a stream of `TABLE_ROW_MODIFIED` notifications, one per
    /// change of a row from now on.
    pub fn notifications(&self) -> impl Stream<Item = RowModified> + Send + 'static {
        BroadcastStream::new(self.store.subscribe()).filter_map(|r| r.ok())
    }
}

impl MapiTable for StatusTable {
    fn set_columns(&mut self, cols: &[PropTag], flags: u32) -> MapiResult<()> {
        self.view.set_columns(cols, flags)
    }

    fn restrict(&mut self, res: Option<SRestriction>, flags: u32) -> MapiResult<()> {
        self.view.restrict(res, flags)
    }

    fn sort_table(&mut self, sort: Option<SSortOrderSet>, flags: u32) -> MapiResult<()> {
        self.view.sort_table(sort, flags)
    }

    fn seek_row(&mut self, bookmark: u32, row_count: i32) -> MapiResult<i32> {
        let rows = self.store.snapshot();
        self.view.seek_row(&rows, bookmark, row_count)
    }

    fn query_rows(&mut self, row_count: i32, flags: u32) -> MapiResult<SRowSet> {
        let rows = self.store.snapshot();
        self.view.query_rows(&rows, row_count, flags)
    }

    fn row_count(&self) -> MapiResult<u32> {
        Ok(self.view.row_count(&self.store.snapshot()))
    }
}

/// An `IMAPIStatus` object: the subsystem's, the address book's, the spooler's or a
/// transport's.
#[derive(Debug, Clone)]
pub struct StatusObject {
    row: u16,
    object: Object,
    session: Session,
}

impl StatusObject {
    /// Which object this is.
    pub fn object(&self) -> Object {
        self.object
    }

    /// Its `PR_ENTRYID`.
    pub fn entry_id(&self) -> EntryId {
        status::entry_id(self.row)
    }

    /// `IMAPIProp::GetProps`: the requested properties, `PT_ERROR`/`MAPI_E_NOT_FOUND` for those
    /// it does not have.
    pub fn get_props(&self, tags: &[PropTag]) -> MapiResult<Vec<SPropValue>> {
        let row = self
            .session
            .store
            .snapshot()
            .into_iter()
            .nth(usize::from(self.row))
            .ok_or(HResult::MAPI_E_NOT_FOUND)?;
        Ok(tags
            .iter()
            .map(|&tag| match row.get(tag) {
                Some(v) => SPropValue {
                    tag,
                    value: v.clone(),
                },
                None => SPropValue::not_found(tag),
            })
            .collect())
    }

    /// `PR_RESOURCE_METHODS`.
    pub fn resource_methods(&self) -> u32 {
        self.session
            .store
            .row(self.row)
            .map_or(0, |r| r.resource_methods)
    }

    /// Whether `FlushQueues` is supported (`STATUS_FLUSH_QUEUES` in `PR_RESOURCE_METHODS`).
    pub fn supports_flush(&self) -> bool {
        self.resource_methods() & STATUS_FLUSH_QUEUES != 0
    }

    /// `IMAPIStatus::FlushQueues(ulUIParam, cbTargetTransport, lpTargetTransport, ulFlags)`.
    /// Resolves when the call returns: at once for a refused call or an accepted
    /// `FLUSH_ASYNC_OK` call on the spooler, otherwise when the flush's work has ended.
    /// `ui_param` is the parent window for any UI; the simulation records UI instead of
    /// showing it, so the value is not used.
    pub async fn flush_queues(
        &self,
        ui_param: u32,
        target: Option<&EntryId>,
        flags: FlushFlags,
    ) -> HResult {
        self.flush_queues_as(ui_param, target, flags, Origin::Api)
            .await
            .1
    }

    /// [`StatusObject::flush_queues`] labelled with where the call came from; also returns the
    /// call's id in the trace.
    pub async fn flush_queues_as(
        &self,
        _ui_param: u32,
        target: Option<&EntryId>,
        flags: FlushFlags,
        origin: Origin,
    ) -> (FlushId, HResult) {
        let (id, r) = self
            .session
            .spooler
            .flush_queues(self.object, target.cloned(), flags, origin)
            .await;
        // A spooler that is gone means the run is being torn down around a pending call.
        (id, r.unwrap_or(HResult::MAPI_E_CALL_FAILED))
    }
}
