//! Where the database and its artifacts live.

use std::path::{Path, PathBuf};

/// The environment variable that overrides the database path.
pub const DB_ENV: &str = "SIGHTLINE_DB";

/// The default database: `<data dir>/sightline/sightline.db`, e.g.
/// `~/.local/share/sightline/sightline.db` on Linux.
pub fn default_db_path() -> PathBuf {
    let base = dirs::data_dir()
        .or_else(|| dirs::home_dir().map(|h| h.join(".local/share")))
        .unwrap_or_else(|| PathBuf::from("."));
    base.join("sightline").join("sightline.db")
}

/// Picks the database path: an explicit `--db`, then `SIGHTLINE_DB`, then the default.
pub fn resolve_db_path(explicit: Option<&Path>, env_value: Option<&str>) -> PathBuf {
    match (explicit, env_value) {
        (Some(p), _) => p.to_owned(),
        (None, Some(v)) if !v.is_empty() => PathBuf::from(v),
        _ => default_db_path(),
    }
}

/// The content-addressed artifact folder that sits beside a database:
/// `sightline.db` keeps its files in `sightline.artifacts/`.
pub fn artifacts_dir_for(db_path: &Path) -> PathBuf {
    let stem = db_path
        .file_stem()
        .map_or_else(|| "sightline".into(), |s| s.to_owned());
    let mut name = stem;
    name.push(".artifacts");
    db_path.with_file_name(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn explicit_beats_env_beats_default() {
        let p = resolve_db_path(Some(Path::new("/a.db")), Some("/b.db"));
        assert_eq!(p, PathBuf::from("/a.db"));
        assert_eq!(resolve_db_path(None, Some("/b.db")), PathBuf::from("/b.db"));
        assert_eq!(resolve_db_path(None, Some("")), default_db_path());
        assert!(default_db_path().ends_with("sightline/sightline.db"));
    }

    #[test]
    fn artifacts_sit_beside_the_database() {
        assert_eq!(
            artifacts_dir_for(Path::new("/x/y/sightline.db")),
            PathBuf::from("/x/y/sightline.artifacts")
        );
    }
}
