//! Scenarios: the model of a run, its file format, the runner and the expectations.

pub mod builtin;
pub mod expect;
pub mod metrics;
pub mod model;
pub mod runner;

pub use model::Scenario;
pub use runner::{run, run_with, Client, RunOptions, RunResult};
