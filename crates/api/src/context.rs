//! What the caller hands every API function.

use std::path::{Path, PathBuf};

/// The facts an API function may use, chosen by its caller (the desktop shell
/// or the CLI) rather than discovered here, so tests can pass their own.
#[derive(Debug, Clone)]
pub struct ApiContext {
    db_path: PathBuf,
}

impl ApiContext {
    /// A context over the database at `db_path`. Nothing is opened until a
    /// function needs it, and a missing file is never created by a read.
    pub fn new(db_path: impl Into<PathBuf>) -> Self {
        Self {
            db_path: db_path.into(),
        }
    }

    /// Where the database lives.
    pub fn db_path(&self) -> &Path {
        &self.db_path
    }
}
