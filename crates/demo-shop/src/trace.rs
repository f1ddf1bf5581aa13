//! W3C trace context and the in-memory span record.
//!
//! Every service continues the caller's trace: it parses the incoming
//! `traceparent`, opens a child span with a fresh span id, forwards a new
//! `traceparent` naming that span on each outgoing call, and records the span
//! when the response is ready. Spans land in a [`SpanStore`] that the admin API
//! serves (`GET /admin/spans?trace_id=…`), so tests can see the trace tree
//! without a receiver. With an OTLP endpoint the span ids come from the
//! OpenTelemetry SDK span of the request ([`crate::otel`]), so the in-memory
//! record and the exported span are the same span.

use std::sync::Mutex;

use rand::RngCore;
use serde::{Deserialize, Serialize};

/// The `traceparent` header name.
pub const TRACEPARENT: &str = "traceparent";

/// Upper bound on spans kept in memory; the oldest are dropped first so a long
/// demo cannot grow without limit.
pub const MAX_SPANS: usize = 50_000;

/// One hop of a W3C trace: which trace, and which span is the current one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TraceContext {
    /// 32 lowercase hex digits.
    pub trace_id: String,
    /// 16 lowercase hex digits: the span that is running.
    pub span_id: String,
    /// The caller's span, if the trace came from outside this span.
    pub parent_span_id: Option<String>,
    /// Whether the caller asked for this trace to be sampled.
    pub sampled: bool,
}

impl TraceContext {
    /// Continues `incoming` (a `traceparent` header value) with a new child span,
    /// or starts a new trace when it is missing or malformed.
    pub fn continue_or_start(incoming: Option<&str>) -> Self {
        match incoming.and_then(parse_traceparent) {
            Some((trace_id, parent, sampled)) => Self {
                trace_id,
                span_id: new_span_id(),
                parent_span_id: Some(parent),
                sampled,
            },
            None => Self {
                trace_id: new_trace_id(),
                span_id: new_span_id(),
                parent_span_id: None,
                sampled: true,
            },
        }
    }

    /// The `traceparent` to send on an outgoing call: this span is the parent.
    pub fn traceparent(&self) -> String {
        let flags = if self.sampled { "01" } else { "00" };
        format!("00-{}-{}-{flags}", self.trace_id, self.span_id)
    }
}

/// Parses a version-00 `traceparent` into (trace id, parent span id, sampled).
///
/// Returns `None` for anything the spec says to ignore: wrong length, upper-case
/// or non-hex digits, all-zero ids, or version `ff`.
pub fn parse_traceparent(value: &str) -> Option<(String, String, bool)> {
    let parts: Vec<&str> = value.trim().split('-').collect();
    let [version, trace_id, span_id, flags] = parts.as_slice() else {
        // Future versions may append fields; only the first four are read.
        if parts.len() > 4 && parts[0] != "00" {
            return parse_traceparent(&parts[..4].join("-"));
        }
        return None;
    };
    let is_hex = |s: &str, n: usize| {
        s.len() == n
            && s.bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    };
    if !is_hex(version, 2) || *version == "ff" || !is_hex(trace_id, 32) || !is_hex(span_id, 16) {
        return None;
    }
    if !is_hex(flags, 2)
        || trace_id.bytes().all(|b| b == b'0')
        || span_id.bytes().all(|b| b == b'0')
    {
        return None;
    }
    let sampled = u8::from_str_radix(flags, 16).ok()? & 1 == 1;
    Some(((*trace_id).to_owned(), (*span_id).to_owned(), sampled))
}

/// A fresh random 16-byte trace id in hex.
pub fn new_trace_id() -> String {
    let mut b = [0u8; 16];
    rand::rng().fill_bytes(&mut b);
    hex::encode(b)
}

/// A fresh random 8-byte span id in hex.
pub fn new_span_id() -> String {
    let mut b = [0u8; 8];
    rand::rng().fill_bytes(&mut b);
    hex::encode(b)
}

/// One finished server span, as a service saw it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SpanRecord {
    /// Trace the span belongs to.
    pub trace_id: String,
    /// This span.
    pub span_id: String,
    /// The caller's span (`None` for a root).
    pub parent_span_id: Option<String>,
    /// Service that served the request (`frontend`, `payment`, …).
    pub service: String,
    /// Version of that service when the request was served.
    pub version: String,
    /// Region of the stack.
    pub region: String,
    /// Route template (`/products/{sku}`), not the raw path, so ids don't explode cardinality.
    pub route: String,
    /// HTTP method.
    pub method: String,
    /// HTTP status returned.
    pub status: u16,
    /// Start, Unix milliseconds.
    pub start_ms: i64,
    /// Wall duration in milliseconds.
    pub duration_ms: f64,
}

/// Where finished span records go; the in-memory [`SpanStore`] is one. (OTLP
/// export is not a sink: the SDK span lives for the whole request.)
pub trait Telemetry: Send + Sync {
    /// Takes one finished span. Must not block for long: it runs on the request path.
    fn record(&self, span: &SpanRecord);
}

/// Finished spans kept in memory, newest last, bounded by [`MAX_SPANS`].
#[derive(Debug, Default)]
pub struct SpanStore {
    spans: Mutex<std::collections::VecDeque<SpanRecord>>,
}

impl SpanStore {
    /// Spans of one trace (all spans when `trace_id` is `None`), oldest first.
    pub fn query(&self, trace_id: Option<&str>) -> Vec<SpanRecord> {
        let spans = self.spans.lock().unwrap_or_else(|e| e.into_inner());
        spans
            .iter()
            .filter(|s| trace_id.is_none_or(|t| s.trace_id == t))
            .cloned()
            .collect()
    }
}

impl Telemetry for SpanStore {
    fn record(&self, span: &SpanRecord) {
        let mut spans = self.spans.lock().unwrap_or_else(|e| e.into_inner());
        if spans.len() >= MAX_SPANS {
            spans.pop_front();
        }
        spans.push_back(span.clone());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn continues_a_valid_traceparent() {
        let tp = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        let ctx = TraceContext::continue_or_start(Some(tp));
        assert_eq!(ctx.trace_id, "4bf92f3577b34da6a3ce929d0e0e4736");
        assert_eq!(ctx.parent_span_id.as_deref(), Some("00f067aa0ba902b7"));
        assert_ne!(ctx.span_id, "00f067aa0ba902b7");
        assert!(
            ctx.traceparent()
                .starts_with("00-4bf92f3577b34da6a3ce929d0e0e4736-")
        );
    }

    #[test]
    fn rejects_malformed_traceparents() {
        for bad in [
            "",
            "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
            "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
            "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
        ] {
            assert!(parse_traceparent(bad).is_none(), "{bad}");
        }
        let ctx = TraceContext::continue_or_start(Some("garbage"));
        assert!(ctx.parent_span_id.is_none());
        assert_eq!(ctx.trace_id.len(), 32);
    }
}
