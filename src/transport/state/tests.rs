//! The transport driven synchronously: no runtime and no actors, only commands, the calendar
//! popped by hand, and the reports and trace the state machine leaves.

use super::*;
use crate::model::TransportConfig;
use crate::sim::time::{DAY, SECOND};
use crate::sim::CREATED;
use crate::trace::Event;

const SEED: u64 = 11;

/// A transport and its clock, at time 0 under a scripted client.
struct Rig {
    clock: Clock,
    t: TransportState,
    /// Reports in the order the transport left them.
    reports: Vec<Report>,
}

fn lan(per_message: Dist, lifetime: Micros) -> TransportConfig {
    let mut c = TransportConfig::lan("a", &["A"]);
    c.per_message = per_message;
    c.lifetime = lifetime;
    c
}

impl Rig {
    fn new(cfg: &TransportConfig, full: bool) -> Rig {
        let clock = Clock::new();
        clock.set_current(Key {
            t: 0,
            class: Class::Client as u8,
            idx: CREATED,
            seq: 0,
        });
        let t = TransportState::new(TransportId(0), cfg, SEED, clock.clone(), 1, full);
        Rig {
            clock,
            t,
            reports: Vec::new(),
        }
    }

    /// Makes the clock handle an entry of `class` at `t`, as the driver does when it pops one.
    fn under(&self, t: Micros, class: Class) {
        self.clock.set_current(Key {
            t,
            class: class as u8,
            idx: 0,
            seq: 0,
        });
    }

    fn handle(&mut self, cmd: TransportCmd) {
        self.t.handle(cmd);
        self.reports.append(&mut self.t.reports);
    }

    fn upload(&mut self, msgs: &[(u32, Micros)], flush: Option<FlushId>) {
        let msgs = msgs
            .iter()
            .map(|&(id, submitted_at)| QueuedMsg {
                id: MsgId(id),
                submitted_at,
                size: 1,
            })
            .collect();
        self.handle(TransportCmd::Upload {
            msgs: Box::new(msgs),
            flush,
        });
    }

    /// Pops the calendar up to `until`, handing the transport its own wake-ups.
    fn run_until(&mut self, until: Micros) {
        while self.clock.peek().is_some_and(|k| k.t <= until) {
            if let Some((_, Target::Transport(_, tok))) = self.clock.pop() {
                self.handle(TransportCmd::Wake(tok));
            }
        }
    }

    /// `(time, what)` of each delivery, NDR and failure the transport wrote, in trace order.
    fn outcomes(&self) -> Vec<(Micros, &'static str, u32)> {
        let mut ev: Vec<Event> = self.t.rec.events().to_vec();
        ev.sort_by_key(|e| e.key);
        ev.iter()
            .filter_map(|e| match e.kind {
                EventKind::Deliver { msg, .. } => Some((e.key.t, "deliver", msg.0)),
                EventKind::Ndr { msg, .. } => Some((e.key.t, "ndr", msg.0)),
                EventKind::AttemptFailed { msg, .. } => Some((e.key.t, "failed", msg.0)),
                EventKind::Receive { msg, .. } => Some((e.key.t, "receive", msg.0)),
                _ => None,
            })
            .collect()
    }

    /// What the reports say, summed: delivered, expired, received, failed, returned, and the
    /// phases done in order.
    fn summary(&self) -> ([u64; 5], Vec<PhaseDone>) {
        let mut sums = [0u64; 5];
        let mut phases = Vec::new();
        for r in &self.reports {
            match r {
                Report::Settled(s) => {
                    sums[0] += u64::from(s.delivered);
                    sums[1] += u64::from(s.expired);
                    sums[2] += u64::from(s.received);
                    sums[3] += s.failed.len() as u64;
                    sums[4] += s.returned.len() as u64;
                }
                Report::PhaseDone(d) => phases.push(*d),
            }
        }
        (sums, phases)
    }

    /// `(duration, outcome)` of each attempt of the upload under way.
    fn plan(&self) -> Vec<(Micros, Outcome)> {
        match &self.t.active {
            Some((Active::Upload(u), _)) => (0..u.plan.len())
                .map(|k| {
                    let (end, outcome) = (u.plan.ends()[k], u.plan.outcome(k));
                    let start = match outcome {
                        Outcome::Expired | Outcome::Gone => u.plan.marks_from(k)[0].expiry,
                        _ => u.plan.start(k),
                    };
                    (end - start, outcome)
                })
                .collect(),
            _ => panic!("no planned upload under way"),
        }
    }
}

#[test]
fn a_completion_starts_the_next_attempt_at_the_instant_its_lifetime_runs_out() {
    // Two 10 s messages with a 10 s lifetime, handed over together at 0: the first completes
    // at 10 s and starts the second then, before that instant's lifetime timers fire, so the
    // second is under way and is delivered at 20 s.
    let mut r = Rig::new(&lan(Dist::Fixed(10 * SECOND), 10 * SECOND), true);
    r.under(0, Class::Mail);
    r.upload(&[(0, 0), (1, 0)], None);
    r.run_until(60 * SECOND);
    assert_eq!(
        r.outcomes(),
        vec![(10 * SECOND, "deliver", 0), (20 * SECOND, "deliver", 1)]
    );
    assert_eq!(r.summary().0, [2, 0, 0, 0, 0]);
}

#[test]
fn at_the_lifetime_instant_a_completion_starts_an_attempt_and_a_timer_does_not() {
    let cfg = lan(Dist::Fixed(SECOND), 60 * SECOND);
    // Handed over while a completion (a connect, the end of a transfer) is handled: under way.
    let mut r = Rig::new(&cfg, true);
    r.under(60 * SECOND, Class::Completion);
    r.upload(&[(0, 0)], None);
    r.run_until(DAY);
    assert_eq!(r.outcomes(), vec![(61 * SECOND, "deliver", 0)]);
    // Handed over by a schedule timer or a scripted flush at that instant: the lifetime timers
    // fired first, so the message gets its NDR and no attempt is made.
    for class in [Class::Timer, Class::Client] {
        let mut r = Rig::new(&cfg, true);
        r.under(60 * SECOND, class);
        r.upload(&[(0, 0)], None);
        r.run_until(DAY);
        assert_eq!(r.outcomes(), vec![(60 * SECOND, "ndr", 0)], "{class:?}");
        assert_eq!(r.summary().0, [0, 1, 0, 0, 0]);
    }
}

#[test]
fn a_message_whose_lifetime_ran_out_behind_a_transfer_gets_its_ndr_at_that_time() {
    // Handed over at 20 s: message 0 moves from 20 s to 30 s; message 1 (submitted at 0, a
    // 25 s lifetime) expires at 25 s, behind it; message 2 starts when message 0 completes.
    // The NDR is written at 25 s, settled when message 0 completes.
    let mut r = Rig::new(&lan(Dist::Fixed(10 * SECOND), 25 * SECOND), true);
    r.under(20 * SECOND, Class::Mail);
    r.upload(&[(0, 20 * SECOND), (1, 0), (2, 20 * SECOND)], None);
    r.run_until(DAY);
    assert_eq!(
        r.outcomes(),
        vec![
            (25 * SECOND, "ndr", 1),
            (30 * SECOND, "deliver", 0),
            (40 * SECOND, "deliver", 2)
        ]
    );
}

#[test]
fn zero_duration_work_completes_through_the_calendar_after_its_cause() {
    for full in [true, false] {
        let mut r = Rig::new(&lan(Dist::Fixed(0), DAY), full);
        r.under(5 * SECOND, Class::Client);
        let before = r.clock.key_now();
        r.upload(&[(0, 0), (1, SECOND)], Some(FlushId(1)));
        // Nothing completes while the call that handed the mail over is handled...
        assert_eq!(r.summary().0, [0; 5], "full = {full}");
        // ...but at this instant, after the completions already due, through a created entry.
        let next = r.clock.peek().expect("a checkpoint");
        assert_eq!((next.t, next.class, next.idx), (5 * SECOND, 1, CREATED));
        r.run_until(5 * SECOND);
        let (sums, phases) = r.summary();
        assert_eq!(sums, [2, 0, 0, 0, 0], "full = {full}");
        assert_eq!(phases.len(), 1);
        assert_eq!((phases[0].flush, phases[0].delivered), (FlushId(1), 2));
        // The deliveries are written after the call that caused them, at the same instant.
        for e in r.t.rec.events() {
            assert!(e.key > before, "{e:?} sorts before its cause {before:?}");
            assert_eq!(e.key.t, 5 * SECOND);
        }
        let lat = &r.t.rec.latencies()[0].outbound;
        assert_eq!(lat.iter().collect::<Vec<_>>(), vec![5 * SECOND, 4 * SECOND]);
    }
}

#[test]
fn a_zero_duration_dial_up_prompts_dials_connects_and_moves_at_one_instant() {
    let mut cfg = TransportConfig::ras("d", &["D"]);
    if let Some(ras) = cfg.ras_config_mut() {
        ras.ui_delay = 0;
        ras.connect = 0;
    }
    let mut r = Rig::new(&cfg, true);
    r.under(2 * 60 * SECOND, Class::Client);
    r.upload(&[(0, 0)], Some(FlushId(1)));
    r.run_until(2 * 60 * SECOND);
    let kinds: Vec<&str> = {
        let mut ev = r.t.rec.events().to_vec();
        ev.sort_by_key(|e| e.key);
        ev.iter()
            .map(|e| match e.kind {
                EventKind::Prompt { .. } => "prompt",
                EventKind::Answer { .. } => "answer",
                EventKind::Dial { .. } => "dial",
                EventKind::Connected { .. } => "connect",
                EventKind::Deliver { .. } => "deliver",
                _ => "other",
            })
            .collect()
    };
    assert_eq!(
        kinds,
        vec!["prompt", "answer", "dial", "connect", "deliver"]
    );
    assert_eq!(r.summary().1.len(), 1, "the phase ended at that instant");
}

#[test]
fn a_wake_up_of_an_older_generation_changes_nothing() {
    let mut cfg = TransportConfig::ras("d", &["D"]);
    if let Some(ras) = cfg.ras_config_mut() {
        ras.ui_delay = 5 * SECOND;
    }
    let mut r = Rig::new(&cfg, true);
    r.under(0, Class::Client);
    r.upload(&[(0, 0)], Some(FlushId(1)));
    // The prompt is open; the answer is due at 5 s. A crash at 1 s abandons it.
    r.under(SECOND, Class::Fault);
    r.t.crash();
    r.reports.append(&mut r.t.reports);
    let events = r.t.rec.events().len();
    r.run_until(DAY);
    assert_eq!(
        r.t.rec.events().len(),
        events,
        "the stale answer wrote nothing"
    );
    assert_eq!(r.t.line, Line::Down);
    // The mail came back unmarked and the phase ended with the crash's error.
    let (sums, phases) = r.summary();
    assert_eq!(sums, [0, 0, 0, 0, 1]);
    assert_eq!(phases[0].result, HResult::MAPI_E_NETWORK_ERROR);
    // A token of an older generation is refused even when handed over directly.
    let stale = WakeToken {
        kind: WAKE_CONNECTED,
        value: r.t.generation - 1,
    };
    r.handle(TransportCmd::Wake(stale));
    assert_eq!(r.t.line, Line::Down);
}

#[test]
fn draws_of_attempts_that_never_start_are_given_back() {
    let mut cfg = lan(Dist::Uniform(SECOND, 10 * SECOND), DAY);
    cfg.failure_rate = 0.3;
    let later: Vec<(u32, Micros)> = (1..6).map(|id| (id, 0)).collect();
    // A: six messages start at 0; an offline spell at 1 s cuts the first short and hands the
    // other five back, unstarted. They go again at 2 m.
    let mut a = Rig::new(&cfg, true);
    a.under(0, Class::Client);
    a.upload(
        &[(0, 0)]
            .into_iter()
            .chain(later.clone())
            .collect::<Vec<_>>(),
        None,
    );
    a.under(SECOND, Class::Fault);
    a.t.offline(SECOND);
    a.reports.append(&mut a.t.reports);
    assert_eq!(a.summary().0[4], 5, "five came back unstarted");
    a.under(120 * SECOND, Class::Client);
    a.upload(&later, None);
    // B: the first message alone, then the five: the same draws in the same order.
    let mut b = Rig::new(&cfg, true);
    b.under(0, Class::Client);
    b.upload(&[(0, 0)], None);
    b.run_until(60 * SECOND);
    b.under(120 * SECOND, Class::Client);
    b.upload(&later, None);
    assert_eq!(a.plan(), b.plan());
    // An attempt that is never made for an expired message draws nothing either.
    let mut c = Rig::new(&lan(Dist::Uniform(SECOND, 10 * SECOND), 60 * SECOND), true);
    c.t.failure_rate = 0.3;
    let before = c.t.rng.position();
    c.under(60 * SECOND, Class::Timer);
    c.upload(&[(0, 0), (1, 0)], None);
    assert_eq!(c.t.rng.position(), before);
    assert_eq!(
        c.plan().iter().filter(|s| s.1 == Outcome::Expired).count(),
        2
    );
}

/// A command at a time under a class: mail `(id, submitted at)` to upload as a flush phase, or
/// (`None`) three arrivals and a download.
type Command = (Micros, Class, Option<&'static [(u32, Micros)]>);

/// Runs the same commands on a full and a counting transport and compares what each reports
/// and records.
fn both_paths(cfg: &TransportConfig, steps: &[Command]) {
    let mut rigs = [Rig::new(cfg, true), Rig::new(cfg, false)];
    for r in &mut rigs {
        for &(t, class, msgs) in steps {
            r.run_until(t.saturating_sub(1));
            r.under(t, class);
            match msgs {
                Some(m) => r.upload(m, Some(FlushId(t as u32))),
                None => {
                    r.handle(TransportCmd::Arrive {
                        first: MsgId(0),
                        count: 3,
                    });
                    r.handle(TransportCmd::Download { flush: None });
                }
            }
        }
        r.run_until(DAY);
    }
    let [full, counting] = &rigs;
    assert_eq!(full.summary(), counting.summary());
    assert_eq!(full.t.rec.counts(), counting.t.rec.counts());
    assert_eq!(full.t.rec.latencies(), counting.t.rec.latencies());
    let ndrs = |r: &Rig| {
        let mut v: Vec<(Key, MsgId)> =
            r.t.rec
                .events()
                .iter()
                .filter_map(|e| match e.kind {
                    EventKind::Ndr { msg, .. } => Some((e.key, msg)),
                    _ => None,
                })
                .collect();
        v.sort();
        v.into_iter().map(|(k, m)| (k.t, m)).collect::<Vec<_>>()
    };
    assert_eq!(ndrs(full), ndrs(counting));
}

#[test]
fn the_counting_fast_path_agrees_with_the_planned_path() {
    let cfg = lan(Dist::Fixed(0), 60 * SECOND);
    both_paths(
        &cfg,
        &[
            // Under a completion at the lifetime instant: message 1 is under way.
            (
                60 * SECOND,
                Class::Completion,
                Some(&[(0, 10 * SECOND), (1, 0)]),
            ),
            // Under a timer at that instant: message 3's lifetime is over.
            (
                70 * SECOND,
                Class::Timer,
                Some(&[(2, 60 * SECOND), (3, 10 * SECOND)]),
            ),
            // Under a flush call: nothing expired, all delivered at once.
            (
                90 * SECOND,
                Class::Client,
                Some(&[(4, 80 * SECOND), (5, 85 * SECOND)]),
            ),
            // Downloads of what arrived.
            (100 * SECOND, Class::Timer, None),
        ],
    );
}

#[test]
fn a_disconnect_fails_the_transfer_returns_the_rest_and_hangs_up() {
    let mut cfg = TransportConfig::ras("d", &["X"]);
    cfg.per_message = Dist::Fixed(10 * SECOND);
    if let Some(ras) = cfg.ras_config_mut() {
        ras.connect = 30 * SECOND;
        ras.ui_delay = 5 * SECOND;
    }
    let mut r = Rig::new(&cfg, true);
    r.under(0, Class::Mail);
    r.upload(&[(0, 0), (1, 0), (2, 0)], None);
    // Prompt 0s, answer 5s, up 35s: 35..45 delivered, 45..55 in transfer at 50s.
    r.run_until(50 * SECOND);
    r.under(50 * SECOND, Class::Client);
    r.t.disconnect();
    r.reports.append(&mut r.t.reports);
    assert_eq!(
        r.outcomes(),
        vec![(45 * SECOND, "deliver", 0), (50 * SECOND, "failed", 1)]
    );
    // One delivered, one failed, one back unmarked; no flush phase was open.
    assert_eq!(r.summary(), ([1, 0, 0, 1, 1], vec![]));
    let hang_ups =
        r.t.rec
            .events()
            .iter()
            .filter(|e| matches!(e.kind, EventKind::HangUp { .. }));
    assert_eq!(hang_ups.count(), 1);
    assert_eq!(r.t.line, Line::Down);
    // Nothing is left to wake: the transfer's checkpoint and the idle hang-up are stale.
    r.run_until(DAY);
    assert_eq!(r.outcomes().len(), 2);
}

#[test]
fn a_disconnect_abandons_an_open_prompt_without_an_answer() {
    let cfg = TransportConfig::ras("d", &["X"]);
    let mut r = Rig::new(&cfg, true);
    r.under(0, Class::Mail);
    r.upload(&[(0, 0)], None);
    r.under(SECOND, Class::Client);
    r.t.disconnect();
    r.reports.append(&mut r.t.reports);
    r.run_until(DAY);
    let answers = r.t.rec.events().iter().filter(|e| {
        matches!(
            e.kind,
            EventKind::Answer { .. } | EventKind::HangUp { .. } | EventKind::Dial { .. }
        )
    });
    assert_eq!(
        answers.count(),
        0,
        "the prompt is abandoned: no answer, no dial"
    );
    assert_eq!(r.summary(), ([0, 0, 0, 0, 1], vec![]));
}
