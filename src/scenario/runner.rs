//! The runner: builds one run's actors on a current-thread runtime with tokio's clock paused,
//! and drives virtual time from the calendar.
//!
//! The driver pops the earliest calendar entry, sets the shared clock to its key, wakes its
//! target over the target's channel, then waits until every task is parked before popping the
//! next. On a current-thread runtime with the clock paused, a 1 ms tokio sleep fires only when
//! nothing else can run (auto-advance), which makes it an exact, cheap idleness probe. tokio's
//! own notion of time never reaches a result: all times come from the calendar.

use std::future::Future;
use std::sync::{Arc, Mutex};

use crate::mapi::procedures;
use crate::mapi::session::Session;
use crate::mapi::status::{self, StatusStore};
use crate::scenario::metric_names::CallNames;
use crate::scenario::model::{ProcedureKind, Scenario, Via, DEFAULT_HORIZON};
use crate::sim::trace::{with_run_names, ProcStep};
use crate::sim::{
    Actor, Class, Clock, Dist, EventKind, Key, Micros, Origin, Recorder, SimRng, Stream, Target,
    CREATED,
};
use crate::spooler::{SpoolerHandle, SpoolerState};
use crate::transport::{TransportHandle, TransportState};

/// How to run a scenario.
#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    /// Overrides the scenario's seed.
    pub seed: Option<u64>,
    /// Overrides the scenario's horizon.
    pub until: Option<Micros>,
    /// Keep one event per message (for `--trace`, plots and timelines).
    pub full_trace: bool,
}

/// Where each transport's mail stands at the end of a run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TransportEnd {
    /// Outbound messages queued: in the spooler's queue or handed over and not started.
    pub queued_outbound: u64,
    /// Outbound messages in transfer.
    pub in_flight: u64,
    /// Inbound messages at the remote end, including those being downloaded.
    pub queued_inbound: u64,
}

/// Everything a run produced.
#[derive(Debug, Clone)]
pub struct RunResult {
    /// The scenario's name.
    pub scenario: String,
    /// The seed used.
    pub seed: u64,
    /// When the run ended.
    pub end_time: Micros,
    /// The merged trace, in the calendar's order (causes before their effects).
    pub trace: Recorder,
    /// Per transport, in profile order.
    pub transports: Vec<TransportEnd>,
    /// Transport names, in profile order.
    pub transport_names: Vec<String>,
    /// The names of the scenario's `[[flush]]` and `[[procedure]]` entries, by number.
    pub call_names: CallNames,
    /// Messages in the inbox.
    pub inbox: u64,
}

/// A client program running inside the simulation: it sees the session and virtual time.
#[derive(Debug, Clone)]
pub struct Client {
    session: Session,
    clock: Clock,
    log: ClientLog,
}

impl Client {
    /// The MAPI session.
    pub fn session(&self) -> &Session {
        &self.session
    }

    /// The current virtual time.
    pub fn now(&self) -> Micros {
        self.clock.now()
    }

    /// Waits until virtual time `t` (at once if it has passed), ordered as a scripted flush.
    pub async fn sleep_until(&self, t: Micros) {
        let (tx, rx) = tokio::sync::oneshot::channel();
        self.clock
            .schedule(t, Class::Client, CREATED, Target::Client(tx));
        let _ = rx.await;
    }

    /// Submits `count` messages of `size` bytes to `to` (`TYPE:address`).
    pub fn submit(&self, to: &str, count: u64, size: u64) {
        let ty = to.split_once(':').map_or(to, |(t, _)| t);
        self.session.spooler().submit(ty, count, size);
    }

    /// Records a procedure step in the trace.
    pub fn step(&self, procedure: u32, step: ProcStep) {
        self.log.record(procedure, step);
    }
}

/// The trace sink shared by client tasks (their events are rare, so a lock is fine).
#[derive(Debug, Clone)]
struct ClientLog {
    rec: Arc<Mutex<Recorder>>,
    clock: Clock,
}

impl ClientLog {
    fn record(&self, procedure: u32, step: ProcStep) {
        let key = self.clock.key_now();
        let mut rec = self.rec.lock().unwrap_or_else(|e| e.into_inner());
        rec.record(key, Actor::Client, EventKind::Procedure { procedure, step });
    }
}

/// Runs `scenario` to its end.
pub fn run(scenario: &Scenario, opts: &RunOptions) -> RunResult {
    run_with(scenario, opts, |_| async {}).0
}

/// Runs `scenario` with an extra client program started at time 0; returns the run and the
/// client's output if it finished before the run ended.
pub fn run_with<F, Fut>(
    scenario: &Scenario,
    opts: &RunOptions,
    client: F,
) -> (RunResult, Option<Fut::Output>)
where
    F: FnOnce(Client) -> Fut,
    Fut: Future + Send + 'static,
    Fut::Output: Send + 'static,
{
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .start_paused(true)
        .build()
        .expect("a current-thread runtime can always be built");
    let names: Vec<String> = scenario.transports.iter().map(|t| t.name.clone()).collect();
    with_run_names(&names, &CallNames::of(scenario), || {
        rt.block_on(drive(scenario, opts, client))
    })
}

enum Script {
    Mail { spec: usize, left: u64, rng: SimRng },
    Incoming { spec: usize, left: u64, rng: SimRng },
    Flush(usize),
    Procedure(usize),
    Fault(usize),
}

async fn drive<F, Fut>(
    scenario: &Scenario,
    opts: &RunOptions,
    client: F,
) -> (RunResult, Option<Fut::Output>)
where
    F: FnOnce(Client) -> Fut,
    Fut: Future + Send + 'static,
    Fut::Output: Send + 'static,
{
    let seed = opts.seed.unwrap_or(scenario.seed);
    let until = opts.until.or(scenario.until);
    let horizon = until.unwrap_or(DEFAULT_HORIZON);
    let clock = Clock::new();
    let n = scenario.transports.len();
    let full = opts.full_trace;

    let store = Arc::new(StatusStore::new(scenario, clock.clone()));
    let spooler = SpoolerHandle::spawn(
        SpoolerState::new(scenario, clock.clone(), full),
        store.clone(),
    );
    let transports: Vec<TransportHandle> = scenario
        .transports
        .iter()
        .enumerate()
        .map(|(i, cfg)| {
            let state = TransportState::new(i as u16, cfg, seed, clock.clone(), n, full);
            TransportHandle::spawn(state, i as u16, spooler.clone())
        })
        .collect();
    spooler.attach(transports.clone());

    let session = Session::new(spooler.clone(), store, clock.clone());
    let log = ClientLog {
        rec: Arc::new(Mutex::new(Recorder::new(n, full))),
        clock: clock.clone(),
    };

    // The script: one calendar entry per pending action; traffic blocks chain their next batch.
    // An action after the horizon never happens.
    let mut script: Vec<Script> = Vec::new();
    {
        let mut add = |at: Micros, class: Class, idx: usize, item: Script| {
            if at <= horizon {
                clock.schedule(at, class, idx as u32, Target::Script(script.len() as u32));
                script.push(item);
            }
        };
        for (i, m) in scenario
            .mail
            .iter()
            .enumerate()
            .filter(|(_, m)| m.count > 0)
        {
            let rng = SimRng::new(seed, Stream::Mail(i as u32));
            add(
                m.at,
                Class::Mail,
                i,
                Script::Mail {
                    spec: i,
                    left: m.count,
                    rng,
                },
            );
        }
        // A scenario built in code may name a transport that does not exist (files are
        // validated): such actions are skipped rather than allowed to panic an actor.
        let exists = |t: usize| t < scenario.transports.len();
        for (i, m) in scenario
            .incoming
            .iter()
            .enumerate()
            .filter(|(_, m)| m.count > 0 && exists(m.transport))
        {
            let rng = SimRng::new(seed, Stream::Incoming(i as u32));
            add(
                m.at,
                Class::Incoming,
                i,
                Script::Incoming {
                    spec: i,
                    left: m.count,
                    rng,
                },
            );
        }
        for (i, f) in scenario.faults.iter().enumerate() {
            if exists(f.transport) {
                add(f.at, Class::Fault, i, Script::Fault(i));
            }
        }
        // Flushes and procedures at one instant run in file order between them.
        for (i, f) in scenario.flushes.iter().enumerate() {
            add(f.at, Class::Client, f.order as usize, Script::Flush(i));
        }
        for (i, p) in scenario.procedures.iter().enumerate() {
            add(p.at, Class::Client, p.order as usize, Script::Procedure(i));
        }
    }

    // From here on the run handles events: the client program starting at time 0 first, as a
    // scripted client would, so whatever it causes at 0 is written after it.
    clock.set_current(Key {
        t: 0,
        class: Class::Client as u8,
        idx: CREATED,
        seq: 0,
    });

    let client_ctx = Client {
        session: session.clone(),
        clock: clock.clone(),
        log: log.clone(),
    };
    clock.client_woken();
    let user = tokio::spawn(client(client_ctx));

    let end_time = loop {
        clock.wait_idle().await;
        if until.is_none() && !clock.has_scripted() {
            if let Some(l) = spooler.liveness().await {
                if l.is_quiet() {
                    break clock.now();
                }
            }
        }
        match clock.peek() {
            Some(k) if k.t <= horizon => {}
            // Nothing more can happen, or the horizon is reached.
            _ => break horizon,
        }
        let (key, target) = clock.pop().expect("peeked");
        match target {
            Target::Spooler(tok) => spooler.wake(tok),
            Target::Transport(i, tok) => {
                transports[i as usize].send(crate::transport::TransportCmd::Wake(tok))
            }
            Target::Client(tx) => {
                clock.client_woken();
                let _ = tx.send(());
            }
            Target::Script(s) => {
                let s = s as usize;
                act(
                    &mut script[s],
                    s,
                    key,
                    scenario,
                    horizon,
                    &clock,
                    &session,
                    &log,
                );
            }
        }
    };

    // Settle everything at the end time and collect what each actor holds.
    clock.set_current(Key {
        t: end_time,
        class: Class::Client as u8,
        idx: CREATED,
        seq: 0,
    });
    let mut trace = Recorder::new(n, full);
    let mut ends = vec![TransportEnd::default(); n];
    let mut open = Vec::new();
    for (t, h) in transports.iter().enumerate() {
        if let Some(f) = h.finish().await {
            open.extend(f.open.iter().map(|&(fl, d, r)| (t as u16, fl, d, r)));
            trace.merge(f.rec);
            ends[t].queued_outbound += f.queued;
            ends[t].in_flight = f.in_flight;
            ends[t].queued_inbound = f.remote_waiting;
        }
    }
    clock.wait_idle().await;
    let mut inbox = 0;
    if let Some(f) = spooler.finish(open).await {
        trace.merge(f.rec);
        for (t, q) in f.queued.into_iter().enumerate() {
            ends[t].queued_outbound += q;
        }
        inbox = f.inbox;
    }
    let client_rec = std::mem::replace(
        &mut *log.rec.lock().unwrap_or_else(|e| e.into_inner()),
        Recorder::new(0, false),
    );
    trace.merge(client_rec);
    trace.record(clock.key_now(), Actor::Runner, EventKind::RunEnd);
    trace.sort();
    let output = if user.is_finished() {
        user.await.ok()
    } else {
        user.abort();
        None
    };
    let result = RunResult {
        scenario: scenario.name.clone(),
        seed,
        end_time,
        trace,
        transports: ends,
        transport_names: scenario.transports.iter().map(|t| t.name.clone()).collect(),
        call_names: CallNames::of(scenario),
        inbox,
    };
    (result, output)
}

/// Takes the messages of a traffic block due `now` (consecutive spacings of zero), drawing each
/// spacing; returns how many and when the next one is due.
fn take_batch(left: &mut u64, every: &Dist, rng: &mut SimRng, now: Micros) -> (u64, Micros) {
    let mut batch = 0;
    let mut next = now;
    while *left > 0 && next == now {
        batch += 1;
        *left -= 1;
        next = now.saturating_add(every.sample(rng));
    }
    (batch, next)
}

#[allow(clippy::too_many_arguments)]
fn act(
    item: &mut Script,
    index: usize,
    key: Key,
    scenario: &Scenario,
    horizon: Micros,
    clock: &Clock,
    session: &Session,
    log: &ClientLog,
) {
    let now = key.t;
    match item {
        Script::Mail { spec, left, rng } => {
            let m = &scenario.mail[*spec];
            let (batch, next) = take_batch(left, &m.every, rng, now);
            session.spooler().submit(m.address_type(), batch, m.size);
            if *left > 0 && next <= horizon {
                clock.schedule(
                    next,
                    Class::Mail,
                    *spec as u32,
                    Target::Script(index as u32),
                );
            }
        }
        Script::Incoming { spec, left, rng } => {
            let m = &scenario.incoming[*spec];
            let (batch, next) = take_batch(left, &m.every, rng, now);
            // The parser caps a scenario at 10,000,000 messages, well inside a u32.
            session
                .spooler()
                .arrive(m.transport as u16, u32::try_from(batch).unwrap_or(u32::MAX));
            if *left > 0 && next <= horizon {
                clock.schedule(
                    next,
                    Class::Incoming,
                    *spec as u32,
                    Target::Script(index as u32),
                );
            }
        }
        Script::Flush(i) => {
            let f = &scenario.flushes[*i];
            let obj = match f.via {
                Via::Spooler => Some(session.spooler_status()),
                Via::Transport(t) => session.transport_status(t as u16),
            };
            let target = f
                .target
                .map(|t| status::entry_id(status::transport_row(t as u16)));
            let flags = f.flags;
            let origin = Origin::Flush(*i as u32 + 1);
            if let Some(obj) = obj {
                clock.client_woken();
                tokio::spawn(async move {
                    obj.flush_queues_as(0, target.as_ref(), flags, origin).await;
                });
            }
        }
        Script::Fault(i) => {
            let f = &scenario.faults[*i];
            session
                .spooler()
                .fault(f.transport as u16, f.kind, f.down.unwrap_or(0));
        }
        Script::Procedure(i) => {
            let p = &scenario.procedures[*i];
            let n = *i as u32 + 1;
            let (kind, flags) = (p.kind, p.flags);
            let session = session.clone();
            let log = log.clone();
            clock.client_woken();
            tokio::spawn(async move {
                let mut step = |s: ProcStep| log.record(n, s);
                let origin = Origin::Procedure(n);
                match kind {
                    ProcedureKind::FlushAll => {
                        procedures::flush_all(&session, flags, origin, &mut step).await
                    }
                    ProcedureKind::FlushEach => {
                        procedures::flush_each(&session, flags, origin, &mut step).await
                    }
                };
            });
        }
    }
}
