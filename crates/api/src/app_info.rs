//! `app_info`: which Sightline is running, and on which database.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use sightline_store::{Store, StoreError};

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
    /// The database's schema version (its newest migration, e.g.
    /// `20261125100000`); `null` while the file does not exist yet.
    #[ts(type = "number | null")]
    pub schema_version: Option<i64>,
}

/// Reports the running version and the database it uses. Reads the database
/// without writing to it; a file Sightline refuses is reported as an error.
pub fn app_info(ctx: &ApiContext, _req: AppInfoRequest) -> Result<AppInfo, ApiError> {
    let schema_version = match Store::open_read_only(ctx.db_path()) {
        Ok(store) => store.schema_version()?,
        Err(StoreError::Missing { .. }) => None,
        Err(e) => return Err(e.into()),
    };
    Ok(AppInfo {
        version: env!("CARGO_PKG_VERSION").to_owned(),
        db_path: ctx.db_path().to_string_lossy().into_owned(),
        schema_version,
    })
}
