//! The raw-channel baselines: what a hand-written tokio pipeline does with the same messages
//! on the same kind of runtime (current-thread, clock paused).

use std::time::{Duration, Instant};

use tokio::sync::{mpsc, oneshot};

use crate::protocol::QueuedMsg;
use crate::sim::MsgId;

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .start_paused(true)
        .build()
        .expect("a current-thread runtime can always be built")
}

fn msg(i: u64) -> QueuedMsg {
    QueuedMsg {
        id: MsgId(i as u32),
        submitted_at: i,
        size: 2048,
    }
}

/// `n` messages through producer → forwarding stage → sink, one unbounded-mpsc send per
/// message per hop. Times from the first send to the sink's last receive.
pub fn two_hop(n: u64) -> Duration {
    runtime().block_on(async move {
        let (tx1, mut rx1) = mpsc::unbounded_channel::<QueuedMsg>();
        let (tx2, mut rx2) = mpsc::unbounded_channel::<QueuedMsg>();
        let stage = tokio::spawn(async move {
            while let Some(m) = rx1.recv().await {
                if tx2.send(m).is_err() {
                    break;
                }
            }
        });
        let sink = tokio::spawn(async move {
            let mut sum = 0u64;
            let mut got = 0u64;
            while let Some(m) = rx2.recv().await {
                sum = sum.wrapping_add(m.submitted_at);
                got += 1;
                if got == n {
                    break;
                }
            }
            std::hint::black_box(sum)
        });
        let start = Instant::now();
        for i in 0..n {
            let _ = tx1.send(msg(i));
        }
        drop(tx1);
        let _ = sink.await;
        let took = start.elapsed();
        let _ = stage.await;
        took
    })
}

/// The same two hops with messages sent in batches of `batch`.
pub fn two_hop_batched(n: u64, batch: usize) -> Duration {
    runtime().block_on(async move {
        let (tx1, mut rx1) = mpsc::unbounded_channel::<Vec<QueuedMsg>>();
        let (tx2, mut rx2) = mpsc::unbounded_channel::<Vec<QueuedMsg>>();
        let stage = tokio::spawn(async move {
            while let Some(m) = rx1.recv().await {
                if tx2.send(m).is_err() {
                    break;
                }
            }
        });
        let sink = tokio::spawn(async move {
            let mut sum = 0u64;
            let mut got = 0u64;
            while let Some(v) = rx2.recv().await {
                for m in &v {
                    sum = sum.wrapping_add(m.submitted_at);
                }
                got += v.len() as u64;
                if got >= n {
                    break;
                }
            }
            std::hint::black_box(sum)
        });
        let start = Instant::now();
        let mut i = 0;
        while i < n {
            let k = (n - i).min(batch as u64);
            let _ = tx1.send((i..i + k).map(msg).collect());
            i += k;
        }
        drop(tx1);
        let _ = sink.await;
        let took = start.elapsed();
        let _ = stage.await;
        took
    })
}

/// `k` request/oneshot-reply round trips to a bare actor, made by a client that is a spawned
/// task, as a scenario's clients are. Times the client's loop.
pub fn round_trips(k: u64) -> Duration {
    runtime().block_on(async move {
        let (tx, mut rx) = mpsc::unbounded_channel::<(u32, oneshot::Sender<u32>)>();
        let actor = tokio::spawn(async move {
            while let Some((x, reply)) = rx.recv().await {
                let _ = reply.send(x.wrapping_add(1));
            }
        });
        let client = tokio::spawn(async move {
            let start = Instant::now();
            for i in 0..k {
                let (rtx, rrx) = oneshot::channel();
                let _ = tx.send((i as u32, rtx));
                let _ = std::hint::black_box(rrx.await);
            }
            start.elapsed()
        });
        let took = client.await.expect("the client finishes");
        let _ = actor.await;
        took
    })
}
