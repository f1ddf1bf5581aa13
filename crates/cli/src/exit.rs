//! Exit codes, shared by every command. See docs/cli.md.
//!
//! | code | meaning |
//! |---|---|
//! | 0 | success |
//! | 1 | the command ran and found a problem (e.g. `db check` failed) |
//! | 2 | usage error (clap) |
//! | 3 | the input was refused: not a database, corrupt, newer schema, missing, bad file |
//! | 4 | an operation failed (I/O, SQL) |

use std::process::ExitCode;

use sightline_store::StoreError;

/// Success.
pub const OK: u8 = 0;
/// The command ran and found a problem.
pub const PROBLEM: u8 = 1;
/// Input refused.
pub const REFUSED: u8 = 3;
/// Operation failed.
pub const FAILED: u8 = 4;

/// A command's own verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Code(pub u8);

impl From<Code> for ExitCode {
    fn from(c: Code) -> Self {
        ExitCode::from(c.0)
    }
}

/// An input the CLI itself refuses (an output file that exists, say): exit 3.
#[derive(Debug)]
pub struct Refused(pub String);

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Refused {}

/// The exit code for an error that stopped a command.
pub fn for_error(err: &anyhow::Error) -> Code {
    if err.is::<sightline_journeys::JourneyError>() || err.is::<Refused>() {
        return Code(REFUSED);
    }
    match err.downcast_ref::<sightline_api::ApiError>() {
        Some(sightline_api::ApiError::Store(e)) if !e.is_refusal() => return Code(FAILED),
        Some(sightline_api::ApiError::Store(_)) => return Code(REFUSED),
        Some(e) if e.code() != sightline_api::ErrorCode::DatabaseFailed => return Code(REFUSED),
        _ => {}
    }
    match err.downcast_ref::<sightline_runner::RunnerError>() {
        Some(
            sightline_runner::RunnerError::Project { .. }
            | sightline_runner::RunnerError::Journey(_),
        ) => {
            return Code(REFUSED);
        }
        Some(sightline_runner::RunnerError::Store(e)) if e.is_refusal() => return Code(REFUSED),
        _ => {}
    }
    if let Some(e) = err.downcast_ref::<sightline_telemetry::TelemetryError>() {
        return Code(if e.is_refusal() { REFUSED } else { FAILED });
    }
    match err.downcast_ref::<StoreError>() {
        Some(e) if e.is_refusal() => Code(REFUSED),
        Some(StoreError::TargetExists { .. }) => Code(REFUSED),
        _ => Code(FAILED),
    }
}
