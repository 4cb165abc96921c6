//! The client's view: `IMAPISession`, the status table and status objects.
//!
//! These are the calls the seed procedures make, with MAPI's names and results. Table calls are
//! synchronous reads of the live rows; `FlushQueues` is async because it travels to the spooler
//! actor over a channel and, unless `FLUSH_ASYNC_OK` lets the spooler return early, resolves
//! only when the flush's work has ended in virtual time.

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex, MutexGuard};

use crate::mapi::constants::{
    fnevTableModified, IID_IMAPIProp, IID_IMAPIStatus, IID_IUnknown, Iid, MAPI_BEST_ACCESS,
    MAPI_DEFERRED_ERRORS, MAPI_MODIFY, MAPI_STATUS, MAPI_UNICODE, STATUS_FLUSH_QUEUES,
};
use crate::mapi::notify::Notifications;
use crate::mapi::table::{check_row_count_flags, TablePosition};
use crate::mapi::tags::PropTag;
use crate::mapi::{
    EntryId, FlushFlags, HResult, MapiResult, MapiTable, SPropValue, SRestriction, SRowSet,
    SSortOrderSet, TableView, ValidateFlags,
};
use crate::sim::{Clock, FlushId, Micros, TransportId, ValidateId};
use crate::spooler::status::{self, StatusStore, ADDRESS_BOOK_ROW, SPOOLER_ROW, SUBSYSTEM_ROW};
use crate::spooler::SpoolerHandle;
use crate::trace::{Object, Origin};

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

    /// `IMAPISession::GetStatusTable(ulFlags, lppTable)`. With `MAPI_UNICODE` the string
    /// columns are Unicode (`PT_UNICODE` tags), without it 8-bit (`PT_STRING8`); other flags →
    /// `MAPI_E_UNKNOWN_FLAGS`.
    pub fn get_status_table(&self, flags: u32) -> MapiResult<StatusTable> {
        if flags & !MAPI_UNICODE != 0 {
            return Err(HResult::MAPI_E_UNKNOWN_FLAGS);
        }
        Ok(StatusTable {
            store: self.store.clone(),
            view: Arc::new(Mutex::new(TableView::new())),
            unicode: flags & MAPI_UNICODE != 0,
            connections: BTreeSet::new(),
        })
    }

    /// `IMAPISession::OpenEntry(cbEntryID, lpEntryID, lpInterface, ulFlags, lpulObjType,
    /// lppUnk)` on a status row's `PR_ENTRYID`: the object type (`MAPI_STATUS`) and the status
    /// object.
    ///
    /// `interface` `None` asks for the standard interface, `IMAPIStatus`; `IID_IMAPIStatus`,
    /// `IID_IMAPIProp` and `IID_IUnknown` are what a status object answers, any other →
    /// `MAPI_E_INTERFACE_NOT_SUPPORTED`. `flags` may combine `MAPI_MODIFY`,
    /// `MAPI_BEST_ACCESS` and `MAPI_DEFERRED_ERRORS` (others → `MAPI_E_UNKNOWN_FLAGS`); they
    /// change nothing, since a status object offers no property a client can write here. An
    /// entry id not made by this session → `MAPI_E_INVALID_ENTRYID`; one naming no row →
    /// `MAPI_E_NOT_FOUND`.
    pub fn open_entry(
        &self,
        entry: &EntryId,
        interface: Option<&Iid>,
        flags: u32,
    ) -> MapiResult<(u32, StatusObject)> {
        if flags & !(MAPI_MODIFY | MAPI_BEST_ACCESS | MAPI_DEFERRED_ERRORS) != 0 {
            return Err(HResult::MAPI_E_UNKNOWN_FLAGS);
        }
        let row = status::row_of_entry_id(entry).ok_or(HResult::MAPI_E_INVALID_ENTRYID)?;
        if usize::from(row) >= self.store.len() {
            return Err(HResult::MAPI_E_NOT_FOUND);
        }
        match interface {
            None => {}
            Some(iid) if [IID_IMAPIStatus, IID_IMAPIProp, IID_IUnknown].contains(iid) => {}
            Some(_) => return Err(HResult::MAPI_E_INTERFACE_NOT_SUPPORTED),
        }
        Ok((MAPI_STATUS, self.object(row)))
    }

    /// The status object of row `row` (which must exist).
    fn object(&self, row: u16) -> StatusObject {
        let object = match (row, status::transport_of_row(row)) {
            (SPOOLER_ROW, _) => Object::Spooler,
            (_, Some(t)) => Object::Transport(t),
            (r, None) => Object::Other(r),
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

    /// The MAPI subsystem's status object, without going through the table.
    pub fn subsystem_status(&self) -> StatusObject {
        self.object(SUBSYSTEM_ROW)
    }

    /// The integrated address book's status object, without going through the table.
    pub fn address_book_status(&self) -> StatusObject {
        self.object(ADDRESS_BOOK_ROW)
    }

    /// Transport `t`'s status object, without going through the table.
    pub fn transport_status(&self, t: TransportId) -> Option<StatusObject> {
        let row = status::transport_row(t);
        (usize::from(row) < self.store.len()).then(|| self.object(row))
    }

    /// The spooler actor's handle, for submitting mail.
    pub fn spooler(&self) -> &SpoolerHandle {
        &self.spooler
    }
}

/// The session's status table (`IMAPITable` over the status rows).
///
/// Its view (columns, restriction, sort order, cursor) is shared with its `Advise`
/// connections, so notifications follow the view as the client changes it.
#[derive(Debug)]
pub struct StatusTable {
    store: Arc<StatusStore>,
    view: Arc<Mutex<TableView>>,
    unicode: bool,
    /// Connections `advise` made that `unadvise` has not ended.
    connections: BTreeSet<u32>,
}

impl StatusTable {
    /// The view. Callers take the rows' snapshot first: the store locks its rows before a
    /// view when it notifies, so the two locks are always taken in that order.
    fn view(&self) -> MutexGuard<'_, TableView> {
        self.view.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The rows as this table shows them (string columns in its width), shared with the
    /// store rather than copied.
    fn rows(&self) -> Arc<Vec<crate::mapi::SRow>> {
        self.store.snapshot(self.unicode)
    }

    /// `IMAPITable::Advise(ulEventMask, lpAdviseSink, lpulConnection)`: from now on every change
    /// of a row in this table's view is notified to the returned receiver, which the
    /// connection number (also returned) names to [`StatusTable::unadvise`].
    ///
    /// Notifications carry the row's position in the view and its columns in the column set,
    /// both as they are when the row changes; a row the restriction hides is not notified, one
    /// that enters the view comes as `TABLE_ROW_ADDED` and one that leaves it as
    /// `TABLE_ROW_DELETED`. A reader that falls more than
    /// [`QUEUE_CAPACITY`](crate::mapi::notify::QUEUE_CAPACITY) notifications behind gets one
    /// `TABLE_RELOAD` instead of what it missed, then the changes after it.
    ///
    /// The only valid event mask is `fnevTableModified`; anything else →
    /// `MAPI_E_INVALID_PARAMETER` (a client cannot register for `fnevStatusObjectModified`).
    pub fn advise(&mut self, event_mask: u32) -> MapiResult<(u32, Notifications)> {
        if event_mask != fnevTableModified {
            return Err(HResult::MAPI_E_INVALID_PARAMETER);
        }
        let receiver = self.store.advise(self.view.clone(), self.unicode);
        self.connections.insert(receiver.connection());
        Ok((receiver.connection(), receiver))
    }

    /// `IMAPITable::Unadvise(ulConnection)`: ends a connection this table's
    /// [`StatusTable::advise`] made; its receiver's stream ends and notifications it has not
    /// read are dropped. A connection this table did not make, or already ended with
    /// `unadvise`, → `MAPI_E_NOT_FOUND`.
    pub fn unadvise(&mut self, connection: u32) -> MapiResult<()> {
        if !self.connections.remove(&connection) {
            return Err(HResult::MAPI_E_NOT_FOUND);
        }
        // The receiver may have been dropped already, which ended the registration.
        self.store.end_advise(connection);
        Ok(())
    }

    /// `Advise(fnevTableModified)` as a stream, for a client that keeps no connection number:
    /// every change of a row in this table's view from now on (see [`StatusTable::advise`]),
    /// until the stream is dropped.
    pub fn notifications(&self) -> Notifications {
        self.store.advise(self.view.clone(), self.unicode)
    }

    /// Whether this table was opened with `MAPI_UNICODE`.
    pub fn is_unicode(&self) -> bool {
        self.unicode
    }
}

impl MapiTable for StatusTable {
    fn set_columns(&mut self, cols: &[PropTag], flags: u32) -> MapiResult<()> {
        self.view().set_columns(cols, flags)
    }

    fn query_columns(&self, flags: u32) -> MapiResult<Vec<PropTag>> {
        self.view()
            .query_columns(flags, &status::columns(self.unicode))
    }

    fn restrict(&mut self, res: Option<SRestriction>, flags: u32) -> MapiResult<()> {
        self.view().restrict(res, flags)
    }

    fn sort_table(&mut self, sort: Option<SSortOrderSet>, flags: u32) -> MapiResult<()> {
        self.view().sort_table(sort, flags)
    }

    fn query_sort_order(&self) -> MapiResult<SSortOrderSet> {
        Ok(self.view().query_sort_order())
    }

    fn seek_row(&mut self, bookmark: u32, row_count: i32) -> MapiResult<i32> {
        let rows = self.rows();
        self.view().seek_row_shared(&rows, bookmark, row_count)
    }

    fn find_row(&mut self, res: &SRestriction, bookmark: u32, flags: u32) -> MapiResult<()> {
        let rows = self.rows();
        self.view().find_row(&rows, res, bookmark, flags)
    }

    fn query_position(&self) -> MapiResult<TablePosition> {
        let rows = self.rows();
        Ok(self.view().query_position(&rows))
    }

    fn query_rows(&mut self, row_count: i32, flags: u32) -> MapiResult<SRowSet> {
        let rows = self.rows();
        self.view().query_rows_shared(&rows, row_count, flags)
    }

    fn get_row_count(&self, flags: u32) -> MapiResult<u32> {
        check_row_count_flags(flags)?;
        let rows = self.rows();
        Ok(self.view().row_count(&rows))
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
    /// it does not have. A string property comes back in the width its tag asks for, as
    /// `GetProps` converts.
    pub fn get_props(&self, tags: &[PropTag]) -> MapiResult<Vec<SPropValue>> {
        let row = self
            .session
            .store
            .srow(self.row, true)
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
        let answer = self
            .session
            .spooler
            .flush_queues(self.object, target.cloned(), flags, origin)
            .await;
        // A spooler that is gone means the run is being torn down around a pending call, which
        // never got an id.
        answer.unwrap_or((FlushId(0), HResult::MAPI_E_CALL_FAILED))
    }

    /// `IMAPIStatus::ValidateState(ulUIParam, ulFlags)`. Every status object has it. Resolves
    /// at once (in virtual time): checked in order, bits outside the eight flags →
    /// `MAPI_E_UNKNOWN_FLAGS`; a header-cache flag (`REFRESH_XP_HEADER_CACHE`,
    /// `PROCESS_XP_HEADER_CACHE`, `ABORT_XP_HEADER_OPERATION`, `SHOW_XP_SESSION_UI`) →
    /// `MAPI_E_NO_SUPPORT`; a transport's object while a running flush covers that transport
    /// → `MAPI_E_BUSY`; otherwise `S_OK`, with the work going on in virtual time.
    ///
    /// On a transport's object `FORCE_XP_DISCONNECT` hangs up now and leaves the transport
    /// offline (its row shows `STATUS_OFFLINE`) until `FORCE_XP_CONNECT`, which clears that and,
    /// when the transport has work, starts a flush of it whose progress indicator the
    /// transport's object shows (`SUPPRESS_UI` hides it where the object honours
    /// `FLUSH_NO_UI`). Other flags, and calls on the subsystem's, address book's and spooler's
    /// objects, change nothing. `ui_param` is the parent window for any UI; the simulation
    /// records UI instead of showing it, so the value is not used.
    pub async fn validate_state(&self, ui_param: u32, flags: ValidateFlags) -> HResult {
        self.validate_state_as(ui_param, flags, Origin::Api).await.1
    }

    /// [`StatusObject::validate_state`] labelled with where the call came from; also returns
    /// the call's id in the trace.
    pub async fn validate_state_as(
        &self,
        _ui_param: u32,
        flags: ValidateFlags,
        origin: Origin,
    ) -> (ValidateId, HResult) {
        let answer = self
            .session
            .spooler
            .validate_state(self.object, flags, origin)
            .await;
        answer.unwrap_or((ValidateId(0), HResult::MAPI_E_CALL_FAILED))
    }
}
