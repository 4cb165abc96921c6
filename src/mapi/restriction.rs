//! Restrictions (`SRestriction`): the filters a client passes to `IMAPITable::Restrict` and
//! `HrQueryAllRows`.
//!
//! The on-demand flush procedures find the spooler row and the transport rows of the status
//! table with a property restriction on `PR_RESOURCE_TYPE`, so this module evaluates
//! restrictions against in-memory rows with MAPI's rules: the column tag and the constant's tag
//! must have the same type or the restriction is `MAPI_E_TOO_COMPLEX`. `PT_STRING8` and
//! `PT_UNICODE` are different types here, as in MAPI, and a column is looked up by its exact
//! tag, so a Unicode restriction on a table opened without `MAPI_UNICODE` names a property its
//! rows do not have. `PT_LONG` compares as MAPI's signed `LONG`. Where MAPI leaves the result
//! undefined (a property absent from the row) the simulator picks a documented answer: the row
//! does not match.

use std::cmp::Ordering;

use super::constants::{
    BMR_EQZ, BMR_NEZ, FL_FULLSTRING, FL_IGNORECASE, FL_PREFIXSTRING, FL_SUBSTRING, RELOP_EQ,
    RELOP_GE, RELOP_GT, RELOP_LE, RELOP_LT, RELOP_NE, RELOP_RE, RES_AND, RES_BITMASK, RES_CONTENT,
    RES_EXIST, RES_NOT, RES_OR, RES_PROPERTY,
};
use super::hresult::{HResult, MapiResult};
use super::props::{PropValue, SPropValue, SRow};
use super::tags::{is_string_type, prop_type, PropTag, MV_FLAG, PT_BINARY, PT_BOOLEAN, PT_LONG};

/// Compares a column with a constant (`SPropertyRestriction`): `row[prop_tag] relop prop`.
#[derive(Debug, Clone, PartialEq)]
pub struct SPropertyRestriction {
    /// The relational operator, a `RELOP_*` value.
    pub relop: u32,
    /// The column compared (`ulPropTag`).
    pub prop_tag: PropTag,
    /// The constant (`lpProp`); its tag's type must match the column's.
    pub prop: SPropValue,
}

/// A restriction tree (`SRestriction`); the variant is the `rt` member.
#[derive(Debug, Clone, PartialEq)]
pub enum SRestriction {
    /// `RES_AND`: every sub-restriction matches (an empty list matches every row).
    And(Vec<SRestriction>),
    /// `RES_OR`: some sub-restriction matches (an empty list matches no row).
    Or(Vec<SRestriction>),
    /// `RES_NOT`: the sub-restriction does not match.
    Not(Box<SRestriction>),
    /// `RES_PROPERTY`: a column compared with a constant.
    Property(SPropertyRestriction),
    /// `RES_BITMASK`: a `PT_LONG` column AND-ed with `mask`, tested with `BMR_EQZ`/`BMR_NEZ`.
    Bitmask {
        /// `BMR_EQZ` or `BMR_NEZ`.
        relbmr: u32,
        /// The `PT_LONG` column.
        prop_tag: PropTag,
        /// The mask.
        mask: u32,
    },
    /// `RES_EXIST`: the row has the property.
    Exist {
        /// The property looked for.
        prop_tag: PropTag,
    },
    /// `RES_CONTENT`: a string (or binary) column searched for the constant.
    Content {
        /// `FL_FULLSTRING`, `FL_SUBSTRING` or `FL_PREFIXSTRING`, optionally `| FL_IGNORECASE`.
        fuzzy_level: u32,
        /// The column searched.
        prop_tag: PropTag,
        /// The constant searched for.
        prop: SPropValue,
    },
}

/// Whether two property types count as the same for a restriction: only if they are equal, so
/// an 8-bit string (`PT_STRING8`) and a Unicode string (`PT_UNICODE`) do not.
fn same_type(a: u32, b: u32) -> bool {
    a == b
}

/// Whether a constant's value is the kind its own tag announces (`Value` vs `ulPropTag`).
fn consistent(prop: &SPropValue) -> bool {
    prop.value.fits(prop_type(prop.tag))
}

/// Compares two values of the same kind: longs as signed `LONG`s, booleans, strings by code
/// point (ordinal), binaries lexicographically. `None` for different or unordered kinds.
pub(crate) fn compare_values(a: &PropValue, b: &PropValue) -> Option<Ordering> {
    match (a, b) {
        (PropValue::Long(x), PropValue::Long(y)) => Some(x.cmp(y)),
        (PropValue::Boolean(x), PropValue::Boolean(y)) => Some(x.cmp(y)),
        (PropValue::String(x), PropValue::String(y)) => Some(x.cmp(y)),
        (PropValue::Binary(x), PropValue::Binary(y)) => Some(x.cmp(y)),
        _ => None,
    }
}

/// `RELOP_RE`'s pattern, anchored so that it must match the whole value.
fn anchored_regex(pattern: &str) -> Result<regex_lite::Regex, regex_lite::Error> {
    regex_lite::Regex::new(&format!("^(?:{pattern})$"))
}

/// Whether `needle` occurs in `haystack` (the empty needle occurs everywhere).
fn contains_bytes(haystack: &[u8], needle: &[u8]) -> bool {
    needle.is_empty() || haystack.windows(needle.len()).any(|w| w == needle)
}

impl SPropertyRestriction {
    fn validate(&self) -> MapiResult<()> {
        if self.relop > RELOP_RE {
            return Err(HResult::MAPI_E_INVALID_PARAMETER);
        }
        if !consistent(&self.prop) {
            return Err(HResult::MAPI_E_INVALID_PARAMETER);
        }
        let column = prop_type(self.prop_tag) & !MV_FLAG;
        let constant = prop_type(self.prop.tag);
        if !same_type(column, constant) {
            return Err(HResult::MAPI_E_TOO_COMPLEX);
        }
        let comparable =
            matches!(constant, PT_LONG | PT_BOOLEAN | PT_BINARY) || is_string_type(constant);
        if !comparable {
            return Err(HResult::MAPI_E_TOO_COMPLEX);
        }
        if self.relop == RELOP_RE {
            match &self.prop.value {
                PropValue::String(pattern) if anchored_regex(pattern).is_ok() => {}
                _ => return Err(HResult::MAPI_E_TOO_COMPLEX),
            }
        }
        Ok(())
    }

    fn matches(&self, row: &SRow) -> bool {
        let Some(value) = row.find(self.prop_tag) else {
            return false;
        };
        if self.relop == RELOP_RE {
            return match (value, &self.prop.value) {
                (PropValue::String(text), PropValue::String(pattern)) => {
                    anchored_regex(pattern).is_ok_and(|re| re.is_match(text))
                }
                _ => false,
            };
        }
        let Some(order) = compare_values(value, &self.prop.value) else {
            return false;
        };
        match self.relop {
            RELOP_LT => order.is_lt(),
            RELOP_LE => order.is_le(),
            RELOP_GT => order.is_gt(),
            RELOP_GE => order.is_ge(),
            RELOP_EQ => order.is_eq(),
            RELOP_NE => order.is_ne(),
            _ => false,
        }
    }
}

impl SRestriction {
    /// A `RES_PROPERTY` restriction: `row[prop_tag] relop value`.
    pub fn property(relop: u32, prop_tag: PropTag, value: SPropValue) -> Self {
        SRestriction::Property(SPropertyRestriction {
            relop,
            prop_tag,
            prop: value,
        })
    }

    /// A `RES_EXIST` restriction on `prop_tag`.
    pub fn exist(prop_tag: PropTag) -> Self {
        SRestriction::Exist { prop_tag }
    }

    /// A `RES_NOT` restriction (a constructor, not `std::ops::Not`).
    #[allow(clippy::should_implement_trait)]
    pub fn not(inner: SRestriction) -> Self {
        SRestriction::Not(Box::new(inner))
    }

    /// The `rt` member: the `RES_*` value of this node.
    pub fn rt(&self) -> u32 {
        match self {
            SRestriction::And(_) => RES_AND,
            SRestriction::Or(_) => RES_OR,
            SRestriction::Not(_) => RES_NOT,
            SRestriction::Property(_) => RES_PROPERTY,
            SRestriction::Bitmask { .. } => RES_BITMASK,
            SRestriction::Exist { .. } => RES_EXIST,
            SRestriction::Content { .. } => RES_CONTENT,
        }
    }

    /// Checks the whole tree as `IMAPITable::Restrict` would before filtering:
    ///
    /// - an unknown `RELOP_*` or `BMR_*`, an unknown fuzzy level, or a constant whose value is
    ///   not of its own tag's type → `MAPI_E_INVALID_PARAMETER`;
    /// - a constant whose type differs from the column's (ignoring `MV_FLAG` on the column;
    ///   an 8-bit and a Unicode string are different types) → `MAPI_E_TOO_COMPLEX`;
    /// - types that cannot be compared (`PT_NULL`, `PT_ERROR`), `RELOP_RE` on a non-string
    ///   or with an invalid pattern, a bitmask on a non-`PT_LONG` column, a content search on
    ///   anything but strings or binaries, or a fuzzy-level modifier other than
    ///   `FL_IGNORECASE` (not simulated) → `MAPI_E_TOO_COMPLEX`.
    pub fn validate(&self) -> MapiResult<()> {
        match self {
            SRestriction::And(list) | SRestriction::Or(list) => {
                list.iter().try_for_each(SRestriction::validate)
            }
            SRestriction::Not(inner) => inner.validate(),
            SRestriction::Property(p) => p.validate(),
            SRestriction::Bitmask {
                relbmr, prop_tag, ..
            } => {
                if *relbmr != BMR_EQZ && *relbmr != BMR_NEZ {
                    Err(HResult::MAPI_E_INVALID_PARAMETER)
                } else if prop_type(*prop_tag) != PT_LONG {
                    Err(HResult::MAPI_E_TOO_COMPLEX)
                } else {
                    Ok(())
                }
            }
            SRestriction::Exist { .. } => Ok(()),
            SRestriction::Content {
                fuzzy_level,
                prop_tag,
                prop,
            } => {
                if fuzzy_level & 0xFFFF > FL_PREFIXSTRING || !consistent(prop) {
                    return Err(HResult::MAPI_E_INVALID_PARAMETER);
                }
                if fuzzy_level & !0xFFFF & !FL_IGNORECASE != 0 {
                    return Err(HResult::MAPI_E_TOO_COMPLEX);
                }
                let column = prop_type(*prop_tag) & !MV_FLAG;
                let constant = prop_type(prop.tag);
                let searchable = is_string_type(constant) || constant == PT_BINARY;
                if !same_type(column, constant) || !searchable {
                    return Err(HResult::MAPI_E_TOO_COMPLEX);
                }
                Ok(())
            }
        }
    }

    /// Whether `row` passes this restriction.
    ///
    /// A property restriction, bitmask or content search on a property the row lacks does not
    /// match, whatever the operator (even `RELOP_NE`): MAPI calls that case undefined and tells
    /// callers to combine with `RES_EXIST` under `RES_AND`. So `Not(x)` matches such a row.
    /// Call [`SRestriction::validate`] first: an invalid node simply does not match.
    pub fn matches(&self, row: &SRow) -> bool {
        match self {
            SRestriction::And(list) => list.iter().all(|r| r.matches(row)),
            SRestriction::Or(list) => list.iter().any(|r| r.matches(row)),
            SRestriction::Not(inner) => !inner.matches(row),
            SRestriction::Property(p) => p.matches(row),
            SRestriction::Bitmask {
                relbmr,
                prop_tag,
                mask,
            } => match row.find(*prop_tag).and_then(PropValue::as_long) {
                Some(v) if *relbmr == BMR_EQZ => v & mask == 0,
                Some(v) if *relbmr == BMR_NEZ => v & mask != 0,
                _ => false,
            },
            SRestriction::Exist { prop_tag } => row.find(*prop_tag).is_some(),
            SRestriction::Content {
                fuzzy_level,
                prop_tag,
                prop,
            } => Self::content_matches(*fuzzy_level, row.find(*prop_tag), &prop.value),
        }
    }

    fn content_matches(fuzzy_level: u32, value: Option<&PropValue>, constant: &PropValue) -> bool {
        let (haystack, needle): (Vec<u8>, Vec<u8>) = match (value, constant) {
            (Some(PropValue::String(v)), PropValue::String(c)) => {
                if fuzzy_level & FL_IGNORECASE != 0 {
                    (v.to_lowercase().into_bytes(), c.to_lowercase().into_bytes())
                } else {
                    (v.clone().into_bytes(), c.clone().into_bytes())
                }
            }
            (Some(PropValue::Binary(v)), PropValue::Binary(c)) => (v.clone(), c.clone()),
            _ => return false,
        };
        match fuzzy_level & 0xFFFF {
            FL_FULLSTRING => haystack == needle,
            FL_SUBSTRING => contains_bytes(&haystack, &needle),
            FL_PREFIXSTRING => haystack.starts_with(&needle),
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mapi::constants::{MAPI_SPOOLER, MAPI_TRANSPORT_PROVIDER, STATUS_FLUSH_QUEUES};
    use crate::mapi::tags::{
        PR_DISPLAY_NAME, PR_DISPLAY_NAME_A, PR_ENTRYID, PR_NULL, PR_PROVIDER_DLL_NAME,
        PR_REMOTE_VALIDATE_OK, PR_RESOURCE_METHODS, PR_RESOURCE_TYPE, PR_STATUS_STRING,
    };

    fn row(kind: u32, name: &str, methods: u32) -> SRow {
        SRow::new(vec![
            SPropValue::long(PR_RESOURCE_TYPE, kind),
            SPropValue::string(PR_DISPLAY_NAME, name),
            SPropValue::long(PR_RESOURCE_METHODS, methods),
            SPropValue::binary(PR_ENTRYID, name.as_bytes().to_vec()),
        ])
    }

    fn long_eq(relop: u32, value: u32) -> SRestriction {
        SRestriction::property(
            relop,
            PR_RESOURCE_TYPE,
            SPropValue::long(PR_RESOURCE_TYPE, value),
        )
    }

    fn name_is(relop: u32, value: &str) -> SRestriction {
        SRestriction::property(
            relop,
            PR_DISPLAY_NAME,
            SPropValue::string(PR_DISPLAY_NAME, value),
        )
    }

    #[test]
    fn rt_values() {
        assert_eq!(SRestriction::And(vec![]).rt(), 0);
        assert_eq!(SRestriction::Or(vec![]).rt(), 1);
        assert_eq!(SRestriction::not(SRestriction::And(vec![])).rt(), 2);
        assert_eq!(long_eq(RELOP_EQ, 1).rt(), 4);
        let bm = SRestriction::Bitmask {
            relbmr: BMR_NEZ,
            prop_tag: PR_RESOURCE_METHODS,
            mask: 8,
        };
        assert_eq!(bm.rt(), 6);
        assert_eq!(SRestriction::exist(PR_ENTRYID).rt(), 8);
    }

    #[test]
    fn every_relop_on_longs() {
        let r = row(MAPI_SPOOLER, "Spooler", 9); // 37
        let cases = [
            (RELOP_LT, 38, true),
            (RELOP_LT, 37, false),
            (RELOP_LE, 37, true),
            (RELOP_LE, 36, false),
            (RELOP_GT, 36, true),
            (RELOP_GT, 37, false),
            (RELOP_GE, 37, true),
            (RELOP_GE, 38, false),
            (RELOP_EQ, 37, true),
            (RELOP_EQ, 36, false),
            (RELOP_NE, 36, true),
            (RELOP_NE, 37, false),
        ];
        for (relop, constant, expected) in cases {
            let res = long_eq(relop, constant);
            assert_eq!(res.validate(), Ok(()));
            assert_eq!(res.matches(&r), expected, "relop {relop} vs {constant}");
        }
    }

    #[test]
    fn every_relop_on_strings_is_ordinal() {
        let r = row(MAPI_TRANSPORT_PROVIDER, "Mail", 8);
        let cases = [
            (RELOP_LT, "Mailbox", true),
            (RELOP_LT, "Mail", false),
            (RELOP_LT, "mail", true), // 'M' < 'm' ordinally
            (RELOP_LE, "Mail", true),
            (RELOP_LE, "Mai", false),
            (RELOP_GT, "Mai", true),
            (RELOP_GT, "Mail", false),
            (RELOP_GE, "Mail", true),
            (RELOP_GE, "Mb", false),
            (RELOP_EQ, "Mail", true),
            (RELOP_EQ, "mail", false),
            (RELOP_NE, "mail", true),
            (RELOP_NE, "Mail", false),
        ];
        for (relop, constant, expected) in cases {
            let res = name_is(relop, constant);
            assert_eq!(res.validate(), Ok(()));
            assert_eq!(res.matches(&r), expected, "relop {relop} vs {constant:?}");
        }
    }

    /// MAPI documents for `SPropertyRestriction` that the constant's type must be the
    /// column's type or `Restrict` fails with `MAPI_E_TOO_COMPLEX`; `PT_STRING8` and
    /// `PT_UNICODE` are two types, so mixing them is such a mismatch, and a Unicode column
    /// does not find the 8-bit form of the same property in a row.
    #[test]
    fn eight_bit_and_unicode_strings_are_different_types() {
        let r = row(MAPI_TRANSPORT_PROVIDER, "Mail", 8); // PR_DISPLAY_NAME is Unicode here
        let mixed = SRestriction::property(
            RELOP_EQ,
            PR_DISPLAY_NAME,
            SPropValue::string(PR_DISPLAY_NAME_A, "Mail"),
        );
        assert_eq!(mixed.validate(), Err(HResult::MAPI_E_TOO_COMPLEX));
        let mixed_content = SRestriction::Content {
            fuzzy_level: FL_SUBSTRING,
            prop_tag: PR_DISPLAY_NAME_A,
            prop: SPropValue::string(PR_DISPLAY_NAME, "ai"),
        };
        assert_eq!(mixed_content.validate(), Err(HResult::MAPI_E_TOO_COMPLEX));
        let eight_bit = SRestriction::property(
            RELOP_EQ,
            PR_DISPLAY_NAME_A,
            SPropValue::string(PR_DISPLAY_NAME_A, "Mail"),
        );
        assert_eq!(eight_bit.validate(), Ok(()));
        assert!(
            !eight_bit.matches(&r),
            "the row holds only the Unicode form"
        );
        assert!(!SRestriction::exist(PR_DISPLAY_NAME_A).matches(&r));
        assert!(SRestriction::exist(PR_DISPLAY_NAME).matches(&r));
    }

    /// MAPI documents `PT_LONG` as a signed `LONG`: a property restriction compares
    /// 0x80000000 as the most negative value, below 0x7FFFFFFF.
    #[test]
    fn pt_long_compares_signed() {
        let r = SRow::new(vec![SPropValue::long(PR_RESOURCE_METHODS, 0x8000_0000)]);
        let cmp = |relop, v: u32| {
            SRestriction::property(
                relop,
                PR_RESOURCE_METHODS,
                SPropValue::long(PR_RESOURCE_METHODS, v),
            )
        };
        assert!(cmp(RELOP_LT, 0x7FFF_FFFF).matches(&r));
        assert!(!cmp(RELOP_GT, 0x7FFF_FFFF).matches(&r));
        assert!(cmp(RELOP_LT, 0).matches(&r));
        // 0xFFFFFFFF is -1, still above the most negative value.
        assert!(cmp(RELOP_LT, 0xFFFF_FFFF).matches(&r));
        assert!(cmp(RELOP_EQ, 0x8000_0000).matches(&r));
        // A bitmask still sees the bits.
        let high_bit = SRestriction::Bitmask {
            relbmr: BMR_NEZ,
            prop_tag: PR_RESOURCE_METHODS,
            mask: 0x8000_0000,
        };
        assert!(high_bit.matches(&r));
    }

    #[test]
    fn relops_on_binaries_and_booleans() {
        let r = SRow::new(vec![
            SPropValue::binary(PR_ENTRYID, vec![1, 2, 3]),
            SPropValue::boolean(PR_REMOTE_VALIDATE_OK, true),
        ]);
        let bin = |relop, v: Vec<u8>| {
            SRestriction::property(relop, PR_ENTRYID, SPropValue::binary(PR_ENTRYID, v))
        };
        assert!(bin(RELOP_EQ, vec![1, 2, 3]).matches(&r));
        assert!(bin(RELOP_GT, vec![1, 2]).matches(&r));
        assert!(bin(RELOP_LT, vec![1, 3]).matches(&r));
        assert!(!bin(RELOP_LT, vec![1, 2, 3]).matches(&r));
        let ok = |relop, v| {
            SRestriction::property(
                relop,
                PR_REMOTE_VALIDATE_OK,
                SPropValue::boolean(PR_REMOTE_VALIDATE_OK, v),
            )
        };
        assert!(ok(RELOP_EQ, true).matches(&r));
        assert!(ok(RELOP_GT, false).matches(&r));
        assert!(!ok(RELOP_NE, true).matches(&r));
    }

    #[test]
    fn relop_re_matches_whole_value() {
        let r = row(MAPI_TRANSPORT_PROVIDER, "SMTP Transport", 8);
        let re = |p: &str| name_is(RELOP_RE, p);
        assert_eq!(re("SMTP.*").validate(), Ok(()));
        assert!(re("SMTP.*").matches(&r));
        assert!(re("(POP3|SMTP) Transport").matches(&r));
        assert!(!re("SMTP").matches(&r), "anchored: a prefix is not enough");
        assert!(!re("Transport").matches(&r));
        assert!(
            !re("a|SMTP").matches(&r),
            "alternation stays inside the anchors"
        );
        assert_eq!(re("SMTP(").validate(), Err(HResult::MAPI_E_TOO_COMPLEX));
        assert!(!re("SMTP(").matches(&r));
        // RELOP_RE on a long column is not supported.
        assert_eq!(
            long_eq(RELOP_RE, 37).validate(),
            Err(HResult::MAPI_E_TOO_COMPLEX)
        );
    }

    #[test]
    fn validation_errors() {
        // Type mismatch: a string constant against the PT_LONG PR_RESOURCE_TYPE.
        let mismatch = SRestriction::property(
            RELOP_EQ,
            PR_RESOURCE_TYPE,
            SPropValue::string(PR_DISPLAY_NAME, "37"),
        );
        assert_eq!(mismatch.validate(), Err(HResult::MAPI_E_TOO_COMPLEX));
        // Nested mismatches are found too.
        let nested = SRestriction::And(vec![
            SRestriction::exist(PR_RESOURCE_TYPE),
            SRestriction::not(SRestriction::Or(vec![mismatch])),
        ]);
        assert_eq!(nested.validate(), Err(HResult::MAPI_E_TOO_COMPLEX));
        // A multi-valued column with a single-valued constant is allowed (MV_FLAG stripped).
        let mv = SRestriction::property(
            RELOP_EQ,
            PR_RESOURCE_TYPE | MV_FLAG,
            SPropValue::long(PR_RESOURCE_TYPE, 37),
        );
        assert_eq!(mv.validate(), Ok(()));
        assert_eq!(
            long_eq(7, 37).validate(),
            Err(HResult::MAPI_E_INVALID_PARAMETER)
        );
        // A value that contradicts its own tag.
        let liar = SRestriction::property(
            RELOP_EQ,
            PR_RESOURCE_TYPE,
            SPropValue {
                tag: PR_RESOURCE_TYPE,
                value: PropValue::String("x".into()),
            },
        );
        assert_eq!(liar.validate(), Err(HResult::MAPI_E_INVALID_PARAMETER));
        let null = SRestriction::property(RELOP_EQ, PR_NULL, SPropValue::null());
        assert_eq!(null.validate(), Err(HResult::MAPI_E_TOO_COMPLEX));
        let bad_bmr = SRestriction::Bitmask {
            relbmr: 2,
            prop_tag: PR_RESOURCE_METHODS,
            mask: 8,
        };
        assert_eq!(bad_bmr.validate(), Err(HResult::MAPI_E_INVALID_PARAMETER));
        let bm_on_string = SRestriction::Bitmask {
            relbmr: BMR_EQZ,
            prop_tag: PR_DISPLAY_NAME,
            mask: 8,
        };
        assert_eq!(bm_on_string.validate(), Err(HResult::MAPI_E_TOO_COMPLEX));
    }

    #[test]
    fn absent_property_never_matches() {
        let r = row(MAPI_SPOOLER, "Spooler", 9);
        let on_absent = |relop| {
            SRestriction::property(
                relop,
                PR_STATUS_STRING,
                SPropValue::string(PR_STATUS_STRING, "x"),
            )
        };
        for relop in [
            RELOP_LT, RELOP_LE, RELOP_GT, RELOP_GE, RELOP_EQ, RELOP_NE, RELOP_RE,
        ] {
            assert!(!on_absent(relop).matches(&r), "relop {relop}");
        }
        assert!(SRestriction::not(on_absent(RELOP_EQ)).matches(&r));
    }

    #[test]
    fn and_or_not_exist() {
        let spooler = row(MAPI_SPOOLER, "Spooler", 9);
        let xp = row(MAPI_TRANSPORT_PROVIDER, "Fax", 2);
        let is_spooler = long_eq(RELOP_EQ, MAPI_SPOOLER);
        let is_xp = long_eq(RELOP_EQ, MAPI_TRANSPORT_PROVIDER);

        let either = SRestriction::Or(vec![is_spooler.clone(), is_xp.clone()]);
        assert!(either.matches(&spooler) && either.matches(&xp));
        let both = SRestriction::And(vec![is_spooler.clone(), is_xp.clone()]);
        assert!(!both.matches(&spooler) && !both.matches(&xp));
        let not_spooler = SRestriction::not(is_spooler.clone());
        assert!(!not_spooler.matches(&spooler) && not_spooler.matches(&xp));
        assert!(SRestriction::And(vec![]).matches(&xp));
        assert!(!SRestriction::Or(vec![]).matches(&xp));

        assert!(SRestriction::exist(PR_DISPLAY_NAME).matches(&xp));
        assert!(!SRestriction::exist(PR_PROVIDER_DLL_NAME).matches(&xp));
        let guarded = SRestriction::And(vec![
            SRestriction::exist(PR_RESOURCE_TYPE),
            SRestriction::not(is_spooler),
        ]);
        assert!(guarded.matches(&xp));
        assert!(!guarded.matches(&SRow::default()));
    }

    #[test]
    fn bitmask() {
        let flushes = row(MAPI_TRANSPORT_PROVIDER, "Mail", 0x9);
        let no_flush = row(MAPI_TRANSPORT_PROVIDER, "Fax", 0x3);
        let nez = SRestriction::Bitmask {
            relbmr: BMR_NEZ,
            prop_tag: PR_RESOURCE_METHODS,
            mask: STATUS_FLUSH_QUEUES,
        };
        let eqz = SRestriction::Bitmask {
            relbmr: BMR_EQZ,
            prop_tag: PR_RESOURCE_METHODS,
            mask: STATUS_FLUSH_QUEUES,
        };
        assert_eq!(nez.validate(), Ok(()));
        assert!(nez.matches(&flushes) && !nez.matches(&no_flush));
        assert!(!eqz.matches(&flushes) && eqz.matches(&no_flush));
        assert!(!eqz.matches(&SRow::default()));
    }

    #[test]
    fn content() {
        let r = row(MAPI_TRANSPORT_PROVIDER, "Internet Mail", 8);
        let content = |level, s: &str| SRestriction::Content {
            fuzzy_level: level,
            prop_tag: PR_DISPLAY_NAME,
            prop: SPropValue::string(PR_DISPLAY_NAME, s),
        };
        assert_eq!(
            content(FL_SUBSTRING | FL_IGNORECASE, "mail").validate(),
            Ok(())
        );
        assert!(content(FL_FULLSTRING, "Internet Mail").matches(&r));
        assert!(!content(FL_FULLSTRING, "Internet").matches(&r));
        assert!(content(FL_SUBSTRING, "net M").matches(&r));
        assert!(!content(FL_SUBSTRING, "mail").matches(&r));
        assert!(content(FL_SUBSTRING | FL_IGNORECASE, "MAIL").matches(&r));
        assert!(content(FL_PREFIXSTRING, "Inter").matches(&r));
        assert!(!content(FL_PREFIXSTRING, "Mail").matches(&r));
        assert!(content(FL_PREFIXSTRING | FL_IGNORECASE, "inTER").matches(&r));
        assert!(content(FL_FULLSTRING | FL_IGNORECASE, "internet mail").matches(&r));
        assert_eq!(
            content(3, "x").validate(),
            Err(HResult::MAPI_E_INVALID_PARAMETER)
        );
        assert_eq!(
            content(0x40000, "x").validate(),
            Err(HResult::MAPI_E_TOO_COMPLEX)
        );
        let on_long = SRestriction::Content {
            fuzzy_level: FL_SUBSTRING,
            prop_tag: PR_RESOURCE_TYPE,
            prop: SPropValue::long(PR_RESOURCE_TYPE, 3),
        };
        assert_eq!(on_long.validate(), Err(HResult::MAPI_E_TOO_COMPLEX));
        let bin = SRestriction::Content {
            fuzzy_level: FL_SUBSTRING,
            prop_tag: PR_ENTRYID,
            prop: SPropValue::binary(PR_ENTRYID, b"net".to_vec()),
        };
        assert_eq!(bin.validate(), Ok(()));
        assert!(bin.matches(&r));
    }
}
