//! The notifications file (`notify.yaml` in the project): where alerts go,
//! by SLO, severity and service; quiet hours; how long a storm gathers into
//! one message. Secrets are never written here: a target names an
//! environment variable or an OS-keyring entry, and the sender reads the
//! value at the moment it sends.
//!
//! ```yaml
//! apiVersion: sightline/v1
//! kind: Notifications
//! targets:
//!   sre-slack: { slack: { url: { env: SIGHTLINE_SLACK_WEBHOOK } } }
//!   on-call:   { pagerduty: { routing_key: { secret: pagerduty_routing_key } } }
//!   audit:     { webhook: { url: "https://hooks.example.com/sightline", signing_secret: { env: HOOK_SECRET } } }
//! routes:
//!   - match: { severity: page }
//!     to: [on-call, sre-slack]
//!   - match: { slo: "checkout-*", service: payment }
//!     to: [sre-slack]
//! quiet_hours:
//!   - { from: "22:00", to: "07:00", timezone: Europe/Paris, severities: [ticket] }
//! group_wait: 30s
//! ```

use std::collections::BTreeMap;
use std::path::Path;

use chrono::{TimeZone, Timelike};
use serde::{Deserialize, Serialize};

use crate::ActionError;
use crate::notice::Notice;
use crate::policy::glob_match;

/// Where a secret value comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum SecretRef {
    /// An environment variable's name.
    Env(String),
    /// An OS-keyring entry's name (`sightline secret set NAME`).
    Secret(String),
}

impl std::fmt::Display for SecretRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SecretRef::Env(n) => write!(f, "environment variable {n}"),
            SecretRef::Secret(n) => write!(f, "keyring entry {n}"),
        }
    }
}

/// A value that may be written in clear (not secret) or referenced.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Value {
    /// Written in the file.
    Plain(String),
    /// Read at send time.
    Ref(SecretRef),
}

/// The default PagerDuty Events API v2 endpoint.
pub const PAGERDUTY_EVENTS_URL: &str = "https://events.pagerduty.com/v2/enqueue";

/// One delivery target.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Target {
    /// A Slack-compatible incoming webhook (Block Kit).
    Slack {
        /// The webhook URL; it carries a token, so it must be a reference.
        url: SecretRef,
    },
    /// PagerDuty Events API v2.
    Pagerduty {
        /// The integration's routing key.
        routing_key: SecretRef,
        /// The events endpoint; PagerDuty's own by default.
        #[serde(default)]
        url: Option<String>,
    },
    /// Any HTTP endpoint, JSON body, HMAC-SHA256 signature header.
    Webhook {
        /// The URL (in clear or referenced).
        url: Value,
        /// The HMAC key; without it the request is unsigned.
        #[serde(default)]
        signing_secret: Option<SecretRef>,
    },
    /// E-mail over SMTP.
    Email {
        /// `host:port`.
        server: String,
        /// `starttls` (default), `tls`, or `none` (loopback only).
        #[serde(default)]
        tls: Option<String>,
        /// The sender address.
        from: String,
        /// Recipients.
        to: Vec<String>,
        /// The SMTP user, if the server wants one.
        #[serde(default)]
        username: Option<String>,
        /// The SMTP password.
        #[serde(default)]
        password: Option<SecretRef>,
    },
}

impl Target {
    /// `slack`, `pagerduty`, `webhook` or `email`.
    pub fn kind(&self) -> &'static str {
        match self {
            Target::Slack { .. } => "slack",
            Target::Pagerduty { .. } => "pagerduty",
            Target::Webhook { .. } => "webhook",
            Target::Email { .. } => "email",
        }
    }

    /// Whether several notices may go out as one message.
    pub fn groups(&self) -> bool {
        !matches!(self, Target::Pagerduty { .. })
    }
}

/// Which notices a route takes; every given field must match.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Match {
    /// SLO name or `*` glob.
    #[serde(default)]
    pub slo: Option<String>,
    /// `page` or `ticket`.
    #[serde(default)]
    pub severity: Option<String>,
    /// The blamed service.
    #[serde(default)]
    pub service: Option<String>,
}

/// One route.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Route {
    /// What it takes; everything when empty.
    #[serde(default, rename = "match")]
    pub matches: Match,
    /// Target names.
    pub to: Vec<String>,
}

/// A daily window in which some severities wait.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuietHours {
    /// `HH:MM`, local time.
    pub from: String,
    /// `HH:MM`, local time; before `from` means the next day.
    pub to: String,
    /// An IANA zone; UTC when absent.
    #[serde(default)]
    pub timezone: Option<String>,
    /// Which severities wait; `ticket` when absent (pages never wait
    /// unless listed).
    #[serde(default)]
    pub severities: Option<Vec<String>>,
}

/// The whole file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct NotifyConfig {
    /// `sightline/v1`.
    pub api_version: String,
    /// `Notifications`.
    pub kind: String,
    /// Targets by name.
    #[serde(default)]
    pub targets: BTreeMap<String, Target>,
    /// Routes; every matching route's targets get the notice.
    #[serde(default)]
    pub routes: Vec<Route>,
    /// Quiet hours.
    #[serde(default, rename = "quiet_hours")]
    pub quiet_hours: Vec<QuietHours>,
    /// How long a notice waits for others to group with, e.g. `30s`.
    #[serde(default, rename = "group_wait")]
    pub group_wait: Option<String>,
}

impl NotifyConfig {
    /// Reads and checks a notifications file.
    pub fn load(path: &Path) -> Result<Self, ActionError> {
        let text = std::fs::read_to_string(path).map_err(|e| ActionError::Io {
            path: path.display().to_string(),
            reason: e.to_string(),
        })?;
        Self::parse(&path.display().to_string(), &text)
    }

    /// Parses and checks; `origin` names the text in errors.
    pub fn parse(origin: &str, text: &str) -> Result<Self, ActionError> {
        let bad = |field: String, reason: String| ActionError::BadFile {
            origin: origin.to_owned(),
            field,
            reason,
        };
        // Through JSON's data model: serde_norway reads enums only as YAML
        // tags, and targets are written as mappings (`{ slack: {...} }`).
        let yaml: serde_norway::Value = serde_norway::from_str(text)
            .map_err(|e| bad("(root)".into(), format!("not YAML: {e}")))?;
        let json = serde_json::to_value(&yaml)
            .map_err(|e| bad("(root)".into(), format!("not representable: {e}")))?;
        let c: NotifyConfig = serde_path_to_error::deserialize(json).map_err(|e| {
            let p = e.path().to_string();
            bad(
                if p == "." { "(root)".into() } else { p },
                e.into_inner().to_string(),
            )
        })?;
        if c.api_version != crate::policy::API_VERSION {
            return Err(bad(
                "apiVersion".into(),
                format!("{:?}: use sightline/v1", c.api_version),
            ));
        }
        if c.kind != "Notifications" {
            return Err(bad(
                "kind".into(),
                format!("{:?}: expected Notifications", c.kind),
            ));
        }
        for (i, r) in c.routes.iter().enumerate() {
            for t in &r.to {
                if !c.targets.contains_key(t) {
                    return Err(bad(
                        format!("routes[{i}].to"),
                        format!("no target named {t:?} (targets: {})", names(&c)),
                    ));
                }
            }
            if let Some(s) = &r.matches.severity
                && s != "page"
                && s != "ticket"
            {
                return Err(bad(
                    format!("routes[{i}].match.severity"),
                    format!("{s:?}: use page or ticket"),
                ));
            }
        }
        for (i, q) in c.quiet_hours.iter().enumerate() {
            hhmm(&q.from).map_err(|e| bad(format!("quiet_hours[{i}].from"), e))?;
            hhmm(&q.to).map_err(|e| bad(format!("quiet_hours[{i}].to"), e))?;
            if let Some(z) = &q.timezone {
                z.parse::<chrono_tz::Tz>().map_err(|_| {
                    bad(
                        format!("quiet_hours[{i}].timezone"),
                        format!("{z:?} is not an IANA time zone"),
                    )
                })?;
            }
        }
        for (name, t) in &c.targets {
            if let Target::Webhook {
                url: Value::Plain(u),
                ..
            } = t
                && !(u.starts_with("http://") || u.starts_with("https://"))
            {
                return Err(bad(
                    format!("targets.{name}.webhook.url"),
                    format!("{u:?} is not an http(s) URL"),
                ));
            }
            if let Target::Email {
                to, tls, server, ..
            } = t
            {
                if to.is_empty() {
                    return Err(bad(
                        format!("targets.{name}.email.to"),
                        "no recipient".into(),
                    ));
                }
                check_tls(tls.as_deref(), server)
                    .map_err(|e| bad(format!("targets.{name}.email.tls"), e))?;
            }
        }
        c.group_wait_ms().map_err(|e| bad("group_wait".into(), e))?;
        Ok(c)
    }

    /// `group_wait` in ms (0 when absent).
    pub fn group_wait_ms(&self) -> Result<i64, String> {
        match &self.group_wait {
            None => Ok(0),
            Some(t) => {
                sightline_core::duration::parse_ms(t, "group_wait").map_err(|e| e.to_string())
            }
        }
    }

    /// The targets `n` goes to, each once, in route order.
    pub fn targets_for(&self, n: &Notice) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for r in &self.routes {
            let m = &r.matches;
            let ok = m.slo.as_deref().is_none_or(|p| glob_match(p, &n.slo))
                && m.severity.as_deref().is_none_or(|s| s == n.severity)
                && m.service
                    .as_deref()
                    .is_none_or(|s| n.service.as_deref() == Some(s));
            if ok {
                for t in &r.to {
                    if !out.contains(t) {
                        out.push(t.clone());
                    }
                }
            }
        }
        out
    }

    /// When a notice of `severity` made at `at_ms` may go out: at once,
    /// or at the end of the quiet hours it falls in.
    pub fn release_at(&self, severity: &str, at_ms: i64) -> i64 {
        let mut when = at_ms;
        for q in &self.quiet_hours {
            let applies = match &q.severities {
                None => severity == "ticket",
                Some(list) => list.iter().any(|s| s == severity),
            };
            if applies && let Some(end) = quiet_end(q, when) {
                when = when.max(end);
            }
        }
        when
    }
}

/// `tls` is one of the three modes, and `none` (the password and the alert
/// in clear) only talks to a relay on this machine.
pub fn check_tls(tls: Option<&str>, server: &str) -> Result<(), String> {
    match tls.unwrap_or("starttls") {
        "starttls" | "tls" => Ok(()),
        "none" => {
            let host = server.rsplit_once(':').map_or(server, |(h, _)| h);
            let host = host.trim_start_matches('[').trim_end_matches(']');
            let loopback = host.eq_ignore_ascii_case("localhost")
                || host
                    .parse::<std::net::IpAddr>()
                    .is_ok_and(|ip| ip.is_loopback());
            if loopback {
                Ok(())
            } else {
                Err(format!(
                    "none sends the password and the alert in clear, so it is only for a relay \
                     on this machine (127.0.0.1, ::1 or localhost), not {host:?}; use starttls or tls"
                ))
            }
        }
        other => Err(format!("{other:?}: use starttls, tls or none")),
    }
}

fn names(c: &NotifyConfig) -> String {
    c.targets.keys().cloned().collect::<Vec<_>>().join(", ")
}

fn hhmm(s: &str) -> Result<u32, String> {
    let bad = || format!("{s:?}: write HH:MM, e.g. 22:00");
    let (h, m) = s.split_once(':').ok_or_else(bad)?;
    let (h, m): (u32, u32) = (h.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
    if h > 23 || m > 59 {
        return Err(bad());
    }
    Ok(h * 60 + m)
}

/// If `at_ms` falls in `q`'s window, when that window ends (Unix ms).
fn quiet_end(q: &QuietHours, at_ms: i64) -> Option<i64> {
    let tz: chrono_tz::Tz = q
        .timezone
        .as_deref()
        .and_then(|z| z.parse().ok())
        .unwrap_or(chrono_tz::UTC);
    let (from, to) = (hhmm(&q.from).ok()?, hhmm(&q.to).ok()?);
    let local = tz.timestamp_millis_opt(at_ms).single()?;
    let minute = local.hour() * 60 + local.minute();
    let inside = if from <= to {
        minute >= from && minute < to
    } else {
        minute >= from || minute < to
    };
    if !inside {
        return None;
    }
    // Minutes from now until `to`, then back to the clock's whole minute.
    let ahead = if minute < to {
        to - minute
    } else {
        24 * 60 - minute + to
    };
    let start_of_minute = at_ms - i64::from(local.second()) * 1000 - at_ms.rem_euclid(1000);
    Some(start_of_minute + i64::from(ahead) * 60_000)
}
