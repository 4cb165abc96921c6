//! One side of a `diff`: a scenario run here with its full trace, or a trace file read back.
//!
//! A scenario side has metrics and events; a trace side only events, read one line at a time
//! so that a trace of a year's run is never held whole. Both hand out their events as the
//! JSON objects `run --trace` writes, so a scenario compares with a trace written by an earlier
//! spoolsim (of the same trace format) exactly as with another scenario.

use std::fs::File;
use std::io::{BufRead, BufReader, Lines};
use std::path::{Path, PathBuf};

use serde_json::Value as Json;

use crate::cli::source::{diagnostics, parse, read_text, Loaded};
use crate::cli::{warn, CliError};
use crate::report::jsonl::{event_json, TRACE_FORMAT};
use crate::report::Outcome;
use crate::scenario::parse::Override;
use crate::scenario::{run, RunOptions};
use crate::trace::Event;

/// What a side is made of.
#[derive(Debug)]
pub(crate) enum Source {
    /// A scenario, run here.
    Run(Box<Outcome>),
    /// A trace file: its format and the path to read its events from.
    Trace {
        /// `trace_format` from its first line.
        format: u64,
        /// The file.
        path: PathBuf,
    },
}

/// One side of the comparison.
#[derive(Debug)]
pub(crate) struct Side {
    /// The file as the user named it.
    pub(crate) file: String,
    /// The scenario's name, when known.
    pub(crate) scenario: Option<String>,
    /// The seed of the run, when known.
    pub(crate) seed: Option<u64>,
    /// The overrides applied to the scenario, as `PATH=VALUE`.
    pub(crate) overrides: Vec<String>,
    /// The run or the trace.
    pub(crate) source: Source,
}

/// Whether `path` holds a trace: its first non-blank byte opens a JSON object (a scenario
/// file, being TOML, never starts with `{`).
fn is_trace(path: &Path) -> Result<bool, CliError> {
    if path.as_os_str() == "-" {
        return Ok(false);
    }
    let file = File::open(path)
        .map_err(|e| CliError::Input(format!("{}: cannot read: {e}", path.display())))?;
    let mut reader = BufReader::new(file);
    loop {
        let buf = reader
            .fill_buf()
            .map_err(|e| CliError::Input(format!("{}: cannot read: {e}", path.display())))?;
        if buf.is_empty() {
            return Ok(false);
        }
        if let Some(k) = buf.iter().position(|b| !b.is_ascii_whitespace()) {
            return Ok(buf[k] == b'{');
        }
        let n = buf.len();
        reader.consume(n);
    }
}

impl Side {
    /// Loads `path`: a trace file is opened and its header read; a scenario is run with its
    /// full trace, with `overrides` applied and `seed` when given.
    pub(crate) fn load(
        path: &Path,
        seed: Option<u64>,
        overrides: &[Override],
    ) -> Result<Side, CliError> {
        let file = path.display().to_string();
        if is_trace(path)? {
            refuse_overrides(&file, overrides)?;
            return Self::trace(path, file);
        }
        let (name, text) = read_text(path).map_err(|e| diagnostics(&e, ""))?;
        let loaded = parse(name, text, overrides)?;
        warn(&loaded.parsed);
        Ok(Self::run(file, &loaded, seed, overrides))
    }

    /// The scenario at `path` twice, read once: as it is (left) and with `overrides` (right).
    pub(crate) fn against_itself(
        path: &Path,
        seed: Option<u64>,
        overrides: &[Override],
    ) -> Result<(Side, Side), CliError> {
        let file = path.display().to_string();
        if is_trace(path)? {
            return Err(CliError::Input(format!(
                "{file} is a trace: `diff FILE --set PATH=VALUE` compares a scenario with \
                 itself changed, and a trace cannot be rerun; give a scenario file"
            )));
        }
        let (name, text) = read_text(path).map_err(|e| diagnostics(&e, ""))?;
        let left = parse(name.clone(), text.clone(), &[])?;
        let right = parse(name, text, overrides)?;
        // The file's own warnings once; the right side's only where its overrides add some.
        warn(&left.parsed);
        for w in right.parsed.warnings.iter().filter(|w| w.set.is_some()) {
            crate::cli::output::warning(&w.to_string());
        }
        Ok((
            Self::run(file.clone(), &left, seed, &[]),
            Self::run(file, &right, seed, overrides),
        ))
    }

    /// A scenario side: `loaded` run with its full trace.
    fn run(file: String, loaded: &Loaded, seed: Option<u64>, overrides: &[Override]) -> Side {
        let opts = RunOptions {
            seed,
            until: None,
            full_trace: true,
        };
        let scenario = &loaded.parsed.scenario;
        let outcome = Outcome::new(scenario, run(scenario, &opts));
        Side {
            file,
            scenario: Some(outcome.run.scenario.clone()),
            seed: Some(outcome.run.seed),
            overrides: overrides.iter().map(Override::arg).collect(),
            source: Source::Run(Box::new(outcome)),
        }
    }

    fn trace(path: &Path, file: String) -> Result<Side, CliError> {
        let mut lines = open_lines(path)?;
        let bad = |why: String| {
            CliError::Input(format!(
                "{file}:1: not a trace written by `spoolsim run --trace`: {why}"
            ))
        };
        let first = match lines.next() {
            Some(Ok(l)) => l,
            Some(Err(e)) => return Err(bad(e.to_string())),
            None => return Err(bad("the file is empty".into())),
        };
        let header: Json = serde_json::from_str(&first).map_err(|e| bad(e.to_string()))?;
        let format = header
            .get("trace_format")
            .and_then(Json::as_u64)
            .ok_or_else(|| bad("its first line has no \"trace_format\"".into()))?;
        Ok(Side {
            scenario: header
                .get("scenario")
                .and_then(Json::as_str)
                .map(str::to_string),
            seed: header.get("seed").and_then(Json::as_u64),
            overrides: Vec::new(),
            file,
            source: Source::Trace {
                format,
                path: path.to_path_buf(),
            },
        })
    }

    /// The trace format of the side's events.
    pub(crate) fn trace_format(&self) -> u64 {
        match &self.source {
            Source::Run(_) => u64::from(TRACE_FORMAT),
            Source::Trace { format, .. } => *format,
        }
    }

    /// The run, for a scenario side.
    pub(crate) fn outcome(&self) -> Option<&Outcome> {
        match &self.source {
            Source::Run(o) => Some(o),
            Source::Trace { .. } => None,
        }
    }

    /// `file (scenario NAME, seed N)`, `file with PATH=VALUE (scenario NAME, seed N)`, or
    /// `file (trace of NAME, seed N)`.
    pub(crate) fn label(&self) -> String {
        let what = match &self.source {
            Source::Run(_) => "scenario",
            Source::Trace { .. } => "trace of",
        };
        let name = self.scenario.as_deref().unwrap_or("?");
        let mut file = self.file.clone();
        if !self.overrides.is_empty() {
            file += &format!(" with {}", self.overrides.join(", "));
        }
        match self.seed {
            Some(seed) => format!("{file} ({what} {name}, seed {seed})"),
            None => format!("{file} ({what} {name})"),
        }
    }

    /// The side's events, from the first.
    pub(crate) fn events(&self) -> Result<Events<'_>, CliError> {
        Ok(match &self.source {
            Source::Run(o) => Events::Run {
                names: &o.run.transport_names,
                events: o.run.trace.events().iter(),
            },
            Source::Trace { path, .. } => {
                let mut lines = open_lines(path)?;
                let _header = lines.next();
                Events::File {
                    file: &self.file,
                    lines,
                    line: 1,
                }
            }
        })
    }
}

/// Overrides cannot apply to a trace: it records a run, it is not rerun.
fn refuse_overrides(file: &str, overrides: &[Override]) -> Result<(), CliError> {
    match overrides.first() {
        None => Ok(()),
        Some(o) => Err(CliError::Input(format!(
            "{file} is a trace, and {} changes scenarios: a trace records a run and is not \
             rerun; compare scenario files to use --set",
            o.label
        ))),
    }
}

fn open_lines(path: &Path) -> Result<Lines<BufReader<File>>, CliError> {
    File::open(path)
        .map(|f| BufReader::new(f).lines())
        .map_err(|e| CliError::Input(format!("{}: cannot read: {e}", path.display())))
}

/// A side's events as trace objects, one at a time.
pub(crate) enum Events<'a> {
    /// The events of a run made here.
    Run {
        /// Its transports' names.
        names: &'a [String],
        /// The events left.
        events: std::slice::Iter<'a, Event>,
    },
    /// The lines of a trace file.
    File {
        /// The file, for messages.
        file: &'a str,
        /// The lines left.
        lines: Lines<BufReader<File>>,
        /// The line last read.
        line: u64,
    },
}

impl Events<'_> {
    /// The next event, or `None` after the last.
    pub(crate) fn next_event(&mut self) -> Result<Option<Json>, CliError> {
        match self {
            Events::Run { names, events } => match events.next() {
                None => Ok(None),
                Some(e) => event_json(names, e)
                    .map(Some)
                    .map_err(|e| CliError::Input(format!("cannot write an event: {e}"))),
            },
            Events::File { file, lines, line } => loop {
                let Some(text) = lines.next() else {
                    return Ok(None);
                };
                *line += 1;
                let text = text.map_err(|e| CliError::Input(format!("{file}: {e}")))?;
                if text.trim().is_empty() {
                    continue;
                }
                return serde_json::from_str(&text).map(Some).map_err(|e| {
                    CliError::Input(format!("{file}:{line}: not a trace event: {e}"))
                });
            },
        }
    }
}
