//! `--plot-window FROM..TO`: the stretch of a run the picture draws.
//!
//! A year of mail is a thousand flush calls per pixel-wide stretch of a full-run chart; the
//! morning of day 100 needs a chart of its own. The window is written as two durations from
//! the start of the run, as scenario files write them (`2h..4h`, `100d 9h..100d 12h`); either
//! end may be left out (`..30m`, `364d..`) to mean the start or the end of the run.

use crate::scenario::parse::duration::parse_duration;
use crate::sim::Micros;

/// A stretch of virtual time to draw.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlotWindow {
    /// Its start.
    pub from: Micros,
    /// Its end, or the end of the run.
    pub to: Option<Micros>,
}

/// Why a `--plot-window` value cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WindowError {
    /// Not `FROM..TO`.
    #[error(
        "{0:?} is not FROM..TO: write two durations from the start of the run, such as 2h..4h"
    )]
    NoRange(String),
    /// An end that is not a duration.
    #[error("{text:?}: {reason}")]
    Duration {
        /// The end as written.
        text: String,
        /// Why it is not a duration.
        reason: String,
    },
    /// FROM is not before TO.
    #[error("{0}: FROM must come before TO")]
    Empty(String),
    /// FROM is at or after the end of the run.
    #[error("{window}: the run ends at {end}, so the window starts after it")]
    AfterEnd {
        /// The window as written.
        window: String,
        /// When the run ended.
        end: String,
    },
}

impl PlotWindow {
    /// Reads `FROM..TO`.
    pub fn parse(text: &str) -> Result<PlotWindow, WindowError> {
        let (a, b) = text
            .split_once("..")
            .ok_or_else(|| WindowError::NoRange(text.to_string()))?;
        let end = |s: &str| -> Result<Option<Micros>, WindowError> {
            let s = s.trim();
            if s.is_empty() {
                return Ok(None);
            }
            parse_duration(s)
                .map(Some)
                .map_err(|e| WindowError::Duration {
                    text: s.to_string(),
                    reason: e.to_string(),
                })
        };
        let (from, to) = (end(a)?.unwrap_or(0), end(b)?);
        if to.is_some_and(|to| to <= from) {
            return Err(WindowError::Empty(text.to_string()));
        }
        Ok(PlotWindow { from, to })
    }

    /// The stretch to draw of a run that ended at `end`: `[from, min(to, end)]`, or an error if
    /// the window starts at or after the end.
    pub fn within(&self, end: Micros) -> Result<(Micros, Micros), WindowError> {
        if self.from >= end {
            return Err(WindowError::AfterEnd {
                window: self.to_string(),
                end: crate::sim::time::format_duration(end),
            });
        }
        Ok((self.from, self.to.map_or(end, |t| t.min(end))))
    }
}

impl std::fmt::Display for PlotWindow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use crate::sim::time::format_duration as d;
        match self.to {
            Some(to) => write!(f, "{}..{}", d(self.from), d(to)),
            None => write!(f, "{}..", d(self.from)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::time::HOUR;

    #[test]
    fn windows_are_read_and_checked() {
        let w = PlotWindow::parse("2h..4h").unwrap();
        assert_eq!((w.from, w.to), (2 * HOUR, Some(4 * HOUR)));
        assert_eq!(PlotWindow::parse(" 1h 30m .. ").unwrap().to, None);
        assert_eq!(PlotWindow::parse("..30m").unwrap().from, 0);
        assert!(matches!(
            PlotWindow::parse("4h..2h"),
            Err(WindowError::Empty(_))
        ));
        assert!(matches!(
            PlotWindow::parse("2h..2h"),
            Err(WindowError::Empty(_))
        ));
        assert!(matches!(
            PlotWindow::parse("2h"),
            Err(WindowError::NoRange(_))
        ));
        assert!(matches!(
            PlotWindow::parse("2x..4h"),
            Err(WindowError::Duration { .. })
        ));
        assert_eq!(w.within(3 * HOUR), Ok((2 * HOUR, 3 * HOUR)));
        assert_eq!(w.within(9 * HOUR), Ok((2 * HOUR, 4 * HOUR)));
        let e = w.within(2 * HOUR).unwrap_err().to_string();
        assert!(e.contains("the run ends at 2h"), "{e}");
        assert_eq!(w.to_string(), "2h..4h");
    }
}
