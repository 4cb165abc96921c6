//! Criterion benchmarks of queue draining, each group with its raw-channel baseline, so a
//! regression shows as a change of ratio. Sizes are smaller than `spoolsim bench` so that
//! `cargo bench` finishes in a few minutes on two cores.

use std::time::Duration;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use spoolsim::bench::{self, baseline};

const N: u64 = 100_000;
const T: usize = 4;

fn sum(iters: u64, mut f: impl FnMut() -> Duration) -> Duration {
    (0..iters).map(|_| f()).sum()
}

fn drain(c: &mut Criterion) {
    for (name, inbound) in [("drain", false), ("drain-inbound", true)] {
        let mut g = c.benchmark_group(name);
        g.throughput(Throughput::Elements(N));
        g.sample_size(10);
        g.measurement_time(Duration::from_secs(3));
        g.bench_function(BenchmarkId::new("spoolsim", N), |b| {
            b.iter_custom(|iters| sum(iters, || bench::drain(N, T, inbound)))
        });
        g.bench_function(BenchmarkId::new("baseline-two-hop", N), |b| {
            b.iter_custom(|iters| sum(iters, || baseline::two_hop(N)))
        });
        g.bench_function(BenchmarkId::new("baseline-batched", N), |b| {
            b.iter_custom(|iters| sum(iters, || baseline::two_hop_batched(N, 1024)))
        });
        g.finish();
    }
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
        g.throughput(Throughput::Elements(n));
        g.bench_with_input(BenchmarkId::new("drain", n), &n, |b, &n| {
            b.iter_custom(|iters| sum(iters, || bench::drain(n, T, false)))
        });
    }
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

criterion_group!(benches, drain, roundtrip, scale, sim_day);
criterion_main!(benches);
