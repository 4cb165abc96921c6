//! Files generated from the command line's own definition and the parser's own key lists:
//! shell completions, the man page, and the JSON Schema of scenario files. Generated, they
//! cannot fall behind the options and keys they describe.

use std::io::Write;

use clap::CommandFactory;
use clap_complete::Shell;

use super::{Cli, CliError};
use crate::scenario::parse::schema::scenario_schema;

/// `spoolsim completions SHELL`: the completion script for `shell` on standard output.
pub(crate) fn completions(shell: Shell) -> Result<(), CliError> {
    let mut cmd = Cli::command();
    let mut out = std::io::stdout().lock();
    clap_complete::generate(shell, &mut cmd, "spoolsim", &mut out);
    let _ = out.flush();
    Ok(())
}

/// `spoolsim man`: the man page (roff) on standard output.
pub(crate) fn man() -> Result<(), CliError> {
    let mut out = std::io::stdout().lock();
    clap_mangen::Man::new(Cli::command())
        .render(&mut out)
        .map_err(|e| CliError::Input(format!("cannot write the man page: {e}")))
}

/// The schema as `spoolsim schema` prints it (and `docs/scenario.schema.json` holds it).
pub fn schema_text() -> String {
    serde_json::to_string_pretty(&scenario_schema()).unwrap_or_default() + "\n"
}

/// `spoolsim schema`: the JSON Schema of scenario files on standard output.
pub(crate) fn schema() -> Result<(), CliError> {
    let _ = std::io::stdout().lock().write_all(schema_text().as_bytes());
    Ok(())
}
