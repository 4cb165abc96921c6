//! Table notifications: what a client advised on the status table receives, and the queue
//! that carries them to it without ever losing one silently.
//!
//! Each `Advise` connection has its own queue, and each notification is worked out for that
//! connection's table view at the moment the row changes: MAPI wants a notification's columns
//! to be the column set in effect when it was generated, its position to be the row's place in
//! the view, and no notification for a row the view's restriction hides (a row that enters the
//! view is `TABLE_ROW_ADDED` to it, one that leaves is `TABLE_ROW_DELETED`). A shared
//! broadcast of raw changes could not do that for a reader that falls behind, because by the
//! time it reads, the rows and its view have moved on.
//!
//! The queue is bounded ([`QUEUE_CAPACITY`]) so that a client that never reads cannot grow
//! memory through a long run. A change that finds the queue full empties it and leaves one
//! `TABLE_RELOAD` in its place: MAPI's word for "nothing you knew about this table is still
//! valid, read it again". Until the client takes that `TABLE_RELOAD`, further changes are not
//! queued (the table it is about to read again already shows them); after it, changes queue
//! as before. So a reader sees every change in order, or exactly one `TABLE_RELOAD` where it
//! fell behind — never a silent gap. A run in which nobody advised builds no notification at
//! all.
//!
//! MAPI calls an advise sink the client supplies. Here `Advise` hands back the receiving end
//! instead, [`Notifications`], which the client awaits on its own task: the same arrangement as
//! an advise sink wrapped with `HrThisThreadAdviseSink`, where notifications arrive on the
//! client's thread when it is ready for them.

use std::collections::VecDeque;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll, Waker};

use tokio_stream::Stream;

use super::constants::{TABLE_RELOAD, TABLE_ROW_ADDED, TABLE_ROW_DELETED, TABLE_ROW_MODIFIED};
use super::props::{SPropValue, SRow};
use super::table::TableView;
use super::tags::PR_INSTANCE_KEY;
use crate::sim::Micros;

/// How many notifications one connection holds before a further change replaces them all with
/// one `TABLE_RELOAD`.
pub const QUEUE_CAPACITY: usize = 1024;

/// One table notification (`TABLE_NOTIFICATION`, the `info.tab` of a `NOTIFICATION` whose
/// `ulEventType` is `fnevTableModified`), plus the virtual time it was generated at.
#[derive(Debug, Clone, PartialEq)]
pub struct TableNotification {
    /// `ulTableEvent`: `TABLE_ROW_MODIFIED`, `TABLE_ROW_ADDED`, `TABLE_ROW_DELETED` or
    /// `TABLE_RELOAD`.
    pub table_event: u32,
    /// `propIndex`: the affected row's `PR_INSTANCE_KEY`; `PR_NULL` for `TABLE_RELOAD`.
    pub prop_index: SPropValue,
    /// `propPrior`: the `PR_INSTANCE_KEY` of the row just before the affected one in the view,
    /// or `PR_NULL` when the row is the first of the view, for a deleted row, and for
    /// `TABLE_RELOAD`.
    pub prop_prior: SPropValue,
    /// The affected row's position in the view (zero-based) — after the change for a modified
    /// or added row, before it for a deleted one; `None` for `TABLE_RELOAD`.
    pub row_index: Option<u32>,
    /// `row`: the row after the change, in the view's column set at the time of the change;
    /// empty (`cValues` 0) for `TABLE_ROW_DELETED` and `TABLE_RELOAD`.
    pub row: SRow,
    /// Virtual time of the change (not part of MAPI's structure).
    pub at: Micros,
}

impl TableNotification {
    /// A `TABLE_RELOAD` at `at`: read the table again, nothing known about it is still valid.
    pub fn reload(at: Micros) -> Self {
        TableNotification {
            table_event: TABLE_RELOAD,
            prop_index: SPropValue::null(),
            prop_prior: SPropValue::null(),
            row_index: None,
            row: SRow::default(),
            at,
        }
    }
}

/// The `PR_INSTANCE_KEY` cell of `row`, or `PR_NULL` if it has none.
fn instance_key(row: &SRow) -> SPropValue {
    row.props
        .iter()
        .find(|p| p.tag == PR_INSTANCE_KEY)
        .cloned()
        .unwrap_or_else(SPropValue::null)
}

/// What the change of row `row` (of `before`, now as in `after`) looks like in `view`, or
/// `None` when the view's restriction hides the row both before and after.
pub(crate) fn notification_for(
    view: &TableView,
    before: &[SRow],
    after: &[SRow],
    row: usize,
    at: Micros,
) -> Option<TableNotification> {
    let old = view.order(before);
    let new = view.order(after);
    let old_at = old.iter().position(|&i| i == row);
    let new_at = new.iter().position(|&i| i == row);
    let index = |p: usize| Some(u32::try_from(p).unwrap_or(u32::MAX));
    let (table_event, position) = match (old_at, new_at) {
        (None, None) => return None,
        (Some(p), None) => {
            return Some(TableNotification {
                table_event: TABLE_ROW_DELETED,
                prop_index: instance_key(&before[row]),
                prop_prior: SPropValue::null(),
                row_index: index(p),
                row: SRow::default(),
                at,
            })
        }
        (None, Some(p)) => (TABLE_ROW_ADDED, p),
        (Some(_), Some(p)) => (TABLE_ROW_MODIFIED, p),
    };
    let prior = match position {
        0 => SPropValue::null(),
        p => instance_key(&after[new[p - 1]]),
    };
    Some(TableNotification {
        table_event,
        prop_index: instance_key(&after[row]),
        prop_prior: prior,
        row_index: index(position),
        row: view.project(&after[row]),
        at,
    })
}

/// The pending notifications of one connection.
#[derive(Debug, Default)]
struct QueueState {
    items: VecDeque<TableNotification>,
    /// A `TABLE_RELOAD` is queued and not yet taken: later changes are covered by it.
    reload_pending: bool,
    /// The connection has ended (`Unadvise`): nothing more is queued or delivered.
    closed: bool,
    /// The reader parked on an empty queue, to wake on the next push.
    waker: Option<Waker>,
}

/// One connection's queue, shared by the store (which pushes) and the reader.
#[derive(Debug, Default)]
pub(crate) struct Queue(Mutex<QueueState>);

impl Queue {
    fn lock(&self) -> MutexGuard<'_, QueueState> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Queues `n`; on a full queue replaces everything queued with one `TABLE_RELOAD`. Returns
    /// whether a parked reader was woken.
    pub(crate) fn push(&self, n: TableNotification) -> bool {
        let mut q = self.lock();
        if q.closed || q.reload_pending {
            return false;
        }
        if q.items.len() >= QUEUE_CAPACITY {
            q.items.clear();
            q.items.push_back(TableNotification::reload(n.at));
            q.reload_pending = true;
        } else {
            q.items.push_back(n);
        }
        q.waker.take().map(Waker::wake).is_some()
    }

    /// Ends the connection: drops what is queued and wakes a parked reader to see the end.
    pub(crate) fn close(&self) {
        let mut q = self.lock();
        q.closed = true;
        q.items.clear();
        if let Some(w) = q.waker.take() {
            w.wake();
        }
    }

    /// The next notification, if one is queued now.
    fn pop(q: &mut QueueState) -> Option<TableNotification> {
        let n = q.items.pop_front()?;
        if n.table_event == TABLE_RELOAD {
            q.reload_pending = false;
        }
        Some(n)
    }

    fn poll_pop(&self, cx: &mut Context<'_>) -> Poll<Option<TableNotification>> {
        let mut q = self.lock();
        if let Some(n) = Self::pop(&mut q) {
            return Poll::Ready(Some(n));
        }
        if q.closed {
            return Poll::Ready(None);
        }
        q.waker = Some(cx.waker().clone());
        Poll::Pending
    }
}

/// One `Advise` registration as the status store keeps it.
#[derive(Debug)]
pub(crate) struct Sink {
    /// The connection number `Advise` returned.
    pub(crate) connection: u32,
    /// The advised table's view: its current columns, restriction and sort order.
    pub(crate) view: Arc<Mutex<TableView>>,
    /// Whether the table was opened with `MAPI_UNICODE`.
    pub(crate) unicode: bool,
    /// Where its notifications go.
    pub(crate) queue: Arc<Queue>,
}

/// Whoever keeps the `Advise` registrations a [`Notifications`] receiver belongs to (the status
/// store): told when the receiver is dropped, so that the registration ends with it.
pub trait Registrations: Send + Sync + std::fmt::Debug {
    /// Ends connection `connection`: its queue is emptied and its reader's stream ends.
    /// Whether the connection was still registered.
    fn end_advise(&self, connection: u32) -> bool;
}

/// The receiving end of an `Advise` connection on the status table: a stream of
/// [`TableNotification`]s in the order the changes happened, with at most one `TABLE_RELOAD`
/// where the reader fell more than [`QUEUE_CAPACITY`] notifications behind.
///
/// The stream ends after `Unadvise` on its connection (notifications not yet read are
/// dropped, as MAPI cancels them). Dropping the receiver ends the registration too: nobody is
/// left to tell. Releasing the table does not: the registration keeps the view as the table
/// last set it.
#[derive(Debug)]
pub struct Notifications {
    connection: u32,
    queue: Arc<Queue>,
    store: Arc<dyn Registrations>,
}

impl Notifications {
    /// Wraps a registration the store has just made.
    pub(crate) fn new(connection: u32, queue: Arc<Queue>, store: Arc<dyn Registrations>) -> Self {
        Notifications {
            connection,
            queue,
            store,
        }
    }

    /// The connection number (`lpulConnection`), nonzero.
    pub fn connection(&self) -> u32 {
        self.connection
    }

    /// The next notification if one is already queued, without waiting.
    pub fn try_next(&mut self) -> Option<TableNotification> {
        Queue::pop(&mut self.queue.lock())
    }
}

impl Stream for Notifications {
    type Item = TableNotification;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.queue.poll_pop(cx)
    }
}

impl Drop for Notifications {
    fn drop(&mut self) {
        self.store.end_advise(self.connection);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mapi::constants::{RELOP_EQ, RELOP_NE};
    use crate::mapi::restriction::SRestriction;
    use crate::mapi::tags::{PR_DISPLAY_NAME, PR_STATUS_CODE};

    fn row(key: u8, code: u32) -> SRow {
        SRow::new(vec![
            SPropValue::binary(PR_INSTANCE_KEY, vec![key]),
            SPropValue::string(PR_DISPLAY_NAME, format!("row {key}")),
            SPropValue::long(PR_STATUS_CODE, code),
        ])
    }

    fn key(k: u8) -> SPropValue {
        SPropValue::binary(PR_INSTANCE_KEY, vec![k])
    }

    fn note(n: u64) -> TableNotification {
        TableNotification {
            table_event: TABLE_ROW_MODIFIED,
            prop_index: key(0),
            prop_prior: SPropValue::null(),
            row_index: Some(0),
            row: SRow::default(),
            at: n,
        }
    }

    /// MAPI documents `TABLE_ROW_MODIFIED` as carrying the row, and `propPrior` as the instance
    /// key of the row before it, `PR_NULL` for the first row.
    #[test]
    fn modified_row_carries_position_prior_and_columns() {
        let before = vec![row(1, 1), row(2, 1), row(3, 1)];
        let mut after = before.clone();
        after[1] = row(2, 5);
        let mut view = TableView::new();
        view.set_columns(&[PR_STATUS_CODE], 0).unwrap();
        let n = notification_for(&view, &before, &after, 1, 7).unwrap();
        assert_eq!(n.table_event, TABLE_ROW_MODIFIED);
        assert_eq!(n.row_index, Some(1));
        assert_eq!(n.prop_index, key(2));
        assert_eq!(n.prop_prior, key(1));
        assert_eq!(n.row.props, vec![SPropValue::long(PR_STATUS_CODE, 5)]);
        assert_eq!(n.at, 7);
        let mut first = before.clone();
        first[0] = row(1, 9);
        let n = notification_for(&view, &before, &first, 0, 7).unwrap();
        assert_eq!((n.row_index, n.prop_prior), (Some(0), SPropValue::null()));
    }

    /// MAPI documents that no notification is sent for a row a restriction hides from the view;
    /// a row entering the view is added to it and a row leaving it is deleted from it.
    #[test]
    fn restriction_hides_adds_and_deletes() {
        let busy = SRestriction::property(
            RELOP_NE,
            PR_STATUS_CODE,
            SPropValue::long(PR_STATUS_CODE, 1),
        );
        let mut view = TableView::new();
        view.restrict(Some(busy), 0).unwrap();
        let idle = vec![row(1, 1), row(2, 1), row(3, 5)];
        let mut busy_two = idle.clone();
        busy_two[1] = row(2, 5);
        let added = notification_for(&view, &idle, &busy_two, 1, 0).unwrap();
        assert_eq!(added.table_event, TABLE_ROW_ADDED);
        assert_eq!(
            (added.row_index, &added.prop_prior),
            (Some(0), &SPropValue::null())
        );
        let deleted = notification_for(&view, &busy_two, &idle, 1, 0).unwrap();
        assert_eq!(deleted.table_event, TABLE_ROW_DELETED);
        assert_eq!(deleted.row_index, Some(0));
        assert_eq!(deleted.prop_index, key(2));
        assert!(deleted.row.props.is_empty());
        let mut still_idle = idle.clone();
        still_idle[0] = row(1, 1);
        assert_eq!(notification_for(&view, &idle, &still_idle, 0, 0), None);
        let only_three = SRestriction::property(
            RELOP_EQ,
            PR_INSTANCE_KEY,
            SPropValue::binary(PR_INSTANCE_KEY, vec![3]),
        );
        view.restrict(Some(only_three), 0).unwrap();
        assert_eq!(notification_for(&view, &idle, &busy_two, 1, 0), None);
    }

    /// MAPI documents `TABLE_RELOAD` as "assume nothing about the table is still valid and
    /// reread it": a full queue becomes one reload, later changes wait until it is taken.
    #[test]
    fn overflow_becomes_exactly_one_reload() {
        let q = Queue::default();
        for i in 0..QUEUE_CAPACITY as u64 {
            assert!(!q.push(note(i)));
        }
        q.push(note(5000));
        q.push(note(5001));
        let mut s = q.lock();
        assert_eq!(s.items.len(), 1);
        let first = Queue::pop(&mut s).unwrap();
        assert_eq!((first.table_event, first.at), (TABLE_RELOAD, 5000));
        assert_eq!(Queue::pop(&mut s), None);
        drop(s);
        q.push(note(6000));
        let next = Queue::pop(&mut q.lock()).unwrap();
        assert_eq!((next.table_event, next.at), (TABLE_ROW_MODIFIED, 6000));
        q.close();
        assert!(!q.push(note(7000)));
        assert_eq!(Queue::pop(&mut q.lock()), None);
    }
}
