//! `spoolsim validate`: scenario files parsed and checked, none run.

use std::path::PathBuf;

use super::output::{error, warn};
use super::overrides::SetArgs;
use super::source::{diagnostics, read_text};
use super::{CliError, Format};
use crate::report::provenance::{sha256_hex, VERSION};
use crate::scenario::parse::{parse_scenario_with, Override};

/// Arguments of `spoolsim validate`.
#[derive(Debug, clap::Args)]
pub(crate) struct ValidateArgs {
    /// Scenario files (- for standard input).
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// Output format: text (errors and warnings on standard error), or one JSON document on
    /// standard output with every diagnostic.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    #[command(flatten)]
    set: SetArgs,
}

/// One file's verdict, for JSON.
struct Verdict {
    file: String,
    scenario: Option<String>,
    sha256: Option<String>,
    diagnostics: Vec<serde_json::Value>,
}

/// Checks one file; in text mode prints what it found, in JSON mode keeps it.
fn validate(path: &std::path::Path, overrides: &[Override], json: bool) -> Verdict {
    let (file, text) = match read_text(path) {
        Ok(read) => read,
        Err(e) => {
            if !json {
                print_error(diagnostics(&e, ""));
            }
            return Verdict {
                file: path.display().to_string(),
                scenario: None,
                sha256: None,
                diagnostics: e.to_json(),
            };
        }
    };
    let sha256 = Some(sha256_hex(text.as_bytes()));
    match parse_scenario_with(&text, &file, overrides) {
        Ok(p) => {
            if !json {
                warn(&p);
                println!("ok {file} ({})", p.scenario.name);
            }
            Verdict {
                diagnostics: p.warnings.iter().map(|w| w.to_json()).collect(),
                file,
                scenario: Some(p.scenario.name),
                sha256,
            }
        }
        Err(e) => {
            if !json {
                print_error(diagnostics(&e, &text));
            }
            Verdict {
                diagnostics: e.to_json(),
                file,
                scenario: None,
                sha256,
            }
        }
    }
}

fn print_error(e: CliError) {
    if let CliError::Diagnostics(text) = e {
        anstream::eprintln!("{text}\n");
    }
}

/// `spoolsim validate FILE...`.
pub(crate) fn cmd_validate(a: ValidateArgs) -> Result<(), CliError> {
    let json = a.format == Format::Json;
    let verdicts: Vec<Verdict> = a
        .files
        .iter()
        .map(|f| validate(f, &a.set.set, json))
        .collect();
    let bad = verdicts.iter().filter(|v| v.scenario.is_none()).count();
    if json {
        let doc = serde_json::json!({
            "spoolsim": VERSION,
            "overrides": a.set.recorded(),
            "files": verdicts.iter().map(|v| serde_json::json!({
                "file": v.file,
                "valid": v.scenario.is_some(),
                "scenario": v.scenario,
                "scenario_sha256": v.sha256,
            })).collect::<Vec<_>>(),
            "diagnostics": verdicts
                .iter()
                .flat_map(|v| v.diagnostics.iter().cloned())
                .collect::<Vec<_>>(),
        });
        println!("{}", serde_json::to_string_pretty(&doc).unwrap_or_default());
    }
    if bad == 0 {
        return Ok(());
    }
    let files = a.files.len();
    error(&format!(
        "{bad} of {files} file{} {} invalid",
        if files == 1 { "" } else { "s" },
        if bad == 1 { "is" } else { "are" }
    ));
    Err(CliError::Reported)
}
