//! The marks the picture is made of (triangles, diamonds, crosses, dots, lines, bands and
//! text), each one plotters element, so the drawing code reads as what it marks.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::error::{draw_err, PlotError};
use super::palette::rgb;

/// The font family; the SVG leaves the actual font to the viewer.
const FONT: &str = "sans-serif";

/// The SVG being drawn.
pub(super) type Area<'a> = DrawingArea<SVGBackend<'a>, Shift>;

/// Plain text of `size` in `color`.
pub(super) fn font(size: f64, color: u32) -> TextStyle<'static> {
    styled(size, color, FontStyle::Normal)
}

/// Text of `size` in `color` and `style`.
pub(super) fn styled(size: f64, color: u32, style: FontStyle) -> TextStyle<'static> {
    TextStyle {
        font: (FONT, size).into_font().style(style),
        color: rgb(color).to_backend_color(),
        pos: Pos::default(),
    }
}

/// `s` at `at`, centred vertically, aligned horizontally by `h`.
pub(super) fn text(
    area: &Area,
    s: &str,
    at: (i32, i32),
    style: &TextStyle,
    h: HPos,
) -> Result<(), PlotError> {
    let st = style.pos(Pos::new(h, VPos::Center));
    area.draw(&Text::new(s.to_string(), at, st))
        .map_err(draw_err)
}

/// ▼ with its tip just above `(x, cy)`: where a flush was called.
pub(super) fn tri_down(area: &Area, x: i32, cy: i32, c: RGBColor) -> Result<(), PlotError> {
    area.draw(&Polygon::new(
        vec![(x - 5, cy - 9), (x + 5, cy - 9), (x, cy - 1)],
        c.filled(),
    ))
    .map_err(draw_err)
}

/// ▲ with its tip just below `(x, cy)`: where a flush returned.
pub(super) fn tri_up(area: &Area, x: i32, cy: i32, c: RGBColor) -> Result<(), PlotError> {
    area.draw(&Polygon::new(
        vec![(x - 5, cy + 9), (x + 5, cy + 9), (x, cy + 1)],
        c.filled(),
    ))
    .map_err(draw_err)
}

/// ◆ at `(x, cy)`: a dial prompt.
pub(super) fn diamond(area: &Area, x: i32, cy: i32, c: RGBColor) -> Result<(), PlotError> {
    area.draw(&Polygon::new(
        vec![(x, cy - 6), (x + 5, cy), (x, cy + 6), (x - 5, cy)],
        c.filled(),
    ))
    .map_err(draw_err)
}

/// ✕ at `(x, cy)`: a cancelled prompt.
pub(super) fn cross(area: &Area, x: i32, cy: i32, c: RGBColor) -> Result<(), PlotError> {
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

/// ● at `(x, cy)`: a line connected.
pub(super) fn dot(area: &Area, x: i32, cy: i32, c: RGBColor) -> Result<(), PlotError> {
    area.draw(&Circle::new((x, cy), 4, c.filled()))
        .map_err(draw_err)
}

/// A horizontal line `w` pixels wide from `x0` to `x1` (at least a point).
pub(super) fn hline<C: Color>(
    area: &Area,
    x0: i32,
    x1: i32,
    y: i32,
    c: C,
    w: u32,
) -> Result<(), PlotError> {
    area.draw(&PathElement::new(
        vec![(x0, y), (x1.max(x0), y)],
        c.stroke_width(w),
    ))
    .map_err(draw_err)
}

/// A filled band `2 * half` pixels high from `x0` to `x1` (at least a pixel).
pub(super) fn band(
    area: &Area,
    x0: i32,
    x1: i32,
    cy: i32,
    half: i32,
    c: RGBColor,
) -> Result<(), PlotError> {
    area.draw(&Rectangle::new(
        [(x0, cy - half), (x1.max(x0 + 1), cy + half)],
        c.filled(),
    ))
    .map_err(draw_err)
}
