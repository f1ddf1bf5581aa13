//! Payloads against the published shapes and limits.

use std::path::Path;

use sightline_action::delivery::{self, Attempt};
use sightline_action::notice::{Notice, NoticeKind};
use sightline_action::payload::{email, pagerduty, slack, webhook};

use crate::T0;
use crate::route::notice;

#[test]
fn pagerduty_trigger_and_resolve_share_the_dedup_key() {
    let fire = notice("checkout-availability", "page", Some("payment"));
    let ev = pagerduty::event(&fire, "R0UTINGKEY");
    pagerduty::check(&ev).unwrap();
    assert_eq!(ev["event_action"], "trigger");
    assert_eq!(ev["payload"]["severity"], "critical");
    assert_eq!(ev["payload"]["component"], "payment");
    assert!(
        ev["payload"]["summary"]
            .as_str()
            .unwrap()
            .contains("payment@2.4.1")
    );
    assert_eq!(
        ev["links"][0]["href"],
        "sightline://alert/checkout-availability/0/1796119200000"
    );
    let resolved = Notice {
        kind: NoticeKind::Resolved,
        at_ms: T0 + 600_000,
        ..fire.clone()
    };
    let rv = pagerduty::event(&resolved, "R0UTINGKEY");
    pagerduty::check(&rv).unwrap();
    assert_eq!(rv["event_action"], "resolve");
    assert_eq!(rv["dedup_key"], ev["dedup_key"]);
    let ack = pagerduty::event(
        &Notice {
            kind: NoticeKind::Acknowledged,
            ..fire
        },
        "R0UTINGKEY",
    );
    assert_eq!(ack["event_action"], "acknowledge");
}

#[test]
fn pagerduty_limits_are_kept_for_long_names_and_sentences() {
    let mut n = notice(&"s".repeat(400), "ticket", None);
    n.attribution = Some("x".repeat(5_000));
    let ev = pagerduty::event(&n, "k");
    pagerduty::check(&ev).unwrap();
    assert_eq!(
        ev["payload"]["summary"].as_str().unwrap().chars().count(),
        1024
    );
    assert_eq!(ev["dedup_key"].as_str().unwrap().len(), 64);
    assert_eq!(ev["payload"]["severity"], "warning");
    // The checker catches what the builder must never send.
    let mut bad = ev.clone();
    bad["payload"]["severity"] = "urgent".into();
    assert!(pagerduty::check(&bad).is_err());
}

#[test]
fn slack_messages_keep_block_kit_limits_even_in_a_storm() {
    let one = slack::message(&[notice("checkout", "page", Some("payment"))]);
    slack::check(&one).unwrap();
    let text = serde_json::to_string(&one).unwrap();
    assert!(text.contains("payment@2.4.1 in us-east-1 raised errors"));
    let storm: Vec<Notice> = (0..120)
        .map(|i| notice(&format!("slo-{i}"), "ticket", None))
        .collect();
    let m = slack::message(&storm);
    slack::check(&m).unwrap();
    assert_eq!(m["blocks"].as_array().unwrap().len(), 50);
    assert!(
        m["blocks"][0]["text"]["text"]
            .as_str()
            .unwrap()
            .starts_with("120 alert changes: 120 firing")
    );
    let mut long = notice("checkout", "page", None);
    long.attribution = Some("y".repeat(10_000));
    slack::check(&slack::message(&[long])).unwrap();
}

#[test]
fn slack_messages_use_the_block_types_of_the_published_sample() {
    let sample = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/fixtures/slack-webhook/saved.data.json");
    let Ok(text) = std::fs::read_to_string(&sample) else {
        eprintln!("skipped: {} is absent", sample.display());
        return;
    };
    // The published sample is Slack's own Block Kit; ours must use the same
    // top-level keys and block/text types that it does.
    let published: serde_json::Value = serde_json::from_str(&text).unwrap();
    let ours = slack::message(&[notice("checkout", "page", None)]);
    let types = |v: &serde_json::Value| -> Vec<String> {
        let mut t: Vec<String> = Vec::new();
        let mut stack = vec![v.clone()];
        while let Some(x) = stack.pop() {
            match x {
                serde_json::Value::Object(m) => {
                    if let Some(serde_json::Value::String(s)) = m.get("type") {
                        t.push(s.clone());
                    }
                    stack.extend(m.into_iter().map(|(_, v)| v));
                }
                serde_json::Value::Array(a) => stack.extend(a),
                _ => {}
            }
        }
        t
    };
    let theirs = types(&published);
    assert!(
        theirs.iter().any(|t| t == "section") && theirs.iter().any(|t| t == "mrkdwn"),
        "{theirs:?}"
    );
    for t in types(&ours) {
        assert!(
            ["header", "plain_text", "section", "mrkdwn", "context"].contains(&t.as_str()),
            "unexpected block type {t}"
        );
    }
}

#[test]
fn webhook_signatures_verify_and_catch_tampering() {
    let body = serde_json::to_vec(&webhook::body(&[notice("checkout", "page", None)])).unwrap();
    let sig = webhook::signature(b"s3cret", 1_796_119_200, &body);
    assert!(sig.starts_with("v1=") && sig.len() == 3 + 64);
    assert!(webhook::verify(b"s3cret", 1_796_119_200, &body, &sig));
    assert!(!webhook::verify(b"s3cret", 1_796_119_201, &body, &sig));
    assert!(!webhook::verify(b"other", 1_796_119_200, &body, &sig));
    let mut tampered = body.clone();
    tampered[10] ^= 1;
    assert!(!webhook::verify(b"s3cret", 1_796_119_200, &tampered, &sig));
}

#[test]
fn email_subjects_are_one_line() {
    let mut n = notice("checkout", "page", None);
    n.title = "a\r\nBcc: evil@example.com".into();
    let (subject, body) = email::message(&[n]);
    assert!(!subject.contains('\n') && !subject.contains('\r'));
    assert!(body.contains("sightline://alert/"));
}

#[test]
fn retries_back_off_and_honour_retry_after() {
    assert_eq!(delivery::classify(202, None, ""), Attempt::Delivered);
    assert!(matches!(
        delivery::classify(429, Some(30_000), ""),
        Attempt::Retry {
            retry_after_ms: Some(30_000),
            ..
        }
    ));
    assert!(matches!(
        delivery::classify(503, None, "busy"),
        Attempt::Retry { .. }
    ));
    assert!(matches!(
        delivery::classify(400, None, "bad"),
        Attempt::Refused { .. }
    ));
    let waits: Vec<i64> = (1..=12)
        .map(|a| delivery::next_attempt_at(0, a, None))
        .collect();
    assert_eq!(&waits[..4], &[1_000, 2_000, 4_000, 8_000]);
    assert_eq!(waits[11], delivery::MAX_DELAY_MS);
    assert_eq!(delivery::next_attempt_at(0, 1, Some(30_000)), 30_000);
    assert_eq!(delivery::parse_retry_after("120", 0), Some(120_000));
    assert_eq!(
        delivery::parse_retry_after("Tue, 01 Dec 2026 10:00:30 GMT", T0),
        Some(30_000)
    );
    assert_eq!(delivery::parse_retry_after("soon", T0), None);
}
