//! How the command line talks to its user besides its results: the options every command takes
//! (`--quiet`, `--color`), and warnings, notes and errors on standard error.
//!
//! Colour goes through `anstream`, which writes ANSI styles on a terminal and strips them
//! elsewhere (and with `NO_COLOR`), as `--color` decides for every stream at once; styles are
//! `anstyle` values, never hand-written escapes.

use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, Ordering};

use anstyle::{AnsiColor, Effects, Style};
use clap::ValueEnum;

use crate::report::text::Color;
use crate::scenario::parse::Parsed;

/// When to colour the output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub(crate) enum ColorWhen {
    /// On a terminal, unless `NO_COLOR` is set.
    #[default]
    Auto,
    /// Always, even into a file or a pipe.
    Always,
    /// Never.
    Never,
}

/// The options every command takes.
#[derive(Debug, Clone, Default, clap::Args)]
pub(crate) struct GlobalArgs {
    /// Hide warnings, notes and progress; results and errors still show.
    #[arg(short, long, global = true)]
    quiet: bool,
    /// When to colour the output.
    #[arg(long, value_enum, global = true, value_name = "WHEN", default_value_t = ColorWhen::Auto)]
    color: ColorWhen,
}

static QUIET: AtomicBool = AtomicBool::new(false);

/// Applies the options every command takes, once, before anything is written.
pub(crate) fn init(g: &GlobalArgs) {
    QUIET.store(g.quiet, Ordering::Relaxed);
    anstream::ColorChoice::write_global(match g.color {
        ColorWhen::Auto => anstream::ColorChoice::Auto,
        ColorWhen::Always => anstream::ColorChoice::Always,
        ColorWhen::Never => anstream::ColorChoice::Never,
    });
}

/// Whether `--quiet` was given: no warnings, notes or progress.
pub(crate) fn quiet() -> bool {
    QUIET.load(Ordering::Relaxed)
}

/// Whether text written to a stream that `is_terminal` says it is should be coloured.
fn colored(is_terminal: bool) -> bool {
    match anstream::ColorChoice::global() {
        anstream::ColorChoice::Always | anstream::ColorChoice::AlwaysAnsi => true,
        anstream::ColorChoice::Never => false,
        anstream::ColorChoice::Auto => is_terminal && std::env::var_os("NO_COLOR").is_none(),
    }
}

/// Whether standard error is coloured.
pub(crate) fn stderr_colored() -> bool {
    colored(std::io::stderr().is_terminal())
}

/// The text report's colour for standard output (`to_stderr`: for standard error instead).
pub(crate) fn report_color(to_stderr: bool) -> Color {
    let terminal = if to_stderr {
        std::io::stderr().is_terminal()
    } else {
        std::io::stdout().is_terminal()
    };
    if colored(terminal) {
        Color::On
    } else {
        Color::Off
    }
}

/// `label:` in `style`, then `message`, on standard error.
fn say(style: Style, label: &str, message: &str) {
    anstream::eprintln!(
        "{}{label}:{} {message}",
        style.render(),
        style.render_reset()
    );
}

const ERROR: Style = AnsiColor::BrightRed.on_default().effects(Effects::BOLD);
const WARNING: Style = AnsiColor::Yellow.on_default().effects(Effects::BOLD);
const NOTE: Style = AnsiColor::BrightGreen.on_default().effects(Effects::BOLD);

/// `error: message` on standard error.
pub(crate) fn error(message: &str) {
    say(ERROR, "error", message);
}

/// `warning: message` on standard error, unless quiet.
pub(crate) fn warning(message: &str) {
    if !quiet() {
        say(WARNING, "warning", message);
    }
}

/// `note: message` on standard error, unless quiet.
pub(crate) fn note(message: &str) {
    if !quiet() {
        say(NOTE, "note", message);
    }
}

/// The warnings of a parsed scenario, unless quiet.
pub(crate) fn warn(parsed: &Parsed) {
    for w in &parsed.warnings {
        warning(&w.to_string());
    }
}
