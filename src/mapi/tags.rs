//! Property tags: the 32-bit names under which MAPI stores every column value.
//!
//! A tag packs a property *id* (high 16 bits) with a property *type* (low 16 bits), so the
//! same property can be asked for as an 8-bit or a Unicode string. The status table and the
//! restriction and table machinery all speak in tags, so they live in one place here, with
//! the values of the MAPI headers (`mapidefs.h`, `mapitags.h`).
//!
//! Naming: for a string property the plain name is the Unicode tag (what a client passing
//! `MAPI_UNICODE` sees), `_A` is the 8-bit (`PT_STRING8`) form and `_W` the Unicode
//! (`PT_UNICODE`) form, as in the MAPI headers built with `UNICODE` defined.

/// A MAPI property tag: `(id << 16) | type`.
pub type PropTag = u32;

/// Property type: no value (used for undefined cells, with [`PROP_ID_NULL`]).
pub const PT_NULL: u32 = 0x0001;
/// Property type: 32-bit integer (`ULONG` / `LONG`).
pub const PT_LONG: u32 = 0x0003;
/// Property type: an error code (`SCODE`) standing in for a value.
pub const PT_ERROR: u32 = 0x000A;
/// Property type: boolean.
pub const PT_BOOLEAN: u32 = 0x000B;
/// Property type: 8-bit character string.
pub const PT_STRING8: u32 = 0x001E;
/// Property type: Unicode (UTF-16 in real MAPI) string.
pub const PT_UNICODE: u32 = 0x001F;
/// Property type: counted byte array (`SBinary`).
pub const PT_BINARY: u32 = 0x0102;
/// Flag OR-ed into a property type to make it multi-valued.
pub const MV_FLAG: u32 = 0x1000;

/// The property id of the null property (`PROP_ID_NULL`).
pub const PROP_ID_NULL: u32 = 0;

/// Builds a tag from a type and an id: `PROP_TAG(type, id)`.
pub const fn prop_tag(ty: u32, id: u32) -> PropTag {
    (id << 16) | (ty & 0xFFFF)
}

/// The type half of a tag: `PROP_TYPE(tag)`.
pub const fn prop_type(tag: PropTag) -> u32 {
    tag & 0xFFFF
}

/// The id half of a tag: `PROP_ID(tag)`.
pub const fn prop_id(tag: PropTag) -> u32 {
    tag >> 16
}

/// The same property with another type: `CHANGE_PROP_TYPE(tag, type)`.
pub const fn change_prop_type(tag: PropTag, ty: u32) -> PropTag {
    prop_tag(ty, prop_id(tag))
}

/// Whether a property type is one of the two string types (ignoring [`MV_FLAG`]).
pub const fn is_string_type(ty: u32) -> bool {
    let ty = ty & !MV_FLAG;
    ty == PT_STRING8 || ty == PT_UNICODE
}

/// The null tag, `PROP_TAG(PT_NULL, PROP_ID_NULL)` = `0x00000001`: an undefined cell.
pub const PR_NULL: PropTag = prop_tag(PT_NULL, PROP_ID_NULL);

/// `PR_ENTRYID`: the entry id that opens the row's status object (computed by MAPI).
pub const PR_ENTRYID: PropTag = prop_tag(PT_BINARY, 0x0FFF);
/// `PR_OBJECT_TYPE`: `MAPI_STATUS` on every status row (computed by MAPI).
pub const PR_OBJECT_TYPE: PropTag = prop_tag(PT_LONG, 0x0FFE);
/// `PR_INSTANCE_KEY`: identifies the row within the table (computed by MAPI).
pub const PR_INSTANCE_KEY: PropTag = prop_tag(PT_BINARY, 0x0FF6);
/// `PR_ROWID`: the row's id (computed by MAPI).
pub const PR_ROWID: PropTag = prop_tag(PT_LONG, 0x3000);

/// `PR_DISPLAY_NAME` (Unicode): the status object's name (required).
pub const PR_DISPLAY_NAME: PropTag = PR_DISPLAY_NAME_W;
/// `PR_DISPLAY_NAME_A`: 8-bit form of [`PR_DISPLAY_NAME`].
pub const PR_DISPLAY_NAME_A: PropTag = prop_tag(PT_STRING8, 0x3001);
/// `PR_DISPLAY_NAME_W`: Unicode form of [`PR_DISPLAY_NAME`].
pub const PR_DISPLAY_NAME_W: PropTag = prop_tag(PT_UNICODE, 0x3001);

/// `PR_PROVIDER_DISPLAY` (Unicode): the provider's name, a required property of `IMAPIStatus`.
pub const PR_PROVIDER_DISPLAY: PropTag = PR_PROVIDER_DISPLAY_W;
/// `PR_PROVIDER_DISPLAY_A`: 8-bit form of [`PR_PROVIDER_DISPLAY`].
pub const PR_PROVIDER_DISPLAY_A: PropTag = prop_tag(PT_STRING8, 0x3006);
/// `PR_PROVIDER_DISPLAY_W`: Unicode form of [`PR_PROVIDER_DISPLAY`].
pub const PR_PROVIDER_DISPLAY_W: PropTag = prop_tag(PT_UNICODE, 0x3006);

/// `PR_RESOURCE_FLAGS`: `STATUS_DEFAULT_OUTBOUND` and friends (set by MAPI).
pub const PR_RESOURCE_FLAGS: PropTag = prop_tag(PT_LONG, 0x3009);

/// `PR_PROVIDER_DLL_NAME` (Unicode): the provider's DLL (set by MAPI).
pub const PR_PROVIDER_DLL_NAME: PropTag = PR_PROVIDER_DLL_NAME_W;
/// `PR_PROVIDER_DLL_NAME_A`: 8-bit form of [`PR_PROVIDER_DLL_NAME`].
pub const PR_PROVIDER_DLL_NAME_A: PropTag = prop_tag(PT_STRING8, 0x300A);
/// `PR_PROVIDER_DLL_NAME_W`: Unicode form of [`PR_PROVIDER_DLL_NAME`].
pub const PR_PROVIDER_DLL_NAME_W: PropTag = prop_tag(PT_UNICODE, 0x300A);

/// `PR_PROVIDER_UID`: the provider's `MAPIUID` (optional).
pub const PR_PROVIDER_UID: PropTag = prop_tag(PT_BINARY, 0x300C);
/// `PR_PROVIDER_ORDINAL`: the provider's position in the profile (optional).
pub const PR_PROVIDER_ORDINAL: PropTag = prop_tag(PT_LONG, 0x300D);

/// `PR_IDENTITY_DISPLAY` (Unicode): display name of the identity the provider supplies.
pub const PR_IDENTITY_DISPLAY: PropTag = PR_IDENTITY_DISPLAY_W;
/// `PR_IDENTITY_DISPLAY_A`: 8-bit form of [`PR_IDENTITY_DISPLAY`].
pub const PR_IDENTITY_DISPLAY_A: PropTag = prop_tag(PT_STRING8, 0x3E00);
/// `PR_IDENTITY_DISPLAY_W`: Unicode form of [`PR_IDENTITY_DISPLAY`].
pub const PR_IDENTITY_DISPLAY_W: PropTag = prop_tag(PT_UNICODE, 0x3E00);

/// `PR_IDENTITY_ENTRYID`: entry id of the identity the provider supplies.
pub const PR_IDENTITY_ENTRYID: PropTag = prop_tag(PT_BINARY, 0x3E01);
/// `PR_RESOURCE_METHODS`: which `IMAPIStatus` methods the object supports (`STATUS_*` bits).
pub const PR_RESOURCE_METHODS: PropTag = prop_tag(PT_LONG, 0x3E02);
/// `PR_RESOURCE_TYPE`: `MAPI_SPOOLER`, `MAPI_TRANSPORT_PROVIDER`, ... (set by MAPI).
pub const PR_RESOURCE_TYPE: PropTag = prop_tag(PT_LONG, 0x3E03);
/// `PR_STATUS_CODE`: the object's `STATUS_*` state bits.
pub const PR_STATUS_CODE: PropTag = prop_tag(PT_LONG, 0x3E04);
/// `PR_IDENTITY_SEARCH_KEY`: search key of the identity (optional).
pub const PR_IDENTITY_SEARCH_KEY: PropTag = prop_tag(PT_BINARY, 0x3E05);
/// `PR_OWN_STORE_ENTRYID`: store of a transport with `STATUS_OWN_STORE`.
pub const PR_OWN_STORE_ENTRYID: PropTag = prop_tag(PT_BINARY, 0x3E06);

/// `PR_RESOURCE_PATH` (Unicode): path to the provider's resources (optional).
pub const PR_RESOURCE_PATH: PropTag = PR_RESOURCE_PATH_W;
/// `PR_RESOURCE_PATH_A`: 8-bit form of [`PR_RESOURCE_PATH`].
pub const PR_RESOURCE_PATH_A: PropTag = prop_tag(PT_STRING8, 0x3E07);
/// `PR_RESOURCE_PATH_W`: Unicode form of [`PR_RESOURCE_PATH`].
pub const PR_RESOURCE_PATH_W: PropTag = prop_tag(PT_UNICODE, 0x3E07);

/// `PR_STATUS_STRING` (Unicode): human-readable state (optional).
pub const PR_STATUS_STRING: PropTag = PR_STATUS_STRING_W;
/// `PR_STATUS_STRING_A`: 8-bit form of [`PR_STATUS_STRING`].
pub const PR_STATUS_STRING_A: PropTag = prop_tag(PT_STRING8, 0x3E08);
/// `PR_STATUS_STRING_W`: Unicode form of [`PR_STATUS_STRING`].
pub const PR_STATUS_STRING_W: PropTag = prop_tag(PT_UNICODE, 0x3E08);

/// `PR_HEADER_FOLDER_ENTRYID`: header folder of a remote transport (optional).
pub const PR_HEADER_FOLDER_ENTRYID: PropTag = prop_tag(PT_BINARY, 0x3E0A);
/// `PR_REMOTE_PROGRESS`: progress of a remote transport's operation (optional).
pub const PR_REMOTE_PROGRESS: PropTag = prop_tag(PT_LONG, 0x3E0B);

/// `PR_REMOTE_PROGRESS_TEXT` (Unicode): progress text of a remote transport (optional).
pub const PR_REMOTE_PROGRESS_TEXT: PropTag = PR_REMOTE_PROGRESS_TEXT_W;
/// `PR_REMOTE_PROGRESS_TEXT_A`: 8-bit form of [`PR_REMOTE_PROGRESS_TEXT`].
pub const PR_REMOTE_PROGRESS_TEXT_A: PropTag = prop_tag(PT_STRING8, 0x3E0C);
/// `PR_REMOTE_PROGRESS_TEXT_W`: Unicode form of [`PR_REMOTE_PROGRESS_TEXT`].
pub const PR_REMOTE_PROGRESS_TEXT_W: PropTag = prop_tag(PT_UNICODE, 0x3E0C);

/// `PR_REMOTE_VALIDATE_OK`: TRUE when a remote viewer may call `ValidateState`.
pub const PR_REMOTE_VALIDATE_OK: PropTag = prop_tag(PT_BOOLEAN, 0x3E0D);

/// `PR_RESPONSIBILITY`: on a recipient, TRUE once some transport has handled it.
pub const PR_RESPONSIBILITY: PropTag = prop_tag(PT_BOOLEAN, 0x0E0F);

/// `PR_ADDRTYPE` (Unicode): a recipient's address type (e.g. `SMTP`).
pub const PR_ADDRTYPE: PropTag = PR_ADDRTYPE_W;
/// `PR_ADDRTYPE_A`: 8-bit form of [`PR_ADDRTYPE`].
pub const PR_ADDRTYPE_A: PropTag = prop_tag(PT_STRING8, 0x3002);
/// `PR_ADDRTYPE_W`: Unicode form of [`PR_ADDRTYPE`].
pub const PR_ADDRTYPE_W: PropTag = prop_tag(PT_UNICODE, 0x3002);

/// `PR_STORE_RECORD_KEY`: record key of a store (a provider's private status column).
pub const PR_STORE_RECORD_KEY: PropTag = prop_tag(PT_BINARY, 0x0FFA);

/// Every named tag with its display name. Unicode string tags carry the plain name.
const NAMES: &[(PropTag, &str)] = &[
    (PR_NULL, "PR_NULL"),
    (PR_ENTRYID, "PR_ENTRYID"),
    (PR_OBJECT_TYPE, "PR_OBJECT_TYPE"),
    (PR_INSTANCE_KEY, "PR_INSTANCE_KEY"),
    (PR_ROWID, "PR_ROWID"),
    (PR_DISPLAY_NAME_W, "PR_DISPLAY_NAME"),
    (PR_DISPLAY_NAME_A, "PR_DISPLAY_NAME_A"),
    (PR_PROVIDER_DISPLAY_W, "PR_PROVIDER_DISPLAY"),
    (PR_PROVIDER_DISPLAY_A, "PR_PROVIDER_DISPLAY_A"),
    (PR_RESOURCE_FLAGS, "PR_RESOURCE_FLAGS"),
    (PR_PROVIDER_DLL_NAME_W, "PR_PROVIDER_DLL_NAME"),
    (PR_PROVIDER_DLL_NAME_A, "PR_PROVIDER_DLL_NAME_A"),
    (PR_PROVIDER_UID, "PR_PROVIDER_UID"),
    (PR_PROVIDER_ORDINAL, "PR_PROVIDER_ORDINAL"),
    (PR_IDENTITY_DISPLAY_W, "PR_IDENTITY_DISPLAY"),
    (PR_IDENTITY_DISPLAY_A, "PR_IDENTITY_DISPLAY_A"),
    (PR_IDENTITY_ENTRYID, "PR_IDENTITY_ENTRYID"),
    (PR_RESOURCE_METHODS, "PR_RESOURCE_METHODS"),
    (PR_RESOURCE_TYPE, "PR_RESOURCE_TYPE"),
    (PR_STATUS_CODE, "PR_STATUS_CODE"),
    (PR_IDENTITY_SEARCH_KEY, "PR_IDENTITY_SEARCH_KEY"),
    (PR_OWN_STORE_ENTRYID, "PR_OWN_STORE_ENTRYID"),
    (PR_RESOURCE_PATH_W, "PR_RESOURCE_PATH"),
    (PR_RESOURCE_PATH_A, "PR_RESOURCE_PATH_A"),
    (PR_STATUS_STRING_W, "PR_STATUS_STRING"),
    (PR_STATUS_STRING_A, "PR_STATUS_STRING_A"),
    (PR_HEADER_FOLDER_ENTRYID, "PR_HEADER_FOLDER_ENTRYID"),
    (PR_REMOTE_PROGRESS, "PR_REMOTE_PROGRESS"),
    (PR_REMOTE_PROGRESS_TEXT_W, "PR_REMOTE_PROGRESS_TEXT"),
    (PR_REMOTE_PROGRESS_TEXT_A, "PR_REMOTE_PROGRESS_TEXT_A"),
    (PR_REMOTE_VALIDATE_OK, "PR_REMOTE_VALIDATE_OK"),
    (PR_RESPONSIBILITY, "PR_RESPONSIBILITY"),
    (PR_ADDRTYPE_W, "PR_ADDRTYPE"),
    (PR_ADDRTYPE_A, "PR_ADDRTYPE_A"),
    (PR_STORE_RECORD_KEY, "PR_STORE_RECORD_KEY"),
];

/// The MAPI name of a known tag, for display: `PR_DISPLAY_NAME` for the Unicode form of a
/// string property, `PR_DISPLAY_NAME_A` for its 8-bit form. `None` for other tags.
pub fn tag_name(tag: PropTag) -> Option<&'static str> {
    NAMES.iter().find(|(t, _)| *t == tag).map(|(_, n)| *n)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Tag values exactly as `PROP_TAG(type, id)` gives them for the status-table properties
    /// (8-bit / Unicode forms).
    #[test]
    fn status_table_tags_match_reference() {
        let expected: &[(PropTag, u32)] = &[
            (PR_ENTRYID, 0x0FFF0102),
            (PR_OBJECT_TYPE, 0x0FFE0003),
            (PR_INSTANCE_KEY, 0x0FF60102),
            (PR_ROWID, 0x30000003),
            (PR_DISPLAY_NAME_A, 0x3001001E),
            (PR_DISPLAY_NAME_W, 0x3001001F),
            (PR_DISPLAY_NAME, 0x3001001F),
            (PR_PROVIDER_DISPLAY_A, 0x3006001E),
            (PR_PROVIDER_DISPLAY, 0x3006001F),
            (PR_RESOURCE_FLAGS, 0x30090003),
            (PR_PROVIDER_DLL_NAME_A, 0x300A001E),
            (PR_PROVIDER_DLL_NAME, 0x300A001F),
            (PR_PROVIDER_UID, 0x300C0102),
            (PR_PROVIDER_ORDINAL, 0x300D0003),
            (PR_IDENTITY_DISPLAY_A, 0x3E00001E),
            (PR_IDENTITY_DISPLAY, 0x3E00001F),
            (PR_IDENTITY_ENTRYID, 0x3E010102),
            (PR_RESOURCE_METHODS, 0x3E020003),
            (PR_RESOURCE_TYPE, 0x3E030003),
            (PR_STATUS_CODE, 0x3E040003),
            (PR_IDENTITY_SEARCH_KEY, 0x3E050102),
            (PR_OWN_STORE_ENTRYID, 0x3E060102),
            (PR_RESOURCE_PATH_A, 0x3E07001E),
            (PR_RESOURCE_PATH, 0x3E07001F),
            (PR_STATUS_STRING_A, 0x3E08001E),
            (PR_STATUS_STRING, 0x3E08001F),
            (PR_HEADER_FOLDER_ENTRYID, 0x3E0A0102),
            (PR_REMOTE_PROGRESS, 0x3E0B0003),
            (PR_REMOTE_PROGRESS_TEXT_A, 0x3E0C001E),
            (PR_REMOTE_PROGRESS_TEXT, 0x3E0C001F),
            (PR_REMOTE_VALIDATE_OK, 0x3E0D000B),
            (PR_RESPONSIBILITY, 0x0E0F000B),
            (PR_ADDRTYPE_A, 0x3002001E),
            (PR_ADDRTYPE_W, 0x3002001F),
            (PR_STORE_RECORD_KEY, 0x0FFA0102),
            (PR_NULL, 0x00000001),
        ];
        for &(tag, value) in expected {
            assert_eq!(tag, value, "{:?}", tag_name(tag));
        }
    }

    #[test]
    fn property_types_match_reference() {
        assert_eq!(
            [PT_NULL, PT_LONG, PT_ERROR, PT_BOOLEAN, PT_STRING8, PT_UNICODE, PT_BINARY, MV_FLAG],
            [0x1, 0x3, 0xA, 0xB, 0x1E, 0x1F, 0x102, 0x1000]
        );
    }

    #[test]
    fn tag_parts_round_trip() {
        assert_eq!(prop_id(PR_RESOURCE_TYPE), 0x3E03);
        assert_eq!(prop_type(PR_RESOURCE_TYPE), PT_LONG);
        assert_eq!(prop_tag(PT_BINARY, 0x0FFF), 0x0FFF0102);
        assert_eq!(change_prop_type(PR_DISPLAY_NAME_W, PT_STRING8), 0x3001001E);
        assert_eq!(change_prop_type(PR_RESOURCE_TYPE, PT_ERROR), 0x3E03000A);
        assert!(is_string_type(PT_STRING8));
        assert!(is_string_type(PT_UNICODE | MV_FLAG));
        assert!(!is_string_type(PT_BINARY));
    }

    #[test]
    fn names_are_unique_and_found() {
        assert_eq!(tag_name(0x3001001F), Some("PR_DISPLAY_NAME"));
        assert_eq!(tag_name(0x3001001E), Some("PR_DISPLAY_NAME_A"));
        assert_eq!(tag_name(0x3E030003), Some("PR_RESOURCE_TYPE"));
        assert_eq!(tag_name(0x3E03000A), None);
        for (i, (tag, name)) in NAMES.iter().enumerate() {
            assert!(
                NAMES[i + 1..].iter().all(|(t, n)| t != tag && n != name),
                "duplicate {name}"
            );
        }
    }
}
