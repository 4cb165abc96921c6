//! Scenarios compiled into the binary: the whole library of `sim-scenarios/`.
//!
//! The library is the best documentation of the format by example, and `spoolsim check`'s
//! regression suite; compiled in (by the build script, from the folder itself), it stays at hand
//! after `cargo install`, far from any clone: `spoolsim example --list`, `spoolsim example NAME`,
//! and `spoolsim check` where no `sim-scenarios/` folder exists.

include!(concat!(env!("OUT_DIR"), "/library.rs"));

/// The office day: `spoolsim` with no arguments runs it; `spoolsim example` prints it.
pub const OFFICE_DAY: &str = include_str!("../../sim-scenarios/office-day.toml");

/// The file name the office day is reported under.
pub const OFFICE_DAY_FILE: &str = "office-day.toml";

/// The library's scenario called `name`, with or without `.toml`: its file name and text.
pub fn find(name: &str) -> Option<(&'static str, &'static str)> {
    let file = name.strip_suffix(".toml").unwrap_or(name);
    LIBRARY
        .iter()
        .copied()
        .find(|(f, _)| f.strip_suffix(".toml") == Some(file))
}

/// The names of the library's scenarios (file names without `.toml`), in order.
pub fn names() -> impl Iterator<Item = &'static str> + Clone {
    LIBRARY
        .iter()
        .map(|(f, _)| f.strip_suffix(".toml").unwrap_or(f))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_office_day_is_in_the_library() {
        assert_eq!(find("office-day"), Some((OFFICE_DAY_FILE, OFFICE_DAY)));
        assert_eq!(find("office-day.toml").map(|f| f.0), Some(OFFICE_DAY_FILE));
        assert_eq!(find("nope"), None);
        assert!(names().any(|n| n == "office-day"));
    }
}
