//! What the spooler keeps per `FlushQueues` call under way, in call order.
//!
//! Call ids are handed out in increasing order and most calls end within the message that
//! started them or soon after, so entries live in a deque in id order: adding one goes at the
//! back, finding one is a binary search (the newest is checked first), and removing one leaves
//! a hole that is trimmed from either end at once or swept away once holes outnumber the calls
//! still under way. A call costs no allocation and no tree rebalancing, and the order of
//! iteration is the order of the calls, as a sorted map's would be.

use std::collections::VecDeque;

use crate::sim::FlushId;

/// Entries keyed by call, added in increasing id order.
#[derive(Debug)]
pub struct ByCall<V> {
    /// In increasing id order; `None` is a removed entry not yet swept away.
    slots: VecDeque<(FlushId, Option<V>)>,
    live: usize,
}

impl<V> Default for ByCall<V> {
    fn default() -> Self {
        ByCall {
            slots: VecDeque::new(),
            live: 0,
        }
    }
}

impl<V> ByCall<V> {
    /// Adds call `id`'s entry; `id` must be greater than every id added before.
    pub fn insert(&mut self, id: FlushId, value: V) {
        debug_assert!(self.slots.back().is_none_or(|&(last, _)| last < id));
        self.slots.push_back((id, Some(value)));
        self.live += 1;
    }

    fn position(&self, id: FlushId) -> Option<usize> {
        match self.slots.back() {
            Some(&(last, _)) if last == id => Some(self.slots.len() - 1),
            _ => self.slots.binary_search_by_key(&id, |&(k, _)| k).ok(),
        }
    }

    /// Call `id`'s entry, if it is under way.
    #[inline]
    pub fn get(&self, id: FlushId) -> Option<&V> {
        match self.slots.back() {
            Some((last, v)) if *last == id => v.as_ref(),
            _ => self.slots[self.position(id)?].1.as_ref(),
        }
    }

    /// Call `id`'s entry, if it is under way.
    #[inline]
    pub fn get_mut(&mut self, id: FlushId) -> Option<&mut V> {
        if self.slots.back().is_some_and(|&(last, _)| last == id) {
            return self.slots.back_mut().and_then(|(_, v)| v.as_mut());
        }
        let i = self.position(id)?;
        self.slots[i].1.as_mut()
    }

    /// Takes call `id`'s entry out.
    pub fn remove(&mut self, id: FlushId) -> Option<V> {
        let value = if self.slots.back().is_some_and(|&(last, _)| last == id) {
            // The newest call, the usual one: no search, and its slot goes at once.
            self.slots.pop_back()?.1?
        } else {
            let i = self.position(id)?;
            self.slots[i].1.take()?
        };
        self.live -= 1;
        while self.slots.back().is_some_and(|(_, v)| v.is_none()) {
            self.slots.pop_back();
        }
        while self.slots.front().is_some_and(|(_, v)| v.is_none()) {
            self.slots.pop_front();
        }
        // Holes between long calls: sweep them once they outnumber the calls under way.
        if self.slots.len() > 2 * self.live + 32 {
            self.slots.retain(|(_, v)| v.is_some());
        }
        Some(value)
    }

    /// How many calls have entries.
    pub fn len(&self) -> usize {
        self.live
    }

    /// Whether no call has an entry.
    pub fn is_empty(&self) -> bool {
        self.live == 0
    }

    /// The entries, in call order.
    pub fn iter(&self) -> impl Iterator<Item = (FlushId, &V)> {
        self.slots
            .iter()
            .filter_map(|(id, v)| v.as_ref().map(|v| (*id, v)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_and_removes_in_any_order_and_iterates_in_call_order() {
        let mut m = ByCall::default();
        for i in 1..=100 {
            m.insert(FlushId(i), i * 10);
        }
        // Remove from the middle, the front and the back, interleaved.
        for i in (2..=99).step_by(3) {
            assert_eq!(m.remove(FlushId(i)), Some(i * 10));
        }
        assert_eq!(m.remove(FlushId(1)), Some(10));
        assert_eq!(m.remove(FlushId(100)), Some(1000));
        assert_eq!(m.remove(FlushId(100)), None, "removed twice");
        assert_eq!(m.get(FlushId(5)), None);
        assert_eq!(m.get(FlushId(4)), Some(&40));
        *m.get_mut(FlushId(4)).unwrap() += 1;
        let left: Vec<u32> = m.iter().map(|(id, _)| id.0).collect();
        let expected: Vec<u32> = (2..=99).filter(|i| (i - 2) % 3 != 0).collect();
        assert_eq!(left, expected);
        assert_eq!(m.len(), expected.len());
        assert_eq!(m.get(FlushId(4)), Some(&41));
        // New calls still go after the old ones.
        m.insert(FlushId(101), 0);
        assert_eq!(m.iter().last(), Some((FlushId(101), &0)));
    }

    #[test]
    fn holes_behind_a_long_call_are_swept() {
        let mut m = ByCall::default();
        m.insert(FlushId(1), ());
        m.insert(FlushId(2), ());
        // Each call ends after the next one began: a hole between the long call and the newest.
        for i in 3..10_000 {
            m.insert(FlushId(i), ());
            m.remove(FlushId(i - 1));
            assert!(m.slots.len() <= 2 * m.len() + 33, "{} slots", m.slots.len());
        }
        assert_eq!(m.len(), 2);
        assert_eq!(m.remove(FlushId(1)), Some(()));
        assert_eq!(m.remove(FlushId(9_999)), Some(()));
        assert!(m.is_empty() && m.slots.is_empty());
    }

    #[test]
    fn unknown_ids_are_absent() {
        let mut m: ByCall<u8> = ByCall::default();
        assert_eq!(m.get(FlushId(3)), None);
        assert_eq!(m.remove(FlushId(3)), None);
        m.insert(FlushId(2), 1);
        assert_eq!(m.get(FlushId(1)), None);
        assert_eq!(m.get(FlushId(3)), None);
    }
}
