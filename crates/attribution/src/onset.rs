//! When did it start? Change points on a bucketed series, with a 95%
//! interval.
//!
//! The change point comes from Bayesian online change-point detection
//! (Adams & MacKay 2007) as `augurs-changepoint` implements it, on the series
//! standardised against its own median and spread. The interval around it is
//! the profile likelihood of a single mean shift inside the segment the
//! detector found: every split whose two-mean fit is within the χ²(1) 95%
//! bound (3.84) of the best one is plausible.

use augurs_changepoint::dist::NormalGamma;
use augurs_changepoint::{Detector, NormalGammaDetector};

use crate::report::Onset;

/// A bucketed series: `values[i]` covers `[start_ms + i * bucket_ms, +bucket_ms)`.
/// Empty buckets are `None`.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    /// Start of bucket 0, Unix ms.
    pub start_ms: i64,
    /// Bucket width.
    pub bucket_ms: i64,
    /// One value per bucket.
    pub values: Vec<Option<f64>>,
}

impl Series {
    /// An empty series of `n` buckets.
    pub fn empty(start_ms: i64, bucket_ms: i64, n: usize) -> Series {
        Series {
            start_ms,
            bucket_ms,
            values: vec![None; n],
        }
    }

    /// The bucket `t` falls in, if inside.
    pub fn index(&self, t: i64) -> Option<usize> {
        if t < self.start_ms || self.bucket_ms <= 0 {
            return None;
        }
        let i = usize::try_from((t - self.start_ms) / self.bucket_ms).ok()?;
        (i < self.values.len()).then_some(i)
    }

    /// Start of bucket `i`, Unix ms.
    pub fn bucket_start(&self, i: usize) -> i64 {
        self.start_ms + i64::try_from(i).unwrap_or(i64::MAX / 2) * self.bucket_ms
    }
}

/// Ratio series: bad / total per bucket, from `(time, bad)` observations.
pub fn ratio_series(start_ms: i64, bucket_ms: i64, n: usize, obs: &[(i64, bool)]) -> Series {
    let mut bad = vec![0u32; n];
    let mut all = vec![0u32; n];
    let s = Series::empty(start_ms, bucket_ms, n);
    for &(t, b) in obs {
        if let Some(i) = s.index(t) {
            all[i] += 1;
            bad[i] += u32::from(b);
        }
    }
    Series {
        values: (0..n)
            .map(|i| (all[i] > 0).then(|| f64::from(bad[i]) / f64::from(all[i])))
            .collect(),
        ..s
    }
}

/// A detected upward shift.
#[derive(Debug, Clone, PartialEq)]
pub struct Shift {
    /// The onset and its interval.
    pub onset: Onset,
    /// Mean before the shift.
    pub before: f64,
    /// Mean after it.
    pub after: f64,
    /// The shift in units of the series' spread before it.
    pub strength: f64,
}

fn median(v: &mut [f64]) -> f64 {
    if v.is_empty() {
        return 0.0;
    }
    v.sort_by(f64::total_cmp);
    let m = v.len() / 2;
    if v.len() % 2 == 1 {
        v[m]
    } else {
        f64::midpoint(v[m - 1], v[m])
    }
}

fn mean(v: &[f64]) -> f64 {
    if v.is_empty() {
        0.0
    } else {
        v.iter().sum::<f64>() / v.len() as f64
    }
}

fn rss(v: &[f64]) -> f64 {
    let m = mean(v);
    v.iter().map(|x| (x - m).powi(2)).sum()
}

/// The best single upward mean shift of `y` inside `[a, b)`, and the splits
/// within the 95% profile-likelihood bound of it.
fn profile(y: &[f64], a: usize, b: usize) -> Option<(usize, usize, usize)> {
    let n = b.checked_sub(a)?;
    if n < 4 {
        return None;
    }
    let seg = &y[a..b];
    let ll = |k: usize| {
        let r = rss(&seg[..k]) + rss(&seg[k..]);
        -(n as f64) / 2.0 * (r / n as f64).max(1e-9).ln()
    };
    let splits: Vec<(usize, f64)> = (2..n - 1)
        .filter(|&k| mean(&seg[k..]) > mean(&seg[..k]))
        .map(|k| (k, ll(k)))
        .collect();
    let &(best, best_ll) = splits.iter().max_by(|x, y| x.1.total_cmp(&y.1))?;
    let ok: Vec<usize> = splits
        .iter()
        .filter(|(_, l)| 2.0 * (best_ll - l) <= 3.84)
        .map(|(k, _)| *k)
        .collect();
    let lo = ok.iter().copied().min().unwrap_or(best);
    let hi = ok.iter().copied().max().unwrap_or(best);
    Some((a + best, a + lo, a + hi))
}

/// Finds the onset of the most recent sustained rise of `series`.
///
/// `floor` is the least spread assumed (for ratios, a few percent), so a
/// flat baseline does not turn noise into a shift. Returns `None` when the
/// series never rises by `min_strength` spreads.
pub fn detect(series: &Series, floor: f64, min_strength: f64) -> Option<Shift> {
    // Empty buckets are left out; `at[j]` maps back to the bucket.
    let (at, raw): (Vec<usize>, Vec<f64>) = series
        .values
        .iter()
        .enumerate()
        .filter_map(|(i, v)| v.filter(|x| x.is_finite()).map(|x| (i, x)))
        .unzip();
    if raw.len() < 6 {
        return None;
    }
    let center = median(&mut raw.clone());
    let mut dev: Vec<f64> = raw.iter().map(|x| (x - center).abs()).collect();
    let spread = (median(&mut dev) * 1.4826).max(floor);
    let y: Vec<f64> = raw.iter().map(|x| (x - center) / spread).collect();

    let mut detector =
        NormalGammaDetector::normal_gamma(100.0, NormalGamma::new_unchecked(0.0, 1.0, 1.0, 1.0));
    let mut cps: Vec<usize> = detector
        .detect_changepoints(&y)
        .into_iter()
        .filter(|&c| c > 0 && c + 1 < y.len())
        .map(|c| c + 1)
        .collect();
    cps.dedup();
    // The latest upward change point whose shift is large enough.
    let mut bounds = vec![0];
    bounds.extend(&cps);
    bounds.push(y.len());
    let mut found = None;
    for w in (1..bounds.len() - 1).rev() {
        let (a, k, b) = (bounds[w - 1], bounds[w], bounds[w + 1]);
        let before = mean(&y[a..k]);
        let after = mean(&y[k..b]);
        if after - before >= min_strength {
            found = Some((a, k, b, "bocpd"));
            break;
        }
    }
    // The detector can miss a shift that is sustained but small against
    // its prior; the profile over the whole series still sees it.
    let (a, k, b, method) = match found {
        Some(f) => f,
        None => {
            let (k, _, _) = profile(&y, 0, y.len())?;
            (0, k, y.len(), "mean-shift profile")
        }
    };
    let (best, lo, hi) = profile(&y, a, b).unwrap_or((k, k, k));
    // The detector's point when it lies inside the plausible range, else the profile's.
    let k = if (lo..=hi).contains(&k) { k } else { best };
    let before = mean(&raw[a..k]);
    let after = mean(&raw[k..b]);
    let sd_before = (rss(&raw[a..k]) / (k - a).max(1) as f64).sqrt().max(floor);
    let strength = (after - before) / sd_before;
    if strength < min_strength {
        return None;
    }
    Some(Shift {
        onset: Onset {
            at_ms: series.bucket_start(at[k]),
            earliest_ms: series.bucket_start(at[lo.min(k)]),
            latest_ms: series.bucket_start(at[hi.max(k)]) + series.bucket_ms,
            method: method.to_owned(),
        },
        before,
        after,
        strength,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn series(values: &[f64]) -> Series {
        Series {
            start_ms: 0,
            bucket_ms: 1000,
            values: values.iter().map(|v| Some(*v)).collect(),
        }
    }

    #[test]
    fn finds_a_step_with_an_interval_around_it() {
        let mut v = vec![0.0, 0.05, 0.0, 0.0, 0.1, 0.0, 0.0, 0.05, 0.0, 0.0];
        v.extend([0.4, 0.5, 0.35, 0.45, 0.5, 0.4, 0.45, 0.5]);
        let s = detect(&series(&v), 0.05, 2.0).expect("a shift");
        assert_eq!(s.onset.at_ms, 10_000);
        assert!(s.onset.earliest_ms <= 10_000 && s.onset.latest_ms >= 11_000);
        assert!(s.after > 0.4 && s.before < 0.05);
    }

    #[test]
    fn flat_noise_has_no_onset() {
        let v = [
            0.0, 0.05, 0.0, 0.0, 0.1, 0.0, 0.0, 0.05, 0.0, 0.0, 0.05, 0.0, 0.0, 0.05,
        ];
        assert!(detect(&series(&v), 0.05, 3.0).is_none());
    }

    #[test]
    fn empty_buckets_are_skipped_not_counted_as_zero() {
        let mut s = series(&[0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.8, 0.9, 0.8, 0.9, 0.85]);
        s.values[3] = None;
        s.values[8] = None;
        let shift = detect(&s, 0.05, 2.0).expect("a shift");
        assert_eq!(shift.onset.at_ms, 7_000);
    }

    #[test]
    fn ratio_series_counts_per_bucket() {
        let s = ratio_series(0, 10, 3, &[(1, true), (2, false), (15, false), (40, true)]);
        assert_eq!(s.values, vec![Some(0.5), Some(0.0), None]);
    }
}
