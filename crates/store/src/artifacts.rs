//! A content-addressed folder for screenshots, HAR files and other run output.
//!
//! A file is named by the SHA-256 of its bytes (`ab/cdef…`), so the same
//! screenshot taken twice is stored once, and a name in the database can never
//! point at different bytes. Writes go to a temporary file that is synced and
//! renamed into place, so a crash never leaves a half-written artifact under
//! its final name.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::{Result, StoreError};

/// The artifact folder beside a database.
#[derive(Debug, Clone)]
pub struct ArtifactStore {
    root: PathBuf,
}

impl ArtifactStore {
    /// A store rooted at `root` (created on first write).
    pub fn new(root: PathBuf) -> Self {
        Self { root }
    }

    /// The folder.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Where the file with this hash lives (whether or not it exists).
    pub fn path_of(&self, sha256: &str) -> PathBuf {
        let split = sha256.len().min(2);
        self.root.join(&sha256[..split]).join(&sha256[split..])
    }

    /// Stores `bytes` and returns their hex SHA-256.
    pub fn put(&self, bytes: &[u8]) -> Result<String> {
        let hash = hex::encode(Sha256::digest(bytes));
        let dest = self.path_of(&hash);
        if dest.exists() {
            return Ok(hash);
        }
        let dir = dest.parent().unwrap_or(&self.root).to_owned();
        fs::create_dir_all(&dir).map_err(|e| StoreError::io(&dir, e))?;
        let tmp = dir.join(format!(".{hash}.{}.tmp", std::process::id()));
        let mut file = fs::File::create(&tmp).map_err(|e| StoreError::io(&tmp, e))?;
        file.write_all(bytes).map_err(|e| StoreError::io(&tmp, e))?;
        file.sync_all().map_err(|e| StoreError::io(&tmp, e))?;
        fs::rename(&tmp, &dest).map_err(|e| StoreError::io(&dest, e))?;
        Ok(hash)
    }

    /// Reads a stored file back, checking that its bytes still match its name.
    pub fn get(&self, sha256: &str) -> Result<Vec<u8>> {
        let path = self.path_of(sha256);
        let bytes = fs::read(&path).map_err(|e| StoreError::io(&path, e))?;
        let actual = hex::encode(Sha256::digest(&bytes));
        if actual != sha256 {
            return Err(StoreError::Corrupt {
                path,
                detail: format!("artifact content hashes to {actual}"),
            });
        }
        Ok(bytes)
    }

    /// Total bytes and file count under the folder (0 when it does not exist).
    pub fn usage(&self) -> Result<(u64, u64)> {
        fn walk(dir: &Path, acc: &mut (u64, u64)) -> std::io::Result<()> {
            for entry in fs::read_dir(dir)? {
                let entry = entry?;
                let meta = entry.metadata()?;
                if meta.is_dir() {
                    walk(&entry.path(), acc)?;
                } else {
                    acc.0 += meta.len();
                    acc.1 += 1;
                }
            }
            Ok(())
        }
        let mut acc = (0, 0);
        match walk(&self.root, &mut acc) {
            Ok(()) => Ok(acc),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok((0, 0)),
            Err(e) => Err(StoreError::io(&self.root, e)),
        }
    }
}
