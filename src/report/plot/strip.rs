//! The event strip at the top of the picture: the flush calls, and what each dial-up line did
//! (prompts, dialling, connects, line-up periods), laid out in pixels and drawn.
//!
//! Every call, prompt and connect is drawn at least [`MIN_W`] pixels wide, so a one-minute
//! flush in a nine-hour day is a mark and not a speck. A call is labelled by its name (or its
//! number) only where the label fits before whatever comes next in its lane, so labels never
//! pile up. When a view holds more calls or line events than [`MAX_MARKS`] (a year has
//! thousands), they are drawn per pixel column instead: each column takes the colour of the
//! worst result that touched it, and the line's periods are merged into runs, so the strip's
//! size depends on the picture's width and not on the run's length.

use super::chart::Frame;
use super::layout::{clip, text_end, View, LANE_H, MIN_W, X0, X1};
use super::marks::{cross, diamond, dot, tick, tri_down, tri_up};
use super::palette::{
    C_CONNECT, C_DIALLING, C_ERR, C_LINE_UP, C_MUTED, C_OK, C_PENDING, C_PROMPT, C_STRIP, C_TEXT,
    C_WARN,
};
use super::svg::{Anchor, Fill, Font, Stroke, Svg};
use crate::mapi::{FlushFlags, ValidateFlags};
use crate::model::UiAnswer;
use crate::report::analysis::{line_logs, transport_name, FlushSpan, LineLog};
use crate::scenario::RunResult;
use crate::sim::time::format_compact;
use crate::sim::Micros;

/// Flush lanes in the event strip; more calls than fit share them.
const MAX_FLUSH_LANES: usize = 3;
/// Dial-up lanes in the event strip; beyond this the rest share an "others" lane.
const MAX_DIAL_LANES: usize = 5;
/// Beyond this many calls (or marks on one line) in view, they are drawn per pixel column.
pub(super) const MAX_MARKS: usize = 240;
/// The size of labels in the strip.
const LABEL_SIZE: f64 = 12.0;

/// What a flush call returned, worst last (the order a pixel column keeps the worst of).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Outcome {
    /// `S_OK`.
    Ok,
    /// Not returned by the end of the run.
    Pending,
    /// A warning.
    Warning,
    /// An error.
    Error,
}

impl Outcome {
    /// What `f` returned.
    pub(super) fn of(f: &FlushSpan) -> Outcome {
        match f.ret {
            None => Outcome::Pending,
            Some((_, r)) if r.is_error() => Outcome::Error,
            Some((_, r)) if r.is_warning() => Outcome::Warning,
            Some(_) => Outcome::Ok,
        }
    }

    /// Its colour.
    pub(super) fn color(self) -> &'static str {
        match self {
            Outcome::Ok => C_OK,
            Outcome::Pending => C_PENDING,
            Outcome::Warning => C_WARN,
            Outcome::Error => C_ERR,
        }
    }
}

/// A flush call as drawn.
pub(super) struct CallMark {
    /// Its name or number.
    pub label: String,
    /// Its tooltip: everything about it.
    pub tip: String,
    /// What it returned.
    pub outcome: Outcome,
    /// Its lane, from the top.
    pub lane: usize,
    /// The call's pixel, and whether the call is in view (so ▼ is drawn).
    pub call: (f64, bool),
    /// The return's pixel (at least [`MIN_W`] after the call), and whether ▲ is drawn.
    pub ret: (f64, bool),
    /// Where its asynchronous work ended (or the view does), and whether that end is in view.
    pub done: Option<(f64, bool)>,
    /// Where its label goes, if it fits: its anchor point, and whether it ends there (written
    /// before the call, at the right edge) rather than starts there.
    pub label_at: Option<(f64, bool)>,
}

/// A run of pixel columns in one colour.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Run {
    /// Left pixel.
    pub x0: f64,
    /// Right pixel.
    pub x1: f64,
    /// Colour.
    pub color: &'static str,
}

/// The flush calls in view.
pub(super) enum FlushLanes {
    /// No call in view.
    None,
    /// Each call drawn, in `lanes` lanes.
    Each {
        /// The calls.
        calls: Vec<CallMark>,
        /// Lanes used.
        lanes: usize,
    },
    /// Too many calls: per pixel column, the worst result.
    Dense {
        /// The runs of columns.
        runs: Vec<Run>,
        /// How many calls.
        calls: usize,
    },
}

/// What one dial-up line (or several summed) did in view, in pixels.
#[derive(Debug, Default)]
pub(super) struct DialLane {
    /// The transport's name, or "N others".
    pub label: String,
    /// Merged periods: line up, dialling, prompts waiting.
    pub bands: Vec<(f64, f64, &'static str, f64)>,
    /// ◆ prompts, ✕ cancelled prompts, ● connects (empty when there are too many).
    pub marks: Vec<(Mark, f64)>,
    /// Labels: the call that made each prompt, where it fits.
    pub labels: Vec<(f64, String)>,
}

/// A mark on a dial lane.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Mark {
    /// ◆ a prompt shown.
    Prompt,
    /// ✕ a prompt cancelled.
    Cancel,
    /// ● the line connected.
    Connect,
}

/// The event strip.
pub(super) struct Strip {
    /// The flush lanes.
    pub flushes: FlushLanes,
    /// The dial-up lanes, under the flush lanes.
    pub dials: Vec<DialLane>,
    /// Whether any call shown went on working after it returned.
    pub any_async: bool,
    /// Which results the shown calls had.
    pub outcomes: Vec<Outcome>,
}

impl Strip {
    /// The strip of `run` over `view` (`end`: where open periods end).
    pub(super) fn build(run: &RunResult, flushes: &[FlushSpan], view: View, end: Micros) -> Strip {
        let shown: Vec<&FlushSpan> = flushes
            .iter()
            .filter(|f| view.shows(f.call, flush_end(f, end)))
            .collect();
        let mut outcomes: Vec<Outcome> = shown.iter().map(|f| Outcome::of(f)).collect();
        outcomes.sort();
        outcomes.dedup();
        let any_async = shown
            .iter()
            .any(|f| flush_end(f, end) > f.ret.map_or(end, |r| r.0));
        let flush_lanes = if shown.is_empty() {
            FlushLanes::None
        } else if shown.len() > MAX_MARKS {
            FlushLanes::Dense {
                runs: dense_calls(&shown, view, end),
                calls: shown.len(),
            }
        } else {
            let (calls, lanes) = place_calls(run, &shown, view, end);
            FlushLanes::Each { calls, lanes }
        };
        Strip {
            flushes: flush_lanes,
            dials: dial_lanes(run, flushes, view, end),
            any_async,
            outcomes,
        }
    }

    /// Flush lanes in the strip.
    pub(super) fn flush_lanes(&self) -> usize {
        match &self.flushes {
            FlushLanes::None => 0,
            FlushLanes::Each { lanes, .. } => *lanes,
            FlushLanes::Dense { .. } => 1,
        }
    }

    /// Lanes in the strip.
    pub(super) fn lanes(&self) -> usize {
        self.flush_lanes() + self.dials.len()
    }

    /// Whether marks of `kind` are drawn on any dial lane.
    pub(super) fn any_mark(&self, kind: Mark) -> bool {
        self.dials
            .iter()
            .any(|d| d.marks.iter().any(|&(m, _)| m == kind))
    }

    /// Whether any band of `color` is drawn on a dial lane.
    pub(super) fn any_band(&self, color: &str) -> bool {
        self.dials
            .iter()
            .any(|d| d.bands.iter().any(|b| b.2 == color))
    }
}

/// Where a flush's drawing ends: its return or completion, whichever is later, or the end.
pub(super) fn flush_end(f: &FlushSpan, end: Micros) -> Micros {
    match (f.ret, f.done) {
        (Some((r, _)), Some((d, _))) => r.max(d),
        _ => end,
    }
}

/// Everything about a call, for its tooltip.
fn tip(run: &RunResult, f: &FlushSpan) -> String {
    let flags = match f.validate {
        Some(bits) => format!("ValidateState {}", ValidateFlags::from_bits_retain(bits)),
        None => FlushFlags::from_bits_retain(f.flags).to_string(),
    };
    let mut s = format!(
        "{} · {} · {} · called at {}",
        f.label(),
        f.object.name(&run.transport_names),
        flags,
        format_compact(f.call)
    );
    match f.ret {
        Some((t, r)) => s.push_str(&format!(", returned {} at {}", r.name(), format_compact(t))),
        None => s.push_str(", not returned"),
    }
    if let Some((t, r)) = f.done {
        if Some(t) != f.ret.map(|r| r.0) {
            s.push_str(&format!(
                ", work ended {} at {}",
                r.name(),
                format_compact(t)
            ));
        }
    }
    s
}

/// The calls in their lanes: each to the first lane where it and its label fit after what is
/// there; else to a new lane; else where at least its marks fit; else to the lane that frees
/// up first. A label is then shown only where it fits before the next call in its lane.
fn place_calls(
    run: &RunResult,
    shown: &[&FlushSpan],
    view: View,
    end: Micros,
) -> (Vec<CallMark>, usize) {
    // Per lane: (end of the marks, end of the label) of its last call.
    let mut lane_end: Vec<(f64, f64)> = Vec::new();
    let mut calls: Vec<CallMark> = Vec::new();
    let mut spans: Vec<(f64, f64)> = Vec::new();
    for f in shown {
        let x_call = view.pxc(f.call);
        let ret_t = f.ret.map_or(end, |r| r.0);
        let x_ret = view.pxc(ret_t).max(x_call + MIN_W);
        let done_t = flush_end(f, end);
        let done = (f.ret.is_some() && done_t > ret_t).then(|| {
            (
                view.pxc(done_t).max(x_ret),
                f.done.is_some() && view.inside(done_t),
            )
        });
        let label = clip(&f.short_label(), 28);
        let x_end = done.map_or(x_ret, |d| d.0) + 5.0;
        let x0 = x_call - 5.0;
        let lane = pick_lane(&mut lane_end, x0);
        let x_label = text_end(x_end + 4.0, &label, LABEL_SIZE);
        let e = &mut lane_end[lane];
        *e = (e.0.max(x_end), e.1.max(x_label));
        spans.push((x0, x_label));
        calls.push(CallMark {
            label,
            tip: tip(run, f),
            outcome: Outcome::of(f),
            lane,
            call: (x_call, view.inside(f.call)),
            ret: (x_ret, f.ret.is_some() && view.inside(ret_t)),
            done,
            label_at: None,
        });
    }
    place_labels(&mut calls, &spans);
    (calls, lane_end.len())
}

/// Each call's label after it where it fits before the next call in its lane; else before it
/// where it fits after the previous one (a call at the right edge); else none.
fn place_labels(calls: &mut [CallMark], spans: &[(f64, f64)]) {
    let lanes = calls.iter().map(|c| c.lane + 1).max().unwrap_or(0);
    // Per lane, the right end of what is drawn so far.
    let mut right = vec![f64::NEG_INFINITY; lanes];
    for i in 0..calls.len() {
        let lane = calls[i].lane;
        let next = (i + 1..calls.len())
            .find(|&j| calls[j].lane == lane)
            .map_or(f64::INFINITY, |j| spans[j].0);
        let (x0, x_label) = spans[i];
        let marks_end = calls[i].done.map_or(calls[i].ret.0, |d| d.0) + 5.0;
        let width = x_label - (marks_end + 4.0);
        if x_label < next && x_label <= X1 + 12.0 {
            calls[i].label_at = Some((marks_end + 4.0, false));
            right[lane] = x_label;
        } else if x0 - 4.0 - width > right[lane].max(X0) + 4.0 {
            calls[i].label_at = Some((x0 - 4.0, true));
            right[lane] = marks_end;
        } else {
            right[lane] = right[lane].max(marks_end);
        }
    }
}

/// The lane for a call whose marks start at pixel `x0`, given each lane's (end of marks, end of
/// label); opens a new lane if that is the best place.
fn pick_lane(lane_end: &mut Vec<(f64, f64)>, x0: f64) -> usize {
    lane_end
        .iter()
        .position(|e| e.1 < x0)
        .or_else(|| {
            (lane_end.len() < MAX_FLUSH_LANES).then(|| {
                lane_end.push((f64::NEG_INFINITY, f64::NEG_INFINITY));
                lane_end.len() - 1
            })
        })
        .or_else(|| lane_end.iter().position(|e| e.0 < x0))
        .unwrap_or_else(|| {
            (0..lane_end.len())
                .min_by(|&a, &b| lane_end[a].0.total_cmp(&lane_end[b].0))
                .unwrap_or(0)
        })
}

/// Many calls: per pixel column, the worst result of the calls that touch it.
fn dense_calls(shown: &[&FlushSpan], view: View, end: Micros) -> Vec<Run> {
    let items = shown.iter().map(|f| {
        let x = view.pxc(f.call);
        let x_end = view.pxc(flush_end(f, end)).max(x + MIN_W);
        (x, x_end, Outcome::of(f))
    });
    columns_of(items, view)
        .into_iter()
        .map(|(x0, x1, o)| Run {
            x0,
            x1,
            color: o.color(),
        })
        .collect()
}

/// Paints items `(x0, x1, rank)` into the view's pixel columns, each column keeping the
/// highest rank, and returns the runs of equal columns.
fn columns_of<R: Copy + Ord>(
    items: impl Iterator<Item = (f64, f64, R)>,
    view: View,
) -> Vec<(f64, f64, R)> {
    let n = (view.x1 - view.x0).ceil().max(1.0) as usize;
    let mut cols: Vec<Option<R>> = vec![None; n];
    for (a, b, r) in items {
        let c0 = ((a - view.x0).floor().max(0.0) as usize).min(n - 1);
        let c1 = ((b - view.x0).ceil().max(0.0) as usize).clamp(c0 + 1, n);
        for c in &mut cols[c0..c1] {
            *c = (*c).max(Some(r));
        }
    }
    let mut runs: Vec<(f64, f64, R)> = Vec::new();
    for (c, v) in cols.iter().enumerate() {
        let Some(r) = *v else { continue };
        let x = view.x0 + c as f64;
        match runs.last_mut() {
            Some(last) if last.2 == r && (last.1 - x).abs() < 1e-9 => last.1 = x + 1.0,
            _ => runs.push((x, x + 1.0, r)),
        }
    }
    runs
}

/// One dial lane per transport whose line did something in view; beyond [`MAX_DIAL_LANES`],
/// the rest share the last lane.
fn dial_lanes(run: &RunResult, flushes: &[FlushSpan], view: View, end: Micros) -> Vec<DialLane> {
    let logs = line_logs(run);
    let in_view = |l: &LineLog| {
        l.prompts
            .iter()
            .any(|p| view.shows(p.at, p.answer.map_or(end, |a| a.0)))
            || l.dials
                .iter()
                .chain(&l.ups)
                .any(|d| view.shows(d.0, d.1.unwrap_or(end)))
    };
    let active: Vec<usize> = (0..logs.len()).filter(|&t| in_view(&logs[t])).collect();
    let own = if active.len() > MAX_DIAL_LANES {
        MAX_DIAL_LANES - 1
    } else {
        active.len()
    };
    let lane = |label: String, ts: &[usize]| {
        let logs: Vec<&LineLog> = ts.iter().map(|&t| &logs[t]).collect();
        dial_lane(label, &logs, flushes, view, end)
    };
    let mut lanes: Vec<DialLane> = active[..own]
        .iter()
        .map(|&t| lane(clip(&transport_name(run, t), 13), &[t]))
        .collect();
    if active.len() > own {
        lanes.push(lane(
            format!("{} others", active.len() - own),
            &active[own..],
        ));
    }
    lanes
}

/// Merges periods `(x0, x1)` that touch or overlap.
fn merge(mut v: Vec<(f64, f64)>) -> Vec<(f64, f64)> {
    v.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut out: Vec<(f64, f64)> = Vec::new();
    for (a, b) in v {
        match out.last_mut() {
            Some(last) if a <= last.1 + 0.5 => last.1 = last.1.max(b),
            _ => out.push((a, b)),
        }
    }
    out
}

/// The periods, marks and labels of the lines `logs` in view.
fn dial_lane(
    label: String,
    logs: &[&LineLog],
    flushes: &[FlushSpan],
    view: View,
    end: Micros,
) -> DialLane {
    let period = |a: Micros, b: Micros| {
        let x = view.pxc(a);
        (x, view.pxc(b).max(x + MIN_W))
    };
    let periods = |f: &dyn Fn(&LineLog) -> Vec<(Micros, Micros)>| {
        let all: Vec<(f64, f64)> = logs
            .iter()
            .flat_map(|l| f(l))
            .filter(|&(a, b)| view.shows(a, b))
            .map(|(a, b)| period(a, b))
            .collect();
        merge(all)
    };
    let mut bands = Vec::new();
    let ups = periods(&|l| l.ups.iter().map(|u| (u.0, u.1.unwrap_or(end))).collect());
    bands.extend(ups.iter().map(|&(a, b)| (a, b, C_LINE_UP, 10.0)));
    let dials = periods(&|l| l.dials.iter().map(|d| (d.0, d.1.unwrap_or(end))).collect());
    bands.extend(dials.iter().map(|&(a, b)| (a, b, C_DIALLING, 2.0)));
    let waits = periods(&|l| {
        l.prompts
            .iter()
            .map(|p| (p.at, p.answer.map_or(end, |a| a.0)))
            .collect()
    });
    bands.extend(waits.iter().map(|&(a, b)| (a, b, C_PROMPT, 2.0)));
    let mut marks = Vec::new();
    for l in logs {
        for p in &l.prompts {
            if view.inside(p.at) {
                marks.push((Mark::Prompt, view.px(p.at)));
            }
            if let Some((t, UiAnswer::Cancel)) = p.answer {
                if view.inside(t) {
                    marks.push((Mark::Cancel, view.px(t)));
                }
            }
        }
        marks.extend(
            l.ups
                .iter()
                .filter(|u| view.inside(u.0))
                .map(|u| (Mark::Connect, view.px(u.0))),
        );
    }
    if marks.len() > MAX_MARKS {
        marks.clear();
    }
    let labels = if marks.is_empty() {
        Vec::new()
    } else {
        prompt_labels(logs, flushes, view, end, &bands)
    };
    DialLane {
        label,
        bands,
        marks,
        labels,
    }
}

/// Each prompt in view labelled by the call that made it, after the line it brought up, where
/// the label overlaps no period and no other label.
fn prompt_labels(
    logs: &[&LineLog],
    flushes: &[FlushSpan],
    view: View,
    end: Micros,
    bands: &[(f64, f64, &'static str, f64)],
) -> Vec<(f64, String)> {
    let mut labels: Vec<(f64, String)> = Vec::new();
    let mut taken: Vec<(f64, f64)> = bands.iter().map(|b| (b.0 - 6.0, b.1 + 6.0)).collect();
    for l in logs {
        for (k, p) in l.prompts.iter().enumerate() {
            if !view.inside(p.at) {
                continue;
            }
            let next = l.prompts.get(k + 1).map_or(end, |q| q.at);
            let answered = p.answer.map_or(end, |a| a.0);
            // The episode ends when the line it brought up drops (or the next prompt shows).
            let up_end = l
                .ups
                .iter()
                .filter(|u| u.0 >= p.at && u.0 < next)
                .map(|u| u.1.unwrap_or(end))
                .max()
                .unwrap_or(answered);
            let text = p
                .flush
                .and_then(|id| flushes.iter().find(|f| f.id == id))
                .map_or_else(|| "prompt".to_string(), |f| clip(&f.short_label(), 24));
            let x = view.pxc(up_end.max(answered)).max(view.px(p.at) + MIN_W) + 8.0;
            let span = (x, text_end(x, &text, LABEL_SIZE - 1.0));
            let free = taken.iter().all(|&(a, b)| span.1 < a || span.0 > b);
            if free && span.1 <= X1 + 12.0 {
                taken.push((span.0 - 4.0, span.1 + 4.0));
                labels.push((x, text));
            }
        }
    }
    labels
}

/// The vertical centre of lane `l` of a strip whose top is `top`.
pub(super) fn lane_cy(top: f64, l: usize) -> f64 {
    top + l as f64 * LANE_H + LANE_H / 2.0
}

/// Draws the strip with its top at `top`, its lanes as wide as `frame`.
pub(super) fn draw(svg: &mut Svg, s: &Strip, frame: &Frame) {
    if s.lanes() == 0 {
        return;
    }
    let top = frame.top;
    svg.group("strip");
    let h = s.lanes() as f64 * LANE_H;
    svg.rect((frame.x0, top), (frame.width(), h), Fill::solid(C_STRIP));
    let head = Font::new(12.0, C_MUTED).anchored(Anchor::End);
    if s.flush_lanes() > 0 {
        svg.text((frame.x0 - 8.0, lane_cy(top, 0)), "flushes", head);
    }
    match &s.flushes {
        FlushLanes::None => {}
        FlushLanes::Each { calls, .. } => {
            for c in calls {
                draw_call(svg, c, top);
            }
        }
        FlushLanes::Dense { runs, .. } => {
            let cy = lane_cy(top, 0);
            for r in runs {
                svg.rect((r.x0, cy - 5.0), (r.x1 - r.x0, 10.0), Fill::solid(r.color));
            }
        }
    }
    for (k, d) in s.dials.iter().enumerate() {
        let l = s.flush_lanes() + k;
        let cy = lane_cy(top, l);
        svg.text((frame.x0 - 8.0, cy), &d.label, head);
        if l > 0 {
            let y = top + l as f64 * LANE_H;
            svg.line((frame.x0, y), (frame.x1, y), Stroke::new("#e0e0e0", 1.0));
        }
        draw_dial(svg, d, cy);
    }
    svg.end();
}

/// A flush call: a bar from call to return, a thin tail to the end of asynchronous work, ▼ at
/// the call, ▲ at the return, and its label if it fits.
fn draw_call(svg: &mut Svg, c: &CallMark, top: f64) {
    let cy = lane_cy(top, c.lane);
    let color = c.outcome.color();
    svg.group_titled("call", &c.tip);
    svg.line((c.call.0, cy), (c.ret.0, cy), Stroke::new(color, 5.0));
    if let Some((xd, inside)) = c.done {
        svg.line((c.ret.0, cy), (xd, cy), Stroke::new(color, 1.5).faded(0.6));
        if inside {
            tick(svg, xd, cy, 4.0, Stroke::new(color, 1.0));
        }
    }
    if c.call.1 {
        tri_down(svg, c.call.0, cy, color);
    }
    if c.ret.1 {
        tri_up(svg, c.ret.0, cy, color);
    }
    if let Some((x, before)) = c.label_at {
        let font = Font::new(LABEL_SIZE, C_TEXT);
        let font = if before {
            font.anchored(Anchor::End)
        } else {
            font
        };
        svg.text((x, cy), &c.label, font);
    }
    svg.end();
}

/// What a line did: periods, then the marks on top, then the labels.
fn draw_dial(svg: &mut Svg, d: &DialLane, cy: f64) {
    for &(a, b, color, h) in &d.bands {
        svg.rect((a, cy - h / 2.0), (b - a, h), Fill::solid(color));
    }
    for &(m, x) in &d.marks {
        match m {
            Mark::Prompt => diamond(svg, x, cy, C_PROMPT),
            Mark::Cancel => cross(svg, x, cy, C_ERR),
            Mark::Connect => dot(svg, x, cy, 4.0, C_CONNECT),
        }
    }
    for (x, text) in &d.labels {
        svg.text((*x, cy), text, Font::new(LABEL_SIZE - 1.0, C_MUTED));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::plot::layout::{X0, X1};

    #[test]
    fn columns_keep_the_worst_and_merge_runs() {
        let view = View::new(0, 1000, X0, X1);
        let items = vec![
            (X0 + 10.0, X0 + 14.0, Outcome::Ok),
            (X0 + 12.0, X0 + 13.0, Outcome::Error),
            (X0 + 100.0, X0 + 104.0, Outcome::Ok),
        ];
        let runs = columns_of(items.into_iter(), view);
        assert_eq!(
            runs,
            vec![
                (X0 + 10.0, X0 + 12.0, Outcome::Ok),
                (X0 + 12.0, X0 + 13.0, Outcome::Error),
                (X0 + 13.0, X0 + 14.0, Outcome::Ok),
                (X0 + 100.0, X0 + 104.0, Outcome::Ok),
            ]
        );
    }

    #[test]
    fn touching_periods_merge() {
        assert_eq!(
            merge(vec![(5.0, 6.0), (0.0, 2.0), (2.2, 3.0)]),
            vec![(0.0, 3.0), (5.0, 6.0)]
        );
    }
}
