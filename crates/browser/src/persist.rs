//! Storing a replay: the run with its steps and its artifacts' rows in one
//! transaction; the artifact bytes in the content-addressed folder first, so a
//! committed row never points at a missing file.

use sightline_store::Store;
use sightline_store::queries::{artifacts, runs};

use crate::{BrowserError, ReplayReport};

/// An artifact as stored: its role and content hash.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct StoredArtifact {
    /// The step it belongs to, or `None` for the whole run.
    pub step_index: Option<u32>,
    /// `screenshot`, `console` or `vitals`.
    pub role: String,
    /// The SHA-256 that names the file in the artifact folder.
    pub sha256: String,
}

/// What [`save`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Saved {
    /// False when a run with the same id was already stored (an idempotent
    /// re-send): nothing was written for it.
    pub inserted: bool,
    /// The artifacts, as stored.
    pub artifacts: Vec<StoredArtifact>,
}

/// Stores `report` in `store`.
pub fn save(
    store: &mut Store,
    report: &ReplayReport,
    received_at_ms: i64,
) -> Result<Saved, BrowserError> {
    let mut rows = Vec::new();
    for a in &report.artifacts {
        let sha256 = store.artifacts().put(&a.bytes)?;
        rows.push(artifacts::RunArtifact {
            step_index: a.step_index,
            role: a.role.clone(),
            sha256,
            media_type: a.media_type.clone(),
            size_bytes: i64::try_from(a.bytes.len()).unwrap_or(i64::MAX),
        });
    }
    let tx = store
        .conn_mut()
        .transaction()
        .map_err(sightline_store::StoreError::from)?;
    let inserted = runs::insert(&tx, &report.run, received_at_ms)?;
    if inserted {
        for row in &rows {
            artifacts::attach(&tx, report.run.id, row, received_at_ms)?;
        }
    }
    tx.commit().map_err(sightline_store::StoreError::from)?;
    Ok(Saved {
        inserted,
        artifacts: rows
            .into_iter()
            .map(|r| StoredArtifact {
                step_index: r.step_index,
                role: r.role,
                sha256: r.sha256,
            })
            .collect(),
    })
}
