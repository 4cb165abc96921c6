//! MAPI result codes (temporary shim; the real module replaces it at merge).

/// A MAPI result code.
#[allow(non_camel_case_types)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HResult {
    /// Success.
    S_OK,
    /// Some parts succeeded, some did not.
    MAPI_W_PARTIAL_COMPLETION,
    /// The object is busy.
    MAPI_E_BUSY,
    /// Not supported.
    MAPI_E_NO_SUPPORT,
    /// The user cancelled.
    MAPI_E_USER_CANCEL,
    /// A network error.
    MAPI_E_NETWORK_ERROR,
    /// An invalid parameter.
    MAPI_E_INVALID_PARAMETER,
    /// Unknown flags.
    MAPI_E_UNKNOWN_FLAGS,
    /// An invalid entry id.
    MAPI_E_INVALID_ENTRYID,
}

impl HResult {
    /// The code called `name` (`"S_OK"`, ...).
    pub fn from_name(name: &str) -> Option<HResult> {
        Some(match name {
            "S_OK" => HResult::S_OK,
            "MAPI_W_PARTIAL_COMPLETION" => HResult::MAPI_W_PARTIAL_COMPLETION,
            "MAPI_E_BUSY" => HResult::MAPI_E_BUSY,
            "MAPI_E_NO_SUPPORT" => HResult::MAPI_E_NO_SUPPORT,
            "MAPI_E_USER_CANCEL" => HResult::MAPI_E_USER_CANCEL,
            "MAPI_E_NETWORK_ERROR" => HResult::MAPI_E_NETWORK_ERROR,
            "MAPI_E_INVALID_PARAMETER" => HResult::MAPI_E_INVALID_PARAMETER,
            "MAPI_E_UNKNOWN_FLAGS" => HResult::MAPI_E_UNKNOWN_FLAGS,
            "MAPI_E_INVALID_ENTRYID" => HResult::MAPI_E_INVALID_ENTRYID,
            _ => return None,
        })
    }
}
