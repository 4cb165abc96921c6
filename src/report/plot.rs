//! `--plot FILE.svg`: one picture of a finished run.
//!
//! Why a picture: the questions people ask of a spooler run are about *shape over time* (does
//! the dial-up queue grow until somebody flushes it? does a synchronous flush hold its caller
//! while the line dials? does the inbox fill only after the prompt is answered?), and those are
//! answered at a glance by queue depths drawn against virtual time with the flushes, prompts
//! and connects marked on the same time axis, and only laboriously from a trace.
//!
//! The picture has three parts that share one time axis:
//! - an **event strip** at the top: one lane per group of flush calls (▼ at the call, ▲ at the
//!   return, a bar between them, coloured by what the call returned, and a thin tail to the
//!   completion of asynchronous work), and one lane per transport that dialled (◆ prompt, the
//!   wait for the answer, ✕ a cancelled prompt, the dialling, ● connected, the line-up period);
//! - the **chart**: per transport, its outbound queue depth (solid) and the mail waiting at its
//!   remote end (dashed, lighter); the inbox (cumulative receptions) on the right-hand axis;
//!   flush calls as light shading behind the lines;
//! - a **legend** beside the chart, so that it never covers data.
//!
//! Depths change in steps, so they are drawn as steps. The depth series are reduced to one
//! value per pixel column, the largest depth reached in that column, which is exact at the
//! picture's resolution, keeps a run of a million events to a few thousand points per series,
//! and never hides a peak. Per-message events exist only in a full-trace run; for a
//! counting-only run the chart says so and only the rare events are drawn.
//!
//! The SVG is written by `plotters` without any font file: the SVG backend emits `<text>`
//! elements and leaves fonts to the viewer. Nothing here reads the clock or iterates a hash
//! map, so the same run always gives the same bytes.

use std::collections::BTreeMap;
use std::path::Path;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::mapi::HResult;
use crate::scenario::model::UiAnswer;
use crate::scenario::RunResult;
use crate::sim::trace::{EventKind, FlushId, Object, Origin, NO_TRANSPORT};
use crate::sim::Micros;

/// Why a plot could not be made.
#[derive(Debug, thiserror::Error)]
pub enum PlotError {
    /// Writing the file failed.
    #[error("cannot write the plot: {0}")]
    Io(#[from] std::io::Error),
    /// The drawing library refused to draw.
    #[error("cannot draw the plot: {0}")]
    Draw(String),
}

fn draw_err<E: std::fmt::Display>(e: E) -> PlotError {
    PlotError::Draw(e.to_string())
}

/// Renders the run as SVG and writes it to `path`.
pub fn write_svg(run: &RunResult, path: &Path) -> Result<(), PlotError> {
    let svg = render_svg(run)?;
    std::fs::write(path, svg)?;
    Ok(())
}

/// Renders the run as an SVG document (about 1200 × 700 pixels).
pub fn render_svg(run: &RunResult) -> Result<String, PlotError> {
    let model = Model::build(run);
    let mut buf = String::new();
    {
        let root = SVGBackend::with_string(&mut buf, (WIDTH, HEIGHT)).into_drawing_area();
        draw(&root, &model)?;
        root.present().map_err(draw_err)?;
    }
    Ok(add_dashes(buf, &model.dashed))
}

// ----- what a run says, independent of drawing (shared with the timeline) -------------------

/// A step function: `(time, value from that time on)`, starting from 0 at time 0, one entry per
/// instant at which the value changed (changes within one instant are collapsed to their net
/// result, since no time passes between them).
pub(crate) type Steps = Vec<(Micros, i64)>;

/// The levels a run's per-message events imply.
#[derive(Debug, Default)]
pub(crate) struct Levels {
    /// Per transport: messages queued in the spooler or handed to it and not yet delivered or
    /// NDR'd.
    pub outbound: Vec<Steps>,
    /// Per transport: messages arrived at its remote end and not yet received.
    pub inbound: Vec<Steps>,
    /// Per transport: whether any mail arrived at its remote end.
    pub any_arrival: Vec<bool>,
    /// Messages in the inbox (cumulative receptions).
    pub inbox: Steps,
    /// Whether per-message events were recorded at all.
    pub full: bool,
}

fn step_push(s: &mut Steps, t: Micros, v: i64) {
    match s.last_mut() {
        Some(last) if last.0 == t => last.1 = v,
        _ => s.push((t, v)),
    }
}

/// Drops entries that do not change the value (including net-zero instants).
fn compact(s: &mut Steps) {
    let mut prev = 0;
    s.retain(|&(_, v)| {
        let keep = v != prev;
        prev = v;
        keep
    });
}

impl Levels {
    pub(crate) fn of(run: &RunResult) -> Levels {
        let n = run.transport_names.len();
        let mut out_level = vec![0i64; n];
        let mut in_level = vec![0i64; n];
        let mut inbox = 0i64;
        let mut lv = Levels {
            outbound: vec![Vec::new(); n],
            inbound: vec![Vec::new(); n],
            any_arrival: vec![false; n],
            inbox: Vec::new(),
            full: run.trace.is_full(),
        };
        let ok = |t: u16| t != NO_TRANSPORT && (t as usize) < n;
        for e in &run.trace.events {
            let t = e.key.t;
            match e.kind {
                EventKind::Submit { transport, .. } if ok(transport) => {
                    let i = transport as usize;
                    out_level[i] += 1;
                    step_push(&mut lv.outbound[i], t, out_level[i]);
                }
                EventKind::Deliver { transport, .. } | EventKind::Ndr { transport, .. }
                    if ok(transport) =>
                {
                    let i = transport as usize;
                    out_level[i] -= 1;
                    step_push(&mut lv.outbound[i], t, out_level[i]);
                }
                EventKind::Arrive { transport, .. } if ok(transport) => {
                    let i = transport as usize;
                    in_level[i] += 1;
                    lv.any_arrival[i] = true;
                    step_push(&mut lv.inbound[i], t, in_level[i]);
                }
                EventKind::Receive { transport, .. } if ok(transport) => {
                    let i = transport as usize;
                    in_level[i] -= 1;
                    step_push(&mut lv.inbound[i], t, in_level[i]);
                    inbox += 1;
                    step_push(&mut lv.inbox, t, inbox);
                }
                _ => {}
            }
        }
        if !lv.full {
            // Without the submissions, NDRs alone would draw a negative depth: draw nothing.
            lv.outbound.iter_mut().for_each(Vec::clear);
            lv.inbound.iter_mut().for_each(Vec::clear);
            lv.inbox.clear();
        }
        lv.outbound.iter_mut().for_each(compact);
        lv.inbound.iter_mut().for_each(compact);
        compact(&mut lv.inbox);
        lv
    }
}

/// The largest value of a step function.
pub(crate) fn peak(s: &Steps) -> i64 {
    s.iter().map(|&(_, v)| v).max().unwrap_or(0).max(0)
}

/// The pointwise sum of step functions.
fn sum_steps<'a>(all: impl Iterator<Item = &'a Steps>) -> Steps {
    let mut deltas: Vec<(Micros, i64)> = Vec::new();
    for s in all {
        let mut prev = 0;
        for &(t, v) in s {
            deltas.push((t, v - prev));
            prev = v;
        }
    }
    deltas.sort_by_key(|&(t, _)| t);
    let mut out = Steps::new();
    let mut level = 0;
    for (t, d) in deltas {
        level += d;
        step_push(&mut out, t, level);
    }
    compact(&mut out);
    out
}

/// One `FlushQueues` call as the trace tells it.
#[derive(Debug, Clone)]
pub(crate) struct FlushSpan {
    /// Call id.
    pub id: FlushId,
    /// When it was called.
    pub call: Micros,
    /// Who called.
    pub origin: Origin,
    /// The status object called.
    pub object: Object,
    /// `lpTargetTransport`, resolved.
    pub target: Option<u16>,
    /// Raw flag bits.
    pub flags: u32,
    /// When it returned, and what.
    pub ret: Option<(Micros, HResult)>,
    /// When its work ended, and how.
    pub done: Option<(Micros, HResult)>,
}

impl FlushSpan {
    /// `flush.N`, `proc.N` or `api.ID`.
    pub(crate) fn label(&self) -> String {
        match self.origin {
            Origin::Flush(n) => format!("flush.{n}"),
            Origin::Procedure(n) => format!("proc.{n}"),
            Origin::Api => format!("api.{}", self.id),
        }
    }
}

/// Every flush call, in call order.
pub(crate) fn flush_spans(run: &RunResult) -> Vec<FlushSpan> {
    let mut by_id: BTreeMap<FlushId, usize> = BTreeMap::new();
    let mut v: Vec<FlushSpan> = Vec::new();
    for e in &run.trace.events {
        let t = e.key.t;
        match e.kind {
            EventKind::FlushCall {
                flush,
                object,
                target,
                flags,
                origin,
            } => {
                by_id.insert(flush, v.len());
                v.push(FlushSpan {
                    id: flush,
                    call: t,
                    origin,
                    object,
                    target,
                    flags,
                    ret: None,
                    done: None,
                });
            }
            EventKind::FlushReturn { flush, result } => {
                if let Some(&i) = by_id.get(&flush) {
                    v[i].ret.get_or_insert((t, result));
                }
            }
            EventKind::FlushComplete { flush, outcome } => {
                if let Some(&i) = by_id.get(&flush) {
                    v[i].done.get_or_insert((t, outcome));
                }
            }
            _ => {}
        }
    }
    v
}

/// A period that may still be open at the end of the run.
pub(crate) type Span = (Micros, Option<Micros>);

/// What one transport's dial-up line did.
#[derive(Debug, Clone, Default)]
pub(crate) struct LineLog {
    /// Prompts: shown at, answered at and how.
    pub prompts: Vec<(Micros, Option<(Micros, UiAnswer)>)>,
    /// Dialling: from `Dial` to `Connected`.
    pub dials: Vec<Span>,
    /// The line up: from `Connected` to `HangUp`.
    pub ups: Vec<Span>,
}

impl LineLog {
    /// Whether the transport ever prompted, dialled or connected.
    pub(crate) fn is_empty(&self) -> bool {
        self.prompts.is_empty() && self.dials.is_empty() && self.ups.is_empty()
    }
}

/// Per transport, what its line did.
pub(crate) fn line_logs(run: &RunResult) -> Vec<LineLog> {
    let n = run.transport_names.len();
    let mut v = vec![LineLog::default(); n];
    for e in &run.trace.events {
        let t = e.key.t;
        let tr = match e.kind {
            EventKind::Prompt { transport, .. }
            | EventKind::Answer { transport, .. }
            | EventKind::Dial { transport }
            | EventKind::Connected { transport }
            | EventKind::HangUp { transport } => transport as usize,
            _ => continue,
        };
        let Some(l) = v.get_mut(tr) else { continue };
        match e.kind {
            EventKind::Prompt { .. } => l.prompts.push((t, None)),
            EventKind::Answer { answer, .. } => {
                if let Some(p) = l.prompts.iter_mut().rev().find(|p| p.1.is_none()) {
                    p.1 = Some((t, answer));
                }
            }
            EventKind::Dial { .. } => l.dials.push((t, None)),
            EventKind::Connected { .. } => {
                if let Some(d) = l.dials.last_mut().filter(|d| d.1.is_none()) {
                    d.1 = Some(t);
                }
                l.ups.push((t, None));
            }
            EventKind::HangUp { .. } => {
                if let Some(u) = l.ups.last_mut().filter(|u| u.1.is_none()) {
                    u.1 = Some(t);
                }
            }
            _ => {}
        }
    }
    v
}

/// A transport's name, or a made-up one for an index outside the run's list.
pub(crate) fn transport_name(run: &RunResult, t: usize) -> String {
    run.transport_names
        .get(t)
        .cloned()
        .unwrap_or_else(|| format!("transport{t}"))
}

/// The time the picture (and the timeline) ends: the run's end, or a later event's time.
pub(crate) fn span_end(run: &RunResult) -> Micros {
    let last = run.trace.events.last().map_or(0, |e| e.key.t);
    run.end_time.max(last)
}

// ----- layout --------------------------------------------------------------------------------

const WIDTH: u32 = 1200;
const HEIGHT: u32 = 700;
const MARGIN: i32 = 12;
const LEGEND_W: i32 = 232;
const Y_LABEL_W: i32 = 72;
const Y2_LABEL_W: i32 = 72;
const X_LABEL_H: i32 = 50;
const STRIP_TOP: i32 = 62;
const LANE_H: i32 = 22;
/// Transports drawn one by one; the rest are summed into one "others" series.
const MAX_SHOWN: usize = 8;
const MAX_FLUSH_LANES: usize = 3;
const MAX_DIAL_LANES: usize = 5;
/// Beyond this many flush calls the chart gets no shading behind its lines.
const MAX_SHADED_FLUSHES: usize = 60;
const FONT: &str = "sans-serif";

/// Left and right pixel of the plotting area, as plotters lays it out.
const PLOT_X0: i32 = MARGIN + Y_LABEL_W;
const PLOT_X1: i32 = WIDTH as i32 - LEGEND_W - Y2_LABEL_W;

fn rgb(hex: u32) -> RGBColor {
    RGBColor((hex >> 16) as u8, (hex >> 8) as u8, hex as u8)
}

/// Series colours: (outbound, inbound). The inbound colours are used for nothing else, which
/// is how the dashes find their lines (see [`add_dashes`]).
const PALETTE: [(u32, u32); MAX_SHOWN] = [
    (0x1f77b4, 0x6fa8d6),
    (0xff7f0e, 0xffaf6b),
    (0x9467bd, 0xb99bd9),
    (0x17becf, 0x75d9e5),
    (0x8c564b, 0xc49c95),
    (0xe377c2, 0xf2aedc),
    (0xbcbd22, 0xd9da7f),
    (0x2ca02c, 0x8fd88f),
];
const OTHERS: (u32, u32) = (0x7f7f7f, 0xb5b5b6);
const INBOX: u32 = 0x222222;
const C_OK: u32 = 0x2c3e50;
const C_WARN: u32 = 0xe67e22;
const C_ERR: u32 = 0xc0392b;
const C_PENDING: u32 = 0x95a5a6;
const C_PROMPT: u32 = 0xf1a208;
const C_CONNECT: u32 = 0x1e8449;
const C_LINE_UP: u32 = 0xb7e4c7;
const C_DIALLING: u32 = 0x7f8c8d;
const C_TEXT: u32 = 0x333333;
const C_MUTED: u32 = 0x777777;

/// A rough width of `s` in pixels at plotters font size `size` (the SVG gets `size / 1.24`).
fn text_w(s: &str, size: f64) -> i32 {
    (s.chars().count() as f64 * size / 1.24 * 0.6).ceil() as i32
}

fn clip(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut c: String = s.chars().take(max.saturating_sub(1)).collect();
        c.push('…');
        c
    }
}

/// The time unit of the axis.
#[derive(Debug, Clone, Copy)]
struct Unit {
    name: &'static str,
    us: f64,
}

fn unit_for(span: Micros) -> Unit {
    const S: u64 = 1_000_000;
    let (name, us) = match span {
        s if s <= 2 * S => ("ms", 1e3),
        s if s <= 180 * S => ("s", 1e6),
        s if s <= 3 * 3600 * S => ("min", 60e6),
        s if s <= 72 * 3600 * S => ("h", 3600e6),
        _ => ("d", 86_400e6),
    };
    Unit { name, us }
}

fn tick_label(v: f64, u: Unit) -> String {
    let r = (v * 100.0).round() / 100.0;
    let num = if (r - r.round()).abs() < 1e-9 {
        format!("{}", r.round() as i64)
    } else {
        let s = format!("{r:.2}");
        s.trim_end_matches('0').to_string()
    };
    format!("{num} {}", u.name)
}

/// One series on the chart.
struct Series {
    label: String,
    color: RGBColor,
    width: u32,
    /// Step points in (unit time, value).
    points: Vec<(f64, u64)>,
    secondary: bool,
}

/// Flush colour by what the call returned.
fn flush_color(f: &FlushSpan) -> u32 {
    match f.ret {
        None => C_PENDING,
        Some((_, r)) if r.is_error() => C_ERR,
        Some((_, r)) if r.is_warning() => C_WARN,
        Some(_) => C_OK,
    }
}

struct FlushItem {
    span: FlushSpan,
    lane: usize,
    show_label: bool,
}

struct DialLane {
    label: String,
    logs: Vec<LineLog>,
}

/// Everything to draw, computed before drawing.
struct Model {
    title: String,
    subtitle: String,
    span: Micros,
    unit: Unit,
    series: Vec<Series>,
    y_max: u64,
    y2_max: u64,
    note: Option<String>,
    flushes: Vec<FlushItem>,
    flush_lanes: usize,
    dial_lanes: Vec<DialLane>,
    /// Inbound colours, whose polylines get dashes.
    dashed: Vec<RGBColor>,
    legend_results: [bool; 4],
    any_prompt: bool,
    any_cancel: bool,
    any_connect: bool,
}

/// Reduces a step function to one value per pixel column (its maximum there) and returns the
/// points of the step line in (unit time, value).
fn column_steps(s: &Steps, span: Micros, cols: usize, unit: Unit) -> Vec<(f64, u64)> {
    let cols = cols.max(1);
    let span = span.max(1);
    let col_of = |t: Micros| -> usize {
        let c = (u128::from(t) * cols as u128 / u128::from(span)) as usize;
        c.min(cols - 1)
    };
    let mut max = vec![0i64; cols];
    let mut cur = 0i64;
    let mut last = 0usize;
    for &(t, v) in s {
        let c = col_of(t);
        for m in max.iter_mut().take(c + 1).skip(last + 1) {
            *m = (*m).max(cur);
        }
        max[c] = max[c].max(v);
        cur = v;
        last = c;
    }
    for m in max.iter_mut().skip(last + 1) {
        *m = (*m).max(cur);
    }
    let x = |c: usize| c as f64 * span as f64 / cols as f64 / unit.us;
    let mut pts: Vec<(f64, u64)> = Vec::new();
    let mut prev: Option<u64> = None;
    for (c, &m) in max.iter().enumerate() {
        let v = m.max(0) as u64;
        match prev {
            Some(p) if p == v => {}
            Some(p) => {
                pts.push((x(c), p));
                pts.push((x(c), v));
            }
            None => pts.push((x(c), v)),
        }
        prev = Some(v);
    }
    pts.push((x(cols), prev.unwrap_or(0)));
    pts
}

fn headroom(peak: u64) -> u64 {
    (peak + (peak / 8).max(1)).max(1)
}

impl Model {
    fn build(run: &RunResult) -> Model {
        let span = span_end(run).max(1);
        let unit = unit_for(span);
        let cols = (PLOT_X1 - PLOT_X0).max(1) as usize;
        let lv = Levels::of(run);
        let n = run.transport_names.len();

        // Which transports get their own lines: all of them, or the busiest when there are many.
        let mut order: Vec<usize> = (0..n).collect();
        let shown: Vec<usize> = if n <= MAX_SHOWN {
            order
        } else {
            order.sort_by_key(|&t| {
                let c = run.trace.counts.get(t).copied().unwrap_or_default();
                let act = peak(&lv.outbound[t]) + peak(&lv.inbound[t]);
                (
                    std::cmp::Reverse(act),
                    std::cmp::Reverse(c.submitted + c.arrived),
                    t,
                )
            });
            let mut s: Vec<usize> = order.into_iter().take(MAX_SHOWN - 1).collect();
            s.sort_unstable();
            s
        };
        let rest: Vec<usize> = (0..n).filter(|t| !shown.contains(t)).collect();

        let mut series = Vec::new();
        let mut dashed = Vec::new();
        let mut y_peak = 0u64;
        if lv.full {
            let mut add = |label: String, steps: &Steps, colors: (u32, u32), arrivals: bool| {
                y_peak = y_peak.max(peak(steps) as u64);
                series.push(Series {
                    label: format!("{label} queued out"),
                    color: rgb(colors.0),
                    width: 2,
                    points: column_steps(steps, span, cols, unit),
                    secondary: false,
                });
                if arrivals {
                    series.push(Series {
                        label: format!("{label} remote in"),
                        color: rgb(colors.1),
                        width: 2,
                        points: Vec::new(),
                        secondary: false,
                    });
                    dashed.push(rgb(colors.1));
                }
            };
            let mut inbound_steps: Vec<Steps> = Vec::new();
            for (k, &t) in shown.iter().enumerate() {
                let name = clip(&transport_name(run, t), 16);
                add(name, &lv.outbound[t], PALETTE[k], lv.any_arrival[t]);
                if lv.any_arrival[t] {
                    inbound_steps.push(lv.inbound[t].clone());
                }
            }
            if !rest.is_empty() {
                let out = sum_steps(rest.iter().map(|&t| &lv.outbound[t]));
                let arrivals = rest.iter().any(|&t| lv.any_arrival[t]);
                add(format!("{} others", rest.len()), &out, OTHERS, arrivals);
                if arrivals {
                    inbound_steps.push(sum_steps(rest.iter().map(|&t| &lv.inbound[t])));
                }
            }
            // Fill in the inbound lines, in the order they were added.
            let mut it = inbound_steps.into_iter();
            for s in series.iter_mut().filter(|s| s.label.ends_with("remote in")) {
                if let Some(steps) = it.next() {
                    y_peak = y_peak.max(peak(&steps) as u64);
                    s.points = column_steps(&steps, span, cols, unit);
                }
            }
            series.push(Series {
                label: "inbox (right axis)".into(),
                color: rgb(INBOX),
                width: 2,
                points: column_steps(&lv.inbox, span, cols, unit),
                secondary: true,
            });
        }
        let y2_peak = if lv.full { peak(&lv.inbox) as u64 } else { 0 };

        let note = if n == 0 {
            Some("no transports in this run".to_string())
        } else if !lv.full {
            Some(
                "counting-only run: per-message events were not recorded, so no queue depths"
                    .to_string(),
            )
        } else {
            None
        };

        // Flush lanes: first lane whose last item ends left of this one's extent.
        let px = |t: Micros| {
            PLOT_X0 + ((t as f64 / span as f64) * f64::from(PLOT_X1 - PLOT_X0)).round() as i32
        };
        let mut lane_end: Vec<i32> = Vec::new();
        let mut flushes = Vec::new();
        for f in flush_spans(run) {
            let end_t = f
                .done
                .map_or(span, |d| d.0)
                .max(f.ret.map_or(span, |r| r.0));
            let x0 = px(f.call) - 6;
            let x1 = px(end_t) + 8 + text_w(&f.label(), 13.0);
            let (lane, show_label) = match lane_end.iter().position(|&e| e < x0) {
                Some(l) => (l, true),
                None if lane_end.len() < MAX_FLUSH_LANES => {
                    lane_end.push(i32::MIN);
                    (lane_end.len() - 1, true)
                }
                None => {
                    let l = (0..lane_end.len())
                        .min_by_key(|&l| lane_end[l])
                        .unwrap_or(0);
                    (l, false)
                }
            };
            let end = if show_label { x1 } else { px(end_t) + 6 };
            lane_end[lane] = lane_end[lane].max(end);
            flushes.push(FlushItem {
                span: f,
                lane,
                show_label,
            });
        }
        let flush_lanes = lane_end.len();

        // Dial lanes: one per transport that prompted, dialled or connected.
        let logs = line_logs(run);
        let active: Vec<usize> = (0..logs.len()).filter(|&t| !logs[t].is_empty()).collect();
        let mut dial_lanes: Vec<DialLane> = Vec::new();
        let own = if active.len() > MAX_DIAL_LANES {
            MAX_DIAL_LANES - 1
        } else {
            active.len()
        };
        for &t in &active[..own] {
            dial_lanes.push(DialLane {
                label: clip(&transport_name(run, t), 12),
                logs: vec![logs[t].clone()],
            });
        }
        if active.len() > own {
            dial_lanes.push(DialLane {
                label: format!("{} others", active.len() - own),
                logs: active[own..].iter().map(|&t| logs[t].clone()).collect(),
            });
        }

        let mut legend_results = [false; 4];
        for f in &flushes {
            let k = match flush_color(&f.span) {
                C_OK => 0,
                C_WARN => 1,
                C_ERR => 2,
                _ => 3,
            };
            legend_results[k] = true;
        }
        let all_logs = || logs.iter();
        let any_prompt = all_logs().any(|l| !l.prompts.is_empty());
        let any_cancel = all_logs().any(|l| {
            l.prompts
                .iter()
                .any(|p| matches!(p.1, Some((_, UiAnswer::Cancel))))
        });
        let any_connect = all_logs().any(|l| !l.ups.is_empty());

        let c = run.trace.counts.iter().fold([0u64; 4], |mut a, c| {
            a[0] += c.submitted;
            a[1] += c.delivered;
            a[2] += c.received;
            a[3] += c.prompts;
            a
        });
        let subtitle = format!(
            "ran {} of virtual time · {} transport{} · {} submitted · {} delivered · {} received · {} flush call{} · {} dial prompt{}",
            crate::sim::format_duration(run.end_time),
            n,
            if n == 1 { "" } else { "s" },
            c[0] + run.trace.unroutable,
            c[1],
            c[2],
            flushes.len(),
            if flushes.len() == 1 { "" } else { "s" },
            c[3],
            if c[3] == 1 { "" } else { "s" },
        );

        Model {
            title: format!("{} — seed {}", clip(&run.scenario, 60), run.seed),
            subtitle,
            span,
            unit,
            series,
            y_max: headroom(y_peak),
            y2_max: headroom(y2_peak),
            note,
            flushes,
            flush_lanes,
            dial_lanes,
            dashed,
            legend_results,
            any_prompt,
            any_cancel,
            any_connect,
        }
    }

    fn lanes(&self) -> usize {
        self.flush_lanes + self.dial_lanes.len()
    }

    fn plot_top(&self) -> i32 {
        let lanes = self.lanes() as i32;
        STRIP_TOP + lanes * LANE_H + if lanes > 0 { 10 } else { 0 }
    }
}

// ----- drawing -------------------------------------------------------------------------------

type Area<'a> = DrawingArea<SVGBackend<'a>, Shift>;

fn font(size: f64, color: u32) -> TextStyle<'static> {
    styled(size, color, FontStyle::Normal)
}

fn styled(size: f64, color: u32, style: FontStyle) -> TextStyle<'static> {
    TextStyle {
        font: (FONT, size).into_font().style(style),
        color: rgb(color).to_backend_color(),
        pos: Pos::default(),
    }
}

fn text(area: &Area, s: &str, at: (i32, i32), style: &TextStyle, h: HPos) -> Result<(), PlotError> {
    let st = style.pos(Pos::new(h, VPos::Center));
    area.draw(&Text::new(s.to_string(), at, st))
        .map_err(draw_err)
}

fn tri_down(area: &Area, x: i32, cy: i32, c: RGBColor) -> Result<(), PlotError> {
    area.draw(&Polygon::new(
        vec![(x - 5, cy - 9), (x + 5, cy - 9), (x, cy - 1)],
        c.filled(),
    ))
    .map_err(draw_err)
}

fn tri_up(area: &Area, x: i32, cy: i32, c: RGBColor) -> Result<(), PlotError> {
    area.draw(&Polygon::new(
        vec![(x - 5, cy + 9), (x + 5, cy + 9), (x, cy + 1)],
        c.filled(),
    ))
    .map_err(draw_err)
}

fn diamond(area: &Area, x: i32, cy: i32, c: RGBColor) -> Result<(), PlotError> {
    area.draw(&Polygon::new(
        vec![(x, cy - 6), (x + 5, cy), (x, cy + 6), (x - 5, cy)],
        c.filled(),
    ))
    .map_err(draw_err)
}

fn cross(area: &Area, x: i32, cy: i32, c: RGBColor) -> Result<(), PlotError> {
    let st = c.stroke_width(2);
    area.draw(&PathElement::new(
        vec![(x - 4, cy - 4), (x + 4, cy + 4)],
        st,
    ))
    .map_err(draw_err)?;
    area.draw(&PathElement::new(
        vec![(x - 4, cy + 4), (x + 4, cy - 4)],
        st,
    ))
    .map_err(draw_err)
}

fn dot(area: &Area, x: i32, cy: i32, c: RGBColor) -> Result<(), PlotError> {
    area.draw(&Circle::new((x, cy), 4, c.filled()))
        .map_err(draw_err)
}

fn hline<C: Color>(area: &Area, x0: i32, x1: i32, y: i32, c: C, w: u32) -> Result<(), PlotError> {
    area.draw(&PathElement::new(
        vec![(x0, y), (x1.max(x0), y)],
        c.stroke_width(w),
    ))
    .map_err(draw_err)
}

fn band(area: &Area, x0: i32, x1: i32, cy: i32, half: i32, c: RGBColor) -> Result<(), PlotError> {
    area.draw(&Rectangle::new(
        [(x0, cy - half), (x1.max(x0 + 1), cy + half)],
        c.filled(),
    ))
    .map_err(draw_err)
}

fn draw(root: &Area, m: &Model) -> Result<(), PlotError> {
    root.fill(&WHITE).map_err(draw_err)?;
    let bold = styled(22.0, C_TEXT, FontStyle::Bold);
    text(root, &m.title, (PLOT_X0, 20), &bold, HPos::Left)?;
    text(
        root,
        &m.subtitle,
        (PLOT_X0, 44),
        &font(14.0, C_MUTED),
        HPos::Left,
    )?;

    let plot_top = m.plot_top();
    let x_end = m.span as f64 / m.unit.us;
    let unit = m.unit;
    let fmt_x = move |v: &f64| tick_label(*v, unit);

    let mut chart = ChartBuilder::on(root)
        .margin_top(plot_top)
        .margin_left(MARGIN)
        .margin_right(LEGEND_W)
        .margin_bottom(MARGIN)
        .x_label_area_size(X_LABEL_H)
        .y_label_area_size(Y_LABEL_W)
        .right_y_label_area_size(Y2_LABEL_W)
        .build_cartesian_2d(0f64..x_end, 0u64..m.y_max)
        .map_err(draw_err)?
        .set_secondary_coord(0f64..x_end, 0u64..m.y2_max);

    chart
        .configure_mesh()
        .x_labels(10)
        .y_labels(8)
        .x_label_formatter(&fmt_x)
        .x_desc("virtual time")
        .y_desc("messages waiting")
        .label_style(font(13.0, C_TEXT))
        .axis_desc_style(font(14.0, C_TEXT))
        .bold_line_style(rgb(0xe4e4e4))
        .light_line_style(rgb(0xf4f4f4))
        .axis_style(rgb(0x888888))
        .draw()
        .map_err(draw_err)?;
    chart
        .configure_secondary_axes()
        .y_labels(8)
        .y_desc("inbox (messages received)")
        .label_style(font(13.0, C_TEXT))
        .axis_desc_style(font(14.0, C_TEXT))
        .axis_style(rgb(0x888888))
        .draw()
        .map_err(draw_err)?;

    let (xr, yr) = chart.plotting_area().get_pixel_range();
    let spec = chart.as_coord_spec().clone();
    let to_x = move |t: Micros| spec.translate(&(t as f64 / unit.us, 0)).0;

    // Flush calls shade the chart while they run, under the lines.
    if m.flushes.len() <= MAX_SHADED_FLUSHES {
        for f in &m.flushes {
            let s = &f.span;
            let end = s.ret.map_or(m.span, |r| r.0).max(s.done.map_or(0, |d| d.0));
            let (x0, x1) = (to_x(s.call), to_x(end));
            if x1 > x0 {
                root.draw(&Rectangle::new(
                    [(x0, yr.start), (x1, yr.end)],
                    rgb(0x5b7fa6).mix(0.08).filled(),
                ))
                .map_err(draw_err)?;
            }
            root.draw(&PathElement::new(
                vec![(x0, yr.start), (x0, yr.end)],
                rgb(0x5b7fa6).mix(0.35).stroke_width(1),
            ))
            .map_err(draw_err)?;
        }
    }

    // Inbound first (lighter, dashed), then outbound, then the inbox on top.
    let rank = |s: &Series| {
        if s.secondary {
            2
        } else if s.label.ends_with("remote in") {
            0
        } else {
            1
        }
    };
    for r in 0..3 {
        for s in m.series.iter().filter(|s| rank(s) == r) {
            let style = s.color.stroke_width(s.width);
            let line = LineSeries::new(s.points.iter().copied(), style);
            if s.secondary {
                chart.draw_secondary_series(line).map_err(draw_err)?;
            } else {
                chart.draw_series(line).map_err(draw_err)?;
            }
        }
    }

    if let Some(note) = &m.note {
        let mid = ((xr.start + xr.end) / 2, (yr.start + yr.end) / 2);
        text(root, note, mid, &font(16.0, C_MUTED), HPos::Center)?;
    }

    draw_strip(root, m, &to_x, xr.clone())?;
    draw_legend(root, m, yr.start)?;
    Ok(())
}

fn draw_strip(
    root: &Area,
    m: &Model,
    to_x: &dyn Fn(Micros) -> i32,
    xr: std::ops::Range<i32>,
) -> Result<(), PlotError> {
    let lanes = m.lanes() as i32;
    if lanes == 0 {
        return Ok(());
    }
    let lane_cy = |l: i32| STRIP_TOP + l * LANE_H + LANE_H / 2;
    root.draw(&Rectangle::new(
        [(xr.start, STRIP_TOP), (xr.end, STRIP_TOP + lanes * LANE_H)],
        rgb(0xf7f7f7).filled(),
    ))
    .map_err(draw_err)?;
    let label_style = font(13.0, C_MUTED);
    for l in 0..m.flush_lanes as i32 {
        let name = if l == 0 { "flushes" } else { "" };
        text(
            root,
            name,
            (xr.start - 8, lane_cy(l)),
            &label_style,
            HPos::Right,
        )?;
    }
    for (k, d) in m.dial_lanes.iter().enumerate() {
        let l = (m.flush_lanes + k) as i32;
        text(
            root,
            &d.label,
            (xr.start - 8, lane_cy(l)),
            &label_style,
            HPos::Right,
        )?;
        if l > 0 {
            let y = STRIP_TOP + l * LANE_H;
            hline(root, xr.start, xr.end, y, rgb(0xe0e0e0), 1)?;
        }
    }

    // Flush calls.
    let end_x = to_x(m.span);
    for f in &m.flushes {
        let s = &f.span;
        let cy = lane_cy(f.lane as i32);
        let c = rgb(flush_color(s));
        let x0 = to_x(s.call);
        let xr_ = s.ret.map_or(end_x, |r| to_x(r.0));
        if xr_ > x0 {
            hline(root, x0, xr_, cy, c, 3)?;
        }
        if let Some((td, _)) = s.done {
            let xd = to_x(td);
            if xd > xr_ {
                hline(root, xr_, xd, cy, c.mix(0.5), 1)?;
                root.draw(&PathElement::new(
                    vec![(xd, cy - 4), (xd, cy + 4)],
                    c.stroke_width(1),
                ))
                .map_err(draw_err)?;
            }
        }
        tri_down(root, x0, cy, c)?;
        if s.ret.is_some() {
            tri_up(root, xr_, cy, c)?;
        }
        if f.show_label {
            let tail = s.done.map_or(xr_, |d| to_x(d.0)).max(xr_);
            text(
                root,
                &s.label(),
                (tail + 8, cy),
                &font(13.0, C_TEXT),
                HPos::Left,
            )?;
        }
    }

    // Dial-up lines.
    for (k, d) in m.dial_lanes.iter().enumerate() {
        let cy = lane_cy((m.flush_lanes + k) as i32);
        for log in &d.logs {
            for &(a, b) in &log.ups {
                band(root, to_x(a), b.map_or(end_x, to_x), cy, 5, rgb(C_LINE_UP))?;
            }
            for &(a, b) in &log.dials {
                hline(root, to_x(a), b.map_or(end_x, to_x), cy, rgb(C_DIALLING), 2)?;
            }
            for &(p, ans) in &log.prompts {
                let xa = ans.map_or(end_x, |(t, _)| to_x(t));
                hline(root, to_x(p), xa, cy, rgb(C_PROMPT), 2)?;
            }
            for &(p, ans) in &log.prompts {
                diamond(root, to_x(p), cy, rgb(C_PROMPT))?;
                if let Some((t, UiAnswer::Cancel)) = ans {
                    cross(root, to_x(t), cy, rgb(C_ERR))?;
                }
            }
            for &(a, _) in &log.ups {
                dot(root, to_x(a), cy, rgb(C_CONNECT))?;
            }
        }
    }
    Ok(())
}

fn draw_legend(root: &Area, m: &Model, top: i32) -> Result<(), PlotError> {
    let x = WIDTH as i32 - LEGEND_W + 14;
    let mut y = top + 8;
    let row = 20;
    let style = font(13.0, C_TEXT);
    let head = styled(13.0, C_TEXT, FontStyle::Bold);
    if !m.series.is_empty() {
        text(root, "messages waiting", (x, y), &head, HPos::Left)?;
        y += row;
        for s in &m.series {
            if s.secondary {
                y += 6;
            }
            hline(root, x, x + 26, y, s.color, s.width)?;
            text(root, &s.label, (x + 34, y), &style, HPos::Left)?;
            y += row;
        }
        y += 10;
    }
    let mut entries: Vec<(u8, u32, &str)> = Vec::new();
    let names = [
        "flush returned S_OK",
        "flush returned a warning",
        "flush returned an error",
        "flush not returned",
    ];
    for (k, c) in [C_OK, C_WARN, C_ERR, C_PENDING].into_iter().enumerate() {
        if m.legend_results[k] {
            entries.push((0, c, names[k]));
        }
    }
    if m.any_prompt {
        entries.push((1, C_PROMPT, "dial prompt, until answered"));
    }
    if m.any_cancel {
        entries.push((2, C_ERR, "prompt cancelled"));
    }
    if m.any_connect {
        entries.push((3, C_CONNECT, "connected, line up"));
    }
    if entries.is_empty() {
        return Ok(());
    }
    text(root, "events (top strip)", (x, y), &head, HPos::Left)?;
    y += row;
    for (kind, c, label) in entries {
        let c = rgb(c);
        match kind {
            0 => {
                hline(root, x + 4, x + 22, y, c, 3)?;
                tri_down(root, x + 4, y, c)?;
                tri_up(root, x + 22, y, c)?;
            }
            1 => {
                hline(root, x + 4, x + 24, y, c, 2)?;
                diamond(root, x + 4, y, c)?;
            }
            2 => cross(root, x + 13, y, c)?,
            _ => {
                band(root, x + 4, x + 26, y, 5, rgb(C_LINE_UP))?;
                dot(root, x + 4, y, c)?;
            }
        }
        text(root, label, (x + 34, y), &style, HPos::Left)?;
        y += row;
    }
    Ok(())
}

/// Gives the inbound series their dashes. plotters has no dashed stroke, but every polyline it
/// writes carries its colour just before its width and points, and the inbound colours are used
/// for nothing else, so the attribute can be added exactly where it belongs.
fn add_dashes(svg: String, colors: &[RGBColor]) -> String {
    let mut svg = svg;
    for c in colors {
        let RGBColor(r, g, b) = *c;
        let needle = format!("stroke=\"#{r:02X}{g:02X}{b:02X}\" stroke-width=\"2\" points=");
        let with = format!(
            "stroke=\"#{r:02X}{g:02X}{b:02X}\" stroke-width=\"2\" stroke-dasharray=\"7 4\" points="
        );
        svg = svg.replace(&needle, &with);
    }
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_steps_keep_peaks_and_steps() {
        let u = Unit { name: "s", us: 1.0 };
        // A spike of 5 between 10 and 11 out of 1000 µs over 100 columns still shows.
        let s: Steps = vec![(10, 5), (11, 0), (500, 2)];
        let p = column_steps(&s, 1000, 100, u);
        assert_eq!(p.first(), Some(&(0.0, 0)));
        assert!(p.contains(&(10.0, 5)));
        assert!(p.contains(&(20.0, 0)));
        assert!(p.contains(&(500.0, 2)));
        assert_eq!(p.last(), Some(&(1000.0, 2)));
        // Steps only: every move is either horizontal or vertical.
        for w in p.windows(2) {
            assert!(w[0].0 == w[1].0 || w[0].1 == w[1].1);
        }
    }

    #[test]
    fn compact_drops_net_zero_instants() {
        let mut s: Steps = Vec::new();
        step_push(&mut s, 5, 1);
        step_push(&mut s, 5, 0);
        step_push(&mut s, 7, 1);
        step_push(&mut s, 9, 1);
        compact(&mut s);
        assert_eq!(s, vec![(7, 1)]);
    }

    #[test]
    fn sums_steps() {
        let a: Steps = vec![(1, 1), (3, 0)];
        let b: Steps = vec![(2, 2), (3, 1)];
        assert_eq!(
            sum_steps([&a, &b].into_iter()),
            vec![(1, 1), (2, 3), (3, 1)]
        );
    }

    #[test]
    fn units_and_ticks() {
        assert_eq!(unit_for(1).name, "ms");
        assert_eq!(unit_for(90_000_000).name, "s");
        assert_eq!(unit_for(3_600_000_000).name, "min");
        assert_eq!(unit_for(86_400_000_000).name, "h");
        assert_eq!(unit_for(7 * 86_400_000_000).name, "d");
        let u = unit_for(3_600_000_000);
        assert_eq!(tick_label(20.0, u), "20 min");
        assert_eq!(tick_label(2.5, u), "2.5 min");
    }
}
