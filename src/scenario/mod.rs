//! Scenarios: their file format, the runner that plays them, metrics and expectations. The model
//! a scenario is parsed into lives in [`crate::model`].

pub mod builtin;
pub mod error;
pub mod expect;
pub mod metric_names;
pub mod metrics;
pub mod parse;
pub mod runner;

pub use crate::client::Client;
pub use crate::model::Scenario;
pub use error::{ScenarioError, Warning};
pub use parse::{load_scenario, parse_scenario, Parsed};
pub use runner::{run, run_shared, run_with, RunOptions, RunResult};
