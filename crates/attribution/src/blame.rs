//! Trace blame: which span of a bad trace is at fault.
//!
//! - For errors, the span where the error originates: the deepest span with
//!   an error status whose children all succeeded.
//! - For latency, the span whose self-time on the critical path grew most
//!   against the baseline's median self-time for the same service and
//!   operation.

use std::collections::HashMap;

use sightline_core::{Span, SpanStatus};

use crate::report::CauseKind;

/// The spans of each trace.
pub type Traces<'a> = HashMap<&'a str, Vec<&'a Span>>;

/// Groups spans by trace.
pub fn by_trace(spans: &[Span]) -> Traces<'_> {
    let mut t: Traces<'_> = HashMap::new();
    for s in spans {
        t.entry(s.trace_id.as_str()).or_default().push(s);
    }
    t
}

/// The operation a span stands for: its route when it has one, else its name.
pub fn operation(s: &Span) -> String {
    s.http_route.clone().map_or_else(
        || s.name.clone(),
        |r| {
            if s.name.ends_with(&r) {
                s.name.clone()
            } else {
                format!("{} {r}", s.name)
            }
        },
    )
}

/// What one bad trace is blamed on.
#[derive(Debug, Clone, PartialEq)]
pub struct Blame {
    /// The service.
    pub service: String,
    /// Its operation.
    pub operation: String,
    /// The region of the span.
    pub region: Option<String>,
    /// The version of the service that served it.
    pub version: Option<String>,
    /// The trace.
    pub trace_id: String,
    /// The span.
    pub span_id: String,
    /// How it went bad.
    pub kind: CauseKind,
    /// For latency: self-time growth over the baseline, ms.
    pub growth_ms: Option<f64>,
    /// The span's status message or status code, for people.
    pub detail: String,
}

fn children<'a>(spans: &[&'a Span]) -> HashMap<&'a str, Vec<&'a Span>> {
    let mut c: HashMap<&str, Vec<&Span>> = HashMap::new();
    for s in spans {
        if let Some(p) = &s.parent_span_id {
            c.entry(p.as_str()).or_default().push(s);
        }
    }
    c
}

fn depth(s: &Span, by_id: &HashMap<&str, &Span>) -> usize {
    let mut d = 0;
    let mut cur = s;
    while let Some(p) = cur.parent_span_id.as_deref().and_then(|p| by_id.get(p)) {
        d += 1;
        cur = p;
        if d > 256 {
            break;
        }
    }
    d
}

/// The kind a failing span shows, from its status code and message.
pub fn error_kind(s: &Span) -> CauseKind {
    let msg = s
        .status_message
        .as_deref()
        .unwrap_or("")
        .to_ascii_lowercase();
    if msg.contains("pool") || msg.contains("queue") || s.http_status_code == Some(429) {
        CauseKind::Saturation
    } else if msg.contains("timed out")
        || msg.contains("timeout")
        || s.http_status_code == Some(504)
    {
        CauseKind::Latency
    } else if s.http_status_code == Some(503)
        || msg.contains("unavailable")
        || msg.contains("refused")
        || msg.contains("restart")
    {
        CauseKind::Availability
    } else {
        CauseKind::Errors
    }
}

fn is_error(s: &Span) -> bool {
    s.status == SpanStatus::Error || s.http_status_code.is_some_and(|c| c >= 500)
}

/// The span where the trace's error originates.
pub fn error_origin<'a>(spans: &[&'a Span]) -> Option<&'a Span> {
    let by_id: HashMap<&str, &Span> = spans.iter().map(|s| (s.span_id.as_str(), *s)).collect();
    let kids = children(spans);
    spans
        .iter()
        .copied()
        .filter(|s| is_error(s))
        .filter(|s| {
            kids.get(s.span_id.as_str())
                .is_none_or(|c| c.iter().all(|k| !is_error(k)))
        })
        .max_by_key(|s| (depth(s, &by_id), std::cmp::Reverse(s.start_time_unix_nano)))
}

/// Self-time of each span on the critical path of each root, in ms.
///
/// The critical path is walked as Jaeger does: from a span's end backwards,
/// take the child that ends last (before the cursor), recurse into it, move
/// the cursor to its start, and repeat; so calls made one after another are
/// all on the path, and of overlapping calls only the one that finished last.
/// A span's self-time is its duration less the critical children in it.
pub fn critical_self_times<'a>(spans: &[&'a Span]) -> Vec<(&'a Span, f64)> {
    let ids: std::collections::HashSet<&str> = spans.iter().map(|s| s.span_id.as_str()).collect();
    let kids = children(spans);
    let mut out = Vec::new();
    let mut stack: Vec<(&Span, usize)> = spans
        .iter()
        .filter(|s| s.parent_span_id.as_deref().is_none_or(|p| !ids.contains(p)))
        .map(|s| (*s, 0))
        .collect();
    while let Some((cur, depth)) = stack.pop() {
        if depth > 64 || out.len() > 10_000 {
            break;
        }
        let start = cur.start_time_unix_nano;
        let end = start + cur.duration_nano;
        let mut cs: Vec<&Span> = kids.get(cur.span_id.as_str()).cloned().unwrap_or_default();
        cs.sort_by_key(|c| std::cmp::Reverse(c.start_time_unix_nano + c.duration_nano));
        let mut cursor = end;
        let mut covered = 0i64;
        for c in cs {
            let c_end = (c.start_time_unix_nano + c.duration_nano).min(end);
            if c_end > cursor {
                continue;
            }
            let c_start = c.start_time_unix_nano.max(start);
            if c_end > c_start {
                covered += c_end - c_start;
            }
            cursor = c_start;
            stack.push((c, depth + 1));
        }
        out.push((cur, (cur.duration_nano - covered).max(0) as f64 / 1e6));
    }
    out
}

/// Median critical-path self-time per (service, operation), from baseline traces.
#[derive(Debug, Default, Clone)]
pub struct SelfTimeBaseline {
    medians: HashMap<(String, String), f64>,
    durations: HashMap<(String, String), f64>,
}

fn medians(all: HashMap<(String, String), Vec<f64>>) -> HashMap<(String, String), f64> {
    all.into_iter()
        .map(|(k, mut v)| {
            v.sort_by(f64::total_cmp);
            (k, v[v.len() / 2])
        })
        .collect()
}

impl SelfTimeBaseline {
    /// Learns the medians from good traces.
    pub fn learn<'a>(traces: impl Iterator<Item = &'a [&'a Span]>) -> Self {
        let mut own: HashMap<(String, String), Vec<f64>> = HashMap::new();
        let mut whole: HashMap<(String, String), Vec<f64>> = HashMap::new();
        for t in traces {
            for (s, ms) in critical_self_times(t) {
                own.entry((s.service.clone(), operation(s)))
                    .or_default()
                    .push(ms);
            }
            for s in t {
                whole
                    .entry((s.service.clone(), operation(s)))
                    .or_default()
                    .push(s.duration_nano as f64 / 1e6);
            }
        }
        SelfTimeBaseline {
            medians: medians(own),
            durations: medians(whole),
        }
    }

    /// The baseline median critical-path self-time for a span's service and operation.
    pub fn median(&self, s: &Span) -> Option<f64> {
        self.medians
            .get(&(s.service.clone(), operation(s)))
            .copied()
    }

    /// The baseline median duration for a span's service and operation.
    pub fn median_duration(&self, s: &Span) -> Option<f64> {
        self.durations
            .get(&(s.service.clone(), operation(s)))
            .copied()
    }
}

/// The span of `spans` whose critical self-time grew most over `baseline`.
pub fn latency_origin<'a>(
    spans: &[&'a Span],
    baseline: &SelfTimeBaseline,
) -> Option<(&'a Span, f64)> {
    let mut growth: HashMap<&str, (&Span, f64)> = HashMap::new();
    for (s, ms) in critical_self_times(spans) {
        let base = baseline.median(s).unwrap_or(0.0);
        let e = growth.entry(s.span_id.as_str()).or_insert((s, 0.0));
        e.1 += ms - base;
    }
    // Growth under 20 ms is noise, not a culprit.
    growth
        .into_values()
        .filter(|(_, g)| *g > 20.0)
        .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.span_id.cmp(&a.0.span_id)))
}

/// Blames one bad trace: errors first, else latency.
pub fn blame(spans: &[&Span], slow: bool, baseline: &SelfTimeBaseline) -> Option<Blame> {
    let make = |s: &Span, kind, growth_ms, detail: String| Blame {
        service: s.service.clone(),
        operation: operation(s),
        region: s.region.clone(),
        version: s.service_version.clone(),
        trace_id: s.trace_id.clone(),
        span_id: s.span_id.clone(),
        kind,
        growth_ms,
        detail,
    };
    if !slow && let Some(s) = error_origin(spans) {
        let detail = match (&s.status_message, s.http_status_code) {
            (Some(m), Some(c)) if !m.is_empty() => format!("{c}: {m}"),
            (Some(m), None) if !m.is_empty() => m.clone(),
            (_, Some(c)) => format!("HTTP {c}"),
            _ => "error status".to_owned(),
        };
        return Some(make(s, error_kind(s), None, detail));
    }
    let (s, g) = latency_origin(spans, baseline)?;
    Some(make(
        s,
        CauseKind::Latency,
        Some(g),
        format!("+{g:.0} ms self-time on the critical path"),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use sightline_core::SpanKind;

    pub(crate) fn span(
        id: &str,
        parent: Option<&str>,
        service: &str,
        start_ms: i64,
        dur_ms: i64,
        error: bool,
    ) -> Span {
        Span {
            trace_id: "t1".into(),
            span_id: id.into(),
            parent_span_id: parent.map(str::to_owned),
            service: service.into(),
            name: format!("POST /{service}"),
            kind: SpanKind::Server,
            start_time_unix_nano: start_ms * 1_000_000,
            duration_nano: dur_ms * 1_000_000,
            status: if error {
                SpanStatus::Error
            } else {
                SpanStatus::Unset
            },
            status_message: error.then(|| "boom".to_owned()),
            http_route: None,
            http_status_code: Some(if error { 500 } else { 200 }),
            db_system: None,
            rpc_system: None,
            rpc_service: None,
            rpc_method: None,
            region: Some("us-east-1".into()),
            service_version: Some("1.0".into()),
            pod: None,
            attributes: Default::default(),
        }
    }

    #[test]
    fn the_error_origin_is_the_deepest_failing_span_with_healthy_children() {
        let spans = [
            span("a", Some("runner"), "frontend", 0, 100, true),
            span("b", Some("a"), "payment", 10, 50, true),
            span("c", Some("b"), "db", 20, 10, false),
            span("d", Some("a"), "inventory", 70, 10, false),
        ];
        let refs: Vec<&Span> = spans.iter().collect();
        assert_eq!(error_origin(&refs).map(|s| s.span_id.as_str()), Some("b"));
        let b = blame(&refs, false, &SelfTimeBaseline::default()).unwrap();
        assert_eq!((b.service.as_str(), b.kind), ("payment", CauseKind::Errors));
    }

    #[test]
    fn sequential_calls_are_all_on_the_critical_path_and_overlapped_ones_are_not() {
        let spans = [
            span("a", None, "frontend", 0, 100, false),
            span("b", Some("a"), "inventory", 10, 40, false),
            span("c", Some("a"), "payment", 55, 40, false),
            // Overlaps payment and ends before it: off the path.
            span("d", Some("a"), "catalog", 60, 20, false),
        ];
        let refs: Vec<&Span> = spans.iter().collect();
        let on_path: Vec<&str> = critical_self_times(&refs)
            .iter()
            .map(|(s, _)| s.service.as_str())
            .collect();
        assert!(
            on_path.contains(&"inventory") && on_path.contains(&"payment"),
            "{on_path:?}"
        );
        assert!(!on_path.contains(&"catalog"), "{on_path:?}");
        let frontend = critical_self_times(&refs)
            .into_iter()
            .find(|(s, _)| s.service == "frontend")
            .unwrap();
        assert!((frontend.1 - 20.0).abs() < 1e-6);
    }

    #[test]
    fn latency_blame_follows_self_time_growth_on_the_critical_path() {
        let base = [
            span("a", None, "frontend", 0, 60, false),
            span("b", Some("a"), "payment", 10, 40, false),
        ];
        let slow = [
            span("a", None, "frontend", 0, 1060, false),
            span("b", Some("a"), "payment", 10, 1040, false),
        ];
        let base_refs: Vec<&Span> = base.iter().collect();
        let baseline = SelfTimeBaseline::learn(std::iter::once(base_refs.as_slice()));
        let refs: Vec<&Span> = slow.iter().collect();
        let self_times = critical_self_times(&refs);
        assert_eq!(self_times.len(), 2);
        assert!(
            (self_times[0].1 - 20.0).abs() < 1e-6,
            "frontend keeps 20 ms of its own"
        );
        let b = blame(&refs, true, &baseline).unwrap();
        assert_eq!(b.service, "payment");
        assert!((b.growth_ms.unwrap() - 1000.0).abs() < 1e-6);
    }
}
