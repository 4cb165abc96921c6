//! A min-priority queue that is cheap while it holds a handful of items and stays logarithmic
//! when it holds thousands.
//!
//! The calendar's entries created as a run goes are usually a dozen at a time (the next batch
//! of each traffic block, a checkpoint per busy transport, a few timers), and almost every
//! entry is pushed and popped once. A binary heap of that size spends most of a push and a pop
//! moving entries level by level. So up to [`SMALL`] items the queue is a vector kept in order,
//! greatest first: a pop takes the last item, and a push finds its place from the front (a new
//! entry is usually due later than most, so few are passed) and moves the rest up by one, a
//! single short copy.
//! Past [`SMALL`] items (a fleet of thousands of busy transports) it becomes a binary heap, and
//! back again once it has shrunk to a quarter of that, so that a size around the threshold
//! does not switch at every push.
//!
//! Both forms pop the least item first; items that compare equal pop in no particular order
//! (the calendar's keys are unique).

use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// The most items kept in order before the queue becomes a heap.
pub const SMALL: usize = 32;

/// A min-priority queue: [`MinQueue::pop`] takes the least item.
#[derive(Debug)]
pub struct MinQueue<T> {
    repr: Repr<T>,
}

#[derive(Debug)]
enum Repr<T> {
    /// At most [`SMALL`] items, greatest first.
    Ordered(Vec<T>),
    /// More, or recently more.
    Heap(BinaryHeap<Reverse<T>>),
}

impl<T: Ord> Default for MinQueue<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T: Ord> MinQueue<T> {
    /// An empty queue.
    pub fn new() -> Self {
        MinQueue {
            repr: Repr::Ordered(Vec::new()),
        }
    }

    /// How many items it holds.
    pub fn len(&self) -> usize {
        match &self.repr {
            Repr::Ordered(v) => v.len(),
            Repr::Heap(h) => h.len(),
        }
    }

    /// Whether it holds nothing.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Adds `item`.
    #[inline]
    pub fn push(&mut self, item: T) {
        match &mut self.repr {
            Repr::Ordered(v) if v.len() < SMALL => {
                // After every item greater than it.
                let at = v.iter().position(|e| *e <= item).unwrap_or(v.len());
                v.insert(at, item);
            }
            Repr::Ordered(v) => {
                let mut heap: BinaryHeap<Reverse<T>> = v.drain(..).map(Reverse).collect();
                heap.push(Reverse(item));
                self.repr = Repr::Heap(heap);
            }
            Repr::Heap(h) => h.push(Reverse(item)),
        }
    }

    /// The least item, if any.
    #[inline]
    pub fn peek(&self) -> Option<&T> {
        match &self.repr {
            Repr::Ordered(v) => v.last(),
            Repr::Heap(h) => h.peek().map(|r| &r.0),
        }
    }

    /// Removes and returns the least item, if any.
    #[inline]
    pub fn pop(&mut self) -> Option<T> {
        match &mut self.repr {
            Repr::Ordered(v) => v.pop(),
            Repr::Heap(h) => {
                let item = h.pop().map(|r| r.0);
                if h.len() <= SMALL / 4 {
                    // Least `Reverse` first is greatest item first.
                    let ordered = std::mem::take(h).into_sorted_vec();
                    self.repr = Repr::Ordered(ordered.into_iter().map(|r| r.0).collect());
                }
                item
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn pops_least_first_in_both_forms() {
        let mut q = MinQueue::new();
        // Past the threshold and back: ordered, heap, ordered again.
        let items: Vec<u32> = (0..100).map(|i| (i * 37) % 101).collect();
        for &i in &items {
            q.push(i);
        }
        assert!(matches!(q.repr, Repr::Heap(_)));
        let mut sorted = items.clone();
        sorted.sort_unstable();
        let popped: Vec<u32> = std::iter::from_fn(|| q.pop()).collect();
        assert_eq!(popped, sorted);
        assert!(matches!(q.repr, Repr::Ordered(_)));
        assert!(q.is_empty());
    }

    proptest! {
        /// Any interleaving of pushes and pops gives what a binary heap gives.
        #[test]
        fn agrees_with_a_binary_heap(ops in proptest::collection::vec(
            prop_oneof![3 => (0u32..1000).prop_map(Some), 2 => Just(None)], 0..400)
        ) {
            let mut q = MinQueue::new();
            let mut h = BinaryHeap::new();
            for op in ops {
                match op {
                    Some(x) => {
                        q.push(x);
                        h.push(Reverse(x));
                    }
                    None => prop_assert_eq!(q.pop(), h.pop().map(|r| r.0)),
                }
                prop_assert_eq!(q.peek(), h.peek().map(|r| &r.0));
                prop_assert_eq!(q.len(), h.len());
            }
        }
    }
}
