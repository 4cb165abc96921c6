//! Where an output came from: spoolsim's version, the seed, the overrides and a hash of the
//! scenario text.
//!
//! A JSON report, a check result or a trace kept for months is only worth comparing with a new
//! one when both say what produced them: the same version, seed, overrides and scenario text
//! give the same results byte for byte. Every machine-readable output carries these four facts
//! under the same names, so tools (and `spoolsim merge`) can tell outputs of different runs
//! apart without guessing from file names.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The version of spoolsim that produced an output.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// What produced an output. Serializes as `{"spoolsim", "seed", "overrides",
/// "scenario_sha256"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Provenance {
    /// spoolsim's version (`CARGO_PKG_VERSION`).
    pub spoolsim: String,
    /// The seed the run used (the scenario's, or `--seed`).
    pub seed: u64,
    /// The overrides applied to the scenario, as given (`PATH=VALUE`), in order.
    pub overrides: Vec<String>,
    /// The SHA-256 of the scenario text exactly as read, in lower-case hex.
    pub scenario_sha256: String,
}

impl Provenance {
    /// The provenance of a run of the scenario `text` with `seed` and `overrides`.
    pub fn new(text: &str, seed: u64, overrides: Vec<String>) -> Self {
        Provenance {
            spoolsim: VERSION.to_string(),
            seed,
            overrides,
            scenario_sha256: sha256_hex(text.as_bytes()),
        }
    }

    /// The four fields as JSON object entries, to add to an output's top level.
    pub fn fields(&self) -> serde_json::Map<String, serde_json::Value> {
        match serde_json::to_value(self) {
            Ok(serde_json::Value::Object(m)) => m,
            _ => serde_json::Map::new(),
        }
    }
}

/// The SHA-256 of `bytes`, in lower-case hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hash_is_sha256_of_the_text() {
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        let p = Provenance::new("abc", 7, vec!["seed=1".into()]);
        let v = serde_json::to_value(&p).unwrap();
        assert_eq!(v["spoolsim"], VERSION);
        assert_eq!(v["seed"], 7);
        assert_eq!(v["overrides"], serde_json::json!(["seed=1"]));
        assert_eq!(p.fields().len(), 4);
    }
}
