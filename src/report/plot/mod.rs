//! `--plot FILE.svg`: one picture of a finished run, readable whether the run lasted a minute
//! or a year.
//!
//! Why a picture: the questions people ask of a spooler run are about *shape over time* (does
//! the dial-up queue grow until somebody flushes it? does a synchronous flush hold its caller
//! while the line dials? does the inbox fill only after the prompt is answered?), and those are
//! answered at a glance by queue depths drawn against virtual time with the flushes, prompts
//! and connects marked on the same time axis, and only laboriously from a trace.
//!
//! The picture has rows that share one time axis:
//! - an **event strip** at the top: the flush calls (▼ at the call, ▲ at the return, coloured
//!   by what the call returned, labelled by name or number where the label fits), and one lane
//!   per transport that dialled (◆ prompt, the wait for the answer, ✕ a cancelled prompt, the
//!   dialling, ● connected, the line-up period);
//! - one **panel per transport**, each on its own scale, so a quiet dial-up line is not drawn
//!   flat under a busy LAN: its outbound queue as occupancy (the deepest and the mean per pixel
//!   column, and how busy it was), the mail waiting at its remote end, and its faults;
//! - the **inbox** panel;
//! - a **whole-run** panel, when the rows above show only part of the run: the stretch asked
//!   for with `--plot-window`, or the busy part when a quiet stretch takes most of the run;
//! - a **legend** beside it all, listing only what the picture shows.
//!
//! Everything is reduced to the picture's pixel columns before it is drawn (see `columns`), and
//! marks too many to tell apart are drawn per column, so the file's size depends on the
//! picture and not on the run: a year of mail gives a file of the same few hundred kilobytes
//! as a day. Nothing here reads the clock or iterates a hash map, so the same run always gives
//! the same bytes.
//!
//! The work is split by job: `report::analysis` reads the run; `layout` (with `strip`,
//! `panels` and `columns`) decides what goes where; `draw` puts the rows on the page; `chart`,
//! `axis`, `marks`, `palette` and `svg` are the drawing kit, shared with the sweep chart in
//! `lines`.

mod axis;
pub(crate) mod chart;
mod columns;
mod draw;
mod error;
mod layout;
pub mod lines;
mod marks;
mod palette;
mod panels;
mod strip;
mod svg;
mod window;

use std::path::Path;

pub use error::PlotError;
pub use layout::PlotOptions;
pub use window::{PlotWindow, WindowError};

use crate::scenario::RunResult;
use layout::Model;

/// Renders the whole run as SVG and writes it to `path`.
pub fn write_svg(run: &RunResult, path: &Path) -> Result<(), PlotError> {
    write_svg_with(run, &PlotOptions::default(), path)
}

/// Renders the run as `opts` asks and writes it to `path`.
pub fn write_svg_with(run: &RunResult, opts: &PlotOptions, path: &Path) -> Result<(), PlotError> {
    let svg = render_svg_with(run, opts)?;
    std::fs::write(path, svg)?;
    Ok(())
}

/// Renders the whole run as an SVG document, 1200 pixels wide.
pub fn render_svg(run: &RunResult) -> Result<String, PlotError> {
    render_svg_with(run, &PlotOptions::default())
}

/// Renders the run as `opts` asks; fails only when the window starts after the run's end.
pub fn render_svg_with(run: &RunResult, opts: &PlotOptions) -> Result<String, PlotError> {
    let model = Model::build(run, opts)?;
    Ok(draw::draw(&model))
}
