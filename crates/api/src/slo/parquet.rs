//! SLO status straight from a Parquet file of run rows, without importing it
//! (`sightline slo status --runs FILE`): the engine's bulk path fed row group
//! by row group.
//!
//! The file has the columns of `sightline runs import`: `journey`, `region`,
//! `outcome` (text), `started_at` as epoch milliseconds (integers; a column
//! named `started_at_ms` is taken as well) and `duration_ms` (integers).
//! Other columns are not read. Each thread takes the next row group not yet
//! taken, reads it into a small frame, counts it and drops
//! it, so memory holds a few row groups, not the file. Errors name the file,
//! the column and the row (counting from 1).

use std::collections::BTreeMap;
use std::fs::File;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

use polars::prelude::{
    DataFrame, DataType, ParallelStrategy, ParquetReader, PlSmallStr, SerReader,
};
use sightline_slo::SloConfig;
use sightline_slo::bulk::{BulkStatus, Counter, columns};

use crate::ApiError;

/// The names `started_at` may have in the file, in order of preference.
const STARTED: [&str; 2] = ["started_at", columns::STARTED_AT_MS];

/// Every SLO's status at `at_ms` over the runs in the Parquet file at
/// `path`, counted on up to `threads` threads.
pub fn status_from_parquet(
    path: &Path,
    configs: &[SloConfig],
    journey_tags: &BTreeMap<String, Vec<String>>,
    at_ms: i64,
    threads: usize,
) -> Result<Vec<BulkStatus>, ApiError> {
    let name = path.display().to_string();
    let bad = |m: String| ApiError::BadInput(format!("{name}: {m}"));
    let open = || File::open(path).map_err(|e| bad(e.to_string()));
    let mut reader = ParquetReader::new(open()?);
    let meta = reader
        .get_metadata()
        .map_err(|e| bad(format!("not a readable Parquet file: {e}")))?
        .clone();
    let schema = reader
        .schema()
        .map_err(|e| bad(format!("not a readable Parquet file: {e}")))?;
    let started = STARTED
        .into_iter()
        .find(|c| schema.get(c).is_some())
        .ok_or_else(|| bad("schema: missing column started_at".into()))?;
    let wanted = [
        columns::JOURNEY,
        columns::REGION,
        columns::OUTCOME,
        started,
        columns::DURATION_MS,
    ];
    let missing: Vec<&str> = wanted
        .iter()
        .copied()
        .filter(|c| schema.get(c).is_none())
        .collect();
    if !missing.is_empty() {
        return Err(bad(format!(
            "schema: missing column {}",
            missing.join(", ")
        )));
    }
    let counter = Counter::new(configs, journey_tags, at_ms)?;
    // Row groups as (first row, rows).
    let mut groups = Vec::with_capacity(meta.row_groups.len());
    let mut first = 0;
    for rg in &meta.row_groups {
        groups.push((first, rg.num_rows()));
        first += rg.num_rows();
    }
    let threads = threads.clamp(1, groups.len().max(1));
    let next = AtomicUsize::new(0);
    let results: Vec<Result<Counter, ApiError>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                let mut fork = counter.fork();
                let groups = &groups;
                let meta = meta.clone();
                let bad = &bad;
                let next = &next;
                s.spawn(move || {
                    // Row groups are taken one at a time, so a thread held up
                    // by the OS does not leave the others idle at the end.
                    while let Some(&(first, rows)) =
                        groups.get(next.fetch_add(1, Ordering::Relaxed))
                    {
                        let mut reader = ParquetReader::new(open()?)
                            .with_columns(Some(wanted.iter().map(|c| (*c).to_owned()).collect()))
                            .with_slice(Some((first, rows)))
                            .read_parallel(ParallelStrategy::None);
                        reader.set_metadata(meta.clone());
                        let df = reader.finish().map_err(|e| {
                            bad(format!("rows {}-{}: {e}", first + 1, first + rows))
                        })?;
                        let df = normalise(df, started).map_err(bad)?;
                        fork.add(&df, first).map_err(|e| bad(e.to_string()))?;
                    }
                    Ok(fork)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join().unwrap_or_else(|_| {
                    Err(ApiError::BadInput(format!(
                        "{name}: a reader thread panicked"
                    )))
                })
            })
            .collect()
    });
    let mut counter = counter;
    for fork in results {
        counter.merge(fork?);
    }
    Ok(counter.finish())
}

/// The bulk path's column names and types: `started_at` renamed, integer
/// columns widened to i64.
fn normalise(mut df: DataFrame, started: &str) -> Result<DataFrame, String> {
    if started != columns::STARTED_AT_MS {
        df.rename(started, PlSmallStr::from_static(columns::STARTED_AT_MS))
            .map_err(|e| e.to_string())?;
    }
    for name in [columns::STARTED_AT_MS, columns::DURATION_MS] {
        let col = df.column(name).map_err(|e| e.to_string())?;
        let dtype = col.dtype().clone();
        if dtype == DataType::Int64 {
            continue;
        }
        let shown = if name == columns::STARTED_AT_MS {
            started
        } else {
            name
        };
        if !dtype.is_integer() {
            return Err(format!(
                "column {shown}: type {dtype} cannot be read here; use integer epoch milliseconds \
                 (or `sightline runs import`, which also takes RFC 3339 text)"
            ));
        }
        let wide = col.cast(&DataType::Int64).map_err(|e| e.to_string())?;
        df.replace(name, wide).map_err(|e| e.to_string())?;
    }
    Ok(df)
}
