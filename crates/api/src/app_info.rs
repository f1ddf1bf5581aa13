//! `app_info`: which Sightline is running, and on which database.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::{ApiContext, ApiError};

/// Asks which Sightline is running. It carries nothing yet; it is a struct so
/// that fields can be added without breaking callers.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct AppInfoRequest {}

/// Which Sightline is running, and where its data lives.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct AppInfo {
    /// Sightline's version, e.g. `0.1.0`.
    pub version: String,
    /// The database file, as the operating system names it.
    pub db_path: String,
    /// The database's schema version; `null` when no database has been opened yet.
    pub schema_version: Option<u32>,
}

/// Reports the running version and the database it uses.
pub fn app_info(ctx: &ApiContext, _req: AppInfoRequest) -> Result<AppInfo, ApiError> {
    Ok(AppInfo {
        version: env!("CARGO_PKG_VERSION").to_owned(),
        db_path: ctx.db_path().to_string_lossy().into_owned(),
        schema_version: ctx.schema_version(),
    })
}
