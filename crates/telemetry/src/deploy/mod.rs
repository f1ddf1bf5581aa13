//! Deploy events: what changed, where and when. They come from the CLI
//! (`sightline event deploy`), from any CD system through
//! `POST /v1/events/deploy`, and from GitHub and Argo CD webhooks in their own
//! published shapes; all become [`Event`]s of kind deploy.
//!
//! Event ids are derived from the content (source, release, service, region,
//! time), so a webhook delivered twice (both GitHub and Argo CD retry) is
//! stored once.

pub mod argocd;
pub mod github;
pub mod http;

use rand::SeedableRng;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use sightline_core::{DeployEvent, Event, EventId, EventKind};

use crate::{Result, TelemetryError};

/// A deploy as the CLI and `POST /v1/events/deploy` take it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeployRequest {
    /// The service deployed.
    pub service: String,
    /// The version now running.
    pub version: String,
    /// The region, or absent for a global rollout.
    #[serde(default)]
    pub region: Option<String>,
    /// The commit deployed.
    #[serde(default)]
    pub commit: Option<String>,
    /// When: RFC 3339 or Unix epoch milliseconds; default now. (`time_ms`, as
    /// the demo shop's deploy webhook names it, is the same field.)
    #[serde(default, alias = "time_ms")]
    pub at: Option<serde_json::Value>,
    /// The release id; default `SERVICE@VERSION`. (`release_id` is the same field.)
    #[serde(default, alias = "release_id")]
    pub release: Option<String>,
    /// The version this one replaced. Accepted so a webhook can send it, not
    /// stored: the ordered event log already says what ran before.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous_version: Option<String>,
}

/// Parses an instant given as RFC 3339 or as Unix epoch milliseconds.
pub fn parse_time(text: &str) -> std::result::Result<i64, String> {
    let t = text.trim();
    if let Ok(ms) = t.parse::<i64>() {
        return Ok(ms);
    }
    chrono::DateTime::parse_from_rfc3339(t)
        .map(|d| d.timestamp_millis())
        .map_err(|e| format!("{t:?} is neither RFC 3339 nor epoch milliseconds ({e})"))
}

fn required(source: &str, field: &str, v: &str) -> Result<String> {
    let v = v.trim();
    if v.is_empty() {
        return Err(TelemetryError::parse(source, 0, field, "is required"));
    }
    Ok(v.to_owned())
}

impl DeployRequest {
    /// The event, timed `at` or else `now_ms`. `source` names where the
    /// request came from in error messages and in the event.
    pub fn into_event(self, origin: &str, source_name: &str, now_ms: i64) -> Result<Event> {
        let at_ms = match &self.at {
            None | Some(serde_json::Value::Null) => now_ms,
            Some(serde_json::Value::Number(n)) => n.as_i64().ok_or_else(|| {
                TelemetryError::parse(
                    source_name,
                    0,
                    "at",
                    format!("{n} is not whole milliseconds"),
                )
            })?,
            Some(serde_json::Value::String(s)) => {
                parse_time(s).map_err(|m| TelemetryError::parse(source_name, 0, "at", m))?
            }
            Some(other) => {
                return Err(TelemetryError::parse(
                    source_name,
                    0,
                    "at",
                    format!("{other} is neither RFC 3339 text nor epoch milliseconds"),
                ));
            }
        };
        let service = required(source_name, "service", &self.service)?;
        let version = required(source_name, "version", &self.version)?;
        let opt = |v: Option<String>| v.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
        let release_id = opt(self.release).unwrap_or_else(|| format!("{service}@{version}"));
        Ok(deploy_event(
            origin,
            at_ms,
            DeployEvent {
                release_id,
                service,
                version,
                region: opt(self.region),
                commit: opt(self.commit),
            },
        ))
    }
}

/// A deploy event whose id is derived from its content, so re-sending the
/// same deploy stores nothing new.
pub fn deploy_event(origin: &str, at_ms: i64, d: DeployEvent) -> Event {
    let id = content_id(
        at_ms,
        &[
            origin,
            &d.release_id,
            &d.service,
            d.region.as_deref().unwrap_or(""),
        ],
    );
    Event {
        id,
        at_ms,
        source: origin.to_owned(),
        kind: EventKind::Deploy(d),
    }
}

/// A time-sortable event id whose random part is the SHA-256 of `parts` and
/// the time: the same change always gets the same id.
pub(crate) fn content_id(at_ms: i64, parts: &[&str]) -> EventId {
    let mut h = Sha256::new();
    for part in parts {
        h.update(part.as_bytes());
        h.update([0]);
    }
    h.update(at_ms.to_le_bytes());
    let seed: [u8; 32] = h.finalize().into();
    EventId::new(at_ms, &mut rand::rngs::StdRng::from_seed(seed))
}

/// What a webhook adapter made of a delivery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Adapted {
    /// A deploy to store.
    Deploy(Box<Event>),
    /// A valid delivery that is not a finished deploy (a `ping`, an
    /// `in_progress` status); the reason is returned to the sender.
    Ignored(String),
}
