//! `spoolsim run`: one scenario, its report, and the files that show the run over time.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::output::{report_color, warn};
use super::overrides::{with_overrides_line, SetArgs};
use super::source::{is_stdin, load_source};
use super::{CliError, Format};
use crate::report::{jsonl, plot, text, timeline, Outcome, Provenance};
use crate::scenario::parse::duration::parse_duration;
use crate::scenario::{run_shared, RunOptions};
use crate::sim::time::DAY;

/// Arguments of `spoolsim run`.
#[derive(Debug, clap::Args, Default)]
pub(crate) struct RunArgs {
    /// The scenario file, or - for standard input (default: the built-in office day).
    file: Option<PathBuf>,
    /// Override the scenario's seed (wins over --set seed=...).
    #[arg(long)]
    seed: Option<u64>,
    /// Override the scenario's horizon, e.g. "2h" (wins over --set until=...).
    #[arg(long)]
    until: Option<String>,
    #[command(flatten)]
    set: SetArgs,
    /// Report format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Write the event trace, one JSON object per line (- for standard output; the report
    /// then goes to standard error).
    #[arg(long, value_name = "FILE.jsonl")]
    trace: Option<PathBuf>,
    /// Write a Chrome trace-event timeline (open it in Perfetto).
    #[arg(long, value_name = "FILE.json")]
    timeline: Option<PathBuf>,
    /// Write an SVG plot of queue depths over virtual time.
    #[arg(long, value_name = "FILE.svg")]
    plot: Option<PathBuf>,
    /// Draw only this stretch of the run in the plot, e.g. "2h..4h" (durations from the start).
    #[arg(long, value_name = "FROM..TO", requires = "plot")]
    plot_window: Option<String>,
}

impl RunArgs {
    /// `spoolsim run FILE --format json`.
    pub(crate) fn json(file: PathBuf) -> Self {
        RunArgs {
            file: Some(file),
            format: Format::Json,
            ..RunArgs::default()
        }
    }
}

/// A file to write, buffered.
fn create(path: &Path) -> Result<std::io::BufWriter<std::fs::File>, CliError> {
    std::fs::File::create(path)
        .map(std::io::BufWriter::new)
        .map_err(|e| CliError::Input(format!("{}: cannot write: {e}", path.display())))
}

/// `--until`, checked as a scenario's `until` is.
fn until(text: Option<&str>) -> Result<Option<u64>, CliError> {
    let Some(u) = text else { return Ok(None) };
    let until = parse_duration(u).map_err(|e| CliError::Input(format!("--until: {e}")))?;
    if until > 365 * DAY {
        return Err(CliError::Input(
            "--until: the horizon may not pass 365 days".into(),
        ));
    }
    Ok(Some(until))
}

/// Writes the files `a` asks for: the plot (of `window`, if given), the trace (to a file, or
/// to standard output for `-`) and the timeline.
fn write_files(
    a: &RunArgs,
    outcome: &Outcome,
    provenance: &Provenance,
    window: Option<plot::PlotWindow>,
) -> Result<(), CliError> {
    // The plot first: a window that misses the run stops everything before a file is written.
    if let Some(path) = &a.plot {
        let opts = plot::PlotOptions { window };
        plot::write_svg_with(&outcome.run, &opts, path).map_err(|e| match e {
            plot::PlotError::Window(_) => CliError::Input(e.to_string()),
            _ => CliError::Input(format!("{}: {e}", path.display())),
        })?;
    }
    if let Some(path) = &a.trace {
        let failed = |e: std::io::Error| CliError::Input(format!("{}: {e}", path.display()));
        if is_stdin(path) {
            let mut out = std::io::stdout().lock();
            // A closed pipe (`| head`) ends the trace early; that is not an error of the run.
            let _ = jsonl::write_trace_with(&outcome.run, Some(provenance), &mut out)
                .and_then(|_| out.flush());
        } else {
            let mut w = create(path)?;
            jsonl::write_trace_with(&outcome.run, Some(provenance), &mut w)
                .and_then(|_| w.flush())
                .map_err(failed)?;
        }
    }
    if let Some(path) = &a.timeline {
        let mut w = create(path)?;
        timeline::write_timeline(&outcome.run, &mut w)
            .and_then(|_| w.flush())
            .map_err(|e| CliError::Input(format!("{}: {e}", path.display())))?;
    }
    Ok(())
}

/// `spoolsim run` (and `spoolsim` alone, with the defaults).
pub(crate) fn cmd_run(a: RunArgs) -> Result<(), CliError> {
    // Options first: a usage error shows before anything about the scenario.
    let until = until(a.until.as_deref())?;
    let window = a
        .plot_window
        .as_deref()
        .map(plot::PlotWindow::parse)
        .transpose()
        .map_err(|e| CliError::Input(format!("--plot-window {e}")))?;
    let loaded = load_source(a.file.as_deref(), &a.set.set)?;
    warn(&loaded.parsed);
    let text = loaded.text;
    let full = a.trace.is_some() || a.timeline.is_some() || a.plot.is_some();
    let opts = RunOptions {
        seed: a.seed,
        until,
        full_trace: full,
    };
    // Shared with the run rather than copied for it, then kept by the outcome.
    let scenario = Arc::new(loaded.parsed.scenario);
    let result = run_shared(scenario.clone(), &opts);
    let scenario = Arc::try_unwrap(scenario).unwrap_or_else(|s| (*s).clone());
    let outcome = Outcome::of(scenario, result);
    let overrides = a.set.recorded();
    let provenance = Provenance::new(&text, outcome.run.seed, overrides.clone());
    write_files(&a, &outcome, &provenance, window)?;
    // With the trace on standard output, the report goes to standard error.
    let to_stderr = a.trace.as_deref().is_some_and(is_stdin);
    let out: Box<dyn Write> = if to_stderr {
        Box::new(std::io::stderr().lock())
    } else {
        Box::new(std::io::stdout().lock())
    };
    let mut out = std::io::BufWriter::new(out);
    // A closed pipe (e.g. `| head`) is not an error of the run.
    let _ = match a.format {
        Format::Text => {
            let report =
                with_overrides_line(text::render(&outcome, report_color(to_stderr)), &overrides);
            out.write_all(report.as_bytes())
        }
        // Written as it is made: a report of 10,000 transports is some 8 MB.
        Format::Json => outcome
            .write_json_with(&provenance, &mut out)
            .map_err(std::io::Error::from)
            .and_then(|()| out.write_all(b"\n")),
    };
    let _ = out.flush();
    let passed = outcome.passed();
    // The process ends with the command: the run's memory (tens of megabytes in small pieces
    // at 10,000 transports) goes back to the system at once, not freed piece by piece.
    std::mem::forget(outcome);
    if passed {
        Ok(())
    } else {
        Err(CliError::Failed)
    }
}
