//! The live rows behind the session's status table, kept by the spooler.
//!
//! MAPI keeps one row per status object: the subsystem, the integrated address book, the
//! spooler and every active transport. The spooler actor owns the truth about `PR_STATUS_CODE`
//! and publishes each change here; tables read snapshots, and every change goes to each
//! `Advise` connection as a table notification worked out for that connection's view (see
//! [`crate::mapi::notify`]), as `ModifyStatusRow` does. With no connection, a change costs
//! nothing beyond storing the new code.
//!
//! The store lives with the spooler, not with the MAPI types: its rows are built from the
//! scenario's transports, and the spooler writes them; the client's session reads them from
//! above.

use std::sync::atomic::{AtomicU32, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use crate::mapi::constants::*;
use crate::mapi::notify::{notification_for, Notifications, Queue, Registrations, Sink};
use crate::mapi::table::TableView;
use crate::mapi::tags::*;
use crate::mapi::{EntryId, SPropValue, SRow};
use crate::model::{Scenario, TransportConfig, TransportKind};
use crate::sim::{Clock, TransportId};

/// Row of the MAPI subsystem.
pub const SUBSYSTEM_ROW: u16 = 0;
/// Row of the integrated address book.
pub const ADDRESS_BOOK_ROW: u16 = 1;
/// Row of the spooler.
pub const SPOOLER_ROW: u16 = 2;

/// Row of transport `t`: the transports follow the three fixed rows, in profile order.
pub const fn transport_row(t: TransportId) -> u16 {
    3 + t.0
}

/// The transport whose row is `row`, if it is a transport's.
pub fn transport_of_row(row: u16) -> Option<TransportId> {
    row.checked_sub(transport_row(TransportId(0)))
        .map(TransportId)
}

const ENTRY_MAGIC: &[u8; 8] = b"SPOOLSIM";

/// The deterministic `PR_ENTRYID` of status row `row`: four flag bytes, a provider tag and the
/// row number, so the same profile always yields the same ids.
pub fn entry_id(row: u16) -> EntryId {
    let mut v = vec![0u8; 4];
    v.extend_from_slice(ENTRY_MAGIC);
    v.extend_from_slice(&[0, 0]);
    v.extend_from_slice(&row.to_be_bytes());
    EntryId(v)
}

/// The row an entry id made by [`entry_id`] names, if it is one.
pub fn row_of_entry_id(e: &EntryId) -> Option<u16> {
    let b = e.as_bytes();
    if b.len() != 16 || b[..4] != [0; 4] || &b[4..12] != ENTRY_MAGIC || b[12..14] != [0, 0] {
        return None;
    }
    Some(u16::from_be_bytes([b[14], b[15]]))
}

/// `PR_STATUS_CODE` of an idle transport: LAN `STATUS_AVAILABLE`; dial-up also
/// `STATUS_REMOTE_ACCESS`, with or without a line.
pub fn idle_code(t: &TransportConfig) -> u32 {
    match t.kind {
        TransportKind::Lan => STATUS_AVAILABLE,
        TransportKind::Ras(_) => STATUS_AVAILABLE | STATUS_REMOTE_ACCESS,
    }
}

/// A readable `PR_STATUS_STRING` for a status code.
pub fn status_string(code: u32) -> &'static str {
    if code & STATUS_FAILURE != 0 {
        "Failed"
    } else if code & STATUS_OFFLINE != 0 {
        "Offline"
    } else if code & STATUS_OUTBOUND_FLUSH != 0 {
        "Sending (outbound flush)"
    } else if code & STATUS_INBOUND_FLUSH != 0 {
        "Receiving (inbound flush)"
    } else if code & STATUS_AVAILABLE != 0 {
        "Available"
    } else {
        "Unavailable"
    }
}

/// One status object's row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusRow {
    /// `PR_DISPLAY_NAME`.
    pub display_name: String,
    /// `PR_PROVIDER_DISPLAY`.
    pub provider_display: String,
    /// `PR_PROVIDER_DLL_NAME`.
    pub provider_dll: String,
    /// `PR_RESOURCE_TYPE`.
    pub resource_type: u32,
    /// `PR_RESOURCE_METHODS`.
    pub resource_methods: u32,
    /// `PR_RESOURCE_FLAGS`.
    pub resource_flags: u32,
    /// `PR_STATUS_CODE`, live.
    pub status_code: u32,
}

/// The string type of a status table: `PT_UNICODE` when it was opened with `MAPI_UNICODE`,
/// `PT_STRING8` otherwise.
const fn string_type(unicode: bool) -> u32 {
    if unicode {
        PT_UNICODE
    } else {
        PT_STRING8
    }
}

/// Every column of a status row, in the order rows hold them, string columns in the width
/// `unicode` selects: the default column set and what `QueryColumns(TBL_ALL_COLUMNS)` lists.
pub fn columns(unicode: bool) -> Vec<PropTag> {
    let text = |tag| change_prop_type(tag, string_type(unicode));
    vec![
        PR_ENTRYID,
        PR_ROWID,
        PR_INSTANCE_KEY,
        PR_OBJECT_TYPE,
        PR_RESOURCE_TYPE,
        PR_RESOURCE_METHODS,
        PR_RESOURCE_FLAGS,
        PR_STATUS_CODE,
        text(PR_STATUS_STRING),
        text(PR_DISPLAY_NAME),
        text(PR_PROVIDER_DISPLAY),
        text(PR_PROVIDER_DLL_NAME),
    ]
}

impl StatusRow {
    /// The row as table properties, in the order of [`columns`], string columns Unicode
    /// (`PT_UNICODE`) when `unicode` is set and 8-bit (`PT_STRING8`) otherwise.
    pub fn to_srow(&self, row: u16, unicode: bool) -> SRow {
        let id = entry_id(row);
        let text = |tag, value: &str| {
            SPropValue::string(change_prop_type(tag, string_type(unicode)), value)
        };
        SRow {
            props: vec![
                SPropValue::binary(PR_ENTRYID, id.0.clone()),
                SPropValue::long(PR_ROWID, u32::from(row)),
                SPropValue::binary(PR_INSTANCE_KEY, id.0),
                SPropValue::long(PR_OBJECT_TYPE, MAPI_STATUS),
                SPropValue::long(PR_RESOURCE_TYPE, self.resource_type),
                SPropValue::long(PR_RESOURCE_METHODS, self.resource_methods),
                SPropValue::long(PR_RESOURCE_FLAGS, self.resource_flags),
                SPropValue::long(PR_STATUS_CODE, self.status_code),
                text(PR_STATUS_STRING, status_string(self.status_code)),
                text(PR_DISPLAY_NAME, &self.display_name),
                text(PR_PROVIDER_DISPLAY, &self.provider_display),
                text(PR_PROVIDER_DLL_NAME, &self.provider_dll),
            ],
        }
    }
}

/// The rows and the `Advise` registrations, under one lock so that a change and its
/// notifications are one step.
#[derive(Debug)]
struct State {
    rows: Vec<StatusRow>,
    /// Every row as table properties, 8-bit (`[0]`) and Unicode (`[1]`), built on the first
    /// read and kept up to date by each change: a table read shares it instead of copying
    /// every row, which made a walk over the rows cost the square of their number.
    tables: [Option<Arc<Vec<SRow>>>; 2],
    /// Rows changed since `tables` were last read, per width: a row is rebuilt once when the
    /// table is next read, not at each change (most changes come in pairs, a flush phase
    /// beginning and ending).
    stale: [Vec<u16>; 2],
    sinks: Vec<Sink>,
    /// The last connection number handed out (connections start at 1).
    last_connection: u32,
}

/// The shared, live status rows of one session.
#[derive(Debug)]
pub struct StatusStore {
    state: Mutex<State>,
    /// Each row's `PR_STATUS_CODE` as the rows under the lock have it, written under the lock:
    /// what a change that changes nothing is told apart by without the lock.
    codes: Vec<AtomicU32>,
    /// How many `Advise` connections there are, written under the lock.
    advised: AtomicUsize,
    clock: Clock,
}

impl StatusStore {
    /// The rows of `scenario`'s profile, all idle.
    pub fn new(scenario: &Scenario, clock: Clock) -> Self {
        let mapi = |name: &str, ty: u32, methods: u32| StatusRow {
            display_name: name.to_string(),
            provider_display: name.to_string(),
            provider_dll: "MAPI32.DLL".to_string(),
            resource_type: ty,
            resource_methods: methods,
            resource_flags: 0,
            status_code: STATUS_AVAILABLE,
        };
        let mut rows = vec![
            mapi("MAPI Subsystem", MAPI_SUBSYSTEM, STATUS_VALIDATE_STATE),
            mapi("MAPI Address Book", MAPI_AB, STATUS_VALIDATE_STATE),
            mapi(
                "MAPI Spooler",
                MAPI_SPOOLER,
                STATUS_VALIDATE_STATE | STATUS_FLUSH_QUEUES,
            ),
        ];
        for t in &scenario.transports {
            let mut methods = STATUS_VALIDATE_STATE;
            if t.supports_flush {
                methods |= STATUS_FLUSH_QUEUES;
            }
            let (provider, dll) = match t.kind {
                TransportKind::Lan => ("LAN transport", "SPLSLAN.DLL"),
                TransportKind::Ras(_) => ("Dial-up (RAS) transport", "SPLSRAS.DLL"),
            };
            rows.push(StatusRow {
                display_name: t.name.clone(),
                provider_display: provider.to_string(),
                provider_dll: dll.to_string(),
                resource_type: MAPI_TRANSPORT_PROVIDER,
                resource_methods: methods,
                resource_flags: STATUS_NO_DEFAULT_STORE,
                status_code: idle_code(t),
            });
        }
        let codes = rows.iter().map(|r| AtomicU32::new(r.status_code)).collect();
        StatusStore {
            codes,
            advised: AtomicUsize::new(0),
            state: Mutex::new(State {
                rows,
                tables: [None, None],
                stale: [Vec::new(), Vec::new()],
                sinks: Vec::new(),
                last_connection: 0,
            }),
            clock,
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Every row as table properties as they are now, string columns Unicode when `unicode`
    /// is set and 8-bit otherwise. Shared, not copied: a later change leaves this snapshot as
    /// it is.
    pub fn snapshot(&self, unicode: bool) -> Arc<Vec<SRow>> {
        let mut state = self.lock();
        let State {
            rows,
            tables,
            stale,
            ..
        } = &mut *state;
        let w = usize::from(unicode);
        let Some(table) = &mut tables[w] else {
            return tables[w].insert(Arc::new(srows(rows, unicode))).clone();
        };
        let stale = &mut stale[w];
        if !stale.is_empty() {
            stale.sort_unstable();
            stale.dedup();
            let table = Arc::make_mut(table);
            for &row in stale.iter() {
                table[row as usize] = rows[row as usize].to_srow(row, unicode);
            }
            stale.clear();
        }
        table.clone()
    }

    /// One row, if it exists.
    pub fn row(&self, row: u16) -> Option<StatusRow> {
        self.lock().rows.get(row as usize).cloned()
    }

    /// One row as table properties, string columns as [`StatusStore::snapshot`] has them.
    pub fn srow(&self, row: u16, unicode: bool) -> Option<SRow> {
        let state = self.lock();
        let r = state.rows.get(row as usize)?;
        Some(r.to_srow(row, unicode))
    }

    /// How many rows there are.
    pub fn len(&self) -> usize {
        self.lock().rows.len()
    }

    /// Whether there are no rows (never, in a real session).
    pub fn is_empty(&self) -> bool {
        self.lock().rows.is_empty()
    }

    /// Sets `PR_STATUS_CODE` of `row` and, if it changed, notifies every `Advise` connection
    /// whose view shows the row before or after the change.
    pub fn set_code(&self, row: u16, code: u32) {
        self.set_codes(&[(row, code)]);
    }

    /// [`StatusStore::set_code`] for each `(row, code)` in turn, under one lock: a flush phase
    /// that begins and ends at once changes its row twice in a step.
    pub fn set_codes(&self, changes: &[(u16, u32)]) {
        if self.changes_nothing(changes) {
            return;
        }
        let mut state = self.lock();
        let mut woken = false;
        for &(row, code) in changes {
            woken |= self.change(&mut state, row, code);
        }
        if woken {
            // A parked reader is a client task this notification has made runnable.
            self.clock.client_woken();
        }
    }

    /// Whether `changes` would leave every row as it is with nobody to notify of the steps in
    /// between (a flush phase that begins and ends at once, on a table nobody advised): then
    /// the lock need not be taken. Each run of changes to one row must end at the row's code.
    fn changes_nothing(&self, changes: &[(u16, u32)]) -> bool {
        if self.advised.load(Ordering::Acquire) != 0 {
            return false;
        }
        changes.iter().enumerate().all(|(i, &(row, code))| {
            let run_goes_on = changes.get(i + 1).is_some_and(|&(next, _)| next == row);
            run_goes_on
                || self
                    .codes
                    .get(row as usize)
                    .is_some_and(|c| c.load(Ordering::Acquire) == code)
        })
    }

    /// Sets the code of `row`, notifying as [`StatusStore::set_code`] says; whether a reader
    /// may have been woken.
    fn change(&self, state: &mut State, row: u16, code: u32) -> bool {
        let State {
            rows,
            tables,
            stale,
            sinks,
            ..
        } = state;
        let Some(r) = rows.get_mut(row as usize) else {
            return false;
        };
        if r.status_code == code {
            return false;
        }
        let old_code = std::mem::replace(&mut r.status_code, code);
        self.codes[row as usize].store(code, Ordering::Release);
        for (table, stale) in tables.iter().zip(stale.iter_mut()) {
            if table.is_some() && stale.last() != Some(&row) {
                stale.push(row);
                // Tables read once in a long run: each row is listed at most about twice.
                if stale.len() > 2 * rows.len() {
                    stale.sort_unstable();
                    stale.dedup();
                }
            }
        }
        // Notifications cost allocations: only when someone advised.
        if sinks.is_empty() {
            return false;
        }
        let at = self.clock.now();
        let mut built: [Option<(Vec<SRow>, Vec<SRow>)>; 2] = [None, None];
        let mut woken = false;
        for sink in sinks.iter() {
            let (before, after) = built[usize::from(sink.unicode)].get_or_insert_with(|| {
                let after = srows(rows, sink.unicode);
                let mut before = after.clone();
                let mut old = rows[row as usize].clone();
                old.status_code = old_code;
                before[row as usize] = old.to_srow(row, sink.unicode);
                (before, after)
            });
            let view = sink.view.lock().unwrap_or_else(|e| e.into_inner());
            if let Some(n) = notification_for(&view, before, after, row as usize, at) {
                woken |= sink.queue.push(n);
            }
        }
        woken
    }

    /// `Advise(fnevTableModified)` for a table with this `view`: a new connection whose
    /// notifications follow the view's columns, restriction and sort order as they are at
    /// each change, with string columns in the width `unicode` selects.
    pub fn advise(self: &Arc<Self>, view: Arc<Mutex<TableView>>, unicode: bool) -> Notifications {
        let queue = Arc::new(Queue::default());
        let mut state = self.lock();
        state.last_connection += 1;
        let connection = state.last_connection;
        state.sinks.push(Sink {
            connection,
            view,
            unicode,
            queue: queue.clone(),
        });
        self.advised.store(state.sinks.len(), Ordering::Release);
        drop(state);
        Notifications::new(connection, queue, self.clone())
    }

    /// Ends connection `connection`: its queue is emptied and its reader's stream ends.
    /// Whether the connection was still registered.
    pub fn end_advise(&self, connection: u32) -> bool {
        let mut state = self.lock();
        let Some(i) = state.sinks.iter().position(|s| s.connection == connection) else {
            return false;
        };
        let sink = state.sinks.remove(i);
        self.advised.store(state.sinks.len(), Ordering::Release);
        drop(state);
        sink.queue.close();
        true
    }
}

impl Registrations for StatusStore {
    fn end_advise(&self, connection: u32) -> bool {
        StatusStore::end_advise(self, connection)
    }
}

/// Every row of `rows` as table properties in one string width.
fn srows(rows: &[StatusRow], unicode: bool) -> Vec<SRow> {
    rows.iter()
        .enumerate()
        .map(|(i, r)| r.to_srow(i as u16, unicode))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entry_ids_round_trip_and_reject_strangers() {
        for row in [0, 2, 3, 400] {
            assert_eq!(row_of_entry_id(&entry_id(row)), Some(row));
        }
        assert_eq!(row_of_entry_id(&EntryId(vec![1, 2, 3])), None);
        let mut bad = entry_id(3);
        bad.0[5] ^= 1;
        assert_eq!(row_of_entry_id(&bad), None);
    }

    fn store(transports: usize) -> StatusStore {
        let mut s = Scenario::new("t");
        for i in 0..transports {
            s.transports
                .push(TransportConfig::lan(format!("t{i}"), &[&format!("T{i}")]));
        }
        StatusStore::new(&s, Clock::new())
    }

    fn code(rows: &[SRow], row: u16) -> Option<u32> {
        match rows[row as usize].get(PR_STATUS_CODE)? {
            crate::mapi::PropValue::Long(c) => Some(*c as u32),
            _ => None,
        }
    }

    #[test]
    fn snapshots_show_every_change_and_old_ones_stay_as_they_were() {
        let store = store(3);
        let (t0, t2) = (transport_row(TransportId(0)), transport_row(TransportId(2)));
        let before = store.snapshot(false);
        store.set_codes(&[(t0, 7), (t2, 9), (t0, 11)]);
        let after = store.snapshot(false);
        assert_eq!(code(&before, t0), Some(STATUS_AVAILABLE));
        assert_eq!((code(&after, t0), code(&after, t2)), (Some(11), Some(9)));
        // The other width was never read: built from the rows as they are now.
        assert_eq!(code(&store.snapshot(true), t0), Some(11));
        // Changed while nobody holds a snapshot: the next one still shows it.
        drop((before, after));
        store.set_code(t2, 5);
        assert_eq!(code(&store.snapshot(false), t2), Some(5));
        assert_eq!(code(&store.snapshot(true), t2), Some(5));
    }

    #[test]
    fn a_view_read_in_batches_sees_a_change_between_batches() {
        use crate::mapi::table::TableView;
        let store = store(4);
        let t3 = transport_row(TransportId(3));
        let mut view = TableView::new();
        view.seek_row_shared(&store.snapshot(false), 0, 0).unwrap();
        let first = view
            .query_rows_shared(&store.snapshot(false), 2, 0)
            .unwrap();
        assert_eq!(first.len(), 2);
        store.set_code(t3, 42);
        let rest = view
            .query_rows_shared(&store.snapshot(false), 100, 0)
            .unwrap();
        assert_eq!(rest.len(), 5);
        assert_eq!(code(&rest.rows, 4), Some(42));
    }

    #[test]
    fn changes_that_change_nothing_notify_whoever_advised() {
        use crate::mapi::table::TableView;
        let store = Arc::new(store(2));
        let t1 = transport_row(TransportId(1));
        let back = [
            (t1, STATUS_AVAILABLE | STATUS_OUTBOUND_FLUSH),
            (t1, STATUS_AVAILABLE),
        ];
        // Nobody advised: nothing to see, before or after.
        store.set_codes(&back);
        assert_eq!(code(&store.snapshot(false), t1), Some(STATUS_AVAILABLE));
        // Back to where it was, but not at the end of each run of the row: it changed.
        store.set_codes(&[(t1, 7), (t1 - 1, 9), (t1, 11)]);
        assert_eq!(code(&store.snapshot(false), t1), Some(11));
        store.set_codes(&[(t1, STATUS_AVAILABLE)]);
        let mut receiver = store.advise(Arc::new(Mutex::new(TableView::new())), false);
        store.set_codes(&back);
        let queued = std::iter::from_fn(|| receiver.try_next()).count();
        assert_eq!(queued, 2, "both steps notified");
    }
}
