//! Good/valid counts over any time range, updated in `O(log n)`.
//!
//! The bulk of a range is answered from a Fenwick tree of per-minute
//! `(valid, good)` counts; the partial minutes at either edge are answered
//! exactly from the sorted events. This is what makes the engine
//! incremental: a new (even late) result touches one minute bucket, and no
//! window is ever recomputed from its events.

use std::collections::BTreeMap;

use serde::Serialize;
use sightline_core::RunId;

use crate::MINUTE_MS;

/// Valid and good event counts over a range.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// Events that count (pass or fail, inside the filter).
    pub valid: u64,
    /// Valid events that were good.
    pub good: u64,
}

impl Counts {
    /// Valid events that were bad.
    pub fn bad(&self) -> u64 {
        self.valid - self.good
    }

    /// good / valid, or `None` when there is nothing to measure (never 100%).
    pub fn ratio(&self) -> Option<f64> {
        (self.valid > 0).then(|| self.good as f64 / self.valid as f64)
    }

    /// bad / valid, or `None` without valid events.
    pub fn error_ratio(&self) -> Option<f64> {
        (self.valid > 0).then(|| self.bad() as f64 / self.valid as f64)
    }

    fn add(&mut self, good: bool) {
        self.valid += 1;
        self.good += u64::from(good);
    }
}

/// Minutes kept free before the first bucket, for slightly late events.
const EDGE_SLACK: i64 = 64;
/// Buckets of a new index with no expected span.
const INITIAL_LEN: usize = 1024;

/// A Fenwick tree over minute buckets that grows at either end as needed.
#[derive(Clone, Debug, Default)]
struct MinuteIndex {
    /// The minute number (Unix minutes) of bucket 0.
    base: i64,
    /// Raw per-bucket `[valid, good]`, kept to rebuild the tree on growth.
    raw: Vec<[i64; 2]>,
    /// Fenwick tree, 1-based, over `raw`.
    tree: Vec<[i64; 2]>,
}

impl MinuteIndex {
    /// An index already covering minutes `[from, to]` (and some slack), so
    /// filling it with that range's history never regrows it.
    fn covering(from: i64, to: i64) -> Self {
        let len = ((to - from).max(0) + 1 + 2 * EDGE_SLACK) as usize;
        let len = len.max(INITIAL_LEN);
        MinuteIndex {
            base: from - EDGE_SLACK,
            raw: vec![[0, 0]; len],
            tree: vec![[0, 0]; len + 1],
        }
    }

    fn add(&mut self, minute: i64, dv: i64, dg: i64) {
        if self.raw.is_empty() {
            self.base = minute - EDGE_SLACK;
            self.raw = vec![[0, 0]; INITIAL_LEN];
            self.tree = vec![[0, 0]; INITIAL_LEN + 1];
        }
        if minute < self.base || minute >= self.base + self.raw.len() as i64 {
            self.grow_to(minute);
        }
        let i = (minute - self.base) as usize;
        self.raw[i][0] += dv;
        self.raw[i][1] += dg;
        let mut k = i + 1;
        while k < self.tree.len() {
            self.tree[k][0] += dv;
            self.tree[k][1] += dg;
            k += k & k.wrapping_neg();
        }
    }

    /// Doubles the covered span towards `minute` and rebuilds in `O(len)`.
    fn grow_to(&mut self, minute: i64) {
        let len = self.raw.len() as i64;
        let (lo, hi) = (self.base.min(minute), (self.base + len).max(minute + 1));
        let new_len = (hi - lo).max(2 * len);
        // Grow towards the side that needed it, leaving slack for further growth.
        let new_base = if minute < self.base { hi - new_len } else { lo };
        let mut raw = vec![[0, 0]; new_len as usize];
        let offset = (self.base - new_base) as usize;
        raw[offset..offset + self.raw.len()].copy_from_slice(&self.raw);
        let mut tree = vec![[0, 0]; raw.len() + 1];
        for (i, v) in raw.iter().enumerate() {
            let k = i + 1;
            tree[k][0] += v[0];
            tree[k][1] += v[1];
            let parent = k + (k & k.wrapping_neg());
            if parent < tree.len() {
                let t = tree[k];
                tree[parent][0] += t[0];
                tree[parent][1] += t[1];
            }
        }
        self.base = new_base;
        self.raw = raw;
        self.tree = tree;
    }

    /// Sum of buckets `0..n`.
    fn prefix(&self, n: usize) -> [i64; 2] {
        let mut s = [0, 0];
        let mut k = n.min(self.raw.len());
        while k > 0 {
            s[0] += self.tree[k][0];
            s[1] += self.tree[k][1];
            k &= k - 1;
        }
        s
    }

    /// Sum over minutes `[from, to)`.
    fn sum(&self, from: i64, to: i64) -> [i64; 2] {
        if self.raw.is_empty() {
            return [0, 0];
        }
        let clamp = |m: i64| (m - self.base).clamp(0, self.raw.len() as i64) as usize;
        let (a, b) = (clamp(from), clamp(to));
        if a >= b {
            return [0, 0];
        }
        let (pa, pb) = (self.prefix(a), self.prefix(b));
        [pb[0] - pa[0], pb[1] - pa[1]]
    }
}

/// The events of one SLO (or one slice of it), sorted by start time.
#[derive(Clone, Debug, Default)]
pub struct Series {
    events: BTreeMap<(i64, RunId), bool>,
    minutes: MinuteIndex,
}

impl Series {
    /// An empty series whose minute index already covers
    /// `[from_ms, to_ms]`: for loading a known range of history, where
    /// growing by doubling would allocate and rebuild the index several times.
    pub fn covering(from_ms: i64, to_ms: i64) -> Self {
        Series {
            events: BTreeMap::new(),
            minutes: MinuteIndex::covering(
                from_ms.div_euclid(MINUTE_MS),
                to_ms.div_euclid(MINUTE_MS),
            ),
        }
    }

    /// Adds one valid event.
    pub fn insert(&mut self, at_ms: i64, run_id: RunId, good: bool) {
        if self.events.insert((at_ms, run_id), good).is_none() {
            self.minutes
                .add(at_ms.div_euclid(MINUTE_MS), 1, i64::from(good));
        }
    }

    /// Removes one event, if present.
    pub fn remove(&mut self, at_ms: i64, run_id: RunId) {
        if let Some(good) = self.events.remove(&(at_ms, run_id)) {
            self.minutes
                .add(at_ms.div_euclid(MINUTE_MS), -1, -i64::from(good));
        }
    }

    /// How many events are held.
    pub fn len(&self) -> usize {
        self.events.len()
    }

    /// Whether no events are held.
    pub fn is_empty(&self) -> bool {
        self.events.is_empty()
    }

    /// Counts over `[from_ms, to_ms)`.
    pub fn count(&self, from_ms: i64, to_ms: i64) -> Counts {
        if from_ms >= to_ms {
            return Counts::default();
        }
        let m_lo = -((-from_ms).div_euclid(MINUTE_MS)); // ceil
        let m_hi = to_ms.div_euclid(MINUTE_MS); // floor
        if m_lo >= m_hi {
            return self.scan(from_ms, to_ms);
        }
        let mut c = self.scan(from_ms, m_lo * MINUTE_MS);
        let bulk = self.minutes.sum(m_lo, m_hi);
        c.valid += bulk[0] as u64;
        c.good += bulk[1] as u64;
        let tail = self.scan(m_hi * MINUTE_MS, to_ms);
        c.valid += tail.valid;
        c.good += tail.good;
        c
    }

    fn scan(&self, from_ms: i64, to_ms: i64) -> Counts {
        let mut c = Counts::default();
        if from_ms >= to_ms {
            return c;
        }
        let min_id = RunId::from_bytes([0; 16]);
        for (_, good) in self.events.range((from_ms, min_id)..(to_ms, min_id)) {
            c.add(*good);
        }
        c
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(n: u8) -> RunId {
        RunId::from_bytes([n; 16])
    }

    #[test]
    fn edges_are_exact_and_growth_keeps_counts() {
        let mut s = Series::default();
        // Minute 10 holds a good at 10:00.000 and a bad at 10:59.999 (in ms from epoch).
        s.insert(600_000, id(1), true);
        s.insert(659_999, id(2), false);
        // Far in the past and future, to force growth at both ends.
        s.insert(-5_000_000_000, id(3), true);
        s.insert(9_000_000_000, id(4), false);
        assert_eq!(s.count(600_000, 660_000), Counts { valid: 2, good: 1 });
        assert_eq!(s.count(600_001, 660_000), Counts { valid: 1, good: 0 });
        assert_eq!(
            s.count(i64::MIN / 4, i64::MAX / 4),
            Counts { valid: 4, good: 2 }
        );
        s.remove(659_999, id(2));
        s.remove(659_999, id(2)); // second remove is a no-op
        assert_eq!(s.count(0, 10_000_000), Counts { valid: 1, good: 1 });
        assert_eq!(s.len(), 3);
    }

    #[test]
    fn a_presized_series_counts_like_a_growing_one() {
        // Inside the expected span, before it and after it.
        let (from, to) = (3_600_000 * 24, 3_600_000 * 48);
        let mut grown = Series::default();
        let mut sized = Series::covering(from, to);
        for n in 0..200u8 {
            let at = from - 7_200_000 + i64::from(n) * 997_331;
            let good = n % 3 != 0;
            grown.insert(at, id(n), good);
            sized.insert(at, id(n), good);
        }
        for (a, b) in [
            (0, i64::MAX / 4),
            (from, to),
            (from - 60_000, from + 61_000),
            (to - 1, to + 5_000_000),
            (from + 123_456, from + 9_876_543),
        ] {
            assert_eq!(sized.count(a, b), grown.count(a, b), "[{a}, {b})");
        }
        assert_eq!(sized.count(0, i64::MAX / 4).valid, 200);
    }
}
