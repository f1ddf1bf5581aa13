//! What a remote runner sends to `sightline serve`: `POST /v1/runs` with a
//! bearer token and a JSON body of runs, each with its artifacts inline.
//!
//! ```json
//! {"runs": [{"run": {...a Run...},
//!            "artifacts": [{"step_index": 3, "role": "screenshot",
//!                           "media_type": "image/png", "data_base64": "iVBOR..."}]}]}
//! ```
//!
//! The answer is `200 {"inserted": n, "duplicates": m}`. Run ids make a
//! re-send harmless: a run already stored counts as a duplicate and is not
//! written again, so a runner may resend anything it is not sure landed.

use base64::Engine as _;
use serde::{Deserialize, Serialize};
use sightline_browser::{Artifact, ReplayReport};
use sightline_core::Run;

/// The path runs are pushed to.
pub const RUNS_PATH: &str = "/v1/runs";

/// One request body.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PushBatch {
    /// The runs, oldest first.
    pub runs: Vec<PushedRun>,
}

/// One run and its files.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PushedRun {
    /// The run with its steps.
    pub run: Run,
    /// Its screenshots, console log and timings.
    #[serde(default)]
    pub artifacts: Vec<PushedArtifact>,
}

/// One file, base64 in the JSON.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PushedArtifact {
    /// The step it belongs to, if any.
    pub step_index: Option<u32>,
    /// `screenshot`, `console`, `vitals`, …
    pub role: String,
    /// MIME type.
    pub media_type: String,
    /// The bytes, standard base64.
    pub data_base64: String,
}

/// The answer to a push.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PushAnswer {
    /// Runs newly stored.
    pub inserted: usize,
    /// Runs that were already stored.
    pub duplicates: usize,
}

impl PushedRun {
    /// The wire form of a finished attempt.
    pub fn from_report(report: &ReplayReport) -> Self {
        Self {
            run: report.run.clone(),
            artifacts: report
                .artifacts
                .iter()
                .map(|a| PushedArtifact {
                    step_index: a.step_index,
                    role: a.role.clone(),
                    media_type: a.media_type.clone(),
                    data_base64: base64::engine::general_purpose::STANDARD.encode(&a.bytes),
                })
                .collect(),
        }
    }

    /// Back to a report the store can save; `index` names the run in errors.
    pub fn into_report(self, index: usize) -> Result<ReplayReport, String> {
        let mut artifacts = Vec::with_capacity(self.artifacts.len());
        for (j, a) in self.artifacts.into_iter().enumerate() {
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(a.data_base64.as_bytes())
                .map_err(|e| format!("runs[{index}].artifacts[{j}].data_base64: {e}"))?;
            artifacts.push(Artifact {
                step_index: a.step_index,
                role: a.role,
                media_type: a.media_type,
                bytes,
            });
        }
        Ok(ReplayReport {
            run: self.run,
            artifacts,
            vitals: Vec::new(),
            console_errors: Vec::new(),
        })
    }
}
