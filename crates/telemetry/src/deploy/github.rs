//! GitHub `deployment_status` webhooks (`X-GitHub-Event: deployment_status`).
//!
//! A deploy is recorded when a deployment status turns `success`: that is when
//! the new version is live. `pending`, `queued`, `in_progress` and the failure
//! states are acknowledged and ignored (a failed deploy changed nothing), as
//! are other events such as `ping`.
//!
//! Mapping: service = `deployment.payload.service`, else the repository name;
//! version = `deployment.payload.version`, else `deployment.ref`; commit =
//! `deployment.sha`; region = `deployment.payload.region` (GitHub has no
//! region; environments such as `production` are not regions); release =
//! `github-deployment-<id>`; time = `deployment_status.created_at`.

use serde::Deserialize;
use sightline_core::DeployEvent;

use super::{Adapted, deploy_event, parse_time};
use crate::{Result, TelemetryError};

#[derive(Deserialize)]
struct Delivery {
    deployment_status: Status,
    deployment: Deployment,
    repository: Repository,
}

#[derive(Deserialize)]
struct Status {
    state: String,
    created_at: String,
}

#[derive(Deserialize)]
struct Deployment {
    id: u64,
    sha: String,
    #[serde(rename = "ref")]
    git_ref: String,
    #[serde(default)]
    payload: serde_json::Value,
}

#[derive(Deserialize)]
struct Repository {
    name: String,
}

/// Adapts one delivery; `event` is the `X-GitHub-Event` header.
pub fn adapt(event: Option<&str>, body: &[u8]) -> Result<Adapted> {
    const SRC: &str = "GitHub webhook";
    match event {
        Some("deployment_status") => {}
        Some(other) => {
            return Ok(Adapted::Ignored(format!(
                "event {other:?} is not a deployment_status"
            )));
        }
        None => {
            return Err(TelemetryError::parse(
                SRC,
                0,
                "X-GitHub-Event",
                "header is required",
            ));
        }
    }
    let d: Delivery = serde_json::from_slice(body)
        .map_err(|e| TelemetryError::parse(SRC, e.line(), "body", e.to_string()))?;
    if d.deployment_status.state != "success" {
        return Ok(Adapted::Ignored(format!(
            "deployment_status.state is {:?}; only success records a deploy",
            d.deployment_status.state
        )));
    }
    let at_ms = parse_time(&d.deployment_status.created_at)
        .map_err(|m| TelemetryError::parse(SRC, 0, "deployment_status.created_at", m))?;
    let payload = |k: &str| {
        d.deployment
            .payload
            .get(k)
            .and_then(|v| v.as_str())
            .map(str::to_owned)
            .filter(|s| !s.is_empty())
    };
    let event = deploy_event(
        "github",
        at_ms,
        DeployEvent {
            release_id: format!("github-deployment-{}", d.deployment.id),
            service: payload("service").unwrap_or(d.repository.name),
            version: payload("version").unwrap_or(d.deployment.git_ref),
            region: payload("region"),
            commit: Some(d.deployment.sha).filter(|s| !s.is_empty()),
        },
    );
    Ok(Adapted::Deploy(Box::new(event)))
}
