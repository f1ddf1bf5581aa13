//! One module per table. Each takes a connection or transaction, so callers
//! choose the transaction boundaries.

pub mod artifacts;
pub mod events;
pub mod run_list;
pub mod runs;
pub mod sli;

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
