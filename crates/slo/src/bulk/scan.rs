//! The one pass over the run columns: every row is sorted into a cell
//! `(journey, region, time class)` and counted as valid and as good under
//! each distinct SLI predicate. Nothing per SLO happens here; the cells are
//! small (journeys × regions × classes × predicates) and stay in cache.

use std::collections::HashMap;

use polars::prelude::{DataFrame, Int64Chunked, StringChunked};
use polars_arrow::array::Utf8ViewArray;

use super::{Options, Plan, Pred, columns};
use crate::SloError;

/// Counts per cell: `cells[((journey × regions + region) × classes + class)
/// × slots + slot]`, slot 0 = valid, slot `1 + p` = good under predicate `p`.
pub(super) struct Tally {
    /// Region names, by code.
    pub(super) regions: Vec<String>,
    pub(super) cells: Vec<Vec<u64>>,
}

impl Tally {
    /// The counters of one `(journey, region)` pair: `classes × slots`.
    pub(super) fn cell(&self, journey: usize, region: usize) -> &[u64] {
        &self.cells[journey * self.regions.len() + region]
    }
}

/// Outcome codes.
const PASS: u32 = 0;
const FAIL: u32 = 1;
const ERROR: u32 = 2;

/// String interning keyed by the Arrow view itself: a string of at most 12
/// bytes is stored inside its 16-byte view, so equal short strings have equal
/// views; longer ones decoded from one Parquet dictionary share theirs. A view
/// seen before is one multiply and one compare away from its code. Unseen
/// views fall back to the string (any two views of the same text get the same
/// code), and the cache stops growing at `CAP / 2` entries, so a column of
/// distinct long views costs a string hash per row, never unbounded memory.
struct Interner {
    slots: Vec<(u128, u32)>,
    len: usize,
    by_text: HashMap<String, u32>,
    /// Code for a text, or `None` to reject it.
    classify: fn(&str, &mut Vec<String>) -> Option<u32>,
    names: Vec<String>,
}

const CAP: usize = 1 << 13;
const EMPTY: u128 = u128::MAX;

impl Interner {
    fn new(classify: fn(&str, &mut Vec<String>) -> Option<u32>) -> Self {
        Interner {
            slots: vec![(EMPTY, 0); CAP],
            len: 0,
            by_text: HashMap::new(),
            classify,
            names: Vec::new(),
        }
    }

    #[inline]
    fn code(&mut self, arr: &Utf8ViewArray, i: usize) -> Option<u32> {
        let view = arr.views()[i].as_u128();
        let h = ((view as u64) ^ ((view >> 64) as u64)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        let mut at = (h >> (64 - 13)) as usize;
        loop {
            let (k, c) = self.slots[at];
            if k == view {
                return (c != u32::MAX).then_some(c);
            }
            if k == EMPTY {
                break;
            }
            at = (at + 1) & (CAP - 1);
        }
        let text = arr.value(i);
        let code = match self.by_text.get(text) {
            Some(&c) => c,
            None => {
                let c = (self.classify)(text, &mut self.names).unwrap_or(u32::MAX);
                self.by_text.insert(text.to_owned(), c);
                c
            }
        };
        if self.len < CAP / 2 && view != EMPTY {
            self.slots[at] = (view, code);
            self.len += 1;
        }
        (code != u32::MAX).then_some(code)
    }
}

fn outcome_code(text: &str, _: &mut Vec<String>) -> Option<u32> {
    match text {
        "pass" => Some(PASS),
        "fail" => Some(FAIL),
        "error" => Some(ERROR),
        _ => None,
    }
}

fn new_name(text: &str, names: &mut Vec<String>) -> Option<u32> {
    names.push(text.to_owned());
    Some((names.len() - 1) as u32)
}

/// The columns, checked: right types, no nulls, chunks aligned.
pub(super) struct Columns<'a> {
    journey: &'a StringChunked,
    region: &'a StringChunked,
    outcome: &'a StringChunked,
    started: &'a Int64Chunked,
    duration: &'a Int64Chunked,
}

impl<'a> Columns<'a> {
    pub(super) fn of(df: &'a DataFrame) -> Result<Self, SloError> {
        fn get<'d>(df: &'d DataFrame, name: &str) -> Result<&'d polars::prelude::Column, SloError> {
            let c = df
                .column(name)
                .map_err(|_| SloError::frame(name, None, "missing column"))?;
            if c.null_count() > 0 {
                let row = c.as_materialized_series().is_null().first_true_idx();
                return Err(SloError::frame(name, row, "null value"));
            }
            Ok(c)
        }
        let string = |name: &str| {
            get(df, name)?.str().map_err(|_| {
                SloError::frame(
                    name,
                    None,
                    format!(
                        "must be text, not {}",
                        df.column(name)
                            .map(|c| c.dtype().to_string())
                            .unwrap_or_default()
                    ),
                )
            })
        };
        let int = |name: &str| {
            get(df, name)?.i64().map_err(|_| {
                SloError::frame(
                    name,
                    None,
                    format!(
                        "must be 64-bit integers, not {}",
                        df.column(name)
                            .map(|c| c.dtype().to_string())
                            .unwrap_or_default()
                    ),
                )
            })
        };
        Ok(Columns {
            journey: string(columns::JOURNEY)?,
            region: string(columns::REGION)?,
            outcome: string(columns::OUTCOME)?,
            started: int(columns::STARTED_AT_MS)?,
            duration: int(columns::DURATION_MS)?,
        })
    }

    /// Whether every column is cut into chunks at the same rows.
    pub(super) fn aligned(&self) -> bool {
        let j: Vec<usize> = self.journey.downcast_iter().map(|a| a.len()).collect();
        j == self
            .region
            .downcast_iter()
            .map(|a| a.len())
            .collect::<Vec<_>>()
            && j == self
                .outcome
                .downcast_iter()
                .map(|a| a.len())
                .collect::<Vec<_>>()
            && j == self
                .started
                .downcast_iter()
                .map(|a| a.len())
                .collect::<Vec<_>>()
            && j == self
                .duration
                .downcast_iter()
                .map(|a| a.len())
                .collect::<Vec<_>>()
    }
}

/// One aligned chunk of every column, and the row number of its first row.
struct Chunk<'a> {
    first_row: usize,
    journey: &'a Utf8ViewArray,
    region: &'a Utf8ViewArray,
    outcome: &'a Utf8ViewArray,
    started: &'a [i64],
    duration: &'a [i64],
}

/// Counts every row of `cols` into a [`Tally`], on up to `threads` threads.
pub(super) fn tally(plan: &Plan, cols: &Columns<'_>, options: Options) -> Result<Tally, SloError> {
    let task = options.rows_per_task.max(1);
    let mut chunks = Vec::new();
    let mut first_row = 0;
    let parts = cols
        .journey
        .downcast_iter()
        .zip(cols.region.downcast_iter())
        .zip(cols.outcome.downcast_iter())
        .zip(cols.started.downcast_iter())
        .zip(cols.duration.downcast_iter());
    for ((((journey, region), outcome), started), duration) in parts {
        let len = journey.len();
        // Split big chunks so the threads get even shares.
        let mut from = 0;
        while from < len {
            let to = (from + task).min(len);
            chunks.push((
                first_row + from,
                journey,
                region,
                outcome,
                &started.values()[from..to],
                &duration.values()[from..to],
                from,
            ));
            from = to;
        }
        first_row += len;
    }
    let rows: usize = first_row;
    let threads = options.threads.clamp(1, rows.div_ceil(task).max(1));
    let per = chunks.len().div_ceil(threads).max(1);
    let partials: Vec<Result<Partial, SloError>> = std::thread::scope(|s| {
        let handles: Vec<_> = chunks
            .chunks(per)
            .map(|group| {
                s.spawn(move || {
                    let mut p = Partial::new(plan);
                    for &(first_row, journey, region, outcome, started, duration, offset) in group {
                        p.count(
                            plan,
                            &Chunk {
                                first_row,
                                journey,
                                region,
                                outcome,
                                started,
                                duration,
                            },
                            offset,
                        )?;
                    }
                    Ok(p)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join().unwrap_or_else(|_| {
                    Err(SloError::frame("", None, "a counting thread panicked"))
                })
            })
            .collect()
    });
    let mut tally = Tally {
        regions: Vec::new(),
        cells: Vec::new(),
    };
    let width = plan.cell_width();
    let mut parts = Vec::new();
    for p in partials {
        parts.push(p?);
    }
    // Region codes differ per thread: merge by name, sorted.
    let mut names: Vec<String> = parts
        .iter()
        .flat_map(|p| p.regions.names.iter().cloned())
        .collect();
    names.sort();
    names.dedup();
    let journeys = plan.journeys.len();
    tally.cells = vec![vec![0; width]; journeys * names.len()];
    for p in &parts {
        for (code, name) in p.regions.names.iter().enumerate() {
            let r = names.binary_search(name).unwrap_or_default();
            for j in 0..journeys {
                let src = &p.cells[(j * p.region_cap + code) * width..][..width];
                let dst = &mut tally.cells[j * names.len() + r];
                for (d, s) in dst.iter_mut().zip(src) {
                    *d += s;
                }
            }
        }
    }
    tally.regions = names;
    Ok(tally)
}

/// One thread's counters.
struct Partial {
    journeys: Interner,
    regions: Interner,
    outcomes: Interner,
    /// `(journey × region_cap + region) × width`, grown as regions appear.
    cells: Vec<u64>,
    region_cap: usize,
}

impl Partial {
    fn new(plan: &Plan) -> Self {
        let mut journeys = Interner::new(|_, _| None);
        // Only the journeys some SLO names get a code; rows of others skip.
        for (code, name) in plan.journeys.iter().enumerate() {
            journeys.by_text.insert(name.clone(), code as u32);
        }
        let region_cap = 4;
        Partial {
            journeys,
            regions: Interner::new(new_name),
            outcomes: Interner::new(outcome_code),
            cells: vec![0; plan.journeys.len() * region_cap * plan.cell_width()],
            region_cap,
        }
    }

    fn grow_regions(&mut self, plan: &Plan) {
        let width = plan.cell_width();
        let cap = self.region_cap * 2;
        let mut cells = vec![0; plan.journeys.len() * cap * width];
        for j in 0..plan.journeys.len() {
            let n = self.region_cap * width;
            cells[j * cap * width..][..n].copy_from_slice(&self.cells[j * n..][..n]);
        }
        self.cells = cells;
        self.region_cap = cap;
    }

    fn count(&mut self, plan: &Plan, c: &Chunk<'_>, offset: usize) -> Result<(), SloError> {
        let classes = plan.bounds.len();
        let (first, end) = (plan.bounds[0], plan.end_ms);
        for (k, (&t, &d)) in c.started.iter().zip(c.duration).enumerate() {
            if t < first || t >= end {
                continue;
            }
            let i = offset + k;
            let outcome = match self.outcomes.code(c.outcome, i) {
                Some(o) => o,
                None => {
                    return Err(SloError::frame(
                        columns::OUTCOME,
                        Some(c.first_row + k),
                        format!("{:?} is not one of pass, fail, error", c.outcome.value(i)),
                    ));
                }
            };
            if outcome == ERROR {
                continue;
            }
            let Some(j) = self.journeys.code(c.journey, i) else {
                continue;
            };
            let r = match self.regions.code(c.region, i) {
                Some(r) => r as usize,
                None => continue,
            };
            if r >= self.region_cap {
                self.grow_regions(plan);
            }
            let class = plan.bounds.iter().filter(|&&b| b <= t).count() - 1;
            debug_assert!(class < classes);
            let base = ((j as usize * self.region_cap + r) * classes + class) * plan.slots();
            let cell = &mut self.cells[base..base + plan.slots()];
            cell[0] += 1;
            let passed = outcome == PASS;
            for (slot, pred) in cell[1..].iter_mut().zip(&plan.preds) {
                *slot += u64::from(match *pred {
                    Pred::Pass => passed,
                    Pred::Fast(limit) => d <= limit,
                    Pred::PassAndFast(limit) => passed && d <= limit,
                });
            }
        }
        Ok(())
    }
}
