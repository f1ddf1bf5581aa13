//! Sightline's action loop, the pure half: reliability numbers turned into
//! decisions people and pipelines act on.
//!
//! - [`policy`]: the error-budget policy file (conditions on budget left,
//!   burn-rate alerts and forecasts; effects block, notify, require an
//!   approval, open an incident);
//! - [`verdict`]: the release gate's decision and its exit status;
//! - [`junit`]: the verdict as JUnit XML for CI;
//! - [`route`]: the notifications file: targets, routes, quiet hours, grouping;
//! - [`notice`] and [`payload`]: what a notification says, in the shapes of
//!   Slack Block Kit, PagerDuty Events v2, signed webhooks and e-mail;
//! - [`delivery`]: retry and backoff rules.
//!
//! Nothing here reads the clock, the store or the network: states and time
//! come in as arguments. The store-backed gate and the outbox sender live in
//! `sightline-api`.

pub mod delivery;
pub mod junit;
pub mod notice;
pub mod payload;
pub mod policy;
pub mod route;
pub mod verdict;

/// Errors of this crate.
#[derive(Debug, thiserror::Error)]
pub enum ActionError {
    /// A file could not be read.
    #[error("{path}: {reason}")]
    Io {
        /// The file.
        path: String,
        /// The OS's reason.
        reason: String,
    },
    /// A policy or notifications file is wrong.
    #[error("{origin}: {field}: {reason}")]
    BadFile {
        /// The file (or what stands for it).
        origin: String,
        /// The field path, with the line when the parser knows it.
        field: String,
        /// What is wrong.
        reason: String,
    },
}

impl ActionError {
    /// A stable code for the UI and JSON output.
    pub fn code(&self) -> &'static str {
        match self {
            ActionError::Io { .. } => "io",
            ActionError::BadFile { .. } => "bad_file",
        }
    }
}
