//! `spoolsim example`: the scenario library built into the binary, to read and start from.

use super::CliError;
use crate::scenario::builtin::{find, names, LIBRARY, OFFICE_DAY};
use crate::scenario::error::{list, suggest};

/// Arguments of `spoolsim example`.
#[derive(Debug, clap::Args)]
pub(crate) struct ExampleArgs {
    /// A scenario of the built-in library to print (default: the office day).
    name: Option<String>,
    /// List the built-in library: each scenario's name and what it shows.
    #[arg(long, conflicts_with = "name")]
    list: bool,
}

/// The first line of a scenario's `description`, read without parsing the whole file.
fn summary(text: &str) -> String {
    let described = toml::from_str::<toml::Table>(text).ok().and_then(|t| {
        t.get("description")
            .and_then(|d| d.as_str())
            .map(str::to_string)
    });
    let text = described.unwrap_or_default().replace('\n', " ");
    let first = text
        .split(": ")
        .next()
        .and_then(|s| s.split(". ").next())
        .unwrap_or("")
        .trim()
        .trim_end_matches('.');
    if first.chars().count() > 90 {
        first.chars().take(89).collect::<String>() + "…"
    } else {
        first.to_string()
    }
}

/// `spoolsim example [NAME | --list]`.
pub(crate) fn cmd_example(a: ExampleArgs) -> Result<(), CliError> {
    if a.list {
        let width = names().map(str::len).max().unwrap_or(0);
        for (name, (_, text)) in names().zip(LIBRARY) {
            println!("{name:<width$}  {}", summary(text));
        }
        return Ok(());
    }
    let Some(name) = a.name else {
        print!("{OFFICE_DAY}");
        return Ok(());
    };
    match find(&name) {
        Some((_, text)) => {
            print!("{text}");
            Ok(())
        }
        None => {
            let hint = match suggest(&name, names()) {
                Some(c) => format!("did you mean `{c}`?"),
                None => format!("the library has {}", list(names())),
            };
            Err(CliError::Input(format!(
                "no built-in scenario is named `{name}`; {hint} (`spoolsim example --list` \
                 lists them)"
            )))
        }
    }
}
