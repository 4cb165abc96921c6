//! The spooler's per-transport outbound queue: ready mail, and mail waiting out a back-off.
//!
//! Ready mail is a [`Batch`] that can be handed to a transport whole, without copying; each
//! [`QueuedMsg`] in it is 16 bytes of ids and times.

use std::collections::BTreeMap;

use crate::protocol::{Batch, QueuedMsg};
use crate::sim::{Micros, MsgId};

/// The outbound queue of one transport.
#[derive(Debug, Default)]
pub struct OutboundQueue {
    /// Mail ready to be moved, oldest first.
    pub ready: Batch,
    /// Mail waiting out a retry back-off, keyed by (due time, id).
    pub deferred: BTreeMap<(Micros, MsgId), QueuedMsg>,
}

impl OutboundQueue {
    /// Messages in the queue, ready or deferred.
    pub fn len(&self) -> usize {
        self.ready.len() + self.deferred.len()
    }

    /// Whether nothing is queued.
    pub fn is_empty(&self) -> bool {
        self.ready.is_empty() && self.deferred.is_empty()
    }

    /// Moves deferred mail whose back-off is over at `now` to the back of the ready queue.
    pub fn release_due(&mut self, now: Micros) {
        while let Some(entry) = self.deferred.first_entry() {
            if entry.key().0 > now {
                break;
            }
            self.ready.push_back(entry.remove());
        }
    }

    /// Moves all deferred mail to the ready queue (`FLUSH_FORCE`).
    pub fn release_all(&mut self) {
        while let Some((_, m)) = self.deferred.pop_first() {
            self.ready.push_back(m);
        }
    }

    /// Takes the whole ready queue, leaving it empty.
    pub fn take_ready(&mut self) -> Batch {
        std::mem::take(&mut self.ready)
    }

    /// The earliest due time of deferred mail.
    pub fn next_due(&self) -> Option<Micros> {
        self.deferred.first_key_value().map(|(k, _)| k.0)
    }
}

/// The back-off after the `attempts`-th failure: `retry`, doubling, capped at `max_retry`.
pub fn backoff(retry: Micros, max_retry: Micros, attempts: u32) -> Micros {
    let doublings = attempts.saturating_sub(1).min(63);
    retry.saturating_mul(1u64 << doublings).min(max_retry)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn msg(id: u32) -> QueuedMsg {
        QueuedMsg {
            id: MsgId(id),
            submitted_at: 0,
            size: 0,
        }
    }

    #[test]
    fn backoff_doubles_up_to_the_cap() {
        let s = 1_000_000;
        assert_eq!(backoff(300 * s, 4000 * s, 1), 300 * s);
        assert_eq!(backoff(300 * s, 4000 * s, 2), 600 * s);
        assert_eq!(backoff(300 * s, 4000 * s, 4), 2400 * s);
        assert_eq!(backoff(300 * s, 4000 * s, 5), 4000 * s);
        assert_eq!(backoff(300 * s, 4000 * s, 60), 4000 * s);
    }

    #[test]
    fn releases_due_mail_in_due_order() {
        let mut q = OutboundQueue::default();
        q.deferred.insert((20, MsgId(2)), msg(2));
        q.deferred.insert((10, MsgId(1)), msg(1));
        q.deferred.insert((30, MsgId(3)), msg(3));
        q.release_due(20);
        assert_eq!(
            q.ready.iter().map(|m| m.id).collect::<Vec<_>>(),
            vec![MsgId(1), MsgId(2)]
        );
        assert_eq!(q.next_due(), Some(30));
        q.release_all();
        assert_eq!(q.len(), 3);
        assert!(q.deferred.is_empty());
    }
}
