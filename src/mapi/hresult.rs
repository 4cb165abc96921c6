//! MAPI return codes (`mapicode.h`) as a closed Rust enum.
//!
//! Every simulated MAPI call returns one of these, and scenarios and metrics name them, so
//! each variant carries its real `HRESULT` value and its header name. Warnings such as
//! `MAPI_W_PARTIAL_COMPLETION` are successes in MAPI (severity bit clear) but are still
//! variants here, so a call can report "done, partly" without a side channel.

use std::fmt;

/// A MAPI `HRESULT` known to the simulator.
#[allow(non_camel_case_types)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum HResult {
    /// `S_OK` (0x00000000): success.
    S_OK,
    /// `MAPI_W_PARTIAL_COMPLETION` (0x00040680): finished for some of the objects only.
    MAPI_W_PARTIAL_COMPLETION,
    /// `MAPI_W_CANCEL_MESSAGE` (0x00040580): transport-specific warning.
    MAPI_W_CANCEL_MESSAGE,
    /// `MAPI_E_NO_ACCESS` (= `E_ACCESSDENIED`, 0x80070005).
    MAPI_E_NO_ACCESS,
    /// `MAPI_E_INVALID_PARAMETER` (= `E_INVALIDARG`, 0x80070057).
    MAPI_E_INVALID_PARAMETER,
    /// `MAPI_E_INTERFACE_NOT_SUPPORTED` (= `E_NOINTERFACE`, 0x80004002): `OpenEntry` was asked
    /// for an interface the object does not have.
    MAPI_E_INTERFACE_NOT_SUPPORTED,
    /// `MAPI_E_NO_SUPPORT` (0x80040102): method not supported.
    MAPI_E_NO_SUPPORT,
    /// `MAPI_E_UNKNOWN_FLAGS` (0x80040106).
    MAPI_E_UNKNOWN_FLAGS,
    /// `MAPI_E_INVALID_ENTRYID` (0x80040107).
    MAPI_E_INVALID_ENTRYID,
    /// `MAPI_E_BUSY` (0x8004010B): another operation is running.
    MAPI_E_BUSY,
    /// `MAPI_E_NOT_FOUND` (0x8004010F).
    MAPI_E_NOT_FOUND,
    /// `MAPI_E_USER_CANCEL` (0x80040113).
    MAPI_E_USER_CANCEL,
    /// `MAPI_E_NETWORK_ERROR` (0x80040115).
    MAPI_E_NETWORK_ERROR,
    /// `MAPI_E_TOO_COMPLEX` (0x80040117): e.g. a restriction with mismatched types.
    MAPI_E_TOO_COMPLEX,
    /// `MAPI_E_UNCONFIGURED` (0x8004011C): the profile is incomplete.
    MAPI_E_UNCONFIGURED,
    /// `MAPI_E_FAILONEPROVIDER` (0x8004011D): this provider fails, the service stays.
    MAPI_E_FAILONEPROVIDER,
    /// `MAPI_E_UNKNOWN_CPID` (0x8004011E).
    MAPI_E_UNKNOWN_CPID,
    /// `MAPI_E_UNKNOWN_LCID` (0x8004011F).
    MAPI_E_UNKNOWN_LCID,
    /// `MAPI_E_TABLE_TOO_BIG` (0x80040403): more rows than `HrQueryAllRows` allows.
    MAPI_E_TABLE_TOO_BIG,
    /// `MAPI_E_INVALID_BOOKMARK` (0x80040405): a table call named a bookmark that does not exist.
    MAPI_E_INVALID_BOOKMARK,
    /// `MAPI_E_WAIT` (0x80040500): temporary problem, retry later.
    MAPI_E_WAIT,
    /// `MAPI_E_CANCEL` (0x80040501): an earlier resend request is no longer valid.
    MAPI_E_CANCEL,
    /// `MAPI_E_NOT_ME` (0x80040502): try another transport.
    MAPI_E_NOT_ME,
    /// `MAPI_E_CALL_FAILED` (= `E_FAIL`, 0x80004005): unspecified failure.
    MAPI_E_CALL_FAILED,
}

impl HResult {
    /// Every variant, in declaration order.
    pub const ALL: &'static [HResult] = &[
        HResult::S_OK,
        HResult::MAPI_W_PARTIAL_COMPLETION,
        HResult::MAPI_W_CANCEL_MESSAGE,
        HResult::MAPI_E_NO_ACCESS,
        HResult::MAPI_E_INVALID_PARAMETER,
        HResult::MAPI_E_INTERFACE_NOT_SUPPORTED,
        HResult::MAPI_E_NO_SUPPORT,
        HResult::MAPI_E_UNKNOWN_FLAGS,
        HResult::MAPI_E_INVALID_ENTRYID,
        HResult::MAPI_E_BUSY,
        HResult::MAPI_E_NOT_FOUND,
        HResult::MAPI_E_USER_CANCEL,
        HResult::MAPI_E_NETWORK_ERROR,
        HResult::MAPI_E_TOO_COMPLEX,
        HResult::MAPI_E_UNCONFIGURED,
        HResult::MAPI_E_FAILONEPROVIDER,
        HResult::MAPI_E_UNKNOWN_CPID,
        HResult::MAPI_E_UNKNOWN_LCID,
        HResult::MAPI_E_TABLE_TOO_BIG,
        HResult::MAPI_E_INVALID_BOOKMARK,
        HResult::MAPI_E_WAIT,
        HResult::MAPI_E_CANCEL,
        HResult::MAPI_E_NOT_ME,
        HResult::MAPI_E_CALL_FAILED,
    ];

    /// The 32-bit `HRESULT` value.
    pub const fn code(self) -> u32 {
        match self {
            HResult::S_OK => 0x0000_0000,
            HResult::MAPI_W_PARTIAL_COMPLETION => 0x0004_0680,
            HResult::MAPI_W_CANCEL_MESSAGE => 0x0004_0580,
            HResult::MAPI_E_NO_ACCESS => 0x8007_0005,
            HResult::MAPI_E_INVALID_PARAMETER => 0x8007_0057,
            HResult::MAPI_E_INTERFACE_NOT_SUPPORTED => 0x8000_4002,
            HResult::MAPI_E_NO_SUPPORT => 0x8004_0102,
            HResult::MAPI_E_UNKNOWN_FLAGS => 0x8004_0106,
            HResult::MAPI_E_INVALID_ENTRYID => 0x8004_0107,
            HResult::MAPI_E_BUSY => 0x8004_010B,
            HResult::MAPI_E_NOT_FOUND => 0x8004_010F,
            HResult::MAPI_E_USER_CANCEL => 0x8004_0113,
            HResult::MAPI_E_NETWORK_ERROR => 0x8004_0115,
            HResult::MAPI_E_TOO_COMPLEX => 0x8004_0117,
            HResult::MAPI_E_UNCONFIGURED => 0x8004_011C,
            HResult::MAPI_E_FAILONEPROVIDER => 0x8004_011D,
            HResult::MAPI_E_UNKNOWN_CPID => 0x8004_011E,
            HResult::MAPI_E_UNKNOWN_LCID => 0x8004_011F,
            HResult::MAPI_E_TABLE_TOO_BIG => 0x8004_0403,
            HResult::MAPI_E_INVALID_BOOKMARK => 0x8004_0405,
            HResult::MAPI_E_WAIT => 0x8004_0500,
            HResult::MAPI_E_CANCEL => 0x8004_0501,
            HResult::MAPI_E_NOT_ME => 0x8004_0502,
            HResult::MAPI_E_CALL_FAILED => 0x8000_4005,
        }
    }

    /// The variant with this `HRESULT` value, or `None` for a value the simulator does not know.
    pub fn from_code(code: u32) -> Option<Self> {
        Self::ALL.iter().copied().find(|h| h.code() == code)
    }

    /// The header name, e.g. `"MAPI_E_BUSY"`.
    pub const fn name(self) -> &'static str {
        match self {
            HResult::S_OK => "S_OK",
            HResult::MAPI_W_PARTIAL_COMPLETION => "MAPI_W_PARTIAL_COMPLETION",
            HResult::MAPI_W_CANCEL_MESSAGE => "MAPI_W_CANCEL_MESSAGE",
            HResult::MAPI_E_NO_ACCESS => "MAPI_E_NO_ACCESS",
            HResult::MAPI_E_INVALID_PARAMETER => "MAPI_E_INVALID_PARAMETER",
            HResult::MAPI_E_INTERFACE_NOT_SUPPORTED => "MAPI_E_INTERFACE_NOT_SUPPORTED",
            HResult::MAPI_E_NO_SUPPORT => "MAPI_E_NO_SUPPORT",
            HResult::MAPI_E_UNKNOWN_FLAGS => "MAPI_E_UNKNOWN_FLAGS",
            HResult::MAPI_E_INVALID_ENTRYID => "MAPI_E_INVALID_ENTRYID",
            HResult::MAPI_E_BUSY => "MAPI_E_BUSY",
            HResult::MAPI_E_NOT_FOUND => "MAPI_E_NOT_FOUND",
            HResult::MAPI_E_USER_CANCEL => "MAPI_E_USER_CANCEL",
            HResult::MAPI_E_NETWORK_ERROR => "MAPI_E_NETWORK_ERROR",
            HResult::MAPI_E_TOO_COMPLEX => "MAPI_E_TOO_COMPLEX",
            HResult::MAPI_E_UNCONFIGURED => "MAPI_E_UNCONFIGURED",
            HResult::MAPI_E_FAILONEPROVIDER => "MAPI_E_FAILONEPROVIDER",
            HResult::MAPI_E_UNKNOWN_CPID => "MAPI_E_UNKNOWN_CPID",
            HResult::MAPI_E_UNKNOWN_LCID => "MAPI_E_UNKNOWN_LCID",
            HResult::MAPI_E_TABLE_TOO_BIG => "MAPI_E_TABLE_TOO_BIG",
            HResult::MAPI_E_INVALID_BOOKMARK => "MAPI_E_INVALID_BOOKMARK",
            HResult::MAPI_E_WAIT => "MAPI_E_WAIT",
            HResult::MAPI_E_CANCEL => "MAPI_E_CANCEL",
            HResult::MAPI_E_NOT_ME => "MAPI_E_NOT_ME",
            HResult::MAPI_E_CALL_FAILED => "MAPI_E_CALL_FAILED",
        }
    }

    /// The variant with this exact header name, or `None`.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|h| h.name() == name)
    }

    /// Whether this is a failure: the severity bit (0x80000000) is set.
    pub const fn is_error(self) -> bool {
        self.code() & 0x8000_0000 != 0
    }

    /// Whether this is a warning: a success code other than `S_OK`.
    pub const fn is_warning(self) -> bool {
        self.code() != 0 && !self.is_error()
    }
}

impl fmt::Display for HResult {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl std::error::Error for HResult {}

/// The result of a simulated MAPI call: the value, or the failing `HRESULT`.
pub type MapiResult<T> = Result<T, HResult>;

/// How the results of the parts of one piece of work combine into one: all `S_OK` → `S_OK`;
/// some failed → `MAPI_W_PARTIAL_COMPLETION`; all failed → the first failure, in the order
/// given. The spooler combines a flush's transport parts this way, and the flush-each
/// procedure its calls, so the two always agree.
pub fn combine(results: impl IntoIterator<Item = HResult>) -> HResult {
    let mut ok = 0;
    let mut first_err = None;
    for r in results {
        if r == HResult::S_OK {
            ok += 1;
        } else if first_err.is_none() {
            first_err = Some(r);
        }
    }
    match (ok, first_err) {
        (_, None) => HResult::S_OK,
        (0, Some(e)) => e,
        (_, Some(_)) => HResult::MAPI_W_PARTIAL_COMPLETION,
    }
}

#[cfg(test)]
mod tests {
    use super::HResult::*;
    use super::*;

    #[test]
    fn codes_match_reference() {
        assert_eq!(S_OK.code(), 0);
        assert_eq!(MAPI_E_BUSY.code(), 0x8004010B);
        assert_eq!(MAPI_W_PARTIAL_COMPLETION.code(), 0x00040680);
        assert_eq!(MAPI_W_CANCEL_MESSAGE.code(), 0x00040580);
        assert_eq!(MAPI_E_NO_ACCESS.code(), 0x80070005);
        assert_eq!(MAPI_E_INVALID_PARAMETER.code(), 0x80070057);
        assert_eq!(MAPI_E_NO_SUPPORT.code(), 0x80040102);
        assert_eq!(MAPI_E_UNKNOWN_FLAGS.code(), 0x80040106);
        assert_eq!(MAPI_E_INVALID_ENTRYID.code(), 0x80040107);
        assert_eq!(MAPI_E_NOT_FOUND.code(), 0x8004010F);
        assert_eq!(MAPI_E_USER_CANCEL.code(), 0x80040113);
        assert_eq!(MAPI_E_NETWORK_ERROR.code(), 0x80040115);
        assert_eq!(MAPI_E_TOO_COMPLEX.code(), 0x80040117);
        assert_eq!(MAPI_E_UNCONFIGURED.code(), 0x8004011C);
        assert_eq!(MAPI_E_FAILONEPROVIDER.code(), 0x8004011D);
        assert_eq!(MAPI_E_UNKNOWN_CPID.code(), 0x8004011E);
        assert_eq!(MAPI_E_UNKNOWN_LCID.code(), 0x8004011F);
        assert_eq!(MAPI_E_TABLE_TOO_BIG.code(), 0x80040403);
        assert_eq!(MAPI_E_WAIT.code(), 0x80040500);
        assert_eq!(MAPI_E_CANCEL.code(), 0x80040501);
        assert_eq!(MAPI_E_NOT_ME.code(), 0x80040502);
        assert_eq!(MAPI_E_CALL_FAILED.code(), 0x80004005);
        // mapicode.h: E_NOINTERFACE and MAKE_MAPI_E(0x405).
        assert_eq!(MAPI_E_INTERFACE_NOT_SUPPORTED.code(), 0x80004002);
        assert_eq!(MAPI_E_INVALID_BOOKMARK.code(), 0x80040405);
    }

    #[test]
    fn every_variant_round_trips() {
        assert_eq!(HResult::ALL.len(), 24);
        for &h in HResult::ALL {
            assert_eq!(HResult::from_code(h.code()), Some(h), "{h}");
            assert_eq!(HResult::from_name(h.name()), Some(h), "{h}");
            assert_eq!(h.to_string(), h.name());
            assert_eq!(format!("{h:?}"), h.name());
        }
        assert_eq!(HResult::from_code(0x8004_0108), None);
        assert_eq!(HResult::from_name("MAPI_E_USER_CANCELED"), None);
    }

    #[test]
    fn severity() {
        assert!(!S_OK.is_error() && !S_OK.is_warning());
        assert!(MAPI_W_PARTIAL_COMPLETION.is_warning());
        assert!(!MAPI_W_PARTIAL_COMPLETION.is_error());
        assert!(MAPI_W_CANCEL_MESSAGE.is_warning());
        assert!(MAPI_E_BUSY.is_error() && !MAPI_E_BUSY.is_warning());
        assert!(MAPI_E_CALL_FAILED.is_error());
        let as_error: Box<dyn std::error::Error> = Box::new(MAPI_E_NOT_ME);
        assert_eq!(as_error.to_string(), "MAPI_E_NOT_ME");
    }

    #[test]
    fn combine_follows_the_documented_rule() {
        assert_eq!(combine([S_OK, S_OK]), S_OK);
        assert_eq!(
            combine([S_OK, MAPI_E_USER_CANCEL]),
            MAPI_W_PARTIAL_COMPLETION
        );
        assert_eq!(
            combine([MAPI_E_NETWORK_ERROR, MAPI_E_USER_CANCEL]),
            MAPI_E_NETWORK_ERROR
        );
        assert_eq!(combine([]), S_OK);
    }
}
