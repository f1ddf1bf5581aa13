//! What the caller hands every API function.

use std::path::{Path, PathBuf};

/// The facts an API function may use, chosen by its caller (the desktop shell
/// or the CLI) rather than discovered here, so tests can pass their own.
#[derive(Debug, Clone)]
pub struct ApiContext {
    db_path: PathBuf,
    schema_version: Option<u32>,
}

impl ApiContext {
    /// A context over the database at `db_path`, whose schema version is
    /// `schema_version` (`None` while the database has not been opened or
    /// does not exist yet).
    pub fn new(db_path: impl Into<PathBuf>, schema_version: Option<u32>) -> Self {
        Self {
            db_path: db_path.into(),
            schema_version,
        }
    }

    /// Where the database lives.
    pub fn db_path(&self) -> &Path {
        &self.db_path
    }

    /// The database's schema version, if it is known.
    pub fn schema_version(&self) -> Option<u32> {
        self.schema_version
    }
}
