//! Where a command's scenario comes from: a file, standard input (`-`), or the library built
//! into the binary; and how its input errors are shown.
//!
//! Every command that takes a scenario reads it here, so `-` works everywhere and errors look
//! the same everywhere: each one titled `error:`, with its place and the source line (see
//! [`ScenarioError::render`]). Standard input is read once, with the same size limit as a
//! file, and named `<stdin>` in messages.

use std::io::Read;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

use super::output::stderr_colored;
use super::CliError;
use crate::scenario::builtin::{OFFICE_DAY, OFFICE_DAY_FILE};
use crate::scenario::parse::{
    decode, parse_scenario_with, read_scenario, Override, Parsed, MAX_FILE_BYTES,
};
use crate::scenario::ScenarioError;

/// How standard input is named in messages.
pub(crate) const STDIN: &str = "<stdin>";

/// A scenario read and parsed: its text, and what it parsed into.
pub(crate) struct Loaded {
    /// How messages name it: the path as given, `<stdin>`, or the built-in file's name.
    pub name: String,
    /// The text as read.
    pub text: String,
    /// The scenario and its warnings.
    pub parsed: Parsed,
}

static STDIN_TAKEN: AtomicBool = AtomicBool::new(false);

/// Whether `path` means standard input.
pub(crate) fn is_stdin(path: &Path) -> bool {
    path.as_os_str() == "-"
}

/// The text of the scenario at `path` (`-`: standard input) and its name in messages.
pub(crate) fn read_text(path: &Path) -> Result<(String, String), ScenarioError> {
    if !is_stdin(path) {
        return read_scenario(path).map(|text| (path.display().to_string(), text));
    }
    if STDIN_TAKEN.swap(true, Ordering::SeqCst) {
        return Err(ScenarioError::whole_file(
            crate::scenario::error::ErrorKind::Io,
            STDIN,
            "standard input can be read only once; give `-` once",
        ));
    }
    let mut bytes = Vec::new();
    std::io::stdin()
        .lock()
        .take(MAX_FILE_BYTES as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| {
            ScenarioError::whole_file(
                crate::scenario::error::ErrorKind::Io,
                STDIN,
                format!("cannot read standard input: {e}"),
            )
        })?;
    decode(bytes, STDIN).map(|text| (STDIN.to_string(), text))
}

/// The error for `e`, every diagnostic rendered against `text`, ready to print.
pub(crate) fn diagnostics(e: &ScenarioError, text: &str) -> CliError {
    let rendered = if stderr_colored() {
        e.render_styled(text)
    } else {
        e.render(text)
    };
    CliError::Diagnostics(rendered)
}

/// Parses `text`, named `name`, with `overrides` applied; an error is rendered, ready to
/// print.
pub(crate) fn parse(
    name: String,
    text: String,
    overrides: &[Override],
) -> Result<Loaded, CliError> {
    match parse_scenario_with(&text, &name, overrides) {
        Ok(parsed) => Ok(Loaded { name, text, parsed }),
        Err(e) => Err(diagnostics(&e, &text)),
    }
}

/// Reads and parses the scenario at `file` (`-`: standard input), or the built-in office day,
/// with `overrides` applied.
pub(crate) fn load_source(file: Option<&Path>, overrides: &[Override]) -> Result<Loaded, CliError> {
    match file {
        None => parse(
            OFFICE_DAY_FILE.to_string(),
            OFFICE_DAY.to_string(),
            overrides,
        ),
        Some(path) => match read_text(path) {
            Ok((name, text)) => parse(name, text, overrides),
            // A file that cannot be read has no text to show: the error alone.
            Err(e) => Err(diagnostics(&e, "")),
        },
    }
}
