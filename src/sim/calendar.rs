//! The calendar: every future event of a run, in the documented same-instant order.
//!
//! Actors never arm tokio timers. They register wake-ups here, and the runner's driver pops the
//! earliest entry, stamps the shared [`Clock`] with it and hands it to its target. The key `(time, class, index, sequence)` orders simultaneous events, so they are
//! delivered in a platform-independent order whatever tokio's scheduler would have done
//! (`docs/same-instant.md` states the rules as users read them).
//!
//! Two rules keep an instant causal. An entry created while another is handled, due at that
//! same instant, takes its place by its class *after* the entries of its class already waiting
//! (its index becomes [`CREATED`]; its sequence number keeps such entries in creation order).
//! And the key under which entries are handled never goes back within an instant: an entry
//! whose own key sorts before the one handled last (say a completion that a flush call created)
//! is handled under that last key, so nothing it records sorts before its cause.

use std::cmp::{Ordering, Reverse};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering::Relaxed};
use std::sync::{Arc, Mutex, OnceLock};
use std::task::{Context, Poll, Waker};

use tokio::sync::oneshot;

use super::ids::TransportId;
use super::min_queue::MinQueue;
use super::time::Micros;

/// Event classes, in the order ties at one instant are settled.
///
/// Users see three: completions, timers, scripted actions. Among the timers lifetime timers
/// come first, and among the scripted actions each kind has its own class, so that the key
/// alone gives the documented order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[repr(u8)]
pub enum Class {
    /// Completion of work already under way: deliveries, downloads, connects, prompt answers,
    /// restarts, the end of a flush part.
    Completion = 1,
    /// Lifetime timers: at one instant they fire before every other timer.
    Lifetime = 2,
    /// Retry and schedule timers, and the end of an offline spell.
    Timer = 3,
    /// Scripted `[[fault]]`.
    Fault = 4,
    /// Scripted `[[incoming]]`.
    Incoming = 5,
    /// Scripted `[[mail]]`.
    Mail = 6,
    /// Scripted `[[flush]]` and `[[procedure]]`, and API clients waiting for a time.
    Client = 7,
}

/// The index of an entry created while another is handled and due at that same instant: it
/// sorts after every entry of its class already waiting, whatever their transports.
pub const CREATED: u32 = u32::MAX;

/// The sort key of a calendar entry and of every trace event: ordered by its fields in turn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
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

impl Key {
    /// Class and index packed into one number that sorts as the pair does.
    #[inline]
    fn place(&self) -> u64 {
        (u64::from(self.class) << 32) | u64::from(self.idx)
    }
}

// Written out rather than derived: three integer comparisons instead of four, on the
// calendar's hottest path (every push and pop compares keys a few times).
impl Ord for Key {
    #[inline]
    fn cmp(&self, other: &Self) -> Ordering {
        (self.t, self.place(), self.seq).cmp(&(other.t, other.place(), other.seq))
    }
}
impl PartialOrd for Key {
    #[inline]
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// What an actor asked to be woken for, handed back to it when the entry is due: a kind of
/// wake-up the actor defines, and a number that goes with it (the transport a spooler timer is
/// for; the generation of a transport's plan, so that a wake-up armed before the plan changed
/// is recognised as stale).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WakeToken {
    /// The kind of wake-up, in the actor's own numbering.
    pub kind: u8,
    /// What goes with it.
    pub value: u64,
}

/// Who a calendar entry wakes.
#[derive(Debug)]
pub enum Target {
    /// The spooler actor, with a token it chose.
    Spooler(WakeToken),
    /// A transport actor, with a token it chose.
    Transport(TransportId, WakeToken),
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

/// The entries waiting, in two lists that pop as one.
///
/// A long run lays out thousands of scripted entries before it starts (a year of daily
/// flushes), while only a handful are created at a time as it goes. Kept in one heap, the
/// script made every push and pop walk a dozen levels; so the entries laid out before the run
/// handles anything are sorted once, and only the entries created as it goes share a queue,
/// one that is cheapest at the dozen entries it usually holds ([`MinQueue`]).
#[derive(Debug, Default)]
struct Entries {
    /// Entries laid out before the run started, latest first once `sorted`.
    laid_out: Vec<Entry>,
    /// Whether `laid_out` is sorted.
    sorted: bool,
    /// Entries created while the run handles entries.
    created: MinQueue<Entry>,
    /// Entries of class `Fault` or later (scripted actions and waiting clients): counted here,
    /// under the lock every push and pop takes anyway, rather than in an atomic of their own.
    scripted: usize,
}

impl Entries {
    fn push(&mut self, entry: Entry, laid_out: bool) {
        self.scripted += usize::from(entry.key.class >= Class::Fault as u8);
        if laid_out {
            self.laid_out.push(entry);
            self.sorted = false;
        } else {
            self.created.push(entry);
        }
    }

    /// Whether the earliest entry is a laid-out one (`None`: there is none).
    fn earliest_laid_out(&mut self) -> Option<bool> {
        if !self.sorted {
            self.laid_out.sort_unstable_by_key(|e| Reverse(e.key));
            self.sorted = true;
        }
        match (self.laid_out.last(), self.created.peek()) {
            (Some(a), Some(b)) => Some(a.key < b.key),
            (Some(_), None) => Some(true),
            (None, Some(_)) => Some(false),
            (None, None) => None,
        }
    }

    fn peek(&mut self) -> Option<Key> {
        match self.earliest_laid_out()? {
            true => self.laid_out.last().map(|e| e.key),
            false => self.created.peek().map(|e| e.key),
        }
    }

    /// Removes the earliest entry if it is due at `horizon` or before.
    fn pop_until(&mut self, horizon: Micros) -> Option<Entry> {
        let e = self.pop_due(horizon)?;
        self.scripted -= usize::from(e.key.class >= Class::Fault as u8);
        Some(e)
    }

    fn pop_due(&mut self, horizon: Micros) -> Option<Entry> {
        let laid_out = self.earliest_laid_out()?;
        if laid_out {
            if self.laid_out.last()?.key.t > horizon {
                return None;
            }
            self.laid_out.pop()
        } else {
            if self.created.peek()?.key.t > horizon {
                return None;
            }
            self.created.pop()
        }
    }
}

/// The shared clock and calendar of one run: cheap to clone, one per actor.
#[derive(Debug, Clone)]
pub struct Clock {
    inner: Arc<ClockInner>,
}

/// One step of a run's driver: handles the next calendar entry if it can, and says whether
/// it did.
pub type StepFn = Box<dyn Fn() -> bool + Send + Sync>;

struct Step(StepFn);

impl std::fmt::Debug for Step {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Step")
    }
}

#[derive(Debug)]
struct ClockInner {
    now: AtomicU64,
    /// Class and index of the entry being processed, packed as `class << 32 | idx`.
    current: AtomicU64,
    seq: AtomicU64,
    /// Messages sent to actors and not yet handled (see [`Clock::wait_idle`]).
    pending: AtomicU64,
    /// Set when a client task may have been woken.
    clients: AtomicBool,
    /// The waker of the task that waits for idleness (the runner's driver), kept from its
    /// first wait: a task's waker stays the same, so later waits only compare it.
    driver: OnceLock<Waker>,
    /// Set while the driver waits for the count of pending messages to reach zero.
    waiting: AtomicBool,
    /// Set when the runtime ran out of runnable tasks while the driver was waiting.
    idle: AtomicBool,
    /// The driver's step, run in place of waking the driver (see [`Clock::set_step`]).
    step: OnceLock<Step>,
    /// Set once the run handles entries: from then on an entry due now counts as created at
    /// this instant (before, the runner lays out its script in file order).
    handling: AtomicBool,
    entries: Mutex<Entries>,
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
                pending: AtomicU64::new(0),
                clients: AtomicBool::new(false),
                driver: OnceLock::new(),
                waiting: AtomicBool::new(false),
                idle: AtomicBool::new(false),
                step: OnceLock::new(),
                handling: AtomicBool::new(false),
                entries: Mutex::new(Entries::default()),
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

    /// The key of an event at `t` of `class` on `idx`, recorded now, that the entry being
    /// handled caused or that was settled late: one at the current instant is recorded under
    /// the entry being handled (as [`Clock::key_now`] does), so it never sorts before its
    /// cause; one at an earlier time takes its own place at that time.
    #[inline]
    pub fn key_at(&self, t: Micros, class: Class, idx: u32) -> Key {
        if t >= self.now() {
            return self.key_now();
        }
        self.natural_key(t, class, idx)
    }

    /// The key of an event that was due at `(t, class, idx)` and is recorded now: at its own
    /// place, even at the current instant when that place comes before the entry being
    /// handled (a transfer that ended at the instant a flush is called, settled by the call);
    /// under the entry being handled when its place has not come yet.
    #[inline]
    pub fn due_key(&self, t: Micros, class: Class, idx: u32) -> Key {
        let now = self.key_now();
        let own = self.natural_key(t, class, idx);
        if (own.t, own.class, own.idx) < (now.t, now.class, now.idx) {
            own
        } else {
            now
        }
    }

    fn natural_key(&self, t: Micros, class: Class, idx: u32) -> Key {
        Key {
            t,
            class: class as u8,
            idx,
            seq: self.next_seq(),
        }
    }

    /// The class under which the current entry is handled.
    #[inline]
    pub fn current_class(&self) -> u8 {
        (self.inner.current.load(Relaxed) >> 32) as u8
    }

    /// Whether the lifetime of mail that expires at `expiry` has run out at the moment being
    /// handled. At the very instant it runs out, it has once that instant's lifetime timers
    /// have fired: not while completions of work under way are handled (so an attempt such a
    /// completion starts then counts as under way), and already when a timer or a scripted
    /// action is.
    pub fn lifetime_over(&self, expiry: Micros) -> bool {
        let now = self.now();
        expiry < now || (expiry == now && self.lifetimes_fired())
    }

    /// Whether the lifetime timers of the current instant have fired by the moment being
    /// handled: once anything past the completions of work under way is handled.
    #[inline]
    pub fn lifetimes_fired(&self) -> bool {
        self.current_class() >= Class::Lifetime as u8
    }

    /// Registers a wake-up of `target` at `t` (never earlier than now). Once the run handles
    /// entries, one due at the current instant goes after the entries of its class already
    /// waiting ([`CREATED`]).
    pub fn schedule(&self, t: Micros, class: Class, idx: u32, target: Target) {
        let now = self.now();
        let handling = self.inner.handling.load(Relaxed);
        let created = t <= now && handling;
        let key = Key {
            t: t.max(now),
            class: class as u8,
            idx: if created { CREATED } else { idx },
            seq: self.next_seq(),
        };
        self.lock().push(Entry { key, target }, !handling);
    }

    /// The key of the earliest entry, if any.
    pub fn peek(&self) -> Option<Key> {
        self.lock().peek()
    }

    /// Whether any scripted action or waiting client is still in the calendar.
    pub fn has_scripted(&self) -> bool {
        self.lock().scripted > 0
    }

    /// Removes the earliest entry and makes it the one being handled: under its own key, or,
    /// when that sorts before the key handled last at this instant (an entry created by
    /// something handled later in the order), under that last key.
    pub fn pop(&self) -> Option<(Key, Target)> {
        self.pop_until(Micros::MAX)
    }

    /// [`Clock::pop`], when the earliest entry is due at `horizon` or before.
    pub fn pop_until(&self, horizon: Micros) -> Option<(Key, Target)> {
        let e = self.lock().pop_until(horizon)?;
        let cur = self.inner.current.load(Relaxed);
        let own = (u64::from(e.key.class) << 32) | u64::from(e.key.idx);
        let behind = self.inner.handling.load(Relaxed) && e.key.t == self.now() && own < cur;
        let key = if behind {
            Key {
                class: (cur >> 32) as u8,
                idx: cur as u32,
                ..e.key
            }
        } else {
            e.key
        };
        self.set_current(key);
        Some((key, e.target))
    }

    /// Makes `key` the one being handled (the runner opens a run and settles its end with it;
    /// tests drive state machines with it). From then on, entries due now count as created.
    pub fn set_current(&self, key: Key) {
        self.inner.now.store(key.t, Relaxed);
        self.inner
            .current
            .store((u64::from(key.class) << 32) | u64::from(key.idx), Relaxed);
        self.inner.handling.store(true, Relaxed);
    }

    /// An actor message is about to be sent.
    #[inline]
    pub fn sent(&self) {
        self.inner.pending.fetch_add(1, Relaxed);
    }

    /// An actor finished handling a message (and sent whatever it caused). The last one takes
    /// the driver's next step in place ([`Clock::set_step`]) or wakes the driver waiting in
    /// [`Clock::wait_idle`].
    #[inline]
    pub fn handled(&self) {
        // Saturating: after a full idle wait the count is reset to the truth, zero.
        let prev = self
            .inner
            .pending
            .fetch_update(Relaxed, Relaxed, |p| Some(p.saturating_sub(1)));
        // Only a driver waiting on the count is woken: one asleep until a client task has run
        // would be polled for nothing.
        if prev == Ok(1) && !self.step() && self.inner.waiting.load(Relaxed) {
            self.wake_driver();
        }
    }

    /// Sets the driver's step, once per clock. When the last pending message has been
    /// handled and no client task may run, every task is parked but the one handling it, which
    /// is about to park: nothing can happen before the driver's next step, so it is taken there
    /// and then, and the driver task, polled only to take that step, sleeps on. The driver is
    /// woken as before when the step declines or leaves nothing pending.
    pub fn set_step(&self, step: StepFn) {
        let _ = self.inner.step.set(Step(step));
    }

    /// Takes the driver's step in place; whether the driver may sleep on.
    fn step(&self) -> bool {
        if self.inner.clients.load(Relaxed) {
            return false;
        }
        let Some(Step(f)) = self.inner.step.get() else {
            return false;
        };
        f() && self.inner.pending.load(Relaxed) > 0
    }

    /// Whether a step may be taken in place right after another: nothing counted is pending
    /// and no client task may run, so every task is still parked.
    #[inline]
    pub fn all_parked(&self) -> bool {
        self.inner.pending.load(Relaxed) == 0 && !self.inner.clients.load(Relaxed)
    }

    /// A client task (a flush caller, a procedure, a notification reader) may be runnable.
    #[inline]
    pub fn client_woken(&self) {
        self.inner.clients.store(true, Relaxed);
    }

    /// The runtime found no task to run (the runner calls this from tokio's
    /// `on_thread_park` hook). A driver still waiting for the count then waits for nothing
    /// that can happen: it is woken, and the count, which a message lost with its task would
    /// have kept above zero, is reset.
    pub fn runtime_idle(&self) {
        if self.inner.waiting.load(Relaxed) {
            self.inner.waiting.store(false, Relaxed);
            self.inner.idle.store(true, Relaxed);
            self.wake_driver();
        }
    }

    fn wake_driver(&self) {
        if let Some(w) = self.inner.driver.get() {
            w.wake_by_ref();
        }
    }

    /// Waits until every task of the run is parked.
    ///
    /// Actors count the messages sent to them and those they have handled, so while only actors
    /// are busy, waiting until the count reaches zero is enough: the actor that handles the
    /// last message wakes the waiting task, which is thus polled once per wait rather than
    /// once per message handled meanwhile. Client tasks are woken by oneshot replies and timers
    /// that are not counted; when one may be runnable, the waiting task falls back to a tokio
    /// sleep, which on a current-thread runtime with the clock paused fires only once nothing
    /// else can run. Should the count stay above zero with nothing left to run, the runtime's
    /// idle hook ([`Clock::runtime_idle`]) ends the wait instead.
    pub async fn wait_idle(&self) {
        let idle = std::future::poll_fn(|cx| self.poll_counted(cx)).await;
        if !idle {
            tokio::time::sleep(std::time::Duration::from_millis(1)).await;
        }
        self.inner.pending.store(0, Relaxed);
        self.inner.clients.store(false, Relaxed);
    }

    /// Ready once nothing counted is pending: `true` when the runtime is idle as well, `false`
    /// when a client task may still be runnable.
    fn poll_counted(&self, cx: &mut Context<'_>) -> Poll<bool> {
        let inner = &*self.inner;
        if inner.idle.load(Relaxed) {
            inner.idle.store(false, Relaxed);
            return Poll::Ready(true);
        }
        // Plain loads and stores: a swap would cost a locked instruction on every wait.
        if inner.clients.load(Relaxed) {
            inner.waiting.store(false, Relaxed);
            return Poll::Ready(false);
        }
        if inner.pending.load(Relaxed) == 0 {
            inner.waiting.store(false, Relaxed);
            return Poll::Ready(true);
        }
        match inner.driver.get() {
            Some(w) if w.will_wake(cx.waker()) => {}
            None => {
                let _ = inner.driver.set(cx.waker().clone());
            }
            // Another task waits: it is not woken by the count, so it waits as a client does.
            Some(_) => return Poll::Ready(false),
        }
        inner.waiting.store(true, Relaxed);
        Poll::Pending
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Entries> {
        // A poisoned lock only means another actor panicked; the entries themselves are intact.
        self.inner.entries.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token(value: u64) -> WakeToken {
        WakeToken { kind: 0, value }
    }

    #[test]
    fn pops_in_the_documented_order() {
        let c = Clock::new();
        c.schedule(10, Class::Client, 0, Target::Script(0));
        c.schedule(10, Class::Mail, 1, Target::Script(1));
        c.schedule(
            10,
            Class::Completion,
            3,
            Target::Transport(TransportId(3), token(0)),
        );
        c.schedule(
            10,
            Class::Completion,
            1,
            Target::Transport(TransportId(1), token(0)),
        );
        c.schedule(5, Class::Client, 0, Target::Script(2));
        c.schedule(10, Class::Timer, 0, Target::Spooler(token(0)));
        let order: Vec<(u64, u8, u32)> = std::iter::from_fn(|| c.pop())
            .map(|(k, _)| (k.t, k.class, k.idx))
            .collect();
        let (co, tm, m, cl) = (
            Class::Completion as u8,
            Class::Timer as u8,
            Class::Mail as u8,
            Class::Client as u8,
        );
        assert_eq!(
            order,
            vec![
                (5, cl, 0),
                (10, co, 1),
                (10, co, 3),
                (10, tm, 0),
                (10, m, 1),
                (10, cl, 0)
            ]
        );
        assert_eq!(c.now(), 10);
    }

    #[test]
    fn an_entry_created_at_its_instant_goes_after_its_class_and_never_before_its_creator() {
        let c = Clock::new();
        // Waiting at 10: a completion of transport 5, a lifetime timer, a scripted flush.
        c.schedule(
            10,
            Class::Completion,
            5,
            Target::Transport(TransportId(5), token(0)),
        );
        c.schedule(10, Class::Lifetime, 0, Target::Spooler(token(0)));
        c.schedule(10, Class::Client, 0, Target::Script(0));
        let (first, _) = c.pop().unwrap();
        assert_eq!((first.class, first.idx), (Class::Completion as u8, 5));
        // Created while it is handled: a completion of transport 0 goes after the completions
        // already waiting (none left here) yet before the timer, whatever its transport.
        c.schedule(
            10,
            Class::Completion,
            0,
            Target::Transport(TransportId(0), token(1)),
        );
        assert_eq!(c.peek().map(|k| (k.class, k.idx)), Some((1, CREATED)));
        assert_eq!(c.pop().unwrap().0.class, Class::Completion as u8);
        assert!(!c.lifetimes_fired());
        assert_eq!(c.pop().unwrap().0.class, Class::Lifetime as u8);
        assert!(c.lifetimes_fired() && c.lifetime_over(10) && !c.lifetime_over(11));
        let (call, _) = c.pop().unwrap();
        assert_eq!(call.class, Class::Client as u8);
        let during_call = c.key_now();
        // The call creates a completion: handled next, but under the call's key, so whatever
        // it records sorts after what the call recorded.
        c.schedule(
            10,
            Class::Completion,
            3,
            Target::Transport(TransportId(3), token(2)),
        );
        let (done, _) = c.pop().unwrap();
        assert_eq!((done.class, done.idx), (call.class, call.idx));
        assert!(c.key_now() > during_call);
        assert!(
            c.lifetimes_fired(),
            "still after this instant's lifetime timers"
        );
    }

    #[test]
    fn keys_of_events_settled_late_keep_their_place_but_never_precede_their_cause() {
        let c = Clock::new();
        c.set_current(Key {
            t: 50,
            class: Class::Client as u8,
            idx: 2,
            seq: 0,
        });
        let now = c.key_now();
        // An earlier time: its own place.
        let past = c.key_at(40, Class::Completion, 1);
        assert_eq!((past.t, past.class, past.idx), (40, 1, 1));
        // This instant, caused by what is handled: after it.
        assert!(c.key_at(50, Class::Completion, 1) > now);
        // This instant, due before what is handled (a transfer that ended as a call came):
        // its own place; due after it: under it.
        let due = c.due_key(50, Class::Completion, 1);
        assert_eq!((due.t, due.class, due.idx), (50, 1, 1));
        c.set_current(Key {
            t: 50,
            class: Class::Completion as u8,
            idx: 0,
            seq: 0,
        });
        let early = c.due_key(50, Class::Completion, 1);
        assert_eq!((early.class, early.idx), (1, 0));
    }

    #[test]
    fn entries_laid_out_before_the_run_and_created_during_it_pop_as_one_calendar() {
        let c = Clock::new();
        for t in [30, 10, 50] {
            c.schedule(t, Class::Client, 0, Target::Script(t as u32));
        }
        c.set_current(Key::default());
        for t in [40, 20, 60] {
            c.schedule(t, Class::Client, 0, Target::Script(t as u32));
        }
        assert_eq!(c.peek().map(|k| k.t), Some(10));
        assert!(c.pop_until(5).is_none(), "nothing due by 5");
        let order: Vec<u64> = std::iter::from_fn(|| c.pop_until(50))
            .map(|(k, _)| k.t)
            .collect();
        assert_eq!(order, vec![10, 20, 30, 40, 50]);
        assert_eq!(c.pop().map(|(k, _)| k.t), Some(60));
        assert!(c.pop().is_none());
    }

    #[test]
    fn never_schedules_in_the_past() {
        let c = Clock::new();
        c.schedule(50, Class::Timer, 0, Target::Spooler(token(1)));
        c.pop();
        c.schedule(20, Class::Timer, 0, Target::Spooler(token(2)));
        assert_eq!(c.peek().unwrap().t, 50);
    }
}
