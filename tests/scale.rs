//! What a run costs per transport does not grow with the number of transports.
//!
//! The scenario is the one `spoolsim bench` times for its `transports` case: ten messages
//! queued on each of many LAN transports, drained by a `flush-each` procedure (which walks the
//! status table and flushes each transport through its own status object) and then a spooler
//! flush. It runs with 1,000 and with 10,000 transports (the most a scenario may have).
//!
//! Wall time is a poor witness on a shared machine, so the default test counts instead, with
//! an allocator that keeps the run's own accounting: the peak of live heap bytes and the number
//! of allocations, per transport. Both are deterministic, and both grew with the square of the
//! number of transports before (every actor's recorder had a slot for every transport; every
//! `GetProps` on a status object built every row of the table). A wall-clock check with a
//! generous bound runs in release builds (`cargo test --release --test scale`).

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use spoolsim::mapi::FlushFlags;
use spoolsim::model::{
    FlushSpec, MailSpec, ProcedureKind, ProcedureSpec, Scenario, Schedule, TransportConfig, Via,
};
use spoolsim::scenario::runner::{run, RunOptions};
use spoolsim::sim::Dist;

/// The system allocator, counting live bytes, their peak and allocations.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);
static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call is passed straight to the system allocator; the counters only observe.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }

    unsafe fn dealloc(&self, p: *mut u8, layout: Layout) {
        unsafe { System.dealloc(p, layout) };
        LIVE.fetch_sub(layout.size(), Relaxed);
    }

    unsafe fn realloc(&self, p: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let q = unsafe { System.realloc(p, layout, new_size) };
        if !q.is_null() {
            LIVE.fetch_sub(layout.size(), Relaxed);
            grew(new_size);
        }
        q
    }
}

/// Counts an allocation of `size` bytes.
fn grew(size: usize) {
    ALLOCATIONS.fetch_add(1, Relaxed);
    let live = LIVE.fetch_add(size, Relaxed) + size;
    PEAK.fetch_max(live, Relaxed);
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// The counters are global: one measurement at a time.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

/// Messages queued on each transport.
const PER_TRANSPORT: u64 = 10;

/// `transports` LAN transports with ten messages each, drained by `flush-each` and then a
/// spooler flush, at one second.
fn scenario(transports: usize) -> Scenario {
    let mut s = Scenario::new(format!("transports-{transports}"));
    for i in 0..transports {
        let mut t = TransportConfig::lan(format!("t{i}"), &[&format!("T{i}")]);
        t.per_message = Dist::Fixed(10_000);
        t.send = Schedule::OnDemand;
        s.transports.push(t);
        s.mail.push(MailSpec {
            at: 0,
            to: format!("T{i}:user"),
            count: PER_TRANSPORT,
            every: Dist::Fixed(0),
            size: 2048,
        });
    }
    s.procedures.push(ProcedureSpec {
        at: 1_000_000,
        kind: ProcedureKind::FlushEach,
        flags: FlushFlags::UPLOAD,
        order: 0,
        name: None,
    });
    s.flushes.push(FlushSpec {
        at: 1_000_000,
        via: Via::Spooler,
        target: None,
        flags: FlushFlags::UPLOAD | FlushFlags::DOWNLOAD,
        order: 1,
        name: None,
    });
    s
}

/// What one run cost, per transport.
#[derive(Debug, Clone, Copy)]
struct Cost {
    /// Peak live heap bytes during the run, above those live before it.
    peak_bytes: f64,
    /// Allocations made by the run.
    allocations: f64,
    /// Wall time.
    wall: Duration,
}

/// Builds and runs the scenario with `transports` transports; checks that every message was
/// delivered and returns what the run cost per transport.
fn cost(transports: usize) -> Cost {
    let s = scenario(transports);
    let before = LIVE.load(Relaxed);
    PEAK.store(before, Relaxed);
    let allocations = ALLOCATIONS.load(Relaxed);
    let started = Instant::now();
    let run = run(&s, &RunOptions::default());
    let wall = started.elapsed();
    let n = transports as f64;
    let cost = Cost {
        peak_bytes: (PEAK.load(Relaxed) - before) as f64 / n,
        allocations: (ALLOCATIONS.load(Relaxed) - allocations) as f64 / n,
        wall,
    };
    let delivered: u64 = run.trace.counts().iter().map(|c| c.delivered).sum();
    assert_eq!(delivered, PER_TRANSPORT * transports as u64);
    assert_eq!(run.transports.len(), transports);
    cost
}

#[test]
fn ten_thousand_transports_cost_per_transport_what_a_thousand_do() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let small = cost(1_000);
    let large = cost(10_000);
    eprintln!("1,000 transports: {small:?}\n10,000 transports: {large:?}");
    // Linear costs give the same figure per transport at both sizes; a cost that grows with
    // the square of the number of transports gives ten times as much at 10,000.
    assert!(
        large.peak_bytes <= 1.25 * small.peak_bytes,
        "peak heap per transport grows with the number of transports: {:.0} bytes at 1,000, \
         {:.0} at 10,000",
        small.peak_bytes,
        large.peak_bytes
    );
    assert!(
        large.allocations <= 1.25 * small.allocations,
        "allocations per transport grow with the number of transports: {:.1} at 1,000, {:.1} \
         at 10,000",
        small.allocations,
        large.allocations
    );
    // The limit a run with the most transports a scenario may have must stay within, with room
    // for what is not on the heap (code, stacks). The run peaks at about 57 MiB; it took 76
    // before each transport's channel, recorder, commands and random streams were made
    // smaller, and memory touched per transport makes a large run slower per transport.
    let peak_mib = large.peak_bytes * 10_000.0 / f64::from(1 << 20);
    assert!(
        peak_mib <= 64.0,
        "10,000 transports peak at {peak_mib:.0} MiB of heap"
    );
}

/// Wall time per transport at 10,000 transports against 1,000, the best of three runs each.
/// The bound is generous (twice the cost per transport) so that a loaded machine does not fail
/// it, while a cost that grows with the square of the number of transports (ten times) does.
/// Debug builds are too slow to say anything about time.
#[test]
#[cfg_attr(debug_assertions, ignore = "times a release build")]
fn ten_thousand_transports_take_per_transport_the_time_a_thousand_do() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let best = |n: usize| {
        (0..3)
            .map(|_| cost(n).wall)
            .min()
            .expect("three runs")
            .as_secs_f64()
            / n as f64
    };
    let small = best(1_000);
    let large = best(10_000);
    let ratio = small / large;
    eprintln!("per transport: {small:.3e} s at 1,000, {large:.3e} s at 10,000 (ratio {ratio:.2})");
    assert!(
        ratio >= 0.5,
        "a transport costs {:.1} times as much at 10,000 transports as at 1,000",
        1.0 / ratio
    );
}
