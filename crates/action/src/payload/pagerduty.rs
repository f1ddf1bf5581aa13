//! PagerDuty Events API v2 events: `trigger` when an alert fires,
//! `acknowledge` when its incident is acknowledged, `resolve` when it
//! resolves, all with the same `dedup_key` so they act on one PagerDuty
//! incident. Fields and limits from PagerDuty's Events API v2 reference:
//! `summary` at most 1,024 characters, `dedup_key` at most 255, `severity`
//! one of critical, error, warning, info, a whole event at most 512 KB.

use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::clip;
use crate::notice::{Notice, NoticeKind};

/// Longest `payload.summary`.
pub const MAX_SUMMARY: usize = 1024;
/// Longest `dedup_key`.
pub const MAX_DEDUP_KEY: usize = 255;
/// Largest event, bytes.
pub const MAX_EVENT_BYTES: usize = 512 * 1024;

/// The `dedup_key` of a notice: its key, or the key's SHA-256 when longer
/// than PagerDuty allows.
pub fn dedup_key(n: &Notice) -> String {
    if n.key.len() <= MAX_DEDUP_KEY {
        n.key.clone()
    } else {
        hex::encode(Sha256::digest(n.key.as_bytes()))
    }
}

/// The event for one notice. `routing_key` is read from the keyring or the
/// environment by the sender, at send time.
pub fn event(n: &Notice, routing_key: &str) -> Value {
    let action = match n.kind {
        NoticeKind::Firing | NoticeKind::Policy => "trigger",
        NoticeKind::Acknowledged => "acknowledge",
        NoticeKind::Resolved => "resolve",
    };
    if action != "trigger" {
        return json!({ "routing_key": routing_key, "event_action": action, "dedup_key": dedup_key(n) });
    }
    let summary = match &n.attribution {
        Some(a) => format!("{} — {a}", n.title),
        None => n.title.clone(),
    };
    let timestamp = chrono::DateTime::from_timestamp_millis(n.at_ms)
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true));
    json!({
        "routing_key": routing_key,
        "event_action": "trigger",
        "dedup_key": dedup_key(n),
        "payload": {
            "summary": clip(&summary, MAX_SUMMARY),
            "source": "sightline",
            "severity": if n.severity == "page" { "critical" } else { "warning" },
            "timestamp": timestamp,
            "component": n.service,
            "group": n.slo,
            "class": "slo-burn-rate",
            "custom_details": {
                "slo": n.slo,
                "burn_rate": n.burn_rate,
                "threshold": n.threshold,
                "windows": n.windows,
                "regions": n.regions,
                "attribution": n.attribution,
            }
        },
        "links": [ { "href": n.link, "text": "Open in Sightline" } ],
        "client": "Sightline",
    })
}

/// Checks an event against the Events API v2 rules this module keeps.
pub fn check(ev: &Value) -> Result<(), String> {
    let s = |p: &str| ev.pointer(p).and_then(Value::as_str);
    let key = s("/routing_key").ok_or("no routing_key")?;
    if key.is_empty() {
        return Err("empty routing_key".into());
    }
    let action = s("/event_action").ok_or("no event_action")?;
    let dedup = s("/dedup_key").ok_or("no dedup_key")?;
    if dedup.is_empty() || dedup.len() > MAX_DEDUP_KEY {
        return Err(format!("dedup_key of {} characters", dedup.len()));
    }
    match action {
        "trigger" => {
            let summary = s("/payload/summary").ok_or("trigger without payload.summary")?;
            if summary.is_empty() || summary.chars().count() > MAX_SUMMARY {
                return Err(format!("summary of {} characters", summary.chars().count()));
            }
            if s("/payload/source").is_none_or(str::is_empty) {
                return Err("trigger without payload.source".into());
            }
            match s("/payload/severity") {
                Some("critical" | "error" | "warning" | "info") => {}
                other => return Err(format!("severity {other:?}")),
            }
        }
        "acknowledge" | "resolve" => {}
        other => return Err(format!("event_action {other:?}")),
    }
    let size = serde_json::to_vec(ev).map_or(usize::MAX, |b| b.len());
    if size > MAX_EVENT_BYTES {
        return Err(format!("{size} bytes (at most {MAX_EVENT_BYTES})"));
    }
    Ok(())
}
