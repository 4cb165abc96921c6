//! Drawing a laid-out [`Model`]: the page's rows from top to bottom (title, event strip,
//! transport panels, inbox, time axis, whole-run panel) and the legend beside them.
//!
//! Every decision was taken by the layout; this module decides only where each row goes and
//! walks the model in a fixed order, so the same model always gives the same bytes.

use super::axis::{time_ticks, Axis};
use super::chart::{legend, step_area, time_axis, Frame, LegendEntry, Scale, Swatch};
use super::columns::columns;
use super::layout::{Model, View, LANE_H, LEGEND_W, WIDTH, X0, X1};
use super::palette::{series_color, C_DIALLING, C_ERR, C_MUTED, C_PROMPT, C_SHADE, C_TEXT, INBOX};
use super::panels::{draw_inbox, draw_note, draw_panel, FaultMark, BUSY_H};
use super::strip::{self, FlushLanes, Mark, Outcome};
use super::svg::{Anchor, Fill, Font, Stroke, Svg};
use crate::report::analysis::sum_steps;

/// Space for a panel's header above it.
const HEADER_H: f64 = 20.0;
/// Space between panels.
const GAP: f64 = 12.0;
/// The inbox panel's height.
const INBOX_H: f64 = 56.0;
/// The whole-run panel's height.
const OVERVIEW_H: f64 = 40.0;
/// Beyond this many calls in view, the panels get no guides at the calls.
const MAX_GUIDES: usize = 30;
/// Beyond this many calls, the whole-run panel does not tick them.
const MAX_OVERVIEW_TICKS: usize = 400;

/// A transport panel's height, by how many there are.
fn panel_h(panels: usize) -> f64 {
    match panels {
        0..=2 => 110.0,
        3..=4 => 84.0,
        _ => 64.0,
    }
}

/// Where each row of the page goes.
struct Rows {
    /// The event strip's top.
    strip: f64,
    /// Each transport panel's frame.
    panels: Vec<Frame>,
    /// The inbox panel's frame, or the frame of the note that replaces the panels.
    inbox: Frame,
    /// The y of the time axis.
    axis: f64,
    /// The whole-run panel's frame, if drawn.
    overview: Option<Frame>,
    /// The page's height.
    height: f64,
}

impl Rows {
    fn of(m: &Model) -> Rows {
        let strip = 44.0 + 18.0 * m.subtitle.len() as f64;
        let mut y = strip + m.strip.lanes() as f64 * LANE_H + 8.0;
        let frame = |top: f64, h: f64| Frame {
            x0: X0,
            x1: X1,
            top,
            bottom: top + h,
        };
        let n = m.panels.transports.len();
        let mut panels = Vec::with_capacity(n);
        for _ in 0..n {
            let f = frame(y + HEADER_H, panel_h(n));
            y = f.bottom + BUSY_H + 2.0 + GAP;
            panels.push(f);
        }
        let inbox = if m.panels.note.is_some() {
            frame(y + 6.0, 120.0)
        } else {
            frame(y + HEADER_H, INBOX_H)
        };
        let axis = inbox.bottom;
        let mut height = axis + 44.0;
        let overview = m.partial.then(|| {
            let f = frame(axis + 44.0 + HEADER_H, OVERVIEW_H);
            height = f.bottom + 30.0;
            f
        });
        Rows {
            strip,
            panels,
            inbox,
            axis,
            overview,
            height: height.max(360.0),
        }
    }
}

/// Draws the picture.
pub(super) fn draw(m: &Model) -> String {
    let rows = Rows::of(m);
    let mut svg = Svg::new(WIDTH, rows.height);
    svg.text((X0, 22.0), &m.title, Font::new(20.0, C_TEXT).bold());
    for (k, line) in m.subtitle.iter().enumerate() {
        svg.text((X0, 44.0 + 18.0 * k as f64), line, Font::new(12.5, C_MUTED));
    }
    let top = rows.panels.first().map_or(rows.inbox.top, |f| f.top);
    let whole = Frame {
        x0: X0,
        x1: X1,
        top: top - HEADER_H,
        bottom: rows.axis,
    };
    let view = m.view;
    let mut spans: Vec<(f64, f64)> = rows
        .panels
        .iter()
        .map(|f| (f.top, f.bottom + BUSY_H + 2.0))
        .collect();
    spans.push((rows.inbox.top, rows.inbox.bottom));
    svg.group("time-axis");
    let scale = Scale::x(&whole, view.lo as f64, view.hi as f64);
    let ticks = time_ticks(view.lo, view.hi, 10);
    time_axis(&mut svg, &whole, &scale, (&ticks, view.axis), &spans);
    let at = ((X0 + X1) / 2.0, rows.axis + 32.0);
    let title = Font::new(12.0, C_TEXT).anchored(Anchor::Middle);
    svg.text(at, "virtual time", title);
    svg.end();
    guides(&mut svg, m, &spans);
    let strip_frame = Frame {
        top: rows.strip,
        bottom: rows.strip + m.strip.lanes() as f64 * LANE_H,
        ..whole
    };
    strip::draw(&mut svg, &m.strip, &strip_frame);
    let p = &m.panels;
    for (panel, frame) in p.transports.iter().zip(&rows.panels) {
        draw_panel(&mut svg, panel, &p.xs, frame);
    }
    match (&p.note, &p.inbox) {
        (Some(text), _) => draw_note(&mut svg, &rows.inbox, text),
        (None, Some(inbox)) => draw_inbox(&mut svg, inbox, &p.xs, &rows.inbox),
        (None, None) => {}
    }
    if let Some(f) = &rows.overview {
        overview(&mut svg, m, f);
    }
    draw_legend(&mut svg, m, rows.strip);
    svg.finish()
}

/// Light shading across the panels from each call to its return, and a guide at each call,
/// when there are few enough calls to tell apart.
fn guides(svg: &mut Svg, m: &Model, spans: &[(f64, f64)]) {
    let FlushLanes::Each { calls, .. } = &m.strip.flushes else {
        return;
    };
    if calls.len() > MAX_GUIDES {
        return;
    }
    svg.group("guides");
    for c in calls {
        let (a, b) = (c.call.0, c.ret.0);
        for &(top, bottom) in spans {
            svg.rect((a, top), (b - a, bottom - top), Fill::faded(C_SHADE, 0.07));
            if c.call.1 {
                let st = Stroke::new(C_SHADE, 1.0).faded(0.35);
                svg.line((a, top), (a, bottom), st);
            }
        }
    }
    svg.end();
}

/// The whole run under the time axis: every transport's outbound queue summed (the deepest per
/// pixel), a tick at each flush call, and the part the panels show shaded.
fn overview(svg: &mut Svg, m: &Model, f: &Frame) {
    svg.group("overview");
    let y = f.top - 9.0;
    svg.text((X0, y), "whole run", Font::new(12.0, C_TEXT).bold());
    let note_x = X0 + super::svg::text_width("whole run", 12.0) * 1.12 + 10.0;
    let text = "all outbound queues together; the stretch shown above is shaded";
    svg.text((note_x, y), text, Font::new(11.0, C_MUTED));
    let view = View::new(0, m.span, X0, X1);
    svg.frame(
        (f.x0, f.top),
        (f.width(), f.height()),
        Stroke::new("#dddddd", 1.0),
    );
    if m.levels.full {
        let all = sum_steps(m.levels.outbound.iter());
        let bounds = view.bounds();
        let cols = columns(&all, &bounds);
        let peak = cols.iter().map(|c| c.max).max().unwrap_or(0).max(1) as f64;
        let ys: Vec<f64> = cols
            .iter()
            .map(|c| f.bottom - c.max.max(0) as f64 / peak * (f.height() - 2.0))
            .collect();
        let area = step_area(&view.xs(&bounds), &ys, f.bottom);
        svg.fill_path(&area, Fill::faded(C_DIALLING, 0.45));
    }
    let (a, b) = (
        view.px(m.view.lo),
        view.px(m.view.hi).max(view.px(m.view.lo) + 2.0),
    );
    svg.rect((a, f.top), (b - a, f.height()), Fill::faded(C_SHADE, 0.18));
    svg.frame(
        (a, f.top),
        (b - a, f.height()),
        Stroke::new(C_SHADE, 1.0).faded(0.8),
    );
    if m.flushes.len() <= MAX_OVERVIEW_TICKS {
        let mut last = f64::NEG_INFINITY;
        for fl in &m.flushes {
            let x = view.px(fl.call);
            if x - last >= 1.0 {
                let color = Outcome::of(fl).color();
                svg.polygon(
                    &[(x - 3.5, f.top), (x + 3.5, f.top), (x, f.top + 6.0)],
                    Fill::solid(color),
                );
                last = x;
            }
        }
    }
    let scale = Scale::x(f, 0.0, m.span as f64);
    let ticks = time_ticks(0, m.span, 12);
    let axis = Axis {
        clock: false,
        ..view.axis
    };
    time_axis(svg, f, &scale, (&ticks, axis), &[]);
    svg.end();
}

/// What the panels' legend lists: only what the picture shows.
fn panel_entries(m: &Model) -> Vec<LegendEntry> {
    let p = &m.panels;
    if p.transports.is_empty() {
        return Vec::new();
    }
    let (c, light) = series_color(0);
    let mut v = vec![
        LegendEntry::new(Swatch::Area(c), "queued out: deepest per pixel"),
        LegendEntry::new(
            Swatch::Line(Stroke::new(c, 1.8)),
            "queued out: mean per pixel",
        ),
        LegendEntry::new(Swatch::Shades(c), "busy share (strip under axis)"),
    ];
    if p.transports.iter().any(|t| t.inb.is_some()) {
        let st = Stroke::new(light, 1.5).dashed("5 3");
        v.push(LegendEntry::new(
            Swatch::Line(st),
            "waiting at the remote end",
        ));
    }
    v.push(LegendEntry::new(
        Swatch::Line(Stroke::new(INBOX, 1.6)),
        "inbox: messages received",
    ));
    let faults = || p.transports.iter().flat_map(|t| t.faults.iter());
    if faults().any(|f| matches!(f, FaultMark::Down(..))) {
        v.push(LegendEntry::new(Swatch::Span(C_ERR), "crashed or offline"));
    }
    if faults().any(|f| matches!(f, FaultMark::Drop(_))) {
        v.push(LegendEntry::new(
            Swatch::Mark(C_ERR),
            "dial-up line dropped",
        ));
    }
    v
}

/// What the strip's legend lists: only what the picture shows.
fn strip_entries(m: &Model) -> Vec<LegendEntry> {
    let s = &m.strip;
    let mut v = Vec::new();
    if let FlushLanes::Dense { calls, .. } = &s.flushes {
        v.push(LegendEntry::new(
            Swatch::Block(Outcome::Ok.color()),
            format!("{calls} calls, per pixel"),
        ));
    }
    for &o in &s.outcomes {
        let (swatch, text) = match o {
            Outcome::Ok => (Swatch::Returned(o.color()), "flush returned S_OK"),
            Outcome::Warning => (Swatch::Returned(o.color()), "flush returned a warning"),
            Outcome::Error => (Swatch::Returned(o.color()), "flush returned an error"),
            Outcome::Pending => (Swatch::NotReturned(o.color()), "flush not returned"),
        };
        v.push(LegendEntry::new(swatch, text));
    }
    if s.any_async {
        v.push(LegendEntry::new(
            Swatch::Tail(Outcome::Ok.color()),
            "async work, to its end",
        ));
    }
    if s.any_band(C_PROMPT) {
        v.push(LegendEntry::new(
            Swatch::Prompt(C_PROMPT),
            "dial prompt, until answered",
        ));
    }
    if s.any_mark(Mark::Cancel) {
        v.push(LegendEntry::new(Swatch::Cancel, "prompt cancelled"));
    }
    if s.any_band(C_DIALLING) {
        let st = Stroke::new(C_DIALLING, 2.0);
        v.push(LegendEntry::new(Swatch::Line(st), "dialling"));
    }
    if s.any_band(super::palette::C_LINE_UP) {
        v.push(LegendEntry::new(Swatch::Connect, "connected, line up"));
    }
    v
}

/// The legend beside the picture, from the strip's top down.
fn draw_legend(svg: &mut Svg, m: &Model, top: f64) {
    let x = WIDTH - LEGEND_W + 14.0;
    let y = legend(svg, (x, top + 8.0), "event strip (top)", &strip_entries(m));
    legend(
        svg,
        (x, y + 6.0),
        "each transport's panel",
        &panel_entries(m),
    );
}
