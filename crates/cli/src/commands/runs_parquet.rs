//! Reading Parquet run files (and Parquet step files) into the same raw rows
//! as CSV and JSON Lines, so every value goes through the same checks.
//!
//! Parquet has no lines: a bad row is named by its row number, counting from
//! 1 (the first data row is row 1). Columns are read by name; text, integer
//! and floating-point columns are all accepted and turned into text before
//! the shared parsing (`started_at` as epoch milliseconds or RFC 3339,
//! `duration_ms` as a whole number; a whole float such as 1200.0 reads as
//! 1200). Parquet timestamp columns are not read yet. A column of another type (a binary or a
//! nested column, say) is refused by name.

use std::collections::HashMap;
use std::io::Cursor;

use polars::prelude::{DataFrame, DataType, ParquetReader, SerReader};

use super::runs_read::{BadRow, RawRow, RawStep, Rows, StepRow};
use crate::exit::Refused;

/// The columns of a frame read as text, by name; nulls are `None`.
struct TextColumns {
    rows: usize,
    cols: HashMap<&'static str, Vec<Option<String>>>,
}

impl TextColumns {
    fn read(
        file: &str,
        bytes: &[u8],
        required: &[&'static str],
        optional: &[&'static str],
    ) -> Result<Self, Refused> {
        let df: DataFrame = ParquetReader::new(Cursor::new(bytes))
            .finish()
            .map_err(|e| {
                let e = e.to_string();
                let hint = if e.contains("Timestamp") {
                    " (Parquet timestamp columns are not read yet: write started_at as int64 \
                     epoch milliseconds or as RFC 3339 text)"
                } else {
                    ""
                };
                Refused(format!("{file}: not a readable Parquet file: {e}{hint}"))
            })?;
        let missing: Vec<&str> = required
            .iter()
            .copied()
            .filter(|c| df.column(c).is_err())
            .collect();
        if !missing.is_empty() {
            return Err(Refused(format!(
                "{file}: schema: missing column{} {}",
                if missing.len() == 1 { "" } else { "s" },
                missing.join(", ")
            )));
        }
        let mut cols = HashMap::new();
        for &name in required.iter().chain(optional) {
            let Ok(col) = df.column(name) else { continue };
            let dtype = col.dtype().clone();
            let readable = dtype.is_primitive_numeric() || matches!(dtype, DataType::String);
            let text = if readable {
                col.cast(&DataType::String).ok()
            } else {
                None
            };
            let Some(text) = text else {
                return Err(Refused(format!(
                    "{file}: schema: column {name}: type {dtype} cannot be read; use text or integers"
                )));
            };
            if dtype.is_float() {
                // Whole floats (1200.0) are whole numbers; others stay as
                // they are and are refused by the shared checks.
                let floats = col
                    .cast(&DataType::Float64)
                    .map_err(|e| Refused(format!("{file}: column {name}: {e}")))?;
                let values = floats
                    .f64()
                    .map_err(|e| Refused(format!("{file}: column {name}: {e}")))?
                    .downcast_iter()
                    .flat_map(|arr| {
                        arr.iter().map(|v| {
                            v.map(|&f| {
                                if f.fract() == 0.0 && f.abs() < 9.0e15 {
                                    format!("{}", f as i64)
                                } else {
                                    f.to_string()
                                }
                            })
                        })
                    })
                    .collect();
                cols.insert(name, values);
                continue;
            }
            let values = text
                .str()
                .map_err(|e| Refused(format!("{file}: column {name}: {e}")))?
                .downcast_iter()
                .flat_map(|arr| arr.iter().map(|v| v.map(str::to_owned)))
                .collect();
            cols.insert(name, values);
        }
        Ok(TextColumns {
            rows: df.height(),
            cols,
        })
    }

    /// The value at `row`, `None` when the column is absent or the value null.
    fn get(&self, name: &str, row: usize) -> Option<String> {
        self.cols.get(name).and_then(|c| c[row].clone())
    }

    /// The value at `row`, or empty text (which the checks call "required").
    fn text(&self, name: &str, row: usize) -> String {
        self.get(name, row).unwrap_or_default()
    }
}

/// Reads a Parquet file of runs. An optional `steps` column is not read:
/// step rows come from a second Parquet file given with `--steps`.
pub(super) fn read_parquet(file: &str, bytes: &[u8]) -> Result<(Rows, Vec<BadRow>), Refused> {
    let t = TextColumns::read(
        file,
        bytes,
        &["journey", "region", "started_at", "duration_ms", "outcome"],
        &["run_id", "error_class"],
    )?;
    let rows = (0..t.rows)
        .map(|i| {
            (
                i as u64 + 1,
                RawRow {
                    run_id: t.get("run_id", i),
                    journey: t.text("journey", i),
                    region: t.text("region", i),
                    started_at: t.text("started_at", i),
                    duration_ms: t.text("duration_ms", i),
                    outcome: t.text("outcome", i),
                    error_class: t.get("error_class", i),
                    steps: Vec::new(),
                },
            )
        })
        .collect();
    Ok((rows, Vec::new()))
}

/// Reads a Parquet file of step rows (`run_id, name, duration_ms, outcome`,
/// optional `error_class`, `kind`), in file order.
pub(super) fn read_parquet_steps(file: &str, bytes: &[u8]) -> Result<Vec<StepRow>, Refused> {
    let t = TextColumns::read(
        file,
        bytes,
        &["run_id", "name", "duration_ms", "outcome"],
        &["error_class", "kind"],
    )?;
    Ok((0..t.rows)
        .map(|i| StepRow {
            line: i as u64 + 1,
            run_id: t.text("run_id", i),
            step: RawStep {
                name: t.text("name", i),
                kind: t.get("kind", i).filter(|k| !k.is_empty()),
                duration_ms: t.text("duration_ms", i),
                outcome: t.text("outcome", i),
                error_class: t.get("error_class", i),
            },
        })
        .collect())
}
