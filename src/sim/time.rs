//! Virtual time: microseconds since the start of a run.
//!
//! Every time in a run is exact to the microsecond (`docs/semantics.md`), so time is a plain `u64`
//! owned by the simulation, never a `tokio::time::Instant` (tokio rounds sleeps up to whole
//! milliseconds).

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

/// A virtual time shown the way scenario files write durations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Time(pub Micros);

impl fmt::Display for Time {
    /// Days, hours, minutes, seconds, milliseconds and microseconds, zeros left out:
    /// `0s`, `1m 30s`, `5d 1h`, `2s 500ms` — a form scenario files accept.
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
