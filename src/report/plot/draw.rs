//! Drawing a laid-out [`Model`] with plotters: the title, the chart with its axes and lines, the
//! event strip above it, the legend beside it and the whole-run panel under it.
//!
//! Every decision was taken by the layout; this module only turns it into SVG elements, in a
//! fixed order, so the same model always gives the same bytes.

use std::ops::Range;

use plotters::prelude::*;
use plotters::style::text_anchor::HPos;

use super::axis::tick_label;
use super::error::{draw_err, PlotError};
use super::geometry::{
    View, HEIGHT, LANE_H, LEGEND_W, MARGIN, OVERVIEW_H, OVERVIEW_X_LABEL_H, PLOT_X0, STRIP_TOP,
    WIDTH, X_LABEL_H, Y2_LABEL_W, Y_LABEL_W,
};
use super::layout::{flush_color, flush_end, FlushItem, Model};
use super::palette::{
    rgb, C_CONNECT, C_DIALLING, C_ERR, C_FLUSH_SHADE, C_LINE_UP, C_MUTED, C_OK, C_PENDING,
    C_PROMPT, C_TEXT, C_WARN,
};
use super::series::{Chart, Series, SeriesKind};
use super::shapes::{band, cross, diamond, dot, font, hline, styled, text, tri_down, tri_up, Area};
use crate::model::UiAnswer;
use crate::report::analysis::LineLog;
use crate::sim::Micros;

/// Beyond this many flush calls in view the chart gets no shading or guides behind its lines.
const MAX_SHADED_FLUSHES: usize = 30;
/// Beyond this many flush calls the whole-run panel does not mark them.
const MAX_MARKED_FLUSHES: usize = 200;

/// The pixel column of a virtual time on a drawn chart (not clamped to the chart).
type ToX = dyn Fn(Micros) -> i32;

/// What is drawn under a chart's lines, given where times fall and the plotting area's top and
/// bottom pixel.
type Under<'a> = dyn Fn(&ToX, (i32, i32)) -> Result<(), PlotError> + 'a;

/// Where a chart goes and how much detail it gets.
#[derive(Debug, Clone, Copy)]
struct Frame {
    /// Space above the chart.
    top: i32,
    /// Space below the chart's axis labels.
    bottom: i32,
    /// Height of the time axis labels.
    x_label_h: i32,
    /// The whole-run panel: fewer labels, thinner lines, no axis titles.
    small: bool,
}

/// A chart as drawn: its plotting area's pixel ranges and where a time falls on it.
struct Drawn {
    xr: Range<i32>,
    yr: Range<i32>,
    to_x: Box<ToX>,
}

/// Draws the picture.
pub(super) fn draw(root: &Area, m: &Model) -> Result<(), PlotError> {
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
    let frame = Frame {
        top: m.plot_top(),
        bottom,
        x_label_h: X_LABEL_H,
        small: false,
    };
    let shade = |to_x: &ToX, ys: (i32, i32)| shade_flushes(root, m, to_x, ys);
    let main = draw_chart(root, &m.main, frame, &shade)?;
    if let Some(note) = &m.note {
        let (xr, yr) = (&main.xr, &main.yr);
        let mid = ((xr.start + xr.end) / 2, (yr.start + yr.end) / 2);
        text(root, note, mid, &font(16.0, C_MUTED), HPos::Center)?;
    }
    draw_strip(root, m, &*main.to_x, main.xr.clone())?;
    draw_legend(root, m, main.yr.start)?;
    if let Some(o) = &m.overview {
        draw_overview(root, m, o)?;
    }
    Ok(())
}

/// Flush calls shade the chart from call to return, under the lines, with a guide at each
/// call.
fn shade_flushes(
    root: &Area,
    m: &Model,
    to_x: &ToX,
    (y0, y1): (i32, i32),
) -> Result<(), PlotError> {
    if m.flushes.len() > MAX_SHADED_FLUSHES {
        return Ok(());
    }
    let view = m.main.view;
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
}

/// The whole-run panel under the chart, with the part the chart shows shaded.
fn draw_overview(root: &Area, m: &Model, o: &Chart) -> Result<(), PlotError> {
    let frame = Frame {
        top: HEIGHT as i32 - OVERVIEW_H,
        bottom: MARGIN,
        x_label_h: OVERVIEW_X_LABEL_H,
        small: true,
    };
    let mark = |to_x: &ToX, ys: (i32, i32)| mark_busy_part(root, m, to_x, ys);
    let drawn = draw_chart(root, o, frame, &mark)?;
    let mid = (drawn.yr.start + drawn.yr.end) / 2;
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
    )
}

/// On the whole-run panel: the main chart's part shaded and framed, and ▼ at each flush call.
fn mark_busy_part(
    root: &Area,
    m: &Model,
    to_x: &ToX,
    (y0, y1): (i32, i32),
) -> Result<(), PlotError> {
    let view = m.main.view;
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
    if m.flush_calls.len() <= MAX_MARKED_FLUSHES {
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
}

/// Draws one chart's axes, what goes `under` its lines, and its lines, in `frame`.
fn draw_chart(root: &Area, c: &Chart, frame: Frame, under: &Under) -> Result<Drawn, PlotError> {
    let small = frame.small;
    let axis = c.view.axis;
    let fmt_x = move |v: &f64| tick_label(*v, axis);
    let (x0, x1) = (c.view.x(c.view.lo), c.view.x(c.view.hi));
    let mut chart = ChartBuilder::on(root)
        .margin_top(frame.top)
        .margin_left(MARGIN)
        .margin_right(LEGEND_W)
        .margin_bottom(frame.bottom)
        .x_label_area_size(frame.x_label_h)
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
    Ok(Drawn {
        xr,
        yr,
        to_x: Box::new(to_x),
    })
}

/// The vertical centre of lane `l` of the event strip.
fn lane_cy(l: i32) -> i32 {
    STRIP_TOP + l * LANE_H + LANE_H / 2
}

/// The event strip above the chart: the flush lanes, then the dial-up lanes.
fn draw_strip(root: &Area, m: &Model, to_x: &ToX, xr: Range<i32>) -> Result<(), PlotError> {
    if m.lanes() == 0 {
        return Ok(());
    }
    draw_lane_heads(root, m, &xr)?;
    let strip = Strip {
        to_x,
        view: m.main.view,
        end: m.span,
    };
    for f in &m.flushes {
        strip.flush(root, f)?;
    }
    for (k, d) in m.dial_lanes.iter().enumerate() {
        let cy = lane_cy((m.flush_lanes + k) as i32);
        for log in &d.logs {
            strip.line(root, log, cy)?;
        }
    }
    Ok(())
}

/// The strip's background, its lanes' labels and the rules between dial lanes.
fn draw_lane_heads(root: &Area, m: &Model, xr: &Range<i32>) -> Result<(), PlotError> {
    let lanes = m.lanes() as i32;
    root.draw(&Rectangle::new(
        [(xr.start, STRIP_TOP), (xr.end, STRIP_TOP + lanes * LANE_H)],
        rgb(0xf7f7f7).filled(),
    ))
    .map_err(draw_err)?;
    let label_style = font(13.0, C_MUTED);
    if m.flush_lanes > 0 {
        let at = (xr.start - 8, lane_cy(0));
        text(root, "flushes", at, &label_style, HPos::Right)?;
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
    Ok(())
}

/// Where times fall in the event strip. Times outside the view are clamped to its edges;
/// markers there are not drawn.
struct Strip<'a> {
    to_x: &'a ToX,
    view: View,
    /// Where open periods end.
    end: Micros,
}

impl Strip<'_> {
    /// The pixel column of `t`, clamped to the view.
    fn cl(&self, t: Micros) -> i32 {
        (self.to_x)(t.clamp(self.view.lo, self.view.hi))
    }

    /// Whether `t` is in the view.
    fn inside(&self, t: Micros) -> bool {
        t >= self.view.lo && t <= self.view.hi
    }

    /// A flush call: a bar from call to return, a thin tail to the completion of asynchronous
    /// work, ▼ at the call, ▲ at the return, and its label if it fits.
    fn flush(&self, root: &Area, f: &FlushItem) -> Result<(), PlotError> {
        let s = &f.span;
        let cy = lane_cy(f.lane as i32);
        let c = rgb(flush_color(s));
        let ret = s.ret.map_or(self.end, |r| r.0);
        let (x0, x1) = (self.cl(s.call), self.cl(ret));
        if x1 > x0 {
            hline(root, x0, x1, cy, c, 3)?;
        }
        // Asynchronous work goes on after the return, up to its completion (or the end).
        if s.ret.is_some() {
            let td = flush_end(s, self.end);
            let xd = self.cl(td);
            if xd > x1 {
                hline(root, x1, xd, cy, c.mix(0.5), 1)?;
                if s.done.is_some() && self.inside(td) {
                    root.draw(&PathElement::new(
                        vec![(xd, cy - 4), (xd, cy + 4)],
                        c.stroke_width(1),
                    ))
                    .map_err(draw_err)?;
                }
            }
        }
        if self.inside(s.call) {
            tri_down(root, x0, cy, c)?;
        }
        if s.ret.is_some() && self.inside(ret) {
            tri_up(root, x1, cy, c)?;
        }
        let tail_t = flush_end(s, self.end);
        if f.show_label && self.inside(tail_t.min(self.view.hi)) {
            let tail = self.cl(tail_t).max(x1);
            let style = font(13.0, C_TEXT);
            text(root, &s.label(), (tail + 8, cy), &style, HPos::Left)?;
        }
        Ok(())
    }

    /// What one dial-up line did: line-up bands, dialling, prompts until answered, then the
    /// marks (◆ prompt, ✕ cancelled, ● connected) on top.
    fn line(&self, root: &Area, log: &LineLog, cy: i32) -> Result<(), PlotError> {
        let (view, end) = (self.view, self.end);
        for &(a, b) in &log.ups {
            let b = b.unwrap_or(end);
            if view.shows(a, b) {
                band(root, self.cl(a), self.cl(b), cy, 5, rgb(C_LINE_UP))?;
            }
        }
        for &(a, b) in &log.dials {
            let b = b.unwrap_or(end);
            if view.shows(a, b) {
                hline(root, self.cl(a), self.cl(b), cy, rgb(C_DIALLING), 2)?;
            }
        }
        for &(p, ans) in &log.prompts {
            let a = ans.map_or(end, |(t, _)| t);
            if view.shows(p, a) {
                hline(root, self.cl(p), self.cl(a), cy, rgb(C_PROMPT), 2)?;
            }
        }
        for &(p, ans) in &log.prompts {
            if self.inside(p) {
                diamond(root, self.cl(p), cy, rgb(C_PROMPT))?;
            }
            if let Some((t, UiAnswer::Cancel)) = ans {
                if self.inside(t) {
                    cross(root, self.cl(t), cy, rgb(C_ERR))?;
                }
            }
        }
        for &(a, _) in &log.ups {
            if self.inside(a) {
                dot(root, self.cl(a), cy, rgb(C_CONNECT))?;
            }
        }
        Ok(())
    }
}

/// The sample drawn before a legend entry of the event strip.
#[derive(Debug, Clone, Copy)]
enum Sample {
    /// A flush bar with ▼ and ▲.
    Returned,
    /// A flush bar with ▼ only.
    NotReturned,
    /// A prompt line with ◆.
    Prompt,
    /// ✕.
    Cancel,
    /// A line-up band with ●.
    Connect,
    /// A thin tail ending in a tick.
    Async,
}

/// Space between legend rows.
const LEGEND_ROW: i32 = 20;

/// The legend beside the chart: its series, then the event strip's marks it uses.
fn draw_legend(root: &Area, m: &Model, top: i32) -> Result<(), PlotError> {
    let x = WIDTH as i32 - LEGEND_W + 14;
    let mut y = top + 8;
    let style = font(13.0, C_TEXT);
    let head = styled(13.0, C_TEXT, FontStyle::Bold);
    if !m.main.series.is_empty() {
        text(root, "messages waiting", (x, y), &head, HPos::Left)?;
        y += LEGEND_ROW;
        for s in &m.main.series {
            if s.kind == SeriesKind::Inbox {
                y += 6;
            }
            hline(root, x, x + 26, y, s.color, 2)?;
            text(root, &s.label, (x + 34, y), &style, HPos::Left)?;
            y += LEGEND_ROW;
        }
        y += 10;
    }
    let entries = legend_entries(m);
    if entries.is_empty() {
        return Ok(());
    }
    text(root, "events (top strip)", (x, y), &head, HPos::Left)?;
    y += LEGEND_ROW;
    for (sample, c, label) in entries {
        draw_sample(root, sample, rgb(c), (x, y))?;
        text(root, label, (x + 34, y), &style, HPos::Left)?;
        y += LEGEND_ROW;
    }
    Ok(())
}

/// The event strip's legend entries, for what the picture shows.
fn legend_entries(m: &Model) -> Vec<(Sample, u32, &'static str)> {
    let mut entries = Vec::new();
    let results = [
        (Sample::Returned, C_OK, "flush returned S_OK"),
        (Sample::Returned, C_WARN, "flush returned a warning"),
        (Sample::Returned, C_ERR, "flush returned an error"),
        (Sample::NotReturned, C_PENDING, "flush not returned"),
    ];
    for (shown, entry) in m.legend.results.iter().zip(results) {
        if *shown {
            entries.push(entry);
        }
    }
    let l = &m.legend;
    if l.any_async {
        entries.push((Sample::Async, C_OK, "async work, to completion"));
    }
    if l.any_prompt {
        entries.push((Sample::Prompt, C_PROMPT, "dial prompt, until answered"));
    }
    if l.any_cancel {
        entries.push((Sample::Cancel, C_ERR, "prompt cancelled"));
    }
    if l.any_connect {
        entries.push((Sample::Connect, C_CONNECT, "connected, line up"));
    }
    entries
}

/// A legend entry's sample at `(x, y)`.
fn draw_sample(
    root: &Area,
    sample: Sample,
    c: RGBColor,
    (x, y): (i32, i32),
) -> Result<(), PlotError> {
    match sample {
        Sample::Returned => {
            hline(root, x + 4, x + 22, y, c, 3)?;
            tri_down(root, x + 4, y, c)?;
            tri_up(root, x + 22, y, c)
        }
        Sample::NotReturned => {
            hline(root, x + 4, x + 26, y, c, 3)?;
            tri_down(root, x + 4, y, c)
        }
        Sample::Prompt => {
            hline(root, x + 4, x + 24, y, c, 2)?;
            diamond(root, x + 4, y, c)
        }
        Sample::Cancel => cross(root, x + 13, y, c),
        Sample::Async => {
            hline(root, x + 4, x + 26, y, c.mix(0.5), 1)?;
            root.draw(&PathElement::new(
                vec![(x + 26, y - 4), (x + 26, y + 4)],
                c.stroke_width(1),
            ))
            .map_err(draw_err)
        }
        Sample::Connect => {
            band(root, x + 4, x + 26, y, 5, rgb(C_LINE_UP))?;
            dot(root, x + 4, y, c)
        }
    }
}

/// Gives the inbound series their dashes. plotters has no dashed stroke, but every polyline it
/// writes carries its colour just before its width and points, and the inbound colours are used
/// for nothing else, so the attribute can be added exactly where it belongs.
pub(super) fn add_dashes(svg: String, colors: &[RGBColor]) -> String {
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
