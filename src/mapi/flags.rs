//! `FlushQueues` flags (temporary shim; the real module replaces it at merge).
//!
//! bitflags 2 already generates an inherent `FlushFlags::from_name` (taking `"UPLOAD"`), so
//! the shim cannot add one taking `"FLUSH_UPLOAD"`; the parser maps names through
//! `iter_names` instead, which works with either.

bitflags::bitflags! {
    /// The flags of `IMAPIStatus::FlushQueues`.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
    pub struct FlushFlags: u32 {
        /// Flush outbound queues.
        const UPLOAD = 0x2;
        /// Flush inbound queues.
        const DOWNLOAD = 0x4;
        /// Flush even if it costs performance.
        const FORCE = 0x8;
        /// Show no progress indicator.
        const NO_UI = 0x10;
        /// The call may return before the work ends.
        const ASYNC_OK = 0x20;
    }
}
