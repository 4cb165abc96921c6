//! `IMAPIStatus::ValidateState` flags, and which of them a status object here can act on.
//!
//! Eight flags are defined. Four concern a remote transport's header cache
//! (`REFRESH_XP_HEADER_CACHE`, `PROCESS_XP_HEADER_CACHE`, `ABORT_XP_HEADER_OPERATION`,
//! `SHOW_XP_SESSION_UI`), which no object here has, so a call with any of them is refused with
//! `MAPI_E_NO_SUPPORT`; the rest are `SUPPRESS_UI`, `FORCE_XP_CONNECT`, `FORCE_XP_DISCONNECT`
//! and `CONFIG_CHANGED`. Raw bits outside the eight are kept, so a caller's value can be
//! checked and refused as `MAPI_E_UNKNOWN_FLAGS`, as `FlushQueues` does with its own.

use std::{fmt, ops};

use super::constants::{
    ABORT_XP_HEADER_OPERATION, CONFIG_CHANGED, FORCE_XP_CONNECT, FORCE_XP_DISCONNECT,
    PROCESS_XP_HEADER_CACHE, REFRESH_XP_HEADER_CACHE, SHOW_XP_SESSION_UI, SUPPRESS_UI,
};
use super::flags::write_flag_names;

/// The `ulFlags` of `IMAPIStatus::ValidateState`, unknown bits included.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct ValidateFlags(u32);

impl ValidateFlags {
    /// `SUPPRESS_UI` (0x1): no progress indicator (where the object honours it).
    pub const SUPPRESS_UI: ValidateFlags = ValidateFlags(SUPPRESS_UI);
    /// `REFRESH_XP_HEADER_CACHE` (0x10000).
    pub const REFRESH_XP_HEADER_CACHE: ValidateFlags = ValidateFlags(REFRESH_XP_HEADER_CACHE);
    /// `PROCESS_XP_HEADER_CACHE` (0x20000).
    pub const PROCESS_XP_HEADER_CACHE: ValidateFlags = ValidateFlags(PROCESS_XP_HEADER_CACHE);
    /// `FORCE_XP_CONNECT` (0x40000): connect at the next chance.
    pub const FORCE_XP_CONNECT: ValidateFlags = ValidateFlags(FORCE_XP_CONNECT);
    /// `FORCE_XP_DISCONNECT` (0x80000): hang up now and stay offline.
    pub const FORCE_XP_DISCONNECT: ValidateFlags = ValidateFlags(FORCE_XP_DISCONNECT);
    /// `CONFIG_CHANGED` (0x100000).
    pub const CONFIG_CHANGED: ValidateFlags = ValidateFlags(CONFIG_CHANGED);
    /// `ABORT_XP_HEADER_OPERATION` (0x200000).
    pub const ABORT_XP_HEADER_OPERATION: ValidateFlags = ValidateFlags(ABORT_XP_HEADER_OPERATION);
    /// `SHOW_XP_SESSION_UI` (0x400000).
    pub const SHOW_XP_SESSION_UI: ValidateFlags = ValidateFlags(SHOW_XP_SESSION_UI);

    /// The four flags about remote header caches, which no object here supports.
    pub const HEADER_CACHE: ValidateFlags = ValidateFlags(
        REFRESH_XP_HEADER_CACHE
            | PROCESS_XP_HEADER_CACHE
            | ABORT_XP_HEADER_OPERATION
            | SHOW_XP_SESSION_UI,
    );

    /// No flag set.
    pub const fn empty() -> Self {
        ValidateFlags(0)
    }

    /// The eight defined flags.
    pub const fn all() -> Self {
        let mut bits = 0;
        let mut i = 0;
        while i < NAMES.len() {
            bits |= NAMES[i].0 .0;
            i += 1;
        }
        ValidateFlags(bits)
    }

    /// These bits exactly, unknown ones kept.
    pub const fn from_bits_retain(bits: u32) -> Self {
        ValidateFlags(bits)
    }

    /// The raw bits, unknown ones included.
    pub const fn bits(self) -> u32 {
        self.0
    }

    /// Whether every bit of `other` is set here.
    pub const fn contains(self, other: Self) -> bool {
        self.0 & other.0 == other.0
    }

    /// Whether some bit of `other` is set here.
    pub const fn intersects(self, other: Self) -> bool {
        self.0 & other.0 != 0
    }

    /// The bits set that are none of the eight flags (0 when all are known).
    pub const fn unknown_bits(self) -> u32 {
        self.0 & !Self::all().0
    }

    /// The flag with this exact MAPI name (`"FORCE_XP_CONNECT"`, ...), or `None`.
    pub fn from_name(name: &str) -> Option<ValidateFlags> {
        NAMES.iter().find(|(_, n)| *n == name).map(|(f, _)| *f)
    }

    /// The MAPI names of the eight flags, in value order.
    pub fn names() -> impl Iterator<Item = &'static str> + Clone {
        NAMES.iter().map(|(_, n)| *n)
    }
}

/// The flags with their MAPI names, in value order.
const NAMES: &[(ValidateFlags, &str)] = &[
    (ValidateFlags::SUPPRESS_UI, "SUPPRESS_UI"),
    (
        ValidateFlags::REFRESH_XP_HEADER_CACHE,
        "REFRESH_XP_HEADER_CACHE",
    ),
    (
        ValidateFlags::PROCESS_XP_HEADER_CACHE,
        "PROCESS_XP_HEADER_CACHE",
    ),
    (ValidateFlags::FORCE_XP_CONNECT, "FORCE_XP_CONNECT"),
    (ValidateFlags::FORCE_XP_DISCONNECT, "FORCE_XP_DISCONNECT"),
    (ValidateFlags::CONFIG_CHANGED, "CONFIG_CHANGED"),
    (
        ValidateFlags::ABORT_XP_HEADER_OPERATION,
        "ABORT_XP_HEADER_OPERATION",
    ),
    (ValidateFlags::SHOW_XP_SESSION_UI, "SHOW_XP_SESSION_UI"),
];

impl ops::BitOr for ValidateFlags {
    type Output = Self;
    fn bitor(self, rhs: Self) -> Self {
        ValidateFlags(self.0 | rhs.0)
    }
}

impl ops::BitOrAssign for ValidateFlags {
    fn bitor_assign(&mut self, rhs: Self) {
        self.0 |= rhs.0;
    }
}

impl fmt::Display for ValidateFlags {
    /// `FORCE_XP_CONNECT | SUPPRESS_UI`-style names in value order, unknown bits as one hex
    /// number, `0` for none.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let set = NAMES.iter().filter(|(flag, _)| self.contains(*flag));
        write_flag_names(f, set.map(|(_, name)| *name), self.unknown_bits())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eight_flags_with_the_header_values() {
        assert_eq!(ValidateFlags::all().bits(), 0x007F_0001);
        assert_eq!(ValidateFlags::HEADER_CACHE.bits(), 0x0063_0000);
        assert_eq!(ValidateFlags::names().count(), 8);
        for n in ValidateFlags::names() {
            assert_eq!(
                ValidateFlags::from_name(n).map(|f| f.to_string()),
                Some(n.into())
            );
        }
        assert_eq!(ValidateFlags::from_name("force_xp_connect"), None);
    }

    #[test]
    fn display_and_unknown_bits() {
        let f = ValidateFlags::FORCE_XP_DISCONNECT | ValidateFlags::from_bits_retain(0x2);
        assert_eq!(f.unknown_bits(), 0x2);
        assert_eq!(f.to_string(), "FORCE_XP_DISCONNECT | 0x2");
        assert_eq!(ValidateFlags::empty().to_string(), "0");
        let both = ValidateFlags::FORCE_XP_CONNECT | ValidateFlags::SUPPRESS_UI;
        assert_eq!(both.to_string(), "SUPPRESS_UI | FORCE_XP_CONNECT");
    }
}
