//! Runs numbered jobs on worker threads and hands their results back in number order.
//!
//! `check --jobs`, `check --bless` and `sweep` all want two things at once: the work spread
//! over several threads, and output that is the same, byte for byte, whatever the number of
//! threads, printed as early as it can be (a slow scenario must not hide the ones before it).
//! So workers take job numbers in increasing order from a shared counter, and the calling
//! thread holds finished results in a small reorder buffer until every earlier one has been
//! handed on. Workers never run more than a window of jobs ahead of the last result handed on,
//! so memory stays bounded however many jobs there are and however slow one of them is.

use std::collections::BTreeMap;
use std::panic::{catch_unwind, resume_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc;
use std::sync::{Condvar, Mutex};

/// How far (in jobs) workers may run ahead of the last result handed on, per worker.
const AHEAD_PER_WORKER: u64 = 16;

/// The number of the next result to hand on, shared so that workers can wait for it.
struct Gate {
    handed_on: Mutex<u64>,
    moved: Condvar,
    stop: AtomicBool,
}

impl Gate {
    /// Blocks until job `job` is within `window` of the next result to hand on; `false` if the
    /// run was stopped meanwhile.
    fn wait_for(&self, job: u64, window: u64) -> bool {
        let mut next = self.handed_on.lock().unwrap_or_else(|p| p.into_inner());
        while job >= next.saturating_add(window) && !self.stop.load(Ordering::Relaxed) {
            next = self.moved.wait(next).unwrap_or_else(|p| p.into_inner());
        }
        !self.stop.load(Ordering::Relaxed)
    }

    fn advance(&self, next: u64) {
        *self.handed_on.lock().unwrap_or_else(|p| p.into_inner()) = next;
        self.moved.notify_all();
    }

    fn halt(&self) {
        self.stop.store(true, Ordering::Relaxed);
        let _guard = self.handed_on.lock().unwrap_or_else(|p| p.into_inner());
        self.moved.notify_all();
    }
}

/// The number of worker threads: `--jobs` when given, else the available parallelism.
pub(crate) fn jobs(given: Option<u32>) -> usize {
    match given {
        Some(j) => j as usize,
        None => std::thread::available_parallelism().map_or(1, |n| n.get()),
    }
}

/// Halts the gate when dropped, including while unwinding.
struct HaltOnDrop<'a>(&'a Gate);

impl Drop for HaltOnDrop<'_> {
    fn drop(&mut self) {
        self.0.halt();
    }
}

/// Runs `work(0)`, ..., `work(count - 1)` on `jobs` threads and calls `emit(k, result)` on the
/// calling thread for each, in order of `k`. A panic in `work` stops the other workers and is
/// raised again here once they have finished. Fails only if a worker thread cannot be started.
pub(crate) fn for_each_in_order<R, W, E>(
    jobs: usize,
    count: u64,
    work: W,
    mut emit: E,
) -> std::io::Result<()>
where
    R: Send,
    W: Fn(u64) -> R + Sync,
    E: FnMut(u64, R),
{
    let jobs = jobs.max(1);
    let window = AHEAD_PER_WORKER.saturating_mul(jobs as u64).max(64);
    let next_job = AtomicU64::new(0);
    let gate = Gate {
        handed_on: Mutex::new(0),
        moved: Condvar::new(),
        stop: AtomicBool::new(false),
    };
    let (tx, rx) = mpsc::channel::<(u64, std::thread::Result<R>)>();
    let mut panic = None;
    std::thread::scope(|scope| -> std::io::Result<()> {
        for i in 0..jobs.min(usize::try_from(count).unwrap_or(usize::MAX)) {
            let tx = tx.clone();
            let (work, next_job, gate) = (&work, &next_job, &gate);
            let worker = move || loop {
                let k = next_job.fetch_add(1, Ordering::Relaxed);
                if k >= count || !gate.wait_for(k, window) {
                    break;
                }
                let result = catch_unwind(AssertUnwindSafe(|| work(k)));
                let failed = result.is_err();
                if tx.send((k, result)).is_err() || failed {
                    break;
                }
            };
            let spawned = std::thread::Builder::new()
                .name(format!("worker-{i}"))
                .spawn_scoped(scope, worker);
            if let Err(e) = spawned {
                gate.halt();
                return Err(e);
            }
        }
        drop(tx);
        // Should `emit` panic, the workers must not wait for it forever.
        let _halt = HaltOnDrop(&gate);
        let mut waiting: BTreeMap<u64, R> = BTreeMap::new();
        let mut next = 0u64;
        for (k, result) in rx.iter() {
            match result {
                Ok(r) => {
                    waiting.insert(k, r);
                }
                Err(payload) => {
                    panic = Some(payload);
                    gate.halt();
                    break;
                }
            }
            while let Some(r) = waiting.remove(&next) {
                emit(next, r);
                next += 1;
            }
            gate.advance(next);
        }
        Ok(())
    })?;
    if let Some(payload) = panic {
        resume_unwind(payload);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn results_come_back_in_order_whatever_the_thread_count() {
        for jobs in [1, 2, 3, 8] {
            let mut seen = Vec::new();
            for_each_in_order(
                jobs,
                500,
                |k| {
                    // Early jobs are the slowest, so they finish out of order.
                    if k % 7 == 0 {
                        std::thread::sleep(Duration::from_micros(200));
                    }
                    k * k
                },
                |k, r| seen.push((k, r)),
            )
            .unwrap();
            let expected: Vec<(u64, u64)> = (0..500).map(|k| (k, k * k)).collect();
            assert_eq!(seen, expected, "{jobs} jobs");
        }
    }

    #[test]
    fn nothing_to_do_is_fine_and_workers_stay_within_the_window() {
        for_each_in_order(4, 0, |_| unreachable!(), |_, _: ()| unreachable!()).unwrap();
        let highest = AtomicU64::new(0);
        let mut handed = 0u64;
        for_each_in_order(
            2,
            2_000,
            |k| {
                highest.fetch_max(k, Ordering::Relaxed);
                if k == 0 {
                    std::thread::sleep(Duration::from_millis(50));
                }
            },
            |k, ()| {
                if k == 0 {
                    // While job 0 ran, the other worker could not get far ahead of it.
                    assert!(highest.load(Ordering::Relaxed) < 64);
                }
                handed += 1;
            },
        )
        .unwrap();
        assert_eq!(handed, 2_000);
    }

    #[test]
    fn a_panic_in_a_job_is_raised_on_the_caller() {
        let caught = catch_unwind(|| {
            for_each_in_order(
                2,
                100,
                |k| {
                    if k == 10 {
                        panic!("job ten");
                    }
                    k
                },
                |_, _| {},
            )
        });
        let payload = caught.expect_err("the panic comes back");
        assert_eq!(payload.downcast_ref::<&str>(), Some(&"job ten"));
    }
}
