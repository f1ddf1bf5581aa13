//! The `artifacts` and `run_artifacts` tables: which stored files belong to
//! which run. The bytes themselves live in the [`crate::ArtifactStore`] folder.

use rusqlite::{Connection, params};
use sightline_core::RunId;

use crate::Result;

/// A file attached to a run (or one of its steps).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunArtifact {
    /// The step it belongs to, or `None` for the whole run (e.g. the HAR).
    pub step_index: Option<u32>,
    /// What it is: `screenshot`, `har`, `console`.
    pub role: String,
    /// Content hash; the file name in the artifact folder.
    pub sha256: String,
    /// MIME type, e.g. `image/png`.
    pub media_type: String,
    /// Size of the file.
    pub size_bytes: i64,
}

/// Records an artifact against a run. Call inside the run's transaction, after
/// the bytes were written with [`crate::ArtifactStore::put`].
pub fn attach(
    conn: &Connection,
    run: RunId,
    artifact: &RunArtifact,
    created_at_ms: i64,
) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO artifacts (sha256, media_type, size_bytes, created_at_ms)
         VALUES (?1, ?2, ?3, ?4) ON CONFLICT (sha256) DO NOTHING",
    )?
    .execute(params![
        artifact.sha256,
        artifact.media_type,
        artifact.size_bytes,
        created_at_ms
    ])?;
    conn.prepare_cached(
        "INSERT INTO run_artifacts (run_id, step_index, role, sha256) VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![
        run.as_bytes().as_slice(),
        artifact.step_index,
        artifact.role,
        artifact.sha256
    ])?;
    Ok(())
}

/// The artifacts of one run, in step order.
pub fn for_run(conn: &Connection, run: RunId) -> Result<Vec<RunArtifact>> {
    let mut stmt = conn.prepare_cached(
        "SELECT ra.step_index, ra.role, a.sha256, a.media_type, a.size_bytes
         FROM run_artifacts ra JOIN artifacts a ON a.sha256 = ra.sha256
         WHERE ra.run_id = ?1 ORDER BY ra.step_index, ra.role",
    )?;
    let rows = stmt.query_map([run.as_bytes().as_slice()], |r| {
        Ok(RunArtifact {
            step_index: r.get(0)?,
            role: r.get(1)?,
            sha256: r.get(2)?,
            media_type: r.get(3)?,
            size_bytes: r.get(4)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}
