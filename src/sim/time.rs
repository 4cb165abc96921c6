//! Virtual time: microseconds since the start of a run.
//!
//! The contract makes every time exact to the microsecond, so time is a plain `u64` owned by the
//! simulation, never a `tokio::time::Instant` (tokio rounds sleeps up to whole milliseconds).

use std::fmt;

/// A point in virtual time or a span of it, in microseconds.
pub type Micros = u64;

/// One millisecond.
pub const MILLISECOND: Micros = 1_000;
/// One second.
pub const SECOND: Micros = 1_000_000;
/// One minute.
pub const MINUTE: Micros = 60 * SECOND;
/// One hour.
pub const HOUR: Micros = 60 * MINUTE;
/// One day.
pub const DAY: Micros = 24 * HOUR;

/// Why a duration string was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DurationError {
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
pub fn parse_duration(text: &str) -> Result<Micros, DurationError> {
    use crate::scenario::parse::duration::{parse, DurationError as Why};
    parse(text).map_err(|e| match e {
        Why::SubMicrosecond => DurationError::SubMicrosecond(text.to_string()),
        Why::Overflow => DurationError::Overflow(text.to_string()),
        why => DurationError::Syntax {
            text: text.to_string(),
            reason: why.to_string(),
        },
    })
}

/// A virtual time shown the way scenario files write durations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Time(pub Micros);

impl fmt::Display for Time {
    /// Days, hours, minutes, seconds, milliseconds and microseconds, zeros left out:
    /// `0s`, `1m 30s`, `5d 1h`, `2s 500ms` — a form `parse_duration` reads back.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0 == 0 {
            return f.write_str("0s");
        }
        let units = [
            (DAY, "d"),
            (HOUR, "h"),
            (MINUTE, "m"),
            (SECOND, "s"),
            (MILLISECOND, "ms"),
            (1, "us"),
        ];
        let mut rest = self.0;
        let mut first = true;
        for (size, name) in units {
            let n = rest / size;
            rest %= size;
            if n > 0 {
                if !first {
                    f.write_str(" ")?;
                }
                write!(f, "{n}{name}")?;
                first = false;
            }
        }
        Ok(())
    }
}

/// Formats microseconds as a humantime duration (`0s`, `1m 30s`, `250ms`).
pub fn format_duration(us: Micros) -> String {
    Time(us).to_string()
}

/// A short, fixed-precision form for tables: `750us`, `63.442ms`, `12.5s`, `7m05.665s`,
/// `1h07m05.665s`; exact to the millisecond above one second.
pub fn format_compact(us: Micros) -> String {
    fn trim(s: String) -> String {
        if s.contains('.') {
            s.trim_end_matches('0').trim_end_matches('.').to_string()
        } else {
            s
        }
    }
    if us < MILLISECOND {
        return format!("{us}us");
    }
    if us < SECOND {
        return trim(format!("{:.3}", us as f64 / 1e3)) + "ms";
    }
    let ms = us / MILLISECOND;
    let (h, m) = (ms / 3_600_000, (ms / 60_000) % 60);
    let sec = (ms % 60_000) as f64 / 1e3;
    if h > 0 {
        format!("{h}h{m:02}m{:06.3}s", sec)
    } else if m > 0 {
        format!("{m}m{:06.3}s", sec)
    } else {
        trim(format!("{sec:.3}")) + "s"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_humantime_forms() {
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
            Err(DurationError::SubMicrosecond(_))
        ));
        assert!(matches!(
            parse_duration("soon"),
            Err(DurationError::Syntax { .. })
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

    #[test]
    fn compact_forms() {
        assert_eq!(format_compact(750), "750us");
        assert_eq!(format_compact(63_442), "63.442ms");
        assert_eq!(format_compact(12_500_000), "12.5s");
        assert_eq!(format_compact(7 * MINUTE + 5_665_000), "7m05.665s");
        assert_eq!(
            format_compact(HOUR + 7 * MINUTE + 5_665_400),
            "1h07m05.665s"
        );
    }
}
