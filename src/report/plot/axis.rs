//! Virtual time as a reader of the picture sees it: the unit of an axis, its tick labels, and
//! durations in at most two human units for the subtitle.
//!
//! A run can last a millisecond or a week, so the axis picks the unit that keeps tick labels
//! short, and a chart that starts late in the run labels its ticks with clock times instead of
//! offsets from its own start.

use crate::sim::time::{DAY, HOUR, MILLISECOND, MINUTE, SECOND};
use crate::sim::Micros;

/// A duration in at most two human units: `250 ms`, `1 min 13 s`, `5 d 0 h`.
pub(crate) fn human(us: Micros) -> String {
    let two = |a: u64, ua: &str, b: u64, ub: &str| {
        if b == 0 {
            format!("{a} {ua}")
        } else {
            format!("{a} {ua} {b} {ub}")
        }
    };
    let frac = |t: u64, per: u64, u: &str| {
        let s = format!("{:.3}", t as f64 / per as f64);
        format!("{} {u}", s.trim_end_matches('0').trim_end_matches('.'))
    };
    match us {
        t if t >= DAY => two(t / DAY, "d", t % DAY / HOUR, "h"),
        t if t >= HOUR => two(t / HOUR, "h", t % HOUR / MINUTE, "min"),
        t if t >= MINUTE => two(t / MINUTE, "min", t % MINUTE / SECOND, "s"),
        t if t >= SECOND => frac(t, SECOND, "s"),
        t if t >= MILLISECOND => frac(t, MILLISECOND, "ms"),
        t => format!("{t} µs"),
    }
}

/// The time unit of an axis.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Unit {
    /// What tick labels call it.
    pub name: &'static str,
    /// Its length in microseconds.
    pub us: f64,
}

/// The unit for an axis `len` microseconds long.
pub(crate) fn unit_for(len: Micros) -> Unit {
    let (name, us) = match len {
        s if s <= 2 * MILLISECOND => ("µs", 1),
        s if s <= 2 * SECOND => ("ms", MILLISECOND),
        s if s <= 300 * SECOND => ("s", SECOND),
        s if s <= 3 * HOUR => ("min", MINUTE),
        s if s <= 72 * HOUR => ("h", HOUR),
        _ => ("d", DAY),
    };
    Unit {
        name,
        us: us as f64,
    }
}

/// How an axis labels its ticks: a number of units from 0, or (for a window that starts late
/// in the run) a clock time `[Nd ]h:mm[:ss[.mmm]]`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Axis {
    /// The unit of the axis's coordinates.
    pub unit: Unit,
    /// Whether ticks show clock times.
    pub clock: bool,
}

/// The label of the tick at `v` units.
pub(crate) fn tick_label(v: f64, a: Axis) -> String {
    if a.clock {
        return clock(((v * a.unit.us).round().max(0.0)) as Micros, a.unit);
    }
    let r = (v * 100.0).round() / 100.0;
    let num = if (r - r.round()).abs() < 1e-9 {
        format!("{}", r.round() as i64)
    } else {
        let s = format!("{r:.2}");
        s.trim_end_matches('0').to_string()
    };
    format!("{num} {}", a.unit.name)
}

/// Steps between time ticks, shortest first: round numbers of each unit.
const TIME_STEPS: [Micros; 40] = [
    1,
    2,
    5,
    10,
    20,
    50,
    100,
    200,
    500,
    MILLISECOND,
    2 * MILLISECOND,
    5 * MILLISECOND,
    10 * MILLISECOND,
    20 * MILLISECOND,
    50 * MILLISECOND,
    100 * MILLISECOND,
    200 * MILLISECOND,
    500 * MILLISECOND,
    SECOND,
    2 * SECOND,
    5 * SECOND,
    10 * SECOND,
    15 * SECOND,
    30 * SECOND,
    MINUTE,
    2 * MINUTE,
    5 * MINUTE,
    10 * MINUTE,
    15 * MINUTE,
    30 * MINUTE,
    HOUR,
    2 * HOUR,
    3 * HOUR,
    6 * HOUR,
    12 * HOUR,
    DAY,
    2 * DAY,
    7 * DAY,
    14 * DAY,
    30 * DAY,
];

/// Ticks at round times from `lo` to `hi`, at most `max` of them (more for an axis longer than
/// 30 days times `max`): every multiple of the shortest round step that keeps within `max`.
pub(crate) fn time_ticks(lo: Micros, hi: Micros, max: usize) -> Vec<Micros> {
    let len = hi.saturating_sub(lo).max(1);
    let max = max.max(2) as u64;
    let step = TIME_STEPS
        .iter()
        .copied()
        .find(|&s| len / s < max)
        .unwrap_or(30 * DAY);
    let first = lo.div_ceil(step).saturating_mul(step);
    (0..)
        .map(|k: u64| first.saturating_add(k.saturating_mul(step)))
        .take_while(|&t| t <= hi)
        .take(1000)
        .collect()
}

/// `t` as a clock time, as precise as the unit `u` needs.
fn clock(t: Micros, u: Unit) -> String {
    let (d, h, m, s, ms) = (
        t / DAY,
        t % DAY / HOUR,
        t % HOUR / MINUTE,
        t % MINUTE / SECOND,
        t % SECOND / MILLISECOND,
    );
    let body = match u.name {
        "µs" => format!("{h}:{m:02}:{s:02}.{:06}", t % SECOND),
        "ms" => format!("{h}:{m:02}:{s:02}.{ms:03}"),
        "s" => format!("{h}:{m:02}:{s:02}"),
        "min" => format!("{h}:{m:02}"),
        "h" => format!("{h}:00"),
        _ => return format!("{d} d"),
    };
    if d > 0 {
        format!("{d}d {body}")
    } else {
        body
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units_and_ticks() {
        assert_eq!(unit_for(1).name, "µs");
        assert_eq!(unit_for(300_000).name, "ms");
        assert_eq!(unit_for(90_000_000).name, "s");
        assert_eq!(unit_for(3_600_000_000).name, "min");
        assert_eq!(unit_for(86_400_000_000).name, "h");
        assert_eq!(unit_for(7 * 86_400_000_000).name, "d");
        assert_eq!(unit_for(7 * 86_400_000_000).us, 86_400e6);
        let a = Axis {
            unit: unit_for(3_600_000_000),
            clock: false,
        };
        assert_eq!(tick_label(20.0, a), "20 min");
        assert_eq!(tick_label(2.5, a), "2.5 min");
        let c = Axis { clock: true, ..a };
        assert_eq!(tick_label(60.0 * 24.0 * 5.0 + 62.0, c), "5d 1:02");
        assert_eq!(human(5 * DAY + 73 * SECOND), "5 d");
        assert_eq!(human(30 * MINUTE), "30 min");
        assert_eq!(human(73 * SECOND + 500 * MILLISECOND), "1 min 13 s");
        assert_eq!(human(1_500 * MILLISECOND), "1.5 s");
        assert_eq!(human(0), "0 µs");
        assert_eq!(human(7), "7 µs");
        assert_eq!(time_ticks(0, 9 * HOUR, 10).len(), 10);
        assert_eq!(time_ticks(0, 9 * HOUR, 10)[1], HOUR);
        let w = time_ticks(2 * HOUR + 1, 4 * HOUR, 10);
        assert_eq!(w[0], 2 * HOUR + 15 * MINUTE);
        assert_eq!(time_ticks(0, 365 * DAY, 10)[1], 30 * DAY);
        assert_eq!(time_ticks(5, 8, 10), vec![5, 6, 7, 8]);
    }
}
