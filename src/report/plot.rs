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
//! - a **legend** beside the chart, so that it never covers data;
//! - when a quiet stretch takes more than half of the run (mail left to expire days later, a
//!   horizon far past the last event), the chart and the strip show only the busy part, and a
//!   small **whole-run panel** underneath shows everything with that part shaded: otherwise the
//!   interesting minutes would be a few pixels at the left edge of a five-day axis.
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

/// Every flush call, in call order (assembled once, by the metrics).
pub(crate) fn flush_spans(run: &RunResult) -> Vec<FlushSpan> {
    crate::scenario::metrics::flushes(run)
        .into_iter()
        .map(|f| FlushSpan {
            id: f.id,
            call: f.called_at,
            origin: f.origin,
            object: f.object,
            target: f.target,
            flags: f.flags,
            ret: f.returned,
            done: f.completed,
        })
        .collect()
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
/// The whole-run panel under a chart that shows only the busy part of a run.
const OVERVIEW_H: i32 = 118;
const OVERVIEW_X_LABEL_H: i32 = 26;
/// Transports drawn one by one; the rest are summed into one "others" series.
const MAX_SHOWN: usize = 8;
const MAX_FLUSH_LANES: usize = 3;
const MAX_DIAL_LANES: usize = 5;
/// Beyond this many flush calls in view the chart gets no shading or guides behind its lines.
const MAX_SHADED_FLUSHES: usize = 30;
/// A quiet stretch longer than this share of the run makes the chart show the busy part.
const QUIET_SHARE: f64 = 0.5;
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
const C_FLUSH_SHADE: u32 = 0x5b7fa6;
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

const MS: u64 = 1_000;
const SEC: u64 = 1_000_000;
const MIN: u64 = 60 * SEC;
const HOUR: u64 = 60 * MIN;
const DAY: u64 = 24 * HOUR;

/// A duration in at most two human units: `250 ms`, `1 min 13 s`, `5 d 0 h`.
fn human(us: Micros) -> String {
    let two = |a: u64, ua: &str, b: u64, ub: &str| {
        if b == 0 {
            format!("{a} {ua}")
        } else {
            format!("{a} {ua} {b} {ub}")
        }
    };
    let frac = |t: u64, per: u64, u: &str| {
        let s = format!("{:.3}", t as f64 / per as f64);
        format!("{} {u}", s.trim_end_matches('0').trim_end_matches('.'))
    };
    match us {
        t if t >= DAY => two(t / DAY, "d", t % DAY / HOUR, "h"),
        t if t >= HOUR => two(t / HOUR, "h", t % HOUR / MIN, "min"),
        t if t >= MIN => two(t / MIN, "min", t % MIN / SEC, "s"),
        t if t >= SEC => frac(t, SEC, "s"),
        t if t >= MS => frac(t, MS, "ms"),
        t => format!("{t} µs"),
    }
}

/// The time unit of an axis.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Unit {
    name: &'static str,
    us: f64,
}

fn unit_for(len: Micros) -> Unit {
    let (name, us) = match len {
        s if s <= 2 * MS => ("µs", 1.0),
        s if s <= 2 * SEC => ("ms", 1e3),
        s if s <= 300 * SEC => ("s", 1e6),
        s if s <= 3 * HOUR => ("min", 60e6),
        s if s <= 72 * HOUR => ("h", 3600e6),
        _ => ("d", 86_400e6),
    };
    Unit { name, us }
}

/// How an axis labels its ticks: a number of units from 0, or (for a window that starts late
/// in the run) a clock time `[Nd ]h:mm[:ss[.mmm]]`.
#[derive(Debug, Clone, Copy)]
struct Axis {
    unit: Unit,
    clock: bool,
}

fn tick_label(v: f64, a: Axis) -> String {
    if a.clock {
        return clock(((v * a.unit.us).round().max(0.0)) as Micros, a.unit);
    }
    let r = (v * 100.0).round() / 100.0;
    let num = if (r - r.round()).abs() < 1e-9 {
        format!("{}", r.round() as i64)
    } else {
        let s = format!("{r:.2}");
        s.trim_end_matches('0').to_string()
    };
    format!("{num} {}", a.unit.name)
}

fn clock(t: Micros, u: Unit) -> String {
    let (d, h, m, s, ms) = (
        t / DAY,
        t % DAY / HOUR,
        t % HOUR / MIN,
        t % MIN / SEC,
        t % SEC / MS,
    );
    let body = match u.name {
        "µs" => format!("{h}:{m:02}:{s:02}.{:06}", t % SEC),
        "ms" => format!("{h}:{m:02}:{s:02}.{ms:03}"),
        "s" => format!("{h}:{m:02}:{s:02}"),
        "min" => format!("{h}:{m:02}"),
        "h" => format!("{h} h"),
        _ => return format!("{d} d"),
    };
    if d > 0 {
        format!("{d}d {body}")
    } else {
        body
    }
}

/// The stretch of virtual time a chart shows.
#[derive(Debug, Clone, Copy)]
struct View {
    lo: Micros,
    hi: Micros,
    axis: Axis,
}

impl View {
    fn new(lo: Micros, hi: Micros) -> View {
        let lo = lo.min(Micros::MAX - 1);
        let hi = hi.max(lo + 1);
        View {
            lo,
            hi,
            axis: Axis {
                unit: unit_for(hi - lo),
                clock: lo > 0,
            },
        }
    }

    fn x(&self, t: Micros) -> f64 {
        t as f64 / self.axis.unit.us
    }

    /// The pixel column of `t`, as plotters will map it (to within a pixel).
    fn px(&self, t: Micros) -> i32 {
        let f = (t as f64 - self.lo as f64) / (self.hi - self.lo) as f64;
        PLOT_X0 + (f * f64::from(PLOT_X1 - PLOT_X0)).round() as i32
    }

    fn shows(&self, a: Micros, b: Micros) -> bool {
        a <= self.hi && b >= self.lo
    }
}

/// The busy part of a run, when a quiet stretch takes more than [`QUIET_SHARE`] of it and
/// almost all activity lies on one side of it: that side, with a little margin.
fn focus(run: &RunResult, lv: &Levels, span: Micros) -> Option<(Micros, Micros)> {
    let mut times: Vec<Micros> = Vec::new();
    for s in lv.outbound.iter().chain(&lv.inbound).chain([&lv.inbox]) {
        times.extend(s.iter().map(|&(t, _)| t));
    }
    times.extend(run.trace.events.iter().filter_map(|e| match e.kind {
        EventKind::FlushCall { .. }
        | EventKind::FlushReturn { .. }
        | EventKind::FlushComplete { .. }
        | EventKind::PhaseBegin { .. }
        | EventKind::PartEnd { .. }
        | EventKind::Prompt { .. }
        | EventKind::Answer { .. }
        | EventKind::Dial { .. }
        | EventKind::Connected { .. }
        | EventKind::HangUp { .. }
        | EventKind::Ndr { .. }
        | EventKind::AttemptFailed { .. } => Some(e.key.t),
        _ => None,
    }));
    if times.is_empty() {
        return None;
    }
    times.sort_unstable();
    times.dedup();
    let mut bounds = Vec::with_capacity(times.len() + 2);
    bounds.push(0);
    bounds.extend(times.iter().copied().filter(|&t| t <= span));
    bounds.push(span);
    let (a, b) = bounds
        .windows(2)
        .map(|w| (w[0], w[1]))
        .max_by_key(|&(a, b)| (b - a, std::cmp::Reverse(a)))?;
    if ((b - a) as f64) < QUIET_SHARE * span as f64 {
        return None;
    }
    let before = times.partition_point(|&t| t <= a);
    let after = times.len() - times.partition_point(|&t| t < b);
    // Zoom only when nearly everything happens on one side of the gap (work, then mail left to
    // expire days later); activity on both sides (a crash and its recovery) is shown whole.
    if before.min(after) * 10 > before.max(after) {
        return None;
    }
    if before >= after {
        let pad = (a / 20).max(MS);
        Some((0, a.saturating_add(pad).min(span)))
    } else {
        let pad = ((span - b) / 20).max(MS);
        Some((b.saturating_sub(pad), span))
    }
}

/// One series on a chart.
struct Series {
    label: String,
    color: RGBColor,
    /// Points in (unit time, value), drawn as steps.
    points: Vec<(f64, u64)>,
    kind: SeriesKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum SeriesKind {
    Inbound,
    Outbound,
    Inbox,
}

/// Reduces a step function to one value per pixel column of `view` (its maximum there) and
/// returns the points of the step line in (unit time, value).
fn column_steps(s: &Steps, view: &View, cols: usize) -> Vec<(f64, u64)> {
    let cols = cols.max(1);
    let (lo, hi) = (view.lo, view.hi);
    let len = u128::from(hi.saturating_sub(lo)).max(1);
    let col_of = |t: Micros| ((u128::from(t - lo) * cols as u128 / len) as usize).min(cols - 1);
    let start = s.partition_point(|&(t, _)| t < lo);
    let mut cur = if start > 0 { s[start - 1].1 } else { 0 };
    // Each column gets the largest value that held for some time in it: the value carried in
    // from its start (unless it changed exactly there) and every value set within it.
    let mut max = vec![i64::MIN; cols];
    let mut next = 0usize;
    for &(t, v) in s[start..].iter().take_while(|&&(t, _)| t <= hi) {
        let c = col_of(t);
        if c >= next {
            for m in &mut max[next..c] {
                *m = (*m).max(cur);
            }
            if u128::from(t - lo) * cols as u128 > c as u128 * len {
                max[c] = max[c].max(cur);
            }
        }
        max[c] = max[c].max(v);
        cur = v;
        next = c + 1;
    }
    for m in max.iter_mut().skip(next) {
        *m = (*m).max(cur);
    }
    let x = |c: usize| {
        let t = lo as f64 + c as f64 * (hi - lo) as f64 / cols as f64;
        t / view.axis.unit.us
    };
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
    peak.saturating_add((peak / 8).max(1))
}

/// A step function to draw, before it is reduced to a view.
struct Line {
    label: String,
    color: RGBColor,
    steps: Steps,
    kind: SeriesKind,
}

/// The lines of a run: per shown transport its outbound depth and (if mail ever arrived at its
/// remote end) the inbound one, the others summed, and the inbox.
fn lines(run: &RunResult, lv: &Levels) -> Vec<Line> {
    let n = run.transport_names.len();
    if !lv.full {
        return Vec::new();
    }
    let shown: Vec<usize> = if n <= MAX_SHOWN {
        (0..n).collect()
    } else {
        let mut order: Vec<usize> = (0..n).collect();
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
    let mut v = Vec::new();
    let mut add = |label: String, out: Steps, inb: Option<Steps>, colors: (u32, u32)| {
        v.push(Line {
            label: format!("{label} queued out"),
            color: rgb(colors.0),
            steps: out,
            kind: SeriesKind::Outbound,
        });
        if let Some(inb) = inb {
            v.push(Line {
                label: format!("{label} remote in"),
                color: rgb(colors.1),
                steps: inb,
                kind: SeriesKind::Inbound,
            });
        }
    };
    for (k, &t) in shown.iter().enumerate() {
        let inb = lv.any_arrival[t].then(|| lv.inbound[t].clone());
        let name = clip(&transport_name(run, t), 16);
        add(name, lv.outbound[t].clone(), inb, PALETTE[k]);
    }
    if !rest.is_empty() {
        let out = sum_steps(rest.iter().map(|&t| &lv.outbound[t]));
        let inb = rest
            .iter()
            .any(|&t| lv.any_arrival[t])
            .then(|| sum_steps(rest.iter().map(|&t| &lv.inbound[t])));
        add(format!("{} others", rest.len()), out, inb, OTHERS);
    }
    v.push(Line {
        label: "inbox (right axis)".into(),
        color: rgb(INBOX),
        steps: lv.inbox.clone(),
        kind: SeriesKind::Inbox,
    });
    v
}

/// A chart of some lines over one view.
struct Chart {
    view: View,
    series: Vec<Series>,
    y_max: u64,
    y2_max: u64,
}

impl Chart {
    fn of(lines: &[Line], view: View) -> Chart {
        let cols = (PLOT_X1 - PLOT_X0).max(1) as usize;
        let series: Vec<Series> = lines
            .iter()
            .map(|l| Series {
                label: l.label.clone(),
                color: l.color,
                points: column_steps(&l.steps, &view, cols),
                kind: l.kind,
            })
            .collect();
        let top = |inbox: bool| {
            series
                .iter()
                .filter(|s| (s.kind == SeriesKind::Inbox) == inbox)
                .flat_map(|s| s.points.iter().map(|p| p.1))
                .max()
                .unwrap_or(0)
        };
        Chart {
            view,
            y_max: headroom(top(false)),
            y2_max: headroom(top(true)),
            series,
        }
    }
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

/// Where a flush's drawing ends: its return or completion, whichever is later, or the end.
fn flush_end(f: &FlushSpan, span: Micros) -> Micros {
    match (f.ret, f.done) {
        (Some((r, _)), Some((d, _))) => r.max(d),
        _ => span,
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
    main: Chart,
    overview: Option<Chart>,
    note: Option<String>,
    /// Flush calls in view, with their lanes.
    flushes: Vec<FlushItem>,
    /// Every flush call's time, for the overview.
    flush_calls: Vec<Micros>,
    flush_lanes: usize,
    dial_lanes: Vec<DialLane>,
    /// Inbound colours, whose lines get dashes.
    dashed: Vec<RGBColor>,
    legend_results: [bool; 4],
    any_prompt: bool,
    any_cancel: bool,
    any_connect: bool,
    any_async: bool,
}

impl Model {
    fn build(run: &RunResult) -> Model {
        let span = span_end(run).max(1);
        let lv = Levels::of(run);
        let n = run.transport_names.len();
        let lines = lines(run, &lv);
        let focus = focus(run, &lv, span);
        let view = match focus {
            Some((lo, hi)) => View::new(lo, hi),
            None => View::new(0, span),
        };
        let main = Chart::of(&lines, view);
        let overview = focus.map(|_| Chart::of(&lines, View::new(0, span)));
        let dashed = lines
            .iter()
            .filter(|l| l.kind == SeriesKind::Inbound)
            .map(|l| l.color)
            .collect();

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

        // Flush lanes. Each call goes to the first lane where it and its label fit after what
        // is there; else to a new lane; else where at least its markers fit; else to the lane
        // that frees up first. Then a label is shown only where it fits before the next call
        // in its lane, so labels never overlap anything.
        let all_flushes = flush_spans(run);
        let flush_calls: Vec<Micros> = all_flushes.iter().map(|f| f.call).collect();
        // Per lane: (end of the markers, end of the label) of its last call.
        let mut lane_end: Vec<(i32, i32)> = Vec::new();
        let mut placed: Vec<(FlushSpan, usize, i32, i32)> = Vec::new();
        for f in all_flushes {
            let end_t = flush_end(&f, span);
            if !view.shows(f.call, end_t) {
                continue;
            }
            let x0 = view.px(f.call.max(view.lo)) - 6;
            let x_end = view.px(end_t.min(view.hi)) + 6;
            let x_label = x_end + 2 + text_w(&f.label(), 13.0);
            let lane = lane_end
                .iter()
                .position(|e| e.1 < x0)
                .or_else(|| {
                    (lane_end.len() < MAX_FLUSH_LANES).then(|| {
                        lane_end.push((i32::MIN, i32::MIN));
                        lane_end.len() - 1
                    })
                })
                .or_else(|| lane_end.iter().position(|e| e.0 < x0))
                .unwrap_or_else(|| {
                    (0..lane_end.len())
                        .min_by_key(|&l| lane_end[l].0)
                        .unwrap_or(0)
                });
            let e = &mut lane_end[lane];
            *e = (e.0.max(x_end), e.1.max(x_label));
            placed.push((f, lane, x0, x_label));
        }
        let label_limit = WIDTH as i32 - LEGEND_W + 8;
        let flushes: Vec<FlushItem> = placed
            .iter()
            .enumerate()
            .map(|(i, (f, lane, _, x_label))| {
                let next = placed[i + 1..]
                    .iter()
                    .find(|p| p.1 == *lane)
                    .map_or(i32::MAX, |p| p.2);
                FlushItem {
                    span: f.clone(),
                    lane: *lane,
                    show_label: *x_label < next && *x_label <= label_limit,
                }
            })
            .collect();
        let flush_lanes = lane_end.len();

        // Dial lanes: one per transport whose line did something in view.
        let logs = line_logs(run);
        let in_view = |l: &LineLog| {
            l.prompts
                .iter()
                .any(|p| view.shows(p.0, p.1.map_or(span, |a| a.0)))
                || l.dials
                    .iter()
                    .chain(&l.ups)
                    .any(|d| view.shows(d.0, d.1.unwrap_or(span)))
        };
        let active: Vec<usize> = (0..logs.len()).filter(|&t| in_view(&logs[t])).collect();
        let own = if active.len() > MAX_DIAL_LANES {
            MAX_DIAL_LANES - 1
        } else {
            active.len()
        };
        let mut dial_lanes: Vec<DialLane> = active[..own]
            .iter()
            .map(|&t| DialLane {
                label: clip(&transport_name(run, t), 12),
                logs: vec![logs[t].clone()],
            })
            .collect();
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
        let any_async = flushes.iter().any(|f| match (f.span.ret, f.span.done) {
            (Some((r, _)), Some((d, _))) => d > r,
            (Some(_), None) => true,
            _ => false,
        });
        let drawn = || dial_lanes.iter().flat_map(|d| d.logs.iter());
        let any_prompt = drawn().any(|l| !l.prompts.is_empty());
        let any_cancel = drawn().any(|l| {
            l.prompts
                .iter()
                .any(|p| matches!(p.1, Some((_, UiAnswer::Cancel))))
        });
        let any_connect = drawn().any(|l| !l.ups.is_empty());

        let c = run.trace.counts.iter().fold([0u64; 4], |mut a, c| {
            a[0] += c.submitted;
            a[1] += c.delivered;
            a[2] += c.received;
            a[3] += c.prompts;
            a
        });
        let plural = |k: u64, word: &str| format!("{k} {word}{}", if k == 1 { "" } else { "s" });
        let mut subtitle = format!(
            "{} of virtual time · {} · {} submitted · {} delivered · {} received · {} · {}",
            human(run.end_time),
            plural(n as u64, "transport"),
            c[0] + run.trace.unroutable,
            c[1],
            c[2],
            plural(flush_calls.len() as u64, "flush call"),
            plural(c[3], "dial prompt"),
        );
        if let Some((lo, hi)) = focus {
            subtitle.push_str(&format!(
                " · chart shows {}–{}, the whole run is below",
                if lo == 0 { "0".to_string() } else { human(lo) },
                human(hi)
            ));
        }

        Model {
            title: format!("{} — seed {}", clip(&run.scenario, 60), run.seed),
            subtitle,
            span,
            main,
            overview,
            note,
            flushes,
            flush_calls,
            flush_lanes,
            dial_lanes,
            dashed,
            legend_results,
            any_prompt,
            any_cancel,
            any_connect,
            any_async,
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

/// Draws one chart's axes and lines in the given margins; returns the plotting area's pixel
/// ranges and the pixel column of a time (unclamped).
#[allow(clippy::type_complexity)]
fn draw_chart(
    root: &Area,
    c: &Chart,
    (top, bottom): (i32, i32),
    x_label_h: i32,
    small: bool,
    under: &dyn Fn(&dyn Fn(Micros) -> i32, (i32, i32)) -> Result<(), PlotError>,
) -> Result<
    (
        std::ops::Range<i32>,
        std::ops::Range<i32>,
        Box<dyn Fn(Micros) -> i32>,
    ),
    PlotError,
> {
    let axis = c.view.axis;
    let fmt_x = move |v: &f64| tick_label(*v, axis);
    let (x0, x1) = (c.view.x(c.view.lo), c.view.x(c.view.hi));
    let mut chart = ChartBuilder::on(root)
        .margin_top(top)
        .margin_left(MARGIN)
        .margin_right(LEGEND_W)
        .margin_bottom(bottom)
        .x_label_area_size(x_label_h)
        .y_label_area_size(Y_LABEL_W)
        .right_y_label_area_size(Y2_LABEL_W)
        .build_cartesian_2d(x0..x1, 0u64..c.y_max)
        .map_err(draw_err)?
        .set_secondary_coord(x0..x1, 0u64..c.y2_max);
    let label = font(if small { 12.0 } else { 13.0 }, C_TEXT);
    let mut mesh = chart.configure_mesh();
    mesh.x_labels(if small { 12 } else { 10 })
        .y_labels(if small { 3 } else { 8 })
        .x_label_formatter(&fmt_x)
        .label_style(label.clone())
        .axis_desc_style(font(14.0, C_TEXT))
        .bold_line_style(rgb(0xe4e4e4))
        .light_line_style(rgb(0xf4f4f4))
        .axis_style(rgb(0x888888));
    if small {
        mesh.disable_y_mesh().x_max_light_lines(0);
    } else {
        mesh.x_desc("virtual time").y_desc("messages waiting");
    }
    mesh.draw().map_err(draw_err)?;
    let mut axes = chart.configure_secondary_axes();
    axes.y_labels(if small { 3 } else { 8 })
        .label_style(label)
        .axis_desc_style(font(14.0, C_TEXT))
        .axis_style(rgb(0x888888));
    if !small {
        axes.y_desc("inbox (messages received)");
    }
    axes.draw().map_err(draw_err)?;

    let (xr, yr) = chart.plotting_area().get_pixel_range();
    let spec = chart.as_coord_spec().clone();
    let unit = axis.unit;
    let to_x = move |t: Micros| spec.translate(&(t as f64 / unit.us, 0)).0;
    under(&to_x, (yr.start, yr.end))?;

    // Inbound first (lighter, dashed), then outbound, then the inbox on top.
    let mut order: Vec<&Series> = c.series.iter().collect();
    order.sort_by_key(|s| s.kind);
    for s in order {
        let style = s.color.stroke_width(if small { 1 } else { 2 });
        let line = LineSeries::new(s.points.iter().copied(), style);
        if s.kind == SeriesKind::Inbox {
            chart.draw_secondary_series(line).map_err(draw_err)?;
        } else {
            chart.draw_series(line).map_err(draw_err)?;
        }
    }
    Ok((xr, yr, Box::new(to_x)))
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

    let bottom = if m.overview.is_some() {
        OVERVIEW_H + 8
    } else {
        MARGIN
    };
    let view = m.main.view;
    let shade = |to_x: &dyn Fn(Micros) -> i32, (y0, y1): (i32, i32)| -> Result<(), PlotError> {
        // Flush calls shade the chart from call to return, under the lines.
        if m.flushes.len() > MAX_SHADED_FLUSHES {
            return Ok(());
        }
        let clamp = |x: i32| x.clamp(to_x(view.lo), to_x(view.hi));
        for f in &m.flushes {
            let s = &f.span;
            let x0 = clamp(to_x(s.call));
            if let Some((r, _)) = s.ret {
                let x1 = clamp(to_x(r));
                if x1 > x0 {
                    root.draw(&Rectangle::new(
                        [(x0, y0), (x1, y1)],
                        rgb(C_FLUSH_SHADE).mix(0.08).filled(),
                    ))
                    .map_err(draw_err)?;
                }
            }
            if view.shows(s.call, s.call) {
                root.draw(&PathElement::new(
                    vec![(x0, y0), (x0, y1)],
                    rgb(C_FLUSH_SHADE).mix(0.35).stroke_width(1),
                ))
                .map_err(draw_err)?;
            }
        }
        Ok(())
    };
    let (xr, yr, to_x) = draw_chart(
        root,
        &m.main,
        (m.plot_top(), bottom),
        X_LABEL_H,
        false,
        &shade,
    )?;
    if let Some(note) = &m.note {
        let mid = ((xr.start + xr.end) / 2, (yr.start + yr.end) / 2);
        text(root, note, mid, &font(16.0, C_MUTED), HPos::Center)?;
    }
    draw_strip(root, m, &*to_x, xr.clone())?;
    draw_legend(root, m, yr.start)?;

    if let Some(o) = &m.overview {
        let top = HEIGHT as i32 - OVERVIEW_H;
        let mark = |to_x: &dyn Fn(Micros) -> i32, (y0, y1): (i32, i32)| -> Result<(), PlotError> {
            let (a, b) = (to_x(view.lo), to_x(view.hi).max(to_x(view.lo) + 2));
            root.draw(&Rectangle::new(
                [(a, y0), (b, y1)],
                rgb(C_FLUSH_SHADE).mix(0.15).filled(),
            ))
            .map_err(draw_err)?;
            root.draw(&Rectangle::new(
                [(a, y0), (b, y1)],
                rgb(C_FLUSH_SHADE).mix(0.6).stroke_width(1),
            ))
            .map_err(draw_err)?;
            if m.flush_calls.len() <= 200 {
                for &t in &m.flush_calls {
                    let x = to_x(t);
                    root.draw(&Polygon::new(
                        vec![(x - 4, y0), (x + 4, y0), (x, y0 + 7)],
                        rgb(C_OK).filled(),
                    ))
                    .map_err(draw_err)?;
                }
            }
            Ok(())
        };
        let (_, oyr, _) = draw_chart(root, o, (top, MARGIN), OVERVIEW_X_LABEL_H, true, &mark)?;
        let mid = (oyr.start + oyr.end) / 2;
        let x = WIDTH as i32 - LEGEND_W + 14;
        let head = styled(13.0, C_TEXT, FontStyle::Bold);
        text(root, "whole run", (x, mid - 10), &head, HPos::Left)?;
        let st = font(13.0, C_MUTED);
        text(
            root,
            "shaded: the part above",
            (x, mid + 10),
            &st,
            HPos::Left,
        )?;
    }
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
    let view = m.main.view;
    let lane_cy = |l: i32| STRIP_TOP + l * LANE_H + LANE_H / 2;
    root.draw(&Rectangle::new(
        [(xr.start, STRIP_TOP), (xr.end, STRIP_TOP + lanes * LANE_H)],
        rgb(0xf7f7f7).filled(),
    ))
    .map_err(draw_err)?;
    let label_style = font(13.0, C_MUTED);
    if m.flush_lanes > 0 {
        text(
            root,
            "flushes",
            (xr.start - 8, lane_cy(0)),
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
    // Times outside the view are clamped to its edges; markers there are not drawn.
    let cl = |t: Micros| to_x(t.clamp(view.lo, view.hi));
    let inside = |t: Micros| t >= view.lo && t <= view.hi;
    let end = m.span;

    for f in &m.flushes {
        let s = &f.span;
        let cy = lane_cy(f.lane as i32);
        let c = rgb(flush_color(s));
        let ret = s.ret.map_or(end, |r| r.0);
        let (x0, x1) = (cl(s.call), cl(ret));
        if x1 > x0 {
            hline(root, x0, x1, cy, c, 3)?;
        }
        // Asynchronous work goes on after the return, up to its completion (or the end).
        if s.ret.is_some() {
            let td = flush_end(s, end);
            let xd = cl(td);
            if xd > x1 {
                hline(root, x1, xd, cy, c.mix(0.5), 1)?;
                if s.done.is_some() && inside(td) {
                    root.draw(&PathElement::new(
                        vec![(xd, cy - 4), (xd, cy + 4)],
                        c.stroke_width(1),
                    ))
                    .map_err(draw_err)?;
                }
            }
        }
        if inside(s.call) {
            tri_down(root, x0, cy, c)?;
        }
        if s.ret.is_some() && inside(ret) {
            tri_up(root, x1, cy, c)?;
        }
        let tail_t = flush_end(s, end);
        if f.show_label && inside(tail_t.min(view.hi)) {
            let tail = cl(tail_t).max(x1);
            text(
                root,
                &s.label(),
                (tail + 8, cy),
                &font(13.0, C_TEXT),
                HPos::Left,
            )?;
        }
    }

    for (k, d) in m.dial_lanes.iter().enumerate() {
        let cy = lane_cy((m.flush_lanes + k) as i32);
        for log in &d.logs {
            for &(a, b) in &log.ups {
                let b = b.unwrap_or(end);
                if view.shows(a, b) {
                    band(root, cl(a), cl(b), cy, 5, rgb(C_LINE_UP))?;
                }
            }
            for &(a, b) in &log.dials {
                let b = b.unwrap_or(end);
                if view.shows(a, b) {
                    hline(root, cl(a), cl(b), cy, rgb(C_DIALLING), 2)?;
                }
            }
            for &(p, ans) in &log.prompts {
                let a = ans.map_or(end, |(t, _)| t);
                if view.shows(p, a) {
                    hline(root, cl(p), cl(a), cy, rgb(C_PROMPT), 2)?;
                }
            }
            for &(p, ans) in &log.prompts {
                if inside(p) {
                    diamond(root, cl(p), cy, rgb(C_PROMPT))?;
                }
                if let Some((t, UiAnswer::Cancel)) = ans {
                    if inside(t) {
                        cross(root, cl(t), cy, rgb(C_ERR))?;
                    }
                }
            }
            for &(a, _) in &log.ups {
                if inside(a) {
                    dot(root, cl(a), cy, rgb(C_CONNECT))?;
                }
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
    if !m.main.series.is_empty() {
        text(root, "messages waiting", (x, y), &head, HPos::Left)?;
        y += row;
        for s in &m.main.series {
            if s.kind == SeriesKind::Inbox {
                y += 6;
            }
            hline(root, x, x + 26, y, s.color, 2)?;
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
            entries.push((if k == 3 { 4 } else { 0 }, c, names[k]));
        }
    }
    if m.any_async {
        entries.push((5, C_OK, "async work, to completion"));
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
            4 => {
                hline(root, x + 4, x + 26, y, c, 3)?;
                tri_down(root, x + 4, y, c)?;
            }
            1 => {
                hline(root, x + 4, x + 24, y, c, 2)?;
                diamond(root, x + 4, y, c)?;
            }
            2 => cross(root, x + 13, y, c)?,
            5 => {
                hline(root, x + 4, x + 26, y, c.mix(0.5), 1)?;
                root.draw(&PathElement::new(
                    vec![(x + 26, y - 4), (x + 26, y + 4)],
                    c.stroke_width(1),
                ))
                .map_err(draw_err)?;
            }
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
        let needle = format!("stroke=\"#{r:02X}{g:02X}{b:02X}\" stroke-width=");
        let with =
            format!("stroke=\"#{r:02X}{g:02X}{b:02X}\" stroke-dasharray=\"7 4\" stroke-width=");
        svg = svg.replace(&needle, &with);
    }
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_steps_keep_peaks_and_steps() {
        let mut v = View::new(0, 1000);
        v.axis.unit = Unit {
            name: "us",
            us: 1.0,
        };
        // A spike of 5 between 10 and 11 out of 1000 µs over 100 columns still shows.
        let s: Steps = vec![(10, 5), (11, 0), (500, 2)];
        let p = column_steps(&s, &v, 100);
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
    fn column_steps_of_a_window() {
        let mut v = View::new(100, 200);
        v.axis.unit = Unit {
            name: "us",
            us: 1.0,
        };
        let s: Steps = vec![(10, 3), (150, 1), (300, 9)];
        let p = column_steps(&s, &v, 10);
        assert_eq!(p, vec![(100.0, 3), (150.0, 3), (150.0, 1), (200.0, 1)]);
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
        assert_eq!(unit_for(1).name, "µs");
        assert_eq!(unit_for(300_000).name, "ms");
        assert_eq!(unit_for(90_000_000).name, "s");
        assert_eq!(unit_for(3_600_000_000).name, "min");
        assert_eq!(unit_for(86_400_000_000).name, "h");
        assert_eq!(unit_for(7 * 86_400_000_000).name, "d");
        let a = Axis {
            unit: unit_for(3_600_000_000),
            clock: false,
        };
        assert_eq!(tick_label(20.0, a), "20 min");
        assert_eq!(tick_label(2.5, a), "2.5 min");
        let c = Axis { clock: true, ..a };
        assert_eq!(tick_label(60.0 * 24.0 * 5.0 + 62.0, c), "5d 1:02");
        assert_eq!(human(5 * DAY + 73 * SEC), "5 d");
        assert_eq!(human(30 * MIN), "30 min");
        assert_eq!(human(73 * SEC + 500 * MS), "1 min 13 s");
        assert_eq!(human(1_500 * MS), "1.5 s");
        assert_eq!(human(0), "0 µs");
        assert_eq!(human(7), "7 µs");
    }
}
