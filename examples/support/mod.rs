//! The profile both examples use: a LAN transport, a dial-up transport whose modem prompts,
//! and an old LAN transport without `STATUS_FLUSH_QUEUES`, each with mail queued.

use spoolsim::model::{IncomingSpec, MailSpec, Scenario, Schedule, TransportConfig};
use spoolsim::sim::rng::Dist;
use spoolsim::sim::time::{format_compact, Micros, SECOND};
use spoolsim::sim::TransportId;

pub fn profile() -> Scenario {
    let mut s = Scenario::new("example");
    let mut lan = TransportConfig::lan("lan", &["SMTP"]);
    lan.per_message = Dist::Fixed(SECOND / 2);
    lan.send = Schedule::OnDemand;
    let mut dialup = TransportConfig::ras("dialup", &["X400"]);
    dialup.per_message = Dist::Fixed(2 * SECOND);
    let mut legacy = TransportConfig::lan("legacy", &["MSMAIL"]);
    legacy.per_message = Dist::Fixed(SECOND);
    legacy.send = Schedule::OnDemand;
    legacy.supports_flush = false;
    s.transports = vec![lan, dialup, legacy];
    for to in [
        "SMTP:ann@example.com",
        "X400:c=gb;s=jones",
        "MSMAIL:NET/PO/BOB",
    ] {
        s.mail.push(MailSpec {
            at: 0,
            to: to.into(),
            count: 3,
            every: Dist::Fixed(0),
            size: 2048,
        });
    }
    s.incoming.push(IncomingSpec {
        transport: TransportId(1),
        at: 0,
        count: 2,
        every: Dist::Fixed(0),
    });
    s
}

pub fn at(t: Micros) -> String {
    format!("[{:>9}]", format_compact(t))
}
