//! The one pass over the run columns: every row is sorted into a cell
//! `(journey, region, time class)` and counted as valid and as good under
//! each distinct SLI predicate of that journey. Nothing per SLO happens here; the cells are
//! small (journeys × regions × classes × predicates) and stay in cache.

use std::collections::HashMap;

use polars::prelude::{DataFrame, Int64Chunked, StringChunked};
use polars_arrow::array::{Utf8ViewArray, View};

use super::{Plan, Pred, columns};
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

/// The views of `pass`, `fail` and `error`: strings this short live inside
/// their 16-byte view, so an outcome is three compares, no lookup.
fn outcome_views() -> [u128; 3] {
    [b"pass".as_slice(), b"fail", b"error"].map(|b| View::new_inline(b).as_u128())
}

/// String interning keyed by the Arrow view itself: a string of at most 12
/// bytes is stored inside its 16-byte view, so equal short strings have equal
/// views; longer ones decoded from one Parquet dictionary share theirs. A view
/// seen before is one multiply and one compare away from its code. Unseen
/// views fall back to the string (any two views of the same text get the same
/// code), and the cache stops growing at `CAP / 2` entries, so a column of
/// distinct long views costs a string hash per row, never unbounded memory.
pub(super) struct Interner {
    keys: Box<[u128; CAP]>,
    codes: Box<[u32; CAP]>,
    len: usize,
    by_text: HashMap<String, u32>,
    /// Give new texts a code (regions) or none (journeys: only known ones count).
    open: bool,
    names: Vec<String>,
}

const CAP: usize = 1 << 12;
const EMPTY: u128 = u128::MAX;
/// The code of a text that does not count (a journey no SLO names).
const SKIP: u32 = u32::MAX;

impl Interner {
    fn new(open: bool) -> Self {
        Interner {
            keys: Box::new([EMPTY; CAP]),
            codes: Box::new([0; CAP]),
            len: 0,
            by_text: HashMap::new(),
            open,
            names: Vec::new(),
        }
    }

    #[inline(always)]
    fn code(&mut self, arr: &Utf8ViewArray, i: usize, view: u128) -> u32 {
        let h = ((view as u64) ^ ((view >> 64) as u64)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        let at = (h >> 52) as usize & (CAP - 1);
        if self.keys[at] == view {
            return self.codes[at];
        }
        self.miss(arr, i, view, at)
    }

    #[cold]
    #[inline(never)]
    fn miss(&mut self, arr: &Utf8ViewArray, i: usize, view: u128, mut at: usize) -> u32 {
        while self.keys[at] != EMPTY {
            if self.keys[at] == view {
                return self.codes[at];
            }
            at = (at + 1) & (CAP - 1);
        }
        let text = arr.value(i);
        let code = match self.by_text.get(text) {
            Some(&c) => c,
            None if self.open => {
                self.names.push(text.to_owned());
                let c = (self.names.len() - 1) as u32;
                self.by_text.insert(text.to_owned(), c);
                c
            }
            None => SKIP,
        };
        if self.len < CAP / 2 && view != EMPTY {
            self.keys[at] = view;
            self.codes[at] = code;
            self.len += 1;
        }
        code
    }
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
}

/// A run of rows of every column, and the row number of its first row.
pub(super) struct Chunk<'a> {
    first_row: usize,
    /// Index of the first row inside the arrays.
    offset: usize,
    journey: &'a Utf8ViewArray,
    region: &'a Utf8ViewArray,
    outcome: &'a Utf8ViewArray,
    started: &'a [i64],
    duration: &'a [i64],
}

impl<'a> Columns<'a> {
    /// The rows in order, cut at chunk boundaries and every `max_len` rows;
    /// `first_row` numbers the first.
    pub(super) fn chunks(
        &self,
        first_row: usize,
        max_len: usize,
    ) -> impl Iterator<Item = Chunk<'a>> {
        let parts = self
            .journey
            .downcast_iter()
            .zip(self.region.downcast_iter())
            .zip(self.outcome.downcast_iter())
            .zip(self.started.downcast_iter())
            .zip(self.duration.downcast_iter());
        let mut next_row = first_row;
        parts.flat_map(move |((((journey, region), outcome), started), duration)| {
            let len = journey.len();
            let base = next_row;
            next_row += len;
            let step = max_len.max(1);
            (0..len).step_by(step).map(move |from| {
                let to = from.saturating_add(step).min(len);
                Chunk {
                    first_row: base + from,
                    offset: from,
                    journey,
                    region,
                    outcome,
                    started: &started.values()[from..to],
                    duration: &duration.values()[from..to],
                }
            })
        })
    }
}

/// One counter's cells: `(journey × region_cap + region) × width`, grown as
/// regions appear (codes in order of first sight).
pub(super) struct Partial {
    journeys: Interner,
    regions: Interner,
    cells: Vec<u64>,
    region_cap: usize,
}

impl Partial {
    pub(super) fn new(plan: &Plan) -> Self {
        let mut journeys = Interner::new(false);
        // Only the journeys some SLO names get a code; rows of others skip.
        for (code, name) in plan.journeys.iter().enumerate() {
            journeys.by_text.insert(name.clone(), code as u32);
        }
        let region_cap = 4;
        Partial {
            journeys,
            regions: Interner::new(true),
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

    fn region_code(&mut self, plan: &Plan, name: &str) -> usize {
        let code = match self.regions.by_text.get(name) {
            Some(&c) => c as usize,
            None => {
                self.regions.names.push(name.to_owned());
                let c = self.regions.names.len() - 1;
                self.regions.by_text.insert(name.to_owned(), c as u32);
                c
            }
        };
        while code >= self.region_cap {
            self.grow_regions(plan);
        }
        code
    }

    /// Adds `other`'s counts, matching regions by name.
    pub(super) fn merge(&mut self, plan: &Plan, other: Partial) {
        let width = plan.cell_width();
        for (code, name) in other.regions.names.iter().enumerate() {
            let r = self.region_code(plan, name);
            for j in 0..plan.journeys.len() {
                let src = &other.cells[(j * other.region_cap + code) * width..][..width];
                let dst = &mut self.cells[(j * self.region_cap + r) * width..][..width];
                for (d, s) in dst.iter_mut().zip(src) {
                    *d += s;
                }
            }
        }
    }

    /// The cells with regions sorted by name.
    pub(super) fn into_tally(self, plan: &Plan) -> Tally {
        let width = plan.cell_width();
        let mut order: Vec<usize> = (0..self.regions.names.len()).collect();
        order.sort_by(|&a, &b| self.regions.names[a].cmp(&self.regions.names[b]));
        let mut cells = Vec::with_capacity(plan.journeys.len() * order.len());
        for j in 0..plan.journeys.len() {
            for &code in &order {
                cells.push(self.cells[(j * self.region_cap + code) * width..][..width].to_vec());
            }
        }
        Tally {
            regions: order
                .iter()
                .map(|&c| self.regions.names[c].clone())
                .collect(),
            cells,
        }
    }

    pub(super) fn count(&mut self, plan: &Plan, c: &Chunk<'_>) -> Result<(), SloError> {
        let classes = plan.bounds.len();
        let slots = plan.slots();
        let (first, end) = (plan.bounds[0], plan.end_ms);
        // Most rows are older than every window but the longest: class 0.
        let second = plan.bounds.get(1).copied().unwrap_or(i64::MAX);
        let [pass, fail, error] = outcome_views();
        let (jv, rv, ov) = (c.journey.views(), c.region.views(), c.outcome.views());
        for (k, (&t, &d)) in c.started.iter().zip(c.duration).enumerate() {
            if t < first || t >= end {
                continue;
            }
            let i = c.offset + k;
            let o = ov[i].as_u128();
            let outcome = if o == pass {
                PASS
            } else if o == fail {
                FAIL
            } else if o == error {
                ERROR
            } else {
                return Err(SloError::frame(
                    columns::OUTCOME,
                    Some(c.first_row + k),
                    format!("{:?} is not one of pass, fail, error", c.outcome.value(i)),
                ));
            };
            if outcome == ERROR {
                continue;
            }
            let j = self.journeys.code(c.journey, i, jv[i].as_u128());
            if j == SKIP {
                continue;
            }
            let mut r = self.regions.code(c.region, i, rv[i].as_u128()) as usize;
            if r >= self.region_cap {
                r = self.region_code(plan, c.region.value(i));
            }
            let class = if t < second {
                0
            } else {
                plan.bounds.iter().filter(|&&b| b <= t).count() - 1
            };
            debug_assert!(class < classes);
            let base = ((j as usize * self.region_cap + r) * classes + class) * slots;
            let cell = &mut self.cells[base..base + slots];
            cell[0] += 1;
            let passed = outcome == PASS;
            for (slot, pred) in cell[1..].iter_mut().zip(&plan.preds[j as usize]) {
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
