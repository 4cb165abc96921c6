//! Scenarios: the model of a run, its file format, the runner and the expectations.

pub mod error;
pub mod metric_names;
pub mod model;
pub mod parse;

pub use error::{ScenarioError, Warning};
pub use model::Scenario;
pub use parse::{load_scenario, parse_scenario, Parsed};
