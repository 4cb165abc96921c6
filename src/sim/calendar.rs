//! The calendar: every future event of a run, in the contract's same-instant order.
//!
//! Actors never arm tokio timers. They register wake-ups here, and the runner's driver pops the
//! earliest entry, stamps the shared [`Clock`] with it and wakes its target over the target's
//! channel. The key `(time, class, index, sequence)` is the contract's ordering rule (section 3,
//! "Same instant"), so simultaneous events are delivered in a documented, platform-independent
//! order whatever tokio's scheduler would have done.

use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering::Relaxed};
use std::sync::{Arc, Mutex};

use tokio::sync::oneshot;

use super::time::Micros;

/// Event classes, in the order the contract settles ties at one instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[repr(u8)]
pub enum Class {
    /// Completion of work already under way: deliveries, downloads, connects, prompt answers,
    /// restarts, the end of a flush part.
    Completion = 1,
    /// Retry, lifetime and schedule timers.
    Timer = 2,
    /// Scripted `[[fault]]`.
    Fault = 3,
    /// Scripted `[[incoming]]`.
    Incoming = 4,
    /// Scripted `[[mail]]`.
    Mail = 5,
    /// Scripted `[[flush]]` and `[[procedure]]`, and API clients waiting for a time.
    Client = 6,
}

/// The sort key of a calendar entry and of every trace event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Key {
    /// Virtual time.
    pub t: Micros,
    /// [`Class`] as a number.
    pub class: u8,
    /// The transport's file index, or the scripted action's index within its kind.
    pub idx: u32,
    /// Creation order, which breaks every remaining tie.
    pub seq: u64,
}

/// Who a calendar entry wakes.
#[derive(Debug)]
pub enum Target {
    /// The spooler actor, with a token it chose.
    Spooler(u64),
    /// A transport actor, with a token it chose.
    Transport(u32, u64),
    /// A scripted action of the runner's script, by position.
    Script(u32),
    /// A client task waiting for a virtual time.
    Client(oneshot::Sender<()>),
}

#[derive(Debug)]
struct Entry {
    key: Key,
    target: Target,
}

impl PartialEq for Entry {
    fn eq(&self, other: &Self) -> bool {
        self.key == other.key
    }
}
impl Eq for Entry {}
impl PartialOrd for Entry {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Entry {
    fn cmp(&self, other: &Self) -> Ordering {
        self.key.cmp(&other.key)
    }
}

/// The shared clock and calendar of one run: cheap to clone, one per actor.
#[derive(Debug, Clone)]
pub struct Clock {
    inner: Arc<ClockInner>,
}

#[derive(Debug)]
struct ClockInner {
    now: AtomicU64,
    /// Class and index of the entry being processed, packed as `class << 32 | idx`.
    current: AtomicU64,
    seq: AtomicU64,
    /// Entries of class `Fault` or later (scripted actions and waiting clients) not yet popped.
    scripted: AtomicU64,
    /// Messages sent to actors and not yet handled (see [`Clock::wait_idle`]).
    pending: AtomicU64,
    /// Set when a client task may have been woken.
    clients: AtomicBool,
    heap: Mutex<BinaryHeap<Reverse<Entry>>>,
}

impl Default for Clock {
    fn default() -> Self {
        Self::new()
    }
}

impl Clock {
    /// A clock at time 0 with an empty calendar.
    pub fn new() -> Self {
        Clock {
            inner: Arc::new(ClockInner {
                now: AtomicU64::new(0),
                current: AtomicU64::new((Class::Client as u64) << 32),
                seq: AtomicU64::new(0),
                scripted: AtomicU64::new(0),
                pending: AtomicU64::new(0),
                clients: AtomicBool::new(false),
                heap: Mutex::new(BinaryHeap::new()),
            }),
        }
    }

    /// The current virtual time.
    #[inline]
    pub fn now(&self) -> Micros {
        self.inner.now.load(Relaxed)
    }

    /// A fresh sequence number; the global creation order of entries and trace events.
    #[inline]
    pub fn next_seq(&self) -> u64 {
        self.inner.seq.fetch_add(1, Relaxed)
    }

    /// The key of something happening now, under the entry being processed.
    #[inline]
    pub fn key_now(&self) -> Key {
        let cur = self.inner.current.load(Relaxed);
        Key {
            t: self.now(),
            class: (cur >> 32) as u8,
            idx: cur as u32,
            seq: self.next_seq(),
        }
    }

    /// The key of a completion at `t` on transport `idx` (possibly in the future, settled later).
    #[inline]
    pub fn completion_key(&self, t: Micros, idx: u32) -> Key {
        Key {
            t,
            class: Class::Completion as u8,
            idx,
            seq: self.next_seq(),
        }
    }

    /// Registers a wake-up of `target` at `t` (never earlier than now).
    pub fn schedule(&self, t: Micros, class: Class, idx: u32, target: Target) {
        let key = Key {
            t: t.max(self.now()),
            class: class as u8,
            idx,
            seq: self.next_seq(),
        };
        if class >= Class::Fault {
            self.inner.scripted.fetch_add(1, Relaxed);
        }
        self.lock().push(Reverse(Entry { key, target }));
    }

    /// The key of the earliest entry, if any.
    pub fn peek(&self) -> Option<Key> {
        self.lock().peek().map(|e| e.0.key)
    }

    /// Whether any scripted action or waiting client is still in the calendar.
    pub fn has_scripted(&self) -> bool {
        self.inner.scripted.load(Relaxed) > 0
    }

    /// Removes the earliest entry and makes its key the current one.
    pub fn pop(&self) -> Option<(Key, Target)> {
        let Reverse(e) = self.lock().pop()?;
        if e.key.class >= Class::Fault as u8 {
            self.inner.scripted.fetch_sub(1, Relaxed);
        }
        self.set_current(e.key);
        Some((e.key, e.target))
    }

    /// Moves the clock to `key` (used by the runner to settle the end of a run).
    pub fn set_current(&self, key: Key) {
        self.inner.now.store(key.t, Relaxed);
        self.inner
            .current
            .store((u64::from(key.class) << 32) | u64::from(key.idx), Relaxed);
    }

    /// An actor message is about to be sent.
    #[inline]
    pub fn sent(&self) {
        self.inner.pending.fetch_add(1, Relaxed);
    }

    /// An actor finished handling a message (and sent whatever it caused).
    #[inline]
    pub fn handled(&self) {
        // Saturating: after a full idle wait the count is reset to the truth, zero.
        let _ = self
            .inner
            .pending
            .fetch_update(Relaxed, Relaxed, |p| Some(p.saturating_sub(1)));
    }

    /// A client task (a flush caller, a procedure, a notification reader) may be runnable.
    #[inline]
    pub fn client_woken(&self) {
        self.inner.clients.store(true, Relaxed);
    }

    /// Waits until every task of the run is parked.
    ///
    /// Actors count the messages sent to them and those they have handled, so while only actors
    /// are busy, yielding until the count reaches zero is enough. Client tasks are woken by
    /// oneshot replies and timers that are not counted; when one may be runnable, or when
    /// yielding makes no progress, the driver falls back to a tokio sleep, which on a
    /// current-thread runtime with the clock paused fires only once nothing else can run.
    pub async fn wait_idle(&self) {
        let mut stalled = 0;
        let mut last = u64::MAX;
        loop {
            if self.inner.clients.swap(false, Relaxed) || stalled > 64 {
                tokio::time::sleep(std::time::Duration::from_millis(1)).await;
                self.inner.pending.store(0, Relaxed);
                self.inner.clients.store(false, Relaxed);
                return;
            }
            let pending = self.inner.pending.load(Relaxed);
            if pending == 0 {
                return;
            }
            stalled = if pending < last { 0 } else { stalled + 1 };
            last = pending;
            tokio::task::yield_now().await;
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, BinaryHeap<Reverse<Entry>>> {
        // A poisoned lock only means another actor panicked; the heap itself is intact.
        self.inner.heap.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pops_in_contract_order() {
        let c = Clock::new();
        c.schedule(10, Class::Client, 0, Target::Script(0));
        c.schedule(10, Class::Mail, 1, Target::Script(1));
        c.schedule(10, Class::Completion, 3, Target::Transport(3, 0));
        c.schedule(10, Class::Completion, 1, Target::Transport(1, 0));
        c.schedule(5, Class::Client, 0, Target::Script(2));
        c.schedule(10, Class::Timer, 0, Target::Spooler(0));
        let order: Vec<(u64, u8, u32)> = std::iter::from_fn(|| c.pop())
            .map(|(k, _)| (k.t, k.class, k.idx))
            .collect();
        assert_eq!(
            order,
            vec![
                (5, 6, 0),
                (10, 1, 1),
                (10, 1, 3),
                (10, 2, 0),
                (10, 5, 1),
                (10, 6, 0)
            ]
        );
        assert_eq!(c.now(), 10);
    }

    #[test]
    fn never_schedules_in_the_past() {
        let c = Clock::new();
        c.schedule(50, Class::Timer, 0, Target::Spooler(1));
        c.pop();
        c.schedule(20, Class::Timer, 0, Target::Spooler(2));
        assert_eq!(c.peek().unwrap().t, 50);
    }
}
