//! Argo CD notifications (`argocd-notifications` webhook service).
//!
//! Argo CD has no fixed payload: each notification renders a Go template
//! against the Application. Two shapes are read:
//!
//! 1. Sightline's template (documented in `docs/telemetry.md`), a flat object:
//!    `{"app": "{{.app.metadata.name}}", "revision": "{{.app.status.sync.revision}}",
//!    "phase": "{{.app.status.operationState.phase}}",
//!    "finishedAt": "{{.app.status.operationState.finishedAt}}"}` with optional
//!    `"region"` and `"version"`.
//! 2. The catalog's `app-deployed` template as shipped (its Slack attachments,
//!    either the bare array or `{"attachments": [...]}`): the title is the
//!    application, the `Revision` field the revision. It carries no time, so
//!    the time of receipt is used.
//!
//! A notification whose phase is not `Succeeded` (a sync that failed or is
//! still running) is acknowledged and ignored.

use serde::Deserialize;
use sightline_core::DeployEvent;

use super::{Adapted, deploy_event, parse_time};
use crate::{Result, TelemetryError};

const SRC: &str = "Argo CD notification";

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Flat {
    app: String,
    revision: String,
    #[serde(default)]
    phase: Option<String>,
    #[serde(default)]
    finished_at: Option<String>,
    #[serde(default)]
    region: Option<String>,
    #[serde(default)]
    version: Option<String>,
}

#[derive(Deserialize)]
struct Attachment {
    title: String,
    #[serde(default)]
    fields: Vec<Field>,
}

#[derive(Deserialize)]
struct Field {
    title: String,
    value: serde_json::Value,
}

fn nonempty(s: Option<String>) -> Option<String> {
    s.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty())
}

/// The short commit for the version label (a full SHA is kept as the commit).
fn looks_like_sha(rev: &str) -> bool {
    (7..=40).contains(&rev.len()) && rev.bytes().all(|b| b.is_ascii_hexdigit())
}

fn event(
    app: String,
    revision: String,
    region: Option<String>,
    version: Option<String>,
    at_ms: i64,
) -> Result<Adapted> {
    let app =
        nonempty(Some(app)).ok_or_else(|| TelemetryError::parse(SRC, 0, "app", "is required"))?;
    let revision = nonempty(Some(revision))
        .ok_or_else(|| TelemetryError::parse(SRC, 0, "revision", "is required"))?;
    let version = nonempty(version).unwrap_or_else(|| {
        if looks_like_sha(&revision) {
            revision.chars().take(12).collect()
        } else {
            revision.clone()
        }
    });
    Ok(Adapted::Deploy(Box::new(deploy_event(
        "argocd",
        at_ms,
        DeployEvent {
            release_id: format!("{app}@{revision}"),
            service: app,
            version,
            region: nonempty(region),
            commit: looks_like_sha(&revision).then_some(revision),
        },
    ))))
}

/// Adapts one notification body; `now_ms` times notifications that carry no time.
pub fn adapt(body: &[u8], now_ms: i64) -> Result<Adapted> {
    let doc: serde_json::Value = serde_json::from_slice(body)
        .map_err(|e| TelemetryError::parse(SRC, e.line(), "body", e.to_string()))?;
    let attachments = match &doc {
        serde_json::Value::Array(_) => Some(doc.clone()),
        serde_json::Value::Object(o) if o.contains_key("attachments") => {
            o.get("attachments").cloned()
        }
        _ => None,
    };
    if let Some(list) = attachments {
        let list: Vec<Attachment> = serde_json::from_value(list)
            .map_err(|e| TelemetryError::parse(SRC, 0, "attachments", e.to_string()))?;
        let a = list
            .into_iter()
            .next()
            .ok_or_else(|| TelemetryError::parse(SRC, 0, "attachments", "is empty"))?;
        let field = |name: &str| {
            a.fields
                .iter()
                .find(|f| f.title.trim() == name)
                .map(|f| match &f.value {
                    serde_json::Value::String(s) => s.clone(),
                    other => other.to_string(),
                })
        };
        let revision = field("Revision").ok_or_else(|| {
            TelemetryError::parse(SRC, 0, "attachments[0].fields", "has no Revision field")
        })?;
        if let Some(sync) = field("Sync Status").filter(|s| s != "Synced") {
            return Ok(Adapted::Ignored(format!(
                "sync status is {sync:?}, not Synced"
            )));
        }
        return event(a.title, revision, None, None, now_ms);
    }
    let flat: Flat = serde_json::from_value(doc)
        .map_err(|e| TelemetryError::parse(SRC, 0, "body", e.to_string()))?;
    if let Some(phase) = nonempty(flat.phase.clone()).filter(|p| p != "Succeeded") {
        return Ok(Adapted::Ignored(format!(
            "phase is {phase:?}, not Succeeded"
        )));
    }
    let at_ms = match nonempty(flat.finished_at) {
        Some(t) => parse_time(&t).map_err(|m| TelemetryError::parse(SRC, 0, "finishedAt", m))?,
        None => now_ms,
    };
    event(flat.app, flat.revision, flat.region, flat.version, at_ms)
}
