//! The names a scenario gives its calls, so that the trace, the reports and the metrics can say
//! `flush.1 (morning-upload)` where the events only know `flush.1`.

use crate::model::Scenario;

use super::Origin;

/// The names a scenario gives its `[[flush]]`, `[[procedure]]` and `[[validate]]` entries, by
/// number.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CallNames {
    /// `[[flush]]` N's name at index N - 1.
    pub flushes: Vec<Option<String>>,
    /// `[[procedure]]` N's name at index N - 1.
    pub procedures: Vec<Option<String>>,
    /// `[[validate]]` N's name at index N - 1.
    pub validates: Vec<Option<String>>,
}

impl CallNames {
    /// The names of `scenario`'s entries.
    pub fn of(scenario: &Scenario) -> Self {
        CallNames {
            flushes: scenario.flushes.iter().map(|f| f.name.clone()).collect(),
            procedures: scenario.procedures.iter().map(|p| p.name.clone()).collect(),
            validates: scenario.validates.iter().map(|v| v.name.clone()).collect(),
        }
    }

    /// The entries of sequence `seq` (`flush`, `procedure` or `validate`).
    fn of_seq(&self, seq: &str) -> Option<&[Option<String>]> {
        match seq {
            "flush" => Some(&self.flushes),
            "procedure" => Some(&self.procedures),
            "validate" => Some(&self.validates),
            _ => None,
        }
    }

    /// The name of the scripted entry that made a call from `origin`, if it has one.
    pub fn name(&self, origin: Origin) -> Option<&str> {
        let (list, n) = match origin {
            Origin::Flush(n) => (&self.flushes, n),
            Origin::Procedure(n) => (&self.procedures, n),
            Origin::Validate(n) => (&self.validates, n),
            Origin::Api => return None,
        };
        list.get((n as usize).checked_sub(1)?)?.as_deref()
    }

    /// The number (from 1) of the entry of `seq` called `name`.
    pub fn number(&self, seq: &str, name: &str) -> Option<usize> {
        let list = self.of_seq(seq)?;
        list.iter()
            .position(|n| n.as_deref() == Some(name))
            .map(|i| i + 1)
    }

    /// Every name with the prefix it stands for, flushes, procedures, then validate calls, each
    /// in file order:
    /// `("morning-upload", "flush.1")`.
    pub fn pairs(&self) -> Vec<(&str, String)> {
        let mut out = Vec::new();
        let seqs = [
            ("flush", &self.flushes),
            ("procedure", &self.procedures),
            ("validate", &self.validates),
        ];
        for (seq, list) in seqs {
            for (i, n) in list.iter().enumerate() {
                if let Some(n) = n {
                    out.push((n.as_str(), format!("{seq}.{}", i + 1)));
                }
            }
        }
        out
    }

    /// The JSON `names` map: `{"morning-upload": "flush.1"}`.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::Value::Object(
            self.pairs()
                .into_iter()
                .map(|(n, p)| (n.to_string(), p.into()))
                .collect(),
        )
    }

    /// `flush.1` or `flush.1 (morning-upload)`, as reports name an entry.
    pub fn label(&self, seq: &str, n: usize) -> String {
        match self
            .of_seq(seq)
            .and_then(|l| l.get(n.checked_sub(1)?)?.as_deref())
        {
            Some(name) => format!("{seq}.{n} ({name})"),
            None => format!("{seq}.{n}"),
        }
    }
}
