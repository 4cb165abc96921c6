use spoolsim::mapi::FlushFlags;
use spoolsim::scenario::metrics::compute;
use spoolsim::scenario::model::*;
use spoolsim::scenario::{run, RunOptions};
use spoolsim::sim::rng::Dist;

#[test]
fn smoke() {
    let mut s = Scenario::new("smoke");
    let mut lan = TransportConfig::lan("lan", &["SMTP"]);
    lan.per_message = Dist::Fixed(20_000);
    lan.send = Schedule::OnDemand;
    s.transports.push(lan);
    let mut ras = TransportConfig::ras("dialup", &["X400"]);
    ras.per_message = Dist::Fixed(2_000_000);
    s.transports.push(ras);
    s.mail.push(MailSpec {
        at: 0,
        to: "SMTP:bob@x".into(),
        count: 10,
        every: Dist::Fixed(0),
        size: 2048,
    });
    s.mail.push(MailSpec {
        at: 0,
        to: "X400:c=us".into(),
        count: 3,
        every: Dist::Fixed(1_000_000),
        size: 2048,
    });
    s.mail.push(MailSpec {
        at: 0,
        to: "FAX:123".into(),
        count: 1,
        every: Dist::Fixed(0),
        size: 2048,
    });
    s.incoming.push(IncomingSpec {
        transport: 1,
        at: 0,
        count: 2,
        every: Dist::Fixed(0),
    });
    s.flushes.push(FlushSpec {
        at: 10_000_000,
        via: Via::Spooler,
        target: None,
        flags: FlushFlags::UPLOAD | FlushFlags::DOWNLOAD | FlushFlags::NO_UI,
        order: 0,
    });
    let r = run(
        &s,
        &RunOptions {
            full_trace: true,
            ..Default::default()
        },
    );
    for e in &r.trace.events {
        println!("{:>10} {:?} {:?}", e.key.t, e.actor, e.kind);
    }
    let m = compute(&r, 1, 0);
    for (k, v) in &m.0 {
        println!("{k} = {v}");
    }
    assert_eq!(m.count_of("lost"), 0);
}
