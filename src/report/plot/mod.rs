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
//!
//! The work is split by job: `report::analysis` reads the run, `layout` (with
//! `geometry`, `axis` and `series`) decides where everything goes, and `draw` (with `shapes`
//! and `palette`) turns that into SVG.

mod axis;
mod draw;
mod error;
mod geometry;
mod layout;
mod palette;
mod series;
mod shapes;

use std::path::Path;

use plotters::prelude::*;

pub use error::PlotError;

use crate::scenario::RunResult;
use error::draw_err;
use geometry::{HEIGHT, WIDTH};
use layout::Model;

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
        draw::draw(&root, &model)?;
        root.present().map_err(draw_err)?;
    }
    Ok(draw::add_dashes(buf, &model.dashed))
}
