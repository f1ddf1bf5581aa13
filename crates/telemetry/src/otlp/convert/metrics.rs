//! OTLP metric data points to [`MetricPoint`]s: gauges, sums, explicit and
//! exponential histograms, and summaries.

use opentelemetry_proto::tonic::collector::metrics::v1::ExportMetricsServiceRequest;
use opentelemetry_proto::tonic::common::v1::KeyValue;
use opentelemetry_proto::tonic::metrics::v1::{metric::Data, number_data_point};
use sightline_core::{MetricKind, MetricPoint};

use super::attrs::{self, Attributes, UNKNOWN_SERVICE};
use super::{Converted, nanos};

/// One point's common parts, checked.
struct Point<'a> {
    time_unix_nano: u64,
    attributes: &'a [KeyValue],
}

fn number(v: Option<&number_data_point::Value>) -> Option<f64> {
    match v? {
        number_data_point::Value::AsDouble(d) => Some(*d),
        // Counters beyond 2^53 lose precision as f64; SLO maths works in f64 anyway.
        number_data_point::Value::AsInt(i) => Some(*i as f64),
    }
}

/// Every valid point of the request; invalid ones are counted and the first
/// is named.
pub fn convert(req: &ExportMetricsServiceRequest) -> Converted<MetricPoint> {
    let mut out = Converted::default();
    for (ri, rm) in req.resource_metrics.iter().enumerate() {
        let resource: Attributes = rm
            .resource
            .as_ref()
            .map(|r| attrs::to_map(&r.attributes))
            .unwrap_or_default();
        let service =
            attrs::string(&resource, "service.name").unwrap_or_else(|| UNKNOWN_SERVICE.to_owned());
        for (si, sm) in rm.scope_metrics.iter().enumerate() {
            for (mi, m) in sm.metrics.iter().enumerate() {
                let mpath = || format!("resourceMetrics[{ri}].scopeMetrics[{si}].metrics[{mi}]");
                if m.name.is_empty() {
                    out.reject(|| format!("{}.name", mpath()), "is required");
                    continue;
                }
                // Each kind yields (point, value-or-reason) pairs.
                let points: Vec<(Point<'_>, Result<MetricKind, String>)> = match &m.data {
                    None => {
                        out.reject(
                            mpath,
                            "has no gauge, sum, histogram, exponentialHistogram or summary",
                        );
                        continue;
                    }
                    Some(Data::Gauge(g)) => g
                        .data_points
                        .iter()
                        .map(|p| {
                            let v = number(p.value.as_ref())
                                .map(|value| MetricKind::Gauge { value })
                                .ok_or_else(|| "has neither asDouble nor asInt".to_owned());
                            (
                                Point {
                                    time_unix_nano: p.time_unix_nano,
                                    attributes: &p.attributes,
                                },
                                v,
                            )
                        })
                        .collect(),
                    Some(Data::Sum(s)) => s
                        .data_points
                        .iter()
                        .map(|p| {
                            let v = number(p.value.as_ref())
                                .map(|value| MetricKind::Sum {
                                    value,
                                    monotonic: s.is_monotonic,
                                })
                                .ok_or_else(|| "has neither asDouble nor asInt".to_owned());
                            (
                                Point {
                                    time_unix_nano: p.time_unix_nano,
                                    attributes: &p.attributes,
                                },
                                v,
                            )
                        })
                        .collect(),
                    Some(Data::Histogram(h)) => h
                        .data_points
                        .iter()
                        .map(|p| {
                            let v = if !p.bucket_counts.is_empty()
                                && p.bucket_counts.len() != p.explicit_bounds.len() + 1
                            {
                                Err(format!(
                                    "has {} bucketCounts for {} explicitBounds (expected {})",
                                    p.bucket_counts.len(),
                                    p.explicit_bounds.len(),
                                    p.explicit_bounds.len() + 1
                                ))
                            } else if p.explicit_bounds.iter().any(|b| b.is_nan())
                                || p.explicit_bounds.windows(2).any(|w| w[0] >= w[1])
                            {
                                Err("explicitBounds must be increasing numbers".to_owned())
                            } else {
                                Ok(MetricKind::Histogram {
                                    count: p.count,
                                    sum: p.sum.unwrap_or(f64::NAN),
                                    bounds: p.explicit_bounds.clone(),
                                    bucket_counts: p.bucket_counts.clone(),
                                })
                            };
                            (
                                Point {
                                    time_unix_nano: p.time_unix_nano,
                                    attributes: &p.attributes,
                                },
                                v,
                            )
                        })
                        .collect(),
                    Some(Data::ExponentialHistogram(h)) => {
                        h.data_points
                            .iter()
                            .map(|p| {
                                let (po, pc) = p.positive.as_ref().map_or((0, Vec::new()), |b| {
                                    (b.offset, b.bucket_counts.clone())
                                });
                                let (no, nc) = p.negative.as_ref().map_or((0, Vec::new()), |b| {
                                    (b.offset, b.bucket_counts.clone())
                                });
                                // The spec allows scales from -10 to 20.
                                let v = if !(-10..=20).contains(&p.scale) {
                                    Err(format!("scale {} is outside -10..=20", p.scale))
                                } else {
                                    Ok(MetricKind::ExponentialHistogram {
                                        count: p.count,
                                        sum: p.sum.unwrap_or(f64::NAN),
                                        scale: p.scale,
                                        zero_count: p.zero_count,
                                        positive_offset: po,
                                        positive_bucket_counts: pc,
                                        negative_offset: no,
                                        negative_bucket_counts: nc,
                                    })
                                };
                                (
                                    Point {
                                        time_unix_nano: p.time_unix_nano,
                                        attributes: &p.attributes,
                                    },
                                    v,
                                )
                            })
                            .collect()
                    }
                    Some(Data::Summary(s)) => s
                        .data_points
                        .iter()
                        .map(|p| {
                            let v = if p
                                .quantile_values
                                .iter()
                                .any(|q| !(0.0..=1.0).contains(&q.quantile))
                            {
                                Err("a quantile is outside [0, 1]".to_owned())
                            } else {
                                Ok(MetricKind::Summary {
                                    count: p.count,
                                    sum: p.sum,
                                    quantiles: p
                                        .quantile_values
                                        .iter()
                                        .map(|q| (q.quantile, q.value))
                                        .collect(),
                                })
                            };
                            (
                                Point {
                                    time_unix_nano: p.time_unix_nano,
                                    attributes: &p.attributes,
                                },
                                v,
                            )
                        })
                        .collect(),
                };
                for (pi, (p, value)) in points.into_iter().enumerate() {
                    let path = || format!("{}.dataPoints[{pi}]", mpath());
                    let value = match value {
                        Ok(v) => v,
                        Err(e) => {
                            out.reject(path, &e);
                            continue;
                        }
                    };
                    let time = match nanos(p.time_unix_nano) {
                        Some(t) if t > 0 => t,
                        _ => {
                            out.reject(|| format!("{}.timeUnixNano", path()), "is required");
                            continue;
                        }
                    };
                    let mut a = resource.clone();
                    attrs::extend(&mut a, p.attributes);
                    out.items.push(MetricPoint {
                        name: m.name.clone(),
                        service: service.clone(),
                        time_unix_nano: time,
                        attributes: a,
                        value,
                    });
                }
            }
        }
    }
    out
}
