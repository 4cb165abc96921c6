//! `IMAPIStatus::FlushQueues` flags and their one direction mapping.
//!
//! The flush flags decide which queue a flush empties, and the seed documentation contradicts
//! itself about which flag means which direction. So the mapping from flag
//! to direction lives in exactly one place, [`FlushFlags::outbound`] and
//! [`FlushFlags::inbound`], and everything else asks those two methods.

use std::{fmt, ops};

/// `FLUSH_UPLOAD`: flush the outgoing (outbound) queues.
pub const FLUSH_UPLOAD: u32 = 0x0000_0002;
/// `FLUSH_DOWNLOAD`: flush the incoming (inbound) queues.
pub const FLUSH_DOWNLOAD: u32 = 0x0000_0004;
/// `FLUSH_FORCE`: flush even if it costs performance.
pub const FLUSH_FORCE: u32 = 0x0000_0008;
/// `FLUSH_NO_UI`: show no progress indicator.
pub const FLUSH_NO_UI: u32 = 0x0000_0010;
/// `FLUSH_ASYNC_OK`: the flush may run asynchronously (spooler's status object only).
pub const FLUSH_ASYNC_OK: u32 = 0x0000_0020;

/// The `ulFlags` of `IMAPIStatus::FlushQueues`.
///
/// Bits outside the five known flags are kept (build with [`FlushFlags::from_bits_retain`])
/// so that a caller's raw value can be checked and reported as `MAPI_E_UNKNOWN_FLAGS`.
///
/// The type implements [`bitflags::Flags`] by hand instead of through the `bitflags!` macro:
/// the macro would generate an inherent `from_name` taking the short names (`"UPLOAD"`),
/// which clashes with [`FlushFlags::from_name`] taking the MAPI names (`"FLUSH_UPLOAD"`).
/// The usual bit-set methods and operators are provided below.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FlushFlags(u32);

#[allow(non_upper_case_globals)]
impl FlushFlags {
    /// `FLUSH_UPLOAD` (0x2): the outbound queues.
    pub const UPLOAD: FlushFlags = FlushFlags(FLUSH_UPLOAD);
    /// `FLUSH_DOWNLOAD` (0x4): the inbound queues.
    pub const DOWNLOAD: FlushFlags = FlushFlags(FLUSH_DOWNLOAD);
    /// `FLUSH_FORCE` (0x8).
    pub const FORCE: FlushFlags = FlushFlags(FLUSH_FORCE);
    /// `FLUSH_NO_UI` (0x10).
    pub const NO_UI: FlushFlags = FlushFlags(FLUSH_NO_UI);
    /// `FLUSH_ASYNC_OK` (0x20).
    pub const ASYNC_OK: FlushFlags = FlushFlags(FLUSH_ASYNC_OK);

    /// The union of the five known flags.
    const KNOWN: u32 = FLUSH_UPLOAD | FLUSH_DOWNLOAD | FLUSH_FORCE | FLUSH_NO_UI | FLUSH_ASYNC_OK;

    /// No flag set.
    pub const fn empty() -> Self {
        FlushFlags(0)
    }

    /// All five known flags.
    pub const fn all() -> Self {
        FlushFlags(Self::KNOWN)
    }

    /// The raw bits, unknown ones included.
    pub const fn bits(&self) -> u32 {
        self.0
    }

    /// These bits, or `None` if any is not one of the five flags.
    pub const fn from_bits(bits: u32) -> Option<Self> {
        if bits & !Self::KNOWN == 0 {
            Some(FlushFlags(bits))
        } else {
            None
        }
    }

    /// These bits with the unknown ones dropped.
    pub const fn from_bits_truncate(bits: u32) -> Self {
        FlushFlags(bits & Self::KNOWN)
    }

    /// These bits exactly, unknown ones kept.
    pub const fn from_bits_retain(bits: u32) -> Self {
        FlushFlags(bits)
    }

    /// Whether no bit is set.
    pub const fn is_empty(&self) -> bool {
        self.0 == 0
    }

    /// Whether every known flag is set.
    pub const fn is_all(&self) -> bool {
        self.0 & Self::KNOWN == Self::KNOWN
    }

    /// Whether every bit of `other` is set here.
    pub const fn contains(&self, other: Self) -> bool {
        self.0 & other.0 == other.0
    }

    /// Whether some bit of `other` is set here.
    pub const fn intersects(&self, other: Self) -> bool {
        self.0 & other.0 != 0
    }

    /// Sets the bits of `other`.
    pub fn insert(&mut self, other: Self) {
        self.0 |= other.0;
    }

    /// Clears the bits of `other`.
    pub fn remove(&mut self, other: Self) {
        self.0 &= !other.0;
    }

    /// Sets or clears the bits of `other`.
    pub fn set(&mut self, other: Self, value: bool) {
        if value {
            self.insert(other);
        } else {
            self.remove(other);
        }
    }

    /// The bits set here or in `other`.
    #[must_use]
    pub const fn union(self, other: Self) -> Self {
        FlushFlags(self.0 | other.0)
    }

    /// The bits set both here and in `other`.
    #[must_use]
    pub const fn intersection(self, other: Self) -> Self {
        FlushFlags(self.0 & other.0)
    }

    /// The bits set here but not in `other`.
    #[must_use]
    pub const fn difference(self, other: Self) -> Self {
        FlushFlags(self.0 & !other.0)
    }
}

impl bitflags::Flags for FlushFlags {
    const FLAGS: &'static [bitflags::Flag<Self>] = &[
        bitflags::Flag::new("UPLOAD", FlushFlags::UPLOAD),
        bitflags::Flag::new("DOWNLOAD", FlushFlags::DOWNLOAD),
        bitflags::Flag::new("FORCE", FlushFlags::FORCE),
        bitflags::Flag::new("NO_UI", FlushFlags::NO_UI),
        bitflags::Flag::new("ASYNC_OK", FlushFlags::ASYNC_OK),
    ];
    type Bits = u32;

    fn bits(&self) -> u32 {
        self.0
    }

    fn from_bits_retain(bits: u32) -> Self {
        FlushFlags(bits)
    }
}

impl ops::BitOr for FlushFlags {
    type Output = Self;
    fn bitor(self, rhs: Self) -> Self {
        self.union(rhs)
    }
}

impl ops::BitOrAssign for FlushFlags {
    fn bitor_assign(&mut self, rhs: Self) {
        self.insert(rhs);
    }
}

impl ops::BitAnd for FlushFlags {
    type Output = Self;
    fn bitand(self, rhs: Self) -> Self {
        self.intersection(rhs)
    }
}

impl ops::BitAndAssign for FlushFlags {
    fn bitand_assign(&mut self, rhs: Self) {
        self.0 &= rhs.0;
    }
}

impl ops::Sub for FlushFlags {
    type Output = Self;
    fn sub(self, rhs: Self) -> Self {
        self.difference(rhs)
    }
}

impl ops::SubAssign for FlushFlags {
    fn sub_assign(&mut self, rhs: Self) {
        self.remove(rhs);
    }
}

impl ops::Not for FlushFlags {
    type Output = Self;
    /// The known flags not set here (unknown bits are dropped, as `bitflags` does).
    fn not(self) -> Self {
        FlushFlags::from_bits_truncate(!self.0)
    }
}

/// The flags with their MAPI names, in value order.
const NAMES: &[(FlushFlags, &str)] = &[
    (FlushFlags::UPLOAD, "FLUSH_UPLOAD"),
    (FlushFlags::DOWNLOAD, "FLUSH_DOWNLOAD"),
    (FlushFlags::FORCE, "FLUSH_FORCE"),
    (FlushFlags::NO_UI, "FLUSH_NO_UI"),
    (FlushFlags::ASYNC_OK, "FLUSH_ASYNC_OK"),
];

impl FlushFlags {
    /// The flag with this exact MAPI name (`"FLUSH_UPLOAD"`, ...), or `None`.
    pub fn from_name(name: &str) -> Option<FlushFlags> {
        NAMES.iter().find(|(_, n)| *n == name).map(|(f, _)| *f)
    }

    /// The bits set that are none of the five flags (0 when all are known).
    pub fn unknown_bits(self) -> u32 {
        self.bits() & !FlushFlags::all().bits()
    }

    /// Whether this flush empties the outbound (outgoing) queues.
    ///
    /// `FLUSH_UPLOAD` means outbound, as the normative flag tables of `IMAPIStatus::FlushQueues`
    /// and `IXPLogon::FlushQueues` and the `STATUS_OUTBOUND_FLUSH` description say; the
    /// on-demand page says the opposite. This and [`FlushFlags::inbound`] are
    /// the only place that mapping is made: flip it here if it ever has to change.
    pub fn outbound(self) -> bool {
        self.contains(FlushFlags::UPLOAD)
    }

    /// Whether this flush empties the inbound (incoming) queues: `FLUSH_DOWNLOAD`.
    ///
    /// See [`FlushFlags::outbound`] for why this mapping lives here only.
    pub fn inbound(self) -> bool {
        self.contains(FlushFlags::DOWNLOAD)
    }
}

impl fmt::Display for FlushFlags {
    /// `FLUSH_UPLOAD | FLUSH_NO_UI`; unknown bits as one hex number (`0x100`); empty as `0`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let set = NAMES.iter().filter(|(flag, _)| self.contains(*flag));
        write_flag_names(f, set.map(|(_, name)| *name), self.unknown_bits())
    }
}

/// Writes flag names joined by ` | `, then any `unknown` bits as one hex number; `0` for none.
/// Shared by the `Display` of every flag set.
pub(crate) fn write_flag_names<'a>(
    f: &mut fmt::Formatter<'_>,
    names: impl Iterator<Item = &'a str>,
    unknown: u32,
) -> fmt::Result {
    let mut parts: Vec<String> = names.map(str::to_owned).collect();
    if unknown != 0 {
        parts.push(format!("{unknown:#x}"));
    }
    if parts.is_empty() {
        f.write_str("0")
    } else {
        f.write_str(&parts.join(" | "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_match_reference() {
        assert_eq!(FLUSH_UPLOAD, 0x2);
        assert_eq!(FLUSH_DOWNLOAD, 0x4);
        assert_eq!(FLUSH_FORCE, 0x8);
        assert_eq!(FLUSH_NO_UI, 0x10);
        assert_eq!(FLUSH_ASYNC_OK, 0x20);
        assert_eq!(FlushFlags::all().bits(), 0x3E);
        assert_eq!(FlushFlags::UPLOAD.bits(), FLUSH_UPLOAD);
        assert_eq!(FlushFlags::ASYNC_OK.bits(), FLUSH_ASYNC_OK);
    }

    #[test]
    fn bit_set_operations() {
        let mut f = FlushFlags::UPLOAD | FlushFlags::NO_UI;
        assert_eq!(f.bits(), 0x12);
        assert!(f.contains(FlushFlags::UPLOAD) && !f.contains(FlushFlags::DOWNLOAD));
        assert!(f.intersects(FlushFlags::NO_UI | FlushFlags::FORCE));
        f |= FlushFlags::DOWNLOAD;
        f -= FlushFlags::NO_UI;
        assert_eq!(f, FlushFlags::from_bits_retain(0x6));
        assert_eq!((f & FlushFlags::DOWNLOAD).bits(), 0x4);
        assert_eq!((!f).bits(), 0x38);
        assert_eq!(FlushFlags::from_bits(0x106), None);
        assert_eq!(FlushFlags::from_bits_truncate(0x106).bits(), 0x6);
        assert!(FlushFlags::empty().is_empty() && FlushFlags::all().is_all());
        // The bitflags trait sees the same five flags.
        let names: Vec<&str> = <FlushFlags as bitflags::Flags>::FLAGS
            .iter()
            .map(|flag| flag.name())
            .collect();
        assert_eq!(names, ["UPLOAD", "DOWNLOAD", "FORCE", "NO_UI", "ASYNC_OK"]);
        assert_eq!(<FlushFlags as bitflags::Flags>::all(), FlushFlags::all());
    }

    #[test]
    fn display_names_and_unknown_bits() {
        let f = FlushFlags::UPLOAD | FlushFlags::NO_UI;
        assert_eq!(f.to_string(), "FLUSH_UPLOAD | FLUSH_NO_UI");
        let raw = FlushFlags::from_bits_retain(FLUSH_DOWNLOAD | 0x100 | 0x1);
        assert_eq!(raw.unknown_bits(), 0x101);
        assert_eq!(raw.to_string(), "FLUSH_DOWNLOAD | 0x101");
        assert_eq!(FlushFlags::from_bits_retain(0x100).to_string(), "0x100");
        assert_eq!(FlushFlags::empty().to_string(), "0");
        assert_eq!(FlushFlags::all().unknown_bits(), 0);
    }

    #[test]
    fn from_name_is_exact() {
        assert_eq!(
            FlushFlags::from_name("FLUSH_UPLOAD"),
            Some(FlushFlags::UPLOAD)
        );
        assert_eq!(
            FlushFlags::from_name("FLUSH_ASYNC_OK"),
            Some(FlushFlags::ASYNC_OK)
        );
        assert_eq!(FlushFlags::from_name("flush_upload"), None);
        assert_eq!(FlushFlags::from_name("UPLOAD"), None);
    }

    #[test]
    fn direction_mapping() {
        assert!(FlushFlags::UPLOAD.outbound());
        assert!(!FlushFlags::UPLOAD.inbound());
        assert!(FlushFlags::DOWNLOAD.inbound());
        assert!(!FlushFlags::DOWNLOAD.outbound());
        let both = FlushFlags::from_bits_retain(0x6);
        assert!(both.inbound() && both.outbound());
        assert!(!FlushFlags::NO_UI.inbound() && !FlushFlags::NO_UI.outbound());
    }
}
