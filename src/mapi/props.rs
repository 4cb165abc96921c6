//! Property values, rows and row sets: the data a MAPI table hands back.
//!
//! Real MAPI passes these as C unions selected by the tag's type. Here the value is a Rust enum
//! and the tag is kept beside it, so a row looks like what a client of `QueryRows` would see,
//! and the tag (with its type) is what restrictions and column sets compare. Strings are Rust
//! `String`s whichever of `PT_STRING8` / `PT_UNICODE` the tag says (the simulator does not
//! model code pages), but the tag's width still counts: a table opened without `MAPI_UNICODE`
//! holds `PT_STRING8` cells, and restrictions and column sets match tags exactly.
//!
//! `PT_LONG` is MAPI's signed `LONG`, so it is stored as an `i32` and compares as one. Flag and
//! enumeration values (status codes, resource types) are `ULONG` constants in the headers; they
//! go in and out bit for bit through [`SPropValue::long`] and [`PropValue::as_long`], as C's
//! `Value.ul` member does.

use std::fmt;
use std::ops::Index;

use super::hresult::HResult;
use super::tags::{
    is_string_type, prop_id, prop_tag, prop_type, PropTag, MV_FLAG, PROP_ID_NULL, PR_ENTRYID,
    PT_BINARY, PT_BOOLEAN, PT_ERROR, PT_LONG, PT_NULL, PT_UNICODE,
};

/// An entry id (`ENTRYID` / `SBinary`): opaque bytes that identify an object to `OpenEntry`.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EntryId(pub Vec<u8>);

impl EntryId {
    /// The raw bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// Parses hexadecimal digits (either case, two per byte, nothing else), as printed by
    /// `Display`. `None` for an odd length or a non-hex character.
    pub fn from_hex(hex: &str) -> Option<Self> {
        if hex.len() % 2 != 0 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        (0..hex.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).ok())
            .collect::<Option<Vec<u8>>>()
            .map(EntryId)
    }
}

impl From<Vec<u8>> for EntryId {
    fn from(bytes: Vec<u8>) -> Self {
        EntryId(bytes)
    }
}

impl From<&[u8]> for EntryId {
    fn from(bytes: &[u8]) -> Self {
        EntryId(bytes.to_vec())
    }
}

impl fmt::Display for EntryId {
    /// Upper-case hex, two digits per byte (as MAPI tools show entry ids).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.iter().try_for_each(|b| write!(f, "{b:02X}"))
    }
}

impl fmt::Debug for EntryId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "EntryId({self})")
    }
}

/// The value half of an `SPropValue`: the union member its tag's type selects.
#[derive(Debug, Clone, PartialEq)]
pub enum PropValue {
    /// `PT_NULL`: no value.
    Null,
    /// `PT_LONG`: a signed 32-bit `LONG`.
    Long(i32),
    /// `PT_BOOLEAN`.
    Boolean(bool),
    /// `PT_STRING8` or `PT_UNICODE`.
    String(String),
    /// `PT_BINARY`.
    Binary(Vec<u8>),
    /// `PT_ERROR`: the `SCODE` standing in for a value that could not be read.
    Error(u32),
}

impl PropValue {
    /// The property type this value carries; strings report `PT_UNICODE` (see
    /// [`PropValue::fits`] for the check that accepts either string width).
    pub fn prop_type(&self) -> u32 {
        match self {
            PropValue::Null => PT_NULL,
            PropValue::Long(_) => PT_LONG,
            PropValue::Boolean(_) => PT_BOOLEAN,
            PropValue::String(_) => PT_UNICODE,
            PropValue::Binary(_) => PT_BINARY,
            PropValue::Error(_) => PT_ERROR,
        }
    }

    /// Whether this value is the union member a tag of type `ty` selects: a string for either
    /// string width, otherwise the same type.
    pub fn fits(&self, ty: u32) -> bool {
        match self {
            PropValue::String(_) => is_string_type(ty) && ty & MV_FLAG == 0,
            other => other.prop_type() == ty,
        }
    }

    /// The number's bits, for `PT_LONG`, read as an unsigned `ULONG` (C's `Value.ul`): how
    /// flag sets and enumerations such as `PR_STATUS_CODE` are read.
    pub fn as_long(&self) -> Option<u32> {
        match self {
            PropValue::Long(v) => Some(*v as u32),
            _ => None,
        }
    }

    /// The number, for `PT_LONG`, as MAPI's signed `LONG` (C's `Value.l`).
    pub fn as_signed_long(&self) -> Option<i32> {
        match self {
            PropValue::Long(v) => Some(*v),
            _ => None,
        }
    }

    /// The flag, for `PT_BOOLEAN`.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            PropValue::Boolean(v) => Some(*v),
            _ => None,
        }
    }

    /// The text, for a string.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            PropValue::String(s) => Some(s),
            _ => None,
        }
    }

    /// The bytes, for `PT_BINARY`.
    pub fn as_binary(&self) -> Option<&[u8]> {
        match self {
            PropValue::Binary(b) => Some(b),
            _ => None,
        }
    }
}

/// One property: its tag and its value (`SPropValue`).
#[derive(Debug, Clone, PartialEq)]
pub struct SPropValue {
    /// The property tag (`ulPropTag`).
    pub tag: PropTag,
    /// The value (`Value`).
    pub value: PropValue,
}

impl SPropValue {
    /// A `PT_LONG` property from a `ULONG` value such as a flag set or `MAPI_SPOOLER`, stored
    /// bit for bit as MAPI's signed `LONG` (so `0x80000000` is stored as `i32::MIN`).
    pub fn long(tag: PropTag, value: u32) -> Self {
        Self::signed_long(tag, value as i32)
    }

    /// A `PT_LONG` property from a signed `LONG` value.
    pub fn signed_long(tag: PropTag, value: i32) -> Self {
        SPropValue {
            tag,
            value: PropValue::Long(value),
        }
    }

    /// A string property; `tag` decides whether it is the `_A` (`PT_STRING8`) or `_W`
    /// (`PT_UNICODE`) form.
    pub fn string(tag: PropTag, value: impl Into<String>) -> Self {
        SPropValue {
            tag,
            value: PropValue::String(value.into()),
        }
    }

    /// A `PT_BINARY` property.
    pub fn binary(tag: PropTag, bytes: impl Into<Vec<u8>>) -> Self {
        SPropValue {
            tag,
            value: PropValue::Binary(bytes.into()),
        }
    }

    /// A `PT_BOOLEAN` property.
    pub fn boolean(tag: PropTag, value: bool) -> Self {
        SPropValue {
            tag,
            value: PropValue::Boolean(value),
        }
    }

    /// An undefined cell: tag `PROP_TAG(PT_NULL, PROP_ID_NULL)` = `0x00000001`, no value
    /// (what `HrQueryAllRows` returns for a column a row lacks; also `PR_NULL` in a
    /// notification's `propPrior` when the row is the first of the view).
    pub fn null() -> Self {
        SPropValue {
            tag: prop_tag(PT_NULL, PROP_ID_NULL),
            value: PropValue::Null,
        }
    }

    /// A property that could not be found: `PT_ERROR` with the tag's id, value
    /// `MAPI_E_NOT_FOUND` (what `GetProps` returns for a missing property).
    pub fn not_found(tag: PropTag) -> Self {
        SPropValue {
            tag: prop_tag(PT_ERROR, prop_id(tag)),
            value: PropValue::Error(HResult::MAPI_E_NOT_FOUND.code()),
        }
    }
}

/// Whether two tags name the same property in compatible types: same id, and the same type,
/// or both string types (`_A` and `_W` forms are interchangeable). This is the lenient match of
/// the Rust accessors and of `GetProps`, which converts strings to the width asked for; tables
/// and restrictions match tags exactly ([`SRow::find`]).
pub(crate) fn same_property(a: PropTag, b: PropTag) -> bool {
    prop_id(a) == prop_id(b)
        && (prop_type(a) == prop_type(b)
            || (is_string_type(prop_type(a)) && is_string_type(prop_type(b))))
}

/// A table row: its properties in column order (`SRow`).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SRow {
    /// The cells (`lpProps`).
    pub props: Vec<SPropValue>,
}

impl SRow {
    /// A row of these properties.
    pub fn new(props: Vec<SPropValue>) -> Self {
        SRow { props }
    }

    /// The property with `tag`'s id and type; for a string tag either string type matches
    /// (a convenience for reading results; restrictions and column sets use [`SRow::find`]).
    /// A `PT_ERROR` or `PT_NULL` cell is not returned for a tag of another type.
    pub fn get(&self, tag: PropTag) -> Option<&PropValue> {
        self.props
            .iter()
            .find(|p| same_property(p.tag, tag))
            .map(|p| &p.value)
    }

    /// The property whose tag is exactly `tag`, type included: `PR_DISPLAY_NAME_A` does not
    /// find a `PR_DISPLAY_NAME_W` cell. This is how a MAPI table looks a column up.
    pub fn find(&self, tag: PropTag) -> Option<&PropValue> {
        self.props.iter().find(|p| p.tag == tag).map(|p| &p.value)
    }

    /// The `PT_LONG` value of `tag`, read as a `ULONG` ([`PropValue::as_long`]).
    pub fn long(&self, tag: PropTag) -> Option<u32> {
        self.get(tag).and_then(PropValue::as_long)
    }

    /// The `PT_LONG` value of `tag` as a signed `LONG`.
    pub fn signed_long(&self, tag: PropTag) -> Option<i32> {
        self.get(tag).and_then(PropValue::as_signed_long)
    }

    /// The `PT_BOOLEAN` value of `tag`.
    pub fn boolean(&self, tag: PropTag) -> Option<bool> {
        self.get(tag).and_then(PropValue::as_bool)
    }

    /// The string value of `tag` (`_A` or `_W`).
    pub fn string(&self, tag: PropTag) -> Option<&str> {
        self.get(tag).and_then(PropValue::as_str)
    }

    /// The `PT_BINARY` value of `tag`.
    pub fn binary(&self, tag: PropTag) -> Option<&[u8]> {
        self.get(tag).and_then(PropValue::as_binary)
    }

    /// The row's `PR_ENTRYID`.
    pub fn entry_id(&self) -> Option<EntryId> {
        self.binary(PR_ENTRYID).map(EntryId::from)
    }

    /// Sets a property: replaces the cell with the same id (whatever its type), or appends
    /// one. This is the merge of `ModifyStatusRow(STATUSROW_UPDATE)`.
    pub fn set(&mut self, prop: SPropValue) {
        match self
            .props
            .iter_mut()
            .find(|p| prop_id(p.tag) == prop_id(prop.tag))
        {
            Some(cell) => *cell = prop,
            None => self.props.push(prop),
        }
    }
}

impl From<Vec<SPropValue>> for SRow {
    fn from(props: Vec<SPropValue>) -> Self {
        SRow { props }
    }
}

/// The rows a table query returns (`SRowSet`).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SRowSet {
    /// The rows (`aRow`).
    pub rows: Vec<SRow>,
}

impl SRowSet {
    /// Number of rows (`cRows`).
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// Whether there are no rows.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The rows in order.
    pub fn iter(&self) -> std::slice::Iter<'_, SRow> {
        self.rows.iter()
    }
}

impl From<Vec<SRow>> for SRowSet {
    fn from(rows: Vec<SRow>) -> Self {
        SRowSet { rows }
    }
}

impl FromIterator<SRow> for SRowSet {
    fn from_iter<I: IntoIterator<Item = SRow>>(iter: I) -> Self {
        SRowSet {
            rows: iter.into_iter().collect(),
        }
    }
}

impl IntoIterator for SRowSet {
    type Item = SRow;
    type IntoIter = std::vec::IntoIter<SRow>;
    fn into_iter(self) -> Self::IntoIter {
        self.rows.into_iter()
    }
}

impl<'a> IntoIterator for &'a SRowSet {
    type Item = &'a SRow;
    type IntoIter = std::slice::Iter<'a, SRow>;
    fn into_iter(self) -> Self::IntoIter {
        self.rows.iter()
    }
}

impl Index<usize> for SRowSet {
    type Output = SRow;
    fn index(&self, index: usize) -> &SRow {
        &self.rows[index]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mapi::tags::{
        PR_DISPLAY_NAME, PR_DISPLAY_NAME_A, PR_DISPLAY_NAME_W, PR_RESOURCE_TYPE, PR_STATUS_CODE,
        PT_STRING8,
    };

    fn spooler_row() -> SRow {
        SRow::new(vec![
            SPropValue::binary(PR_ENTRYID, vec![0xAB, 0x01]),
            SPropValue::string(PR_DISPLAY_NAME_A, "Spooler"),
            SPropValue::long(PR_RESOURCE_TYPE, 37),
            SPropValue::not_found(PR_STATUS_CODE),
        ])
    }

    #[test]
    fn entry_id_hex_round_trip() {
        let id = EntryId(vec![0x00, 0xAB, 0x1F]);
        assert_eq!(id.to_string(), "00AB1F");
        assert_eq!(format!("{id:?}"), "EntryId(00AB1F)");
        assert_eq!(EntryId::from_hex("00ab1f"), Some(id.clone()));
        assert_eq!(EntryId::from_hex("00AB1F"), Some(id));
        assert_eq!(EntryId::from_hex("0AB"), None);
        assert_eq!(EntryId::from_hex("zz"), None);
        assert_eq!(EntryId::from_hex("+1"), None);
        assert_eq!(EntryId::from_hex(""), Some(EntryId(vec![])));
    }

    #[test]
    fn constructors_carry_tags() {
        let null = SPropValue::null();
        assert_eq!(null.tag, 0x0000_0001);
        assert_eq!(null.value, PropValue::Null);
        let nf = SPropValue::not_found(PR_RESOURCE_TYPE);
        assert_eq!(nf.tag, 0x3E03_000A);
        assert_eq!(nf.value, PropValue::Error(0x8004_010F));
        assert_eq!(
            SPropValue::boolean(0x0E0F_000B, true).value.as_bool(),
            Some(true)
        );
        assert_eq!(PropValue::String("x".into()).prop_type(), PT_UNICODE);
        assert_eq!(PropValue::Binary(vec![]).prop_type(), PT_BINARY);
        assert_eq!(PropValue::Long(1).as_str(), None);
    }

    #[test]
    fn row_lookup_accepts_either_string_form() {
        let row = spooler_row();
        assert_eq!(row.string(PR_DISPLAY_NAME), Some("Spooler"));
        assert_eq!(row.string(PR_DISPLAY_NAME_W), Some("Spooler"));
        assert_eq!(row.string(PR_DISPLAY_NAME_A), Some("Spooler"));
        assert_eq!(row.long(PR_RESOURCE_TYPE), Some(37));
        // The error cell does not answer a PT_LONG question.
        assert_eq!(row.long(PR_STATUS_CODE), None);
        assert_eq!(row.get(PR_STATUS_CODE), None);
        assert_eq!(row.entry_id(), Some(EntryId(vec![0xAB, 0x01])));
        // Same id, other non-string type: no match.
        assert_eq!(row.get(prop_tag(PT_LONG, 0x3001)), None);
    }

    /// MAPI documents `PT_LONG` as a signed 32-bit `LONG`: a `ULONG` flag value above
    /// 0x7FFFFFFF reads back negative through `Value.l`, unchanged through `Value.ul`.
    #[test]
    fn pt_long_is_signed_and_ulong_values_round_trip() {
        let high = SPropValue::long(PR_STATUS_CODE, 0x8000_0001);
        assert_eq!(high.value, PropValue::Long(i32::MIN + 1));
        assert_eq!(high.value.as_long(), Some(0x8000_0001));
        assert_eq!(high.value.as_signed_long(), Some(-2_147_483_647));
        let minus_one = SPropValue::signed_long(PR_STATUS_CODE, -1);
        assert_eq!(minus_one.value.as_long(), Some(u32::MAX));
        let row = SRow::new(vec![minus_one]);
        assert_eq!(row.signed_long(PR_STATUS_CODE), Some(-1));
        assert_eq!(row.long(PR_STATUS_CODE), Some(0xFFFF_FFFF));
    }

    /// A table's cells are found by exact tag: the 8-bit and Unicode forms of a string
    /// property are different columns.
    #[test]
    fn find_matches_the_exact_tag() {
        let row = spooler_row();
        assert_eq!(
            row.find(PR_DISPLAY_NAME_A),
            Some(&PropValue::String("Spooler".into()))
        );
        assert_eq!(row.find(PR_DISPLAY_NAME_W), None);
        assert!(PropValue::String("x".into()).fits(PT_STRING8));
        assert!(PropValue::String("x".into()).fits(PT_UNICODE));
        assert!(!PropValue::String("x".into()).fits(PT_LONG));
        assert!(PropValue::Long(1).fits(PT_LONG));
    }

    #[test]
    fn row_set_replaces_by_id() {
        let mut row = spooler_row();
        row.set(SPropValue::long(PR_STATUS_CODE, 1));
        assert_eq!(row.long(PR_STATUS_CODE), Some(1));
        assert_eq!(row.props.len(), 4);
        row.set(SPropValue::long(0x3009_0003, 2));
        assert_eq!(row.props.len(), 5);
    }

    #[test]
    fn row_set_collection() {
        let set: SRowSet = vec![spooler_row(), SRow::default()].into();
        assert_eq!(set.len(), 2);
        assert!(!set.is_empty());
        assert_eq!(set[0].long(PR_RESOURCE_TYPE), Some(37));
        assert_eq!(set.iter().count(), 2);
        assert_eq!((&set).into_iter().filter(|r| r.props.is_empty()).count(), 1);
        let owned: Vec<SRow> = set.into_iter().collect();
        assert_eq!(owned.len(), 2);
        assert!(SRowSet::default().is_empty());
    }
}
