//! The small marks the pictures use (triangles, diamonds, crosses, dots, ticks), each drawn
//! around a point, so the drawing code reads as what it marks.

use super::svg::{Fill, Stroke, Svg};

/// ▼ with its tip just above `(x, cy)`: where a flush was called.
pub(crate) fn tri_down(svg: &mut Svg, x: f64, cy: f64, color: &'static str) {
    svg.polygon(
        &[(x - 4.5, cy - 9.0), (x + 4.5, cy - 9.0), (x, cy - 1.0)],
        Fill::solid(color),
    );
}

/// ▲ with its tip just below `(x, cy)`: where a flush returned.
pub(crate) fn tri_up(svg: &mut Svg, x: f64, cy: f64, color: &'static str) {
    svg.polygon(
        &[(x - 4.5, cy + 9.0), (x + 4.5, cy + 9.0), (x, cy + 1.0)],
        Fill::solid(color),
    );
}

/// ◆ at `(x, cy)`: a dial prompt.
pub(crate) fn diamond(svg: &mut Svg, x: f64, cy: f64, color: &'static str) {
    svg.polygon(
        &[(x, cy - 6.0), (x + 5.0, cy), (x, cy + 6.0), (x - 5.0, cy)],
        Fill::solid(color),
    );
}

/// ✕ at `(x, cy)`: a cancelled prompt.
pub(crate) fn cross(svg: &mut Svg, x: f64, cy: f64, color: &'static str) {
    let st = Stroke::new(color, 2.0);
    svg.line((x - 4.0, cy - 4.0), (x + 4.0, cy + 4.0), st);
    svg.line((x - 4.0, cy + 4.0), (x + 4.0, cy - 4.0), st);
}

/// ● at `(x, cy)`: a line connected; a point of a sweep chart.
pub(crate) fn dot(svg: &mut Svg, x: f64, cy: f64, r: f64, color: &'static str) {
    svg.circle((x, cy), r, Fill::solid(color));
}

/// A vertical tick `2 * half` pixels high at `x`.
pub(crate) fn tick(svg: &mut Svg, x: f64, cy: f64, half: f64, stroke: Stroke) {
    svg.line((x, cy - half), (x, cy + half), stroke);
}

/// ⚡-like mark for a dropped line: a short red zig-zag standing on `(x, y)`.
pub(crate) fn bolt(svg: &mut Svg, x: f64, y: f64, color: &'static str) {
    svg.polygon(
        &[
            (x + 1.5, y - 11.0),
            (x - 3.5, y - 4.0),
            (x - 0.5, y - 4.0),
            (x - 1.5, y),
            (x + 3.5, y - 7.0),
            (x + 0.5, y - 7.0),
        ],
        Fill::solid(color),
    );
}
