//! Criterion benchmarks of queue draining, each group beside its baselines, so a regression
//! shows as a change of ratio. Sizes are smaller than `spoolsim bench` so that `cargo bench`
//! finishes in a few minutes on two cores; `docs/benchmarks.md` describes every case.

use std::time::Duration;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use spoolsim::bench::{self, baseline, drain_run, drain_setup, fleet, floor};
use spoolsim::scenario::parse::parse_scenario;
use spoolsim::scenario::{run, RunOptions};

const N: u64 = 100_000;
const T: usize = 4;

fn sum(iters: u64, mut f: impl FnMut() -> Duration) -> Duration {
    (0..iters).map(|_| f()).sum()
}

/// `drain` and `drain-inbound` (exponential transfer times, random arrivals, timed until the
/// metrics are ready) beside their floor and the raw two-hop pipeline.
fn drain(c: &mut Criterion) {
    for (name, inbound) in [("drain", false), ("drain-inbound", true)] {
        let setup = drain_setup(N, T, inbound);
        let mut g = c.benchmark_group(name);
        g.throughput(Throughput::Elements(N));
        g.sample_size(10);
        g.measurement_time(Duration::from_secs(3));
        g.bench_function(BenchmarkId::new("spoolsim", N), |b| {
            b.iter_custom(|iters| sum(iters, || drain_run(&setup, None).took))
        });
        g.bench_function(BenchmarkId::new("floor", N), |b| {
            b.iter_custom(|iters| sum(iters, || floor(&setup).took))
        });
        g.bench_function(BenchmarkId::new("baseline-two-hop", N), |b| {
            b.iter_custom(|iters| sum(iters, || baseline::two_hop(N)))
        });
        g.finish();
    }
}

/// `drain-zero`: v1's drain, beside the raw pipeline one by one and batched.
fn drain_zero(c: &mut Criterion) {
    let mut g = c.benchmark_group("drain-zero");
    g.throughput(Throughput::Elements(N));
    g.sample_size(10);
    g.measurement_time(Duration::from_secs(3));
    g.bench_function(BenchmarkId::new("spoolsim", N), |b| {
        b.iter_custom(|iters| sum(iters, || bench::drain_zero(N, T, false)))
    });
    g.bench_function(BenchmarkId::new("baseline-two-hop", N), |b| {
        b.iter_custom(|iters| sum(iters, || baseline::two_hop(N)))
    });
    g.bench_function(BenchmarkId::new("baseline-batched", N), |b| {
        b.iter_custom(|iters| sum(iters, || baseline::two_hop_batched(N, 1024)))
    });
    g.finish();
}

fn roundtrip(c: &mut Criterion) {
    const K: u64 = 10_000;
    let mut g = c.benchmark_group("flush-roundtrip");
    g.throughput(Throughput::Elements(K));
    g.sample_size(10);
    g.measurement_time(Duration::from_secs(3));
    g.bench_function(BenchmarkId::new("spoolsim", K), |b| {
        b.iter_custom(|iters| sum(iters, || bench::flush_roundtrip(K)))
    });
    g.bench_function(BenchmarkId::new("baseline-oneshot", K), |b| {
        b.iter_custom(|iters| sum(iters, || baseline::round_trips(K)))
    });
    g.finish();
}

fn scale(c: &mut Criterion) {
    let mut g = c.benchmark_group("scale");
    g.sample_size(10);
    g.measurement_time(Duration::from_secs(3));
    for n in [N / 10, N] {
        let setup = drain_setup(n, T, false);
        g.throughput(Throughput::Elements(n));
        g.bench_with_input(BenchmarkId::new("drain", n), &n, |b, _| {
            b.iter_custom(|iters| sum(iters, || drain_run(&setup, None).took))
        });
    }
    g.finish();
}

/// A generated scenario file, parsed, run and its metrics computed.
fn run_file(toml: &str) -> Duration {
    let parsed = parse_scenario(toml, "bench.toml").expect("a valid generated scenario");
    let start = std::time::Instant::now();
    let r = run(&parsed.scenario, &RunOptions::default());
    let _ = spoolsim::report::Outcome::new(&parsed.scenario, r);
    start.elapsed()
}

/// `transports` at 100 and 1,000 transports, and `sim-year` cut to 30 days.
fn fleets(c: &mut Criterion) {
    let mut g = c.benchmark_group("transports");
    g.sample_size(10);
    g.measurement_time(Duration::from_secs(5));
    for t in [100, 1_000] {
        let toml = fleet::transports_toml(t);
        g.throughput(Throughput::Elements(t as u64));
        g.bench_with_input(BenchmarkId::new("run", t), &t, |b, _| {
            b.iter_custom(|iters| sum(iters, || run_file(&toml)))
        });
    }
    g.finish();
    let mut g = c.benchmark_group("sim-year");
    g.sample_size(10);
    g.measurement_time(Duration::from_secs(10));
    let toml = fleet::sim_year_toml(30);
    g.throughput(Throughput::Elements(fleet::year_messages(30)));
    g.bench_function("30-days", |b| {
        b.iter_custom(|iters| sum(iters, || run_file(&toml)))
    });
    g.finish();
}

fn sim_day(c: &mut Criterion) {
    let mut g = c.benchmark_group("sim-day");
    g.sample_size(10);
    g.measurement_time(Duration::from_secs(5));
    g.bench_function("10k-mails-10-transports", |b| {
        b.iter_custom(|iters| sum(iters, || bench::sim_day(10_000, 10).0))
    });
    g.finish();
}

criterion_group!(benches, drain, drain_zero, roundtrip, scale, fleets, sim_day);
criterion_main!(benches);
