//! A small SVG writer: the handful of elements the pictures are made of, written straight into
//! a string.
//!
//! Why not a drawing library: the pictures need dashes, opacity, paths made of horizontal and
//! vertical runs (the compact form of a step function), `<title>` tooltips and groups a test
//! can find by class, and they must come out byte for byte the same for the same input. Writing
//! the few elements directly gives all of that; text and attribute values are escaped with
//! `quick_xml`, so any scenario name makes a well-formed document. Coordinates are written
//! with at most one decimal, which is finer than any screen and keeps files small.

use std::fmt::Write as _;

use quick_xml::escape::escape;

/// The font family; the SVG leaves the actual font to the viewer.
const FONT: &str = "DejaVu Sans, Verdana, Arial, sans-serif";

/// A number as an SVG coordinate: at most one decimal, no trailing zeros.
pub(crate) fn num(v: f64) -> String {
    let r = (v * 10.0).round() / 10.0;
    if r == r.trunc() {
        format!("{}", r as i64)
    } else {
        format!("{r:.1}")
    }
}

/// A rough width of `s` in pixels at font size `size`.
pub(crate) fn text_width(s: &str, size: f64) -> f64 {
    s.chars().count() as f64 * size * 0.6
}

/// How a text is anchored at its point.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Anchor {
    /// The point is the text's left end.
    Start,
    /// The point is the text's middle.
    Middle,
    /// The point is the text's right end.
    End,
}

/// The look of a text.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Font {
    /// Size in pixels.
    pub size: f64,
    /// Colour, `#rrggbb`.
    pub color: &'static str,
    /// Bold.
    pub bold: bool,
    /// How it is anchored.
    pub anchor: Anchor,
}

impl Font {
    /// Plain text of `size` in `color`, anchored at its start.
    pub(crate) fn new(size: f64, color: &'static str) -> Font {
        Font {
            size,
            color,
            bold: false,
            anchor: Anchor::Start,
        }
    }

    /// The same, bold.
    pub(crate) fn bold(self) -> Font {
        Font { bold: true, ..self }
    }

    /// The same, anchored by `anchor`.
    pub(crate) fn anchored(self, anchor: Anchor) -> Font {
        Font { anchor, ..self }
    }
}

/// The stroke of a line or an outline.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Stroke {
    /// Colour, `#rrggbb`.
    pub color: &'static str,
    /// Width in pixels.
    pub width: f64,
    /// Opacity, 0 to 1.
    pub opacity: f64,
    /// Dash pattern (`"6 3"`), if dashed.
    pub dash: Option<&'static str>,
}

impl Stroke {
    /// A solid, opaque stroke.
    pub(crate) fn new(color: &'static str, width: f64) -> Stroke {
        Stroke {
            color,
            width,
            opacity: 1.0,
            dash: None,
        }
    }

    /// The same, dashed.
    pub(crate) fn dashed(self, dash: &'static str) -> Stroke {
        Stroke {
            dash: Some(dash),
            ..self
        }
    }

    /// The same, at `opacity`.
    pub(crate) fn faded(self, opacity: f64) -> Stroke {
        Stroke { opacity, ..self }
    }

    fn attrs(&self) -> String {
        let mut a = format!(
            r#" fill="none" stroke="{}" stroke-width="{}""#,
            self.color,
            num(self.width)
        );
        if self.opacity < 1.0 {
            let _ = write!(a, r#" stroke-opacity="{:.2}""#, self.opacity);
        }
        if let Some(d) = self.dash {
            let _ = write!(a, r#" stroke-dasharray="{d}""#);
        }
        a
    }
}

/// A fill colour with its opacity.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Fill {
    /// Colour, `#rrggbb`.
    pub color: &'static str,
    /// Opacity, 0 to 1.
    pub opacity: f64,
}

impl Fill {
    /// An opaque fill.
    pub(crate) fn solid(color: &'static str) -> Fill {
        Fill {
            color,
            opacity: 1.0,
        }
    }

    /// A fill at `opacity`.
    pub(crate) fn faded(color: &'static str, opacity: f64) -> Fill {
        Fill { color, opacity }
    }

    fn attrs(&self) -> String {
        if self.opacity < 1.0 {
            format!(
                r#" fill="{}" fill-opacity="{:.2}""#,
                self.color, self.opacity
            )
        } else {
            format!(r#" fill="{}""#, self.color)
        }
    }
}

/// An SVG document being written.
pub(crate) struct Svg {
    out: String,
    /// Groups opened and not yet closed.
    depth: usize,
}

impl Svg {
    /// A document `width` × `height` pixels on a white background.
    pub(crate) fn new(width: f64, height: f64) -> Svg {
        let (w, h) = (num(width), num(height));
        let mut out = String::with_capacity(64 * 1024);
        let _ = writeln!(
            out,
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" font-family="{FONT}">"#
        );
        let _ = writeln!(out, r##"<rect width="{w}" height="{h}" fill="#ffffff"/>"##);
        Svg { out, depth: 0 }
    }

    /// Opens a group of class `class` (closed by [`Svg::end`]).
    pub(crate) fn group(&mut self, class: &str) {
        let _ = writeln!(self.out, r#"<g class="{}">"#, escape(class));
        self.depth += 1;
    }

    /// Opens a group of class `class` with a tooltip (closed by [`Svg::end`]).
    pub(crate) fn group_titled(&mut self, class: &str, title: &str) {
        self.group(class);
        let _ = writeln!(self.out, "<title>{}</title>", escape(title));
    }

    /// Closes the latest group.
    pub(crate) fn end(&mut self) {
        if self.depth > 0 {
            self.out.push_str("</g>\n");
            self.depth -= 1;
        }
    }

    /// A rectangle from `(x, y)`, `w` × `h` pixels.
    pub(crate) fn rect(&mut self, (x, y): (f64, f64), (w, h): (f64, f64), fill: Fill) {
        let _ = writeln!(
            self.out,
            r#"<rect x="{}" y="{}" width="{}" height="{}"{}/>"#,
            num(x),
            num(y),
            num(w.max(0.0)),
            num(h.max(0.0)),
            fill.attrs()
        );
    }

    /// A rectangle's outline.
    pub(crate) fn frame(&mut self, (x, y): (f64, f64), (w, h): (f64, f64), stroke: Stroke) {
        let _ = writeln!(
            self.out,
            r#"<rect x="{}" y="{}" width="{}" height="{}"{}/>"#,
            num(x),
            num(y),
            num(w.max(0.0)),
            num(h.max(0.0)),
            stroke.attrs()
        );
    }

    /// A straight line.
    pub(crate) fn line(&mut self, a: (f64, f64), b: (f64, f64), stroke: Stroke) {
        let _ = writeln!(
            self.out,
            r#"<line x1="{}" y1="{}" x2="{}" y2="{}"{}/>"#,
            num(a.0),
            num(a.1),
            num(b.0),
            num(b.1),
            stroke.attrs()
        );
    }

    /// A path (`d` as built by [`PathData`]) stroked and not filled.
    pub(crate) fn stroke_path(&mut self, d: &PathData, stroke: Stroke) {
        if !d.is_empty() {
            let _ = writeln!(self.out, r#"<path d="{}"{}/>"#, d.0, stroke.attrs());
        }
    }

    /// A closed path filled and not stroked.
    pub(crate) fn fill_path(&mut self, d: &PathData, fill: Fill) {
        if !d.is_empty() {
            let _ = writeln!(self.out, r#"<path d="{}"{}/>"#, d.0, fill.attrs());
        }
    }

    /// A polygon through `points`, filled.
    pub(crate) fn polygon(&mut self, points: &[(f64, f64)], fill: Fill) {
        let pts: Vec<String> = points
            .iter()
            .map(|&(x, y)| format!("{},{}", num(x), num(y)))
            .collect();
        let _ = writeln!(
            self.out,
            r#"<polygon points="{}"{}/>"#,
            pts.join(" "),
            fill.attrs()
        );
    }

    /// A filled circle.
    pub(crate) fn circle(&mut self, (x, y): (f64, f64), r: f64, fill: Fill) {
        let _ = writeln!(
            self.out,
            r#"<circle cx="{}" cy="{}" r="{}"{}/>"#,
            num(x),
            num(y),
            num(r),
            fill.attrs()
        );
    }

    /// `s` at `(x, y)` (its baseline is a third of its size below `y`, so `y` is its middle).
    pub(crate) fn text(&mut self, (x, y): (f64, f64), s: &str, font: Font) {
        let anchor = match font.anchor {
            Anchor::Start => "",
            Anchor::Middle => r#" text-anchor="middle""#,
            Anchor::End => r#" text-anchor="end""#,
        };
        let weight = if font.bold {
            r#" font-weight="bold""#
        } else {
            ""
        };
        let _ = writeln!(
            self.out,
            r#"<text x="{}" y="{}" font-size="{}" fill="{}"{anchor}{weight}>{}</text>"#,
            num(x),
            num(y + font.size / 3.0),
            num(font.size),
            font.color,
            escape(s)
        );
    }

    /// The finished document.
    pub(crate) fn finish(mut self) -> String {
        while self.depth > 0 {
            self.end();
        }
        self.out.push_str("</svg>\n");
        self.out
    }
}

/// Path data, built from moves and horizontal, vertical and straight runs.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct PathData(String);

impl PathData {
    /// An empty path.
    pub(crate) fn new() -> PathData {
        PathData::default()
    }

    /// Whether nothing was added.
    pub(crate) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Moves to `(x, y)`.
    pub(crate) fn move_to(&mut self, (x, y): (f64, f64)) {
        let _ = write!(self.0, "M{} {}", num(x), num(y));
    }

    /// A straight run to `(x, y)`.
    pub(crate) fn line_to(&mut self, (x, y): (f64, f64)) {
        let _ = write!(self.0, "L{} {}", num(x), num(y));
    }

    /// A horizontal run to `x`.
    pub(crate) fn h(&mut self, x: f64) {
        let _ = write!(self.0, "H{}", num(x));
    }

    /// A vertical run to `y`.
    pub(crate) fn v(&mut self, y: f64) {
        let _ = write!(self.0, "V{}", num(y));
    }

    /// Closes the current shape.
    pub(crate) fn close(&mut self) {
        self.0.push('Z');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_escaping() {
        assert_eq!(num(3.0), "3");
        assert_eq!(num(3.04), "3");
        assert_eq!(num(3.06), "3.1");
        assert_eq!(num(-0.26), "-0.3");
        let mut s = Svg::new(10.0, 10.0);
        s.group("a\"b");
        s.text((1.0, 2.0), "<&>", Font::new(12.0, "#000000"));
        let doc = s.finish();
        assert!(doc.contains("&lt;&amp;&gt;"), "{doc}");
        assert!(doc.contains(r#"class="a&quot;b""#), "{doc}");
        assert!(doc.ends_with("</g>\n</svg>\n"));
    }
}
