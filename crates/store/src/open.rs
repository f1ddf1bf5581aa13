//! Opening a database file safely.
//!
//! Before SQLite is allowed to write anything, the file is probed read-only:
//! the header must be SQLite's, the page count it declares must fit in the
//! file, the schema must be readable, and its version must not be newer than
//! ours. Only then is it opened for writing. That way a stray file passed as
//! `--db`, a truncated copy or a newer database is refused with its bytes
//! unchanged. Corruption deeper in the file is found by `sightline db check`
//! (a full `integrity_check`, which is too slow to run on every open).

use std::fs::File;
use std::io::Read;
use std::path::Path;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use rusqlite::{Connection, OpenFlags};

use crate::{Result, StoreError, migrate};

const SQLITE_MAGIC: &[u8; 16] = b"SQLite format 3\0";
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// Checks the file header without SQLite. `Ok(false)` means there is no file
/// (or an empty one), which SQLite treats as a new database.
fn check_header(path: &Path) -> Result<bool> {
    let mut file = match File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(false),
        Err(e) => return Err(StoreError::io(path, e)),
    };
    let len = file.metadata().map_err(|e| StoreError::io(path, e))?.len();
    if len == 0 {
        return Ok(false);
    }
    let mut header = [0u8; 100];
    let mut read = 0;
    while read < header.len() {
        match file.read(&mut header[read..]) {
            Ok(0) => break,
            Ok(n) => read += n,
            Err(e) => return Err(StoreError::io(path, e)),
        }
    }
    if read < header.len() || &header[..16] != SQLITE_MAGIC {
        return Err(StoreError::NotADatabase {
            path: path.to_owned(),
        });
    }
    // Page size 1 means 65536. The in-header page count is trustworthy when the
    // "version-valid-for" number matches the change counter (SQLite >= 3.7.0).
    let raw_page = u32::from(u16::from_be_bytes([header[16], header[17]]));
    let page_size = if raw_page == 1 { 65536 } else { raw_page };
    if !(512..=65536).contains(&page_size) || !page_size.is_power_of_two() {
        return Err(StoreError::Corrupt {
            path: path.to_owned(),
            detail: format!("invalid page size {page_size} in header"),
        });
    }
    let change_counter = &header[24..28];
    let valid_for = &header[92..96];
    let page_count = u32::from_be_bytes([header[28], header[29], header[30], header[31]]);
    let wal_exists = sibling(path, "-wal").exists();
    if change_counter == valid_for
        && !wal_exists
        && u64::from(page_count) * u64::from(page_size) > len
    {
        return Err(StoreError::Corrupt {
            path: path.to_owned(),
            detail: format!(
                "header declares {page_count} pages of {page_size} bytes but the file has {len} bytes (truncated?)"
            ),
        });
    }
    Ok(true)
}

/// `sightline.db` + `-wal` -> `sightline.db-wal`, SQLite's naming for side files.
pub(crate) fn sibling(path: &Path, suffix: &str) -> std::path::PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    name.into()
}

/// Reads the schema with a read-only connection. Returns the connection.
fn probe(path: &Path) -> Result<Connection> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|e| StoreError::classify(path, e))?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| {
        r.get::<_, i64>(0)
    })
    .map_err(|e| StoreError::classify(path, e))?;
    let version = migrate::current_version(&conn).map_err(|e| StoreError::classify(path, e))?;
    migrate::ensure_not_newer(path, version)?;
    Ok(conn)
}

/// Opens an existing file read-only after the header and schema checks.
pub(crate) fn read_only(path: &Path) -> Result<Connection> {
    if !check_header(path)? {
        return Err(StoreError::Missing {
            path: path.to_owned(),
        });
    }
    probe(path)
}

/// Opens (or creates) a file for writing after the checks, sets the pragmas
/// and applies pending migrations.
pub(crate) fn read_write(path: &Path) -> Result<Connection> {
    if check_header(path)? {
        drop(probe(path)?);
    } else if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(|e| StoreError::io(parent, e))?;
    }
    let mut conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|e| StoreError::classify(path, e))?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    // Room for every statement the store prepares, including one multi-row
    // step insert per chunk size, so none is re-prepared on a hot path.
    conn.set_prepared_statement_cache_capacity(64);
    let mode: String = conn
        .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))
        .map_err(|e| StoreError::classify(path, e))?;
    if !mode.eq_ignore_ascii_case("wal") {
        tracing::warn!(path = %path.display(), mode, "could not switch the database to WAL mode");
    }
    // FULL: a transaction reported committed survives power loss too, not
    // only a process crash. Batched writers amortise the extra fsync.
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    // A 32 MiB page cache keeps the index pages of a busy month in memory.
    conn.pragma_update(None, "cache_size", -32768)?;
    conn.pragma_update(None, "temp_store", "MEMORY")?;
    let applied = migrate::apply_pending(&mut conn, path, unix_ms_now())?;
    if applied > 0 {
        tracing::info!(path = %path.display(), applied, "database migrated");
    }
    Ok(conn)
}

/// Wall-clock time for bookkeeping columns (`applied_at_ms`) only; anything the
/// engines compute with takes its time as an argument instead.
fn unix_ms_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}
