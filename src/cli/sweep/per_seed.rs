//! `sweep --per-seed FILE`: one row per run, for pandas, polars, DuckDB or a spreadsheet.
//!
//! A summary says how often something happened; the rows say in which runs, so a user can ask
//! what the bad seeds have in common. The file is meant to load as it is, with numeric columns
//! typed as numbers: times are integer microseconds, and a time or count that has no value
//! (`none`, `never`) is an empty cell (`null` in JSON lines) rather than a word that would
//! turn the whole column into text. Results (`S_OK`, `pending`) stay words.
//!
//! Columns are fixed by the scenario, not by the runs: `seed`, one `set.PATH` per varied key,
//! every metric in the order the metrics reference lists them, then `passed`. So every shard
//! of a sweep writes the same columns, and rows are written in run order (point, then seed)
//! whatever `--jobs` is. A shard's row file starts with one line describing the shard, which
//! `merge --per-seed` reads to put the shards' rows back in order ([`super::rows_merge`]).

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value as Json};

use crate::scenario::metric_names::{all_metric_names, metric_kind, MetricKind};
use crate::scenario::metrics::{Metrics, Value};
use crate::scenario::Scenario;

/// How a row file is written, chosen by its extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum RowFormat {
    /// Comma-separated values with a header line.
    Csv,
    /// One JSON object per line.
    Jsonl,
}

impl RowFormat {
    /// The format `path`'s extension asks for.
    pub(crate) fn of(path: &Path) -> Result<RowFormat, String> {
        match path.extension().and_then(|e| e.to_str()) {
            Some(e) if e.eq_ignore_ascii_case("csv") => Ok(RowFormat::Csv),
            Some(e) if e.eq_ignore_ascii_case("jsonl") => Ok(RowFormat::Jsonl),
            _ => Err(format!(
                "{}: expected a file name ending in .csv or .jsonl, which picks the format",
                path.display()
            )),
        }
    }
}

/// A metric column: its name, and whether it holds numbers or words.
#[derive(Debug, Clone, PartialEq, Eq)]
struct MetricColumn {
    name: String,
    words: bool,
}

/// The columns of a sweep's rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Columns {
    /// The varied keys, as `PATH` (the header says `set.PATH`).
    set: Vec<String>,
    metrics: Vec<MetricColumn>,
}

impl Columns {
    /// The columns for `scenario`'s metrics, with `set` the varied keys in the order given.
    pub(crate) fn new(scenario: &Scenario, set: Vec<String>) -> Self {
        let metrics = all_metric_names(scenario)
            .into_iter()
            .map(|name| {
                let words = metric_kind(&name, scenario) == Some(MetricKind::Result);
                MetricColumn { name, words }
            })
            .collect();
        Columns { set, metrics }
    }

    /// The header: `seed`, `set.PATH`..., the metrics, `passed`.
    pub(crate) fn header(&self) -> Vec<String> {
        let mut h = vec!["seed".to_string()];
        h.extend(self.set.iter().map(|p| format!("set.{p}")));
        h.extend(self.metrics.iter().map(|m| m.name.clone()));
        h.push("passed".into());
        h
    }
}

/// The value of one varied key in a row.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct SetCell {
    /// As written on the command line (a CSV cell).
    pub(crate) text: String,
    /// As JSON (a JSON lines value): a number where the key reads its value as TOML and it
    /// is one, a string for a string or duration key.
    pub(crate) json: Json,
}

/// One run, as a row.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Row<'a> {
    /// The run's seed.
    pub(crate) seed: u64,
    /// The varied keys' values at this run's point.
    pub(crate) set: &'a [SetCell],
    /// Its metrics (`None`: the run did not finish, a bug reported as a failed seed).
    pub(crate) metrics: Option<&'a Metrics>,
    /// Whether every expectation held and nothing was lost.
    pub(crate) passed: bool,
}

/// A cell's value: a number, a word, a varied key's value, or nothing.
#[derive(Debug, Clone, PartialEq)]
enum Cell {
    Number(i64),
    Word(String),
    Set(SetCell),
    Empty,
}

fn cell(value: Option<&Value>, words: bool) -> Cell {
    match value {
        None => Cell::Empty,
        Some(v) if words => Cell::Word(v.to_string()),
        Some(v) => v.as_number().map_or(Cell::Empty, Cell::Number),
    }
}

/// What a shard's row file says about itself on its first line, so that `merge --per-seed`
/// can check that the files are one sweep's parts and put their rows back in order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct ShardRows {
    /// The spoolsim version that wrote the rows.
    pub(crate) spoolsim: String,
    /// The scenario's name.
    pub(crate) scenario: String,
    /// The scenario file as the shard was given it (for the commands that rerun a shard).
    pub(crate) file: String,
    /// A short hash of the scenario file.
    pub(crate) fingerprint: String,
    /// The SHA-256 of the scenario file.
    #[serde(default)]
    pub(crate) scenario_sha256: String,
    /// The overrides applied, as `PATH=VALUE`.
    pub(crate) overrides: Vec<String>,
    /// The `--vary` arguments, as given.
    #[serde(default)]
    pub(crate) vary: Vec<String>,
    /// The sweep's first seed.
    pub(crate) from: u64,
    /// The sweep's last seed.
    pub(crate) to: u64,
    /// How many points the sweep has.
    pub(crate) points: u64,
    /// This shard's `I`.
    pub(crate) index: u64,
    /// This shard's `N`.
    pub(crate) of: u64,
    /// How many rows follow.
    pub(crate) runs: u64,
    /// The format of the rows.
    pub(crate) format: RowFormat,
}

/// The key of the descriptor line's one member.
pub(crate) const SHARD_ROWS_KEY: &str = "spoolsim_shard_rows";

/// Where rows go.
enum Sink {
    Csv(Box<csv::Writer<BufWriter<File>>>),
    Jsonl(BufWriter<File>),
}

/// Writes rows to a file as runs finish, in the order given.
pub(crate) struct RowWriter {
    columns: Columns,
    sink: Sink,
}

impl RowWriter {
    /// Creates `path` and writes its first lines: a shard's descriptor (when `shard` is given)
    /// and, for CSV, the header (unless the shard has no rows: it cannot disagree with others).
    pub(crate) fn create(
        path: &Path,
        columns: Columns,
        shard: Option<&ShardRows>,
    ) -> Result<RowWriter, String> {
        let format = RowFormat::of(path)?;
        let fail = |e: &dyn std::fmt::Display| format!("{}: cannot write: {e}", path.display());
        let mut out = BufWriter::new(File::create(path).map_err(|e| fail(&e))?);
        if let Some(s) = shard {
            let line = serde_json::json!({ SHARD_ROWS_KEY: s });
            writeln!(out, "{line}").map_err(|e| fail(&e))?;
        }
        let sink = match format {
            RowFormat::Csv => {
                let mut c = csv::Writer::from_writer(out);
                if shard.is_none_or(|s| s.runs > 0) {
                    c.write_record(columns.header()).map_err(|e| fail(&e))?;
                }
                Sink::Csv(Box::new(c))
            }
            RowFormat::Jsonl => Sink::Jsonl(out),
        };
        Ok(RowWriter { columns, sink })
    }

    /// The cells between `seed` and `passed`, with their column names.
    fn cells(&self, row: &Row<'_>) -> Vec<(String, Cell)> {
        let set = self.columns.set.iter().zip(row.set);
        let mut cells: Vec<(String, Cell)> = set
            .map(|(path, v)| (format!("set.{path}"), Cell::Set(v.clone())))
            .collect();
        for m in &self.columns.metrics {
            let value = row.metrics.and_then(|ms| ms.get(&m.name));
            cells.push((m.name.clone(), cell(value, m.words)));
        }
        cells
    }

    /// Writes one row.
    pub(crate) fn write(&mut self, row: &Row<'_>) -> std::io::Result<()> {
        let cells = self.cells(row);
        match &mut self.sink {
            Sink::Csv(c) => {
                let mut record = Vec::with_capacity(cells.len() + 2);
                record.push(row.seed.to_string());
                record.extend(cells.into_iter().map(|(_, c)| match c {
                    Cell::Number(n) => n.to_string(),
                    Cell::Word(w) => w,
                    Cell::Set(s) => s.text,
                    Cell::Empty => String::new(),
                }));
                record.push(row.passed.to_string());
                c.write_record(&record).map_err(std::io::Error::other)
            }
            Sink::Jsonl(out) => {
                let mut o = Map::new();
                o.insert("seed".into(), row.seed.into());
                for (name, c) in cells {
                    let v = match c {
                        Cell::Number(n) => Json::from(n),
                        Cell::Word(w) => Json::from(w),
                        Cell::Set(s) => s.json,
                        Cell::Empty => Json::Null,
                    };
                    o.insert(name, v);
                }
                o.insert("passed".into(), row.passed.into());
                serde_json::to_writer(&mut *out, &Json::Object(o))?;
                out.write_all(b"\n")
            }
        }
    }

    /// Flushes the file.
    pub(crate) fn finish(self) -> std::io::Result<()> {
        match self.sink {
            Sink::Csv(mut c) => c.flush(),
            Sink::Jsonl(mut j) => j.flush(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mapi::HResult;

    #[test]
    fn cells_keep_numbers_numeric_and_results_words() {
        assert_eq!(cell(Some(&Value::Count(3)), false), Cell::Number(3));
        assert_eq!(cell(Some(&Value::Time(1_500)), false), Cell::Number(1_500));
        for nothing in [Value::None, Value::Never, Value::Pending] {
            assert_eq!(cell(Some(&nothing), false), Cell::Empty);
        }
        assert_eq!(
            cell(Some(&Value::Result(HResult::S_OK)), true),
            Cell::Word("S_OK".into())
        );
        assert_eq!(
            cell(Some(&Value::Pending), true),
            Cell::Word("pending".into())
        );
        assert_eq!(cell(None, true), Cell::Empty);
    }

    #[test]
    fn formats_follow_the_extension() {
        assert_eq!(RowFormat::of(Path::new("a/b.csv")), Ok(RowFormat::Csv));
        assert_eq!(RowFormat::of(Path::new("b.JSONL")), Ok(RowFormat::Jsonl));
        for bad in ["b.json", "b", "b.tsv"] {
            assert!(RowFormat::of(Path::new(bad))
                .unwrap_err()
                .contains(".csv or .jsonl"));
        }
    }
}
