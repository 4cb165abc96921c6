//! Queue-draining benchmarks, their floors and their raw-channel baselines
//! (`docs/benchmarks.md`).
//!
//! Each case measures real work through the real path — the spooler actor, its queues, the
//! transport actors, the channels and the flush request, with the trace recorder in its default
//! counting mode — and each baseline is measured in the same process, on the same kind of
//! runtime, so that a ratio holds on a noisy machine. `spoolsim bench` and the criterion
//! benches in `benches/` both call these functions.

pub mod baseline;
pub mod drain;
pub mod fleet;

pub use drain::{drain_run, drain_setup, floor, DrainSetup, Drained, Floor};

use std::time::{Duration, Instant};

use crate::mapi::{FlushFlags, HResult};
use crate::model::{
    FlushSpec, IncomingSpec, MailSpec, ProcedureKind, ProcedureSpec, RasConfig, Scenario, Schedule,
    TransportConfig, TransportKind, UiAnswer, Via,
};
use crate::protocol::QueuedMsg;
use crate::scenario::{run, run_with, RunOptions};
use crate::sim::rng::Dist;
use crate::sim::time::{Micros, DAY, HOUR, MILLISECOND, MINUTE, SECOND};
use crate::sim::TransportId;
use drain::share;

/// `t` LAN transports that move mail only when flushed and take no time per message.
pub fn drain_scenario(transports: usize) -> Scenario {
    let mut s = Scenario::new("bench-drain");
    for i in 0..transports {
        let mut t = TransportConfig::lan(format!("t{i}"), &[&format!("T{i}")]);
        t.send = Schedule::OnDemand;
        t.receive = Schedule::OnDemand;
        s.transports.push(t);
    }
    s
}

/// `drain-zero`: `n` messages that take no time each, all queued at one instant on
/// `transports` transports (outbound, or waiting remotely), drained by one
/// `FLUSH_UPLOAD | FLUSH_NO_UI` (or `FLUSH_DOWNLOAD`) on the spooler's status object. Times
/// the call, from the call to its return: bookkeeping and hand-off only.
pub fn drain_zero(n: u64, transports: usize, inbound: bool) -> Duration {
    let transports = transports.max(1);
    let s = drain_scenario(transports);
    let (_, out) = run_with(&s, &RunOptions::default(), move |c| async move {
        for i in 0..transports {
            let k = share(n, transports, i);
            if inbound {
                c.session().spooler().arrive(TransportId::new(i), k as u32);
            } else {
                c.submit(&format!("T{i}:bench"), k, 2048);
            }
        }
        // Let the spooler queue everything before the clock starts.
        c.sleep_until(1).await;
        let flags = drain::drain_flags(inbound);
        let spooler = c.session().spooler_status();
        let start = Instant::now();
        let r = spooler.flush_queues(0, None, flags).await;
        let took = start.elapsed();
        (r, took)
    });
    let (r, took) = out.expect("the drain finishes");
    assert_eq!(r, HResult::S_OK, "the drain flush failed");
    took
}

/// `flush-roundtrip`: `k` flushes of an empty queue on one transport's status object, each
/// awaited: client → spooler → reply.
pub fn flush_roundtrip(k: u64) -> Duration {
    let s = drain_scenario(1);
    let (_, out) = run_with(&s, &RunOptions::default(), move |c| async move {
        let lan = c
            .session()
            .transport_status(TransportId(0))
            .expect("one transport");
        let flags = FlushFlags::UPLOAD | FlushFlags::NO_UI;
        let start = Instant::now();
        for _ in 0..k {
            let r = lan.flush_queues(0, None, flags).await;
            debug_assert_eq!(r, HResult::S_OK);
        }
        start.elapsed()
    });
    out.expect("the round trips finish")
}

/// The office day scaled up: `mails` outbound messages (and half as many inbound) over 24
/// simulated hours on `transports` transports (one in five dial-up), with hourly flushes and
/// both seed procedures.
pub fn sim_day_scenario(mails: u64, transports: usize) -> Scenario {
    let mut s = Scenario::new("bench-sim-day");
    s.until = Some(DAY);
    let transports = transports.max(1);
    for i in 0..transports {
        let name = format!("t{i}");
        let ty = format!("T{i}");
        let t = if i % 5 == 4 {
            let mut t = TransportConfig::ras(name, &[&ty]);
            t.per_message = Dist::Exp(2 * SECOND);
            t.kind = TransportKind::Ras(RasConfig {
                connect: 45 * SECOND,
                ui: UiAnswer::Accept,
                ui_delay: 8 * SECOND,
                ..RasConfig::default()
            });
            t
        } else {
            let mut t = TransportConfig::lan(name, &[&ty]);
            t.per_message = Dist::Uniform(20 * MILLISECOND, 120 * MILLISECOND);
            t.send = if i % 2 == 0 {
                Schedule::Immediate
            } else {
                Schedule::Every(5 * MINUTE)
            };
            t
        };
        s.transports.push(t);
    }
    for i in 0..transports {
        let count = share(mails, transports, i);
        let mean = (DAY / count.max(1)).max(1);
        s.mail.push(MailSpec {
            at: 0,
            to: format!("T{i}:user@example.com"),
            count,
            every: Dist::Exp(mean),
            size: 8192,
        });
        let inbound = count / 2;
        s.incoming.push(IncomingSpec {
            transport: TransportId::new(i),
            at: 0,
            count: inbound,
            every: Dist::Exp((DAY / inbound.max(1)).max(1)),
        });
    }
    let mut order = 0;
    for h in 1..24 {
        let flags = if h % 3 == 0 {
            FlushFlags::UPLOAD | FlushFlags::DOWNLOAD | FlushFlags::ASYNC_OK
        } else {
            FlushFlags::UPLOAD | FlushFlags::DOWNLOAD | FlushFlags::NO_UI
        };
        s.flushes.push(FlushSpec {
            at: h * HOUR,
            via: Via::Spooler,
            target: None,
            flags,
            order,
            name: None,
        });
        order += 1;
    }
    for (at, kind) in [
        (12 * HOUR + 30 * MINUTE, ProcedureKind::FlushEach),
        (18 * HOUR + 30 * MINUTE, ProcedureKind::FlushAll),
    ] {
        s.procedures.push(ProcedureSpec {
            at,
            kind,
            flags: FlushFlags::UPLOAD | FlushFlags::DOWNLOAD,
            order,
            name: None,
        });
        order += 1;
    }
    s
}

/// `sim-day`: runs [`sim_day_scenario`]; returns the wall time and the simulated span.
pub fn sim_day(mails: u64, transports: usize) -> (Duration, Micros) {
    let s = sim_day_scenario(mails, transports);
    let start = Instant::now();
    let r = run(&s, &RunOptions::default());
    (start.elapsed(), r.end_time)
}

/// The size of a queued message.
pub const fn size_of_msg() -> usize {
    std::mem::size_of::<QueuedMsg>()
}
