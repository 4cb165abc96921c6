//! The flush rules of `docs/semantics.md`, each pinned to exact virtual times.

mod common;
use common::*;
use spoolsim::scenario::metrics::Value;

const LAN_RAS: &str = r#"
name = "t"
[[transport]]
name = "lan"
kind = "lan"
address_types = ["SMTP"]
per_message = "1s"
send = "on-demand"
receive = "on-demand"
[[transport]]
name = "dialup"
kind = "ras"
address_types = ["X400"]
per_message = "2s"
connect = "30s"
ui_delay = "5s"
[[mail]]
at = "0s"
to = "SMTP:a@b"
count = 3
[[mail]]
at = "0s"
to = "X400:c=us"
count = 3
"#;

fn with(extra: &str) -> String {
    format!("{LAN_RAS}\n{extra}")
}

#[test]
fn no_ui_is_honoured_by_the_spooler_and_lan_but_not_by_ras() {
    let o = outcome(&with(
        r#"
[[flush]]
at = "10s"
via = "spooler"
flags = ["FLUSH_UPLOAD", "FLUSH_NO_UI"]
[[flush]]
at = "10m"
via = "lan"
flags = ["FLUSH_UPLOAD", "FLUSH_NO_UI"]
[[flush]]
at = "20m"
via = "dialup"
flags = ["FLUSH_DOWNLOAD", "FLUSH_NO_UI"]
[[flush]]
at = "30m"
via = "spooler"
flags = ["FLUSH_DOWNLOAD"]
[[flush]]
at = "40m"
via = "lan"
flags = ["FLUSH_DOWNLOAD"]
"#,
    ));
    assert_eq!(n(&o, "progress_ui.spooler"), 1); // only flush 4, without NO_UI
    assert_eq!(n(&o, "progress_ui.lan"), 1); // only flush 5
    assert_eq!(n(&o, "progress_ui.dialup"), 1); // flush 3: RAS ignores NO_UI
    assert_eq!(n(&o, "progress_ui"), 3);
    // The spooler flush with NO_UI still prompted for the modem: lan 3 × 1s (10s..13s), then
    // the dial prompt at 13s, answer at 18s, connected at 48s, 3 × 2s → 54s.
    assert_eq!(n(&o, "flush.1.prompts"), 1);
    assert_eq!(t(&o, "flush.1.returned_at"), d("54s"));
    assert_eq!(n(&o, "flush.1.delivered"), 6);
}

#[test]
fn dial_prompt_accepted_connects_and_moves_mail() {
    let o = outcome(&with(
        r#"
[[flush]]
at = "10s"
via = "dialup"
flags = ["FLUSH_UPLOAD"]
"#,
    ));
    // prompt 10s, answered 15s, connected 45s, deliveries at 47s, 49s, 51s.
    assert_eq!(m(&o, "flush.1.result"), "S_OK");
    assert_eq!(t(&o, "flush.1.returned_at"), d("51s"));
    assert_eq!(t(&o, "flush.1.completed_at"), d("51s"));
    assert_eq!(n(&o, "ui_prompts.dialup"), 1);
    assert_eq!(n(&o, "connects.dialup"), 1);
    assert_eq!(t(&o, "latency.outbound.dialup.min"), d("47s"));
    assert_eq!(t(&o, "latency.outbound.dialup.max"), d("51s"));
    assert_eq!(n(&o, "delivered.dialup"), 3);
    // Lan mail was never flushed: it is still queued when the run ends at 5 days, by NDR.
    assert_eq!(n(&o, "ndr.lan"), 3);
    assert_eq!(t(&o, "end_time"), d("5d"));
}

#[test]
fn dial_prompt_cancelled_leaves_mail_queued() {
    let o = outcome(
        &with(
            r#"
[[flush]]
at = "10s"
via = "dialup"
flags = ["FLUSH_UPLOAD", "FLUSH_DOWNLOAD"]
"#,
        )
        .replace("name = \"t\"", "name = \"t\"\nuntil = \"1h\"")
        .replace("ui_delay = \"5s\"", "ui_delay = \"5s\"\nui = \"cancel\""),
    );
    assert_eq!(m(&o, "flush.1.result"), "MAPI_E_USER_CANCEL");
    assert_eq!(t(&o, "flush.1.returned_at"), d("15s"));
    assert_eq!(m(&o, "flush.1.outcome"), "MAPI_E_USER_CANCEL");
    assert_eq!(n(&o, "queued_outbound.dialup"), 3);
    assert_eq!(n(&o, "connects.dialup"), 0);
    assert_eq!(n(&o, "flush.1.delivered"), 0);
}

#[test]
fn dial_prompt_ignored_never_returns() {
    let o = outcome(
        &with(
            r#"
[[flush]]
at = "10s"
via = "dialup"
flags = ["FLUSH_UPLOAD"]
"#,
        )
        .replace("name = \"t\"", "name = \"t\"\nuntil = \"2h\"")
        .replace("ui_delay = \"5s\"", "ui_delay = \"5s\"\nui = \"ignore\""),
    );
    assert_eq!(m(&o, "flush.1.result"), "pending");
    assert_eq!(m(&o, "flush.1.outcome"), "pending");
    assert_eq!(t(&o, "flush.1.returned_at"), Value::Never);
    assert_eq!(t(&o, "flush.1.completed_at"), Value::Never);
    assert_eq!(n(&o, "queued_outbound.dialup"), 3);
    assert_eq!(t(&o, "end_time"), d("2h"));
}

#[test]
fn unattended_dials_without_a_prompt() {
    let o = outcome(
        &with(
            r#"
[[flush]]
at = "10s"
via = "dialup"
flags = ["FLUSH_UPLOAD"]
"#,
        )
        .replace("ui_delay = \"5s\"", "ui_delay = \"5s\"\nunattended = true"),
    );
    // dial at 10s, connected 40s, deliveries 42, 44, 46.
    assert_eq!(n(&o, "ui_prompts"), 0);
    assert_eq!(t(&o, "flush.1.returned_at"), d("46s"));
}

#[test]
fn no_support_then_targeted_fallback_through_the_spooler() {
    let o = outcome(
        &with(
            r#"
[[flush]]
at = "10s"
via = "lan"
flags = ["FLUSH_UPLOAD"]
[[flush]]
at = "20s"
via = "spooler"
target = "lan"
flags = ["FLUSH_UPLOAD", "FLUSH_NO_UI"]
"#,
        )
        .replace(
            "send = \"on-demand\"",
            "send = \"on-demand\"\nsupports_flush = false",
        ),
    );
    assert_eq!(m(&o, "flush.1.result"), "MAPI_E_NO_SUPPORT");
    assert_eq!(t(&o, "flush.1.returned_at"), d("10s"));
    assert_eq!(t(&o, "flush.1.completed_at"), d("10s"));
    assert_eq!(m(&o, "flush.1.outcome"), "MAPI_E_NO_SUPPORT");
    assert_eq!(n(&o, "flush.1.delivered"), 0);
    assert_eq!(n(&o, "progress_ui.lan"), 0);
    assert_eq!(m(&o, "flush.2.result"), "S_OK");
    assert_eq!(t(&o, "flush.2.returned_at"), d("23s"));
    assert_eq!(n(&o, "flush.2.delivered"), 3);
    // The targeted flush covers only lan: the dial-up link was left alone.
    assert_eq!(n(&o, "flush.2.prompts"), 0);
}

#[test]
fn upload_download_and_both() {
    let o = outcome(&with(
        r#"
[[incoming]]
transport = "lan"
at = "0s"
count = 2
[[flush]]
at = "1m"
via = "lan"
flags = ["FLUSH_UPLOAD"]
[[flush]]
at = "2m"
via = "lan"
flags = ["FLUSH_DOWNLOAD"]
[[mail]]
at = "2m 30s"
to = "SMTP:x@y"
count = 1
[[incoming]]
transport = "lan"
at = "2m 30s"
count = 1
[[flush]]
at = "3m"
via = "lan"
flags = ["FLUSH_UPLOAD", "FLUSH_DOWNLOAD"]
"#,
    ));
    assert_eq!(
        (n(&o, "flush.1.delivered"), n(&o, "flush.1.received")),
        (3, 0)
    );
    assert_eq!(t(&o, "flush.1.returned_at"), d("1m 3s"));
    assert_eq!(
        (n(&o, "flush.2.delivered"), n(&o, "flush.2.received")),
        (0, 2)
    );
    assert_eq!(t(&o, "flush.2.returned_at"), d("2m 2s"));
    // Out first (3m..3m1s), then in (3m1s..3m2s).
    assert_eq!(
        (n(&o, "flush.3.delivered"), n(&o, "flush.3.received")),
        (1, 1)
    );
    assert_eq!(t(&o, "flush.3.returned_at"), d("3m 2s"));
    assert_eq!(t(&o, "latency.inbound.lan.max"), d("2m 2s"));
}

#[test]
fn async_ok_returns_at_once_on_the_spooler_only() {
    let o = outcome(&with(
        r#"
[[flush]]
at = "10s"
via = "spooler"
target = "lan"
flags = ["FLUSH_UPLOAD", "FLUSH_ASYNC_OK"]
[[flush]]
at = "1m"
via = "dialup"
flags = ["FLUSH_UPLOAD", "FLUSH_ASYNC_OK"]
"#,
    ));
    assert_eq!(m(&o, "flush.1.result"), "S_OK");
    assert_eq!(t(&o, "flush.1.returned_at"), d("10s"));
    assert_eq!(t(&o, "flush.1.completed_at"), d("13s"));
    assert_eq!(m(&o, "flush.1.outcome"), "S_OK");
    // On a transport's object ASYNC_OK is ignored: 1m prompt, 1m5s answer, 1m35s up, +6s.
    assert_eq!(t(&o, "flush.2.returned_at"), d("1m 41s"));
    assert_eq!(t(&o, "flush.2.completed_at"), d("1m 41s"));
}

#[test]
fn overlapping_flushes_are_busy() {
    let o = outcome(&with(
        r#"
[[flush]]
at = "10s"
via = "spooler"
flags = ["FLUSH_UPLOAD"]
[[flush]]
at = "11s"
via = "dialup"
flags = ["FLUSH_UPLOAD"]
[[flush]]
at = "12s"
via = "spooler"
target = "lan"
flags = ["FLUSH_UPLOAD"]
[[incoming]]
transport = "dialup"
at = "5m"
count = 1
[[flush]]
at = "10m"
via = "dialup"
flags = ["FLUSH_DOWNLOAD"]
[[flush]]
at = "10m 1s"
via = "lan"
flags = ["FLUSH_DOWNLOAD"]
[[flush]]
at = "10m 2s"
via = "spooler"
flags = ["FLUSH_DOWNLOAD"]
"#,
    ));
    assert_eq!(m(&o, "flush.1.result"), "S_OK");
    for f in ["flush.2", "flush.3"] {
        assert_eq!(m(&o, &format!("{f}.result")), "MAPI_E_BUSY");
        assert_eq!(m(&o, &format!("{f}.outcome")), "MAPI_E_BUSY");
        assert_eq!(n(&o, &format!("{f}.delivered")), 0);
    }
    assert_eq!(t(&o, "flush.2.returned_at"), d("11s"));
    // A direct flush covers only its transport: another transport's flush is accepted, a
    // spooler-wide one is not.
    // Flush 4 waits for the dial-up line until 10m37s (prompt, answer, connect, download).
    assert_eq!(t(&o, "flush.4.returned_at"), d("10m 37s"));
    assert_eq!(m(&o, "flush.5.result"), "S_OK");
    assert_eq!(m(&o, "flush.6.result"), "MAPI_E_BUSY");
}

#[test]
fn unknown_flags_are_checked_before_missing_direction() {
    let o = outcome(&with(
        r#"
[[flush]]
at = "10s"
via = "spooler"
flags = ["FLUSH_NO_UI"]
[[flush]]
at = "20s"
via = "spooler"
flags = [0x100]
[[flush]]
at = "30s"
via = "lan"
flags = ["FLUSH_UPLOAD", 0x1]
"#,
    ));
    assert_eq!(m(&o, "flush.1.result"), "MAPI_E_INVALID_PARAMETER");
    assert_eq!(t(&o, "flush.1.completed_at"), d("10s"));
    assert_eq!(m(&o, "flush.2.result"), "MAPI_E_UNKNOWN_FLAGS");
    assert_eq!(m(&o, "flush.3.result"), "MAPI_E_UNKNOWN_FLAGS");
    assert_eq!(n(&o, "progress_ui"), 0);
    assert_eq!(n(&o, "delivered"), 0);
}

const TWO_LANS: &str = r#"
name = "order"
[[transport]]
name = "a"
kind = "lan"
address_types = ["A"]
per_message = "1s"
send = "on-demand"
[[transport]]
name = "b"
kind = "lan"
address_types = ["B"]
per_message = "1s"
send = "on-demand"
[[mail]]
at = "0s"
to = "A:x"
count = 3
[[mail]]
at = "0s"
to = "B:x"
count = 3
[[incoming]]
transport = "a"
at = "0s"
count = 1
[[flush]]
at = "10s"
via = "spooler"
flags = ["FLUSH_UPLOAD", "FLUSH_DOWNLOAD"]
"#;

#[test]
fn profile_order_runs_transports_one_after_another() {
    let o = outcome(TWO_LANS);
    // a out 10..13, a in 13..14, b out 14..17.
    assert_eq!(t(&o, "flush.1.returned_at"), d("17s"));
    assert_eq!(t(&o, "latency.outbound.a.max"), d("13s"));
    assert_eq!(t(&o, "latency.inbound.a.max"), d("14s"));
    assert_eq!(t(&o, "latency.outbound.b.min"), d("15s"));
}

#[test]
fn parallel_order_runs_transports_at_once() {
    let o = outcome(&TWO_LANS.replace(
        "name = \"order\"",
        "name = \"order\"\n[spooler]\nflush_order = \"parallel\"",
    ));
    assert_eq!(t(&o, "flush.1.returned_at"), d("14s"));
    assert_eq!(t(&o, "latency.outbound.b.min"), d("11s"));
    assert_eq!(t(&o, "latency.outbound.b.max"), d("13s"));
}

#[test]
fn schedules_run_at_whole_multiples_and_immediate_sends_at_once() {
    let o = outcome(
        r#"
name = "sched"
[[transport]]
name = "every"
kind = "lan"
address_types = ["E"]
per_message = "1s"
send = "10m"
receive = "5m"
[[transport]]
name = "now"
kind = "lan"
address_types = ["N"]
per_message = "1s"
[[mail]]
at = "1m"
to = "E:x"
count = 2
[[mail]]
at = "1m"
to = "N:x"
count = 2
[[incoming]]
transport = "every"
at = "6m"
count = 1
"#,
    );
    // Scheduled send at 10m: delivered 10m1s and 10m2s; latency from submission at 1m.
    assert_eq!(t(&o, "latency.outbound.every.min"), d("9m 1s"));
    assert_eq!(t(&o, "latency.outbound.every.max"), d("9m 2s"));
    // Immediate: 1m1s and 1m2s.
    assert_eq!(t(&o, "latency.outbound.now.max"), d("2s"));
    // Poll at 10m (5m was before the arrival at 6m): received 10m2s... after the send? Both
    // the send tick and the poll tick fire at 10m; the transport moves one message at a time,
    // send first (its timer was armed first): out 10m..10m2s, in 10m2s..10m3s.
    assert_eq!(t(&o, "latency.inbound.every.max"), d("4m 3s"));
    assert_eq!(t(&o, "end_time"), d("10m 3s"));
}

#[test]
fn unknown_address_type_gets_an_ndr_at_submission() {
    let o = outcome(
        r#"
name = "ndr"
[[transport]]
name = "lan"
kind = "lan"
address_types = ["SMTP"]
[[mail]]
at = "5s"
to = "FAX:123"
count = 2
"#,
    );
    assert_eq!(n(&o, "ndr"), 2);
    assert_eq!(n(&o, "submitted"), 2);
    assert_eq!(n(&o, "delivered"), 0);
    assert_eq!(t(&o, "end_time"), d("5s"));
}

#[test]
fn a_flush_at_the_instant_a_transfer_completes_finds_it_finished() {
    let o = outcome(
        r#"
name = "instant"
[[transport]]
name = "lan"
kind = "lan"
address_types = ["SMTP"]
per_message = "10s"
[[mail]]
at = "0s"
to = "SMTP:x"
count = 1
[[mail]]
at = "10s"
to = "SMTP:y"
count = 1
[[flush]]
at = "10s"
via = "lan"
flags = ["FLUSH_UPLOAD"]
"#,
    );
    // The first message completes at 10s (class 1) before the flush (class 6); the mail
    // submitted at 10s (class 5) is queued before the flush and is covered: 10s..20s.
    assert_eq!(n(&o, "flush.1.delivered"), 1);
    assert_eq!(t(&o, "flush.1.returned_at"), d("20s"));
}

#[test]
fn one_dial_serves_both_phases_until_idle_hangup() {
    let o = outcome(&with(
        r#"
[[incoming]]
transport = "dialup"
at = "0s"
count = 1
[[flush]]
at = "10s"
via = "dialup"
flags = ["FLUSH_UPLOAD", "FLUSH_DOWNLOAD"]
[[mail]]
at = "1m"
to = "X400:again"
count = 1
[[flush]]
at = "1m"
via = "dialup"
flags = ["FLUSH_UPLOAD"]
[[mail]]
at = "10m"
to = "X400:later"
count = 1
[[flush]]
at = "10m"
via = "dialup"
flags = ["FLUSH_UPLOAD"]
"#,
    ));
    // 10s prompt, 15s answer, 45s up, out 45..51, in 51..53.
    assert_eq!(t(&o, "flush.1.returned_at"), d("53s"));
    // At 1m the line is still up (idle since 53s, hang-up at 2m53s): no prompt.
    assert_eq!(n(&o, "flush.2.prompts"), 0);
    assert_eq!(t(&o, "flush.2.returned_at"), d("1m 2s"));
    // At 10m the line has dropped: prompt again.
    assert_eq!(n(&o, "flush.3.prompts"), 1);
    assert_eq!(t(&o, "flush.3.returned_at"), d("10m 37s"));
    assert_eq!(n(&o, "connects.dialup"), 2);
}

#[test]
fn a_one_microsecond_transfer_delivers_its_thousandth_message_at_exactly_one_millisecond() {
    // tokio rounds every sleep up to a whole millisecond; virtual time must not.
    let o = outcome(
        r#"
name = "micro"
[[transport]]
name = "fast"
kind = "lan"
address_types = ["SMTP"]
per_message = "1us"
send = "on-demand"
[[mail]]
at = "0s"
to = "SMTP:x"
count = 1000
[[flush]]
at = "0s"
via = "fast"
flags = ["FLUSH_UPLOAD"]
"#,
    );
    assert_eq!(t(&o, "latency.outbound.min"), d("1us"));
    assert_eq!(t(&o, "latency.outbound.p50"), d("500us"));
    assert_eq!(t(&o, "latency.outbound.max"), d("1ms"));
    assert_eq!(t(&o, "flush.1.returned_at"), d("1ms"));
    assert_eq!(t(&o, "end_time"), d("1ms"));
}
