//! Everything the picture shows, decided before anything is drawn: which part of the run the
//! chart shows, which lane each flush call and dial-up line gets in the event strip, which
//! labels fit, what the legend lists and what the subtitle says.
//!
//! Deciding all of it first keeps the drawing code a plain walk over a [`Model`], and lets the
//! layout reason in pixels (so labels never overlap) without drawing anything twice.

use plotters::style::RGBColor;

use super::axis::human;
use super::geometry::{clip, text_w, View, LANE_H, LEGEND_W, STRIP_TOP, WIDTH};
use super::palette::{C_ERR, C_OK, C_PENDING, C_WARN};
use super::series::{lines, Chart, SeriesKind};
use crate::model::UiAnswer;
use crate::report::analysis::{
    flush_spans, line_logs, span_end, transport_name, FlushSpan, Levels, LineLog,
};
use crate::scenario::RunResult;
use crate::sim::time::MILLISECOND;
use crate::sim::Micros;
use crate::trace::EventKind;

/// Flush lanes in the event strip; more calls than fit share them.
const MAX_FLUSH_LANES: usize = 3;
/// Dial-up lanes in the event strip; beyond this the rest share an "others" lane.
const MAX_DIAL_LANES: usize = 5;
/// A quiet stretch longer than this share of the run makes the chart show the busy part.
const QUIET_SHARE: f64 = 0.5;

/// The busy part of a run, when a quiet stretch takes more than [`QUIET_SHARE`] of it and
/// almost all activity lies on one side of it: that side, with a little margin.
fn focus(run: &RunResult, lv: &Levels, span: Micros) -> Option<(Micros, Micros)> {
    let mut times: Vec<Micros> = Vec::new();
    for s in lv.outbound.iter().chain(&lv.inbound).chain([&lv.inbox]) {
        times.extend(s.iter().map(|&(t, _)| t));
    }
    times.extend(run.trace.events().iter().filter_map(|e| match e.kind {
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
        let pad = (a / 20).max(MILLISECOND);
        Some((0, a.saturating_add(pad).min(span)))
    } else {
        let pad = ((span - b) / 20).max(MILLISECOND);
        Some((b.saturating_sub(pad), span))
    }
}

/// Flush colour by what the call returned.
pub(super) fn flush_color(f: &FlushSpan) -> u32 {
    match f.ret {
        None => C_PENDING,
        Some((_, r)) if r.is_error() => C_ERR,
        Some((_, r)) if r.is_warning() => C_WARN,
        Some(_) => C_OK,
    }
}

/// Where a flush's drawing ends: its return or completion, whichever is later, or the end.
pub(super) fn flush_end(f: &FlushSpan, span: Micros) -> Micros {
    match (f.ret, f.done) {
        (Some((r, _)), Some((d, _))) => r.max(d),
        _ => span,
    }
}

/// A flush call in the event strip.
pub(super) struct FlushItem {
    /// The call.
    pub span: FlushSpan,
    /// Its lane, from the top.
    pub lane: usize,
    /// Whether its label fits after it.
    pub show_label: bool,
}

/// A lane of the event strip for one dial-up line, or for several summed.
pub(super) struct DialLane {
    /// The transport's name, or "N others".
    pub label: String,
    /// What the lines in it did.
    pub logs: Vec<LineLog>,
}

/// Which entries the legend lists: only what the picture shows.
#[derive(Debug, Default)]
pub(super) struct Legend {
    /// Flush calls that returned `S_OK`, a warning, an error, or nothing yet.
    pub results: [bool; 4],
    /// A dial prompt.
    pub any_prompt: bool,
    /// A cancelled dial prompt.
    pub any_cancel: bool,
    /// A line that connected.
    pub any_connect: bool,
    /// Asynchronous flush work that went on after its call returned.
    pub any_async: bool,
}

impl Legend {
    /// The legend of the flushes and dial lanes in view.
    fn of(flushes: &[FlushItem], dial_lanes: &[DialLane]) -> Legend {
        let mut results = [false; 4];
        for f in flushes {
            let k = match flush_color(&f.span) {
                C_OK => 0,
                C_WARN => 1,
                C_ERR => 2,
                _ => 3,
            };
            results[k] = true;
        }
        let any_async = flushes.iter().any(|f| match (f.span.ret, f.span.done) {
            (Some((r, _)), Some((d, _))) => d > r,
            (Some(_), None) => true,
            _ => false,
        });
        let drawn = || dial_lanes.iter().flat_map(|d| d.logs.iter());
        Legend {
            results,
            any_prompt: drawn().any(|l| !l.prompts.is_empty()),
            any_cancel: drawn().any(|l| {
                l.prompts
                    .iter()
                    .any(|p| matches!(p.1, Some((_, UiAnswer::Cancel))))
            }),
            any_connect: drawn().any(|l| !l.ups.is_empty()),
            any_async,
        }
    }
}

/// Everything to draw, computed before drawing.
pub(super) struct Model {
    /// The scenario and seed.
    pub title: String,
    /// What the run amounted to, in one line.
    pub subtitle: String,
    /// When the run (and so the whole-run panel) ends.
    pub span: Micros,
    /// The main chart.
    pub main: Chart,
    /// The whole-run panel, when the main chart shows only the busy part.
    pub overview: Option<Chart>,
    /// A note across an empty chart, saying why it is empty.
    pub note: Option<String>,
    /// Flush calls in view, with their lanes.
    pub flushes: Vec<FlushItem>,
    /// Every flush call's time, for the overview.
    pub flush_calls: Vec<Micros>,
    /// How many lanes the flush calls take.
    pub flush_lanes: usize,
    /// The dial-up lanes, under the flush lanes.
    pub dial_lanes: Vec<DialLane>,
    /// Inbound colours, whose lines get dashes.
    pub dashed: Vec<RGBColor>,
    /// What the legend lists.
    pub legend: Legend,
}

impl Model {
    /// Lays out the picture of `run`.
    pub(super) fn build(run: &RunResult) -> Model {
        let span = span_end(run).max(1);
        let lv = Levels::of(run);
        let lines = lines(run, &lv);
        let focus = focus(run, &lv, span);
        let view = match focus {
            Some((lo, hi)) => View::new(lo, hi),
            None => View::new(0, span),
        };
        let dashed = lines
            .iter()
            .filter(|l| l.kind == SeriesKind::Inbound)
            .map(|l| l.color)
            .collect();
        let all_flushes = flush_spans(run);
        let flush_calls: Vec<Micros> = all_flushes.iter().map(|f| f.call).collect();
        let (flushes, flush_lanes) = place_flushes(all_flushes, view, span);
        let dial_lanes = dial_lanes(run, view, span);
        Model {
            title: format!("{} — seed {}", clip(&run.scenario, 60), run.seed),
            subtitle: subtitle(run, flush_calls.len(), focus),
            span,
            main: Chart::of(&lines, view),
            overview: focus.map(|_| Chart::of(&lines, View::new(0, span))),
            note: note(run.transport_names.len(), lv.full),
            legend: Legend::of(&flushes, &dial_lanes),
            flushes,
            flush_calls,
            flush_lanes,
            dial_lanes,
            dashed,
        }
    }

    /// Lanes in the event strip.
    pub(super) fn lanes(&self) -> usize {
        self.flush_lanes + self.dial_lanes.len()
    }

    /// The top of the main chart, under the event strip.
    pub(super) fn plot_top(&self) -> i32 {
        let lanes = self.lanes() as i32;
        STRIP_TOP + lanes * LANE_H + if lanes > 0 { 10 } else { 0 }
    }
}

/// Why the chart has no lines, if it has none.
fn note(transports: usize, full: bool) -> Option<String> {
    if transports == 0 {
        Some("no transports in this run".to_string())
    } else if !full {
        Some(
            "counting-only run: per-message events were not recorded, so no queue depths"
                .to_string(),
        )
    } else {
        None
    }
}

/// The run in one line: its length, its transports, the mail it moved, its flush calls and
/// prompts, and which part of it the chart shows.
fn subtitle(run: &RunResult, flush_calls: usize, focus: Option<(Micros, Micros)>) -> String {
    let c = run.trace.counts().iter().fold([0u64; 4], |mut a, c| {
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
        plural(run.transport_names.len() as u64, "transport"),
        c[0] + run.trace.unroutable(),
        c[1],
        c[2],
        plural(flush_calls as u64, "flush call"),
        plural(c[3], "dial prompt"),
    );
    if let Some((lo, hi)) = focus {
        subtitle.push_str(&format!(
            " · chart shows {}–{}, the whole run is below",
            if lo == 0 { "0".to_string() } else { human(lo) },
            human(hi)
        ));
    }
    subtitle
}

/// A flush call with its lane, before labels are decided.
struct Placed {
    span: FlushSpan,
    lane: usize,
    /// The left edge of its markers.
    x0: i32,
    /// The right edge of its label.
    x_label: i32,
}

/// Puts the flush calls in view into lanes; returns them and how many lanes they take.
///
/// Each call goes to the first lane where it and its label fit after what is there; else to a
/// new lane; else where at least its markers fit; else to the lane that frees up first. Then a
/// label is shown only where it fits before the next call in its lane, so labels never overlap
/// anything.
fn place_flushes(all: Vec<FlushSpan>, view: View, span: Micros) -> (Vec<FlushItem>, usize) {
    // Per lane: (end of the markers, end of the label) of its last call.
    let mut lane_end: Vec<(i32, i32)> = Vec::new();
    let mut placed: Vec<Placed> = Vec::new();
    for f in all {
        let end_t = flush_end(&f, span);
        if !view.shows(f.call, end_t) {
            continue;
        }
        let x0 = view.px(f.call.max(view.lo)) - 6;
        let x_end = view.px(end_t.min(view.hi)) + 6;
        let x_label = x_end + 2 + text_w(&f.label(), 13.0);
        let lane = pick_lane(&mut lane_end, x0);
        let e = &mut lane_end[lane];
        *e = (e.0.max(x_end), e.1.max(x_label));
        placed.push(Placed {
            span: f,
            lane,
            x0,
            x_label,
        });
    }
    let label_limit = WIDTH as i32 - LEGEND_W + 8;
    let flushes = placed
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let next = placed[i + 1..]
                .iter()
                .find(|q| q.lane == p.lane)
                .map_or(i32::MAX, |q| q.x0);
            FlushItem {
                span: p.span.clone(),
                lane: p.lane,
                show_label: p.x_label < next && p.x_label <= label_limit,
            }
        })
        .collect();
    (flushes, lane_end.len())
}

/// The lane for a call whose markers start at pixel `x0`, given each lane's (end of markers,
/// end of label); opens a new lane if that is the best place.
fn pick_lane(lane_end: &mut Vec<(i32, i32)>, x0: i32) -> usize {
    lane_end
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
        })
}

/// One dial lane per transport whose line did something in view; beyond [`MAX_DIAL_LANES`],
/// the rest share the last lane.
fn dial_lanes(run: &RunResult, view: View, span: Micros) -> Vec<DialLane> {
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
    let mut lanes: Vec<DialLane> = active[..own]
        .iter()
        .map(|&t| DialLane {
            label: clip(&transport_name(run, t), 12),
            logs: vec![logs[t].clone()],
        })
        .collect();
    if active.len() > own {
        lanes.push(DialLane {
            label: format!("{} others", active.len() - own),
            logs: active[own..].iter().map(|&t| logs[t].clone()).collect(),
        });
    }
    lanes
}
