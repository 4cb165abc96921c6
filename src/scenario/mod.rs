//! Scenarios: the model of a run, its file format, the runner and the expectations.

pub mod builtin;
pub mod error;
pub mod expect;
pub mod metric_names;
pub mod metrics;
pub mod model;
pub mod parse;
pub mod runner;

pub use error::{ScenarioError, Warning};
pub use model::Scenario;
pub use parse::{load_scenario, parse_scenario, Parsed};
pub use runner::{run, run_with, Client, RunOptions, RunResult};
