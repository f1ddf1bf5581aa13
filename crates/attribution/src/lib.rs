//! The attribution engine: why an SLO is burning, ranked with evidence.
//!
//! Sightline exists for this answer: "95% of the current burn on checkout is
//! payment errors in us-east-1. It started at 14:02, 11 minutes after
//! release payment@2.4.1 reached us-east-1." The engine combines
//!
//! 1. burn decomposition over region, journey, step, error class, journey
//!    version, runner and the service the linked trace blames
//!    ([`decompose`], recursive Adtributor);
//! 2. onsets on the SLI and on each slice ([`onset`], BOCPD from
//!    `augurs-changepoint`, with a profile-likelihood interval);
//! 3. changes before the onset, scored by time, scope and version
//!    confinement ([`changes`]);
//! 4. trace blame: the originating error span, or the self-time growth on
//!    the critical path ([`blame`]);
//! 5. leading indicators from metrics, span RED series and error logs, with
//!    the ones that do not touch the blamed path reported as red herrings
//!    ([`indicators`]).
//!
//! It takes data and time as arguments and does no I/O: the CLI, the app and
//! the evaluation load the data and call [`attribute`]. Without an SLO
//! (telemetry-only mode) each trace is an observation and the same pipeline
//! ranks suspect services. [`score`] grades a report against labels.

pub mod blame;
pub mod causes;
pub mod changes;
pub mod decompose;
pub mod engine;
pub mod indicators;
pub mod input;
pub mod onset;
pub mod render;
pub mod report;
pub mod score;

pub use input::{Input, Options, RunObs};
pub use render::{markdown, markdown_with_charts};
pub use report::{Cause, CauseKind, Change, Evidence, EvidenceKind, Report, Window};

/// Explains `input.slo` at `input.at_ms` (or, with no SLO, the telemetry
/// in `input.window`).
pub fn attribute(input: &Input<'_>, opts: &Options) -> Report {
    engine::run(input, opts)
}
