//! The panels under the event strip: one per transport (its outbound queue and the mail waiting
//! at its remote end, on its own scale) and one for the inbox, all on the strip's time axis.
//!
//! One panel per transport, because a dial-up line that holds a dozen messages is invisible on
//! the scale of a LAN that receives hundreds. Within a panel, the outbound queue is drawn from
//! its pixel columns ([`super::columns`]): a light area up to the deepest the queue got in each
//! column, a solid line at its mean there, and under the panel a strip of shades, darker the
//! larger the share of the column's time the queue held anything. A queue that flickers
//! between 0 and 1 thus reads as a faint band with a low mean and a pale strip (and the header
//! gives its busy share in numbers), where a queue that fills and drains slowly is drawn as its
//! exact steps. Faults are marked where they struck: a shaded span for a crashed or offline
//! transport, a red line for a dropped dial-up line.

use super::chart::{count_ticks, nice_top, step_area, step_path, y_axis, Frame, Scale};
use super::columns::{busy_and_peak, columns, Col};
use super::layout::{clip, View, MIN_W};
use super::marks::bolt;
use super::palette::{series_color, C_ERR, C_MUTED, INBOX, OTHERS};
use super::svg::{Fill, Font, Stroke, Svg};
use crate::model::FaultKind;
use crate::report::analysis::{fault_logs, peak, sum_steps, transport_name, Levels, Steps};
use crate::scenario::RunResult;
use crate::sim::Micros;

/// Transports with a panel of their own; beyond this the rest share one "others" panel.
const MAX_PANELS: usize = 6;
/// Shades of the busy strip (plus none).
const SHADES: f64 = 8.0;
/// The height of a panel's busy strip, under its axis.
pub(super) const BUSY_H: f64 = 5.0;

/// A fault as drawn on its transport's panel.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum FaultMark {
    /// A crashed or offline spell: from, to (at least [`MIN_W`] apart), and what it was.
    Down(f64, f64, &'static str),
    /// The line dropped here.
    Drop(f64),
}

/// One transport's panel (or several transports summed).
pub(super) struct Panel {
    /// The transport's name, or "N others".
    pub name: String,
    /// Its colours (main, light).
    pub colors: (&'static str, &'static str),
    /// Its outbound queue, per column.
    pub out: Vec<Col>,
    /// The mail waiting at its remote end, per column, if any ever arrived.
    pub inb: Option<Vec<Col>>,
    /// The top of its y axis.
    pub top: f64,
    /// What the header says after the name.
    pub stats: String,
    /// Its faults in view.
    pub faults: Vec<FaultMark>,
}

/// The inbox panel.
pub(super) struct InboxPanel {
    /// Messages in the inbox, per column.
    pub cols: Vec<Col>,
    /// The bottom and top of its y axis.
    pub range: (f64, f64),
    /// What the header says.
    pub stats: String,
}

/// All the panels, over the view's columns.
pub(super) struct Panels {
    /// The pixels of the column boundaries.
    pub xs: Vec<f64>,
    /// The transport panels.
    pub transports: Vec<Panel>,
    /// The inbox panel.
    pub inbox: Option<InboxPanel>,
    /// Why there are no panels, if there are none.
    pub note: Option<String>,
}

/// A share as a percentage a reader takes in at once: `<0.1%`, `2.4%`, `37%`.
fn percent(share: f64) -> String {
    let p = share * 100.0;
    match p {
        0.0 => "0%".into(),
        p if p < 0.1 => "<0.1%".into(),
        p if p < 10.0 => format!("{p:.1}%"),
        p => format!("{p:.0}%"),
    }
}

impl Panels {
    /// The panels of `run` over `view` (`end`: where fault spells still running end).
    pub(super) fn build(run: &RunResult, lv: &Levels, view: View, end: Micros) -> Panels {
        let bounds = view.bounds();
        let xs = view.xs(&bounds);
        let note = if run.transport_names.is_empty() {
            Some("no transports in this run".to_string())
        } else if !lv.full {
            Some(
                "counting-only run: per-message events were not recorded, so no queue depths"
                    .to_string(),
            )
        } else {
            None
        };
        if note.is_some() {
            return Panels {
                xs,
                transports: Vec::new(),
                inbox: None,
                note,
            };
        }
        let faults = fault_logs(run, end);
        let mut transports = Vec::new();
        let (own, rest) = split_transports(run, lv);
        for (k, &t) in own.iter().enumerate() {
            let inb = lv.any_arrival[t].then_some(&lv.inbound[t]);
            let marks = fault_marks(&[&faults[t]], view);
            let name = clip(&transport_name(run, t), 24);
            transports.push(panel(
                name,
                series_color(k),
                (&lv.outbound[t], inb),
                &bounds,
                marks,
            ));
        }
        if !rest.is_empty() {
            let out = sum_steps(rest.iter().map(|&t| &lv.outbound[t]));
            let inb = rest
                .iter()
                .any(|&t| lv.any_arrival[t])
                .then(|| sum_steps(rest.iter().map(|&t| &lv.inbound[t])));
            let logs: Vec<_> = rest.iter().map(|&t| &faults[t]).collect();
            let name = format!("{} others", rest.len());
            let marks = fault_marks(&logs, view);
            transports.push(panel(name, OTHERS, (&out, inb.as_ref()), &bounds, marks));
        }
        Panels {
            inbox: Some(inbox_panel(&lv.inbox, &bounds)),
            xs,
            transports,
            note: None,
        }
    }
}

/// The transports with a panel of their own (the busiest, in file order) and the rest.
fn split_transports(run: &RunResult, lv: &Levels) -> (Vec<usize>, Vec<usize>) {
    let n = run.transport_names.len();
    if n <= MAX_PANELS {
        return ((0..n).collect(), Vec::new());
    }
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by_key(|&t| {
        let c = run.trace.counts().get(t).copied().unwrap_or_default();
        let act = peak(&lv.outbound[t]) + peak(&lv.inbound[t]);
        (
            std::cmp::Reverse(act),
            std::cmp::Reverse(c.submitted + c.arrived),
            t,
        )
    });
    let mut own: Vec<usize> = order.into_iter().take(MAX_PANELS - 1).collect();
    own.sort_unstable();
    let rest = (0..n).filter(|t| !own.contains(t)).collect();
    (own, rest)
}

/// A transport's panel from its outbound and (if any) remote-end levels.
fn panel(
    name: String,
    colors: (&'static str, &'static str),
    (out, inb): (&Steps, Option<&Steps>),
    bounds: &[Micros],
    faults: Vec<FaultMark>,
) -> Panel {
    let (lo, hi) = (bounds[0], bounds[bounds.len() - 1]);
    let (busy, peak_out) = busy_and_peak(out, lo, hi);
    let mut stats = format!(
        "queued out: peak {peak_out}, busy {} of the time",
        percent(busy)
    );
    let mut top = peak_out;
    if let Some(inb) = inb {
        let (_, peak_in) = busy_and_peak(inb, lo, hi);
        stats.push_str(&format!(" · waiting at the remote end: peak {peak_in}"));
        top = top.max(peak_in);
    }
    Panel {
        name,
        colors,
        out: columns(out, bounds),
        inb: inb.map(|s| columns(s, bounds)),
        top: nice_top(top as f64, 3),
        stats,
        faults,
    }
}

/// The inbox panel: its axis runs from what it held when the view starts to what it held at
/// the end, so a window late in a long run still shows its receptions as steps.
fn inbox_panel(inbox: &Steps, bounds: &[Micros]) -> InboxPanel {
    let cols = columns(inbox, bounds);
    let first = cols.first().map_or(0, |c| c.min.max(0));
    let last = cols.last().map_or(0, |c| c.max.max(0));
    let got = last - first;
    let lo = if first == 0 {
        0.0
    } else {
        let step = super::chart::nice_step((got.max(1)) as f64, 3);
        (first as f64 / step).floor() * step
    };
    let hi = lo + nice_top((last as f64 - lo).max(1.0), 3);
    let stats = if first == 0 {
        format!("{got} received")
    } else {
        format!("{got} received in view ({last} in all by its end)")
    };
    InboxPanel {
        cols,
        range: (lo, hi),
        stats,
    }
}

/// The faults of `logs` that show in view, in pixels.
fn fault_marks(logs: &[&crate::report::analysis::FaultLog], view: View) -> Vec<FaultMark> {
    let mut marks = Vec::new();
    for l in logs {
        for &(kind, a, b) in &l.down {
            if view.shows(a, b) {
                let x = view.pxc(a);
                let what = if kind == FaultKind::Crash {
                    "crashed"
                } else {
                    "offline"
                };
                marks.push(FaultMark::Down(x, view.pxc(b).max(x + MIN_W), what));
            }
        }
        marks.extend(
            l.drops
                .iter()
                .filter(|&&t| view.inside(t))
                .map(|&t| FaultMark::Drop(view.px(t))),
        );
    }
    // Thousands of faults in view: one mark per pixel is all that can show.
    marks.sort_by(|a, b| x_of(a).total_cmp(&x_of(b)));
    marks.dedup_by(|b, a| x_of(a).round() == x_of(b).round() && same_kind(a, b));
    marks
}

fn x_of(m: &FaultMark) -> f64 {
    match m {
        FaultMark::Down(x, ..) | FaultMark::Drop(x) => *x,
    }
}

fn same_kind(a: &FaultMark, b: &FaultMark) -> bool {
    matches!(
        (a, b),
        (FaultMark::Down(..), FaultMark::Down(..)) | (FaultMark::Drop(_), FaultMark::Drop(_))
    )
}

/// Draws a transport's panel: header at `top`, the chart in `frame` under it.
pub(super) fn draw_panel(svg: &mut Svg, p: &Panel, xs: &[f64], frame: &Frame) {
    svg.group("panel transport");
    header(svg, frame, &p.name, p.colors.0, &p.stats);
    let scale = Scale::y(frame, 0.0, p.top);
    y_axis(svg, frame, &scale, &count_ticks(0.0, p.top, 3));
    draw_faults(svg, &p.faults, frame);
    let (main, light) = p.colors;
    let y = |v: f64| scale.px(v);
    let maxes: Vec<f64> = p.out.iter().map(|c| y(c.max.max(0) as f64)).collect();
    let means: Vec<f64> = p.out.iter().map(|c| y(c.mean.max(0.0))).collect();
    svg.fill_path(
        &step_area(xs, &maxes, frame.bottom),
        Fill::faded(main, 0.22),
    );
    if let Some(inb) = &p.inb {
        let ys: Vec<f64> = inb.iter().map(|c| y(c.max.max(0) as f64)).collect();
        svg.stroke_path(&step_path(xs, &ys), Stroke::new(light, 1.5).dashed("5 3"));
    }
    svg.stroke_path(&step_path(xs, &means), Stroke::new(main, 1.8));
    busy_strip(svg, &p.out, xs, frame.bottom + 2.0, main);
    svg.end();
}

/// The panel's name in its colour, and what it shows, above it.
fn header(svg: &mut Svg, frame: &Frame, name: &str, color: &'static str, stats: &str) {
    let y = frame.top - 11.0;
    let font = Font::new(12.0, color).bold();
    svg.text((frame.x0, y), name, font);
    // Bold text is about a tenth wider than the estimate for plain text.
    let x = frame.x0 + super::svg::text_width(name, 12.0) * 1.12 + 10.0;
    svg.text((x, y), stats, Font::new(11.0, C_MUTED));
}

/// Under the axis, per column, a shade as dark as the share of time the queue held anything.
fn busy_strip(svg: &mut Svg, cols: &[Col], xs: &[f64], y: f64, color: &'static str) {
    let shade = |c: &Col| (c.busy * SHADES).ceil() / SHADES;
    let mut c = 0;
    while c < cols.len() {
        let s = shade(&cols[c]);
        let mut d = c + 1;
        while d < cols.len() && shade(&cols[d]) == s {
            d += 1;
        }
        if s > 0.0 {
            svg.rect(
                (xs[c], y),
                (xs[d] - xs[c], BUSY_H),
                Fill::faded(color, 0.1 + 0.9 * s),
            );
        }
        c = d;
    }
}

/// Crashed and offline spells as shaded spans, dropped lines as red lines with a mark on top.
fn draw_faults(svg: &mut Svg, faults: &[FaultMark], frame: &Frame) {
    let mut label_end = f64::NEG_INFINITY;
    for f in faults {
        match *f {
            FaultMark::Down(a, b, what) => {
                svg.rect(
                    (a, frame.top),
                    (b - a, frame.height()),
                    Fill::faded(C_ERR, 0.16),
                );
                let x = a + 3.0;
                if x > label_end {
                    svg.text((x, frame.top + 8.0), what, Font::new(10.0, C_ERR));
                    label_end = super::layout::text_end(x, what, 10.0) + 4.0;
                }
            }
            FaultMark::Drop(x) => {
                let st = Stroke::new(C_ERR, 1.5).faded(0.8);
                svg.line((x, frame.top), (x, frame.bottom), st);
                bolt(svg, x, frame.top + 1.0, C_ERR);
            }
        }
    }
}

/// Draws the inbox panel in `frame`.
pub(super) fn draw_inbox(svg: &mut Svg, p: &InboxPanel, xs: &[f64], frame: &Frame) {
    svg.group("panel inbox");
    header(svg, frame, "inbox", INBOX, &p.stats);
    let scale = Scale::y(frame, p.range.0, p.range.1);
    y_axis(svg, frame, &scale, &count_ticks(p.range.0, p.range.1, 3));
    let ys: Vec<f64> = p.cols.iter().map(|c| scale.px(c.max as f64)).collect();
    svg.fill_path(&step_area(xs, &ys, frame.bottom), Fill::faded(INBOX, 0.08));
    svg.stroke_path(&step_path(xs, &ys), Stroke::new(INBOX, 1.6));
    svg.end();
}

/// The note across an empty panel area.
pub(super) fn draw_note(svg: &mut Svg, frame: &Frame, note: &str) {
    svg.frame(
        (frame.x0, frame.top),
        (frame.width(), frame.height()),
        Stroke::new("#dddddd", 1.0),
    );
    super::chart::note(svg, frame, note);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentages() {
        assert_eq!(percent(0.0), "0%");
        assert_eq!(percent(0.0004), "<0.1%");
        assert_eq!(percent(0.024), "2.4%");
        assert_eq!(percent(0.37), "37%");
    }
}
