//! The notifications file: routing, quiet hours, and clear errors.

use sightline_action::notice::{Notice, NoticeKind};
use sightline_action::route::{NotifyConfig, SecretRef, Target};

use crate::{HOUR, MIN, T0};

const FILE: &str = "\
apiVersion: sightline/v1
kind: Notifications
targets:
  sre-slack: { slack: { url: { env: SIGHTLINE_SLACK_WEBHOOK } } }
  on-call: { pagerduty: { routing_key: { secret: pagerduty_routing_key } } }
  audit: { webhook: { url: \"http://127.0.0.1:9/hook\", signing_secret: { env: HOOK_SECRET } } }
routes:
  - match: { severity: page }
    to: [on-call, sre-slack]
  - match: { slo: \"checkout-*\", service: payment }
    to: [sre-slack, audit]
quiet_hours:
  - { from: \"22:00\", to: \"07:00\", timezone: Europe/Paris }
group_wait: 30s
";

pub fn notice(slo: &str, severity: &str, service: Option<&str>) -> Notice {
    Notice::alert(
        NoticeKind::Firing,
        slo,
        0,
        severity,
        T0,
        T0,
        Some(14.4),
        14.4,
        "1h/5m",
        &["us-east-1".into()],
        Some(("payment@2.4.1 in us-east-1 raised errors", service)),
    )
}

#[test]
fn routes_take_every_matching_target_once() {
    let c = NotifyConfig::parse("notify.yaml", FILE).unwrap();
    assert_eq!(c.group_wait_ms().unwrap(), 30_000);
    assert!(matches!(
        &c.targets["on-call"],
        Target::Pagerduty { routing_key: SecretRef::Secret(k), url: None } if k == "pagerduty_routing_key"
    ));
    let cases = [
        (
            notice("checkout-availability", "page", Some("payment")),
            vec!["on-call", "sre-slack", "audit"],
        ),
        (
            notice("checkout-availability", "ticket", Some("payment")),
            vec!["sre-slack", "audit"],
        ),
        (
            notice("checkout-availability", "ticket", Some("search")),
            vec![],
        ),
        (notice("login", "page", None), vec!["on-call", "sre-slack"]),
    ];
    for (n, want) in cases {
        assert_eq!(c.targets_for(&n), want, "{} {}", n.slo, n.severity);
    }
}

#[test]
fn quiet_hours_hold_tickets_until_morning_and_never_pages() {
    let c = NotifyConfig::parse("notify.yaml", FILE).unwrap();
    // T0 is 10:00 UTC, 11:00 in Paris: not quiet.
    assert_eq!(c.release_at("ticket", T0), T0);
    // 21:30 UTC is 22:30 in Paris (winter, UTC+1): held until 07:00 Paris = 06:00 UTC.
    let late = T0 + 11 * HOUR + 30 * MIN;
    assert_eq!(c.release_at("ticket", late), T0 + 20 * HOUR);
    assert_eq!(c.release_at("page", late), late);
    // 05:59 UTC next day is 06:59 Paris: one more minute.
    let early = T0 + 19 * HOUR + 59 * MIN;
    assert_eq!(c.release_at("ticket", early), T0 + 20 * HOUR);
}

#[test]
fn mistakes_name_the_field() {
    let cases = [
        (
            FILE.replace("to: [on-call, sre-slack]", "to: [on-cal]"),
            "routes[0].to",
        ),
        (
            FILE.replace("\"22:00\"", "\"25:00\""),
            "quiet_hours[0].from",
        ),
        (
            FILE.replace("Europe/Paris", "Mars/Olympus"),
            "quiet_hours[0].timezone",
        ),
        (
            FILE.replace("group_wait: 30s", "group_wait: soon"),
            "group_wait",
        ),
        // A Slack URL carries a token: it may not be written in the file.
        (
            FILE.replace(
                "{ env: SIGHTLINE_SLACK_WEBHOOK }",
                "\"https://hooks.slack.com/services/T/B/x\"",
            ),
            "targets",
        ),
        (
            FILE.replace("\"http://127.0.0.1:9/hook\"", "\"ftp://x\""),
            "targets.audit.webhook.url",
        ),
        // Plain SMTP sends the password in clear: a loopback relay only.
        (
            FILE.replace(
                "targets:\n",
                "targets:\n  mail: { email: { server: \"smtp.example.com:25\", tls: none, from: a@example.com, to: [b@example.com] } }\n",
            ),
            "targets.mail.email.tls",
        ),
        (
            FILE.replace(
                "targets:\n",
                "targets:\n  mail: { email: { server: \"smtp.example.com:587\", tls: ssl, from: a@example.com, to: [b@example.com] } }\n",
            ),
            "targets.mail.email.tls",
        ),
    ];
    let loopback = FILE.replace(
        "targets:\n",
        "targets:\n  mail: { email: { server: \"[::1]:2525\", tls: none, from: a@example.com, to: [b@example.com] } }\n",
    );
    NotifyConfig::parse("notify.yaml", &loopback).expect("plain SMTP to a loopback relay is fine");
    for (text, field) in cases {
        let e = NotifyConfig::parse("notify.yaml", &text)
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("notify.yaml: "), "{e}");
        assert!(e.contains(field), "{field} not in {e}");
    }
}
