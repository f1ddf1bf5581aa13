//! The action loop over the store: the release gate (SLO states from the
//! store, the project's policy, stored approvals), the outbox that queues
//! notifications with the alert transitions that cause them, and the sender
//! that delivers them. The decisions and payloads are `sightline-action`'s;
//! this module brings them data, time and the network.

pub mod gate;
pub mod outbox;
pub mod policy_state;
pub mod sender;
mod smtp;

use std::path::Path;

use sightline_action::policy::{self, Policy};
use sightline_action::route::NotifyConfig;

use crate::ApiError;

/// The project's policy file.
pub const POLICY_FILE: &str = "policy.yaml";
/// The project's notifications file.
pub const NOTIFY_FILE: &str = "notify.yaml";

/// The policy at `file`, else the project's `policy.yaml`, else the
/// built-in default. Says which it used.
pub fn load_policy(project: &Path, file: Option<&Path>) -> Result<(Policy, String), ApiError> {
    let path = match file {
        Some(f) => f.to_path_buf(),
        None => {
            let p = project.join(POLICY_FILE);
            if !p.exists() {
                return Ok((
                    Policy::default_policy(),
                    "the built-in default policy".into(),
                ));
            }
            p
        }
    };
    let p = policy::load(&path).map_err(|e| ApiError::BadInput(e.to_string()))?;
    Ok((p, path.display().to_string()))
}

/// The project's `notify.yaml`, if it has one.
pub fn load_notify(project: &Path) -> Result<Option<NotifyConfig>, ApiError> {
    let p = project.join(NOTIFY_FILE);
    if !p.exists() {
        return Ok(None);
    }
    NotifyConfig::load(&p)
        .map(Some)
        .map_err(|e| ApiError::BadInput(e.to_string()))
}

/// A test hook: with `SIGHTLINE_FAULT=<point>` set, the process dies at that
/// point as if killed (no destructors, no flush). The outbox crash test uses
/// `after-outbox-commit`.
pub fn fault_point(point: &str) {
    if std::env::var("SIGHTLINE_FAULT").is_ok_and(|v| v == point) {
        std::process::abort();
    }
}
