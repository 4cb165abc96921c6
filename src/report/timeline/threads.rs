//! The threads of the timeline: one track per kind of activity in each process, spread over
//! numbered lanes where its spans overlap.
//!
//! Perfetto and `chrome://tracing` need the slices of one thread properly nested; spans of one
//! track can overlap (two flush phases on one transport, two prompts), so each span goes to the
//! first lane of its track that is free at its start.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{json, Value};

use crate::sim::Micros;

/// The tracks (threads) of a process, in display order.
const TRACKS: [&str; 9] = [
    "FlushQueues calls",
    "asynchronous flush work",
    "progress UI",
    "flush phases",
    "dial prompts",
    "line",
    "faults",
    "messages",
    "schedule",
];

/// Thread ids: a fixed number per track (so tracks always show in [`TRACKS`] order), plus the
/// lane, for spans that overlap on one track.
#[derive(Default)]
pub(super) struct Threads {
    /// (pid, track) → lane ends.
    lanes: BTreeMap<(u64, &'static str), Vec<Micros>>,
    /// Threads already named.
    named: BTreeSet<(u64, u64)>,
    /// The metadata events naming and ordering the threads, in the order they were first used.
    pub meta: Vec<Value>,
}

impl Threads {
    /// The thread id of `lane` of `track` in process `pid`, named on first use.
    pub(super) fn tid(&mut self, pid: u64, track: &'static str, lane: usize) -> u64 {
        let k = TRACKS
            .iter()
            .position(|&t| t == track)
            .unwrap_or(TRACKS.len());
        let tid = k as u64 * 1000 + lane as u64 + 1;
        if self.named.insert((pid, tid)) {
            let name = if lane == 0 {
                track.to_string()
            } else {
                format!("{track} ({})", lane + 1)
            };
            self.meta.push(json!({
                "name": "thread_name", "ph": "M", "pid": pid, "tid": tid, "args": {"name": name}
            }));
            self.meta.push(json!({
                "name": "thread_sort_index", "ph": "M", "pid": pid, "tid": tid,
                "args": {"sort_index": tid}
            }));
        }
        tid
    }

    /// A thread of `track` on which `[start, end]` overlaps nothing already placed.
    pub(super) fn place(
        &mut self,
        pid: u64,
        track: &'static str,
        start: Micros,
        end: Micros,
    ) -> u64 {
        let ends = self.lanes.entry((pid, track)).or_default();
        let lane = match ends.iter().position(|&e| e <= start) {
            Some(l) => l,
            None => {
                ends.push(0);
                ends.len() - 1
            }
        };
        ends[lane] = end;
        self.tid(pid, track, lane)
    }
}
