//! Measuring each case: repetitions, medians and the row each case reports.

use std::time::Duration;

use super::child::{drain_in_child, run_in_child};
use super::CliError;
use crate::bench::{self, baseline, drain_run, drain_setup, fleet, floor, DrainSetup};
use crate::scenario::metrics::{Metrics, Value};
use crate::sim::percentile::Five;
use crate::sim::time::{Micros, DAY, SECOND};

/// One row of the report; fields that do not apply stay `None`.
#[derive(Debug, Clone, Default)]
pub(super) struct Row {
    pub case: &'static str,
    pub n: u64,
    /// Median, min and max nanoseconds per message (per flush for `flush-roundtrip`).
    pub median: Option<f64>,
    pub min: Option<f64>,
    pub max: Option<f64>,
    pub baseline: Option<f64>,
    pub baseline_batched: Option<f64>,
    pub ratio: Option<f64>,
    pub floor: Option<f64>,
    pub ratio_floor: Option<f64>,
    pub peak_rss: Option<u64>,
    pub peak_rss_per_msg: Option<f64>,
    pub bytes_per_msg: Option<f64>,
    pub bytes_per_processed_msg: Option<f64>,
    pub size_of_msg: Option<usize>,
    pub note: String,
}

/// Median, min and max of nanoseconds per message over `samples` of `n` messages each.
pub(super) fn stats(samples: &[Duration], n: u64) -> (f64, f64, f64) {
    let mut v: Vec<f64> = samples
        .iter()
        .map(|d| d.as_nanos() as f64 / n.max(1) as f64)
        .collect();
    v.sort_by(f64::total_cmp);
    (v[v.len() / 2], v[0], v[v.len() - 1])
}

fn repeat(r: usize, mut f: impl FnMut() -> Duration) -> Vec<Duration> {
    (0..r).map(|_| f()).collect()
}

/// The sizes every case runs at.
pub(super) struct Bench {
    /// Messages per drain.
    pub n: u64,
    /// Transports.
    pub t: usize,
    /// Repetitions.
    pub r: usize,
    /// Whether progress goes to standard error (text output only).
    pub text: bool,
}

/// Whether the floor's five figures are the run's own, per transport and in all: the floor
/// must do the same work, not merely as much.
fn same_figures(m: &Metrics, setup: &DrainSetup, each: &[Option<Five<Micros>>]) -> bool {
    let dir = if setup.inbound { "inbound" } else { "outbound" };
    let p50 = |prefix: String| match m.get(&format!("{prefix}.p50")) {
        Some(Value::Time(t)) => Some(*t),
        _ => None,
    };
    setup
        .scenario
        .transports
        .iter()
        .zip(each)
        .all(|(t, f)| p50(format!("latency.{dir}.{}", t.name)) == f.map(|f| f.p50))
}

impl Bench {
    fn progress(&self, case: &str) {
        if self.text {
            eprintln!("running {case} ...");
        }
    }

    /// Runs the `wanted` cases, in order.
    pub fn run(
        &self,
        wanted: &[&'static str],
        live_bytes: Option<fn() -> i64>,
    ) -> Result<Vec<Row>, CliError> {
        let mut rows = Vec::new();
        let mut two_hop = None;
        for &case in wanted {
            self.progress(case);
            let mut raw = || *two_hop.get_or_insert_with(|| self.two_hop_baseline());
            rows.push(match case {
                "drain" => self.drain(case, false, raw()),
                "drain-inbound" => self.drain(case, true, raw()),
                "drain-zero" => self.drain_zero(raw()),
                "flush-roundtrip" => self.flush_roundtrip(),
                "scale" => self.scale()?,
                "transports" => self.transports()?,
                "sim-day" => self.sim_day(),
                "sim-year" => self.sim_year()?,
                _ => self.memory(live_bytes),
            });
        }
        Ok(rows)
    }

    /// The raw two-hop pipeline's nanoseconds per message, one by one and batched by 1024.
    fn two_hop_baseline(&self) -> (f64, f64) {
        let (n, r) = (self.n, self.r);
        let one = stats(&repeat(r, || baseline::two_hop(n)), n).0;
        let batched = stats(&repeat(r, || baseline::two_hop_batched(n, 1024)), n).0;
        (one, batched)
    }

    /// `drain` / `drain-inbound`, its floor measured alternately with it, and the two-hop
    /// baseline.
    fn drain(&self, case: &'static str, inbound: bool, (b, bb): (f64, f64)) -> Row {
        let setup = drain_setup(self.n, self.t, inbound);
        let (mut drains, mut floors) = (Vec::new(), Vec::new());
        let mut same = true;
        for _ in 0..self.r {
            let d = drain_run(&setup, None);
            let f = floor(&setup);
            same &= same_figures(&d.metrics, &setup, &f.each);
            drains.push(d.took);
            floors.push(f.took);
        }
        let (med, min, max) = stats(&drains, self.n);
        let fl = stats(&floors, self.n).0;
        Row {
            case,
            n: self.n,
            median: Some(med),
            min: Some(min),
            max: Some(max),
            baseline: Some(b),
            baseline_batched: Some(bb),
            ratio: Some(b / med),
            floor: Some(fl),
            ratio_floor: Some(fl / med),
            note: if same {
                String::new()
            } else {
                "the floor's percentiles differ from the run's".into()
            },
            ..Row::default()
        }
    }

    /// `drain-zero`: transfers that take no time, all queued at once, beside the two-hop
    /// baseline.
    fn drain_zero(&self, (b, bb): (f64, f64)) -> Row {
        let samples = repeat(self.r, || bench::drain_zero(self.n, self.t, false));
        let (med, min, max) = stats(&samples, self.n);
        Row {
            case: "drain-zero",
            n: self.n,
            median: Some(med),
            min: Some(min),
            max: Some(max),
            baseline: Some(b),
            baseline_batched: Some(bb),
            ratio: Some(b / med),
            note: "per_message 0s, queued at once; flush call to return".into(),
            ..Row::default()
        }
    }

    /// `flush-roundtrip` beside a raw request/oneshot round trip, both clients spawned tasks.
    fn flush_roundtrip(&self) -> Row {
        let k = 100_000;
        let (mut ours, mut raw) = (Vec::new(), Vec::new());
        for _ in 0..self.r {
            ours.push(bench::flush_roundtrip(k));
            raw.push(baseline::round_trips(k));
        }
        let (med, min, max) = stats(&ours, k);
        let b = stats(&raw, k).0;
        Row {
            case: "flush-roundtrip",
            n: k,
            median: Some(med),
            min: Some(min),
            max: Some(max),
            baseline: Some(b),
            ratio: Some(b / med),
            note: "fixed size; ns per flush; baseline: raw request/oneshot round trip".into(),
            ..Row::default()
        }
    }

    /// `scale`: a drain of `n` beside a drain of `n / 10`, each in a fresh process, the two
    /// sizes alternating.
    fn scale(&self) -> Result<Row, CliError> {
        let (n, t) = (self.n, self.t);
        let small = (n / 10).max(1);
        let (mut bigs, mut littles) = (Vec::new(), Vec::new());
        for _ in 0..self.r {
            bigs.push(drain_in_child(n, t)?);
            littles.push(drain_in_child(small, t)?);
        }
        let (big, min, max) = stats(&bigs, n);
        let (little, _, _) = stats(&littles, small);
        Ok(Row {
            case: "scale",
            n,
            median: Some(big),
            min: Some(min),
            max: Some(max),
            baseline: Some(little),
            ratio: Some(little / big),
            note: format!("baseline: drain at n = {small}; each in a fresh process"),
            ..Row::default()
        })
    }

    /// `transports`: the fleet of 10,000 transports beside the one of 1,000, each run as a
    /// scenario file in a fresh process, alternating.
    fn transports(&self) -> Result<Row, CliError> {
        let (big, small) = fleet::FLEET;
        let (big_file, small_file) = (fleet::transports_toml(big), fleet::transports_toml(small));
        let (mut bigs, mut smalls, mut rss) = (Vec::new(), Vec::new(), None);
        for _ in 0..self.r {
            let b = run_in_child(&big_file, "transports-big")?;
            rss = rss.max(b.peak_rss);
            bigs.push(b.wall);
            smalls.push(run_in_child(&small_file, "transports-small")?.wall);
        }
        let msgs = |t: usize| t as u64 * fleet::PER_TRANSPORT;
        let (med, min, max) = stats(&bigs, msgs(big));
        let base = stats(&smalls, msgs(small)).0;
        Ok(Row {
            case: "transports",
            n: msgs(big),
            median: Some(med),
            min: Some(min),
            max: Some(max),
            baseline: Some(base),
            ratio: Some(base / med),
            peak_rss: rss,
            peak_rss_per_msg: rss.map(|r| r as f64 / msgs(big) as f64),
            note: format!(
                "fixed size: {big} transports beside {small}, as `spoolsim run`; ratio per transport"
            ),
            ..Row::default()
        })
    }

    /// `sim-day`: simulated seconds per wall second of a busy day.
    fn sim_day(&self) -> Row {
        let (mails, transports) = (100_000, 10);
        let moved = mails + mails / 2;
        let mut walls = Vec::new();
        let mut span = 0;
        for _ in 0..self.r {
            let (w, s) = bench::sim_day(mails, transports);
            walls.push(w);
            span = s;
        }
        let (med, min, max) = stats(&walls, moved);
        let wall_s = med * moved as f64 / 1e9;
        Row {
            case: "sim-day",
            n: moved,
            median: Some(med),
            min: Some(min),
            max: Some(max),
            ratio: Some(span as f64 / SECOND as f64 / wall_s),
            note: "fixed size; ratio: simulated seconds per wall second".into(),
            ..Row::default()
        }
    }

    /// `sim-year`: a year of office traffic as `spoolsim run --format json`, in a fresh process.
    fn sim_year(&self) -> Result<Row, CliError> {
        let file = fleet::sim_year_toml(fleet::YEAR_DAYS);
        let moved = fleet::year_messages(fleet::YEAR_DAYS);
        let (mut walls, mut rss) = (Vec::new(), None);
        for _ in 0..self.r {
            let c = run_in_child(&file, "sim-year")?;
            rss = rss.max(c.peak_rss);
            walls.push(c.wall);
        }
        let (med, min, max) = stats(&walls, moved);
        let wall_s = med * moved as f64 / 1e9;
        let span_s = (fleet::YEAR_DAYS * DAY / SECOND) as f64;
        Ok(Row {
            case: "sim-year",
            n: moved,
            median: Some(med),
            min: Some(min),
            max: Some(max),
            ratio: Some(span_s / wall_s),
            peak_rss: rss,
            peak_rss_per_msg: rss.map(|r| r as f64 / moved as f64),
            note: "fixed size; ratio: simulated seconds per wall second".into(),
            ..Row::default()
        })
    }

    /// `memory`: live heap bytes per queued message, and per processed message when the
    /// drain's flush returns, when the binary counts allocations.
    fn memory(&self, live_bytes: Option<fn() -> i64>) -> Row {
        let mut row = Row {
            case: "memory",
            n: self.n,
            size_of_msg: Some(bench::size_of_msg()),
            ..Row::default()
        };
        let Some(probe) = live_bytes else {
            row.note = "no counting allocator in this binary".into();
            return row;
        };
        let setup = drain_setup(self.n, self.t, false);
        let heap = drain_run(&setup, Some(probe)).heap.unwrap_or_default();
        let per = |bytes: i64| bytes as f64 / self.n as f64;
        row.bytes_per_msg = Some(per(heap.queued - heap.before));
        row.bytes_per_processed_msg = Some(per(heap.returned - heap.before));
        row
    }
}
