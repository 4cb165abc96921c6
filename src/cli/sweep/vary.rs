//! `--vary PATH=V1,V2,...`: the values one key of a scenario takes across a sweep.
//!
//! A list is split at commas outside brackets, braces and quotes, so a value may itself be a
//! TOML list or table (`per_message={exp="1s"},{exp="2s"}`). An item written `A..B/S` is a
//! range: integers, decimals or durations from `A` up to `B` by `S`, `B` included when a step
//! lands on it exactly. Decimals step in decimal (`0..0.2/0.05` gives exactly 0, 0.05, 0.1,
//! 0.15, 0.2, never 0.15000000000000002), durations in whole microseconds. Each value is then
//! checked as a `--set` of the same path would be, so a mistake in the list is a usage error
//! that names the value.

use crate::scenario::parse::duration::parse_duration;
use crate::scenario::parse::Override;
use crate::sim::time::format_duration;

/// The most values one `--vary` may list (a range included) and the most points a sweep may
/// have: more rows than anyone reads, and a bound on what is built before the first run.
pub(crate) const MAX_POINTS: usize = 100_000;

/// One `--vary`: a key and the values it takes, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Vary {
    /// The key's path, as given.
    pub(crate) path: String,
    /// Its values, as written (ranges expanded).
    pub(crate) values: Vec<String>,
    /// The argument as given, `PATH=V1,V2,...`.
    pub(crate) arg: String,
}

impl Vary {
    /// The override that sets value `k`.
    pub(crate) fn nth(&self, k: usize) -> Override {
        let label = format!("--vary {} (the value `{}`)", self.arg, self.values[k]);
        // Every value was checked when the argument was read.
        Override::new(&self.path, &self.values[k], &label).unwrap_or_else(|e| {
            unreachable!("--vary {}: value {} was checked: {e}", self.arg, k + 1)
        })
    }
}

/// Reads `--vary PATH=V1,V2,...` (clap's value parser): the path and every value are checked
/// as `--set` would check them.
pub(crate) fn parse_vary(arg: &str) -> Result<Vary, String> {
    let Some((path, list)) = arg.split_once('=') else {
        return Err(format!(
            "expected PATH=V1,V2,... or PATH=A..B/S, found `{arg}`"
        ));
    };
    let path = path.trim();
    if path == "seed" {
        return Err("the seed is not varied with --vary: give the seeds with --seeds A..B".into());
    }
    let mut values = Vec::new();
    for item in split(list)? {
        match range(&item)? {
            Some(expanded) => values.extend(expanded),
            None => values.push(item),
        }
        if values.len() > MAX_POINTS {
            return Err(format!(
                "`{arg}` has more than {MAX_POINTS} values; a sweep has at most {MAX_POINTS} points"
            ));
        }
    }
    for v in &values {
        Override::new(path, v, "").map_err(|e| format!("the value `{v}`: {e}"))?;
    }
    Ok(Vary {
        path: path.to_string(),
        values,
        arg: arg.to_string(),
    })
}

/// The items of a list: split at commas outside brackets, braces and quotes, each trimmed.
fn split(list: &str) -> Result<Vec<String>, String> {
    let mut items = Vec::new();
    let mut depth: i32 = 0;
    let mut quote: Option<char> = None;
    let mut escaped = false;
    let mut start = 0;
    for (k, c) in list.char_indices() {
        match quote {
            Some('"') if escaped => escaped = false,
            Some('"') if c == '\\' => escaped = true,
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None => match c {
                '"' | '\'' => quote = Some(c),
                '[' | '{' => depth += 1,
                ']' | '}' => depth -= 1,
                ',' if depth == 0 => {
                    items.push(list[start..k].trim().to_string());
                    start = k + 1;
                }
                _ => {}
            },
        }
    }
    items.push(list[start..].trim().to_string());
    if quote.is_some() || depth != 0 {
        return Err(format!("`{list}`: a quote, bracket or brace is not closed"));
    }
    if let Some(k) = items.iter().position(String::is_empty) {
        return Err(format!(
            "`{list}`: value {} is empty; separate values with single commas",
            k + 1
        ));
    }
    Ok(items)
}

/// A decimal number: `mantissa / 10^scale`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Decimal {
    mantissa: i128,
    scale: u32,
}

/// The most digits after the point a decimal range may have.
const MAX_SCALE: u32 = 12;

impl Decimal {
    /// Reads `-12`, `0.05`, `+3.5`; `None` for anything else.
    fn parse(text: &str) -> Option<Decimal> {
        let t = text.trim();
        let (sign, digits) = match t.strip_prefix('-') {
            Some(rest) => (-1, rest),
            None => (1, t.strip_prefix('+').unwrap_or(t)),
        };
        let (whole, frac) = digits.split_once('.').unwrap_or((digits, ""));
        let ok = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if whole.is_empty() || !ok(whole) || !ok(frac) || (digits.contains('.') && frac.is_empty())
        {
            return None;
        }
        let scale = u32::try_from(frac.len()).ok().filter(|&s| s <= MAX_SCALE)?;
        let mantissa: i128 = format!("{whole}{frac}").parse().ok()?;
        Some(Decimal {
            mantissa: sign * mantissa,
            scale,
        })
    }

    /// The mantissa at a larger `scale`.
    fn at(self, scale: u32) -> Option<i128> {
        self.mantissa
            .checked_mul(10i128.checked_pow(scale - self.scale)?)
    }

    /// `mantissa / 10^scale` written without trailing zeros: `0`, `0.05`, `-1.5`, `20`.
    fn show(mantissa: i128, scale: u32) -> String {
        let sign = if mantissa < 0 { "-" } else { "" };
        let digits = mantissa.unsigned_abs().to_string();
        let s = scale as usize;
        let padded = format!("{digits:0>width$}", width = s + 1);
        let (whole, frac) = padded.split_at(padded.len() - s);
        let frac = frac.trim_end_matches('0');
        if frac.is_empty() {
            format!("{sign}{whole}")
        } else {
            format!("{sign}{whole}.{frac}")
        }
    }
}

/// An item written as a range, expanded; `None` when the item is not a range.
fn range(item: &str) -> Result<Option<Vec<String>>, String> {
    if item.starts_with(['"', '\'', '{', '[']) {
        return Ok(None);
    }
    let Some((a, rest)) = item.split_once("..") else {
        return Ok(None);
    };
    let (b, step) = match rest.split_once('/') {
        Some((b, s)) => (b, Some(s)),
        None => (rest, None),
    };
    let numbers = Decimal::parse(a).zip(Decimal::parse(b));
    let durations = parse_duration(a.trim())
        .ok()
        .zip(parse_duration(b.trim()).ok());
    if numbers.is_none() && durations.is_none() {
        return Ok(None);
    }
    let Some(step) = step else {
        return Err(format!(
            "`{item}` has no step: write A..B/S, e.g. 0..0.2/0.05 or 15s..60s/15s"
        ));
    };
    match (numbers, durations) {
        (Some((a, b)), _) => {
            let s = Decimal::parse(step).ok_or_else(|| {
                format!("`{item}`: the step `{step}` is not a number like the ends")
            })?;
            decimal_range(item, a, b, s).map(Some)
        }
        (None, Some((a, b))) => {
            let s = parse_duration(step.trim()).map_err(|_| {
                format!("`{item}`: the step `{step}` is not a duration like the ends")
            })?;
            duration_range(item, a, b, s).map(Some)
        }
        (None, None) => Ok(None),
    }
}

/// `a, a+s, ...` up to `b`, in decimal.
fn decimal_range(item: &str, a: Decimal, b: Decimal, s: Decimal) -> Result<Vec<String>, String> {
    let scale = a.scale.max(b.scale).max(s.scale);
    let big = || format!("`{item}`: the numbers are too large");
    let (a, b, s) = (
        a.at(scale).ok_or_else(big)?,
        b.at(scale).ok_or_else(big)?,
        s.at(scale).ok_or_else(big)?,
    );
    let n = steps(item, b.checked_sub(a).ok_or_else(big)?, s)?;
    Ok((0..n as i128)
        .map(|k| Decimal::show(a + k * s, scale))
        .collect())
}

/// `a, a+s, ...` up to `b`, in microseconds.
fn duration_range(item: &str, a: u64, b: u64, s: u64) -> Result<Vec<String>, String> {
    let n = steps(item, i128::from(b) - i128::from(a), i128::from(s))?;
    Ok((0..n as u64).map(|k| format_duration(a + k * s)).collect())
}

/// How many values a range of `span` (B − A) by `step` has, checked.
fn steps(item: &str, span: i128, step: i128) -> Result<usize, String> {
    if step <= 0 {
        return Err(format!("`{item}`: the step must be above 0"));
    }
    if span < 0 {
        return Err(format!(
            "`{item}` is empty: A..B/S goes up from A to B, so B may not be below A"
        ));
    }
    let n = span / step + 1;
    if n > MAX_POINTS as i128 {
        return Err(format!(
            "`{item}` has {n} values; a sweep has at most {MAX_POINTS} points"
        ));
    }
    Ok(n as usize)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(arg: &str) -> Vec<String> {
        parse_vary(arg)
            .unwrap_or_else(|e| panic!("{arg}: {e}"))
            .values
    }

    #[test]
    fn lists_split_outside_brackets_braces_and_quotes() {
        assert_eq!(
            values("spooler.flush_order=profile, parallel"),
            ["profile", "parallel"]
        );
        assert_eq!(
            values("transport.lan.per_message={exp=\"1s\"},{uniform=[\"1s\",\"2s\"]},3s"),
            ["{exp=\"1s\"}", "{uniform=[\"1s\",\"2s\"]}", "3s"]
        );
        assert_eq!(
            values("description=\"a, b\",'c, d'"),
            ["\"a, b\"", "'c, d'"]
        );
        assert!(parse_vary("description=a,,b")
            .unwrap_err()
            .contains("empty"));
        assert!(parse_vary("description=\"a")
            .unwrap_err()
            .contains("not closed"));
    }

    #[test]
    fn decimal_ranges_are_exact_and_include_an_end_reached_exactly() {
        assert_eq!(
            values("transport.lan.failure_rate=0..0.2/0.05"),
            ["0", "0.05", "0.1", "0.15", "0.2"]
        );
        assert_eq!(
            values("transport.lan.failure_rate=0.1..0.35/0.1"),
            ["0.1", "0.2", "0.3"]
        );
        assert_eq!(values("mail.1.count=1..10/3"), ["1", "4", "7", "10"]);
        assert_eq!(values("mail.1.count=5..5/1"), ["5"]);
        assert_eq!(
            values("transport.lan.failure_rate=0,0.5..1/0.25"),
            ["0", "0.5", "0.75", "1"]
        );
    }

    #[test]
    fn duration_ranges_step_in_microseconds() {
        assert_eq!(
            values("transport.dialup.connect=15s..60s/15s"),
            ["15s", "30s", "45s", "1m"]
        );
        assert_eq!(
            values("transport.dialup.connect=1ms..2ms/250us"),
            ["1ms", "1ms 250us", "1ms 500us", "1ms 750us", "2ms"]
        );
    }

    #[test]
    fn bad_ranges_are_usage_errors() {
        let e = |arg: &str| parse_vary(arg).unwrap_err();
        assert!(e("transport.lan.failure_rate=0..0.2").contains("no step"));
        assert!(e("transport.dialup.connect=15s..60s").contains("no step"));
        assert!(e("transport.lan.failure_rate=0..0.2/0").contains("above 0"));
        assert!(e("transport.lan.failure_rate=0..0.2/-0.1").contains("above 0"));
        assert!(e("transport.lan.failure_rate=0.2..0/0.1").contains("B may not be below A"));
        assert!(e("transport.dialup.connect=15s..60s/0s").contains("above 0"));
        assert!(e("transport.dialup.connect=1m..10s/1s").contains("below A"));
        assert!(e("transport.dialup.connect=1s..2s/x").contains("not a duration"));
        assert!(e("seed=1..5/1").contains("--seeds"));
        assert!(e("mail.1.count=0..1000000/1").contains("at most"));
        assert!(e("transport.lan.failure_rate=a").contains("the value `a`"));
        assert!(e("transport.lan.nope=1").contains("no key `nope`"));
        assert!(e("nothing").contains("PATH=V1,V2"));
    }

    #[test]
    fn decimals_read_and_show_without_trailing_zeros() {
        let d = |t: &str| Decimal::parse(t);
        assert_eq!(
            d("0.050"),
            Some(Decimal {
                mantissa: 50,
                scale: 3
            })
        );
        assert_eq!(
            d("-1.5"),
            Some(Decimal {
                mantissa: -15,
                scale: 1
            })
        );
        for bad in ["", ".5", "5.", "1e3", "0x1", "1.2.3", "--1"] {
            assert_eq!(d(bad), None, "{bad}");
        }
        assert_eq!(Decimal::show(50, 3), "0.05");
        assert_eq!(Decimal::show(-15, 1), "-1.5");
        assert_eq!(Decimal::show(200, 1), "20");
        assert_eq!(Decimal::show(0, 2), "0");
    }
}
