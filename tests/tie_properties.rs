//! Properties over random scenarios built for ties: every duration and every time comes from
//! a small set that includes `0s` and whose values are exact multiples of one another, so
//! completions, lifetimes, schedules, faults and scripted calls keep landing on one instant.
//! Over them: every call that returned in the trace has its result in the metrics; each
//! message a flush part covered was attempted or given an NDR before that part ended (unless a
//! cancelled prompt or a fault cut it short); nothing is lost; the trace is causal; and the
//! counting recorder (with its fast path for zero-duration work) reaches the metrics of the
//! full trace.

mod common;

use common::trace_rules::{causal_violations, missing_results, uncovered};
use proptest::prelude::*;
use spoolsim::mapi::FlushFlags;
use spoolsim::model::*;
use spoolsim::report::Outcome;
use spoolsim::scenario::{run, RunOptions};
use spoolsim::sim::rng::Dist;
use spoolsim::sim::time::{Micros, MINUTE, SECOND};
use spoolsim::sim::TransportId;

/// Durations: `0s` and exact multiples of one another.
const TIES: [Micros; 6] = [0, 5 * SECOND, 10 * SECOND, 20 * SECOND, MINUTE, 2 * MINUTE];

/// A duration from [`TIES`].
fn tie() -> impl Strategy<Value = Micros> {
    (0..TIES.len()).prop_map(|i| TIES[i])
}

/// A positive duration from [`TIES`].
fn positive_tie() -> impl Strategy<Value = Micros> {
    (1..TIES.len()).prop_map(|i| TIES[i])
}

/// A lifetime: now and then one that runs out at an instant where other things happen, more
/// often one long enough for the mail to move.
fn lifetime() -> impl Strategy<Value = Micros> {
    prop_oneof![2 => tie(), 1 => Just(10 * MINUTE)]
}

/// A moment on the 5 s grid within the first 3 minutes.
fn moment() -> impl Strategy<Value = Micros> {
    (0..=36u64).prop_map(|k| k * 5 * SECOND)
}

fn schedule(immediate: bool) -> impl Strategy<Value = Schedule> {
    let periodic = positive_tie().prop_map(Schedule::Every);
    if immediate {
        prop_oneof![
            Just(Schedule::Immediate),
            Just(Schedule::OnDemand),
            periodic
        ]
        .boxed()
    } else {
        prop_oneof![Just(Schedule::OnDemand), periodic].boxed()
    }
}

fn transport(i: usize) -> impl Strategy<Value = TransportConfig> {
    (
        (any::<bool>(), tie(), schedule(true), schedule(false)),
        (
            prop_oneof![3 => Just(0.0), 1 => Just(0.5), 1 => Just(1.0)],
            positive_tie(),
            lifetime(),
        ),
        (tie(), 0..4u8, tie(), any::<bool>(), tie()),
    )
        .prop_map(
            move |(
                (ras, per, send, receive),
                (fail, retry, life),
                (conn, ui, delay, unattended, hang),
            )| {
                let (name, ty) = (format!("t{i}"), format!("T{i}"));
                let mut t = if ras {
                    TransportConfig::ras(name, &[&ty])
                } else {
                    TransportConfig::lan(name, &[&ty])
                };
                t.per_message = Dist::Fixed(per);
                t.send = send;
                t.receive = receive;
                t.failure_rate = fail;
                t.retry = retry;
                t.max_retry = 2 * retry;
                t.lifetime = life;
                if let Some(r) = t.ras_config_mut() {
                    r.connect = conn;
                    r.ui = [
                        UiAnswer::Accept,
                        UiAnswer::Accept,
                        UiAnswer::Cancel,
                        UiAnswer::Ignore,
                    ][ui as usize];
                    r.ui_delay = delay;
                    r.unattended = unattended;
                    r.idle_hangup = hang;
                }
                t
            },
        )
}

/// Flush flags: a direction or both, with the other valid bits now and then.
fn flags() -> impl Strategy<Value = FlushFlags> {
    (1..=3u32, any::<bool>(), any::<bool>(), any::<bool>()).prop_map(|(dir, force, no_ui, a)| {
        let mut f = FlushFlags::from_bits_retain(dir << 1);
        f.set(FlushFlags::FORCE, force);
        f.set(FlushFlags::NO_UI, no_ui);
        f.set(FlushFlags::ASYNC_OK, a);
        f
    })
}

type Traffic = (usize, Micros, u64, Micros);

fn scenario() -> impl Strategy<Value = Scenario> {
    (1..=3usize)
        .prop_flat_map(|n| {
            let transports: Vec<_> = (0..n).map(transport).collect();
            (
                transports,
                prop::collection::vec((0..n, moment(), 1..5u64, tie()), 1..5),
                prop::collection::vec((0..n, moment(), 1..4u64, tie()), 0..3),
                prop::collection::vec((moment(), 0..n + 1, 0..n + 1, flags()), 0..5),
                prop::collection::vec((moment(), any::<bool>(), flags()), 0..3),
                prop::collection::vec((moment(), 0..n, 0..3u8, positive_tie()), 0..3),
                // A horizon on the grid too (stuck mail would otherwise keep a run going for
                // days of 5 s polls).
                (moment().prop_map(|t| t + 2 * MINUTE), any::<bool>()),
            )
        })
        .prop_map(
            |(transports, mail, incoming, flushes, procs, faults, (until, parallel))| {
                let mut s = Scenario::new("ties");
                s.until = Some(until);
                if parallel {
                    s.spooler.flush_order = FlushOrder::Parallel;
                }
                s.transports = transports;
                add_traffic(&mut s, mail, incoming);
                add_calls(&mut s, flushes, procs);
                for (at, t, kind, down) in faults {
                    let kind =
                        [FaultKind::Crash, FaultKind::Offline, FaultKind::DropLine][kind as usize];
                    s.faults.push(FaultSpec {
                        at,
                        transport: TransportId::new(t),
                        kind,
                        down: Some(down),
                    });
                }
                s
            },
        )
}

fn add_traffic(s: &mut Scenario, mail: Vec<Traffic>, incoming: Vec<Traffic>) {
    for (t, at, count, every) in mail {
        s.mail.push(MailSpec {
            at,
            to: format!("T{t}:x"),
            count,
            every: Dist::Fixed(every),
            size: 100,
        });
    }
    for (t, at, count, every) in incoming {
        s.incoming.push(IncomingSpec {
            transport: TransportId::new(t),
            at,
            count,
            every: Dist::Fixed(every),
        });
    }
}

fn add_calls(
    s: &mut Scenario,
    flushes: Vec<(Micros, usize, usize, FlushFlags)>,
    procs: Vec<(Micros, bool, FlushFlags)>,
) {
    let n = s.transports.len();
    let mut order = 0;
    for (at, via, target, flags) in flushes {
        let via = if via == n {
            Via::Spooler
        } else {
            Via::Transport(TransportId::new(via))
        };
        let target = (via == Via::Spooler && target < n).then(|| TransportId::new(target));
        s.flushes.push(FlushSpec {
            at,
            via,
            target,
            flags,
            order,
            name: None,
        });
        order += 1;
    }
    for (at, each, flags) in procs {
        let kind = if each {
            ProcedureKind::FlushEach
        } else {
            ProcedureKind::FlushAll
        };
        s.procedures.push(ProcedureSpec {
            at,
            kind,
            flags,
            order,
            name: None,
        });
        order += 1;
    }
}

proptest! {
    // 48 cases keep the debug-mode suite quick; PROPTEST_CASES=2000 for a long hunt.
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(48),
        ..ProptestConfig::default()
    })]

    #[test]
    fn ties_keep_results_coverage_conservation_and_causal_order(s in scenario()) {
        let full = RunOptions { full_trace: true, ..RunOptions::default() };
        let o = Outcome::new(&s, run(&s, &full));
        prop_assert!(o.conserved, "{}", o.conservation);
        let mut broken = missing_results(&o);
        broken.extend(uncovered(&s, &o.run));
        broken.extend(causal_violations(&s, &o.run));
        prop_assert!(broken.is_empty(), "{}", broken.join("\n"));
        let counted = Outcome::new(&s, run(&s, &RunOptions::default()));
        prop_assert_eq!(&counted.metrics, &o.metrics);
    }
}
