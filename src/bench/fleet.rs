//! The cases that run a whole scenario file as `spoolsim run` does, in a fresh process:
//! `transports` (how the cost grows with the number of transports) and `sim-year` (a year of
//! office traffic). This module writes their scenario files; the command line runs them.
//!
//! Each is a plain scenario file, so what is measured is exactly what a user running it gets:
//! parsing, the run, its metrics and the JSON report.

use std::fmt::Write;

use crate::sim::time::DAY;

/// Messages queued on each transport by the `transports` case.
pub const PER_TRANSPORT: u64 = 10;
/// The `transports` case's number of transports, and that of its baseline.
pub const FLEET: (usize, usize) = (10_000, 1_000);

/// `transports` transports, LAN, each with [`PER_TRANSPORT`] messages of 10 ms queued at 0,
/// moved only when flushed: by seed procedure 2 (`flush-each`) at 1 s, then by a spooler
/// flush at 1 h.
pub fn transports_toml(transports: usize) -> String {
    let mut s = format!("name = \"bench-transports-{transports}\"\nseed = 1\n");
    for i in 0..transports {
        let _ = write!(
            s,
            "\n[[transport]]\nname = \"t{i}\"\nkind = \"lan\"\naddress_types = [\"T{i}\"]\n\
             per_message = \"10ms\"\nsend = \"on-demand\"\nreceive = \"on-demand\"\n"
        );
    }
    for i in 0..transports {
        let _ = write!(
            s,
            "\n[[mail]]\nat = \"0s\"\nto = \"T{i}:bench@example.com\"\ncount = {PER_TRANSPORT}\n"
        );
    }
    s.push_str(
        "\n[[procedure]]\nat = \"1s\"\nkind = \"flush-each\"\nflags = [\"FLUSH_UPLOAD\"]\n\
         \n[[flush]]\nat = \"1h\"\nvia = \"spooler\"\nflags = [\"FLUSH_UPLOAD\", \"FLUSH_NO_UI\"]\n",
    );
    s
}

/// Days the `sim-year` case simulates.
pub const YEAR_DAYS: u64 = 365;
/// Outbound mails a day: SMTP on the LAN, X.400 over dial-up.
pub const MAILS_A_DAY: (u64, u64) = (1_900, 100);
/// Incoming messages a day: at the LAN's remote end, at the dial-up's.
pub const INCOMING_A_DAY: (u64, u64) = (900, 100);

/// Messages the office traffic of `days` days moves, outbound and inbound.
pub fn year_messages(days: u64) -> u64 {
    days * (MAILS_A_DAY.0 + MAILS_A_DAY.1 + INCOMING_A_DAY.0 + INCOMING_A_DAY.1)
}

/// The office day's five calls: `(time of day, table, body)`, the table being `flush` or
/// `procedure`.
const OFFICE_CALLS: [(&str, &str, &str); 5] = [
    (
        "1h",
        "flush",
        "via = \"spooler\"\nflags = [\"FLUSH_UPLOAD\", \"FLUSH_DOWNLOAD\", \"FLUSH_NO_UI\"]",
    ),
    (
        "3h",
        "flush",
        "via = \"dialup\"\nflags = [\"FLUSH_UPLOAD\", \"FLUSH_NO_UI\"]",
    ),
    (
        "4h 30m",
        "procedure",
        "kind = \"flush-each\"\nflags = [\"FLUSH_DOWNLOAD\"]",
    ),
    (
        "6h",
        "flush",
        "via = \"spooler\"\nflags = [\"FLUSH_UPLOAD\", \"FLUSH_DOWNLOAD\", \"FLUSH_ASYNC_OK\"]",
    ),
    (
        "8h",
        "procedure",
        "kind = \"flush-all\"\nflags = [\"FLUSH_UPLOAD\", \"FLUSH_DOWNLOAD\", \"FLUSH_NO_UI\"]",
    ),
];

/// `days` office days (the `sim-year` case runs [`YEAR_DAYS`]): the office day's two
/// transports, mail and incoming traffic all along on exponential spacing ([`MAILS_A_DAY`],
/// [`INCOMING_A_DAY`]), and its five flush calls every day.
pub fn sim_year_toml(days: u64) -> String {
    let day_s = DAY / 1_000_000;
    let mean = |per_day: u64| format!("{}ms", day_s * 1000 / per_day);
    let mut s = format!(
        "name = \"bench-sim-year\"\nseed = 1\nuntil = \"{days}d\"\n\n[spooler]\n\
         honors_no_ui = true\nflush_order = \"profile\"\n\n[[transport]]\nname = \"lan\"\n\
         kind = \"lan\"\naddress_types = [\"SMTP\"]\nper_message = {{ uniform = [\"20ms\", \"120ms\"] }}\n\
         send = \"immediate\"\nreceive = \"10m\"\n\n[[transport]]\nname = \"dialup\"\nkind = \"ras\"\n\
         address_types = [\"X400\"]\nper_message = {{ exp = \"2s\" }}\nconnect = \"45s\"\n\
         idle_hangup = \"2m\"\nui = \"accept\"\nui_delay = \"8s\"\n"
    );
    for (to, per_day, size) in [
        ("SMTP:team@example.com", MAILS_A_DAY.0, "12KiB"),
        ("X400:c=gb;a=telecom;p=acme;s=jones", MAILS_A_DAY.1, "4KiB"),
    ] {
        let count = per_day * days;
        let every = mean(per_day);
        let _ = write!(
            s,
            "\n[[mail]]\nat = \"0s\"\nto = \"{to}\"\ncount = {count}\nevery = {{ exp = \"{every}\" }}\nsize = \"{size}\"\n"
        );
    }
    for (transport, per_day) in [("lan", INCOMING_A_DAY.0), ("dialup", INCOMING_A_DAY.1)] {
        let count = per_day * days;
        let every = mean(per_day);
        let _ = write!(
            s,
            "\n[[incoming]]\ntransport = \"{transport}\"\nat = \"0s\"\ncount = {count}\nevery = {{ exp = \"{every}\" }}\n"
        );
    }
    for day in 0..days {
        for (at, table, body) in OFFICE_CALLS {
            let _ = write!(s, "\n[[{table}]]\nat = \"{day}d {at}\"\n{body}\n");
        }
    }
    s
}

/// The most resident memory this process has used, in bytes, where the system says
/// (`VmHWM` in `/proc/self/status` on Linux).
pub fn peak_rss_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::parse::parse_scenario;

    #[test]
    fn the_generated_files_are_valid_scenarios() {
        let fleet = parse_scenario(&transports_toml(3), "fleet.toml").expect("valid");
        assert_eq!(fleet.scenario.transports.len(), 3);
        assert_eq!(fleet.scenario.mail.len(), 3);
        let year = parse_scenario(&sim_year_toml(YEAR_DAYS), "year.toml").expect("valid");
        let s = &year.scenario;
        assert_eq!(s.flushes.len() + s.procedures.len(), 5 * YEAR_DAYS as usize);
        let moved: u64 = s.mail.iter().map(|m| m.count).sum::<u64>()
            + s.incoming.iter().map(|m| m.count).sum::<u64>();
        assert_eq!(moved, year_messages(YEAR_DAYS));
        assert_eq!(year_messages(YEAR_DAYS), 1_095_000);
    }
}
