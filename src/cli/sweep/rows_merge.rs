//! `merge --per-seed OUT FILES...`: shards' row files joined into the unsharded sweep's file.
//!
//! Shard `I` of `N` ran the runs at positions `I-1`, `I-1+N`, ... of the sweep, so the
//! unsharded order interleaves every shard's rows. Each file is read in step, a chunk at a
//! time through a reader that reopens the file at its offset, so neither memory nor the
//! number of open files grows with the row count, and a thousand shards need no more than
//! the system's file limit allows. Before a byte is written the files' first lines (each
//! shard's description of itself) are checked to be one sweep's disjoint parts that cover
//! every run; while rows are copied, each row's seed is checked against its position and
//! each file's row count against its description. The output is written beside `OUT` and
//! renamed into place only when everything checked out, so a failed merge leaves nothing.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use super::grid::{Grid, SeedRange, MAX_RUNS};
use super::per_seed::{RowFormat, ShardRows, SHARD_ROWS_KEY};
use super::report::{shell_quote, VERSION};
use super::shard::Shard;

/// What all the row files read together may hold in memory, split between them.
const BUFFER_BUDGET: usize = 64 << 20;

/// Reads one row file's records, a chunk at a time, reopening the file for each chunk.
#[derive(Debug)]
struct ChunkReader {
    path: PathBuf,
    /// Where the next chunk starts in the file.
    offset: u64,
    chunk: usize,
    buf: Vec<u8>,
    pos: usize,
    eof: bool,
    csv: bool,
}

impl ChunkReader {
    fn new(path: &Path, offset: u64, chunk: usize, csv: bool) -> Self {
        ChunkReader {
            path: path.to_path_buf(),
            offset,
            chunk,
            buf: Vec::new(),
            pos: 0,
            eof: false,
            csv,
        }
    }

    /// Reads the next chunk after what is left in the buffer; `false` at the end of the file.
    fn refill(&mut self) -> std::io::Result<bool> {
        self.buf.drain(..self.pos);
        self.pos = 0;
        let mut f = File::open(&self.path)?;
        f.seek(SeekFrom::Start(self.offset))?;
        let before = self.buf.len();
        let n = f.take(self.chunk as u64).read_to_end(&mut self.buf)?;
        self.offset += n as u64;
        self.eof = n == 0;
        Ok(self.buf.len() > before)
    }

    /// Where the record starting at `from` ends (after its newline), if the buffer holds it
    /// whole. A CSV record ends at a newline outside quotes.
    fn record_end(&self, from: usize) -> Option<usize> {
        let mut quoted = false;
        for (k, &b) in self.buf[from..].iter().enumerate() {
            match b {
                b'"' if self.csv => quoted = !quoted,
                b'\n' if !quoted => return Some(from + k + 1),
                _ => {}
            }
        }
        None
    }

    /// The next record, newline included (added when the file's last line lacks one).
    fn next_record(&mut self) -> std::io::Result<Option<Vec<u8>>> {
        loop {
            if let Some(end) = self.record_end(self.pos) {
                let rec = self.buf[self.pos..end].to_vec();
                self.pos = end;
                return Ok(Some(rec));
            }
            if !self.eof && self.refill()? {
                continue;
            }
            if self.pos < self.buf.len() {
                let mut rec = self.buf[self.pos..].to_vec();
                self.pos = self.buf.len();
                rec.push(b'\n');
                return Ok(Some(rec));
            }
            return Ok(None);
        }
    }
}

/// Why row files do not merge. Every message names the file at fault.
#[derive(Debug, thiserror::Error)]
pub(crate) enum RowsError {
    /// No file was given.
    #[error(
        "merge --per-seed OUT needs the shards' row files: spoolsim merge --per-seed OUT FILE..."
    )]
    NoFiles,
    /// A file cannot be read or written.
    #[error("{file}: {reason}")]
    Io {
        /// The file.
        file: String,
        /// The system's reason.
        reason: String,
    },
    /// A file is not a shard's row file.
    #[error(
        "{file}: not a shard's row file (its first line should describe the shard): write \
         each with `spoolsim sweep FILE --seeds A..B --shard I/N --per-seed ROWS`"
    )]
    NotShardRows {
        /// The file.
        file: String,
    },
    /// The files are not one sweep's parts, or do not fit together.
    #[error("{file}: {reason}")]
    Mismatch {
        /// The file.
        file: String,
        /// What is wrong.
        reason: String,
    },
}

fn io_error(path: &Path, e: impl std::fmt::Display) -> RowsError {
    RowsError::Io {
        file: path.display().to_string(),
        reason: e.to_string(),
    }
}

fn mismatch(path: &Path, reason: impl Into<String>) -> RowsError {
    RowsError::Mismatch {
        file: path.display().to_string(),
        reason: reason.into(),
    }
}

/// Reads a row file's first line: the shard's description, and where its rows start.
fn describe(path: &Path) -> Result<(ShardRows, u64), RowsError> {
    let f = File::open(path).map_err(|e| io_error(path, format!("cannot read: {e}")))?;
    let mut first = Vec::new();
    BufReader::new(f)
        .take(1 << 20)
        .read_until(b'\n', &mut first)
        .map_err(|e| io_error(path, format!("cannot read: {e}")))?;
    let not_rows = || RowsError::NotShardRows {
        file: path.display().to_string(),
    };
    let mut v: serde_json::Value = serde_json::from_slice(&first).map_err(|_| not_rows())?;
    let d = v.get_mut(SHARD_ROWS_KEY).map(serde_json::Value::take);
    let d: ShardRows = d
        .and_then(|d| serde_json::from_value(d).ok())
        .ok_or_else(not_rows)?;
    Ok((d, first.len() as u64))
}

/// The first difference that makes `d` part of another sweep than `r`.
fn differs(d: &ShardRows, r: &ShardRows) -> Option<String> {
    if d.spoolsim != r.spoolsim {
        return Some(format!(
            "written by spoolsim {} vs {}",
            d.spoolsim, r.spoolsim
        ));
    }
    let hash = |d: &ShardRows| {
        (
            d.scenario.clone(),
            d.fingerprint.clone(),
            d.scenario_sha256.clone(),
        )
    };
    if hash(d) != hash(r) {
        return Some(format!(
            "another scenario: `{}` ({}) vs `{}` ({})",
            d.scenario, d.scenario_sha256, r.scenario, r.scenario_sha256
        ));
    }
    if (d.from, d.to, d.points) != (r.from, r.to, r.points) {
        return Some(format!(
            "another sweep: seeds {}..{} over {} points vs {}..{} over {}",
            d.from, d.to, d.points, r.from, r.to, r.points
        ));
    }
    if d.overrides != r.overrides {
        return Some(format!(
            "other overrides: [{}] vs [{}]",
            d.overrides.join(", "),
            r.overrides.join(", ")
        ));
    }
    if d.vary != r.vary {
        return Some(format!(
            "other --vary lists: [{}] vs [{}]",
            d.vary.join(", "),
            r.vary.join(", ")
        ));
    }
    if d.format != r.format {
        return Some("rows in another format (CSV vs JSON lines)".into());
    }
    None
}

/// One row file, described.
#[derive(Debug)]
struct Part {
    path: PathBuf,
    rows: ShardRows,
    shard: Shard,
    /// Where its rows (for CSV, its header) start.
    start: u64,
}

/// Reads and checks every file's description against the first and against `out`'s format;
/// returns the parts and the sweep's grid.
fn parts(files: &[PathBuf], out: RowFormat) -> Result<(Vec<Part>, Grid), RowsError> {
    let mut parts: Vec<Part> = Vec::with_capacity(files.len());
    for path in files {
        let (rows, start) = describe(path)?;
        if rows.spoolsim != VERSION {
            return Err(mismatch(
                path,
                format!(
                    "written by spoolsim {}, but this is spoolsim {VERSION}; rerun the shards \
                     with one version and merge with it",
                    rows.spoolsim
                ),
            ));
        }
        if let Some(first) = parts.first() {
            if let Some(what) = differs(&rows, &first.rows) {
                let other = first.path.display();
                return Err(mismatch(
                    path,
                    format!("not part of the sweep of {other}: {what}"),
                ));
            }
        } else if rows.format != out {
            return Err(mismatch(
                path,
                "its rows are in another format than the output's extension asks for",
            ));
        }
        let shard = Shard {
            index: rows.index,
            of: rows.of,
        };
        if !shard.is_valid() {
            return Err(mismatch(path, format!("shard {shard} does not exist")));
        }
        parts.push(Part {
            path: path.clone(),
            rows,
            shard,
            start,
        });
    }
    let r = &parts.first().ok_or(RowsError::NoFiles)?.rows;
    let seeds = SeedRange {
        from: r.from,
        to: r.to,
    };
    let grid = Grid {
        points: r.points.max(1),
        seeds,
    };
    if r.from > r.to || r.to - r.from >= MAX_RUNS || grid.len().is_none() {
        return Err(mismatch(
            &parts[0].path,
            "describes a sweep of no or too many runs",
        ));
    }
    Ok((parts, grid))
}

/// Checks that the parts' runs cover the grid exactly once; returns, per `N`, which part runs
/// each shard `I`.
fn coverage(parts: &[Part], grid: Grid) -> Result<BTreeMap<u64, BTreeMap<u64, usize>>, RowsError> {
    let total = grid.len().unwrap_or(0);
    let mut owners: BTreeMap<u64, BTreeMap<u64, usize>> = BTreeMap::new();
    let mut covered = vec![0u64; total.div_ceil(64) as usize];
    for (i, p) in parts.iter().enumerate() {
        if p.rows.runs != p.shard.len(total) {
            return Err(mismatch(
                &p.path,
                format!(
                    "says it has {} rows, but shard {} of {total} runs has {}",
                    p.rows.runs,
                    p.shard,
                    p.shard.len(total)
                ),
            ));
        }
        for pos in p.shard.positions(total) {
            let (word, bit) = ((pos / 64) as usize, 1u64 << (pos % 64));
            if covered[word] & bit != 0 {
                let seed = grid.run_at(pos).seed;
                return Err(mismatch(
                    &p.path,
                    format!(
                        "shard {} has the row of seed {seed}, which another of the files has \
                         too: give each shard's row file once, all of one split",
                        p.shard
                    ),
                ));
            }
            covered[word] |= bit;
        }
        owners
            .entry(p.shard.of)
            .or_default()
            .insert(p.shard.index, i);
    }
    let ran: u64 = covered.iter().map(|w| u64::from(w.count_ones())).sum();
    if ran < total {
        return Err(missing(parts, &owners, total - ran, total));
    }
    Ok(owners)
}

/// The error for row files that leave runs out: the missing shards of the first file's split,
/// each with the command that writes its rows.
fn missing(
    parts: &[Part],
    owners: &BTreeMap<u64, BTreeMap<u64, usize>>,
    left_out: u64,
    total: u64,
) -> RowsError {
    let first = &parts[0];
    let (r, of) = (&first.rows, first.shard.of);
    let ext = match r.format {
        RowFormat::Csv => "csv",
        RowFormat::Jsonl => "jsonl",
    };
    let mut sets: String = r
        .overrides
        .iter()
        .map(|o| format!(" --set {}", shell_quote(o)))
        .collect();
    sets.extend(r.vary.iter().map(|v| format!(" --vary {}", shell_quote(v))));
    let lost: Vec<u64> = (1..=of.min(total))
        .filter(|i| !owners.get(&of).is_some_and(|m| m.contains_key(i)))
        .collect();
    let mut lines: Vec<String> = lost
        .iter()
        .take(10)
        .map(|i| {
            format!(
                "  spoolsim sweep {}{sets} --seeds {}..{} --shard {i}/{of} --per-seed \
                 shard-{i}-of-{of}.{ext}",
                shell_quote(&r.file),
                r.from,
                r.to
            )
        })
        .collect();
    if lost.len() > 10 {
        lines.push(format!("  ... and {} more", lost.len() - 10));
    }
    mismatch(
        &first.path,
        format!(
            "the row files leave {left_out} of {total} runs out; write the missing shards' rows \
             and merge again:\n{}",
            lines.join("\n")
        ),
    )
}

/// The seed a record starts with (`123,...` in CSV, `{"seed":123,...` in JSON lines).
fn record_seed(rec: &[u8], format: RowFormat) -> Option<u64> {
    let rest = match format {
        RowFormat::Csv => rec,
        RowFormat::Jsonl => rec.strip_prefix(b"{\"seed\":")?,
    };
    let digits = rest.iter().take_while(|b| b.is_ascii_digit()).count();
    std::str::from_utf8(&rest[..digits]).ok()?.parse().ok()
}

/// Joins the row files `files` (in any order) into `out`.
pub(crate) fn merge_rows(out: &Path, files: &[PathBuf]) -> Result<u64, RowsError> {
    let format = RowFormat::of(out).map_err(|e| RowsError::Mismatch {
        file: out.display().to_string(),
        reason: e,
    })?;
    if files.is_empty() {
        return Err(RowsError::NoFiles);
    }
    let (parts, grid) = parts(files, format)?;
    let owners = coverage(&parts, grid)?;
    let name = out
        .file_name()
        .map_or("rows".into(), |n| n.to_string_lossy().into_owned());
    let tmp = out.with_file_name(format!(".{name}.merge-{}", std::process::id()));
    let written = write_rows(&tmp, &parts, grid, &owners, format).and_then(|n| {
        std::fs::rename(&tmp, out).map_err(|e| io_error(out, format!("cannot write: {e}")))?;
        Ok(n)
    });
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written
}

/// Copies the records into `tmp` in run order, checking seeds, headers and counts.
fn write_rows(
    tmp: &Path,
    parts: &[Part],
    grid: Grid,
    owners: &BTreeMap<u64, BTreeMap<u64, usize>>,
    format: RowFormat,
) -> Result<u64, RowsError> {
    let total = grid.len().unwrap_or(0);
    let csv = format == RowFormat::Csv;
    let chunk = (BUFFER_BUDGET / parts.len()).clamp(16 << 10, 4 << 20);
    let mut readers: Vec<ChunkReader> = parts
        .iter()
        .map(|p| ChunkReader::new(&p.path, p.start, chunk, csv))
        .collect();
    let file = File::create(tmp).map_err(|e| io_error(tmp, format!("cannot write: {e}")))?;
    let mut w = std::io::BufWriter::new(file);
    let write_err = |e: std::io::Error| io_error(tmp, format!("cannot write: {e}"));
    let read = |r: &mut ChunkReader| {
        r.next_record()
            .map_err(|e| io_error(&r.path, format!("cannot read: {e}")))
    };
    if csv {
        let mut header: Option<(Vec<u8>, usize)> = None;
        for (i, p) in parts.iter().enumerate().filter(|(_, p)| p.rows.runs > 0) {
            let h = read(&mut readers[i])?.unwrap_or_default();
            match &header {
                None => header = Some((h, i)),
                Some((first, j)) if *first != h => {
                    let other = parts[*j].path.display();
                    return Err(mismatch(&p.path, format!("has other columns than {other}")));
                }
                Some(_) => {}
            }
        }
        if let Some((h, _)) = &header {
            w.write_all(h).map_err(write_err)?;
        }
    }
    for pos in 0..total {
        let i = owners
            .iter()
            .find_map(|(of, by_index)| by_index.get(&(pos % of + 1)))
            .copied()
            .ok_or_else(|| mismatch(&parts[0].path, "a run has no shard"))?;
        let p = &parts[i];
        let Some(rec) = read(&mut readers[i])? else {
            return Err(mismatch(
                &p.path,
                format!("ends early: it describes {} rows", p.rows.runs),
            ));
        };
        let seed = grid.run_at(pos).seed;
        if record_seed(&rec, format) != Some(seed) {
            return Err(mismatch(
                &p.path,
                format!("a row is out of place: expected the row of seed {seed} there"),
            ));
        }
        w.write_all(&rec).map_err(write_err)?;
    }
    for (r, p) in readers.iter_mut().zip(parts) {
        if read(r)?.is_some() {
            return Err(mismatch(
                &p.path,
                format!("has more rows than the {} it describes", p.rows.runs),
            ));
        }
    }
    w.flush().map_err(write_err)?;
    Ok(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeds_are_read_from_the_start_of_a_record() {
        assert_eq!(record_seed(b"17,3,,S_OK,true\n", RowFormat::Csv), Some(17));
        assert_eq!(
            record_seed(b"{\"seed\":42,\"x\":1}\n", RowFormat::Jsonl),
            Some(42)
        );
        assert_eq!(record_seed(b"seed,x\n", RowFormat::Csv), None);
        assert_eq!(record_seed(b"{\"x\":1}\n", RowFormat::Jsonl), None);
    }

    #[test]
    fn chunks_split_records_anywhere_and_quotes_hold_newlines() {
        let dir = std::env::temp_dir().join(format!("spoolsim-chunks-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("rows.csv");
        let text = "skip\n1,\"a\nb\",x\n2,\"c,\"\"d\"\"\",y\n3,last";
        std::fs::write(&path, text).unwrap();
        for chunk in [1, 2, 3, 7, 100] {
            let mut r = ChunkReader::new(&path, 5, chunk, true);
            let mut recs = Vec::new();
            while let Some(rec) = r.next_record().unwrap() {
                recs.push(String::from_utf8(rec).unwrap());
            }
            assert_eq!(
                recs,
                ["1,\"a\nb\",x\n", "2,\"c,\"\"d\"\"\",y\n", "3,last\n"],
                "chunks of {chunk}"
            );
        }
        let _ = std::fs::remove_dir_all(&dir);
    }
}
