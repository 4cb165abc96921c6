//! Where two traces part: the first event that differs, and the events just before it.
//!
//! Two runs that differ anywhere differ first somewhere, and everything after that point may
//! follow from it; so the one event worth showing is the first that differs, with the few
//! identical events before it that say what was going on. The sides are read in step, one event
//! each, keeping only a ring of the last identical ones: memory does not grow with the traces.

use std::collections::VecDeque;

use serde_json::Value as Json;

use super::side::Events;
use crate::cli::CliError;

/// The first event where two traces differ.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Parting {
    /// Its number, from 1 (the trace's line number minus one).
    pub(crate) event: u64,
    /// Identical events just before it, with their numbers, oldest first.
    pub(crate) context: Vec<(u64, Json)>,
    /// The left side's event there (`None`: the left trace had ended).
    pub(crate) left: Option<Json>,
    /// The right side's event there (`None`: the right trace had ended).
    pub(crate) right: Option<Json>,
}

/// What comparing two traces found.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Compared {
    /// How many events the left trace has.
    pub(crate) left_events: u64,
    /// How many events the right trace has.
    pub(crate) right_events: u64,
    /// The first difference, if any.
    pub(crate) parting: Option<Parting>,
}

/// Reads both traces to their ends and finds where they part, keeping `context` events of
/// context before it.
pub(crate) fn compare(
    left: &mut Events<'_>,
    right: &mut Events<'_>,
    context: usize,
) -> Result<Compared, CliError> {
    let mut recent: VecDeque<(u64, Json)> = VecDeque::with_capacity(context + 1);
    let mut n = 0u64;
    let parting = loop {
        let (l, r) = (left.next_event()?, right.next_event()?);
        if l.is_none() && r.is_none() {
            break None;
        }
        n += 1;
        if l == r {
            if let Some(e) = l {
                recent.push_back((n, e));
                if recent.len() > context {
                    recent.pop_front();
                }
            }
            continue;
        }
        break Some(Parting {
            event: n,
            context: recent.drain(..).collect(),
            left: l,
            right: r,
        });
    };
    let Some(p) = parting else {
        return Ok(Compared {
            left_events: n,
            right_events: n,
            parting: None,
        });
    };
    let rest = |side: &mut Events<'_>, had: bool| -> Result<u64, CliError> {
        let mut count = u64::from(had);
        while side.next_event()?.is_some() {
            count += 1;
        }
        Ok(count)
    };
    let before = p.event - 1;
    let left_events = before + rest(left, p.left.is_some())?;
    let right_events = before + rest(right, p.right.is_some())?;
    Ok(Compared {
        left_events,
        right_events,
        parting: Some(p),
    })
}
