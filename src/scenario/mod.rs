//! Scenarios: the model of a run, its file format, the runner and the expectations.

pub mod model;

pub use model::Scenario;
