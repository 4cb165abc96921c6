//! Numeric MAPI constants that are not property tags, flush flags or return codes.
//!
//! The simulator exchanges these values with scenario files, metrics and tests, so they must
//! be the real values of the MAPI headers (`mapidefs.h`, `mapispi.h`, `mapiguid.h`), not
//! simulator-private enums. Each group is headed by what it is. The `*_names` helpers exist so that
//! traces and error messages show `STATUS_AVAILABLE | STATUS_OUTBOUND_FLUSH` rather than a
//! bare number.

// ---- PR_RESOURCE_METHODS bits ---------------------------------------------------

/// `PR_RESOURCE_METHODS` bit: the object implements `IMAPIStatus::ValidateState`.
pub const STATUS_VALIDATE_STATE: u32 = 0x0000_0001;
/// `PR_RESOURCE_METHODS` bit: the object implements `IMAPIStatus::SettingsDialog`.
pub const STATUS_SETTINGS_DIALOG: u32 = 0x0000_0002;
/// `PR_RESOURCE_METHODS` bit: the object implements `IMAPIStatus::ChangePassword`.
pub const STATUS_CHANGE_PASSWORD: u32 = 0x0000_0004;
/// `PR_RESOURCE_METHODS` bit: the object implements `IMAPIStatus::FlushQueues`.
pub const STATUS_FLUSH_QUEUES: u32 = 0x0000_0008;

// ---- PR_RESOURCE_TYPE values --------------------------------------------------------

/// `PR_RESOURCE_TYPE`: message store provider.
pub const MAPI_STORE_PROVIDER: u32 = 33;
/// `PR_RESOURCE_TYPE`: MAPI's integrated address book.
pub const MAPI_AB: u32 = 34;
/// `PR_RESOURCE_TYPE`: address book provider.
pub const MAPI_AB_PROVIDER: u32 = 35;
/// `PR_RESOURCE_TYPE`: transport provider.
pub const MAPI_TRANSPORT_PROVIDER: u32 = 36;
/// `PR_RESOURCE_TYPE`: the message spooler.
pub const MAPI_SPOOLER: u32 = 37;
/// `PR_RESOURCE_TYPE`: profile provider.
pub const MAPI_PROFILE_PROVIDER: u32 = 38;
/// `PR_RESOURCE_TYPE`: the MAPI subsystem as a whole.
pub const MAPI_SUBSYSTEM: u32 = 39;
/// `PR_RESOURCE_TYPE`: spooler hook provider.
pub const MAPI_HOOK_PROVIDER: u32 = 40;

// ---- PR_STATUS_CODE bits ----------------------------------------------------------------

/// `PR_STATUS_CODE`: the resource is operational.
pub const STATUS_AVAILABLE: u32 = 0x0000_0001;
/// `PR_STATUS_CODE`: only local data and services are available.
pub const STATUS_OFFLINE: u32 = 0x0000_0002;
/// `PR_STATUS_CODE`: the resource has a problem.
pub const STATUS_FAILURE: u32 = 0x0000_0004;
/// `PR_STATUS_CODE`: the transport can receive inbound messages.
pub const STATUS_INBOUND_ENABLED: u32 = 0x0001_0000;
/// `PR_STATUS_CODE`: the transport is receiving an inbound message.
pub const STATUS_INBOUND_ACTIVE: u32 = 0x0002_0000;
/// `PR_STATUS_CODE`: an inbound flush is in progress.
pub const STATUS_INBOUND_FLUSH: u32 = 0x0004_0000;
/// `PR_STATUS_CODE`: the transport can handle outbound messages.
pub const STATUS_OUTBOUND_ENABLED: u32 = 0x0010_0000;
/// `PR_STATUS_CODE`: the transport is processing an outbound message.
pub const STATUS_OUTBOUND_ACTIVE: u32 = 0x0020_0000;
/// `PR_STATUS_CODE`: an outbound flush is in progress.
pub const STATUS_OUTBOUND_FLUSH: u32 = 0x0040_0000;
/// `PR_STATUS_CODE`: the transport supports remote access (header download).
pub const STATUS_REMOTE_ACCESS: u32 = 0x0080_0000;

// ---- PR_RESOURCE_FLAGS bits ---------------------------------------------------------

/// `PR_RESOURCE_FLAGS`: identity to use for outbound among several instances of a transport.
pub const STATUS_DEFAULT_OUTBOUND: u32 = 0x0000_0001;
/// `PR_RESOURCE_FLAGS`: the default store.
pub const STATUS_DEFAULT_STORE: u32 = 0x0000_0002;
/// `PR_RESOURCE_FLAGS`: the provider furnishes the session's primary identity.
pub const STATUS_PRIMARY_IDENTITY: u32 = 0x0000_0004;
/// `PR_RESOURCE_FLAGS`: the Simple MAPI default store.
pub const STATUS_SIMPLE_STORE: u32 = 0x0000_0008;
/// `PR_RESOURCE_FLAGS`: the transport wants to be chosen last when several can send.
pub const STATUS_XP_PREFER_LAST: u32 = 0x0000_0010;
/// `PR_RESOURCE_FLAGS`: the provider supplies no identity.
pub const STATUS_NO_PRIMARY_IDENTITY: u32 = 0x0000_0020;
/// `PR_RESOURCE_FLAGS`: the store can never be the default.
pub const STATUS_NO_DEFAULT_STORE: u32 = 0x0000_0040;
/// `PR_RESOURCE_FLAGS`: the store is not published and goes away at logoff.
pub const STATUS_TEMP_SECTION: u32 = 0x0000_0080;
/// `PR_RESOURCE_FLAGS`: the transport is tightly coupled to a store.
pub const STATUS_OWN_STORE: u32 = 0x0000_0100;
/// `PR_RESOURCE_FLAGS` (mapihook.h): the spooler hook processes inbound mail.
pub const HOOK_INBOUND: u32 = 0x0000_0200;
/// `PR_RESOURCE_FLAGS` (mapihook.h): the spooler hook processes outbound mail.
pub const HOOK_OUTBOUND: u32 = 0x0000_0400;
/// `PR_RESOURCE_FLAGS`: the IPM folders have not been verified yet.
pub const STATUS_NEED_IPM_TREE: u32 = 0x0000_0800;
/// `PR_RESOURCE_FLAGS`: the store to open at logon.
pub const STATUS_PRIMARY_STORE: u32 = 0x0000_1000;
/// `PR_RESOURCE_FLAGS`: the fallback store at logon.
pub const STATUS_SECONDARY_STORE: u32 = 0x0000_2000;

// ---- ValidateState / SettingsDialog flags -----------------------------------------

/// `ValidateState`: show no property sheets or progress dialogs.
pub const SUPPRESS_UI: u32 = 0x0000_0001;
/// `ValidateState`: remote transport downloads a fresh header list.
pub const REFRESH_XP_HEADER_CACHE: u32 = 0x0001_0000;
/// `ValidateState`: remote transport acts on marked headers.
pub const PROCESS_XP_HEADER_CACHE: u32 = 0x0002_0000;
/// `ValidateState`: connect.
pub const FORCE_XP_CONNECT: u32 = 0x0004_0000;
/// `ValidateState`: disconnect.
pub const FORCE_XP_DISCONNECT: u32 = 0x0008_0000;
/// `ValidateState`: the configuration changed (lets the spooler recover a failed transport).
pub const CONFIG_CHANGED: u32 = 0x0010_0000;
/// `ValidateState`: the user cancelled a header operation.
pub const ABORT_XP_HEADER_OPERATION: u32 = 0x0020_0000;
/// `ValidateState`: show the transport's header-processing UI.
pub const SHOW_XP_SESSION_UI: u32 = 0x0040_0000;
/// `SettingsDialog`: show the configuration read-only (a hint).
pub const UI_READONLY: u32 = 0x0000_0001;

// ---- object types -------------------------------------------------------------------

/// Object type: message store.
pub const MAPI_STORE: u32 = 0x01;
/// Object type: address book.
pub const MAPI_ADDRBOOK: u32 = 0x02;
/// Object type: folder.
pub const MAPI_FOLDER: u32 = 0x03;
/// Object type: address book container.
pub const MAPI_ABCONT: u32 = 0x04;
/// Object type: message.
pub const MAPI_MESSAGE: u32 = 0x05;
/// Object type: messaging user.
pub const MAPI_MAILUSER: u32 = 0x06;
/// Object type: attachment.
pub const MAPI_ATTACH: u32 = 0x07;
/// Object type: distribution list.
pub const MAPI_DISTLIST: u32 = 0x08;
/// Object type: profile section.
pub const MAPI_PROFSECT: u32 = 0x09;
/// Object type: status object (`PR_OBJECT_TYPE` of every status row).
pub const MAPI_STATUS: u32 = 0x0A;
/// Object type: session.
pub const MAPI_SESSION: u32 = 0x0B;
/// Object type: form information.
pub const MAPI_FORMINFO: u32 = 0x0C;

// ---- notification events ------------------------------------------------------------

/// Notification event `fnevCriticalError`: critical error.
#[allow(non_upper_case_globals)]
pub const fnevCriticalError: u32 = 0x0000_0001;
/// Notification event `fnevNewMail`: new mail arrived.
#[allow(non_upper_case_globals)]
pub const fnevNewMail: u32 = 0x0000_0002;
/// Notification event `fnevObjectCreated`: object created.
#[allow(non_upper_case_globals)]
pub const fnevObjectCreated: u32 = 0x0000_0004;
/// Notification event `fnevObjectDeleted`: object deleted.
#[allow(non_upper_case_globals)]
pub const fnevObjectDeleted: u32 = 0x0000_0008;
/// Notification event `fnevObjectModified`: object modified.
#[allow(non_upper_case_globals)]
pub const fnevObjectModified: u32 = 0x0000_0010;
/// Notification event `fnevObjectMoved`: object moved.
#[allow(non_upper_case_globals)]
pub const fnevObjectMoved: u32 = 0x0000_0020;
/// Notification event `fnevObjectCopied`: object copied.
#[allow(non_upper_case_globals)]
pub const fnevObjectCopied: u32 = 0x0000_0040;
/// Notification event `fnevSearchComplete`: search complete.
#[allow(non_upper_case_globals)]
pub const fnevSearchComplete: u32 = 0x0000_0080;
/// Notification event `fnevTableModified`: a table changed (carries a `TABLE_*` event).
#[allow(non_upper_case_globals)]
pub const fnevTableModified: u32 = 0x0000_0100;
/// Notification event `fnevStatusObjectModified`: status object modified (internal to MAPI).
#[allow(non_upper_case_globals)]
pub const fnevStatusObjectModified: u32 = 0x0000_0200;
/// Notification event `fnevReservedForMapi`: reserved for MAPI.
#[allow(non_upper_case_globals)]
pub const fnevReservedForMapi: u32 = 0x4000_0000;
/// Notification event `fnevExtended`: extended event.
#[allow(non_upper_case_globals)]
pub const fnevExtended: u32 = 0x8000_0000;

// ---- TABLE_NOTIFICATION events ------------------------------------------------------

/// Table event: the table changed as a whole.
pub const TABLE_CHANGED: u32 = 1;
/// Table event: an error occurred.
pub const TABLE_ERROR: u32 = 2;
/// Table event: a row was added.
pub const TABLE_ROW_ADDED: u32 = 3;
/// Table event: a row was deleted.
pub const TABLE_ROW_DELETED: u32 = 4;
/// Table event: a row was modified.
pub const TABLE_ROW_MODIFIED: u32 = 5;
/// Table event: an asynchronous sort finished.
pub const TABLE_SORT_DONE: u32 = 6;
/// Table event: an asynchronous restriction finished.
pub const TABLE_RESTRICT_DONE: u32 = 7;
/// Table event: an asynchronous `SetColumns` finished.
pub const TABLE_SETCOL_DONE: u32 = 8;
/// Table event: the table must be reloaded.
pub const TABLE_RELOAD: u32 = 9;

// ---- restrictions -------------------------------------------------------------------

/// Restriction type: all sub-restrictions must match.
pub const RES_AND: u32 = 0;
/// Restriction type: any sub-restriction must match.
pub const RES_OR: u32 = 1;
/// Restriction type: the sub-restriction must not match.
pub const RES_NOT: u32 = 2;
/// Restriction type: string/binary content search.
pub const RES_CONTENT: u32 = 3;
/// Restriction type: property compared with a constant.
pub const RES_PROPERTY: u32 = 4;
/// Restriction type: two properties compared.
pub const RES_COMPAREPROPS: u32 = 5;
/// Restriction type: bitmask test.
pub const RES_BITMASK: u32 = 6;
/// Restriction type: property size compared.
pub const RES_SIZE: u32 = 7;
/// Restriction type: property exists.
pub const RES_EXIST: u32 = 8;
/// Restriction type: restriction on a sub-object.
pub const RES_SUBRESTRICTION: u32 = 9;
/// Restriction type: comment (annotates a restriction).
pub const RES_COMMENT: u32 = 0xA;

/// Relational operator: property value `<` constant.
pub const RELOP_LT: u32 = 0;
/// Relational operator: property value `<=` constant.
pub const RELOP_LE: u32 = 1;
/// Relational operator: property value `>` constant.
pub const RELOP_GT: u32 = 2;
/// Relational operator: property value `>=` constant.
pub const RELOP_GE: u32 = 3;
/// Relational operator: property value `==` constant.
pub const RELOP_EQ: u32 = 4;
/// Relational operator: property value `!=` constant.
pub const RELOP_NE: u32 = 5;
/// Relational operator: property value matches the constant as a regular expression.
pub const RELOP_RE: u32 = 6;

/// Bitmask operator: `value & mask == 0`.
pub const BMR_EQZ: u32 = 0;
/// Bitmask operator: `value & mask != 0`.
pub const BMR_NEZ: u32 = 1;

/// Content fuzzy level: the whole string must match.
pub const FL_FULLSTRING: u32 = 0x0000_0000;
/// Content fuzzy level: the constant may occur anywhere in the value.
pub const FL_SUBSTRING: u32 = 0x0000_0001;
/// Content fuzzy level: the value must start with the constant.
pub const FL_PREFIXSTRING: u32 = 0x0000_0002;
/// Content fuzzy level modifier: compare without regard to case.
pub const FL_IGNORECASE: u32 = 0x0001_0000;

// ---- table flags --------------------------------------------------------------------

/// `QueryColumns`: all available columns rather than the current set.
pub const TBL_ALL_COLUMNS: u32 = 0x0000_0001;
/// `SetColumns` / `Restrict` / `SortTable`: may complete asynchronously.
pub const TBL_ASYNC: u32 = 0x0000_0001;
/// Same value as [`TBL_ASYNC`].
pub const TBL_NOWAIT: u32 = 0x0000_0001;
/// `SetColumns` / `Restrict` / `SortTable`: may defer the work to the next data call.
pub const TBL_BATCH: u32 = 0x0000_0002;
/// `QueryRows`: do not move the cursor.
pub const TBL_NOADVANCE: u32 = 0x0000_0001;
/// `FindRow`: search backwards.
pub const DIR_BACKWARD: u32 = 0x0000_0001;
/// Bookmark: the first row.
pub const BOOKMARK_BEGINNING: u32 = 0;
/// Bookmark: the current cursor position.
pub const BOOKMARK_CURRENT: u32 = 1;
/// Bookmark: past the last row.
pub const BOOKMARK_END: u32 = 2;
/// `SSortOrder.ulOrder`: ascending.
pub const TABLE_SORT_ASCEND: u32 = 0;
/// `SSortOrder.ulOrder`: descending.
pub const TABLE_SORT_DESCEND: u32 = 1;

// ---- OpenEntry flags, MAPI_UNICODE -----------------------------------------------

/// `OpenEntry`: ask for read/write access.
pub const MAPI_MODIFY: u32 = 0x0000_0001;
/// `OpenEntry`: errors may be reported on a later call.
pub const MAPI_DEFERRED_ERRORS: u32 = 0x0000_0008;
/// `OpenEntry`: the highest access allowed.
pub const MAPI_BEST_ACCESS: u32 = 0x0000_0010;
/// Strings are Unicode (e.g. `GetStatusTable`, `TransportLogon`).
pub const MAPI_UNICODE: u32 = 0x8000_0000;

// ---- interface identifiers (mapiguid.h) ------------------------------------------------

/// An interface identifier (`IID`, a GUID), as a client passes it to `OpenEntry`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Iid {
    /// First 32 bits (`Data1`).
    pub data1: u32,
    /// Next 16 bits (`Data2`).
    pub data2: u16,
    /// Next 16 bits (`Data3`).
    pub data3: u16,
    /// Last 8 bytes (`Data4`).
    pub data4: [u8; 8],
}

/// `DEFINE_OLEGUID(name, l, 0, 0)`: the OLE family of GUIDs every MAPI interface id belongs to.
const fn ole_guid(data1: u32) -> Iid {
    Iid {
        data1,
        data2: 0,
        data3: 0,
        data4: [0xC0, 0, 0, 0, 0, 0, 0, 0x46],
    }
}

impl std::fmt::Display for Iid {
    /// Registry form, e.g. `{00020305-0000-0000-C000-000000000046}`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let d = &self.data4;
        write!(
            f,
            "{{{:08X}-{:04X}-{:04X}-{:02X}{:02X}-{:02X}{:02X}{:02X}{:02X}{:02X}{:02X}}}",
            self.data1, self.data2, self.data3, d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7]
        )
    }
}

/// `IID_IUnknown`: every object answers it.
#[allow(non_upper_case_globals)]
pub const IID_IUnknown: Iid = ole_guid(0x0000_0000);
/// `IID_IMAPITable`.
#[allow(non_upper_case_globals)]
pub const IID_IMAPITable: Iid = ole_guid(0x0002_0301);
/// `IID_IMAPIProp`: the property interface `IMAPIStatus` derives from.
#[allow(non_upper_case_globals)]
pub const IID_IMAPIProp: Iid = ole_guid(0x0002_0303);
/// `IID_IMAPIStatus`: the standard interface of a status object.
#[allow(non_upper_case_globals)]
pub const IID_IMAPIStatus: Iid = ole_guid(0x0002_0305);
/// `IID_IMAPIFolder`: a folder (a status object is not one).
#[allow(non_upper_case_globals)]
pub const IID_IMAPIFolder: Iid = ole_guid(0x0002_030C);

// ---- names ------------------------------------------------------------------------------------

const RESOURCE_TYPES: &[(u32, &str)] = &[
    (MAPI_STORE_PROVIDER, "MAPI_STORE_PROVIDER"),
    (MAPI_AB, "MAPI_AB"),
    (MAPI_AB_PROVIDER, "MAPI_AB_PROVIDER"),
    (MAPI_TRANSPORT_PROVIDER, "MAPI_TRANSPORT_PROVIDER"),
    (MAPI_SPOOLER, "MAPI_SPOOLER"),
    (MAPI_PROFILE_PROVIDER, "MAPI_PROFILE_PROVIDER"),
    (MAPI_SUBSYSTEM, "MAPI_SUBSYSTEM"),
    (MAPI_HOOK_PROVIDER, "MAPI_HOOK_PROVIDER"),
];

const STATUS_CODE_BITS: &[(u32, &str)] = &[
    (STATUS_AVAILABLE, "STATUS_AVAILABLE"),
    (STATUS_OFFLINE, "STATUS_OFFLINE"),
    (STATUS_FAILURE, "STATUS_FAILURE"),
    (STATUS_INBOUND_ENABLED, "STATUS_INBOUND_ENABLED"),
    (STATUS_INBOUND_ACTIVE, "STATUS_INBOUND_ACTIVE"),
    (STATUS_INBOUND_FLUSH, "STATUS_INBOUND_FLUSH"),
    (STATUS_OUTBOUND_ENABLED, "STATUS_OUTBOUND_ENABLED"),
    (STATUS_OUTBOUND_ACTIVE, "STATUS_OUTBOUND_ACTIVE"),
    (STATUS_OUTBOUND_FLUSH, "STATUS_OUTBOUND_FLUSH"),
    (STATUS_REMOTE_ACCESS, "STATUS_REMOTE_ACCESS"),
];

const RESOURCE_METHOD_BITS: &[(u32, &str)] = &[
    (STATUS_VALIDATE_STATE, "STATUS_VALIDATE_STATE"),
    (STATUS_SETTINGS_DIALOG, "STATUS_SETTINGS_DIALOG"),
    (STATUS_CHANGE_PASSWORD, "STATUS_CHANGE_PASSWORD"),
    (STATUS_FLUSH_QUEUES, "STATUS_FLUSH_QUEUES"),
];

/// The `MAPI_*` name of a `PR_RESOURCE_TYPE` value, or `None` for an unknown value.
pub fn resource_type_name(resource_type: u32) -> Option<&'static str> {
    RESOURCE_TYPES
        .iter()
        .find(|(v, _)| *v == resource_type)
        .map(|(_, n)| *n)
}

/// Formats a bit set as `NAME | NAME | 0x...`: known bits in table order, then the unknown
/// bits as one hex number; `"0"` when no bit is set.
pub(crate) fn bit_names(value: u32, table: &[(u32, &str)]) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut known = 0;
    for &(bit, name) in table {
        known |= bit;
        if value & bit == bit && bit != 0 {
            parts.push(name.to_owned());
        }
    }
    let unknown = value & !known;
    if unknown != 0 {
        parts.push(format!("{unknown:#x}"));
    }
    if parts.is_empty() {
        "0".to_owned()
    } else {
        parts.join(" | ")
    }
}

/// `PR_STATUS_CODE` as names, e.g. `"STATUS_AVAILABLE | STATUS_OUTBOUND_FLUSH"`.
/// Unknown bits are shown as one hex number (`0x...`), zero as `"0"`.
pub fn status_code_names(code: u32) -> String {
    bit_names(code, STATUS_CODE_BITS)
}

/// `PR_RESOURCE_METHODS` as names, e.g. `"STATUS_VALIDATE_STATE | STATUS_FLUSH_QUEUES"`.
/// Unknown bits are shown as one hex number (`0x...`), zero as `"0"`.
pub fn resource_methods_names(methods: u32) -> String {
    bit_names(methods, RESOURCE_METHOD_BITS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resource_types_match_reference() {
        assert_eq!(
            [
                MAPI_STORE_PROVIDER,
                MAPI_AB,
                MAPI_AB_PROVIDER,
                MAPI_TRANSPORT_PROVIDER,
                MAPI_SPOOLER,
                MAPI_PROFILE_PROVIDER,
                MAPI_SUBSYSTEM,
                MAPI_HOOK_PROVIDER
            ],
            [0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0x27, 0x28]
        );
        assert_eq!(MAPI_SPOOLER, 37);
        assert_eq!(resource_type_name(37), Some("MAPI_SPOOLER"));
        assert_eq!(resource_type_name(36), Some("MAPI_TRANSPORT_PROVIDER"));
        assert_eq!(resource_type_name(41), None);
    }

    #[test]
    fn resource_methods_match_reference() {
        assert_eq!(STATUS_VALIDATE_STATE, 1);
        assert_eq!(STATUS_SETTINGS_DIALOG, 2);
        assert_eq!(STATUS_CHANGE_PASSWORD, 4);
        assert_eq!(STATUS_FLUSH_QUEUES, 8);
        // The spooler row: ValidateState + FlushQueues = 0x9, as MAPI documents it.
        assert_eq!(
            resource_methods_names(0x9),
            "STATUS_VALIDATE_STATE | STATUS_FLUSH_QUEUES"
        );
        assert_eq!(resource_methods_names(0), "0");
        assert_eq!(resource_methods_names(0x31), "STATUS_VALIDATE_STATE | 0x30");
    }

    #[test]
    fn status_codes_match_reference() {
        let expected = [
            (STATUS_AVAILABLE, 0x1),
            (STATUS_OFFLINE, 0x2),
            (STATUS_FAILURE, 0x4),
            (STATUS_INBOUND_ENABLED, 0x0001_0000),
            (STATUS_INBOUND_ACTIVE, 0x0002_0000),
            (STATUS_INBOUND_FLUSH, 0x0004_0000),
            (STATUS_OUTBOUND_ENABLED, 0x0010_0000),
            (STATUS_OUTBOUND_ACTIVE, 0x0020_0000),
            (STATUS_OUTBOUND_FLUSH, 0x0040_0000),
            (STATUS_REMOTE_ACCESS, 0x0080_0000),
        ];
        for (got, want) in expected {
            assert_eq!(got, want);
        }
        assert_eq!(
            status_code_names(STATUS_AVAILABLE | STATUS_OUTBOUND_FLUSH),
            "STATUS_AVAILABLE | STATUS_OUTBOUND_FLUSH"
        );
        // 0x00080000 is the documented gap: unknown.
        assert_eq!(
            status_code_names(STATUS_OFFLINE | 0x0008_0000 | 0x8000_0000),
            "STATUS_OFFLINE | 0x80080000"
        );
        assert_eq!(status_code_names(0), "0");
    }

    #[test]
    fn resource_flags_and_validate_flags_match_reference() {
        assert_eq!(STATUS_DEFAULT_OUTBOUND, 0x1);
        assert_eq!(STATUS_XP_PREFER_LAST, 0x10);
        assert_eq!(STATUS_OWN_STORE, 0x100);
        assert_eq!(HOOK_INBOUND, 0x200);
        assert_eq!(HOOK_OUTBOUND, 0x400);
        assert_eq!(STATUS_SECONDARY_STORE, 0x2000);
        assert_eq!(SUPPRESS_UI, 0x1);
        assert_eq!(REFRESH_XP_HEADER_CACHE, 0x0001_0000);
        assert_eq!(CONFIG_CHANGED, 0x0010_0000);
        assert_eq!(SHOW_XP_SESSION_UI, 0x0040_0000);
    }

    #[test]
    fn objects_events_and_tables_match_reference() {
        assert_eq!(MAPI_STATUS, 10);
        assert_eq!(MAPI_FORMINFO, 0xC);
        assert_eq!(fnevTableModified, 0x100);
        assert_eq!(fnevStatusObjectModified, 0x200);
        assert_eq!(fnevExtended, 0x8000_0000);
        assert_eq!(TABLE_ROW_ADDED, 3);
        assert_eq!(TABLE_ROW_MODIFIED, 5);
        assert_eq!(TABLE_RELOAD, 9);
        assert_eq!(
            (RES_AND, RES_PROPERTY, RES_EXIST, RES_COMMENT),
            (0, 4, 8, 0xA)
        );
        assert_eq!((RELOP_LT, RELOP_EQ, RELOP_NE, RELOP_RE), (0, 4, 5, 6));
        assert_eq!((BMR_EQZ, BMR_NEZ), (0, 1));
        assert_eq!((TBL_ASYNC, TBL_BATCH, TBL_NOADVANCE), (1, 2, 1));
        assert_eq!(
            (BOOKMARK_BEGINNING, BOOKMARK_CURRENT, BOOKMARK_END),
            (0, 1, 2)
        );
        assert_eq!(
            (MAPI_MODIFY, MAPI_DEFERRED_ERRORS, MAPI_BEST_ACCESS),
            (1, 8, 0x10)
        );
        assert_eq!(MAPI_UNICODE, 0x8000_0000);
        assert_eq!(
            (FL_SUBSTRING, FL_PREFIXSTRING, FL_IGNORECASE),
            (1, 2, 0x10000)
        );
        assert_eq!((TBL_ALL_COLUMNS, DIR_BACKWARD), (1, 1));
    }

    /// mapiguid.h defines every MAPI interface id with `DEFINE_OLEGUID(name, l, 0, 0)`.
    #[test]
    fn interface_ids_match_mapiguid() {
        assert_eq!(
            IID_IMAPIStatus.to_string(),
            "{00020305-0000-0000-C000-000000000046}"
        );
        assert_eq!(
            IID_IUnknown.to_string(),
            "{00000000-0000-0000-C000-000000000046}"
        );
        assert_eq!(IID_IMAPIProp.data1, 0x0002_0303);
        assert_eq!(IID_IMAPITable.data1, 0x0002_0301);
        assert_eq!(IID_IMAPIFolder.data1, 0x0002_030C);
        assert_ne!(IID_IMAPIStatus, IID_IMAPIProp);
    }
}
