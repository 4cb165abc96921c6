//! Metrics (`docs/metrics.md`), computed from a run's trace and end state.
//!
//! Everything here reads the merged trace and the end-of-run snapshot, never actor internals,
//! so the report, `check`, sweeps and plots all see the same numbers.

use std::collections::BTreeMap;
use std::fmt;

use crate::mapi::{combine, HResult};
use crate::sim::samples::{summaries, Samples, Summary};
use crate::sim::time::format_compact;
use crate::sim::{format_duration, FlushId, Micros, TransportId, ValidateId};
use crate::trace::{EventKind, Latencies, Object, Origin, ProcStep, TransportCounts};

use super::runner::{RunResult, TransportEnd};

/// A metric's value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    /// A count.
    Count(i64),
    /// A time or duration in microseconds.
    Time(Micros),
    /// A MAPI result.
    Result(HResult),
    /// No samples.
    None,
    /// A time that never came.
    Never,
    /// A result that never came.
    Pending,
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Count(n) => write!(f, "{n}"),
            Value::Time(t) => f.write_str(&format_duration(*t)),
            Value::Result(r) => write!(f, "{r}"),
            Value::None => f.write_str("none"),
            Value::Never => f.write_str("never"),
            Value::Pending => f.write_str("pending"),
        }
    }
}

impl Value {
    /// The value for tables: times in [`format_compact`] form.
    pub fn compact(&self) -> String {
        match self {
            Value::Time(t) => format_compact(*t),
            v => v.to_string(),
        }
    }

    /// The JSON form: times as integer microseconds, words as strings.
    pub fn to_json(&self) -> serde_json::Value {
        match self {
            Value::Count(n) => (*n).into(),
            Value::Time(t) => (*t).into(),
            Value::Result(r) => r.name().into(),
            Value::None => "none".into(),
            Value::Never => "never".into(),
            Value::Pending => "pending".into(),
        }
    }

    /// The value as a number, for sweeps: counts and times; words have none.
    pub fn as_number(&self) -> Option<i64> {
        match self {
            Value::Count(n) => Some(*n),
            Value::Time(t) => i64::try_from(*t).ok(),
            _ => None,
        }
    }
}

/// What one `FlushQueues` call did, assembled from the trace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlushInfo {
    /// Its id in the trace.
    pub id: FlushId,
    /// Who called.
    pub origin: Origin,
    /// The status object called.
    pub object: Object,
    /// `lpTargetTransport`, resolved.
    pub target: Option<TransportId>,
    /// Raw flags.
    pub flags: u32,
    /// When it was called.
    pub called_at: Micros,
    /// When and what it returned.
    pub returned: Option<(Micros, HResult)>,
    /// When and how its work ended.
    pub completed: Option<(Micros, HResult)>,
    /// Messages its parts delivered.
    pub delivered: u64,
    /// Messages its parts received.
    pub received: u64,
    /// Dial prompts its work caused.
    pub prompts: u64,
    /// Whether it showed a progress indicator.
    pub progress_ui: bool,
}

/// Every flush call of a run, in call order.
pub fn flushes(run: &RunResult) -> Vec<FlushInfo> {
    let mut by_id: BTreeMap<FlushId, FlushInfo> = BTreeMap::new();
    for e in run.trace.events() {
        let t = e.key.t;
        match e.kind {
            EventKind::FlushCall {
                flush,
                object,
                target,
                flags,
                origin,
                ..
            } => {
                by_id.insert(
                    flush,
                    FlushInfo {
                        id: flush,
                        origin,
                        object,
                        target,
                        flags,
                        called_at: t,
                        returned: None,
                        completed: None,
                        delivered: 0,
                        received: 0,
                        prompts: 0,
                        progress_ui: false,
                    },
                );
            }
            EventKind::FlushReturn { flush, result } => {
                if let Some(f) = by_id.get_mut(&flush) {
                    f.returned = Some((t, result));
                }
            }
            EventKind::FlushComplete { flush, outcome } => {
                if let Some(f) = by_id.get_mut(&flush) {
                    f.completed = Some((t, outcome));
                }
            }
            EventKind::PartEnd {
                flush,
                delivered,
                received,
                ..
            }
            | EventKind::PartOpen {
                flush,
                delivered,
                received,
                ..
            } => {
                if let Some(f) = by_id.get_mut(&flush) {
                    f.delivered += u64::from(delivered);
                    f.received += u64::from(received);
                }
            }
            EventKind::Prompt {
                flush: Some(flush), ..
            } => {
                if let Some(f) = by_id.get_mut(&flush) {
                    f.prompts += 1;
                }
            }
            EventKind::ProgressUi { flush, .. } => {
                if let Some(f) = by_id.get_mut(&flush) {
                    f.progress_ui = true;
                }
            }
            _ => {}
        }
    }
    by_id.into_values().collect()
}

/// What one `ValidateState` call did, assembled from the trace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidateInfo {
    /// Its id in the trace.
    pub id: ValidateId,
    /// Who called.
    pub origin: Origin,
    /// The status object called.
    pub object: Object,
    /// Raw flags.
    pub flags: u32,
    /// When it was called.
    pub called_at: Micros,
    /// When and what it returned.
    pub returned: Option<(Micros, HResult)>,
    /// The flush its `FORCE_XP_CONNECT` started, if any.
    pub flush: Option<FlushId>,
}

/// Every `ValidateState` call of a run, in call order, each with the flush it started (whose
/// `flush_call` names the validate call).
pub fn validates(run: &RunResult) -> Vec<ValidateInfo> {
    let mut by_id: BTreeMap<ValidateId, ValidateInfo> = BTreeMap::new();
    for e in run.trace.events() {
        match e.kind {
            EventKind::ValidateCall {
                validate,
                object,
                flags,
                origin,
            } => {
                let info = ValidateInfo {
                    id: validate,
                    origin,
                    object,
                    flags,
                    called_at: e.key.t,
                    returned: None,
                    flush: None,
                };
                by_id.insert(validate, info);
            }
            EventKind::ValidateReturn { validate, result } => {
                if let Some(v) = by_id.get_mut(&validate) {
                    v.returned = Some((e.key.t, result));
                }
            }
            EventKind::FlushCall {
                flush,
                validate: Some(validate),
                ..
            } => {
                if let Some(v) = by_id.get_mut(&validate) {
                    v.flush = Some(flush);
                }
            }
            _ => {}
        }
    }
    by_id.into_values().collect()
}

/// The metrics of one run, by name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Metrics(pub BTreeMap<String, Value>);

impl Metrics {
    /// A metric's value.
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.0.get(name)
    }

    /// A count metric's value, or 0.
    pub fn count_of(&self, name: &str) -> i64 {
        match self.0.get(name) {
            Some(Value::Count(n)) => *n,
            _ => 0,
        }
    }

    /// The metrics as the JSON object of `--format json`.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::Value::Object(
            self.0
                .iter()
                .map(|(k, v)| (k.clone(), v.to_json()))
                .collect(),
        )
    }
}

/// Written as [`Metrics::to_json`] is, without building it first: a report of 10,000 transports
/// has some 180,000 metrics, and copying each name into a JSON object only to write it out
/// costs more than working the metrics out.
impl serde::Serialize for Metrics {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.0.iter())
    }
}

/// Written as [`Value::to_json`] is.
impl serde::Serialize for Value {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Value::Count(n) => s.serialize_i64(*n),
            Value::Time(t) => s.serialize_u64(*t),
            Value::Result(r) => s.serialize_str(r.name()),
            Value::None => s.serialize_str("none"),
            Value::Never => s.serialize_str("never"),
            Value::Pending => s.serialize_str("pending"),
        }
    }
}

/// Metrics as they are worked out, in that order, before they are sorted by name.
///
/// One sort of the whole list and a tree built from it in one pass, rather than an insertion
/// into the tree per metric, whose cost grew with the size of the tree (a run of many
/// transports has seventeen metrics each). A name given twice keeps its last value, as
/// insertions would.
#[derive(Default)]
struct Entries {
    list: Vec<(String, Value)>,
    /// Ranges of `list` that hold a metric family per transport, in the order of their names.
    blocks: Vec<(usize, usize)>,
}

impl Entries {
    fn insert(&mut self, name: String, value: Value) {
        self.list.push((name, value));
    }

    fn count(&mut self, name: impl Into<String>, n: u64) {
        self.insert(name.into(), Value::Count(n as i64));
    }

    /// Marks what `f` inserts as one block (see [`runs_in_order`]).
    fn block(&mut self, f: impl FnOnce(&mut Entries)) {
        let start = self.list.len();
        f(self);
        self.blocks.push((start, self.list.len()));
    }

    /// The metrics, sorted by name.
    fn into_metrics(self) -> Metrics {
        // A stable sort then a tree built in one pass; of equal names the last one is kept.
        Metrics(runs_in_order(self.list, &self.blocks).into_iter().collect())
    }
}

fn latency(m: &mut Entries, prefix: &str, s: Option<Summary>) {
    let v = |f: fn(&Summary) -> Micros| s.as_ref().map_or(Value::None, |s| Value::Time(f(s)));
    // In the order of their names, as the metrics are sorted.
    m.insert(format!("{prefix}.max"), v(|s| s.max));
    m.insert(format!("{prefix}.min"), v(|s| s.min));
    m.insert(format!("{prefix}.p50"), v(|s| s.p50));
    m.insert(format!("{prefix}.p90"), v(|s| s.p90));
    m.insert(format!("{prefix}.p99"), v(|s| s.p99));
}

/// The transports' indices in the order of their names (equal names in profile order): per
/// transport metrics listed in this order come nearly sorted, which the sort of all metrics
/// then passes over in about one pass instead of comparing each name about twenty times.
fn by_name(names: &[String]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..names.len()).collect();
    order.sort_by(|&a, &b| names[a].cmp(&names[b]));
    order
}

fn object_name(run: &RunResult, o: Object) -> String {
    match o {
        Object::Spooler => "spooler".into(),
        Object::Transport(t) => run.transport_names[t.index()].clone(),
        Object::Other(r) => format!("row{r}"),
    }
}

fn call_metrics(m: &mut Entries, prefix: &str, calls: &[&FlushInfo]) {
    let returned = calls.iter().map(|c| c.returned).collect::<Option<Vec<_>>>();
    let result = match &returned {
        Some(r) if !r.is_empty() => Value::Result(combine(r.iter().map(|x| x.1))),
        _ => Value::Pending,
    };
    let last = calls.last();
    let returned_at = match (last.and_then(|c| c.returned), &returned) {
        (Some((t, _)), Some(_)) => Value::Time(t),
        _ => Value::Never,
    };
    let (completed_at, outcome) = match last.and_then(|c| c.completed) {
        Some((t, o)) if returned.is_some() => (Value::Time(t), Value::Result(o)),
        _ => (Value::Never, Value::Pending),
    };
    m.insert(format!("{prefix}.result"), result);
    m.insert(format!("{prefix}.outcome"), outcome);
    m.insert(format!("{prefix}.returned_at"), returned_at);
    m.insert(format!("{prefix}.completed_at"), completed_at);
    m.count(
        format!("{prefix}.delivered"),
        calls.iter().map(|c| c.delivered).sum(),
    );
    m.count(
        format!("{prefix}.received"),
        calls.iter().map(|c| c.received).sum(),
    );
    m.count(
        format!("{prefix}.prompts"),
        calls.iter().map(|c| c.prompts).sum(),
    );
}

/// How many scripted calls of each kind a scenario has, so that every one gets its metrics
/// (`pending` and `never` for one that never happened).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ScriptedCalls {
    /// `[[flush]]` entries.
    pub flushes: usize,
    /// `[[procedure]]` entries.
    pub procedures: usize,
    /// `[[validate]]` entries.
    pub validates: usize,
}

impl ScriptedCalls {
    /// The counts of `scenario`'s entries.
    pub fn of(scenario: &crate::model::Scenario) -> Self {
        ScriptedCalls {
            flushes: scenario.flushes.len(),
            procedures: scenario.procedures.len(),
            validates: scenario.validates.len(),
        }
    }
}

/// Computes every metric of `docs/metrics.md` for `run`, whose scenario has `scripted` calls.
pub fn compute(run: &RunResult, scripted: ScriptedCalls) -> Metrics {
    let (n_flushes, n_procedures) = (scripted.flushes, scripted.procedures);
    let mut m = Entries::default();
    traffic_metrics(&mut m, run);
    latency_metrics(&mut m, run);
    progress_ui_metrics(&mut m, run);
    let calls = flushes(run);
    for n in 1..=n_flushes as u32 {
        let mine: Vec<&FlushInfo> = calls
            .iter()
            .filter(|c| c.origin == Origin::Flush(n))
            .collect();
        call_metrics(&mut m, &format!("flush.{n}"), &mine);
    }
    for n in 1..=n_procedures as u32 {
        procedure_metrics(&mut m, run, &calls, n);
    }
    let checks = validates(run);
    for n in 1..=scripted.validates as u32 {
        validate_metrics(&mut m, &calls, &checks, n);
    }
    m.into_metrics()
}

/// The entries sorted by name, stably, as the tree's sort would leave them.
///
/// Each per-transport family (a block) comes already sorted and mostly apart from the others;
/// every other metric is taken as a run of its own. Runs are put in order of their first names
/// and only those whose names overlap are sorted together, so the tree's own sort then finds
/// one run and makes one pass, instead of merging some twenty runs of long names with long
/// common prefixes. Overlapping runs are sorted with their entries in the order they came, and
/// equal names always overlap, so the last of them is still the one kept.
fn runs_in_order(entries: Vec<(String, Value)>, blocks: &[(usize, usize)]) -> Vec<(String, Value)> {
    let runs = sorted_runs(&entries, blocks);
    if runs.len() < 2 {
        return entries;
    }
    let groups = overlapping(&entries, &runs);
    let mut runs = runs;
    let mut slots: Vec<Option<(String, Value)>> = entries.into_iter().map(Some).collect();
    let mut sorted = Vec::with_capacity(slots.len());
    for (from, to) in groups {
        let group = &mut runs[from..to];
        group.sort_unstable_by_key(|r| r.0);
        let first = sorted.len();
        for &(a, b) in group.iter() {
            sorted.extend(slots[a..b].iter_mut().filter_map(Option::take));
        }
        if to - from > 1 {
            sorted[first..].sort_by(|x: &(String, Value), y| x.0.cmp(&y.0));
        }
    }
    sorted
}

/// The entries as runs of names in order, `(start, end)`, themselves in order of their first
/// names: a block split where its names go down, every entry outside blocks on its own.
fn sorted_runs(entries: &[(String, Value)], blocks: &[(usize, usize)]) -> Vec<(usize, usize)> {
    let mut runs: Vec<(usize, usize)> = Vec::new();
    let mut blocks = blocks.iter().filter(|b| b.0 < b.1).peekable();
    let mut i = 0;
    while i < entries.len() {
        match blocks.peek() {
            Some(&&(start, end)) if start <= i => {
                let mut from = i;
                for j in i + 1..end {
                    if entries[j - 1].0 > entries[j].0 {
                        runs.push((from, j));
                        from = j;
                    }
                }
                runs.push((from, end));
                i = end;
                blocks.next();
            }
            _ => {
                runs.push((i, i + 1));
                i += 1;
            }
        }
    }
    // Stable, so runs starting with equal names stay in the order they came.
    runs.sort_by(|a, b| entries[a.0].0.cmp(&entries[b.0].0));
    runs
}

/// Splits `runs` (in order of their first names) into groups `from..to` whose names overlap,
/// each group's names all below the next group's.
fn overlapping(entries: &[(String, Value)], runs: &[(usize, usize)]) -> Vec<(usize, usize)> {
    let mut groups = Vec::new();
    let mut from = 0;
    // Index of the greatest name in the group so far.
    let mut top = runs[0].1 - 1;
    for (k, &(a, b)) in runs.iter().enumerate().skip(1) {
        if entries[a].0 > entries[top].0 {
            groups.push((from, k));
            from = k;
            top = b - 1;
        } else if entries[b - 1].0 > entries[top].0 {
            top = b - 1;
        }
    }
    groups.push((from, runs.len()));
    groups
}

/// `[[validate]]` number `n`: what the call returned and when, and the figures of the flush its
/// `FORCE_XP_CONNECT` started, if any (with none, its work ended as it returned).
fn validate_metrics(m: &mut Entries, calls: &[FlushInfo], checks: &[ValidateInfo], n: u32) {
    let origin = Origin::Validate(n);
    let prefix = format!("validate.{n}");
    let call = checks.iter().find(|v| v.origin == origin);
    let returned = call.and_then(|v| v.returned);
    let started = call
        .and_then(|v| v.flush)
        .and_then(|id| calls.iter().find(|c| c.id == id));
    let (result, returned_at) = match returned {
        Some((t, r)) => (Value::Result(r), Value::Time(t)),
        None => (Value::Pending, Value::Never),
    };
    let completed_at = match started {
        Some(f) => f.completed.map_or(Value::Never, |(t, _)| Value::Time(t)),
        None => returned_at.clone(),
    };
    m.insert(format!("{prefix}.result"), result);
    m.insert(format!("{prefix}.returned_at"), returned_at);
    m.insert(format!("{prefix}.completed_at"), completed_at);
    let (d, r, p) = started.map_or((0, 0, 0), |f| (f.delivered, f.received, f.prompts));
    m.count(format!("{prefix}.delivered"), d);
    m.count(format!("{prefix}.received"), r);
    m.count(format!("{prefix}.prompts"), p);
}

/// Where the mail went, per transport and in all, with the conservation check (`lost`),
/// prompts, connects and the end time.
fn traffic_metrics(m: &mut Entries, run: &RunResult) {
    let rec = &run.trace;
    let mut tot = [0u64; 8];
    let mut prompts_total = 0;
    let mut connects_total = 0;
    let names = &run.transport_names;
    type Pick = fn(&TransportCounts, &TransportEnd) -> u64;
    let per_transport: [(&str, Pick); 7] = [
        ("connects", |c, _| c.connects),
        ("delivered", |c, _| c.delivered),
        ("ndr", |c, _| c.ndr),
        ("queued_inbound", |_, e| e.queued_inbound),
        ("queued_outbound", |_, e| e.queued_outbound),
        ("received", |c, _| c.received),
        ("ui_prompts", |c, _| c.prompts),
    ];
    let order = by_name(names);
    for (prefix, pick) in per_transport {
        m.block(|m| {
            for &t in &order {
                let value = pick(&rec.counts()[t], &run.transports[t]);
                m.count(format!("{prefix}.{}", names[t]), value);
            }
        });
    }
    for t in 0..names.len() {
        let c = rec.counts()[t];
        let e = run.transports[t];
        for (slot, v) in tot.iter_mut().zip([
            c.submitted,
            c.delivered,
            c.ndr,
            e.queued_outbound,
            e.in_flight,
            c.arrived,
            c.received,
            e.queued_inbound,
        ]) {
            *slot += v;
        }
        prompts_total += c.prompts;
        connects_total += c.connects;
    }
    let [submitted, delivered, ndr, queued_out, in_flight, arrived, received, queued_in] = tot;
    let submitted = submitted + rec.unroutable();
    let ndr = ndr + rec.unroutable();
    m.count("submitted", submitted);
    m.count("delivered", delivered);
    m.count("received", received);
    m.count("arrived_remote", arrived);
    m.count("ndr", ndr);
    m.count("queued_outbound", queued_out);
    m.count("queued_inbound", queued_in);
    m.count("in_flight", in_flight);
    let lost = (submitted as i64 - (delivered + ndr + queued_out + in_flight) as i64).abs()
        + (arrived as i64 - (received + queued_in) as i64).abs();
    m.insert("lost".into(), Value::Count(lost));
    m.count("ui_prompts", prompts_total);
    m.count("connects", connects_total);
    m.insert("end_time".into(), Value::Time(run.end_time));
}

/// Outbound and inbound latencies, per transport and in all, each direction's percentiles
/// selected over one copy of its samples.
fn latency_metrics(m: &mut Entries, run: &RunResult) {
    let lat = run.trace.latencies();
    let names = &run.transport_names;
    let order = by_name(names);
    for (dir, pick) in [
        (
            "inbound",
            (|l: &Latencies| &l.inbound) as fn(&Latencies) -> &Samples,
        ),
        ("outbound", |l: &Latencies| &l.outbound),
    ] {
        let parts: Vec<&Samples> = lat.iter().map(pick).collect();
        let (each, all) = summaries(&parts);
        m.block(|m| {
            for &t in order.iter().filter(|&&t| t < each.len()) {
                latency(m, &format!("latency.{dir}.{}", names[t]), each[t]);
            }
        });
        latency(m, &format!("latency.{dir}"), all);
    }
}

/// Progress indicators shown, per status object and in all.
fn progress_ui_metrics(m: &mut Entries, run: &RunResult) {
    let mut ui: BTreeMap<String, u64> = BTreeMap::new();
    ui.insert("spooler".into(), 0);
    for name in &run.transport_names {
        ui.insert(name.clone(), 0);
    }
    for e in run.trace.events() {
        if let EventKind::ProgressUi { object, .. } = e.kind {
            *ui.entry(object_name(run, object)).or_default() += 1;
        }
    }
    m.count("progress_ui", ui.values().sum());
    m.block(|m| {
        for (o, n) in ui {
            m.count(format!("progress_ui.{o}"), n);
        }
    });
}

/// `[[procedure]]` number `n`: its calls combined, or, when it made none (no rows matched, or
/// a step failed), the result its last step gave.
fn procedure_metrics(m: &mut Entries, run: &RunResult, calls: &[FlushInfo], n: u32) {
    let mine: Vec<&FlushInfo> = calls
        .iter()
        .filter(|c| c.origin == Origin::Procedure(n))
        .collect();
    let prefix = format!("procedure.{n}");
    call_metrics(m, &prefix, &mine);
    if !mine.is_empty() {
        return;
    }
    let done = run.trace.events().iter().find_map(|e| match e.kind {
        EventKind::Procedure {
            procedure,
            step: ProcStep::Done(r),
        } if procedure == n => Some((e.key.t, r)),
        _ => None,
    });
    if let Some((t, r)) = done {
        m.insert(format!("{prefix}.result"), Value::Result(r));
        m.insert(format!("{prefix}.outcome"), Value::Result(r));
        m.insert(format!("{prefix}.returned_at"), Value::Time(t));
        m.insert(format!("{prefix}.completed_at"), Value::Time(t));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries(names: &[&str]) -> Vec<(String, Value)> {
        names
            .iter()
            .enumerate()
            .map(|(i, n)| (n.to_string(), Value::Count(i as i64)))
            .collect()
    }

    /// Whatever the blocks, the order is that of a stable sort by name.
    #[test]
    fn runs_in_order_sorts_as_a_stable_sort() {
        let names = [
            "b", "a.x", "a.y", "a.z", "a", "c.a", "c.b", "a.y", "c.c", "b.b", "b.a", "d", "c.b",
            "a.w", "e",
        ];
        let cases: [&[(usize, usize)]; 5] = [
            &[],
            &[(1, 4)],
            &[(1, 4), (5, 7), (9, 11)],
            &[(0, 15)],
            &[(1, 4), (4, 5), (5, 9), (9, 13), (14, 15)],
        ];
        for blocks in cases {
            let mut want = entries(&names);
            want.sort_by(|a, b| a.0.cmp(&b.0));
            assert_eq!(runs_in_order(entries(&names), blocks), want, "{blocks:?}");
        }
    }
}
