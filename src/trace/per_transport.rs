//! Per-transport values of one recorder, stored only where they are needed.
//!
//! Every actor owns a recorder, and a recorder is indexed by transport. A transport's actor only
//! ever records about itself, so giving each recorder a slot for every transport would cost the
//! square of the number of transports (10,000 transports, 10,000 recorders of 10,000 slots).
//! [`PerTransport`] holds nothing until a slot is written, one slot while only one transport
//! has been written, and a slot for every transport from the second one on: a transport's
//! recorder stays at one slot, the spooler's and the merged run's grow to one per transport.
//! Reading a slot that was never written gives the default value.

use std::fmt;
use std::ops::{Index, IndexMut};

/// One value per transport of a run, indexed by transport index.
#[derive(Clone)]
pub struct PerTransport<T> {
    /// How many transports the run has: valid indices are below it.
    len: usize,
    /// The index of `slots[0]`: 0 once every transport has a slot.
    first: usize,
    /// No slot, the slot of transport `first`, or one slot per transport.
    slots: Vec<T>,
}

/// A value that a slot never written reads as, shared by every recorder rather than kept in
/// each one (there is a recorder per transport).
pub trait Unwritten: Default + 'static {
    /// Equal to `Self::default()`.
    const UNWRITTEN: &'static Self;
}

impl Unwritten for u64 {
    const UNWRITTEN: &'static Self = &0;
}

impl<T: Default> PerTransport<T> {
    /// Values for `len` transports, all default, none stored yet.
    pub fn new(len: usize) -> Self {
        PerTransport {
            len,
            first: 0,
            slots: Vec::new(),
        }
    }

    /// Whether every transport has a slot.
    #[inline]
    fn is_dense(&self) -> bool {
        self.slots.len() == self.len
    }

    /// Transport `i`'s slot, made on first write.
    #[cold]
    fn make_slot(&mut self, i: usize) -> &mut T {
        assert!(
            i < self.len,
            "transport index {i} out of range for {} transports",
            self.len
        );
        if self.slots.is_empty() {
            self.first = i;
            // A push into an empty vector reserves four slots; an actor's own recorder only
            // ever writes one, and there is one such recorder per transport.
            self.slots.reserve_exact(1);
            self.slots.push(T::default());
            return &mut self.slots[0];
        }
        // A second transport: from now on every transport has its slot.
        let single = self.slots.pop().expect("one slot");
        self.slots.resize_with(self.len, T::default);
        self.slots[self.first] = single;
        self.first = 0;
        &mut self.slots[i]
    }
}

impl<T: Unwritten> PerTransport<T> {
    /// How many transports there are.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether there are no transports.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Transport `i`'s value, or `None` past the last transport.
    pub fn get(&self, i: usize) -> Option<&T> {
        (i < self.len).then(|| self.slot(i).unwrap_or(T::UNWRITTEN))
    }

    /// Transport `i`'s stored slot, if it has one.
    #[inline]
    fn slot(&self, i: usize) -> Option<&T> {
        self.slots.get(i.checked_sub(self.first)?)
    }

    /// Every transport's value, in profile order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = &T> + '_ {
        (0..self.len).map(|i| self.slot(i).unwrap_or(T::UNWRITTEN))
    }

    /// The slots written so far, with their transport indices, in profile order.
    pub fn stored(&self) -> impl Iterator<Item = (usize, &T)> + '_ {
        self.slots
            .iter()
            .enumerate()
            .map(|(k, v)| (self.first + k, v))
    }

    /// The slots written so far, taken out, with their transport indices, in profile order.
    pub fn into_stored(self) -> impl Iterator<Item = (usize, T)> {
        let first = self.first;
        self.slots
            .into_iter()
            .enumerate()
            .map(move |(k, v)| (first + k, v))
    }
}

impl<T: Unwritten> Index<usize> for PerTransport<T> {
    type Output = T;

    /// Transport `i`'s value; panics past the last transport, as a slice does.
    #[inline]
    fn index(&self, i: usize) -> &T {
        assert!(
            i < self.len,
            "transport index {i} out of range for {} transports",
            self.len
        );
        self.slot(i).unwrap_or(T::UNWRITTEN)
    }
}

impl<T: Unwritten> IndexMut<usize> for PerTransport<T> {
    /// Transport `i`'s slot, made on first write; panics past the last transport.
    #[inline]
    fn index_mut(&mut self, i: usize) -> &mut T {
        if self.is_dense() {
            return &mut self.slots[i];
        }
        match i.checked_sub(self.first) {
            Some(0) if !self.slots.is_empty() => &mut self.slots[0],
            _ => self.make_slot(i),
        }
    }
}

impl<T: Unwritten + PartialEq> PartialEq for PerTransport<T> {
    /// Equal when they cover as many transports with the same values, however stored.
    fn eq(&self, other: &Self) -> bool {
        self.len == other.len && self.iter().zip(other.iter()).all(|(a, b)| a == b)
    }
}

impl<T: Unwritten + Eq> Eq for PerTransport<T> {}

impl<T: Unwritten + fmt::Debug> fmt::Debug for PerTransport<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_transport_keeps_one_slot_and_a_second_gives_every_transport_one() {
        let mut v: PerTransport<u64> = PerTransport::new(10_000);
        assert_eq!(v.stored().count(), 0);
        assert_eq!((v[7], v.get(9_999), v.get(10_000)), (0, Some(&0), None));
        v[7] += 3;
        v[7] += 1;
        assert_eq!(v.stored().collect::<Vec<_>>(), vec![(7, &4)]);
        assert_eq!((v[6], v[7], v[8]), (0, 4, 0));
        v[2] += 5;
        assert_eq!(v.stored().count(), 10_000);
        assert_eq!((v[2], v[7], v.iter().sum::<u64>()), (5, 4, 9));
        let mut single = PerTransport::new(10_000);
        single[7] = 4;
        single[2] = 5;
        assert_eq!(single, v);
        let lone: Vec<_> = {
            let mut w = PerTransport::new(3);
            w[2] = 1u64;
            w.into_stored().collect()
        };
        assert_eq!(lone, vec![(2, 1)]);
    }

    #[test]
    fn an_unwritten_slot_reads_as_the_default() {
        use crate::trace::{Latencies, TransportCounts};
        assert_eq!(*TransportCounts::UNWRITTEN, TransportCounts::default());
        assert_eq!(*Latencies::UNWRITTEN, Latencies::default());
        assert_eq!(*u64::UNWRITTEN, 0);
    }

    #[test]
    #[should_panic(expected = "out of range")]
    fn writing_past_the_last_transport_panics_like_a_slice() {
        let mut v: PerTransport<u64> = PerTransport::new(2);
        v[2] = 1;
    }
}
