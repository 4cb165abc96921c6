//! The drain cases: mail that arrived at random is drained by one flush, through the real
//! path, beside the floor of the work it cannot avoid.
//!
//! A drain is a scenario like any other: LAN transports that move mail only when flushed, each
//! message taking its own exponentially drawn time (mean 1 ms), one `[[mail]]` (or
//! `[[incoming]]`) block per transport whose arrivals are exponentially spaced, so that the
//! arrivals of all transports together are spaced 100 µs apart on average. A client waits
//! until the last one has arrived, then calls `FlushQueues` on the spooler's status object; the
//! time runs from that call until the run has ended and its metrics (latency percentiles
//! included) are computed. The arrival times are replayed from the same random streams the
//! runner draws them from, so [`floor`] does exactly the per-message work the drain must do.

use std::time::{Duration, Instant};

use crate::mapi::{FlushFlags, HResult};
use crate::model::{FlushOrder, IncomingSpec, MailSpec, Scenario, Schedule, TransportConfig};
use crate::report::Outcome;
use crate::scenario::metrics::Metrics;
use crate::scenario::{run_with, RunOptions};
use crate::sim::percentile::{select_five, Five};
use crate::sim::rng::Dist;
use crate::sim::time::{Micros, MILLISECOND};
use crate::sim::{SimRng, Stream, TransportId};

/// Each message's transfer time.
pub const PER_MESSAGE: Dist = Dist::Exp(MILLISECOND);
/// The mean spacing of all arrivals together: 100 µs.
pub const SPACING: Micros = 100;
/// The smallest and largest message size drawn.
pub const SIZES: (u64, u64) = (1024, 64 * 1024);

/// A drain ready to run: its scenario, when its flush is called, and when each transport's
/// messages were queued (or arrived remotely), in queue order.
#[derive(Debug, Clone)]
pub struct DrainSetup {
    /// The scenario.
    pub scenario: Scenario,
    /// Whether the mail waits remotely and the flush downloads it.
    pub inbound: bool,
    /// When the client calls `FlushQueues`: just after the last arrival.
    pub flush_at: Micros,
    /// Per transport, the arrival time of each of its messages, in queue order.
    pub queued: Vec<Vec<Micros>>,
}

/// How `n` messages split over `t` transports.
pub(crate) fn share(n: u64, t: usize, i: usize) -> u64 {
    n / t as u64 + u64::from((i as u64) < n % t as u64)
}

/// The arrival times of a traffic block starting at `at` with spacing `every`, drawn from
/// `rng` as the runner draws them: the first at `at`, each next one a spacing later.
fn arrivals(at: Micros, count: u64, every: Dist, mut rng: SimRng) -> Vec<Micros> {
    let mut t = at;
    (0..count)
        .map(|_| {
            let this = t;
            t = t.saturating_add(every.sample(&mut rng));
            this
        })
        .collect()
}

/// The drain of `n` messages over `transports` transports: outbound mail queued in the
/// spooler, or (`inbound`) mail waiting at the transports' remote ends.
pub fn drain_setup(n: u64, transports: usize, inbound: bool) -> DrainSetup {
    let transports = transports.max(1);
    let mut s = Scenario::new(if inbound {
        "bench-drain-inbound"
    } else {
        "bench-drain"
    });
    let every = Dist::Exp(SPACING * transports as u64);
    let mut sizes = SimRng::new(s.seed, Stream::Mail(u32::MAX));
    let mut queued = Vec::with_capacity(transports);
    for i in 0..transports {
        let mut t = TransportConfig::lan(format!("t{i}"), &[&format!("T{i}")]);
        t.per_message = PER_MESSAGE;
        t.send = Schedule::OnDemand;
        t.receive = Schedule::OnDemand;
        s.transports.push(t);
        let count = share(n, transports, i);
        if count == 0 {
            queued.push(Vec::new());
            continue;
        }
        let stream = if inbound {
            s.incoming.push(IncomingSpec {
                transport: TransportId::new(i),
                at: 0,
                count,
                every,
            });
            Stream::Incoming(s.incoming.len() as u32 - 1)
        } else {
            s.mail.push(MailSpec {
                at: 0,
                to: format!("T{i}:bench@example.com"),
                count,
                every,
                size: Dist::Uniform(SIZES.0, SIZES.1).sample(&mut sizes),
            });
            Stream::Mail(s.mail.len() as u32 - 1)
        };
        queued.push(arrivals(0, count, every, SimRng::new(s.seed, stream)));
    }
    let last = queued.iter().filter_map(|q| q.last()).max().copied();
    DrainSetup {
        scenario: s,
        inbound,
        flush_at: last.unwrap_or(0) + 1,
        queued,
    }
}

/// The flags a drain flushes with: the queue it drains, without UI.
pub(crate) fn drain_flags(inbound: bool) -> FlushFlags {
    let queue = if inbound {
        FlushFlags::DOWNLOAD
    } else {
        FlushFlags::UPLOAD
    };
    queue | FlushFlags::NO_UI
}

/// Live heap bytes at the three moments of a drain the memory case compares: before anything
/// is queued, with everything queued, and when the flush has returned.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DrainHeap {
    /// Before the first arrival.
    pub before: i64,
    /// Just before the flush is called.
    pub queued: i64,
    /// When the flush has returned, before the run ends and its metrics are computed.
    pub returned: i64,
}

/// One drain's wall time, the metrics of its run, and (with a probe) its heap.
#[derive(Debug, Clone)]
pub struct Drained {
    /// From the flush call until the metrics are ready.
    pub took: Duration,
    /// The run's metrics.
    pub metrics: Metrics,
    /// Live heap bytes, when a probe was given.
    pub heap: Option<DrainHeap>,
}

/// Runs `setup`: waits for the last arrival, then times one flush on the spooler's status
/// object until the run's metrics are ready. `live_bytes`, if given, reads the live heap.
pub fn drain_run(setup: &DrainSetup, live_bytes: Option<fn() -> i64>) -> Drained {
    let (flush_at, inbound) = (setup.flush_at, setup.inbound);
    let probe = move || live_bytes.map_or(0, |f| f());
    let (run, out) = run_with(
        &setup.scenario,
        &RunOptions::default(),
        move |c| async move {
            let before = probe();
            c.sleep_until(flush_at).await;
            let queued = probe();
            let flags = drain_flags(inbound);
            let spooler = c.session().spooler_status();
            let start = Instant::now();
            let r = spooler.flush_queues(0, None, flags).await;
            let returned = probe();
            let heap = DrainHeap {
                before,
                queued,
                returned,
            };
            (r, start, heap)
        },
    );
    let (r, start, heap) = out.expect("the drain finishes");
    let outcome = Outcome::new(&setup.scenario, run);
    let took = start.elapsed();
    assert_eq!(r, HResult::S_OK, "the drain flush failed");
    Drained {
        took,
        metrics: outcome.metrics,
        heap: live_bytes.map(|_| heap),
    }
}

/// What [`floor`] measured.
#[derive(Debug, Clone)]
pub struct Floor {
    /// Its time.
    pub took: Duration,
    /// The five figures of each transport's share, in profile order.
    pub each: Vec<Option<Five<Micros>>>,
    /// The five figures of all the latencies.
    pub all: Option<Five<Micros>>,
}

/// The floor of a drain: in a bare loop, the work no drain of `setup` can avoid. Per
/// transport, in the order the spooler's flush takes them, the same draws from the same
/// sampler and stream, each completion time and latency, every latency stored; then the five figures selected over each transport's share
/// and over all, as the metrics report them.
pub fn floor(setup: &DrainSetup) -> Floor {
    let total: usize = setup.queued.iter().map(Vec::len).sum();
    let seed = setup.scenario.seed;
    let start = Instant::now();
    let mut latencies: Vec<Micros> = Vec::with_capacity(total);
    let mut bounds = Vec::with_capacity(setup.queued.len());
    // In profile order a transport's part of the flush begins when the one before it ends.
    let one_by_one = setup.scenario.spooler.flush_order == FlushOrder::Profile;
    let mut end = setup.flush_at;
    for (i, queued) in setup.queued.iter().enumerate() {
        let per_message = setup.scenario.transports[i].per_message;
        let mut rng = SimRng::new(seed, Stream::Transport(i as u32));
        if !one_by_one {
            end = setup.flush_at;
        }
        let from = latencies.len();
        latencies.extend(queued.iter().map(|&at| {
            end += per_message.sample(&mut rng);
            end - at
        }));
        bounds.push(from..latencies.len());
    }
    let each = bounds
        .into_iter()
        .map(|r| select_five(&mut latencies[r]))
        .collect();
    let all = select_five(&mut latencies);
    Floor {
        took: start.elapsed(),
        each,
        all,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::metrics::Value;

    /// The floor does the drain's own per-message work: its five figures are the run's, per
    /// transport and in all, to the microsecond.
    #[test]
    fn the_floor_finds_the_runs_own_percentiles() {
        for inbound in [false, true] {
            let setup = drain_setup(2_003, 3, inbound);
            let run = drain_run(&setup, None);
            let Floor { each, all, .. } = floor(&setup);
            let dir = if inbound { "inbound" } else { "outbound" };
            let figures = |prefix: &str| -> Vec<Value> {
                ["min", "p50", "p90", "p99", "max"]
                    .iter()
                    .map(|f| run.metrics.get(&format!("{prefix}.{f}")).cloned().unwrap())
                    .collect()
            };
            let five = |f: Option<Five<Micros>>| -> Vec<Value> {
                let f = f.unwrap();
                [f.min, f.p50, f.p90, f.p99, f.max]
                    .map(Value::Time)
                    .to_vec()
            };
            for (i, f) in each.into_iter().enumerate() {
                assert_eq!(figures(&format!("latency.{dir}.t{i}")), five(f));
            }
            assert_eq!(figures(&format!("latency.{dir}")), five(all));
            let moved = if inbound { "received" } else { "delivered" };
            assert_eq!(run.metrics.count_of(moved), 2_003);
        }
    }
}
