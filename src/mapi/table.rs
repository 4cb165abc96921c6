//! The table machinery of `IMAPITable`: `SetColumns`, `QueryColumns`, `Restrict`,
//! `SortTable`, `QuerySortOrder`, `SeekRow`, `FindRow`, `QueryPosition`, `GetRowCount`,
//! `QueryRows`, and the `HrQueryAllRows` helper the flush procedures call.
//!
//! [`TableView`] is one client's *view* of a table: its column set, restriction, sort order
//! and cursor. It owns no rows: each call that reads is handed the current rows by whoever
//! owns them (the live status table), so the owner can change rows between calls and a view
//! still answers from the rows as they are at the moment of the call. The same view decides
//! what a notification says about a changed row (its position, its columns, whether it is in
//! the view at all). [`MapiTable`] is the `IMAPITable` surface a table object exposes, and
//! [`hr_query_all_rows`] is the helper clients run on top of it.
//!
//! Columns are looked up by exact tag, as MAPI tables do: a `PR_DISPLAY_NAME_A` column finds
//! nothing in a row that holds `PR_DISPLAY_NAME_W`.

use std::cmp::Ordering;
use std::sync::{Arc, Weak};

use super::constants::{
    BOOKMARK_BEGINNING, BOOKMARK_CURRENT, BOOKMARK_END, DIR_BACKWARD, TABLE_SORT_ASCEND,
    TABLE_SORT_DESCEND, TBL_ALL_COLUMNS, TBL_ASYNC, TBL_BATCH, TBL_NOADVANCE,
};
use super::hresult::{HResult, MapiResult};
use super::props::{SPropValue, SRow, SRowSet};
use super::restriction::{compare_values, SRestriction};
use super::tags::{prop_id, prop_type, PropTag, MV_FLAG, PT_ERROR};

/// One sort key (`SSortOrder`): a column and `TABLE_SORT_ASCEND` or `TABLE_SORT_DESCEND`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SSortOrder {
    /// The column sorted on (`ulPropTag`).
    pub prop_tag: PropTag,
    /// `TABLE_SORT_ASCEND` or `TABLE_SORT_DESCEND` (`ulOrder`).
    pub order: u32,
}

impl SSortOrder {
    /// Ascending on `prop_tag`.
    pub fn ascending(prop_tag: PropTag) -> Self {
        SSortOrder {
            prop_tag,
            order: TABLE_SORT_ASCEND,
        }
    }

    /// Descending on `prop_tag`.
    pub fn descending(prop_tag: PropTag) -> Self {
        SSortOrder {
            prop_tag,
            order: TABLE_SORT_DESCEND,
        }
    }
}

/// Sort keys, most significant first (`SSortOrderSet`; no categories).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SSortOrderSet(pub Vec<SSortOrder>);

/// Flags `SetColumns`, `Restrict` and `SortTable` accept. The view works synchronously, so
/// both are accepted and change nothing.
const SETUP_FLAGS: u32 = TBL_ASYNC | TBL_BATCH;

/// How many rows [`hr_query_all_rows`] asks for per `QueryRows` call.
const QUERY_BATCH: i32 = 256;

/// Where the cursor is (`QueryPosition`): the current row and a fraction of the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TablePosition {
    /// The current row, zero-based: the next row `QueryRows` reads (`lpulRow`); the row count
    /// when the cursor is at the end.
    pub row: u32,
    /// Numerator of the cursor's position as a fraction of the table (`lpulNumerator`).
    pub numerator: u32,
    /// Denominator of that fraction, never zero (`lpulDenominator`): the row count, or 1 for an
    /// empty view.
    pub denominator: u32,
}

/// One client's view of a table: column set, restriction, sort order and cursor.
///
/// The cursor is an index into the restricted, sorted rows (0 = before the first row). When
/// the owner's rows shrink, a cursor past the end counts as the end.
#[derive(Debug, Clone, Default)]
pub struct TableView {
    columns: Option<Vec<PropTag>>,
    restriction: Option<SRestriction>,
    sort: Option<SSortOrderSet>,
    position: usize,
    /// The view's order over the last shared snapshot read, while that snapshot is unchanged:
    /// reading a table in batches works its order out once, not once per batch. A weak
    /// reference, so it never keeps a snapshot alive or makes the store copy one it changes
    /// (the store then moves the rows to a new allocation, and the memo no longer matches).
    memo: Option<(Weak<Vec<SRow>>, Vec<usize>)>,
}

/// The order of two rows under one sort key, ascending. A row lacking the property sorts
/// before every row that has it (a simulator choice: MAPI does not say); values that cannot
/// be compared count as equal, so the stable sort keeps their natural order.
fn compare_on(a: &SRow, b: &SRow, tag: PropTag) -> Ordering {
    match (a.find(tag), b.find(tag)) {
        (None, None) => Ordering::Equal,
        (None, Some(_)) => Ordering::Less,
        (Some(_), None) => Ordering::Greater,
        (Some(x), Some(y)) => compare_values(x, y).unwrap_or(Ordering::Equal),
    }
}

impl TableView {
    /// A view with the default columns, no restriction, natural order, cursor at the start.
    pub fn new() -> Self {
        Self::default()
    }

    /// `SetColumns`: the columns, in order, that [`TableView::query_rows`] returns.
    /// Flags other than `TBL_ASYNC | TBL_BATCH` → `MAPI_E_UNKNOWN_FLAGS`; an empty list →
    /// `MAPI_E_INVALID_PARAMETER`. The cursor does not move.
    pub fn set_columns(&mut self, cols: &[PropTag], flags: u32) -> MapiResult<()> {
        if flags & !SETUP_FLAGS != 0 {
            return Err(HResult::MAPI_E_UNKNOWN_FLAGS);
        }
        if cols.is_empty() {
            return Err(HResult::MAPI_E_INVALID_PARAMETER);
        }
        self.columns = Some(cols.to_vec());
        Ok(())
    }

    /// The current column set, or `None` for the default (every property of each row).
    pub fn columns(&self) -> Option<&[PropTag]> {
        self.columns.as_deref()
    }

    /// The current restriction.
    pub fn restriction(&self) -> Option<&SRestriction> {
        self.restriction.as_ref()
    }

    /// The current sort order (`None`: natural order).
    pub fn sort_order(&self) -> Option<&SSortOrderSet> {
        self.sort.as_ref()
    }

    /// `Restrict`: filter the view; `None` removes the restriction. The restriction is
    /// validated first ([`SRestriction::validate`]; on error the view is unchanged). Flags
    /// other than `TBL_ASYNC | TBL_BATCH` → `MAPI_E_UNKNOWN_FLAGS`. The cursor goes back to
    /// the beginning.
    pub fn restrict(&mut self, res: Option<SRestriction>, flags: u32) -> MapiResult<()> {
        if flags & !SETUP_FLAGS != 0 {
            return Err(HResult::MAPI_E_UNKNOWN_FLAGS);
        }
        if let Some(r) = &res {
            r.validate()?;
        }
        self.restriction = res;
        self.position = 0;
        self.memo = None;
        Ok(())
    }

    /// `SortTable`: order the view by these keys (stable, so ties keep the owner's order);
    /// `None` or an empty set restores the natural order. An order other than ascending or
    /// descending → `MAPI_E_INVALID_PARAMETER`; a multi-valued key → `MAPI_E_TOO_COMPLEX`
    /// (categories are not simulated); flags other than `TBL_ASYNC | TBL_BATCH` →
    /// `MAPI_E_UNKNOWN_FLAGS`. The cursor goes back to the beginning.
    pub fn sort_table(&mut self, sort: Option<SSortOrderSet>, flags: u32) -> MapiResult<()> {
        if flags & !SETUP_FLAGS != 0 {
            return Err(HResult::MAPI_E_UNKNOWN_FLAGS);
        }
        if let Some(SSortOrderSet(keys)) = &sort {
            for key in keys {
                if key.order != TABLE_SORT_ASCEND && key.order != TABLE_SORT_DESCEND {
                    return Err(HResult::MAPI_E_INVALID_PARAMETER);
                }
                if prop_type(key.prop_tag) & MV_FLAG != 0 {
                    return Err(HResult::MAPI_E_TOO_COMPLEX);
                }
            }
        }
        self.sort = sort.filter(|s| !s.0.is_empty());
        self.position = 0;
        self.memo = None;
        Ok(())
    }

    /// `QuerySortOrder`: the current sort keys; an empty set (`cSorts` 0) when the view is in
    /// its natural order.
    pub fn query_sort_order(&self) -> SSortOrderSet {
        self.sort.clone().unwrap_or_default()
    }

    /// `QueryColumns`: with `TBL_ALL_COLUMNS` every column the table can show (`available`),
    /// otherwise the current column set, or the default set (`available` too) when
    /// `SetColumns` was never called. Other flags → `MAPI_E_UNKNOWN_FLAGS`.
    pub fn query_columns(&self, flags: u32, available: &[PropTag]) -> MapiResult<Vec<PropTag>> {
        if flags & !TBL_ALL_COLUMNS != 0 {
            return Err(HResult::MAPI_E_UNKNOWN_FLAGS);
        }
        match (&self.columns, flags & TBL_ALL_COLUMNS != 0) {
            (Some(cols), false) => Ok(cols.clone()),
            _ => Ok(available.to_vec()),
        }
    }

    /// The indices into `all` of the rows that pass the restriction, in sort order: the view.
    pub(crate) fn order(&self, all: &[SRow]) -> Vec<usize> {
        let mut rows: Vec<usize> = (0..all.len())
            .filter(|&i| {
                self.restriction
                    .as_ref()
                    .is_none_or(|res| res.matches(&all[i]))
            })
            .collect();
        if let Some(SSortOrderSet(keys)) = &self.sort {
            rows.sort_by(|&a, &b| {
                let (a, b) = (&all[a], &all[b]);
                keys.iter()
                    .map(|k| {
                        let ord = compare_on(a, b, k.prop_tag);
                        if k.order == TABLE_SORT_DESCEND {
                            ord.reverse()
                        } else {
                            ord
                        }
                    })
                    .find(|o| o.is_ne())
                    .unwrap_or(Ordering::Equal)
            });
        }
        rows
    }

    /// The rows of `all` that pass the restriction, in sort order.
    fn view<'a>(&self, all: &'a [SRow]) -> Vec<&'a SRow> {
        self.order(all).into_iter().map(|i| &all[i]).collect()
    }

    /// Where a predefined bookmark points in a view of `n` rows. The view keeps no bookmarks of
    /// its own (`CreateBookmark` is not simulated), so any other value →
    /// `MAPI_E_INVALID_BOOKMARK`.
    fn bookmark(&self, bookmark: u32, n: usize) -> MapiResult<usize> {
        match bookmark {
            BOOKMARK_BEGINNING => Ok(0),
            BOOKMARK_CURRENT => Ok(self.position.min(n)),
            BOOKMARK_END => Ok(n),
            _ => Err(HResult::MAPI_E_INVALID_BOOKMARK),
        }
    }

    /// `SeekRow`: move the cursor `row_count` rows (negative: backwards) from the bookmark
    /// (`BOOKMARK_BEGINNING`, `BOOKMARK_CURRENT` or `BOOKMARK_END`), stopping at either end.
    /// Returns the rows actually moved (`lplRowsSought`), negative when moving backwards.
    /// Another bookmark → `MAPI_E_INVALID_BOOKMARK`.
    pub fn seek_row(&mut self, all: &[SRow], bookmark: u32, row_count: i32) -> MapiResult<i32> {
        let n = self.view(all).len();
        self.seek_in(n, bookmark, row_count)
    }

    /// [`TableView::seek_row`] over a snapshot shared with the table's owner, whose order is
    /// kept for the reads that follow while the snapshot stays unchanged.
    pub fn seek_row_shared(
        &mut self,
        all: &Arc<Vec<SRow>>,
        bookmark: u32,
        row_count: i32,
    ) -> MapiResult<i32> {
        let n = self.memo_order(all).len();
        self.seek_in(n, bookmark, row_count)
    }

    /// The order of the view over `all`, from the memo when it was worked out over this very
    /// snapshot; kept in the memo.
    fn memo_order(&mut self, all: &Arc<Vec<SRow>>) -> &[usize] {
        let fresh =
            !matches!(&self.memo, Some((w, _)) if std::ptr::eq(w.as_ptr(), Arc::as_ptr(all)));
        if fresh {
            self.memo = Some((Arc::downgrade(all), self.order(all)));
        }
        self.memo.as_ref().map_or(&[], |(_, o)| o)
    }

    fn seek_in(&mut self, n: usize, bookmark: u32, row_count: i32) -> MapiResult<i32> {
        let start = self.bookmark(bookmark, n)?;
        let target = if row_count >= 0 {
            start
                .saturating_add(row_count.unsigned_abs() as usize)
                .min(n)
        } else {
            start.saturating_sub(row_count.unsigned_abs() as usize)
        };
        self.position = target;
        // Both ends are within the table, whose size fits the i32 the caller asked with.
        Ok(i32::try_from(target as i64 - start as i64).unwrap_or(row_count))
    }

    /// `FindRow`: move the cursor to the first row of the view, from `bookmark`, that matches
    /// `res`. Forward, the search starts at the bookmark's row itself; with `DIR_BACKWARD` it
    /// starts at the row before the bookmark and moves towards the beginning. On a match the
    /// cursor is left on the row found, so the next `QueryRows` returns it first.
    ///
    /// No match → `MAPI_E_NOT_FOUND` (the cursor stays where it was); an invalid restriction →
    /// its [`SRestriction::validate`] error; a bookmark other than the three predefined ones →
    /// `MAPI_E_INVALID_BOOKMARK`; flags other than `DIR_BACKWARD` → `MAPI_E_UNKNOWN_FLAGS`.
    pub fn find_row(
        &mut self,
        all: &[SRow],
        res: &SRestriction,
        bookmark: u32,
        flags: u32,
    ) -> MapiResult<()> {
        if flags & !DIR_BACKWARD != 0 {
            return Err(HResult::MAPI_E_UNKNOWN_FLAGS);
        }
        res.validate()?;
        let view = self.view(all);
        let origin = self.bookmark(bookmark, view.len())?;
        let hit = if flags & DIR_BACKWARD == 0 {
            (origin..view.len()).find(|&i| res.matches(view[i]))
        } else {
            (0..origin).rev().find(|&i| res.matches(view[i]))
        };
        let found = hit.ok_or(HResult::MAPI_E_NOT_FOUND)?;
        self.position = found;
        Ok(())
    }

    /// `QueryPosition`: the cursor's row (the next row `QueryRows` reads) and its place as a
    /// fraction `row / rows` of the view (denominator 1 for an empty view).
    pub fn query_position(&self, all: &[SRow]) -> TablePosition {
        let n = self.view(all).len();
        let row = u32::try_from(self.position.min(n)).unwrap_or(u32::MAX);
        TablePosition {
            row,
            numerator: row,
            denominator: u32::try_from(n.max(1)).unwrap_or(u32::MAX),
        }
    }

    /// `GetRowCount`: the rows that pass the restriction.
    pub fn row_count(&self, all: &[SRow]) -> u32 {
        u32::try_from(self.view(all).len()).unwrap_or(u32::MAX)
    }

    /// `QueryRows`: up to `row_count` rows from the cursor, each projected onto the column set.
    ///
    /// A positive count reads forward from the cursor; a negative count first moves back that
    /// many rows (stopping at the beginning) and returns the rows between there and the
    /// cursor, in table order, as MAPI documents `QueryRows`. Without `TBL_NOADVANCE` the
    /// cursor then moves in the reading direction: forward past the last row returned, or
    /// backward to the first row returned (so repeated negative calls page backwards); with
    /// `TBL_NOADVANCE` it stays where it was. An empty set means the cursor was already at
    /// the end (forward) or the beginning (backward).
    /// `row_count` 0 → `MAPI_E_INVALID_PARAMETER`; flags other than `TBL_NOADVANCE` →
    /// `MAPI_E_UNKNOWN_FLAGS`.
    pub fn query_rows(&mut self, all: &[SRow], row_count: i32, flags: u32) -> MapiResult<SRowSet> {
        check_query_rows(row_count, flags)?;
        let order = self.order(all);
        Ok(self.query_in(all, &order, row_count, flags))
    }

    /// [`TableView::query_rows`] over a snapshot shared with the table's owner (see
    /// [`TableView::seek_row_shared`]).
    pub fn query_rows_shared(
        &mut self,
        all: &Arc<Vec<SRow>>,
        row_count: i32,
        flags: u32,
    ) -> MapiResult<SRowSet> {
        check_query_rows(row_count, flags)?;
        self.memo_order(all);
        let memo = self.memo.take();
        let order = memo.as_ref().map_or(&[][..], |(_, o)| o);
        let rows = self.query_in(all, order, row_count, flags);
        self.memo = memo;
        Ok(rows)
    }

    /// The rows of a checked `QueryRows` call, `order` being the view over `all`.
    fn query_in(&mut self, all: &[SRow], order: &[usize], row_count: i32, flags: u32) -> SRowSet {
        let pos = self.position.min(order.len());
        let wanted = row_count.unsigned_abs() as usize;
        let (start, end) = if row_count > 0 {
            (pos, pos.saturating_add(wanted).min(order.len()))
        } else {
            (pos.saturating_sub(wanted), pos)
        };
        let rows = order[start..end]
            .iter()
            .map(|&i| self.project(&all[i]))
            .collect();
        self.position = match (flags & TBL_NOADVANCE != 0, row_count > 0) {
            (true, _) => pos,
            (false, true) => end,
            (false, false) => start,
        };
        rows
    }

    /// `row` as the column set shows it: with no column set, every property in the row's own
    /// order; otherwise one cell per column, in column order. A column the row has (exact tag)
    /// comes back as it is; a column the row holds as a `PT_ERROR` cell comes back as that
    /// error; a column the row lacks — including the other string width of a column it has —
    /// comes back as [`SPropValue::null`] (`PT_NULL` with `PROP_ID_NULL`).
    pub fn project(&self, row: &SRow) -> SRow {
        let Some(cols) = &self.columns else {
            return row.clone();
        };
        let cell = |col: PropTag| -> SPropValue {
            if let Some(p) = row.props.iter().find(|p| p.tag == col) {
                return p.clone();
            }
            row.props
                .iter()
                .find(|p| prop_id(p.tag) == prop_id(col) && prop_type(p.tag) == PT_ERROR)
                .cloned()
                .unwrap_or_else(SPropValue::null)
        };
        SRow::new(cols.iter().map(|&c| cell(c)).collect())
    }
}

/// The checks of `QueryRows`, in order: flags other than `TBL_NOADVANCE` →
/// `MAPI_E_UNKNOWN_FLAGS`; `row_count` 0 → `MAPI_E_INVALID_PARAMETER`.
fn check_query_rows(row_count: i32, flags: u32) -> MapiResult<()> {
    if flags & !TBL_NOADVANCE != 0 {
        return Err(HResult::MAPI_E_UNKNOWN_FLAGS);
    }
    if row_count == 0 {
        return Err(HResult::MAPI_E_INVALID_PARAMETER);
    }
    Ok(())
}

/// `GetRowCount`'s flags are reserved: anything but 0 → `MAPI_E_UNKNOWN_FLAGS`.
pub(crate) fn check_row_count_flags(flags: u32) -> MapiResult<()> {
    if flags != 0 {
        return Err(HResult::MAPI_E_UNKNOWN_FLAGS);
    }
    Ok(())
}

/// The `IMAPITable` methods the simulator's clients use, under MAPI's names. Synchronous: a
/// call's effect is complete when it returns.
pub trait MapiTable {
    /// `SetColumns(lpPropTagArray, ulFlags)`.
    fn set_columns(&mut self, cols: &[PropTag], flags: u32) -> MapiResult<()>;
    /// `QueryColumns(ulFlags, lpPropTagArray)`: the current (or default) column set, or with
    /// `TBL_ALL_COLUMNS` every column the table can show.
    fn query_columns(&self, flags: u32) -> MapiResult<Vec<PropTag>>;
    /// `Restrict(lpRestriction, ulFlags)`; `None` removes the restriction.
    fn restrict(&mut self, res: Option<SRestriction>, flags: u32) -> MapiResult<()>;
    /// `SortTable(lpSortCriteria, ulFlags)`; `None` restores the natural order.
    fn sort_table(&mut self, sort: Option<SSortOrderSet>, flags: u32) -> MapiResult<()>;
    /// `QuerySortOrder(lppSortCriteria)`: an empty set when the table is in natural order.
    fn query_sort_order(&self) -> MapiResult<SSortOrderSet>;
    /// `SeekRow(bkOrigin, lRowCount, lplRowsSought)`: returns the rows moved.
    fn seek_row(&mut self, bookmark: u32, row_count: i32) -> MapiResult<i32>;
    /// `FindRow(lpRestriction, BkOrigin, ulFlags)`: moves the cursor to the next matching row
    /// ([`TableView::find_row`]).
    fn find_row(&mut self, res: &SRestriction, bookmark: u32, flags: u32) -> MapiResult<()>;
    /// `QueryPosition(lpulRow, lpulNumerator, lpulDenominator)`.
    fn query_position(&self) -> MapiResult<TablePosition>;
    /// `QueryRows(lRowCount, ulFlags, lppRows)`.
    fn query_rows(&mut self, row_count: i32, flags: u32) -> MapiResult<SRowSet>;
    /// `GetRowCount(ulFlags, lpulCount)`: the rows in the (restricted) view. `ulFlags` is
    /// reserved: anything but 0 → `MAPI_E_UNKNOWN_FLAGS`.
    fn get_row_count(&self, flags: u32) -> MapiResult<u32>;
}

/// `HrQueryAllRows(ptable, ptaga, pres, psos, crowsMax, pprows)`: sets the column set if
/// `columns` is given (`None` keeps the current column set), sets the restriction to
/// `restriction` (`None` removes any restriction set before, so every row comes back) and the
/// sort order to `sort` (`None` restores the default order), seeks to the beginning and reads
/// every row.
///
/// `max_rows` 0 means no limit; otherwise a table with more than `max_rows` rows fails with
/// `MAPI_E_TABLE_TOO_BIG` — a memory stop-gap, not a "first N rows" limit. Errors of the
/// table's own methods are returned as they are.
pub fn hr_query_all_rows<T: MapiTable + ?Sized>(
    table: &mut T,
    columns: Option<&[PropTag]>,
    restriction: Option<&SRestriction>,
    sort: Option<&SSortOrderSet>,
    max_rows: u32,
) -> MapiResult<SRowSet> {
    if let Some(cols) = columns {
        table.set_columns(cols, 0)?;
    }
    table.restrict(restriction.cloned(), 0)?;
    table.sort_table(sort.cloned(), 0)?;
    table.seek_row(BOOKMARK_BEGINNING, 0)?;
    let mut all = SRowSet::default();
    loop {
        let batch = table.query_rows(QUERY_BATCH, 0)?;
        if batch.is_empty() {
            return Ok(all);
        }
        all.rows.extend(batch);
        if max_rows != 0 && all.len() > max_rows as usize {
            return Err(HResult::MAPI_E_TABLE_TOO_BIG);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mapi::constants::{
        MAPI_AB, MAPI_SPOOLER, MAPI_SUBSYSTEM, MAPI_TRANSPORT_PROVIDER, RELOP_EQ, RELOP_GE,
    };
    use crate::mapi::props::{EntryId, PropValue};
    use crate::mapi::tags::{
        PR_DISPLAY_NAME, PR_DISPLAY_NAME_A, PR_ENTRYID, PR_NULL, PR_RESOURCE_METHODS,
        PR_RESOURCE_TYPE, PR_STATUS_CODE, PR_STATUS_STRING,
    };

    /// A table object over a fixed set of rows, as a status table delegates to its view.
    struct VecTable {
        rows: Vec<SRow>,
        view: TableView,
    }

    impl VecTable {
        fn new(rows: Vec<SRow>) -> Self {
            VecTable {
                rows,
                view: TableView::new(),
            }
        }
    }

    impl MapiTable for VecTable {
        fn set_columns(&mut self, cols: &[PropTag], flags: u32) -> MapiResult<()> {
            self.view.set_columns(cols, flags)
        }
        fn restrict(&mut self, res: Option<SRestriction>, flags: u32) -> MapiResult<()> {
            self.view.restrict(res, flags)
        }
        fn sort_table(&mut self, sort: Option<SSortOrderSet>, flags: u32) -> MapiResult<()> {
            self.view.sort_table(sort, flags)
        }
        fn query_columns(&self, flags: u32) -> MapiResult<Vec<PropTag>> {
            let mut all: Vec<PropTag> = Vec::new();
            for p in self.rows.iter().flat_map(|r| &r.props) {
                if !all.contains(&p.tag) {
                    all.push(p.tag);
                }
            }
            self.view.query_columns(flags, &all)
        }
        fn query_sort_order(&self) -> MapiResult<SSortOrderSet> {
            Ok(self.view.query_sort_order())
        }
        fn seek_row(&mut self, bookmark: u32, row_count: i32) -> MapiResult<i32> {
            self.view.seek_row(&self.rows, bookmark, row_count)
        }
        fn find_row(&mut self, res: &SRestriction, bookmark: u32, flags: u32) -> MapiResult<()> {
            self.view.find_row(&self.rows, res, bookmark, flags)
        }
        fn query_position(&self) -> MapiResult<TablePosition> {
            Ok(self.view.query_position(&self.rows))
        }
        fn query_rows(&mut self, row_count: i32, flags: u32) -> MapiResult<SRowSet> {
            self.view.query_rows(&self.rows, row_count, flags)
        }
        fn get_row_count(&self, flags: u32) -> MapiResult<u32> {
            check_row_count_flags(flags)?;
            Ok(self.view.row_count(&self.rows))
        }
    }

    fn status_row(id: u8, kind: u32, name: &str, methods: u32) -> SRow {
        SRow::new(vec![
            SPropValue::binary(PR_ENTRYID, vec![id]),
            SPropValue::string(PR_DISPLAY_NAME, name),
            SPropValue::long(PR_RESOURCE_TYPE, kind),
            SPropValue::long(PR_RESOURCE_METHODS, methods),
            SPropValue::long(PR_STATUS_CODE, 1),
        ])
    }

    /// A small status table for these unit tests (the live table's own order is subsystem, address
    /// book, spooler, then transports; these tests do not depend on it).
    fn status_rows() -> Vec<SRow> {
        vec![
            status_row(1, MAPI_SUBSYSTEM, "MAPI Subsystem", 0x1),
            status_row(2, MAPI_SPOOLER, "MAPI Spooler", 0x9),
            status_row(3, MAPI_AB, "Address Book", 0x1),
            status_row(4, MAPI_TRANSPORT_PROVIDER, "SMTP", 0xB),
            status_row(5, MAPI_TRANSPORT_PROVIDER, "Fax", 0x3),
        ]
    }

    fn ids(set: &SRowSet) -> Vec<u8> {
        set.iter().map(|r| r.entry_id().unwrap().0[0]).collect()
    }

    fn resource_type_is(kind: u32) -> SRestriction {
        SRestriction::property(
            RELOP_EQ,
            PR_RESOURCE_TYPE,
            SPropValue::long(PR_RESOURCE_TYPE, kind),
        )
    }

    #[test]
    fn query_all_rows_without_restriction() {
        let mut t = VecTable::new(status_rows());
        let all = hr_query_all_rows(&mut t, None, None, None, 0).unwrap();
        assert_eq!(ids(&all), [1, 2, 3, 4, 5]);
        assert_eq!(all[0].props.len(), 5, "default column set: every property");
        assert_eq!(all[1].string(PR_DISPLAY_NAME), Some("MAPI Spooler"));
    }

    /// Seed procedure 1: SetColumns {PR_ENTRYID, PR_RESOURCE_TYPE}, restrict
    /// to PR_RESOURCE_TYPE == MAPI_SPOOLER, HrQueryAllRows → the single spooler row.
    #[test]
    fn spooler_restriction_returns_exactly_one_row() {
        let mut t = VecTable::new(status_rows());
        let cols = [PR_ENTRYID, PR_RESOURCE_TYPE];
        let res = resource_type_is(MAPI_SPOOLER);
        let rows = hr_query_all_rows(&mut t, Some(&cols), Some(&res), None, 0).unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(
            rows[0].props,
            vec![
                SPropValue::binary(PR_ENTRYID, vec![2]),
                SPropValue::long(PR_RESOURCE_TYPE, 37),
            ]
        );
        assert_eq!(rows[0].entry_id(), Some(EntryId(vec![2])));
        assert_eq!(t.get_row_count(0), Ok(1));
    }

    /// Seed procedure 2: every transport row. MAPI documents `HrQueryAllRows`' `pres` as "if
    /// NULL, no restriction": a call without one returns every row, whatever an earlier call
    /// restricted the table to.
    #[test]
    fn transport_restriction_returns_transport_rows() {
        let mut t = VecTable::new(status_rows());
        let res = resource_type_is(MAPI_TRANSPORT_PROVIDER);
        let rows = hr_query_all_rows(&mut t, None, Some(&res), None, 0).unwrap();
        assert_eq!(ids(&rows), [4, 5]);
        let again = hr_query_all_rows(&mut t, None, None, None, 0).unwrap();
        assert_eq!(ids(&again), [1, 2, 3, 4, 5]);
    }

    #[test]
    fn table_too_big_is_a_stop_gap_not_a_limit() {
        let mut t = VecTable::new(status_rows());
        assert_eq!(
            hr_query_all_rows(&mut t, None, None, None, 4),
            Err(HResult::MAPI_E_TABLE_TOO_BIG)
        );
        assert_eq!(
            hr_query_all_rows(&mut t, None, None, None, 5)
                .unwrap()
                .len(),
            5
        );
        let res = resource_type_is(MAPI_TRANSPORT_PROVIDER);
        assert_eq!(
            hr_query_all_rows(&mut t, None, Some(&res), None, 2)
                .unwrap()
                .len(),
            2
        );
        assert_eq!(
            hr_query_all_rows(&mut t, None, Some(&res), None, 1),
            Err(HResult::MAPI_E_TABLE_TOO_BIG)
        );
    }

    #[test]
    fn query_all_rows_reads_past_one_batch() {
        let rows: Vec<SRow> = (0..600u32)
            .map(|i| SRow::new(vec![SPropValue::long(PR_STATUS_CODE, i)]))
            .collect();
        let mut t = VecTable::new(rows);
        let all = hr_query_all_rows(&mut t, None, None, None, 0).unwrap();
        assert_eq!(all.len(), 600);
        assert_eq!(all[599].long(PR_STATUS_CODE), Some(599));
        assert_eq!(
            hr_query_all_rows(&mut t, None, None, None, 599),
            Err(HResult::MAPI_E_TABLE_TOO_BIG)
        );
    }

    #[test]
    fn query_all_rows_rejects_bad_restriction() {
        let mut t = VecTable::new(status_rows());
        let bad = SRestriction::property(
            RELOP_EQ,
            PR_RESOURCE_TYPE,
            SPropValue::string(PR_DISPLAY_NAME, "MAPI_SPOOLER"),
        );
        assert_eq!(
            hr_query_all_rows(&mut t, None, Some(&bad), None, 0),
            Err(HResult::MAPI_E_TOO_COMPLEX)
        );
    }

    #[test]
    fn missing_column_comes_back_as_pt_null() {
        let mut rows = status_rows();
        rows[1].props.push(SPropValue::not_found(PR_STATUS_STRING));
        let mut view = TableView::new();
        view.set_columns(&[PR_RESOURCE_TYPE, PR_STATUS_STRING, PR_DISPLAY_NAME_A], 0)
            .unwrap();
        assert_eq!(
            view.columns(),
            Some(&[PR_RESOURCE_TYPE, PR_STATUS_STRING, PR_DISPLAY_NAME_A][..])
        );
        let got = view.query_rows(&rows, 2, 0).unwrap();
        let first = &got[0].props;
        assert_eq!(first.len(), 3);
        assert_eq!(first[0], SPropValue::long(PR_RESOURCE_TYPE, MAPI_SUBSYSTEM));
        assert_eq!(first[1].tag, 0x0000_0001);
        assert_eq!(first[1].tag, PR_NULL);
        assert_eq!(first[1].value, PropValue::Null);
        // The 8-bit column is another column than the Unicode cell the row holds.
        assert_eq!(first[2], SPropValue::null());
        // An error cell in the row comes back as that error.
        assert_eq!(got[1].props[1], SPropValue::not_found(PR_STATUS_STRING));
    }

    #[test]
    fn set_columns_errors() {
        let mut view = TableView::new();
        assert_eq!(
            view.set_columns(&[], 0),
            Err(HResult::MAPI_E_INVALID_PARAMETER)
        );
        assert_eq!(
            view.set_columns(&[PR_ENTRYID], 0x4),
            Err(HResult::MAPI_E_UNKNOWN_FLAGS)
        );
        assert_eq!(view.columns(), None);
        assert_eq!(
            view.set_columns(&[PR_ENTRYID], TBL_ASYNC | TBL_BATCH),
            Ok(())
        );
        assert_eq!(view.restrict(None, 0x8), Err(HResult::MAPI_E_UNKNOWN_FLAGS));
        assert_eq!(
            view.sort_table(None, 0x10),
            Err(HResult::MAPI_E_UNKNOWN_FLAGS)
        );
    }

    #[test]
    fn cursor_advances_unless_noadvance() {
        let rows = status_rows();
        let mut view = TableView::new();
        let a = view.query_rows(&rows, 2, TBL_NOADVANCE).unwrap();
        assert_eq!(ids(&a), [1, 2]);
        let b = view.query_rows(&rows, 2, 0).unwrap();
        assert_eq!(ids(&b), [1, 2], "NOADVANCE kept the cursor");
        let c = view.query_rows(&rows, 2, 0).unwrap();
        assert_eq!(ids(&c), [3, 4]);
        let d = view.query_rows(&rows, 10, 0).unwrap();
        assert_eq!(ids(&d), [5]);
        assert!(
            view.query_rows(&rows, 1, 0).unwrap().is_empty(),
            "at the end"
        );
        assert_eq!(
            view.query_rows(&rows, 0, 0),
            Err(HResult::MAPI_E_INVALID_PARAMETER)
        );
        assert_eq!(
            view.query_rows(&rows, 1, TBL_ALL_COLUMNS | 0x2),
            Err(HResult::MAPI_E_UNKNOWN_FLAGS)
        );
    }

    #[test]
    fn negative_row_counts_read_backwards() {
        let rows = status_rows();
        let mut view = TableView::new();
        assert_eq!(view.seek_row(&rows, BOOKMARK_END, 0), Ok(0));
        let last_two = view.query_rows(&rows, -2, 0).unwrap();
        assert_eq!(ids(&last_two), [4, 5], "returned in table order");
        let peek = view.query_rows(&rows, -2, TBL_NOADVANCE).unwrap();
        assert_eq!(ids(&peek), [2, 3]);
        let next = view.query_rows(&rows, -2, 0).unwrap();
        assert_eq!(ids(&next), [2, 3]);
        let rest = view.query_rows(&rows, -5, 0).unwrap();
        assert_eq!(ids(&rest), [1], "stops at the beginning");
        assert!(view.query_rows(&rows, -1, 0).unwrap().is_empty());
        assert_eq!(ids(&view.query_rows(&rows, 1, 0).unwrap()), [1]);
    }

    #[test]
    fn seek_row_reports_rows_moved() {
        let rows = status_rows();
        let mut view = TableView::new();
        assert_eq!(view.seek_row(&rows, BOOKMARK_BEGINNING, 3), Ok(3));
        assert_eq!(view.seek_row(&rows, BOOKMARK_CURRENT, 5), Ok(2));
        assert_eq!(view.seek_row(&rows, BOOKMARK_CURRENT, -1), Ok(-1));
        assert_eq!(ids(&view.query_rows(&rows, 1, 0).unwrap()), [5]);
        assert_eq!(view.seek_row(&rows, BOOKMARK_END, -10), Ok(-5));
        assert_eq!(view.seek_row(&rows, BOOKMARK_BEGINNING, -1), Ok(0));
        assert_eq!(
            view.seek_row(&rows, 3, 0),
            Err(HResult::MAPI_E_INVALID_BOOKMARK)
        );
        // A cursor past a shrunken table counts as its end.
        view.seek_row(&rows, BOOKMARK_END, 0).unwrap();
        assert_eq!(view.seek_row(&rows[..2], BOOKMARK_CURRENT, -1), Ok(-1));
        assert_eq!(ids(&view.query_rows(&rows[..2], 5, 0).unwrap()), [2]);
    }

    #[test]
    fn restrict_resets_cursor_and_counts() {
        let rows = status_rows();
        let mut view = TableView::new();
        assert_eq!(view.row_count(&rows), 5);
        view.query_rows(&rows, 3, 0).unwrap();
        let ge = SRestriction::property(
            RELOP_GE,
            PR_RESOURCE_METHODS,
            SPropValue::long(PR_RESOURCE_METHODS, 0x9),
        );
        view.restrict(Some(ge.clone()), 0).unwrap();
        assert_eq!(view.restriction(), Some(&ge));
        assert_eq!(view.row_count(&rows), 2);
        assert_eq!(ids(&view.query_rows(&rows, 10, 0).unwrap()), [2, 4]);
        view.restrict(None, 0).unwrap();
        assert_eq!(view.row_count(&rows), 5);
        // A rejected restriction leaves the view as it was.
        view.restrict(Some(resource_type_is(MAPI_SPOOLER)), 0)
            .unwrap();
        let bad = SRestriction::property(RELOP_EQ, PR_RESOURCE_TYPE, SPropValue::null());
        assert_eq!(
            view.restrict(Some(bad), 0),
            Err(HResult::MAPI_E_TOO_COMPLEX)
        );
        assert_eq!(view.row_count(&rows), 1);
    }

    #[test]
    fn sort_ascending_descending_and_stable() {
        let rows = status_rows();
        let mut t = VecTable::new(rows.clone());
        let by_name = SSortOrderSet(vec![SSortOrder::ascending(PR_DISPLAY_NAME)]);
        let asc = hr_query_all_rows(&mut t, None, None, Some(&by_name), 0).unwrap();
        // Address Book, Fax, MAPI Spooler, MAPI Subsystem, SMTP
        assert_eq!(ids(&asc), [3, 5, 2, 1, 4]);
        let desc_set = SSortOrderSet(vec![SSortOrder::descending(PR_DISPLAY_NAME)]);
        let desc = hr_query_all_rows(&mut t, None, None, Some(&desc_set), 0).unwrap();
        assert_eq!(ids(&desc), [4, 1, 2, 5, 3]);
        // Descending type (39, 37, 36, 36, 34); the two transports tie and the second key,
        // methods ascending, puts Fax (0x3) before SMTP (0xB).
        let by_type = SSortOrderSet(vec![
            SSortOrder::descending(PR_RESOURCE_TYPE),
            SSortOrder::ascending(PR_RESOURCE_METHODS),
        ]);
        let typed = hr_query_all_rows(&mut t, None, None, Some(&by_type), 0).unwrap();
        assert_eq!(ids(&typed), [1, 2, 5, 4, 3]);
        // Equal keys keep the natural order.
        let stable = SSortOrderSet(vec![SSortOrder::ascending(PR_STATUS_CODE)]);
        let same = hr_query_all_rows(&mut t, None, None, Some(&stable), 0).unwrap();
        assert_eq!(ids(&same), [1, 2, 3, 4, 5]);
        // A missing property sorts first.
        let mut with_gap = rows;
        with_gap[4].props.retain(|p| p.tag != PR_DISPLAY_NAME);
        let mut view = TableView::new();
        view.sort_table(Some(by_name), 0).unwrap();
        assert_eq!(
            ids(&view.query_rows(&with_gap, 10, 0).unwrap()),
            [5, 3, 2, 1, 4]
        );
        // Back to natural order.
        view.sort_table(None, 0).unwrap();
        assert_eq!(view.sort_order(), None);
        assert_eq!(
            ids(&view.query_rows(&with_gap, 10, 0).unwrap()),
            [1, 2, 3, 4, 5]
        );
    }

    /// MAPI documents `HrQueryAllRows`' `psos` as "if NULL, the default sort order for the
    /// table is used": a call without one undoes an earlier call's sort.
    #[test]
    fn query_all_rows_without_sort_restores_default_order() {
        let mut t = VecTable::new(status_rows());
        let by_name = SSortOrderSet(vec![SSortOrder::ascending(PR_DISPLAY_NAME)]);
        let sorted = hr_query_all_rows(&mut t, None, None, Some(&by_name), 0).unwrap();
        assert_eq!(ids(&sorted), [3, 5, 2, 1, 4]);
        assert_eq!(t.query_sort_order(), Ok(by_name));
        let natural = hr_query_all_rows(&mut t, None, None, None, 0).unwrap();
        assert_eq!(ids(&natural), [1, 2, 3, 4, 5]);
        assert_eq!(t.query_sort_order(), Ok(SSortOrderSet::default()));
    }

    /// MAPI documents `FindRow` as searching forward from the bookmark's row, or with
    /// `DIR_BACKWARD` from the row before the bookmark, and moving the cursor to the row found.
    #[test]
    fn find_row_in_both_directions() {
        let rows = status_rows();
        let mut view = TableView::new();
        let transport = resource_type_is(MAPI_TRANSPORT_PROVIDER);
        view.find_row(&rows, &transport, BOOKMARK_BEGINNING, 0)
            .unwrap();
        assert_eq!(view.query_position(&rows).row, 3);
        // Forward from the current row finds that row again.
        view.find_row(&rows, &transport, BOOKMARK_CURRENT, 0)
            .unwrap();
        assert_eq!(ids(&view.query_rows(&rows, 1, TBL_NOADVANCE).unwrap()), [4]);
        // Backward from the end: the last transport.
        view.find_row(&rows, &transport, BOOKMARK_END, DIR_BACKWARD)
            .unwrap();
        assert_eq!(ids(&view.query_rows(&rows, 1, TBL_NOADVANCE).unwrap()), [5]);
        // Backward from row 4 (Fax) starts at row 3 (SMTP).
        view.find_row(&rows, &transport, BOOKMARK_CURRENT, DIR_BACKWARD)
            .unwrap();
        assert_eq!(view.query_position(&rows).row, 3);
        // Nothing before the first transport: not found, cursor unchanged.
        assert_eq!(
            view.find_row(&rows, &transport, BOOKMARK_CURRENT, DIR_BACKWARD),
            Err(HResult::MAPI_E_NOT_FOUND)
        );
        assert_eq!(view.query_position(&rows).row, 3);
        assert_eq!(
            view.find_row(&rows, &transport, BOOKMARK_END, 0),
            Err(HResult::MAPI_E_NOT_FOUND)
        );
        assert_eq!(
            view.find_row(&rows, &transport, BOOKMARK_BEGINNING, DIR_BACKWARD),
            Err(HResult::MAPI_E_NOT_FOUND)
        );
        assert_eq!(
            view.find_row(&rows, &transport, 7, 0),
            Err(HResult::MAPI_E_INVALID_BOOKMARK)
        );
        assert_eq!(
            view.find_row(&rows, &transport, BOOKMARK_BEGINNING, 0x2),
            Err(HResult::MAPI_E_UNKNOWN_FLAGS)
        );
    }

    /// MAPI documents `QueryPosition`'s row as zero-based, "the next row to be read", with a
    /// denominator that cannot be zero.
    #[test]
    fn query_position_counts_the_view() {
        let rows = status_rows();
        let mut view = TableView::new();
        assert_eq!(
            view.query_position(&rows),
            TablePosition {
                row: 0,
                numerator: 0,
                denominator: 5
            }
        );
        view.seek_row(&rows, BOOKMARK_END, 0).unwrap();
        assert_eq!(view.query_position(&rows).row, 5);
        view.restrict(Some(resource_type_is(99)), 0).unwrap();
        assert_eq!(
            view.query_position(&rows),
            TablePosition {
                row: 0,
                numerator: 0,
                denominator: 1
            }
        );
    }

    /// MAPI documents `QueryColumns` as returning the current column set, the default set
    /// before any `SetColumns`, and with `TBL_ALL_COLUMNS` every available column.
    #[test]
    fn query_columns_current_default_and_all() {
        let mut t = VecTable::new(status_rows());
        let all = vec![
            PR_ENTRYID,
            PR_DISPLAY_NAME,
            PR_RESOURCE_TYPE,
            PR_RESOURCE_METHODS,
            PR_STATUS_CODE,
        ];
        assert_eq!(t.query_columns(0), Ok(all.clone()));
        t.set_columns(&[PR_STATUS_CODE, PR_ENTRYID], 0).unwrap();
        assert_eq!(t.query_columns(0), Ok(vec![PR_STATUS_CODE, PR_ENTRYID]));
        assert_eq!(t.query_columns(TBL_ALL_COLUMNS), Ok(all));
        assert_eq!(t.query_columns(0x2), Err(HResult::MAPI_E_UNKNOWN_FLAGS));
        assert_eq!(t.get_row_count(1), Err(HResult::MAPI_E_UNKNOWN_FLAGS));
    }

    #[test]
    fn sort_errors() {
        let mut view = TableView::new();
        let bad_order = SSortOrderSet(vec![SSortOrder {
            prop_tag: PR_DISPLAY_NAME,
            order: 2,
        }]);
        assert_eq!(
            view.sort_table(Some(bad_order), 0),
            Err(HResult::MAPI_E_INVALID_PARAMETER)
        );
        let mv = SSortOrderSet(vec![SSortOrder::ascending(PR_DISPLAY_NAME | MV_FLAG)]);
        assert_eq!(
            view.sort_table(Some(mv), 0),
            Err(HResult::MAPI_E_TOO_COMPLEX)
        );
        assert_eq!(view.sort_order(), None);
    }
}
