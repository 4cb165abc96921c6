//! The ids that name things across the whole simulation: transports, `FlushQueues` and
//! `ValidateState` calls, and messages.
//!
//! Each is a newtype, so a transport can never be passed where a message is meant, and every
//! layer — the calendar, the model, the actors, the trace, the reports — speaks of a transport
//! in one type instead of converting between integer widths at each boundary. They serialize as
//! their plain numbers (a transport is named in the trace by its serializer, see
//! [`crate::trace`]).

use std::fmt;

use serde::Serialize;

/// A transport, by its position in the profile: the order of `[[transport]]` in the scenario
/// file, which is also the order of its status-table rows and of a spooler flush.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize)]
#[serde(transparent)]
pub struct TransportId(pub u16);

impl TransportId {
    /// The transport at position `index` of the profile.
    ///
    /// # Panics
    /// Beyond 65,535 transports, which no scenario file can declare (the parser caps them far
    /// lower); a scenario built in code with more is a programming error.
    pub fn new(index: usize) -> Self {
        TransportId(u16::try_from(index).expect("at most 65,535 transports"))
    }

    /// Its position in the profile, for indexing per-transport tables.
    #[inline]
    pub const fn index(self) -> usize {
        self.0 as usize
    }

    /// Every transport of a profile of `count`, in profile order.
    pub fn all(count: usize) -> impl DoubleEndedIterator<Item = TransportId> + Clone {
        (0..count).map(TransportId::new)
    }
}

impl From<TransportId> for u32 {
    /// The calendar's index of a transport's entries (see [`super::calendar::Key`]).
    fn from(t: TransportId) -> u32 {
        u32::from(t.0)
    }
}

impl fmt::Display for TransportId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// A `FlushQueues` call within a run, numbered from 1 in the order the spooler received them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize)]
#[serde(transparent)]
pub struct FlushId(pub u32);

impl FlushId {
    /// The id of the call received after this one.
    #[inline]
    pub const fn next(self) -> FlushId {
        FlushId(self.0 + 1)
    }
}

impl fmt::Display for FlushId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// A `ValidateState` call within a run, numbered from 1 in the order the spooler received
/// them (a series of its own, apart from the `FlushQueues` calls).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize)]
#[serde(transparent)]
pub struct ValidateId(pub u32);

impl ValidateId {
    /// The id of the call received after this one.
    #[inline]
    pub const fn next(self) -> ValidateId {
        ValidateId(self.0 + 1)
    }
}

impl fmt::Display for ValidateId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// A message within a run. Outbound messages are numbered in the order they were submitted,
/// inbound ones in the order they arrived at their transports' remote ends; the two series are
/// separate, and the trace tells them apart by the kind of event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize)]
#[serde(transparent)]
pub struct MsgId(pub u32);

impl MsgId {
    /// The id `n` places after this one (ids wrap around after 2³² messages).
    #[inline]
    pub const fn plus(self, n: u32) -> MsgId {
        MsgId(self.0.wrapping_add(n))
    }

    /// The `count` ids starting with this one.
    #[inline]
    pub fn run(self, count: u32) -> impl ExactSizeIterator<Item = MsgId> + Clone {
        (0..count).map(move |k| self.plus(k))
    }
}

impl fmt::Display for MsgId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}
