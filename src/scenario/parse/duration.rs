//! Durations as people write them: `"250ms"`, `"45s"`, `"1h 30m"`, `"1.5h"`, `"2 weeks"`.
//!
//! The grammar is humantime's (a number and a unit, repeated; a fraction allowed; `"0"` alone
//! is zero), with its units except months and years: a month or a year has no fixed length, and
//! `"5M"` (five months to humantime) is almost always a mistyped `"5m"`. Parsing here rather than
//! through humantime also lets every refusal be said in this project's words, with the accepted
//! units and a suggestion, and keeps the arithmetic exact: a duration is a whole number of
//! microseconds or an error, never a rounded one.

use std::fmt;

use crate::scenario::error::closest;
use crate::sim::time::Micros;

/// A unit: its short name, what it reads as in messages, every spelling, its length in ns.
struct Unit {
    short: &'static str,
    long: &'static str,
    spellings: &'static [&'static str],
    nanos: u128,
}

/// The accepted units, shortest first.
const UNITS: &[Unit] = &[
    Unit {
        short: "ns",
        long: "nanoseconds",
        spellings: &["ns", "nsec", "nanos"],
        nanos: 1,
    },
    Unit {
        short: "us",
        long: "microseconds",
        spellings: &["us", "usec", "µs"],
        nanos: 1_000,
    },
    Unit {
        short: "ms",
        long: "milliseconds",
        spellings: &["ms", "msec", "millis"],
        nanos: 1_000_000,
    },
    Unit {
        short: "s",
        long: "seconds",
        spellings: &["s", "sec", "secs", "second", "seconds"],
        nanos: 1_000_000_000,
    },
    Unit {
        short: "m",
        long: "minutes",
        spellings: &["m", "min", "mins", "minute", "minutes"],
        nanos: 60_000_000_000,
    },
    Unit {
        short: "h",
        long: "hours",
        spellings: &["h", "hr", "hrs", "hour", "hours"],
        nanos: 3_600_000_000_000,
    },
    Unit {
        short: "d",
        long: "days",
        spellings: &["d", "day", "days"],
        nanos: 86_400_000_000_000,
    },
    Unit {
        short: "w",
        long: "weeks",
        spellings: &["w", "wk", "wks", "week", "weeks"],
        nanos: 604_800_000_000_000,
    },
];

/// Spellings of months, which are refused.
const MONTHS: &[&str] = &["M", "month", "months"];

/// Spellings of months and years, which are refused.
const REFUSED: &[&str] = &["M", "month", "months", "y", "yr", "yrs", "year", "years"];

/// Every accepted spelling of every unit, in table order.
pub fn unit_spellings() -> impl Iterator<Item = &'static str> {
    UNITS.iter().flat_map(|u| u.spellings.iter().copied())
}

/// Why a text is not a duration. Its `Display` says so in a phrase that follows the text, such
/// as `"5M"`: *months and years are not accepted, ...*.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DurationError {
    /// Nothing but blanks.
    Empty,
    /// A number with no unit after it (other than a lone `0`).
    NoUnit(String),
    /// Something other than a number where a number belongs.
    NumberExpected(String),
    /// A point with no digits after it, as in `"1.s"`.
    BareFraction(String),
    /// A unit that is not one; with the closest accepted unit, if any.
    UnknownUnit {
        /// The unit as written.
        unit: String,
        /// The accepted spelling it probably meant.
        suggestion: Option<&'static str>,
    },
    /// Months or years.
    MonthsOrYears(String),
    /// Not a whole number of microseconds.
    SubMicrosecond,
    /// More than 2^64 - 1 microseconds.
    Overflow,
}

/// `ns`, `us`, ... for messages.
fn accepted() -> String {
    let shorts: Vec<String> = UNITS.iter().map(|u| format!("`{}`", u.short)).collect();
    format!(
        "the units are {} and {}, or a long form such as `min` or `hours`",
        shorts[..shorts.len() - 1].join(", "),
        shorts[shorts.len() - 1]
    )
}

/// `` `m` (minutes) ``, for any spelling of a unit.
fn described(spelling: &str) -> String {
    match UNITS.iter().find(|u| u.spellings.contains(&spelling)) {
        Some(u) => format!("`{spelling}` ({})", u.long),
        None => format!("`{spelling}`"),
    }
}

impl fmt::Display for DurationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DurationError::Empty => write!(f, "it is empty"),
            DurationError::NoUnit(n) => write!(
                f,
                "the number {n} has no unit; write \"{n}s\" or \"{n}ms\" ({})",
                accepted()
            ),
            DurationError::NumberExpected(w) => {
                write!(
                    f,
                    "a number belongs where \"{w}\" is, as in \"5m\" or \"1h 30m\""
                )
            }
            DurationError::BareFraction(n) => {
                write!(f, "\"{n}\" has a point but no digits after it")
            }
            DurationError::UnknownUnit { unit, suggestion } => {
                write!(f, "`{unit}` is not a unit")?;
                match suggestion {
                    Some(s) => write!(f, "; did you mean {}?", described(s)),
                    None => write!(f, "; {}", accepted()),
                }
            }
            DurationError::MonthsOrYears(unit) => {
                let what = if MONTHS.contains(&unit.as_str()) {
                    "months"
                } else {
                    "years"
                };
                write!(
                    f,
                    "`{unit}` means {what}, and neither months nor years are accepted since \
                     their length varies"
                )?;
                if unit == "M" {
                    write!(f, "; did you mean {}?", described("m"))?;
                } else {
                    write!(f, "; write days instead, like \"30d\"")?;
                }
                write!(f, " ({})", accepted())
            }
            DurationError::SubMicrosecond => write!(
                f,
                "it has a remainder finer than a microsecond, and virtual time is exact to the \
                 microsecond"
            ),
            DurationError::Overflow => {
                write!(f, "it is too long to fit in 64 bits of microseconds")
            }
        }
    }
}

impl std::error::Error for DurationError {}

/// The unit `word` names, or why it names none.
fn unit(word: &str) -> Result<&'static Unit, DurationError> {
    if let Some(u) = UNITS.iter().find(|u| u.spellings.contains(&word)) {
        return Ok(u);
    }
    if REFUSED.contains(&word) {
        return Err(DurationError::MonthsOrYears(word.to_string()));
    }
    // Case first ("H" for "h", "MS" for "ms"), then spelling ("minuts").
    let lower = word.to_lowercase();
    let suggestion = unit_spellings()
        .find(|s| *s == lower)
        .or_else(|| closest(word, unit_spellings()));
    Err(DurationError::UnknownUnit {
        unit: word.to_string(),
        suggestion,
    })
}

/// A number as written: its whole part and, if any, its fraction `digits / 10^len`.
struct Number<'a> {
    whole: &'a str,
    fraction: Option<&'a str>,
}

impl Number<'_> {
    /// `self` × `u`, in nanoseconds, if whole.
    fn nanos(&self, u: &Unit) -> Result<u128, DurationError> {
        let whole: u128 = if self.whole.len() > 30 {
            return Err(DurationError::Overflow);
        } else {
            self.whole.parse().map_err(|_| DurationError::Overflow)?
        };
        let mut total = whole.checked_mul(u.nanos).ok_or(DurationError::Overflow)?;
        if let Some(digits) = self.fraction {
            let digits = digits.trim_end_matches('0');
            if digits.len() > 18 {
                return Err(DurationError::SubMicrosecond);
            }
            let numerator: u128 = if digits.is_empty() {
                0
            } else {
                digits.parse().map_err(|_| DurationError::Overflow)?
            };
            let denominator = 10u128.pow(digits.len() as u32);
            let scaled = numerator * u.nanos;
            if scaled % denominator != 0 {
                return Err(DurationError::SubMicrosecond);
            }
            total = total
                .checked_add(scaled / denominator)
                .ok_or(DurationError::Overflow)?;
        }
        Ok(total)
    }
}

/// Splits off the leading run of chars of `s` matching `f`.
fn take(s: &str, f: impl Fn(char) -> bool) -> (&str, &str) {
    let end = s.find(|c: char| !f(c)).unwrap_or(s.len());
    s.split_at(end)
}

/// Reads one `number unit` item from the front of `rest`; returns its nanoseconds and the rest.
fn item(rest: &str) -> Result<(u128, &str), DurationError> {
    let (whole, after) = take(rest, |c| c.is_ascii_digit());
    if whole.is_empty() {
        let (word, _) = take(rest, |c| !c.is_whitespace() && !c.is_ascii_digit());
        let word = if word.is_empty() { rest } else { word };
        return Err(DurationError::NumberExpected(
            word.chars().take(20).collect(),
        ));
    }
    let (fraction, after) = match after.strip_prefix('.') {
        Some(f) => {
            let (digits, after) = take(f, |c| c.is_ascii_digit());
            if digits.is_empty() {
                return Err(DurationError::BareFraction(format!("{whole}.")));
            }
            (Some(digits), after)
        }
        None => (None, after),
    };
    let number = Number { whole, fraction };
    let (word, after) = take(after.trim_start(), |c| c.is_alphabetic());
    if word.is_empty() {
        let written = match fraction {
            Some(f) => format!("{whole}.{f}"),
            None => whole.to_string(),
        };
        return match after.chars().next() {
            None => Err(DurationError::NoUnit(written)),
            Some(c) => Err(DurationError::UnknownUnit {
                unit: c.to_string(),
                suggestion: None,
            }),
        };
    }
    let u = unit(word)?;
    Ok((number.nanos(u)?, after))
}

/// Parses a duration into exact microseconds.
pub fn parse(text: &str) -> Result<Micros, DurationError> {
    let mut rest = text.trim();
    if rest.is_empty() {
        return Err(DurationError::Empty);
    }
    if rest == "0" {
        return Ok(0);
    }
    let mut nanos: u128 = 0;
    while !rest.is_empty() {
        let (n, after) = item(rest)?;
        nanos = nanos.checked_add(n).ok_or(DurationError::Overflow)?;
        rest = after.trim_start();
    }
    if nanos % 1_000 != 0 {
        return Err(DurationError::SubMicrosecond);
    }
    Micros::try_from(nanos / 1_000).map_err(|_| DurationError::Overflow)
}

/// Why a duration as written was refused: the text, and why in a phrase.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvalidDuration {
    /// Not a duration.
    #[error("`{text}` is not a duration: {reason}")]
    Syntax {
        /// The text as written.
        text: String,
        /// Why, in a phrase.
        reason: String,
    },
    /// Finer than the simulation's resolution.
    #[error(
        "`{0}` has a remainder finer than a microsecond; virtual time is exact to the microsecond"
    )]
    SubMicrosecond(String),
    /// Does not fit in 64 bits of microseconds.
    #[error("`{0}` is too long")]
    Overflow(String),
}

/// Parses a duration as scenario files write it (`"250ms"`, `"1h 30m"`, `"0s"`; months and
/// years refused) into exact microseconds.
pub fn parse_duration(text: &str) -> Result<Micros, InvalidDuration> {
    use DurationError as Why;
    parse(text).map_err(|e| match e {
        Why::SubMicrosecond => InvalidDuration::SubMicrosecond(text.to_string()),
        Why::Overflow => InvalidDuration::Overflow(text.to_string()),
        why => InvalidDuration::Syntax {
            text: text.to_string(),
            reason: why.to_string(),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::time::{format_duration, DAY, HOUR, MILLISECOND, MINUTE, SECOND};

    #[test]
    fn reads_what_humantime_reads_except_months_and_years() {
        for (text, us) in [
            ("250ms", 250 * MILLISECOND),
            ("1h 30m", HOUR + 30 * MINUTE),
            ("1h30m", HOUR + 30 * MINUTE),
            ("2 weeks", 14 * DAY),
            ("1.5h", HOUR + 30 * MINUTE),
            ("0", 0),
            ("0s", 0),
            (" 45s ", 45 * SECOND),
            ("1us", 1),
            ("1µs", 1),
            ("3000ns", 3),
            ("1.000001s", SECOND + 1),
            ("1 min 2 secs", MINUTE + 2 * SECOND),
            ("5d", 5 * DAY),
            ("1.50s", 1_500_000),
        ] {
            assert_eq!(parse(text), Ok(us), "{text}");
        }
    }

    #[test]
    fn months_and_years_are_refused_with_a_hint() {
        let e = parse("5M").unwrap_err();
        assert_eq!(e, DurationError::MonthsOrYears("M".into()));
        let m = e.to_string();
        assert!(m.contains("did you mean `m` (minutes)?"), "{m}");
        assert!(
            m.contains("the units are `ns`, `us`, `ms`, `s`, `m`, `h`, `d` and `w`"),
            "{m}"
        );
        for t in ["1y", "2 years", "1month", "3 yrs"] {
            let m = parse(t).unwrap_err().to_string();
            assert!(m.contains("write days instead"), "{t}: {m}");
        }
    }

    #[test]
    fn other_mistakes_in_our_own_words() {
        let msg = |t: &str| parse(t).unwrap_err().to_string();
        assert_eq!(parse(""), Err(DurationError::Empty));
        assert!(msg("5").contains("no unit; write \"5s\""));
        assert!(msg("soon").contains("a number belongs where \"soon\" is"));
        assert!(msg("-5s").contains("a number belongs where \"-\" is"));
        assert!(msg("5H").contains("did you mean `h` (hours)?"));
        assert!(msg("5 minuts").contains("did you mean `minute` (minutes)?"));
        assert!(msg("5 parsecs").contains("the units are"));
        assert!(msg("1.s").contains("no digits after it"));
        assert!(msg("5m!").contains("a number belongs where \"!\" is"));
        assert!(msg("5!").contains("`!` is not a unit"));
        assert_eq!(parse("1500ns"), Err(DurationError::SubMicrosecond));
        assert_eq!(parse("0.0000001s"), Err(DurationError::SubMicrosecond));
        assert_eq!(parse("1.5ns"), Err(DurationError::SubMicrosecond));
        assert_eq!(parse("99999999999999999999w"), Err(DurationError::Overflow));
        assert_eq!(
            parse(&"9".repeat(100)),
            Err(DurationError::NoUnit("9".repeat(100)))
        );
        assert_eq!(
            parse(&format!("{}s", "9".repeat(100))),
            Err(DurationError::Overflow)
        );
        for m in [msg("5M"), msg("x"), msg("5 parsecs")] {
            assert!(!m.contains("expected number at"), "{m}");
        }
    }

    #[test]
    fn parse_duration_reads_what_files_write() {
        assert_eq!(parse_duration("250ms").unwrap(), 250 * MILLISECOND);
        assert_eq!(parse_duration("1h 30m").unwrap(), HOUR + 30 * MINUTE);
        assert_eq!(parse_duration("0s").unwrap(), 0);
        assert_eq!(parse_duration("1us").unwrap(), 1);
        assert_eq!(parse_duration("5d").unwrap(), 5 * DAY);
    }

    #[test]
    fn refuses_sub_microsecond_and_garbage() {
        assert!(matches!(
            parse_duration("1500ns"),
            Err(InvalidDuration::SubMicrosecond(_))
        ));
        assert!(matches!(
            parse_duration("soon"),
            Err(InvalidDuration::Syntax { .. })
        ));
    }

    #[test]
    fn formats_round_trip() {
        assert_eq!(format_duration(7 * DAY), "7d");
        assert_eq!(format_duration(5 * DAY + HOUR), "5d 1h");
        for us in [
            0,
            1,
            999,
            SECOND,
            90 * SECOND,
            DAY + 3 * MILLISECOND,
            365 * DAY + 1,
        ] {
            assert_eq!(parse_duration(&format_duration(us)).unwrap(), us);
        }
        assert_eq!(format_duration(90 * SECOND), "1m 30s");
    }
}
