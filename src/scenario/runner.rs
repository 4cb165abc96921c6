//! The runner: builds one run's actors on a current-thread runtime with tokio's clock paused,
//! and drives virtual time from the calendar.
//!
//! The driver pops the earliest calendar entry, sets the shared clock to its key, hands it to
//! its target, then waits until every task is parked before popping the next. Every task is
//! parked when an entry is popped, so its target's mailbox is empty and the entry would be the
//! only message the target handles: the driver hands it over in place, under the actor's lock,
//! rather than over the actor's channel (the same result, without a hop through tokio). So are
//! the reports a transport makes on such a wake-up, which the spooler, parked as well, would
//! handle next and alone. Everything else goes between the actors over their channels.
//!
//! Actors count the messages they are sent and handle, and the task that handles the last one
//! takes the driver's next step in place (or wakes the driver when it cannot); when uncounted
//! client tasks may run, a 1 ms tokio sleep, which on a current-thread runtime with the clock
//! paused fires only when nothing else can run (auto-advance), is the idleness probe. tokio's
//! own notion of time never reaches a result: all times come from the calendar.

use std::future::Future;
use std::sync::{Arc, Mutex};

use crate::client::program::ClientLog;
use crate::client::{procedures, Client, Session};
use crate::model::{ProcedureKind, Scenario, ValidateVia, Via, DEFAULT_HORIZON};
use crate::protocol::ReportSink;
use crate::sim::{Class, Clock, Dist, Key, Micros, SimRng, Stream, Target, TransportId, CREATED};
use crate::spooler::status::{self, StatusStore};
use crate::spooler::{SpoolerHandle, SpoolerState, Timed};
use crate::trace::{with_run_names, Actor, CallNames, EventKind, Origin, ProcStep, Recorder};
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
    /// The names of the scenario's `[[flush]]`, `[[procedure]]` and `[[validate]]` entries, by
    /// number.
    pub call_names: CallNames,
    /// Messages in the inbox.
    pub inbox: u64,
}

/// Runs `scenario` to its end.
pub fn run(scenario: &Scenario, opts: &RunOptions) -> RunResult {
    run_with(scenario, opts, |_| async {}).0
}

/// [`run`] on a scenario already shared: the run's actors keep it for the run's length, and
/// this spares them a copy of it (at 10,000 transports, some 50,000 small allocations).
pub fn run_shared(scenario: Arc<Scenario>, opts: &RunOptions) -> RunResult {
    run_shared_with(scenario, opts, |_| async {}).0
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
    run_shared_with(Arc::new(scenario.clone()), opts, client)
}

fn run_shared_with<F, Fut>(
    scenario: Arc<Scenario>,
    opts: &RunOptions,
    client: F,
) -> (RunResult, Option<Fut::Output>)
where
    F: FnOnce(Client) -> Fut,
    Fut: Future + Send + 'static,
    Fut::Output: Send + 'static,
{
    let clock = Clock::new();
    let idle = clock.clone();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .start_paused(true)
        // Timers only serve the idleness probe, which fires when no task can run: the
        // scheduler need not look at them between tasks.
        .event_interval(EVENT_INTERVAL)
        // Called only when no task can run: ends a wait for a count that cannot reach zero.
        .on_thread_park(move || idle.runtime_idle())
        .build()
        .expect("a current-thread runtime can always be built");
    let names: Vec<String> = scenario.transports.iter().map(|t| t.name.clone()).collect();
    with_run_names(&names, &CallNames::of(&scenario), || {
        rt.block_on(drive(scenario, opts, clock, client))
    })
}

/// How many tasks the runtime runs before it looks at timers when tasks are still runnable.
const EVENT_INTERVAL: u32 = 1 << 16;

/// A scripted action waiting for its turn in the calendar.
enum Script {
    /// A `[[mail]]` block, with what is left of it, and the transport its address type routes
    /// to (worked out once for the whole block; `None`: no transport handles it).
    Mail(Traffic, Option<TransportId>),
    /// `[[incoming]]`, likewise.
    Incoming(Traffic),
    /// `[[flush]]` number `.0` (from 0).
    Flush(usize),
    /// `[[procedure]]` number `.0` (from 0).
    Procedure(usize),
    /// `[[validate]]` number `.0` (from 0).
    Validate(usize),
    /// `[[fault]]` number `.0` (from 0).
    Fault(usize),
}

/// A traffic block under way: which one, how many messages are still to come, and the random
/// stream their spacings are drawn from.
struct Traffic {
    spec: usize,
    left: u64,
    rng: SimRng,
}

impl Traffic {
    /// Takes the messages due `now` (consecutive spacings of zero), drawing each spacing;
    /// returns how many and when the next one is due.
    fn take_batch(&mut self, every: &Dist, now: Micros) -> (u64, Micros) {
        let mut batch = 0;
        let mut next = now;
        while self.left > 0 && next == now {
            batch += 1;
            self.left -= 1;
            next = now.saturating_add(every.sample(&mut self.rng));
        }
        (batch, next)
    }
}

/// One run under way: its actors, its script and the calendar that drives them.
struct Run {
    scenario: Arc<Scenario>,
    horizon: Micros,
    clock: Clock,
    spooler: SpoolerHandle,
    /// Shared with the spooler.
    transports: Arc<[TransportHandle]>,
    session: Session,
    log: ClientLog,
    full: bool,
    /// Scripted actions, by the index their calendar entries carry.
    script: Vec<Script>,
}

impl Run {
    /// Starts the actors of `scenario` on the current runtime: the spooler, then its
    /// transports in profile order.
    fn start(
        scenario: Arc<Scenario>,
        clock: Clock,
        seed: u64,
        horizon: Micros,
        full: bool,
    ) -> Self {
        let n = scenario.transports.len();
        let store = Arc::new(StatusStore::new(&scenario, clock.clone()));
        let spooler = SpoolerHandle::spawn(
            SpoolerState::new(&scenario, clock.clone(), full),
            store.clone(),
        );
        // One sink for all: every transport reports to the same spooler.
        let sink: Arc<dyn ReportSink> = Arc::new(spooler.clone());
        let transports: Arc<[TransportHandle]> = TransportId::all(n)
            .zip(&scenario.transports)
            .map(|(id, cfg)| {
                let state = TransportState::new(id, cfg, seed, clock.clone(), n, full);
                TransportHandle::spawn(state, sink.clone())
            })
            .collect();
        spooler.attach(transports.clone());
        let session = Session::new(spooler.clone(), store, clock.clone());
        let log = ClientLog::new(clock.clone(), n, full);
        Run {
            scenario,
            horizon,
            clock,
            spooler,
            transports,
            session,
            log,
            full,
            script: Vec::new(),
        }
    }

    /// Lays out the script: one calendar entry per scripted action, in file order within each
    /// kind; traffic blocks chain their next batch as they go. An action after the horizon
    /// never happens.
    fn lay_out_script(&mut self, seed: u64) {
        let scenario = self.scenario.clone();
        let s = &*scenario;
        let routes = s.routes();
        for (i, m) in s.mail.iter().enumerate().filter(|(_, m)| m.count > 0) {
            let rng = SimRng::new(seed, Stream::Mail(i as u32));
            let traffic = Traffic {
                spec: i,
                left: m.count,
                rng,
            };
            let route = routes.route(m.address_type());
            self.add(m.at, Class::Mail, i, Script::Mail(traffic, route));
        }
        // A scenario built in code may name a transport that does not exist (files are
        // validated): such actions are skipped rather than allowed to panic an actor.
        let exists = |t: TransportId| t.index() < s.transports.len();
        let incoming = s.incoming.iter().enumerate();
        for (i, m) in incoming.filter(|(_, m)| m.count > 0 && exists(m.transport)) {
            let rng = SimRng::new(seed, Stream::Incoming(i as u32));
            let traffic = Traffic {
                spec: i,
                left: m.count,
                rng,
            };
            self.add(m.at, Class::Incoming, i, Script::Incoming(traffic));
        }
        for (i, f) in s
            .faults
            .iter()
            .enumerate()
            .filter(|(_, f)| exists(f.transport))
        {
            self.add(f.at, Class::Fault, i, Script::Fault(i));
        }
        // Flushes, procedures and validate calls at one instant run in file order between them.
        for (i, f) in s.flushes.iter().enumerate() {
            self.add(f.at, Class::Client, f.order as usize, Script::Flush(i));
        }
        for (i, p) in s.procedures.iter().enumerate() {
            self.add(p.at, Class::Client, p.order as usize, Script::Procedure(i));
        }
        for (i, v) in s.validates.iter().enumerate() {
            self.add(v.at, Class::Client, v.order as usize, Script::Validate(i));
        }
    }

    /// Puts scripted action `item` in the calendar at `at`, unless that is after the horizon.
    fn add(&mut self, at: Micros, class: Class, idx: usize, item: Script) {
        if at <= self.horizon {
            let target = Target::Script(self.script.len() as u32);
            self.clock.schedule(at, class, idx as u32, target);
            self.script.push(item);
        }
    }

    /// Takes the next calendar entry due by the horizon to its target, and the ones after it
    /// while that leaves every task parked (nothing sent, no client woken) and `go_on` allows;
    /// `false` when none was due.
    fn step(&mut self, go_on: impl Fn(&Clock) -> bool) -> bool {
        let mut stepped = false;
        while !stepped || (self.clock.all_parked() && go_on(&self.clock)) {
            let Some((key, target)) = self.clock.pop_until(self.horizon) else {
                break;
            };
            self.wake(key.t, target);
            stepped = true;
        }
        stepped
    }

    /// Wakes the target of a calendar entry due `now`.
    fn wake(&mut self, now: Micros, target: Target) {
        match target {
            Target::Spooler(tok) => self.spooler.deliver_now(Timed::Wake(tok)),
            Target::Transport(t, tok) => self.transports[t.index()].wake_in_place(tok),
            Target::Client(tx) => {
                self.clock.client_woken();
                let _ = tx.send(());
            }
            Target::Script(s) => self.act(s as usize, now),
        }
    }

    /// Carries out scripted action `s`, due `now`.
    fn act(&mut self, s: usize, now: Micros) {
        match self.script[s] {
            Script::Mail(..) => self.mail(s, now),
            Script::Incoming(_) => self.incoming(s, now),
            Script::Flush(i) => self.flush(i),
            Script::Procedure(i) => self.procedure(i),
            Script::Validate(i) => self.validate(i),
            Script::Fault(i) => self.fault(i),
        }
    }

    /// The next batch of a `[[mail]]` block: the client submits it.
    fn mail(&mut self, s: usize, now: Micros) {
        let Script::Mail(traffic, route) = &mut self.script[s] else {
            return;
        };
        let m = &self.scenario.mail[traffic.spec];
        let (batch, next) = traffic.take_batch(&m.every, now);
        self.spooler.deliver_now(Timed::Submit {
            route: *route,
            count: batch,
            size: m.size,
        });
        if traffic.left > 0 && next <= self.horizon {
            let idx = traffic.spec as u32;
            self.clock
                .schedule(next, Class::Mail, idx, Target::Script(s as u32));
        }
    }

    /// The next batch of an `[[incoming]]` block: it arrives at the transport's remote end.
    fn incoming(&mut self, s: usize, now: Micros) {
        let Script::Incoming(traffic) = &mut self.script[s] else {
            return;
        };
        let m = &self.scenario.incoming[traffic.spec];
        let (batch, next) = traffic.take_batch(&m.every, now);
        // The parser caps a scenario at 10,000,000 messages, well inside a u32.
        let batch = u32::try_from(batch).unwrap_or(u32::MAX);
        self.spooler.deliver_now(Timed::Arrive {
            transport: m.transport,
            count: batch,
        });
        if traffic.left > 0 && next <= self.horizon {
            let idx = traffic.spec as u32;
            self.clock
                .schedule(next, Class::Incoming, idx, Target::Script(s as u32));
        }
    }

    /// `[[flush]]` number `i`: a client task calls `FlushQueues` on the status object.
    fn flush(&self, i: usize) {
        let f = &self.scenario.flushes[i];
        let obj = match f.via {
            Via::Spooler => Some(self.session.spooler_status()),
            Via::Transport(t) => self.session.transport_status(t),
        };
        let target = f.target.map(|t| status::entry_id(status::transport_row(t)));
        let flags = f.flags;
        let origin = Origin::Flush(i as u32 + 1);
        if let Some(obj) = obj {
            self.clock.client_woken();
            tokio::spawn(async move {
                obj.flush_queues_as(0, target.as_ref(), flags, origin).await;
            });
        }
    }

    /// `[[validate]]` number `i`: a client task calls `ValidateState` on the status object.
    fn validate(&self, i: usize) {
        let v = &self.scenario.validates[i];
        let obj = match v.via {
            ValidateVia::Subsystem => Some(self.session.subsystem_status()),
            ValidateVia::AddressBook => Some(self.session.address_book_status()),
            ValidateVia::Spooler => Some(self.session.spooler_status()),
            ValidateVia::Transport(t) => self.session.transport_status(t),
        };
        let (flags, origin) = (v.flags, Origin::Validate(i as u32 + 1));
        if let Some(obj) = obj {
            self.clock.client_woken();
            tokio::spawn(async move {
                obj.validate_state_as(0, flags, origin).await;
            });
        }
    }

    /// `[[fault]]` number `i` strikes its transport.
    fn fault(&self, i: usize) {
        let f = &self.scenario.faults[i];
        let down = f.down.unwrap_or(0);
        self.spooler.deliver_now(Timed::Fault {
            transport: f.transport,
            kind: f.kind,
            down,
        });
    }

    /// `[[procedure]]` number `i`: a client task runs it step by step.
    fn procedure(&self, i: usize) {
        let p = &self.scenario.procedures[i];
        let n = i as u32 + 1;
        let (kind, flags) = (p.kind, p.flags);
        let session = self.session.clone();
        let log = self.log.clone();
        self.clock.client_woken();
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

    /// Settles every actor at `end_time` and collects what each holds: the merged trace, in
    /// the calendar's order, where each transport's mail stands, and the inbox.
    async fn finish(self, end_time: Micros) -> (Recorder, Vec<TransportEnd>, u64) {
        self.clock.set_current(Key {
            t: end_time,
            class: Class::Client as u8,
            idx: CREATED,
            seq: 0,
        });
        let n = self.transports.len();
        let mut trace = Recorder::new(n, self.full);
        let mut ends = vec![TransportEnd::default(); n];
        let mut open = Vec::new();
        for (h, end) in self.transports.iter().zip(&mut ends) {
            if let Some(f) = h.finish().await {
                open.extend(f.open);
                trace.merge(f.rec);
                end.queued_outbound += f.queued;
                end.in_flight = f.in_flight;
                end.queued_inbound = f.remote_waiting;
            }
        }
        self.clock.wait_idle().await;
        let mut inbox = 0;
        if let Some(f) = self.spooler.finish(open).await {
            trace.merge(f.rec);
            for (end, q) in ends.iter_mut().zip(f.queued) {
                end.queued_outbound += q;
            }
            inbox = f.inbox;
        }
        // Clients whose calls the spooler's end cut short finish what they were doing (a
        // procedure records its last steps) before their log is taken.
        self.clock.client_woken();
        self.clock.wait_idle().await;
        trace.merge(self.log.take());
        trace.record(self.clock.key_now(), Actor::Runner, EventKind::RunEnd);
        trace.sort();
        (trace, ends, inbox)
    }
}

/// Hands every calendar entry of `run` to its target in the calendar's order, waiting after
/// each until every task is parked, until the horizon, or (without one) until nothing is left
/// to do. Returns the run and when it ended.
///
/// The run is shared with the clock, so that the task handling the last message an entry
/// caused takes the next step in place ([`Clock::set_step`]); the driver task is woken only
/// when that cannot be done: when a client task may run, when nothing is pending after a step,
/// and to see whether a run without a horizon is over.
async fn drive_run(run: Run, until: Option<Micros>) -> (Run, Micros) {
    let (clock, spooler, horizon) = (run.clock.clone(), run.spooler.clone(), run.horizon);
    // Taken out when the run ends, which leaves the clock's step nothing to hold on to.
    let run = Arc::new(Mutex::new(Some(run)));
    let (stepper, c) = (run.clone(), clock.clone());
    // Without a horizon the run ends when nothing scripted is left and the spooler is quiet,
    // which only the driver can ask: steps stop at the last scripted entry.
    let go_on = move |c: &Clock| until.is_some() || c.has_scripted();
    clock.set_step(Box::new(move || {
        if !go_on(&c) {
            return false;
        }
        // Busy: the step is under way, and a message it sent counted as handled at once.
        let Ok(mut run) = stepper.try_lock() else {
            return false;
        };
        run.as_mut().is_some_and(|r| r.step(go_on))
    }));
    let end = loop {
        clock.wait_idle().await;
        if until.is_none() && !clock.has_scripted() && quiet(&spooler).await {
            break clock.now();
        }
        // None: nothing more can happen, or the horizon is reached.
        if !lock(&run).as_mut().is_some_and(|r| r.step(go_on)) {
            break horizon;
        }
    };
    let run = lock(&run).take().expect("the run is taken out once");
    (run, end)
}

fn lock(run: &Mutex<Option<Run>>) -> std::sync::MutexGuard<'_, Option<Run>> {
    // A poisoned lock only means an actor panicked; the run's own state is intact.
    run.lock().unwrap_or_else(|e| e.into_inner())
}

/// Whether the spooler has nothing left to move or flush.
async fn quiet(spooler: &SpoolerHandle) -> bool {
    let liveness = spooler.liveness().await;
    liveness.is_some_and(|l| l.is_quiet())
}

async fn drive<F, Fut>(
    scenario: Arc<Scenario>,
    opts: &RunOptions,
    clock: Clock,
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
    let mut run = Run::start(scenario.clone(), clock, seed, horizon, opts.full_trace);
    run.lay_out_script(seed);

    // From here on the run handles events: the client program starting at time 0 first, as a
    // scripted client would, so whatever it causes at 0 is written after it.
    run.clock.set_current(Key {
        t: 0,
        class: Class::Client as u8,
        idx: CREATED,
        seq: 0,
    });
    let program = Client::new(run.session.clone(), run.clock.clone(), run.log.clone());
    run.clock.client_woken();
    let user = tokio::spawn(client(program));

    // The driver is a task like the actors, not the future the runtime blocks on: when it
    // yields to let them run, it goes to the back of the run queue and the runtime goes on
    // running tasks, rather than parking to poll its timers and the blocked-on future.
    let driver = tokio::spawn(async move {
        let (run, end_time) = drive_run(run, until).await;
        (end_time, run.finish(end_time).await)
    });
    let (end_time, (trace, transports, inbox)) = driver
        .await
        .unwrap_or_else(|e| std::panic::resume_unwind(e.into_panic()));
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
        transports,
        transport_names: scenario.transports.iter().map(|t| t.name.clone()).collect(),
        call_names: CallNames::of(&scenario),
        inbox,
    };
    (result, output)
}
