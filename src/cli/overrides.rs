//! `--set PATH=VALUE`, the option every command that reads a scenario takes.
//!
//! The option is read here into checked [`Override`]s (a bad path, key or value is a usage
//! error before anything is read); applying them to a scenario is the parser's job
//! ([`crate::scenario::parse::parse_scenario_with`]), so that they go through every check a
//! file does. Outputs record the overrides as given, `PATH=VALUE`, in order.

use crate::scenario::parse::Override;

/// The `--set` option.
#[derive(Debug, Clone, Default, clap::Args)]
pub(crate) struct SetArgs {
    /// Change one key of the scenario before it is checked, e.g.
    /// transport.dialup.connect=30s (repeatable). PATH is seed, until, description,
    /// spooler.KEY, transport.NAME.KEY, or mail|incoming|fault|flush|procedure|validate.N.KEY.
    #[arg(long = "set", value_name = "PATH=VALUE", value_parser = Override::parse_set)]
    pub(crate) set: Vec<Override>,
}

impl SetArgs {
    /// The overrides as outputs record them: `PATH=VALUE`, in the order given.
    pub(crate) fn recorded(&self) -> Vec<String> {
        self.set.iter().map(Override::arg).collect()
    }
}

/// `report` (a text report whose first line is its title) with a line naming the overrides
/// after the title; `report` itself when there are none.
pub(crate) fn with_overrides_line(report: String, overrides: &[String]) -> String {
    if overrides.is_empty() {
        return report;
    }
    let line = format!("overrides: {}\n", overrides.join(", "));
    match report.find('\n') {
        Some(k) => format!("{}{line}{}", &report[..=k], &report[k + 1..]),
        None => format!("{report}\n{line}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_overrides_line_follows_the_title() {
        let r = "title\nbody\n".to_string();
        assert_eq!(with_overrides_line(r.clone(), &[]), r);
        assert_eq!(
            with_overrides_line(r, &["seed=3".into(), "until=1h".into()]),
            "title\noverrides: seed=3, until=1h\nbody\n"
        );
    }
}
