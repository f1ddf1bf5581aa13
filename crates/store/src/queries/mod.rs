//! One module per table. Each takes a connection or transaction, so callers
//! choose the transaction boundaries.

pub mod alerts;
pub mod artifacts;
pub mod catalog;
pub mod events;
pub mod incidents;
pub mod logs;
pub mod metrics;
pub mod outbox;
pub mod policy;
pub mod run_list;
pub mod runs;
pub mod sli;
pub mod spans;

use crate::StoreError;

/// Decodes a 16-byte id column.
pub(crate) fn id_bytes(
    table: &'static str,
    column: &'static str,
    v: Vec<u8>,
) -> Result<[u8; 16], StoreError> {
    <[u8; 16]>::try_from(v.as_slice()).map_err(|_| StoreError::Decode {
        table,
        column,
        reason: format!("expected 16 bytes, found {}", v.len()),
    })
}

/// Decodes a text column through `FromStr`, naming table and column on error.
pub(crate) fn parse_col<T>(
    table: &'static str,
    column: &'static str,
    v: &str,
) -> Result<T, StoreError>
where
    T: std::str::FromStr,
    T::Err: std::fmt::Display,
{
    v.parse().map_err(|e: T::Err| StoreError::Decode {
        table,
        column,
        reason: e.to_string(),
    })
}

/// `INSERT INTO table (cols) VALUES (?,..),(?,..) [suffix]` for `rows` rows.
/// Telemetry writes use one statement per fixed-size chunk of rows: SQLite
/// parses and plans once per statement, so fewer, wider statements are what
/// make 100k spans/s possible on two cores.
pub(crate) fn multi_row_insert_sql(
    table: &str,
    cols: &[&str],
    rows: usize,
    suffix: &str,
) -> String {
    let mut sql = format!("INSERT INTO {table} ({}) VALUES ", cols.join(", "));
    let mut n = 0;
    for r in 0..rows {
        if r > 0 {
            sql.push(',');
        }
        sql.push('(');
        for c in 0..cols.len() {
            if c > 0 {
                sql.push(',');
            }
            n += 1;
            sql.push('?');
            sql.push_str(&n.to_string());
        }
        sql.push(')');
    }
    if !suffix.is_empty() {
        sql.push(' ');
        sql.push_str(suffix);
    }
    sql
}

/// A JSON column decoded, naming table and column on error.
pub(crate) fn json_col<T: serde::de::DeserializeOwned>(
    table: &'static str,
    column: &'static str,
    text: &str,
) -> Result<T, StoreError> {
    serde_json::from_str(text).map_err(|e| StoreError::Decode {
        table,
        column,
        reason: e.to_string(),
    })
}

/// A value encoded as a JSON column.
pub(crate) fn to_json_col<T: serde::Serialize>(
    table: &'static str,
    column: &'static str,
    value: &T,
) -> Result<String, StoreError> {
    serde_json::to_string(value).map_err(|e| StoreError::Decode {
        table,
        column,
        reason: e.to_string(),
    })
}
