//! The live rows behind the session's status table.
//!
//! MAPI keeps one row per status object: the subsystem, the integrated address book, the
//! spooler and every active transport. The spooler actor owns the truth about `PR_STATUS_CODE`
//! and publishes each change here; tables read snapshots, and every change goes out as a
//! `TABLE_ROW_MODIFIED` notification on a broadcast channel, as `ModifyStatusRow` does.

use std::sync::{Mutex, MutexGuard};

use tokio::sync::broadcast;

use crate::mapi::constants::*;
use crate::mapi::tags::*;
use crate::mapi::{EntryId, SPropValue, SRow};
use crate::scenario::model::{Scenario, TransportConfig, TransportKind};
use crate::sim::{Clock, Micros};

/// Row of the MAPI subsystem.
pub const SUBSYSTEM_ROW: u16 = 0;
/// Row of the integrated address book.
pub const ADDRESS_BOOK_ROW: u16 = 1;
/// Row of the spooler.
pub const SPOOLER_ROW: u16 = 2;

/// Row of transport `t` (in profile order).
pub const fn transport_row(t: u16) -> u16 {
    3 + t
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

impl StatusRow {
    /// The row as table properties, in a fixed column order.
    pub fn to_srow(&self, row: u16) -> SRow {
        let id = entry_id(row);
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
                SPropValue::string(PR_STATUS_STRING, status_string(self.status_code)),
                SPropValue::string(PR_DISPLAY_NAME, &self.display_name),
                SPropValue::string(PR_PROVIDER_DISPLAY, &self.provider_display),
                SPropValue::string(PR_PROVIDER_DLL_NAME, &self.provider_dll),
            ],
        }
    }
}

/// A `TABLE_ROW_MODIFIED` notification.
#[derive(Debug, Clone, PartialEq)]
pub struct RowModified {
    /// Always `TABLE_ROW_MODIFIED`.
    pub table_event: u32,
    /// Virtual time of the change.
    pub at: Micros,
    /// The row after the change, with every column.
    pub row: SRow,
}

/// The shared, live status rows of one session.
#[derive(Debug)]
pub struct StatusStore {
    rows: Mutex<Vec<StatusRow>>,
    notify: broadcast::Sender<RowModified>,
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
        let (notify, _) = broadcast::channel(1024);
        StatusStore {
            rows: Mutex::new(rows),
            notify,
            clock,
        }
    }

    fn lock(&self) -> MutexGuard<'_, Vec<StatusRow>> {
        self.rows.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A snapshot of every row as table properties.
    pub fn snapshot(&self) -> Vec<SRow> {
        self.lock()
            .iter()
            .enumerate()
            .map(|(i, r)| r.to_srow(i as u16))
            .collect()
    }

    /// One row, if it exists.
    pub fn row(&self, row: u16) -> Option<StatusRow> {
        self.lock().get(row as usize).cloned()
    }

    /// How many rows there are.
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    /// Whether there are no rows (never, in a real session).
    pub fn is_empty(&self) -> bool {
        self.lock().is_empty()
    }

    /// Sets `PR_STATUS_CODE` of `row` and notifies subscribers if it changed.
    pub fn set_code(&self, row: u16, code: u32) {
        let srow = {
            let mut rows = self.lock();
            let Some(r) = rows.get_mut(row as usize) else {
                return;
            };
            if r.status_code == code {
                return;
            }
            r.status_code = code;
            // Building the notification's row costs allocations: only when someone listens.
            if self.notify.receiver_count() == 0 {
                return;
            }
            r.to_srow(row)
        };
        // A subscriber is a client task that this notification may wake.
        self.clock.client_woken();
        let _ = self.notify.send(RowModified {
            table_event: TABLE_ROW_MODIFIED,
            at: self.clock.now(),
            row: srow,
        });
    }

    /// A receiver of every later row change.
    pub fn subscribe(&self) -> broadcast::Receiver<RowModified> {
        self.notify.subscribe()
    }
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
}
