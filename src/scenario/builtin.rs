//! Scenarios compiled into the binary.

/// The office day: `spoolsim` with no arguments runs it; `spoolsim example` prints it.
pub const OFFICE_DAY: &str = include_str!("../../sim-scenarios/office-day.toml");

/// The file name the office day is reported under.
pub const OFFICE_DAY_FILE: &str = "office-day.toml";
