//! The scenario model: what a run is made of, independent of how it was written down.
//!
//! Scenario files (TOML) are parsed into these types; tests, examples and benchmarks build them
//! in code. Everything here is already validated and resolved: transports are referred to by
//! their index in file order, durations are exact microseconds and flags are raw bits.

use std::collections::BTreeMap;

use crate::mapi::{FlushFlags, ValidateFlags};
use crate::sim::rng::Dist;
use crate::sim::time::{Micros, DAY, MINUTE, SECOND};
use crate::sim::TransportId;

/// A whole scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct Scenario {
    /// Its name (required in files).
    pub name: String,
    /// What it shows.
    pub description: Option<String>,
    /// The seed of every random stream; `--seed` overrides it.
    pub seed: u64,
    /// The horizon; `None` means "until quiescent, at most 7 days".
    pub until: Option<Micros>,
    /// The spooler's settings.
    pub spooler: SpoolerConfig,
    /// The transports in profile (file) order.
    pub transports: Vec<TransportConfig>,
    /// Outbound traffic submitted by the client.
    pub mail: Vec<MailSpec>,
    /// Inbound traffic arriving at transports' remote ends.
    pub incoming: Vec<IncomingSpec>,
    /// Scripted `FlushQueues` calls.
    pub flushes: Vec<FlushSpec>,
    /// Scripted seed procedures.
    pub procedures: Vec<ProcedureSpec>,
    /// Scripted `ValidateState` calls.
    pub validates: Vec<ValidateSpec>,
    /// Scripted faults.
    pub faults: Vec<FaultSpec>,
    /// Expectations checked after the run.
    pub expect: Vec<Expectation>,
}

/// The longest a run lasts when no horizon is given.
pub const DEFAULT_HORIZON: Micros = 7 * DAY;

impl Scenario {
    /// An empty scenario with default settings and no transports.
    pub fn new(name: impl Into<String>) -> Self {
        Scenario {
            name: name.into(),
            description: None,
            seed: 0,
            until: None,
            spooler: SpoolerConfig::default(),
            transports: Vec::new(),
            mail: Vec::new(),
            incoming: Vec::new(),
            flushes: Vec::new(),
            procedures: Vec::new(),
            validates: Vec::new(),
            faults: Vec::new(),
            expect: Vec::new(),
        }
    }

    /// The transport called `name`.
    pub fn transport_index(&self, name: &str) -> Option<TransportId> {
        let i = self.transports.iter().position(|t| t.name == name)?;
        Some(TransportId::new(i))
    }

    /// The transport `t`'s settings.
    ///
    /// # Panics
    /// If the scenario has no such transport.
    pub fn transport(&self, t: TransportId) -> &TransportConfig {
        &self.transports[t.index()]
    }

    /// The first transport, in file order, that handles `address_type` (case-insensitive).
    pub fn route(&self, address_type: &str) -> Option<TransportId> {
        let i = self
            .transports
            .iter()
            .position(|t| t.handles(address_type))?;
        Some(TransportId::new(i))
    }

    /// The routing table of the transports: [`Scenario::route`] for many addresses, each
    /// looked up without a walk over the transports.
    pub fn routes(&self) -> Routes {
        let mut all: Vec<(String, TransportId)> = TransportId::all(self.transports.len())
            .zip(&self.transports)
            .flat_map(|(t, cfg)| {
                cfg.address_types
                    .iter()
                    .map(move |a| (a.to_ascii_uppercase(), t))
            })
            .collect();
        // Sorted once and built in one pass: inserted one by one, each address type was
        // compared with a dozen others (thousands of transports, a few times a run).
        // The sort is stable, so of equal types the first transport's comes first and stays.
        all.sort_by(|a, b| a.0.cmp(&b.0));
        all.dedup_by(|later, first| later.0 == first.0);
        Routes {
            first: all.into_iter().collect(),
        }
    }

    /// How many outbound messages the scenario submits in all.
    pub fn total_mail(&self) -> u64 {
        self.mail.iter().map(|m| m.count).sum()
    }

    /// How many inbound messages the scenario makes arrive in all.
    pub fn total_incoming(&self) -> u64 {
        self.incoming.iter().map(|m| m.count).sum()
    }
}

/// `[spooler]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SpoolerConfig {
    /// Whether the spooler's status object obeys `FLUSH_NO_UI`.
    pub honors_no_ui: bool,
    /// How a spooler flush walks its transports.
    pub flush_order: FlushOrder,
}

impl Default for SpoolerConfig {
    fn default() -> Self {
        SpoolerConfig {
            honors_no_ui: true,
            flush_order: FlushOrder::Profile,
        }
    }
}

/// How a spooler flush walks its transports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlushOrder {
    /// One after another in file order: A out, A in, B out, B in.
    Profile,
    /// All at once, each doing its outbound then its inbound phase.
    Parallel,
}

/// When a transport moves mail without being flushed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Schedule {
    /// As soon as a message is queued (outbound only).
    Immediate,
    /// At every whole multiple of the period, never at 0.
    Every(Micros),
    /// Only in a flush.
    OnDemand,
}

/// `[[transport]]`.
#[derive(Debug, Clone, PartialEq)]
pub struct TransportConfig {
    /// Unique name; also its `PR_DISPLAY_NAME`.
    pub name: String,
    /// LAN or dial-up, with the dial-up settings.
    pub kind: TransportKind,
    /// Address types it handles, compared case-insensitively.
    pub address_types: Vec<String>,
    /// Time to move one message.
    pub per_message: Dist,
    /// Outbound schedule.
    pub send: Schedule,
    /// Inbound poll schedule (never `Immediate`).
    pub receive: Schedule,
    /// `STATUS_FLUSH_QUEUES` in its `PR_RESOURCE_METHODS`.
    pub supports_flush: bool,
    /// Whether its own status object obeys `FLUSH_NO_UI`.
    pub honors_no_ui: bool,
    /// Chance that one attempt fails.
    pub failure_rate: f64,
    /// First back-off after a failed attempt.
    pub retry: Micros,
    /// Cap of the doubling back-off.
    pub max_retry: Micros,
    /// Outbound mail undelivered this long after submission gets an NDR.
    pub lifetime: Micros,
}

/// The kind of a transport and what only that kind has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransportKind {
    /// Always connected.
    Lan,
    /// Dial-up (modem/RAS): prompts, connects, hangs up.
    Ras(RasConfig),
}

/// The dial-up settings of a `ras` transport.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RasConfig {
    /// Dialling and handshake, from the moment the prompt is accepted.
    pub connect: Micros,
    /// The line drops after this long with nothing to move.
    pub idle_hangup: Micros,
    /// How the simulated user answers the dial prompt.
    pub ui: UiAnswer,
    /// How long the user takes to answer.
    pub ui_delay: Micros,
    /// Dials without any prompt.
    pub unattended: bool,
}

impl Default for RasConfig {
    fn default() -> Self {
        RasConfig {
            connect: 30 * SECOND,
            idle_hangup: 2 * MINUTE,
            ui: UiAnswer::Accept,
            ui_delay: 5 * SECOND,
            unattended: false,
        }
    }
}

/// How the simulated user answers a dial prompt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UiAnswer {
    /// Dial.
    Accept,
    /// Refuse: the transport's part ends with `MAPI_E_USER_CANCEL`.
    Cancel,
    /// Never answer.
    Ignore,
}

impl UiAnswer {
    /// The word scenario files use.
    pub fn as_str(self) -> &'static str {
        match self {
            UiAnswer::Accept => "accept",
            UiAnswer::Cancel => "cancel",
            UiAnswer::Ignore => "ignore",
        }
    }
}

impl TransportConfig {
    /// A LAN transport with the documented defaults (`docs/scenario-format.md`).
    pub fn lan(name: impl Into<String>, address_types: &[&str]) -> Self {
        TransportConfig {
            name: name.into(),
            kind: TransportKind::Lan,
            address_types: address_types.iter().map(|s| s.to_string()).collect(),
            per_message: Dist::Fixed(0),
            send: Schedule::Immediate,
            receive: Schedule::Every(10 * MINUTE),
            supports_flush: true,
            honors_no_ui: true,
            failure_rate: 0.0,
            retry: 5 * MINUTE,
            max_retry: 4000 * SECOND,
            lifetime: 5 * DAY,
        }
    }

    /// A dial-up transport with the documented defaults (`docs/scenario-format.md`).
    pub fn ras(name: impl Into<String>, address_types: &[&str]) -> Self {
        TransportConfig {
            kind: TransportKind::Ras(RasConfig::default()),
            send: Schedule::OnDemand,
            receive: Schedule::OnDemand,
            honors_no_ui: false,
            ..TransportConfig::lan(name, address_types)
        }
    }

    /// The dial-up settings, for a `ras` transport.
    pub fn ras_config(&self) -> Option<&RasConfig> {
        match &self.kind {
            TransportKind::Ras(r) => Some(r),
            TransportKind::Lan => None,
        }
    }

    /// Mutable dial-up settings, for a `ras` transport.
    pub fn ras_config_mut(&mut self) -> Option<&mut RasConfig> {
        match &mut self.kind {
            TransportKind::Ras(r) => Some(r),
            TransportKind::Lan => None,
        }
    }

    /// Whether it handles mail to addresses of `address_type` (compared case-insensitively).
    pub fn handles(&self, address_type: &str) -> bool {
        self.address_types
            .iter()
            .any(|a| a.eq_ignore_ascii_case(address_type))
    }

    /// `"lan"` or `"ras"`.
    pub fn kind_name(&self) -> &'static str {
        match self.kind {
            TransportKind::Lan => "lan",
            TransportKind::Ras(_) => "ras",
        }
    }
}

/// Which transport gets mail of each address type: the first, in file order, that handles it
/// ([`Scenario::routes`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Routes {
    /// The first transport of each address type, upper-cased.
    first: BTreeMap<String, TransportId>,
}

impl Routes {
    /// The transport that gets mail to addresses of `address_type` (compared without regard
    /// to ASCII case), or `None` when no transport handles it.
    pub fn route(&self, address_type: &str) -> Option<TransportId> {
        if address_type.bytes().any(|b| b.is_ascii_lowercase()) {
            return self.first.get(&address_type.to_ascii_uppercase()).copied();
        }
        self.first.get(address_type).copied()
    }
}

/// `[[mail]]`: outbound mail submitted by the client.
#[derive(Debug, Clone, PartialEq)]
pub struct MailSpec {
    /// When the first message is submitted.
    pub at: Micros,
    /// `TYPE:address`.
    pub to: String,
    /// How many messages.
    pub count: u64,
    /// Spacing between them.
    pub every: Dist,
    /// Size in bytes (recorded and reported).
    pub size: u64,
}

impl MailSpec {
    /// The address type: the part of `to` before the first `:`.
    pub fn address_type(&self) -> &str {
        self.to.split_once(':').map_or(self.to.as_str(), |(t, _)| t)
    }
}

/// `[[incoming]]`: mail arriving at a transport's remote end.
#[derive(Debug, Clone, PartialEq)]
pub struct IncomingSpec {
    /// The transport it arrives at.
    pub transport: TransportId,
    /// When the first message arrives.
    pub at: Micros,
    /// How many messages.
    pub count: u64,
    /// Spacing between them.
    pub every: Dist,
}

/// Which status object a call goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via {
    /// The spooler's status object.
    Spooler,
    /// A transport's own status object.
    Transport(TransportId),
}

/// `[[flush]]`: one `IMAPIStatus::FlushQueues` call.
#[derive(Debug, Clone, PartialEq)]
pub struct FlushSpec {
    /// When it is called.
    pub at: Micros,
    /// Which status object.
    pub via: Via,
    /// `lpTargetTransport`, only with `via = Spooler`.
    pub target: Option<TransportId>,
    /// Raw flag bits, unknown ones included.
    pub flags: FlushFlags,
    /// Position among all `[[flush]]`, `[[procedure]]` and `[[validate]]` entries in file
    /// order, which orders those at the same instant.
    pub order: u32,
    /// Its `name`, unique among flushes, procedures and validate calls: `flush.<name>.*` then
    /// means `flush.N.*`.
    pub name: Option<String>,
}

/// Which seed procedure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProcedureKind {
    /// Procedure 1: the spooler's status object flushes every transport.
    FlushAll,
    /// Procedure 2: each transport's own status object, or the spooler with a target.
    FlushEach,
}

impl ProcedureKind {
    /// The word scenario files use.
    pub fn as_str(self) -> &'static str {
        match self {
            ProcedureKind::FlushAll => "flush-all",
            ProcedureKind::FlushEach => "flush-each",
        }
    }
}

/// `[[procedure]]`: a seed procedure run step by step through the status table.
#[derive(Debug, Clone, PartialEq)]
pub struct ProcedureSpec {
    /// When it starts.
    pub at: Micros,
    /// Which procedure.
    pub kind: ProcedureKind,
    /// The flags of its `FlushQueues` calls.
    pub flags: FlushFlags,
    /// Position among all `[[flush]]` and `[[procedure]]` entries in file order.
    pub order: u32,
    /// Its `name`, unique among flushes and procedures.
    pub name: Option<String>,
}

/// Which status object a `ValidateState` call goes to: any row of the status table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValidateVia {
    /// The MAPI subsystem's status object.
    Subsystem,
    /// The integrated address book's status object.
    AddressBook,
    /// The spooler's status object.
    Spooler,
    /// A transport's own status object.
    Transport(TransportId),
}

/// `[[validate]]`: one `IMAPIStatus::ValidateState` call.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidateSpec {
    /// When it is called.
    pub at: Micros,
    /// Which status object.
    pub via: ValidateVia,
    /// Raw flag bits, unknown ones included.
    pub flags: ValidateFlags,
    /// Position among all `[[flush]]`, `[[procedure]]` and `[[validate]]` entries in file
    /// order.
    pub order: u32,
    /// Its `name`, unique among flushes, procedures and validate calls: `validate.<name>.*`
    /// then means `validate.N.*`.
    pub name: Option<String>,
}

/// What a fault does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FaultKind {
    /// The transport's actor is stopped and restarted after `down`.
    Crash,
    /// Every attempt fails during `down`.
    Offline,
    /// A dial-up line drops.
    DropLine,
}

/// `[[fault]]`.
#[derive(Debug, Clone, PartialEq)]
pub struct FaultSpec {
    /// When it strikes.
    pub at: Micros,
    /// The transport it strikes.
    pub transport: TransportId,
    /// What happens.
    pub kind: FaultKind,
    /// How long it lasts (crash and offline).
    pub down: Option<Micros>,
}

/// A comparison in an expectation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CmpOp {
    /// `==` (also no operator).
    Eq,
    /// `!=`.
    Ne,
    /// `<=`.
    Le,
    /// `>=`.
    Ge,
    /// `<`.
    Lt,
    /// `>`.
    Gt,
}

impl CmpOp {
    /// The operator as written.
    pub fn as_str(self) -> &'static str {
        match self {
            CmpOp::Eq => "==",
            CmpOp::Ne => "!=",
            CmpOp::Le => "<=",
            CmpOp::Ge => ">=",
            CmpOp::Lt => "<",
            CmpOp::Gt => ">",
        }
    }
}

/// The value side of an expectation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExpectValue {
    /// A count.
    Int(i64),
    /// A time or duration, in microseconds.
    Time(Micros),
    /// A word: a result name, `none`, `never`, `pending`.
    Word(String),
}

/// One line of `[expect]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expectation {
    /// The metric's name (see `docs/metrics.md`).
    pub metric: String,
    /// The comparison.
    pub op: CmpOp,
    /// The value compared with.
    pub value: ExpectValue,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_give_the_first_transport_of_an_address_type_whatever_its_case() {
        let mut s = Scenario::new("routes");
        s.transports = vec![
            TransportConfig::lan("a", &["smtp"]),
            TransportConfig::lan("b", &["SMTP", "X400"]),
        ];
        let routes = s.routes();
        for ty in ["SMTP", "smtp", "Smtp", "x400", "FAX"] {
            assert_eq!(routes.route(ty), s.route(ty), "{ty}");
        }
        assert_eq!(routes.route("sMtP"), Some(TransportId(0)));
        assert_eq!(routes.route("X400"), Some(TransportId(1)));
        assert_eq!(routes.route("FAX"), None);
    }
}
