//! Properties over random valid scenarios: every run ends, nothing is lost, the same seed gives
//! the same trace byte for byte, and the trace is causal (nothing written before its cause, a
//! part not cut short attempts all it covered, every returned call has its result). Faults,
//! failures, prompts of every kind and every flag combination (unknown bits included) are in
//! the mix.

mod common;

use common::trace_rules::{causal_violations, missing_results, uncovered};
use proptest::prelude::*;
use spoolsim::mapi::FlushFlags;
use spoolsim::model::*;
use spoolsim::report::jsonl::write_trace;
use spoolsim::report::Outcome;
use spoolsim::scenario::{run, RunOptions};
use spoolsim::sim::rng::Dist;
use spoolsim::sim::time::{DAY, HOUR, MINUTE, SECOND};
use spoolsim::sim::TransportId;

fn dist(max: u64) -> impl Strategy<Value = Dist> {
    prop_oneof![
        (0..=max).prop_map(Dist::Fixed),
        (0..=max, 0..=max).prop_map(|(a, b)| Dist::Uniform(a.min(b), a.max(b))),
        (0..=max).prop_map(Dist::Exp),
    ]
}

fn schedule(immediate: bool) -> impl Strategy<Value = Schedule> {
    let periodic = (1..=30u64).prop_map(|m| Schedule::Every(m * MINUTE));
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
        any::<bool>(),
        dist(5 * SECOND),
        schedule(true),
        schedule(false),
        any::<bool>(),
        prop_oneof![Just(0.0), 0.0..0.6f64],
        (1..=10u64, 1..=4u64, 1..=48u64),
        (0..=60u64, 0..=3u8, 0..=20u64, any::<bool>(), 1..=300u64),
    )
        .prop_map(
            move |(
                ras,
                per,
                send,
                receive,
                supports,
                fail,
                (retry, cap, life),
                (conn, ui, delay, unatt, hang),
            )| {
                let name = format!("t{i}");
                let ty = format!("T{i}");
                let mut t = if ras {
                    TransportConfig::ras(name, &[&ty])
                } else {
                    TransportConfig::lan(name, &[&ty])
                };
                t.per_message = per;
                t.send = send;
                t.receive = receive;
                t.supports_flush = supports;
                t.failure_rate = fail;
                t.retry = retry * MINUTE;
                t.max_retry = retry * cap * MINUTE;
                t.lifetime = life * HOUR;
                if let Some(r) = t.ras_config_mut() {
                    r.connect = conn * SECOND;
                    r.ui = [
                        UiAnswer::Accept,
                        UiAnswer::Accept,
                        UiAnswer::Cancel,
                        UiAnswer::Ignore,
                    ][ui as usize];
                    r.ui_delay = delay * SECOND;
                    r.unattended = unatt;
                    r.idle_hangup = hang * SECOND;
                }
                t
            },
        )
}

fn scenario() -> impl Strategy<Value = Scenario> {
    (1..=4usize)
        .prop_flat_map(|n| {
            let transports: Vec<_> = (0..n).map(transport).collect();
            (
                transports,
                prop::collection::vec((0..n + 1, 0..2 * HOUR, 0..40u64, dist(10 * MINUTE)), 0..4),
                prop::collection::vec((0..n, 0..2 * HOUR, 0..40u64, dist(10 * MINUTE)), 0..3),
                prop::collection::vec((0..3 * HOUR, 0..n + 1, 0..n + 1, 0..0x40u32), 0..5),
                prop::collection::vec((0..3 * HOUR, any::<bool>(), 0..0x40u32), 0..3),
                prop::collection::vec((0..3 * HOUR, 0..n, 0..3u8, 1..60u64), 0..4),
                prop_oneof![Just(None), (1..=48u64).prop_map(|h| Some(h * HOUR))],
                any::<u64>(),
                any::<bool>(),
            )
        })
        .prop_map(
            |(transports, mail, incoming, flushes, procs, faults, until, seed, parallel)| {
                let n = transports.len();
                let mut s = Scenario::new("property");
                s.seed = seed;
                s.until = until;
                if parallel {
                    s.spooler.flush_order = FlushOrder::Parallel;
                }
                s.transports = transports;
                for (t, at, count, every) in mail {
                    // t == n: an address type nobody handles.
                    s.mail.push(MailSpec {
                        at,
                        to: format!("T{t}:x"),
                        count,
                        every,
                        size: 100,
                    });
                }
                for (t, at, count, every) in incoming {
                    s.incoming.push(IncomingSpec {
                        transport: TransportId::new(t),
                        at,
                        count,
                        every,
                    });
                }
                let mut order = 0;
                for (at, via, target, bits) in flushes {
                    let via = if via == n {
                        Via::Spooler
                    } else {
                        Via::Transport(TransportId::new(via))
                    };
                    let target =
                        (via == Via::Spooler && target < n).then(|| TransportId::new(target));
                    // Mostly valid flags, sometimes an unknown bit.
                    let bits = if bits == 0x3f {
                        bits | 0x100
                    } else {
                        bits & !1
                    };
                    s.flushes.push(FlushSpec {
                        at,
                        via,
                        target,
                        flags: FlushFlags::from_bits_retain(bits),
                        order,
                        name: None,
                    });
                    order += 1;
                }
                for (at, each, bits) in procs {
                    let kind = if each {
                        ProcedureKind::FlushEach
                    } else {
                        ProcedureKind::FlushAll
                    };
                    s.procedures.push(ProcedureSpec {
                        at,
                        kind,
                        flags: FlushFlags::from_bits_retain(bits & !1),
                        order,
                        name: None,
                    });
                    order += 1;
                }
                for (at, t, kind, down) in faults {
                    let kind =
                        [FaultKind::Crash, FaultKind::Offline, FaultKind::DropLine][kind as usize];
                    s.faults.push(FaultSpec {
                        at,
                        transport: TransportId::new(t),
                        kind,
                        down: Some(down * MINUTE),
                    });
                }
                s
            },
        )
}

fn trace_bytes(s: &Scenario) -> (Vec<u8>, Outcome) {
    let r = run(
        s,
        &RunOptions {
            full_trace: true,
            ..Default::default()
        },
    );
    let mut bytes = Vec::new();
    write_trace(&r, &mut bytes).unwrap();
    (bytes, Outcome::new(s, r))
}

proptest! {
    // 48 cases keep the debug-mode suite quick; PROPTEST_CASES=5000 for a long hunt.
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(48),
        ..ProptestConfig::default()
    })]

    #[test]
    fn runs_end_lose_nothing_and_repeat_exactly(s in scenario()) {
        let (a, o) = trace_bytes(&s);
        prop_assert!(o.conserved, "{}", o.conservation);
        let mut broken = causal_violations(&s, &o.run);
        broken.extend(uncovered(&s, &o.run));
        broken.extend(missing_results(&o));
        prop_assert!(broken.is_empty(), "{}", broken.join("\n"));
        prop_assert_eq!(o.metrics.count_of("lost"), 0);
        let horizon = s.until.unwrap_or(DEFAULT_HORIZON);
        prop_assert!(o.run.end_time <= horizon);
        let (b, _) = trace_bytes(&s);
        prop_assert!(a == b, "the same seed gave two different traces");
        // The counting recorder reaches the same metrics as the full one.
        let counted = Outcome::new(&s, run(&s, &RunOptions::default()));
        prop_assert_eq!(&counted.metrics, &o.metrics);
    }
}

#[test]
fn a_day_long_horizon_is_respected() {
    let mut s = Scenario::new("h");
    s.transports.push(TransportConfig::lan("a", &["A"]));
    s.until = Some(DAY);
    let r = run(&s, &RunOptions::default());
    assert_eq!(r.end_time, DAY);
}
