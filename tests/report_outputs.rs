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

/// One element of a parsed SVG: its tag, attributes, text, and the classes of the groups it
/// is in (outermost first).
#[derive(Debug, Clone)]
struct El {
    tag: String,
    attrs: std::collections::BTreeMap<String, String>,
    text: String,
    groups: Vec<String>,
}

impl El {
    fn in_group(&self, class: &str) -> bool {
        self.groups.iter().any(|g| g == class)
    }
}

/// Parses `svg` as XML (panicking if it is not well-formed) into its elements in order.
fn elements(svg: &str) -> Vec<El> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(svg);
    let mut out: Vec<El> = Vec::new();
    // Open elements: (index in `out`, group class if a group).
    let mut open: Vec<(usize, Option<String>)> = Vec::new();
    let el = |e: &quick_xml::events::BytesStart, open: &[(usize, Option<String>)]| {
        let attrs = e
            .attributes()
            .map(|a| {
                let a = a.expect("a well-formed attribute");
                let raw = std::str::from_utf8(&a.value).unwrap().to_string();
                let value = quick_xml::escape::unescape(&raw).unwrap().into_owned();
                (String::from_utf8(a.key.as_ref().to_vec()).unwrap(), value)
            })
            .collect();
        El {
            tag: String::from_utf8(e.name().as_ref().to_vec()).unwrap(),
            attrs,
            text: String::new(),
            groups: open.iter().filter_map(|o| o.1.clone()).collect(),
        }
    };
    loop {
        match reader.read_event().expect("well-formed XML") {
            Event::Start(e) => {
                let x = el(&e, &open);
                let class =
                    (x.tag == "g").then(|| x.attrs.get("class").cloned().unwrap_or_default());
                out.push(x);
                open.push((out.len() - 1, class));
            }
            Event::Empty(e) => out.push(el(&e, &open)),
            Event::Text(t) => {
                if let Some(&(i, _)) = open.last() {
                    out[i].text.push_str(&t.decode().unwrap());
                }
            }
            Event::GeneralRef(r) => {
                let name = r.decode().unwrap().into_owned();
                let ch = match name.as_str() {
                    "amp" => '&',
                    "lt" => '<',
                    "gt" => '>',
                    "quot" => '"',
                    "apos" => '\'',
                    _ => r.resolve_char_ref().unwrap().expect("a known entity"),
                };
                if let Some(&(i, _)) = open.last() {
                    out[i].text.push(ch);
                }
            }
            Event::End(_) => {
                open.pop().expect("an end tag closes an open element");
            }
            Event::Eof => break,
            _ => {}
        }
    }
    assert!(open.is_empty(), "unclosed elements");
    assert_eq!(out.first().map(|e| e.tag.as_str()), Some("svg"));
    out
}

/// The texts drawn in groups of class `class`.
fn texts_in(els: &[El], class: &str) -> Vec<String> {
    els.iter()
        .filter(|e| e.tag == "text" && e.in_group(class))
        .map(|e| e.text.clone())
        .collect()
}

/// How many groups of class `class` there are.
fn groups(els: &[El], class: &str) -> usize {
    els.iter()
        .filter(|e| e.tag == "g" && e.attrs.get("class").map(String::as_str) == Some(class))
        .count()
}

/// The names in the panels' headers, in order.
fn panel_names(els: &[El]) -> Vec<String> {
    let mut names = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for (i, e) in els.iter().enumerate() {
        if e.tag == "g"
            && e.attrs.get("class").is_some_and(|c| c.starts_with("panel"))
            && seen.insert(i)
        {
            if let Some(t) = els[i + 1..].iter().find(|x| x.tag == "text") {
                names.push(t.text.clone());
            }
        }
    }
    names
}

#[test]
fn svg_has_a_panel_per_transport_the_legend_and_the_marks() {
    let r = run(&demo(), &full());
    keep("demo", &r);
    let svg = render_svg(&r).unwrap();
    let els = elements(&svg);
    assert_eq!(groups(&els, "panel transport"), 2);
    assert_eq!(groups(&els, "panel inbox"), 1);
    assert_eq!(panel_names(&els), ["lan", "dialup", "inbox"]);
    let legend = texts_in(&els, "legend");
    for label in [
        "queued out: deepest per pixel",
        "waiting at the remote end",
        "inbox: messages received",
        "flush returned S_OK",
        "dial prompt, until answered",
        "connected, line up",
    ] {
        assert!(
            legend.iter().any(|t| t == label),
            "no legend entry {label:?}"
        );
    }
    assert!(texts_in(&els, "strip").contains(&"flush.1".to_string()));
    assert!(els
        .iter()
        .any(|e| e.tag == "text" && e.text == "demo — seed 0"));
    // The remote end is dashed; the ticks are in human units.
    assert!(els.iter().any(|e| e.attrs.contains_key("stroke-dasharray")));
    assert!(texts_in(&els, "time-axis")
        .iter()
        .any(|t| t.ends_with(" s") || t.ends_with(" min")));
    // The flush call (▼), its return (▲), the prompt (◆) as polygons, the connect as a circle.
    assert!(els.iter().filter(|e| e.tag == "polygon").count() >= 3);
    assert!(els.iter().any(|e| e.tag == "circle"));
}

#[test]
fn svg_is_deterministic() {
    let r = run(&busy(), &full());
    keep("busy", &r);
    let a = render_svg(&r).unwrap();
    let b = render_svg(&run(&busy(), &full())).unwrap();
    assert!(a == b, "two renders of one run differ");
    let els = elements(&a);
    let strip = texts_in(&els, "strip");
    for label in ["flush.2", "flush.4", "proc.1", "dialup2", "pager"] {
        assert!(
            strip.iter().any(|t| t == label),
            "missing {label:?} in {strip:?}"
        );
    }
    assert_eq!(
        panel_names(&els),
        ["lan", "dialup", "dialup2", "pager", "inbox"]
    );
    assert!(texts_in(&els, "legend")
        .iter()
        .any(|t| t == "prompt cancelled"));
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
    let els = elements(&svg);
    // The five busiest have panels of their own; the other seven share one.
    let names = panel_names(&els);
    assert_eq!(names.len(), 7, "{names:?}");
    assert_eq!(names[5], "7 others");
    assert_eq!(names[6], "inbox");
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

/// The spooler's thread of `FlushQueues` calls, and of asynchronous flush work.
const CALLS_TID: u64 = 1;
const WORK_TID: u64 = 1001;

/// The rules of the Chrome trace-event format that viewers (Perfetto, speedscope) rely on:
/// every event has a known phase and the fields it needs; a complete slice (`X`) lasts at
/// least a microsecond; an instant (`i`) has a scope; on each thread, `B`/`E` pairs match like
/// brackets and complete slices nest (two either are disjoint or one holds the other).
fn assert_trace_event_rules(v: &Value) {
    use std::collections::BTreeMap;
    let ev = events(v);
    let mut stacks: BTreeMap<(u64, u64), Vec<String>> = BTreeMap::new();
    let mut slices: BTreeMap<(u64, u64), Vec<(u64, u64)>> = BTreeMap::new();
    for e in ev {
        let ph = e["ph"].as_str().expect("a phase");
        assert!(
            ["M", "X", "i", "C", "B", "E"].contains(&ph),
            "unknown phase: {e}"
        );
        assert!(e["pid"].is_u64(), "{e}");
        if ph == "M" {
            continue;
        }
        assert!(e["ts"].is_u64() && e["name"].is_string(), "{e}");
        let thread = (e["pid"].as_u64().unwrap(), e["tid"].as_u64().unwrap_or(0));
        let name = e["name"].as_str().unwrap().to_string();
        match ph {
            "X" => {
                let dur = e["dur"].as_u64().expect("X has dur");
                assert!(dur > 0, "a slice of no length: {e}");
                let ts = e["ts"].as_u64().unwrap();
                slices.entry(thread).or_default().push((ts, ts + dur));
            }
            "i" => assert!(
                ["g", "p", "t"].contains(&e["s"].as_str().unwrap_or("")),
                "an instant without scope: {e}"
            ),
            "B" => stacks.entry(thread).or_default().push(name),
            "E" => {
                let top = stacks.entry(thread).or_default().pop();
                assert_eq!(top.as_deref(), Some(name.as_str()), "E without its B: {e}");
            }
            _ => {}
        }
    }
    assert!(
        stacks.values().all(Vec::is_empty),
        "B without E: {stacks:?}"
    );
    for (thread, mut s) in slices {
        // Longest first at one start, as a viewer opens them.
        s.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
        let mut open: Vec<u64> = Vec::new();
        for (a, b) in s {
            while open.last().is_some_and(|&end| end <= a) {
                open.pop();
            }
            if let Some(&end) = open.last() {
                assert!(b <= end, "slices on {thread:?} overlap without nesting");
            }
            open.push(b);
        }
    }
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
        .filter(|e| e["ph"] == "X" && e["name"] == "flush.1" && e["tid"] == CALLS_TID)
        .collect();
    assert_eq!(x.len(), 1);
    assert_eq!(x[0]["ts"], call);
    assert_eq!(x[0]["dur"], ret - call);
    assert_eq!(x[0]["pid"], 1);
    assert_eq!(x[0]["args"]["result"], "S_OK");
    assert_eq!(x[0]["args"]["call"], "flush.1");

    // Phases, the prompt and the line on the dial-up transport: short names, the call in args.
    let on = |pid: u64, name: &str| {
        ev.iter()
            .filter(|e| (e["ph"] == "X" || e["ph"] == "i") && e["pid"] == pid && e["name"] == name)
            .count()
    };
    assert_eq!(on(2, "outbound"), 1);
    assert_eq!(on(3, "outbound"), 1);
    assert_eq!(on(3, "inbound"), 1);
    assert_eq!(on(3, "prompt"), 1);
    assert_eq!(on(3, "dial"), 1);
    assert!(on(3, "line up") >= 1);
    assert!(ev
        .iter()
        .filter(|e| e["name"] == "outbound")
        .all(|e| e["args"]["flush"] == "flush.1"));
    assert_trace_event_rules(&v);

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
    assert_trace_event_rules(&v);
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
    let f2 = find("flush.2").expect("flush.2");
    assert_eq!(f2["ph"], "i", "a call that returns at once is an instant");
    assert_eq!(f2["tid"], CALLS_TID);
    let work = ev
        .iter()
        .find(|e| e["name"] == "flush.2" && e["tid"] == WORK_TID);
    assert!(work.is_some() || f2["args"]["outcome"] != "pending");
    assert!(ev.iter().any(|e| e["name"] == "proc.1"));
    let ignored = ev
        .iter()
        .find(|e| e["name"] == "prompt" && e["pid"] == 5)
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
        .find(|e| e["name"] == "flush.1" && e["tid"] == CALLS_TID)
        .unwrap();
    assert_eq!(call["ph"], "i");
    let work = ev
        .iter()
        .find(|e| e["name"] == "flush.1" && e["tid"] == WORK_TID)
        .unwrap();
    assert_eq!(work["ph"], "X");
    assert_eq!(work["ts"], 60_000_000);
    assert_eq!(work["dur"], done - 60_000_000);
    // The spooler's own status object shows progress: FLUSH_NO_UI is not set.
    assert!(ev
        .iter()
        .any(|e| e["name"] == "progress UI" && e["pid"] == 1));
    let svg = render_svg(&r).unwrap();
    let els = elements(&svg);
    assert!(texts_in(&els, "strip").iter().any(|t| t == "flush.1"));
    assert!(texts_in(&els, "legend")
        .iter()
        .any(|t| t == "async work, to its end"));
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
                validate: None,
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
    let els = elements(&svg);
    let labels: Vec<String> = els
        .iter()
        .filter(|e| e.tag == "text" && e.in_group("call"))
        .map(|e| e.text.clone())
        .collect();
    assert!(
        (3..40).contains(&labels.len()),
        "{} flush labels",
        labels.len()
    );
    assert_eq!(groups(&els, "call"), 40, "every call drawn");
    assert!(texts_in(&els, "strip").iter().any(|t| t == "3 others"));
    assert_no_overlap(&els);
}

/// No two labels of the event strip overlap (by a generous estimate of their width).
fn assert_no_overlap(els: &[El]) {
    let mut boxes: Vec<(f64, f64, f64, String)> = els
        .iter()
        .filter(|e| e.tag == "text" && e.in_group("strip"))
        .map(|e| {
            let x: f64 = e.attrs["x"].parse().unwrap();
            let y: f64 = e.attrs["y"].parse().unwrap();
            let size: f64 = e.attrs["font-size"].parse().unwrap();
            let w = e.text.chars().count() as f64 * size * 0.55;
            match e.attrs.get("text-anchor").map(String::as_str) {
                Some("end") => (x - w, x, y, e.text.clone()),
                _ => (x, x + w, y, e.text.clone()),
            }
        })
        .collect();
    boxes.sort_by(|a, b| {
        a.2.round()
            .total_cmp(&b.2.round())
            .then(a.0.total_cmp(&b.0))
    });
    for w in boxes.windows(2) {
        if (w[0].2 - w[1].2).abs() < 1.0 {
            assert!(
                w[0].1 <= w[1].0,
                "labels overlap: {:?} and {:?}",
                w[0].3,
                w[1].3
            );
        }
    }
}

// ----- a plot at any scale -------------------------------------------------------------------

fn library(name: &str) -> Scenario {
    let path = format!("{}/sim-scenarios/{name}.toml", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap();
    spoolsim::scenario::parse_scenario(&text, &path)
        .unwrap_or_else(|e| panic!("{}", e.render(&text)))
        .scenario
}

/// Every scenario of the library: a well-formed SVG with one panel per transport (the busiest
/// six, the rest summed), and a timeline that keeps the trace-event rules.
#[test]
fn every_library_scenario_plots_and_keeps_the_timeline_rules() {
    let dir = format!("{}/sim-scenarios", env!("CARGO_MANIFEST_DIR"));
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| {
            let p = e.unwrap().path();
            (p.extension()? == "toml").then(|| p.file_stem()?.to_str().map(String::from))?
        })
        .collect();
    names.sort();
    assert!(names.len() > 20);
    for name in names {
        let s = library(&name);
        let r = run(&s, &full());
        let els = elements(&render_svg(&r).unwrap());
        let panels = groups(&els, "panel transport");
        assert_eq!(panels, s.transports.len().min(6), "{name}");
        assert_eq!(
            groups(&els, "panel inbox"),
            usize::from(!s.transports.is_empty()),
            "{name}"
        );
        assert_trace_event_rules(&timeline_json(&r));
    }
}

/// A call with a name is labelled by it; one without by its number.
#[test]
fn svg_labels_calls_by_their_names() {
    let r = run(&library("named-calls"), &full());
    keep("named-calls", &r);
    let els = elements(&render_svg(&r).unwrap());
    let labels: Vec<String> = els
        .iter()
        .filter(|e| e.tag == "text" && e.in_group("call"))
        .map(|e| e.text.clone())
        .collect();
    assert_eq!(labels, ["flush.1", "upload", "send-receive"]);
    // The tooltip says both.
    assert!(els
        .iter()
        .any(|e| e.tag == "title" && e.text.starts_with("flush.2 (upload) · lan")));
    let v = timeline_json(&r);
    let named = events(&v)
        .iter()
        .find(|e| e["name"] == "flush.2 (upload)")
        .expect("the call named in the timeline");
    assert_eq!(named["args"]["name"], "upload");
}

/// Faults are marked on their transport's panel, as the timeline marks them.
#[test]
fn svg_marks_faults() {
    for (name, mark) in [
        ("fault-crash", "crashed"),
        ("fault-offline", "offline"),
        ("fault-drop-line", "dial-up line dropped"),
    ] {
        let r = run(&library(name), &full());
        keep(name, &r);
        let els = elements(&render_svg(&r).unwrap());
        let texts: Vec<String> = els
            .iter()
            .filter(|e| e.tag == "text" && (e.in_group("panel transport") || e.in_group("legend")))
            .map(|e| e.text.clone())
            .collect();
        assert!(
            texts.iter().any(|t| t == mark),
            "{name}: no {mark:?} in {texts:?}"
        );
    }
}

/// A synthetic year: a LAN queue that holds one message for 70 ms every `every` microseconds,
/// a dial-up line called five times a day, and five flush calls a day.
fn year(every: u64) -> RunResult {
    use spoolsim::mapi::HResult;
    use spoolsim::trace::{Object, Origin};
    const DAY: u64 = 86_400_000_000;
    const HOUR: u64 = 3_600_000_000;
    let mut ev = Vec::new();
    let mut k = 0u32;
    let mut t = 0u64;
    while t < 365 * DAY {
        let msg = EventKind::Submit {
            msg: MsgId(k),
            transport: Some(TransportId(0)),
            size: 1,
        };
        ev.push((t, msg));
        let done = EventKind::Deliver {
            msg: MsgId(k),
            transport: TransportId(0),
            latency: 70_000,
        };
        ev.push((t + 70_000, done));
        k += 1;
        t += every;
    }
    let mut n = 0;
    for d in 0..365u64 {
        for h in [9, 11, 13, 15, 17] {
            n += 1;
            let at = d * DAY + h * HOUR;
            let call = EventKind::FlushCall {
                flush: FlushId(n),
                object: Object::Spooler,
                target: None,
                flags: 0,
                origin: Origin::Flush(n),
                validate: None,
            };
            ev.push((at, call));
            let result = if n % 97 == 0 {
                HResult::MAPI_E_CALL_FAILED
            } else {
                HResult::S_OK
            };
            ev.push((
                at + 60_000_000,
                EventKind::FlushReturn {
                    flush: FlushId(n),
                    result,
                },
            ));
            ev.push((
                at + 60_000_000,
                EventKind::FlushComplete {
                    flush: FlushId(n),
                    outcome: result,
                },
            ));
            ev.push((
                at,
                EventKind::Prompt {
                    transport: TransportId(1),
                    flush: Some(FlushId(n)),
                },
            ));
            let answer = EventKind::Answer {
                transport: TransportId(1),
                answer: UiAnswer::Accept,
            };
            ev.push((at + 8_000_000, answer));
            ev.push((
                at + 8_000_000,
                EventKind::Dial {
                    transport: TransportId(1),
                },
            ));
            ev.push((
                at + 53_000_000,
                EventKind::Connected {
                    transport: TransportId(1),
                },
            ));
            ev.push((
                at + 200_000_000,
                EventKind::HangUp {
                    transport: TransportId(1),
                },
            ));
        }
    }
    synthetic(&["lan", "dialup"], ev, 365 * DAY)
}

/// A year draws in a file of bounded size, whatever the number of events: calls too many to
/// tell apart are drawn per pixel column, and so are the queues.
#[test]
fn svg_of_a_year_is_bounded() {
    let sparse = year(600_000_000);
    let dense = year(if cfg!(debug_assertions) {
        60_000_000
    } else {
        20_000_000
    });
    assert!(dense.trace.events().len() > 1_000_000 || cfg!(debug_assertions));
    let a = render_svg(&sparse).unwrap();
    let b = render_svg(&dense).unwrap();
    keep("year", &dense);
    eprintln!(
        "year: {} B ({} events), {} B ({} events)",
        a.len(),
        sparse.trace.events().len(),
        b.len(),
        dense.trace.events().len()
    );
    for svg in [&a, &b] {
        assert!(svg.len() < 400_000, "{} bytes", svg.len());
        let els = elements(svg);
        assert_eq!(groups(&els, "call"), 0, "1,825 calls are drawn per pixel");
        assert!(texts_in(&els, "legend")
            .iter()
            .any(|t| t == "1825 calls, per pixel"));
        assert!(texts_in(&els, "legend")
            .iter()
            .any(|t| t == "flush returned an error"));
        // No path longer than the picture is wide can need more than a few points per pixel.
        let longest = els
            .iter()
            .filter_map(|e| e.attrs.get("d"))
            .map(String::len)
            .max()
            .unwrap_or(0);
        assert!(longest < 40_000, "a path of {longest} bytes");
    }
    // The flickering LAN queue: peak 1, and busy a small share of the time (three times the
    // share when a release build draws the messages three times as dense).
    let busy = if cfg!(debug_assertions) {
        "0.1%"
    } else {
        "0.4%"
    };
    let els = elements(&b);
    let lan = els
        .iter()
        .find(|e| {
            e.tag == "text" && e.in_group("panel transport") && e.text.starts_with("queued out")
        })
        .unwrap();
    let expected = format!("queued out: peak 1, busy {busy} of the time");
    assert!(lan.text.starts_with(&expected), "{}", lan.text);
}

/// `--plot-window`: the stretch asked for, its calls named, and the whole run underneath.
#[test]
fn svg_of_a_window() {
    use spoolsim::report::plot::{render_svg_with, PlotError, PlotOptions, PlotWindow};
    let window = |w: &str| PlotOptions {
        window: Some(PlotWindow::parse(w).unwrap()),
    };
    let r = year(600_000_000);
    let svg = render_svg_with(&r, &window("100d 8h..100d 18h")).unwrap();
    keep("year-window", &r);
    let els = elements(&svg);
    assert_eq!(groups(&els, "call"), 5);
    let labels: Vec<String> = els
        .iter()
        .filter(|e| e.tag == "text" && e.in_group("call"))
        .map(|e| e.text.clone())
        .collect();
    assert_eq!(
        labels,
        [
            "flush.501",
            "flush.502",
            "flush.503",
            "flush.504",
            "flush.505"
        ]
    );
    let ticks = texts_in(&els, "time-axis");
    assert!(ticks.contains(&"100d 10:00".to_string()), "{ticks:?}");
    assert_eq!(groups(&els, "overview"), 1);
    assert!(els.iter().any(|e| e.text.contains("the window asked for")));

    let office = run(&library("office-day"), &full());
    let whole = elements(&render_svg(&office).unwrap());
    assert_eq!(groups(&whole, "overview"), 0);
    let part = elements(&render_svg_with(&office, &window("2h..4h")).unwrap());
    let labels: Vec<String> = part
        .iter()
        .filter(|e| e.tag == "text" && e.in_group("call"))
        .map(|e| e.text.clone())
        .collect();
    assert_eq!(labels, ["flush.2"]);
    assert!(texts_in(&part, "time-axis").contains(&"2:00".to_string()));
    // A window past the end of the run is refused; one that runs past it is cut there.
    let late = render_svg_with(&office, &window("10h..12h"));
    assert!(matches!(late, Err(PlotError::Window(_))));
    assert!(render_svg_with(&office, &window("8h..12h")).is_ok());
}
