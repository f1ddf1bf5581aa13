//! Leading indicators: metric series, span-derived RED series and log error
//! rates, each cut into buckets and searched for an upward shift.
//!
//! Cumulative sums and histograms are turned into per-bucket deltas first
//! (a series whose values never go down is taken as cumulative); a delta
//! that goes negative is a counter reset and is dropped.

use std::collections::BTreeMap;

use sightline_core::{LogRecord, MetricKind, MetricPoint, Span, SpanKind, SpanStatus};

use crate::onset::{Series, Shift, detect};

/// A series that moved.
#[derive(Debug, Clone, PartialEq)]
pub struct Moved {
    /// `metric`, `red` or `logs`.
    pub source: &'static str,
    /// The series' name with its labels.
    pub series: String,
    /// Its service.
    pub service: Option<String>,
    /// Its region.
    pub region: Option<String>,
    /// The shift.
    pub shift: Shift,
}

/// A series with its label, service and region.
type Labelled = (String, String, Option<String>, Series);
/// Metric name, service, region.
type GroupKey = (String, String, Option<String>);

#[derive(Default, Clone, Copy)]
struct Acc {
    sum: f64,
    n: f64,
}

struct Grid {
    start_ms: i64,
    bucket_ms: i64,
    n: usize,
}

impl Grid {
    fn index(&self, t_ms: i64) -> Option<usize> {
        if t_ms < self.start_ms {
            return None;
        }
        let i = usize::try_from((t_ms - self.start_ms) / self.bucket_ms).ok()?;
        (i < self.n).then_some(i)
    }

    fn series(&self, accs: &[Acc], zero_when_empty: bool) -> Series {
        Series {
            start_ms: self.start_ms,
            bucket_ms: self.bucket_ms,
            values: accs
                .iter()
                .map(|a| {
                    if a.n > 0.0 {
                        Some(a.sum / a.n)
                    } else if zero_when_empty {
                        Some(0.0)
                    } else {
                        None
                    }
                })
                .collect(),
        }
    }
}

fn region_of(attrs: &BTreeMap<String, serde_json::Value>) -> Option<String> {
    attrs
        .get("cloud.region")
        .and_then(|v| v.as_str())
        .map(str::to_owned)
}

fn label(name: &str, service: &str, region: Option<&str>) -> String {
    match region {
        Some(r) => format!("{name}{{service={service},region={r}}}"),
        None => format!("{name}{{service={service}}}"),
    }
}

fn metric_series(points: &[MetricPoint], grid: &Grid) -> Vec<Labelled> {
    // Exact series first (for deltas), then summed into (name, service, region).
    let mut exact: BTreeMap<(&str, &str, String), Vec<&MetricPoint>> = BTreeMap::new();
    for p in points {
        let key = serde_json::to_string(&p.attributes).unwrap_or_default();
        exact
            .entry((p.name.as_str(), p.service.as_str(), key))
            .or_default()
            .push(p);
    }
    let mut groups: BTreeMap<GroupKey, (Vec<Acc>, bool)> = BTreeMap::new();
    for ((name, service, _), mut pts) in exact {
        pts.sort_by_key(|p| p.time_unix_nano);
        let region = region_of(&pts[0].attributes);
        let entry = groups
            .entry((name.to_owned(), service.to_owned(), region))
            .or_insert_with(|| (vec![Acc::default(); grid.n], false));
        let scalar = |p: &MetricPoint| match &p.value {
            MetricKind::Gauge { value } | MetricKind::Sum { value, .. } => Some(*value),
            _ => None,
        };
        let monotonic = pts.iter().all(|p| {
            matches!(
                p.value,
                MetricKind::Sum {
                    monotonic: true,
                    ..
                }
            )
        });
        let counts = |p: &MetricPoint| match &p.value {
            MetricKind::Histogram { count, sum, .. }
            | MetricKind::ExponentialHistogram { count, sum, .. }
            | MetricKind::Summary { count, sum, .. } => Some((*count as f64, *sum)),
            _ => None,
        };
        let cumulative = pts.windows(2).all(|w| match (counts(w[0]), counts(w[1])) {
            (Some(a), Some(b)) => b.0 >= a.0,
            _ => match (scalar(w[0]), scalar(w[1])) {
                (Some(a), Some(b)) => b >= a,
                _ => false,
            },
        });
        for (i, p) in pts.iter().enumerate() {
            let Some(b) = grid.index(p.time_unix_nano / 1_000_000) else {
                continue;
            };
            let acc = &mut entry.0[b];
            if let Some((count, sum)) = counts(p) {
                // Mean of the observations in the bucket.
                let (dc, ds) = if cumulative && i > 0 {
                    let (c0, s0) = counts(pts[i - 1]).unwrap_or((0.0, 0.0));
                    (count - c0, sum - s0)
                } else {
                    (count, sum)
                };
                if dc > 0.0 && ds >= 0.0 {
                    acc.sum += ds;
                    acc.n += dc;
                }
            } else if let Some(v) = scalar(p) {
                if monotonic && cumulative {
                    if i > 0
                        && let Some(v0) = scalar(pts[i - 1])
                        && v >= v0
                    {
                        acc.sum += v - v0;
                        acc.n = 1.0;
                        entry.1 = true;
                    }
                } else {
                    acc.sum += v;
                    acc.n += 1.0;
                }
            }
        }
    }
    groups
        .into_iter()
        .map(|((name, service, region), (accs, counter))| {
            let s = grid.series(&accs, counter);
            (
                label(&name, &service, region.as_deref()),
                service,
                region,
                s,
            )
        })
        .collect()
}

/// Server spans reduced to what RED series need: one span, or a bucket of
/// them already summed (a store can sample or aggregate in SQL).
#[derive(Debug, Clone, PartialEq)]
pub struct RedPoint {
    /// The service.
    pub service: String,
    /// Its region.
    pub region: Option<String>,
    /// When (the span's start, or the bucket's), Unix ms.
    pub at_ms: i64,
    /// Requests.
    pub count: u64,
    /// Of which failed.
    pub errors: u64,
    /// Summed duration, ms.
    pub duration_ms: f64,
}

/// One [`RedPoint`] per server span.
pub fn red_points<'a>(spans: impl IntoIterator<Item = &'a Span>) -> Vec<RedPoint> {
    spans
        .into_iter()
        .filter(|s| s.kind == SpanKind::Server)
        .map(|s| RedPoint {
            service: s.service.clone(),
            region: s.region.clone(),
            at_ms: s.start_time_unix_nano / 1_000_000,
            count: 1,
            errors: u64::from(s.status == SpanStatus::Error),
            duration_ms: s.duration_nano as f64 / 1e6,
        })
        .collect()
}

fn red_series(points: &[RedPoint], grid: &Grid) -> Vec<Labelled> {
    let mut errors: BTreeMap<(&str, Option<&str>), Vec<Acc>> = BTreeMap::new();
    let mut duration: BTreeMap<(&str, Option<&str>), Vec<Acc>> = BTreeMap::new();
    for p in points {
        let Some(b) = grid.index(p.at_ms) else {
            continue;
        };
        let key = (p.service.as_str(), p.region.as_deref());
        let e = &mut errors
            .entry(key)
            .or_insert_with(|| vec![Acc::default(); grid.n])[b];
        e.n += p.count as f64;
        e.sum += p.errors as f64;
        let d = &mut duration
            .entry(key)
            .or_insert_with(|| vec![Acc::default(); grid.n])[b];
        d.n += p.count as f64;
        d.sum += p.duration_ms;
    }
    let mut out = Vec::new();
    for (name, map) in [("span.error_ratio", errors), ("span.duration_ms", duration)] {
        for ((service, region), accs) in map {
            out.push((
                label(name, service, region),
                service.to_owned(),
                region.map(str::to_owned),
                grid.series(&accs, false),
            ));
        }
    }
    out
}

fn log_series(logs: &[LogRecord], grid: &Grid) -> Vec<Labelled> {
    let mut counts: BTreeMap<(&str, Option<String>), Vec<Acc>> = BTreeMap::new();
    for l in logs.iter().filter(|l| l.severity_number >= 17) {
        let Some(b) = grid.index(l.time_unix_nano / 1_000_000) else {
            continue;
        };
        let a = &mut counts
            .entry((l.service.as_str(), region_of(&l.attributes)))
            .or_insert_with(|| vec![Acc::default(); grid.n])[b];
        a.sum += 1.0;
        a.n = 1.0;
    }
    counts
        .into_iter()
        .map(|((service, region), accs)| {
            (
                label("log.errors", service, region.as_deref()),
                service.to_owned(),
                region,
                grid.series(&accs, true),
            )
        })
        .collect()
}

/// The least spread assumed for a series: 10% of its median, and for
/// durations 5 ms (a sub-millisecond call doubling is not news).
fn floor_for(name: &str, s: &Series) -> f64 {
    let mut v: Vec<f64> = s.values.iter().flatten().copied().collect();
    v.sort_by(f64::total_cmp);
    let median = v.get(v.len() / 2).copied().unwrap_or(0.0).abs();
    let unit = if name.contains("duration_ms") {
        5.0
    } else if name.contains("duration") {
        0.005
    } else {
        0.02
    };
    (median * 0.1).max(unit)
}

/// One series as the engine cut it, to draw beside the SLI.
#[derive(Debug, Clone, PartialEq)]
pub struct Cut {
    /// `metric`, `red` or `logs`.
    pub source: &'static str,
    /// The series' name with its labels, as [`Moved::series`] names it.
    pub series: String,
    /// Its service.
    pub service: String,
    /// Its region.
    pub region: Option<String>,
    /// Its values per bucket (deltas for cumulative series).
    pub values: Series,
}

/// Every series over `[from_ms, to_ms)` in buckets of `bucket_ms`, cut as
/// [`moved`] cuts them, whether they moved or not.
pub fn series(
    red: &[RedPoint],
    metrics: &[MetricPoint],
    logs: &[LogRecord],
    from_ms: i64,
    to_ms: i64,
    bucket_ms: i64,
) -> Vec<Cut> {
    let n = usize::try_from(((to_ms - from_ms) / bucket_ms.max(1)).max(0)).unwrap_or(0);
    let grid = Grid {
        start_ms: from_ms,
        bucket_ms: bucket_ms.max(1),
        n,
    };
    let mut out = Vec::new();
    for (source, list) in [
        ("metric", metric_series(metrics, &grid)),
        ("red", red_series(red, &grid)),
        ("logs", log_series(logs, &grid)),
    ] {
        for (series, service, region, values) in list {
            out.push(Cut {
                source,
                series,
                service,
                region,
                values,
            });
        }
    }
    out
}

/// Every series over `[from_ms, to_ms)` that shifted up by at least
/// `min_strength` spreads.
pub fn moved(
    red: &[RedPoint],
    metrics: &[MetricPoint],
    logs: &[LogRecord],
    from_ms: i64,
    to_ms: i64,
    bucket_ms: i64,
    min_strength: f64,
) -> Vec<Moved> {
    series(red, metrics, logs, from_ms, to_ms, bucket_ms)
        .into_iter()
        .filter_map(|c| {
            let shift = detect(&c.values, floor_for(&c.series, &c.values), min_strength)?;
            Some(Moved {
                source: c.source,
                series: c.series,
                service: Some(c.service),
                region: c.region,
                shift,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gauge(t_s: i64, v: f64) -> MetricPoint {
        MetricPoint {
            name: "process.cpu.utilization".into(),
            service: "inventory".into(),
            time_unix_nano: t_s * 1_000_000_000,
            attributes: [("cloud.region".to_owned(), serde_json::json!("us-east-1"))].into(),
            value: MetricKind::Gauge { value: v },
        }
    }

    fn counter(t_s: i64, v: f64) -> MetricPoint {
        MetricPoint {
            name: "k8s.container.restart_count".into(),
            service: "auth".into(),
            time_unix_nano: t_s * 1_000_000_000,
            attributes: Default::default(),
            value: MetricKind::Sum {
                value: v,
                monotonic: true,
            },
        }
    }

    #[test]
    fn a_gauge_step_is_found_with_its_time() {
        let pts: Vec<MetricPoint> = (0..40)
            .map(|i| {
                gauge(
                    i * 10,
                    if i >= 25 {
                        0.9
                    } else {
                        0.05 + 0.01 * (i % 3) as f64
                    },
                )
            })
            .collect();
        let m = moved(&[], &pts, &[], 0, 400_000, 10_000, 3.0);
        assert_eq!(m.len(), 1);
        assert_eq!(m[0].shift.onset.at_ms, 250_000);
        assert_eq!(m[0].region.as_deref(), Some("us-east-1"));
    }

    #[test]
    fn a_cumulative_counter_is_read_as_its_rate() {
        // Restarts: flat at 2, then one every 10 s from 200 s.
        let pts: Vec<MetricPoint> = (0..40)
            .map(|i| counter(i * 10, if i >= 20 { 2.0 + (i - 19) as f64 } else { 2.0 }))
            .collect();
        let m = moved(&[], &pts, &[], 0, 400_000, 10_000, 3.0);
        assert_eq!(m.len(), 1, "{m:?}");
        assert!((m[0].shift.onset.at_ms - 200_000).abs() <= 10_000);
        assert!(
            (m[0].shift.after - 1.0).abs() < 1e-9,
            "one restart per bucket"
        );
    }
}
