//! The Prometheus text exposition format to [`MetricPoint`]s.
//!
//! Counters become monotonic sums, gauges and untyped samples gauges,
//! histograms one histogram point per label set (Prometheus' cumulative
//! buckets turned into per-bucket counts, as OTLP has them), and summaries
//! one summary point per label set. `# HELP`, `# TYPE`, `# UNIT` and `# EOF`
//! are understood; OpenMetrics exemplars and `_created` samples are skipped.
//!
//! Timestamps are milliseconds in the 0.0.4 format and seconds in OpenMetrics
//! (recognised by its closing `# EOF`); samples without one take the scrape
//! time passed in. Any error names the line and the construct, and the whole
//! input is refused: a half-read scrape is never stored.

use std::collections::{BTreeMap, HashMap};

use sightline_core::{MetricKind, MetricPoint};

use crate::{Result, TelemetryError};

/// How to read one exposition.
#[derive(Debug, Clone, Copy)]
pub struct ParseOptions<'a> {
    /// Named in errors: the file path or the scrape URL.
    pub source_name: &'a str,
    /// The service the metrics describe (the scrape job, or the file's name).
    pub service: &'a str,
    /// Time of samples that carry none: the scrape time, Unix ns.
    pub default_time_unix_nano: i64,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Type {
    Counter,
    Gauge,
    Histogram,
    Summary,
    Untyped,
}

impl Type {
    fn parse(word: &str) -> Option<Type> {
        Some(match word {
            "counter" => Type::Counter,
            "gauge" | "info" | "stateset" => Type::Gauge,
            "histogram" | "gaugehistogram" => Type::Histogram,
            "summary" => Type::Summary,
            "untyped" | "unknown" => Type::Untyped,
            _ => return None,
        })
    }
}

/// One sample line, parsed.
struct Sample {
    name: String,
    labels: Vec<(String, String)>,
    value: f64,
    time_unix_nano: Option<i64>,
}

/// The points of one family and label set, filled as their lines arrive.
struct Builder {
    name: String,
    kind: Type,
    labels: BTreeMap<String, String>,
    time_unix_nano: Option<i64>,
    value: Option<f64>,
    buckets: Vec<(f64, f64)>,
    quantiles: Vec<(f64, f64)>,
    sum: Option<f64>,
    count: Option<f64>,
    first_line: usize,
}

fn err(o: &ParseOptions<'_>, line: usize, field: &str, msg: impl Into<String>) -> TelemetryError {
    TelemetryError::parse(o.source_name, line, field, msg)
}

fn is_name_start(c: char) -> bool {
    c.is_ascii_alphabetic() || c == '_' || c == ':'
}

fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == ':'
}

fn parse_float(s: &str) -> Option<f64> {
    match s.to_ascii_lowercase().as_str() {
        "+inf" | "inf" => Some(f64::INFINITY),
        "-inf" => Some(f64::NEG_INFINITY),
        "nan" => Some(f64::NAN),
        // Rust also accepts words like "infinity"; Prometheus does not.
        l if l.contains("inf") || l.contains("nan") => None,
        _ => s.parse().ok(),
    }
}

/// Parses `{a="x",b="y\"z"}` starting at `rest` (just after `{`). Returns the
/// labels and what follows the closing brace.
fn parse_labels<'t>(
    o: &ParseOptions<'_>,
    line: usize,
    mut rest: &'t str,
) -> Result<(Vec<(String, String)>, &'t str)> {
    let mut labels = Vec::new();
    loop {
        rest = rest.trim_start();
        if let Some(r) = rest.strip_prefix('}') {
            return Ok((labels, r));
        }
        let end = rest.find(|c: char| !is_name_char(c)).unwrap_or(rest.len());
        let name = &rest[..end];
        if name.is_empty() || !name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') {
            return Err(err(
                o,
                line,
                "labels",
                format!("expected a label name at {:?}", head(rest)),
            ));
        }
        rest = rest[end..].trim_start();
        rest = rest.strip_prefix('=').ok_or_else(|| {
            err(
                o,
                line,
                &format!("label {name}"),
                "expected = after the label name",
            )
        })?;
        rest = rest.trim_start().strip_prefix('"').ok_or_else(|| {
            err(
                o,
                line,
                &format!("label {name}"),
                "expected a double-quoted value",
            )
        })?;
        let mut value = String::new();
        let mut chars = rest.char_indices();
        let close = loop {
            match chars.next() {
                None => return Err(err(o, line, &format!("label {name}"), "unterminated value")),
                Some((i, '"')) => break i,
                Some((_, '\\')) => match chars.next() {
                    Some((_, '\\')) => value.push('\\'),
                    Some((_, '"')) => value.push('"'),
                    Some((_, 'n')) => value.push('\n'),
                    Some((_, c)) => {
                        return Err(err(
                            o,
                            line,
                            &format!("label {name}"),
                            format!("unknown escape \\{c}"),
                        ));
                    }
                    None => {
                        return Err(err(o, line, &format!("label {name}"), "unterminated value"));
                    }
                },
                Some((_, c)) => value.push(c),
            }
        };
        if labels.iter().any(|(n, _)| n == name) {
            return Err(err(o, line, &format!("label {name}"), "appears twice"));
        }
        labels.push((name.to_owned(), value));
        rest = rest[close + 1..].trim_start();
        if let Some(r) = rest.strip_prefix(',') {
            rest = r;
        } else if !rest.starts_with('}') {
            return Err(err(
                o,
                line,
                "labels",
                format!("expected , or }} at {:?}", head(rest)),
            ));
        }
    }
}

fn head(s: &str) -> String {
    s.chars().take(20).collect()
}

fn parse_sample(
    o: &ParseOptions<'_>,
    line: usize,
    text: &str,
    open_metrics: bool,
) -> Result<Sample> {
    let end = text.find(|c: char| !is_name_char(c)).unwrap_or(text.len());
    let name = &text[..end];
    if name.is_empty() || !name.starts_with(is_name_start) {
        return Err(err(
            o,
            line,
            "metric name",
            format!("expected a metric name at {:?}", head(text)),
        ));
    }
    let mut rest = &text[end..];
    let mut labels = Vec::new();
    if let Some(r) = rest.strip_prefix('{') {
        let (l, r) = parse_labels(o, line, r)?;
        labels = l;
        rest = r;
    }
    // An OpenMetrics exemplar follows " # "; it is not part of the sample.
    let rest = rest.split(" # ").next().unwrap_or("");
    let mut tokens = rest.split_whitespace();
    let value_text = tokens
        .next()
        .ok_or_else(|| err(o, line, name, "has no value"))?;
    let value = parse_float(value_text).ok_or_else(|| {
        err(
            o,
            line,
            name,
            format!("value {value_text:?} is not a number"),
        )
    })?;
    let time_unix_nano = match tokens.next() {
        None => None,
        Some(t) if open_metrics => {
            let secs: f64 = t
                .parse()
                .ok()
                .filter(|s: &f64| s.is_finite())
                .ok_or_else(|| err(o, line, name, format!("timestamp {t:?} is not seconds")))?;
            Some((secs * 1e9) as i64)
        }
        Some(t) => {
            let ms: i64 = t.parse().map_err(|_| {
                err(
                    o,
                    line,
                    name,
                    format!("timestamp {t:?} is not whole milliseconds"),
                )
            })?;
            Some(ms.saturating_mul(1_000_000))
        }
    };
    if let Some(extra) = tokens.next() {
        return Err(err(
            o,
            line,
            name,
            format!("unexpected {extra:?} after the timestamp"),
        ));
    }
    Ok(Sample {
        name: name.to_owned(),
        labels,
        value,
        time_unix_nano,
    })
}

/// The family a sample belongs to, its type, and the sample's role in it.
fn family<'n>(types: &HashMap<String, Type>, name: &'n str) -> (&'n str, Type, &'n str) {
    if let Some(t) = types.get(name) {
        return (name, *t, "");
    }
    for suffix in [
        "_bucket", "_sum", "_count", "_created", "_total", "_gsum", "_gcount", "_info",
    ] {
        if let Some(base) = name.strip_suffix(suffix)
            && let Some(t) = types.get(base)
        {
            return (base, *t, suffix);
        }
    }
    (name, Type::Untyped, "")
}

/// Parses a whole exposition, or names the first problem.
pub fn parse(text: &str, o: &ParseOptions<'_>) -> Result<Vec<MetricPoint>> {
    let open_metrics = text.lines().any(|l| l.trim_end() == "# EOF");
    let mut types: HashMap<String, Type> = HashMap::new();
    let mut seen_samples: HashMap<String, usize> = HashMap::new();
    let mut builders: Vec<Builder> = Vec::new();
    let mut index: HashMap<(String, Vec<(String, String)>), usize> = HashMap::new();
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        let l = raw.trim_end_matches('\r').trim();
        if l.is_empty() {
            continue;
        }
        if let Some(comment) = l.strip_prefix('#') {
            let mut words = comment.split_whitespace();
            match words.next() {
                Some("EOF") => break,
                Some("TYPE") => {
                    let (Some(name), Some(word)) = (words.next(), words.next()) else {
                        return Err(err(o, line, "TYPE", "expected `# TYPE name type`"));
                    };
                    let t = Type::parse(word)
                        .ok_or_else(|| err(o, line, "TYPE", format!("unknown type {word:?}")))?;
                    if let Some(first) = seen_samples.get(name) {
                        return Err(err(
                            o,
                            line,
                            "TYPE",
                            format!("for {name} comes after its samples (line {first})"),
                        ));
                    }
                    if types.insert(name.to_owned(), t).is_some() {
                        return Err(err(o, line, "TYPE", format!("for {name} given twice")));
                    }
                }
                // HELP, UNIT and free comments carry nothing we store.
                _ => {}
            }
            continue;
        }
        let s = parse_sample(o, line, l, open_metrics)?;
        let (fam, kind, role) = family(&types, &s.name);
        seen_samples.entry(fam.to_owned()).or_insert(line);
        if role == "_created" {
            continue;
        }
        let mut key_labels: Vec<(String, String)> = Vec::with_capacity(s.labels.len());
        let mut le = None;
        let mut quantile = None;
        for (k, v) in s.labels {
            match (kind, k.as_str()) {
                (Type::Histogram, "le") if role == "_bucket" => le = Some(v),
                (Type::Summary, "quantile") if role.is_empty() => quantile = Some(v),
                _ => key_labels.push((k, v)),
            }
        }
        key_labels.sort();
        // Counters and gauges are stored under the sample's own name (what a
        // PromQL query names); histograms and summaries under their family.
        let point_name = match kind {
            Type::Histogram | Type::Summary => fam.to_owned(),
            _ => s.name.clone(),
        };
        let key = (point_name.clone(), key_labels);
        let at = match index.get(&key) {
            Some(&at) => at,
            None => {
                builders.push(Builder {
                    name: point_name,
                    kind,
                    labels: key.1.iter().cloned().collect(),
                    time_unix_nano: None,
                    value: None,
                    buckets: Vec::new(),
                    quantiles: Vec::new(),
                    sum: None,
                    count: None,
                    first_line: line,
                });
                index.insert(key, builders.len() - 1);
                builders.len() - 1
            }
        };
        let b = &mut builders[at];
        b.time_unix_nano = b.time_unix_nano.or(s.time_unix_nano);
        match (kind, role) {
            (Type::Histogram, "_bucket") => {
                let le = le.ok_or_else(|| err(o, line, &s.name, "bucket without an le label"))?;
                let bound = parse_float(&le)
                    .filter(|b| !b.is_nan())
                    .ok_or_else(|| err(o, line, "label le", format!("{le:?} is not a number")))?;
                b.buckets.push((bound, s.value));
            }
            (Type::Histogram | Type::Summary, "_sum") => b.sum = Some(s.value),
            (Type::Histogram | Type::Summary, "_count") => b.count = Some(s.value),
            (Type::Summary, "") => {
                let q = quantile.ok_or_else(|| {
                    err(o, line, &s.name, "summary sample without a quantile label")
                })?;
                let qv = parse_float(&q)
                    .filter(|q| (0.0..=1.0).contains(q))
                    .ok_or_else(|| {
                        err(o, line, "label quantile", format!("{q:?} is not in [0, 1]"))
                    })?;
                b.quantiles.push((qv, s.value));
            }
            (Type::Histogram | Type::Summary, other) => {
                return Err(err(
                    o,
                    line,
                    &s.name,
                    format!("unexpected sample {other:?} in a {kind:?} family"),
                ));
            }
            _ => {
                if b.value.is_some() {
                    return Err(err(o, line, &s.name, "the same series appears twice"));
                }
                b.value = Some(s.value);
            }
        }
    }
    builders.into_iter().map(|b| finish(o, b)).collect()
}

fn to_count(v: f64) -> u64 {
    if v.is_finite() && v > 0.0 {
        v as u64
    } else {
        0
    }
}

fn finish(o: &ParseOptions<'_>, b: Builder) -> Result<MetricPoint> {
    let value = match b.kind {
        Type::Counter => MetricKind::Sum {
            value: b.value.unwrap_or(f64::NAN),
            monotonic: true,
        },
        Type::Gauge | Type::Untyped => MetricKind::Gauge {
            value: b.value.unwrap_or(f64::NAN),
        },
        Type::Histogram => {
            let mut buckets = b.buckets;
            buckets.sort_by(|x, y| x.0.total_cmp(&y.0));
            if buckets.windows(2).any(|w| w[0].0 == w[1].0) {
                return Err(err(
                    o,
                    b.first_line,
                    &b.name,
                    "two buckets with the same le",
                ));
            }
            let inf = buckets.last().filter(|x| x.0 == f64::INFINITY).map(|x| x.1);
            let count = b.count.or(inf).unwrap_or(0.0);
            let bounds: Vec<f64> = buckets
                .iter()
                .map(|x| x.0)
                .filter(|x| x.is_finite())
                .collect();
            // Cumulative to per-bucket; the +Inf bucket is the remainder.
            let mut per = Vec::with_capacity(bounds.len() + 1);
            let mut prev = 0.0;
            for (bound, cum) in &buckets {
                if bound.is_finite() {
                    if *cum < prev {
                        return Err(err(
                            o,
                            b.first_line,
                            &b.name,
                            "bucket counts decrease as le grows",
                        ));
                    }
                    per.push(to_count(cum - prev));
                    prev = *cum;
                }
            }
            per.push(to_count(count - prev));
            MetricKind::Histogram {
                count: to_count(count),
                sum: b.sum.unwrap_or(f64::NAN),
                bounds,
                bucket_counts: per,
            }
        }
        Type::Summary => MetricKind::Summary {
            count: to_count(b.count.unwrap_or(0.0)),
            sum: b.sum.unwrap_or(f64::NAN),
            quantiles: b.quantiles,
        },
    };
    Ok(MetricPoint {
        name: b.name,
        service: o.service.to_owned(),
        time_unix_nano: b.time_unix_nano.unwrap_or(o.default_time_unix_nano),
        attributes: b
            .labels
            .into_iter()
            .map(|(k, v)| (k, serde_json::Value::String(v)))
            .collect(),
        value,
    })
}
