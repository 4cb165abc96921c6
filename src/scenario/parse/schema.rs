//! A JSON Schema of scenario files, for editors: `spoolsim schema` prints it, and TOML editors
//! that read JSON Schemas (taplo, Even Better TOML) then complete keys and flag mistakes as the
//! file is typed.
//!
//! The schema is built from the parser's own key lists ([`KEY_TABLES`]), so a key the parser
//! accepts cannot be missing from it nor one it refuses be in it; a private table gives each
//! key its type, and a key without one is a bug that the tests catch. Where JSON Schema cannot
//! say what the parser checks (a transport named in `via` exists, a metric in `[expect]`
//! exists) the schema accepts and the parser still refuses: the schema is a help while typing,
//! the parser the judge.

use serde_json::{json, Map, Value};

use super::duration::unit_spellings;
use super::reader::{FLAG_NAMES, VALIDATE_FLAG_NAMES};
use super::transport::{COMMON_KEYS, RAS_KEYS};
use super::{KeyTable, KEY_TABLES};

/// What a key holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ty {
    /// Any string.
    Text,
    /// A string with something other than blanks.
    NonBlank,
    /// A transport's name.
    TransportName,
    /// A flush's or procedure's name.
    CallName,
    /// A string naming a transport (or `spooler`), checked by the parser.
    Reference,
    /// A recipient `TYPE:address`.
    Recipient,
    /// A whole number from 0.
    Count,
    /// `true` or `false`.
    Bool,
    /// A number from 0 to 1.
    Probability,
    /// A duration string.
    Duration,
    /// A duration or a distribution table.
    Distribution,
    /// `send`: `immediate`, `on-demand` or a period.
    Send,
    /// `receive`: `on-demand` or a period.
    Receive,
    /// A size string or a number of bytes.
    Size,
    /// Flush flags.
    Flags,
    /// `ValidateState` flags.
    ValidateFlags,
    /// One of a few words.
    Word(&'static [&'static str]),
    /// A list of address types.
    AddressTypes,
    /// `[uniform]`: two durations.
    Bounds,
    /// A `[table]` of the given label.
    Table(&'static str),
    /// `[[table]]` sections of the given label.
    Tables(&'static str),
    /// `[expect]`.
    Expect,
}

/// A key's type, whether the parser requires it, and a line about it for editors.
#[derive(Debug, Clone, Copy)]
struct Spec {
    ty: Ty,
    required: bool,
    about: &'static str,
}

const fn req(ty: Ty, about: &'static str) -> Option<Spec> {
    Some(Spec {
        ty,
        required: true,
        about,
    })
}

const fn opt(ty: Ty, about: &'static str) -> Option<Spec> {
    Some(Spec {
        ty,
        required: false,
        about,
    })
}

/// The spec of `key` in the table labelled `table` (the labels of [`KEY_TABLES`]).
fn spec(table: &str, key: &str) -> Option<Spec> {
    use Ty::*;
    match (table, key) {
        ("top level", "name") => req(NonBlank, "The scenario's name."),
        ("top level", "description") => opt(Text, "What the scenario shows."),
        ("top level", "seed") => opt(Count, "Seed of every random draw."),
        ("top level", "until") => opt(Duration, "The horizon: the run ends at this time."),
        ("top level", "spooler") => opt(Table("[spooler]"), "The spooler's settings."),
        ("top level", "transport") => req(Tables("[[transport]]"), "The transports."),
        ("top level", "mail") => opt(Tables("[[mail]]"), "Outbound mail."),
        ("top level", "incoming") => opt(Tables("[[incoming]]"), "Inbound mail."),
        ("top level", "flush") => opt(Tables("[[flush]]"), "FlushQueues calls."),
        ("top level", "procedure") => opt(Tables("[[procedure]]"), "Send/receive procedures."),
        ("top level", "validate") => opt(Tables("[[validate]]"), "ValidateState calls."),
        ("top level", "fault") => opt(Tables("[[fault]]"), "Crashes, offline spells, drops."),
        ("top level", "expect") => opt(Expect, "What the run must show: metric = value."),
        ("[spooler]", "honors_no_ui") => opt(Bool, "Whether the spooler obeys FLUSH_NO_UI."),
        ("[spooler]", "flush_order") => opt(
            Word(&["profile", "parallel"]),
            "Transports one after another, or all at once.",
        ),
        ("[[transport]]", k) => transport_spec(k),
        ("[[transport]] ras", k) => ras_spec(k),
        ("[[mail]]", k) => mail_spec(k),
        ("[[incoming]]", "transport") => req(Reference, "The transport the mail arrives at."),
        ("[[incoming]]", "at") => req(Duration, "When the first message arrives."),
        ("[[incoming]]", "count") => opt(Count, "How many messages."),
        ("[[incoming]]", "every") => opt(Distribution, "The spacing between arrivals."),
        ("[[flush]]", k) => flush_spec(k),
        ("[[procedure]]", "name") => opt(CallName, "A name for procedure.<name>.* metrics."),
        ("[[procedure]]", "at") => req(Duration, "When the procedure starts."),
        ("[[procedure]]", "kind") => req(
            Word(&["flush-all", "flush-each"]),
            "One spooler call, or one call per transport.",
        ),
        ("[[procedure]]", "flags") => req(Flags, "The flags of every call it makes."),
        ("[[validate]]", k) => validate_spec(k),
        ("[[fault]]", "at") => req(Duration, "When the fault strikes."),
        ("[[fault]]", "transport") => req(Reference, "The transport it strikes."),
        ("[[fault]]", "kind") => req(
            Word(&["crash", "offline", "drop-line"]),
            "What happens to the transport.",
        ),
        ("[[fault]]", "down") => opt(Duration, "How long a crash or offline spell lasts."),
        ("distribution", "uniform") => opt(Bounds, "Uniform between two durations."),
        ("distribution", "exp") => opt(Duration, "Exponential with this mean."),
        _ => None,
    }
}

fn transport_spec(key: &str) -> Option<Spec> {
    use Ty::*;
    match key {
        "name" => req(TransportName, "Unique; letters, digits, _ and -."),
        "kind" => req(Word(&["lan", "ras"]), "Always connected, or dial-up."),
        "address_types" => req(AddressTypes, "The address types it handles."),
        "per_message" => opt(Distribution, "How long one attempt takes."),
        "send" => opt(Send, "When outbound mail moves without a flush."),
        "receive" => opt(Receive, "When it polls for inbound mail."),
        "supports_flush" => opt(Bool, "Whether its row has STATUS_FLUSH_QUEUES."),
        "honors_no_ui" => opt(Bool, "Whether its own object obeys FLUSH_NO_UI."),
        "failure_rate" => opt(Probability, "The chance that one attempt fails."),
        "retry" => opt(Duration, "Back-off after a first failure; doubles."),
        "max_retry" => opt(Duration, "The back-off never exceeds this."),
        "lifetime" => opt(Duration, "Undelivered this long, mail gets an NDR."),
        _ => None,
    }
}

fn ras_spec(key: &str) -> Option<Spec> {
    use Ty::*;
    match key {
        "connect" => opt(Duration, "Dialling and handshake."),
        "idle_hangup" => opt(Duration, "The line drops after this long idle."),
        "ui" => opt(
            Word(&["accept", "cancel", "ignore"]),
            "How the user answers the dial prompt.",
        ),
        "ui_delay" => opt(Duration, "How long the user takes to answer."),
        "unattended" => opt(Bool, "Dial without any prompt."),
        _ => None,
    }
}

fn mail_spec(key: &str) -> Option<Spec> {
    use Ty::*;
    match key {
        "at" => req(Duration, "When the first message is submitted."),
        "to" => req(Recipient, "The recipient, TYPE:address."),
        "count" => opt(Count, "How many messages."),
        "every" => opt(Distribution, "The spacing between messages."),
        "size" => opt(Size, "The size of each message."),
        _ => None,
    }
}

fn flush_spec(key: &str) -> Option<Spec> {
    use Ty::*;
    match key {
        "name" => opt(CallName, "A name for flush.<name>.* metrics."),
        "at" => req(Duration, "When the call is made."),
        "via" => req(Reference, "\"spooler\" or a transport's name."),
        "target" => opt(Reference, "With via = \"spooler\": lpTargetTransport."),
        "flags" => req(Flags, "The ulFlags of the call."),
        _ => None,
    }
}

/// How a command-line override (`--set PATH=VALUE`) reads its `VALUE` for a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ValueForm {
    /// A string or a duration: taken as written, unless it is quoted TOML (or, for a
    /// distribution, an inline table).
    Text,
    /// Anything else: read as TOML; the text says what the key holds, for messages.
    Toml(&'static str),
}

/// How `VALUE` is read for `key` of the table labelled `table` (the labels of
/// [`KEY_TABLES`]); `None` for a key without a type.
pub(crate) fn value_form(table: &str, key: &str) -> Option<ValueForm> {
    use Ty::*;
    let ty = spec(table, key)?.ty;
    Some(match ty {
        Text | NonBlank | TransportName | CallName | Reference | Recipient | Duration
        | Distribution | Send | Receive | Size | Word(_) => ValueForm::Text,
        Count => ValueForm::Toml("a whole number, e.g. 5"),
        Bool => ValueForm::Toml("true or false"),
        Probability => ValueForm::Toml("a number from 0.0 to 1.0, e.g. 0.1"),
        Flags => ValueForm::Toml(
            "flag names in a list, e.g. [\"FLUSH_UPLOAD\", \"FLUSH_NO_UI\"], or an integer",
        ),
        ValidateFlags => {
            ValueForm::Toml("flag names in a list, e.g. [\"FORCE_XP_CONNECT\"], or an integer")
        }
        AddressTypes => ValueForm::Toml("a list of address types, e.g. [\"SMTP\"]"),
        Bounds => ValueForm::Toml("two durations, e.g. [\"10ms\", \"50ms\"]"),
        Table(_) | Tables(_) | Expect => ValueForm::Toml("a table"),
    })
}

fn validate_spec(key: &str) -> Option<Spec> {
    use Ty::*;
    match key {
        "name" => opt(CallName, "A name for validate.<name>.* metrics."),
        "at" => req(Duration, "When the call is made."),
        "via" => req(
            Reference,
            "\"subsystem\", \"addressbook\", \"spooler\" or a transport's name.",
        ),
        "flags" => opt(ValidateFlags, "The ulFlags of the call (default: none)."),
        _ => None,
    }
}

/// The regular expression of a duration string: numbers with units, or `0`.
fn duration_pattern() -> String {
    let mut units: Vec<&str> = unit_spellings().collect();
    // Longest first, so that no engine stops at `m` in `ms`.
    units.sort_by_key(|u| std::cmp::Reverse(u.chars().count()));
    format!(r"^\s*(0|([0-9]+(\.[0-9]+)?\s*({})\s*)+)$", units.join("|"))
}

/// The schema of a value of type `ty`.
fn schema_of(ty: Ty) -> Value {
    match ty {
        Ty::Text | Ty::Reference => json!({"type": "string"}),
        Ty::NonBlank => json!({"type": "string", "pattern": r"\S"}),
        Ty::TransportName => json!({
            "type": "string",
            "pattern": "^[A-Za-z0-9_-]+$",
            "not": {"enum": ["spooler"]},
            // Any case, written out: JSON Schema patterns have no case-insensitive flag.
            "allOf": [{"not": {"pattern": "^([Ss][Uu][Bb][Ss][Yy][Ss][Tt][Ee][Mm]|[Aa][Dd][Dd][Rr][Ee][Ss][Ss][Bb][Oo][Oo][Kk])$"}}],
        }),
        Ty::CallName => json!({"type": "string", "pattern": "^[A-Za-z_][A-Za-z0-9_-]*$"}),
        Ty::Recipient => json!({"type": "string", "pattern": r"^[^:\s]+:"}),
        Ty::Count => json!({"type": "integer", "minimum": 0}),
        Ty::Bool => json!({"type": "boolean"}),
        Ty::Probability => json!({"type": "number", "minimum": 0, "maximum": 1}),
        Ty::Duration => json!({"$ref": "#/definitions/duration"}),
        Ty::Distribution => json!({"$ref": "#/definitions/distribution"}),
        Ty::Send => json!({"anyOf": [
            {"enum": ["immediate", "on-demand"]},
            {"$ref": "#/definitions/duration"},
        ]}),
        Ty::Receive => json!({"anyOf": [
            {"const": "on-demand"},
            {"$ref": "#/definitions/duration"},
        ]}),
        Ty::Size => json!({"anyOf": [
            {"type": "integer", "minimum": 0},
            {"type": "string", "pattern": r"^\s*[0-9]+\s*([kKmMgGtT][iI]?[bB]|[bB])?\s*$"},
        ]}),
        Ty::Flags => json!({"$ref": "#/definitions/flags"}),
        Ty::ValidateFlags => json!({"$ref": "#/definitions/validate_flags"}),
        Ty::Word(words) => json!({"enum": words}),
        Ty::AddressTypes => json!({
            "type": "array",
            "minItems": 1,
            "items": {"type": "string", "pattern": r"^[^:]*\S[^:]*$"},
        }),
        Ty::Bounds => json!({
            "type": "array",
            "minItems": 2,
            "maxItems": 2,
            "items": {"$ref": "#/definitions/duration"},
        }),
        Ty::Table(label) => json!({"$ref": format!("#/definitions/{}", def_name(label))}),
        Ty::Tables(label) => json!({
            "type": "array",
            "items": {"$ref": format!("#/definitions/{}", def_name(label))},
        }),
        Ty::Expect => json!({
            "type": "object",
            "additionalProperties": {"$ref": "#/definitions/expectation"},
        }),
    }
}

/// The name under `definitions` of the table labelled `label`: `transport`, `spooler`, ...
fn def_name(label: &str) -> String {
    label
        .trim_matches(['[', ']'])
        .replace(" ras", "")
        .replace(' ', "_")
}

/// The properties and required keys of `keys` in the table labelled `table`.
fn object(table: &str, keys: &[&str], description: &str) -> Value {
    let mut properties = Map::new();
    let mut required = Vec::new();
    for key in keys {
        let label = if RAS_KEYS.contains(key) && table == "[[transport]]" {
            "[[transport]] ras"
        } else {
            table
        };
        let s = spec(label, key).unwrap_or_else(|| panic!("no schema type for `{key}` of {label}"));
        let mut v = schema_of(s.ty);
        if let Value::Object(m) = &mut v {
            m.insert("description".into(), s.about.into());
        }
        properties.insert(key.to_string(), v);
        if s.required {
            required.push(*key);
        }
    }
    json!({
        "type": "object",
        "description": description,
        "properties": properties,
        "required": required,
        "additionalProperties": false,
    })
}

/// `[[transport]]`: every key, the ras ones refused when `kind = "lan"`.
fn transport_object() -> Value {
    let keys: Vec<&str> = COMMON_KEYS.iter().chain(RAS_KEYS).copied().collect();
    let mut v = object(
        "[[transport]]",
        &keys,
        "A transport, in profile order; the ras keys are for kind = \"ras\" only.",
    );
    let forbidden: Map<String, Value> = RAS_KEYS
        .iter()
        .map(|k| (k.to_string(), Value::Bool(false)))
        .collect();
    if let Value::Object(m) = &mut v {
        m.insert(
            "if".into(),
            json!({"properties": {"kind": {"const": "lan"}}, "required": ["kind"]}),
        );
        m.insert("then".into(), json!({"properties": forbidden}));
    }
    v
}

/// The definitions shared by several keys.
fn shared_definitions(defs: &mut Map<String, Value>) {
    defs.insert(
        "duration".into(),
        json!({
            "type": "string",
            "description":
                "A duration: \"250ms\", \"45s\", \"5m\", \"1h 30m\"; no months or years.",
            "pattern": duration_pattern(),
        }),
    );
    let dist = KEY_TABLES
        .iter()
        .find(|t| t.table == "distribution")
        .map_or(&[][..], |t| t.keys);
    let mut table = object("distribution", dist, "A random duration: one key.");
    if let Value::Object(m) = &mut table {
        m.insert("minProperties".into(), 1.into());
        m.insert("maxProperties".into(), 1.into());
    }
    defs.insert(
        "distribution".into(),
        json!({"anyOf": [{"$ref": "#/definitions/duration"}, table]}),
    );
    let flag = json!({"anyOf": [
        {"enum": FLAG_NAMES},
        {"type": "integer", "minimum": 0, "maximum": u32::MAX},
    ]});
    defs.insert(
        "flags".into(),
        json!({"anyOf": [flag.clone(), {"type": "array", "items": flag}]}),
    );
    let flag = json!({"anyOf": [
        {"enum": VALIDATE_FLAG_NAMES},
        {"type": "integer", "minimum": 0, "maximum": u32::MAX},
    ]});
    defs.insert(
        "validate_flags".into(),
        json!({"anyOf": [flag.clone(), {"type": "array", "items": flag}]}),
    );
    defs.insert(
        "expectation".into(),
        json!({"anyOf": [
            {"type": "integer"},
            {"type": "string"},
            {"type": "object", "additionalProperties": {"$ref": "#/definitions/expectation"}},
        ]}),
    );
}

/// The JSON Schema (draft-07) of scenario files.
pub fn scenario_schema() -> Value {
    let mut defs = Map::new();
    shared_definitions(&mut defs);
    let mut top = json!({});
    for KeyTable { table, keys } in KEY_TABLES {
        match *table {
            "top level" | "distribution" | "[[transport]] ras" => {}
            "[[transport]]" => {
                defs.insert("transport".into(), transport_object());
            }
            t => {
                let about = format!("The keys of {t}.");
                defs.insert(def_name(t), object(t, keys, &about));
            }
        }
        if *table == "top level" {
            top = object(table, keys, "A spoolsim scenario.");
        }
    }
    let mut out = Map::new();
    out.insert(
        "$schema".into(),
        "http://json-schema.org/draft-07/schema#".into(),
    );
    out.insert("title".into(), "spoolsim scenario".into());
    if let Value::Object(m) = top {
        out.extend(m);
    }
    out.insert("definitions".into(), Value::Object(defs));
    Value::Object(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_of_every_table_has_a_type() {
        for t in KEY_TABLES {
            for k in t.keys {
                assert!(spec(t.table, k).is_some(), "`{k}` of {}", t.table);
            }
        }
        let _ = scenario_schema();
    }

    #[test]
    fn every_key_has_a_value_form() {
        for t in KEY_TABLES {
            for k in t.keys {
                assert!(value_form(t.table, k).is_some(), "`{k}` of {}", t.table);
            }
        }
        assert_eq!(value_form("[[mail]]", "at"), Some(ValueForm::Text));
        assert!(matches!(
            value_form("[[transport]]", "failure_rate"),
            Some(ValueForm::Toml(_))
        ));
        assert_eq!(value_form("[[mail]]", "nothing"), None);
    }

    #[test]
    fn the_duration_pattern_knows_every_unit_and_no_month() {
        let re = regex_lite::Regex::new(&duration_pattern()).unwrap();
        for ok in ["0", "250ms", "1h 30m", "1.5h", "2 weeks", " 45s ", "3µs"] {
            assert!(re.is_match(ok), "{ok}");
        }
        for bad in ["5M", "1y", "5", "soon", "5 months", "", "1.s"] {
            assert!(!re.is_match(bad), "{bad}");
        }
    }
}
