//! `FlushQueues` flags (temporary shim; the real module replaces it at merge).
//!
//! Like the real module, the type is written by hand rather than with `bitflags!`, whose
//! generated inherent `from_name` (taking `"UPLOAD"`) would clash with `from_name` taking
//! `"FLUSH_UPLOAD"`. Only what the scenario parser uses is here.

use std::ops;

/// The `ulFlags` of `IMAPIStatus::FlushQueues`; unknown bits are kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FlushFlags(u32);

impl FlushFlags {
    /// `FLUSH_UPLOAD` (0x2).
    pub const UPLOAD: FlushFlags = FlushFlags(0x2);
    /// `FLUSH_DOWNLOAD` (0x4).
    pub const DOWNLOAD: FlushFlags = FlushFlags(0x4);
    /// `FLUSH_FORCE` (0x8).
    pub const FORCE: FlushFlags = FlushFlags(0x8);
    /// `FLUSH_NO_UI` (0x10).
    pub const NO_UI: FlushFlags = FlushFlags(0x10);
    /// `FLUSH_ASYNC_OK` (0x20).
    pub const ASYNC_OK: FlushFlags = FlushFlags(0x20);

    /// No flag set.
    pub const fn empty() -> Self {
        FlushFlags(0)
    }

    /// All five known flags.
    pub const fn all() -> Self {
        FlushFlags(0x3e)
    }

    /// The raw bits, unknown ones included.
    pub const fn bits(&self) -> u32 {
        self.0
    }

    /// Exactly these bits, unknown ones included.
    pub const fn from_bits_retain(bits: u32) -> Self {
        FlushFlags(bits)
    }

    /// Whether every bit of `other` is set.
    pub const fn contains(&self, other: Self) -> bool {
        self.0 & other.0 == other.0
    }

    /// The flag with this exact MAPI name (`"FLUSH_UPLOAD"`, ...), or `None`.
    pub fn from_name(name: &str) -> Option<FlushFlags> {
        match name {
            "FLUSH_UPLOAD" => Some(FlushFlags::UPLOAD),
            "FLUSH_DOWNLOAD" => Some(FlushFlags::DOWNLOAD),
            "FLUSH_FORCE" => Some(FlushFlags::FORCE),
            "FLUSH_NO_UI" => Some(FlushFlags::NO_UI),
            "FLUSH_ASYNC_OK" => Some(FlushFlags::ASYNC_OK),
            _ => None,
        }
    }
}

impl ops::BitOr for FlushFlags {
    type Output = Self;
    fn bitor(self, rhs: Self) -> Self {
        FlushFlags(self.0 | rhs.0)
    }
}
