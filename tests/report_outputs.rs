//! The two visual outputs of a finished run: the SVG plot and the Chrome trace-event timeline.
//!
//! Set `SPOOLSIM_PLOT_DIR` to a folder to keep every SVG and timeline these tests render, for
//! looking at them.

use spoolsim::mapi::FlushFlags;
use spoolsim::model::*;
use spoolsim::report::plot::{render_svg, write_svg};
use spoolsim::report::timeline::{timeline_json, write_timeline};
use spoolsim::scenario::{run, RunOptions, RunResult};
use spoolsim::sim::rng::Dist;
use spoolsim::sim::{FlushId, MsgId, TransportId};
use spoolsim::trace::EventKind;

use serde_json::Value;

fn full() -> RunOptions {
    RunOptions {
        full_trace: true,
        ..Default::default()
    }
}

/// The brief's demo: a LAN transport sending on demand, a dial-up one, incoming mail, one flush.
fn demo() -> Scenario {
    let mut s = Scenario::new("demo");
    let mut lan = TransportConfig::lan("lan", &["SMTP"]);
    lan.per_message = Dist::Fixed(20_000);
    lan.send = Schedule::OnDemand;
    s.transports.push(lan);
    let mut ras = TransportConfig::ras("dialup", &["X400"]);
    ras.per_message = Dist::Fixed(2_000_000);
    s.transports.push(ras);
    s.mail.push(MailSpec {
        at: 0,
        to: "SMTP:bob@x".into(),
        count: 50,
        every: Dist::Exp(2_000_000),
        size: 2048,
    });
    s.mail.push(MailSpec {
        at: 0,
        to: "X400:c=us".into(),
        count: 10,
        every: Dist::Fixed(5_000_000),
        size: 2048,
    });
    s.incoming.push(IncomingSpec {
        transport: TransportId(1),
        at: 0,
        count: 8,
        every: Dist::Fixed(3_000_000),
    });
    s.flushes.push(FlushSpec {
        at: 60_000_000,
        via: Via::Spooler,
        target: None,
        flags: FlushFlags::UPLOAD | FlushFlags::DOWNLOAD | FlushFlags::NO_UI,
        order: 0,
        name: None,
    });
    s
}

/// Busier: an asynchronous flush, a refused overlapping one, a cancelled and an ignored prompt,
/// scheduled polls, mail nobody routes.
fn busy() -> Scenario {
    let mut s = demo();
    s.name = "busy".into();
    s.until = Some(30 * 60_000_000);
    s.transports[0].send = Schedule::Every(5 * 60_000_000);
    s.transports[0].receive = Schedule::Every(4 * 60_000_000);
    let mut ras2 = TransportConfig::ras("dialup2", &["FAX"]);
    ras2.per_message = Dist::Fixed(1_000_000);
    if let Some(r) = ras2.ras_config_mut() {
        r.ui = UiAnswer::Cancel;
    }
    s.transports.push(ras2);
    let mut ras3 = TransportConfig::ras("pager", &["PAGER"]);
    if let Some(r) = ras3.ras_config_mut() {
        r.ui = UiAnswer::Ignore;
    }
    s.transports.push(ras3);
    s.incoming.push(IncomingSpec {
        transport: TransportId(0),
        at: 0,
        count: 200,
        every: Dist::Exp(5_000_000),
    });
    for (to, count) in [("FAX:1", 5), ("PAGER:2", 3), ("NOPE:x", 4)] {
        s.mail.push(MailSpec {
            at: 30_000_000,
            to: to.into(),
            count,
            every: Dist::Fixed(1_000_000),
            size: 1024,
        });
    }
    s.flushes.push(FlushSpec {
        at: 61_000_000,
        via: Via::Spooler,
        target: None,
        flags: FlushFlags::UPLOAD,
        order: 1,
        name: None,
    });
    s.flushes.push(FlushSpec {
        at: 10 * 60_000_000,
        via: Via::Spooler,
        target: Some(TransportId(2)),
        flags: FlushFlags::UPLOAD | FlushFlags::ASYNC_OK,
        order: 2,
        name: None,
    });
    s.flushes.push(FlushSpec {
        at: 12 * 60_000_000,
        via: Via::Spooler,
        target: None,
        flags: FlushFlags::UPLOAD | FlushFlags::DOWNLOAD | FlushFlags::ASYNC_OK,
        order: 3,
        name: None,
    });
    s.flushes.push(FlushSpec {
        at: 20 * 60_000_000,
        via: Via::Transport(TransportId(0)),
        target: None,
        flags: FlushFlags::UPLOAD | FlushFlags::DOWNLOAD,
        order: 4,
        name: None,
    });
    s.procedures.push(ProcedureSpec {
        at: 25 * 60_000_000,
        kind: ProcedureKind::FlushEach,
        flags: FlushFlags::DOWNLOAD | FlushFlags::NO_UI,
        order: 5,
        name: None,
    });
    s
}

fn keep(name: &str, run: &RunResult) {
    if let Ok(dir) = std::env::var("SPOOLSIM_PLOT_DIR") {
        let dir = std::path::Path::new(&dir);
        std::fs::create_dir_all(dir).unwrap();
        write_svg(run, &dir.join(format!("{name}.svg"))).unwrap();
        let mut f = std::fs::File::create(dir.join(format!("{name}.json"))).unwrap();
        write_timeline(run, &mut f).unwrap();
    }
}

fn polylines(svg: &str) -> usize {
    svg.matches("<polyline").count()
}

#[test]
fn svg_has_every_series_legend_and_marker() {
    let r = run(&demo(), &full());
    keep("demo", &r);
    let svg = render_svg(&r).unwrap();
    assert!(svg.starts_with("<svg"), "{}", &svg[..40.min(svg.len())]);
    assert!(svg.trim_end().ends_with("</svg>"));
    for label in [
        "lan queued out",
        "dialup queued out",
        "dialup remote in",
        "inbox (right axis)",
        "flush.1",
        "demo — seed 0",
        "dialup",
    ] {
        assert!(svg.contains(label), "missing {label:?}");
    }
    // lan out, dialup out, dialup in, inbox: four series and four legend samples at least.
    assert!(polylines(&svg) >= 8, "{}", polylines(&svg));
    // The inbound series is dashed.
    assert!(svg.contains("stroke-dasharray"));
    // Ticks in human units.
    assert!(svg.contains(" s\n") || svg.contains(" min\n"));
    // The flush call (▼), its return (▲), the prompt (◆) as polygons, the connect as a circle.
    assert!(svg.matches("<polygon").count() >= 3);
    assert!(svg.contains("<circle"));
}

#[test]
fn svg_is_deterministic() {
    let r = run(&busy(), &full());
    keep("busy", &r);
    let a = render_svg(&r).unwrap();
    let b = render_svg(&run(&busy(), &full())).unwrap();
    assert!(a == b, "two renders of one run differ");
    for label in [
        "flush.2",
        "flush.4",
        "proc.1",
        "dialup2",
        "pager",
        "remote in",
    ] {
        assert!(a.contains(label), "missing {label:?}");
    }
}

#[test]
fn svg_of_an_empty_scenario() {
    let r = run(&Scenario::new("empty"), &full());
    keep("empty", &r);
    let svg = render_svg(&r).unwrap();
    assert!(svg.starts_with("<svg"));
    assert!(svg.contains("no transports"));
    let r0 = run(
        &Scenario::new("zero"),
        &RunOptions {
            full_trace: true,
            until: Some(0),
            ..Default::default()
        },
    );
    assert_eq!(r0.end_time, 0);
    assert!(render_svg(&r0).unwrap().starts_with("<svg"));
    let v = timeline_json(&r0);
    assert!(v["traceEvents"].is_array());
}

#[test]
fn svg_of_a_counting_only_run() {
    let r = run(&busy(), &RunOptions::default());
    assert!(!r.trace.is_full());
    keep("busy-counting", &r);
    let svg = render_svg(&r).unwrap();
    assert!(svg.starts_with("<svg"));
    assert!(svg.contains("counting-only"));
    assert!(svg.contains("flush.1"));
    let v = timeline_json(&r);
    assert!(v["traceEvents"]
        .as_array()
        .unwrap()
        .iter()
        .all(|e| e["ph"] != "C"));
}

#[test]
fn svg_file_is_written() {
    let r = run(&demo(), &full());
    let dir = std::env::temp_dir().join(format!("spoolsim-plot-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join("demo.svg");
    write_svg(&r, &p).unwrap();
    assert_eq!(
        std::fs::read_to_string(&p).unwrap(),
        render_svg(&r).unwrap()
    );
    assert!(write_svg(&r, &dir.join("no/such/dir/x.svg")).is_err());
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Many transports: the busiest get their own lines, the rest one summed line.
#[test]
fn svg_of_many_transports() {
    let mut s = Scenario::new("many");
    for i in 0..12 {
        let mut t = TransportConfig::lan(format!("t{i}"), &[&format!("T{i}")]);
        t.per_message = Dist::Fixed(500_000);
        t.send = Schedule::Every(60_000_000);
        s.transports.push(t);
        s.mail.push(MailSpec {
            at: 0,
            to: format!("T{i}:x"),
            count: 5 + 3 * i as u64,
            every: Dist::Exp(10_000_000),
            size: 100,
        });
    }
    let r = run(&s, &full());
    keep("many", &r);
    let svg = render_svg(&r).unwrap();
    assert!(svg.contains("5 others queued out"), "no others line");
}

/// A big run stays a small file, drawn in steps.
#[test]
fn svg_of_a_big_run_is_small() {
    let mut s = Scenario::new("big");
    let mut lan = TransportConfig::lan("lan", &["SMTP"]);
    lan.per_message = Dist::Exp(900_000);
    s.transports.push(lan);
    s.mail.push(MailSpec {
        at: 0,
        to: "SMTP:x".into(),
        count: 40_000,
        every: Dist::Exp(1_000_000),
        size: 100,
    });
    s.incoming.push(IncomingSpec {
        transport: TransportId(0),
        at: 0,
        count: 20_000,
        every: Dist::Exp(2_000_000),
    });
    let r = run(&s, &full());
    assert!(
        r.trace.events().len() > 120_000,
        "{}",
        r.trace.events().len()
    );
    keep("big", &r);
    let svg = render_svg(&r).unwrap();
    assert!(svg.len() < 2_000_000, "{} bytes", svg.len());
    let mut out = Vec::new();
    write_timeline(&r, &mut out).unwrap();
    let v: Value = serde_json::from_slice(&out).unwrap();
    let ev = v["traceEvents"].as_array().unwrap();
    assert!(ev.iter().all(|e| e["ph"] != "i" || e["cat"] != "message"));
    assert!(ev.len() < 250_000, "{}", ev.len());
}

// ----- timeline ------------------------------------------------------------------------------

fn events(v: &Value) -> &Vec<Value> {
    v["traceEvents"].as_array().expect("traceEvents")
}

fn last_counter(v: &Value, pid: u64, name: &str) -> Option<i64> {
    events(v)
        .iter()
        .rfind(|e| e["ph"] == "C" && e["pid"] == pid && e["name"] == name)
        .map(|e| e["args"]["messages"].as_i64().unwrap())
}

#[test]
fn timeline_structure() {
    let r = run(&demo(), &full());
    let mut out = Vec::new();
    write_timeline(&r, &mut out).unwrap();
    let v: Value = serde_json::from_slice(&out).expect("valid JSON");
    assert_eq!(v, timeline_json(&r), "written and built documents differ");
    assert_eq!(v["displayTimeUnit"], "ms");
    let ev = events(&v);

    // Metadata names the spooler and every transport.
    let names: Vec<&str> = ev
        .iter()
        .filter(|e| e["ph"] == "M" && e["name"] == "process_name")
        .map(|e| e["args"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["spooler", "transport lan", "transport dialup"]);
    assert!(ev
        .iter()
        .any(|e| e["ph"] == "M" && e["name"] == "thread_name"));

    // Every event has the fields its phase needs.
    for e in ev {
        let ph = e["ph"].as_str().unwrap();
        assert!(["M", "X", "i", "C"].contains(&ph), "{e}");
        assert!(e["pid"].is_u64(), "{e}");
        if ph != "M" {
            assert!(e["ts"].is_u64() && e["name"].is_string(), "{e}");
        }
        if ph == "X" {
            assert!(e["dur"].is_u64() && e["tid"].is_u64(), "{e}");
        }
    }

    // The flush call: ts = call time, dur = return - call.
    let (call, ret) = {
        let mut call = None;
        let mut ret = None;
        for e in r.trace.events() {
            match e.kind {
                EventKind::FlushCall { .. } => call = Some(e.key.t),
                EventKind::FlushReturn { .. } => ret = Some(e.key.t),
                _ => {}
            }
        }
        (call.unwrap(), ret.unwrap())
    };
    assert_eq!(call, 60_000_000);
    assert!(ret > call, "a synchronous flush with a dial takes time");
    let x: Vec<&Value> = ev
        .iter()
        .filter(|e| e["ph"] == "X" && e["name"] == "flush.1 FlushQueues")
        .collect();
    assert_eq!(x.len(), 1);
    assert_eq!(x[0]["ts"], call);
    assert_eq!(x[0]["dur"], ret - call);
    assert_eq!(x[0]["pid"], 1);
    assert_eq!(x[0]["args"]["result"], "S_OK");

    // Phases, the prompt and the line on the dial-up transport.
    let on = |pid: u64, name: &str| {
        ev.iter()
            .filter(|e| e["ph"] == "X" && e["pid"] == pid && e["name"] == name)
            .count()
    };
    assert_eq!(on(2, "flush.1 upload"), 1);
    assert_eq!(on(3, "flush.1 upload"), 1);
    assert_eq!(on(3, "flush.1 download"), 1);
    assert_eq!(on(3, "dial prompt"), 1);
    assert_eq!(on(3, "dialling"), 1);
    assert!(on(3, "line up") >= 1);

    // Instants for each delivery and receipt.
    let delivered = r.trace.counts().iter().map(|c| c.delivered).sum::<u64>();
    let received = r.trace.counts().iter().map(|c| c.received).sum::<u64>();
    let count = |n: &str| {
        ev.iter()
            .filter(|e| e["ph"] == "i" && e["name"] == n)
            .count()
    };
    assert_eq!(count("deliver") as u64, delivered);
    assert_eq!(count("receive") as u64, received);

    // Counters end where the run ended.
    for (t, end) in r.transports.iter().enumerate() {
        let pid = t as u64 + 2;
        assert_eq!(
            last_counter(&v, pid, "outbound queue"),
            Some((end.queued_outbound + end.in_flight) as i64)
        );
    }
    assert_eq!(
        last_counter(&v, 3, "remote inbound"),
        Some(r.transports[1].queued_inbound as i64)
    );
    assert_eq!(last_counter(&v, 1, "inbox"), Some(r.inbox as i64));

    // Time order after the metadata.
    let ts: Vec<u64> = ev
        .iter()
        .filter(|e| e["ph"] != "M")
        .map(|e| e["ts"].as_u64().unwrap())
        .collect();
    assert!(ts.windows(2).all(|w| w[0] <= w[1]));
}

#[test]
fn timeline_is_deterministic_and_nests() {
    let a = run(&busy(), &full());
    let b = run(&busy(), &full());
    let mut x = Vec::new();
    let mut y = Vec::new();
    write_timeline(&a, &mut x).unwrap();
    write_timeline(&b, &mut y).unwrap();
    assert!(x == y, "two timelines of one run differ");
    let v: Value = serde_json::from_slice(&x).unwrap();
    let ev = events(&v);
    // Slices on one thread never overlap.
    let mut by_thread: std::collections::BTreeMap<(u64, u64), Vec<(u64, u64)>> = Default::default();
    for e in ev.iter().filter(|e| e["ph"] == "X") {
        let k = (e["pid"].as_u64().unwrap(), e["tid"].as_u64().unwrap());
        let s = e["ts"].as_u64().unwrap();
        by_thread
            .entry(k)
            .or_default()
            .push((s, s + e["dur"].as_u64().unwrap()));
    }
    for spans in by_thread.values_mut() {
        spans.sort_unstable();
        assert!(spans.windows(2).all(|w| w[0].1 <= w[1].0), "{spans:?}");
    }
    // The asynchronous flush returns at once and its work goes on; the ignored prompt runs to
    // the end; a procedure's calls are named after it.
    let find = |name: &str| ev.iter().find(|e| e["name"] == name).cloned();
    let f2 = find("flush.2 FlushQueues").expect("flush.2");
    assert_eq!(f2["dur"], 0);
    assert!(find("flush.2 work").is_some() || f2["args"]["outcome"] != "pending");
    assert!(ev.iter().any(|e| e["name"] == "proc.1 FlushQueues"));
    let ignored = ev
        .iter()
        .find(|e| e["name"] == "dial prompt" && e["pid"] == 5)
        .expect("pager prompt");
    assert_eq!(ignored["args"]["answer"], "none");
    assert_eq!(
        ignored["ts"].as_u64().unwrap() + ignored["dur"].as_u64().unwrap(),
        a.end_time
    );
    assert!(ev.iter().any(|e| e["name"] == "ndr"));
    assert!(ev.iter().any(|e| e["name"] == "poll"));
}

/// An asynchronous flush returns at once; its work shows as its own span up to completion.
#[test]
fn asynchronous_flush_work() {
    let mut s = demo();
    s.name = "async".into();
    s.flushes[0].flags = FlushFlags::UPLOAD | FlushFlags::DOWNLOAD | FlushFlags::ASYNC_OK;
    let r = run(&s, &full());
    keep("async", &r);
    let (mut ret, mut done) = (None, None);
    for e in r.trace.events() {
        match e.kind {
            EventKind::FlushReturn { .. } => ret = Some(e.key.t),
            EventKind::FlushComplete { .. } => done = Some(e.key.t),
            _ => {}
        }
    }
    let (ret, done) = (ret.unwrap(), done.unwrap());
    assert_eq!(ret, 60_000_000);
    assert!(done > ret);
    let v = timeline_json(&r);
    let ev = events(&v);
    let call = ev
        .iter()
        .find(|e| e["name"] == "flush.1 FlushQueues")
        .unwrap();
    assert_eq!(call["dur"], 0);
    let work = ev.iter().find(|e| e["name"] == "flush.1 work").unwrap();
    assert_eq!(work["ts"], 60_000_000);
    assert_eq!(work["dur"], done - 60_000_000);
    // The spooler's own status object shows progress: FLUSH_NO_UI is not set.
    assert!(ev
        .iter()
        .any(|e| e["name"] == "progress UI" && e["pid"] == 1));
    let svg = render_svg(&r).unwrap();
    assert!(svg.contains("flush.1"));
}

fn synthetic(names: &[&str], events: Vec<(u64, EventKind)>, end_time: u64) -> RunResult {
    use spoolsim::sim::Key;
    use spoolsim::trace::{Actor, Recorder};
    let events = events
        .into_iter()
        .enumerate()
        .map(|(i, (t, kind))| spoolsim::trace::Event {
            key: Key {
                t,
                class: 1,
                idx: 0,
                seq: i as u64,
            },
            actor: Actor::Runner,
            kind,
        })
        .collect();
    let mut trace = Recorder::from_events(names.len(), events);
    trace.sort();
    RunResult {
        scenario: "synthetic <&> \"run\"".into(),
        seed: 1,
        end_time,
        trace,
        transports: vec![Default::default(); names.len()],
        transport_names: names.iter().map(|s| s.to_string()).collect(),
        call_names: Default::default(),
        inbox: 0,
    }
}

/// A million per-message events (a fifth of that in a debug build, to keep the suite quick):
/// both outputs stay small and quick.
#[test]
fn a_million_events() {
    let n: u32 = if cfg!(debug_assertions) {
        50_000
    } else {
        250_000
    };
    let mut ev = Vec::with_capacity(4 * n as usize);
    for k in 0..n {
        let t = u64::from(k) * 1_000_000;
        let tr = TransportId((k % 2) as u16);
        ev.push((
            t,
            EventKind::Submit {
                msg: MsgId(k),
                transport: Some(tr),
                size: 1,
            },
        ));
        ev.push((
            t + 700_000 + u64::from(k % 5) * 900_000,
            EventKind::Deliver {
                msg: MsgId(k),
                transport: tr,
                latency: 1,
            },
        ));
        ev.push((
            t + 1,
            EventKind::Arrive {
                msg: MsgId(k),
                transport: tr,
            },
        ));
        ev.push((
            t + 2_000_000,
            EventKind::Receive {
                msg: MsgId(k),
                transport: tr,
                latency: 1,
            },
        ));
    }
    let r = synthetic(&["a", "b"], ev, u64::from(n) * 1_000_000 + 10_000_000);
    let t0 = std::time::Instant::now();
    let svg = render_svg(&r).unwrap();
    let svg_time = t0.elapsed();
    assert!(svg.len() < 2_000_000, "{} bytes", svg.len());
    let t0 = std::time::Instant::now();
    let mut out = Vec::new();
    write_timeline(&r, &mut out).unwrap();
    let tl_time = t0.elapsed();
    assert!(out.len() < 40_000_000, "{} bytes", out.len());
    let v: Value = serde_json::from_slice(&out).unwrap();
    assert!(!events(&v).iter().any(|e| e["name"] == "deliver"));
    assert!(events(&v).iter().any(|e| e["ph"] == "C"));
    eprintln!(
        "svg {} B in {svg_time:?}, timeline {} B in {tl_time:?}",
        svg.len(),
        out.len()
    );
}

/// A trace that makes no sense (unknown transports, returns without calls, answers without
/// prompts, times at the end of time) is drawn as far as it goes, without a panic.
#[test]
fn nonsense_runs_do_not_panic() {
    use spoolsim::mapi::HResult;
    use spoolsim::trace::{Object, Origin};
    let max = u64::MAX;
    let ev = vec![
        (
            0,
            EventKind::Deliver {
                msg: MsgId(1),
                transport: TransportId(7),
                latency: 0,
            },
        ),
        (
            5,
            EventKind::Ndr {
                msg: MsgId(1),
                transport: Some(TransportId(0)),
                reason: spoolsim::trace::NdrReason::Expired,
            },
        ),
        (
            6,
            EventKind::FlushReturn {
                flush: FlushId(9),
                result: HResult::S_OK,
            },
        ),
        (
            7,
            EventKind::Answer {
                transport: TransportId(0),
                answer: UiAnswer::Accept,
            },
        ),
        (
            8,
            EventKind::HangUp {
                transport: TransportId(0),
            },
        ),
        (
            9,
            EventKind::PartEnd {
                flush: FlushId(3),
                transport: TransportId(0),
                result: HResult::S_OK,
                delivered: 0,
                received: 0,
            },
        ),
        (
            10,
            EventKind::FlushCall {
                flush: FlushId(1),
                object: Object::Transport(TransportId(40)),
                target: Some(TransportId(99)),
                flags: 0xffff_ffff,
                origin: Origin::Api,
            },
        ),
        (
            10,
            EventKind::PhaseBegin {
                flush: FlushId(1),
                transport: TransportId(33),
                inbound: true,
            },
        ),
        (
            11,
            EventKind::Prompt {
                transport: TransportId(12),
                flush: Some(FlushId(77)),
            },
        ),
        (
            max - 1,
            EventKind::Connected {
                transport: TransportId(0),
            },
        ),
        (
            max,
            EventKind::Receive {
                msg: MsgId(1),
                transport: TransportId(0),
                latency: max,
            },
        ),
        (max, EventKind::RunEnd),
    ];
    for names in [&[][..], &["only"][..]] {
        for end in [0, 1, max] {
            let r = synthetic(names, ev.clone(), end);
            assert!(render_svg(&r).unwrap().starts_with("<svg"));
            let mut out = Vec::new();
            write_timeline(&r, &mut out).unwrap();
            serde_json::from_slice::<Value>(&out).unwrap();
        }
    }
    let r = synthetic(&["x"], Vec::new(), max);
    assert!(render_svg(&r).unwrap().contains("synthetic &lt;&amp;&gt;"));
}

/// Dozens of flushes and dial-up transports: lanes fill up, labels give way, nothing panics.
#[test]
fn svg_of_many_flushes_and_lines() {
    let mut s = Scenario::new("crowded");
    for i in 0..7 {
        let mut t = TransportConfig::ras(format!("modem{i}"), &[&format!("M{i}")]);
        t.per_message = Dist::Fixed(3_000_000);
        if let Some(r) = t.ras_config_mut() {
            r.ui = if i == 3 {
                UiAnswer::Cancel
            } else {
                UiAnswer::Accept
            };
            r.idle_hangup = 60_000_000;
        }
        s.transports.push(t);
        s.mail.push(MailSpec {
            at: 0,
            to: format!("M{i}:x"),
            count: 40,
            every: Dist::Exp(30_000_000),
            size: 100,
        });
    }
    for k in 0..40u32 {
        s.flushes.push(FlushSpec {
            at: u64::from(k) * 45_000_000 + 10_000_000,
            via: Via::Spooler,
            target: Some(TransportId((k % 7) as u16)),
            flags: FlushFlags::UPLOAD | FlushFlags::NO_UI,
            order: k,
            name: None,
        });
    }
    let r = run(&s, &full());
    keep("crowded", &r);
    let svg = render_svg(&r).unwrap();
    let labels = svg.matches("flush.").count();
    assert!((3..40).contains(&labels), "{labels} flush labels");
    assert!(svg.contains("3 others"));
}
