//! OTLP JSON Lines files: what the OpenTelemetry Collector's `file` exporter
//! writes, one `TracesData`, `LogsData` or `MetricsData` object per line,
//! gzip or plain.
//!
//! Files are streamed line by line, so a file larger than memory is fine:
//! only one line is decoded at a time. Which signal a line holds is read
//! from its top-level key (`resourceSpans`, `resourceLogs`,
//! `resourceMetrics`); a file may mix them.

use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use opentelemetry_proto::tonic::collector::logs::v1::ExportLogsServiceRequest;
use opentelemetry_proto::tonic::collector::metrics::v1::ExportMetricsServiceRequest;
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use sightline_core::{LogRecord, MetricPoint, Span};

use crate::otlp::convert;

/// The longest line read; a longer one is a bad line, not an allocation.
pub const MAX_LINE_BYTES: usize = 64 << 20;

/// What one line held, converted.
#[derive(Debug, Clone, PartialEq)]
pub enum Decoded {
    /// Spans.
    Spans(Vec<Span>),
    /// Log records.
    Logs(Vec<LogRecord>),
    /// Metric points.
    Metrics(Vec<MetricPoint>),
}

/// A line that could not be used.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct BadLine {
    /// 1-based line number.
    pub line: usize,
    /// What is wrong with it.
    pub message: String,
}

fn reject<T>(c: &convert::Converted<T>) -> Option<String> {
    (c.rejected > 0).then(|| {
        format!(
            "{} item(s) rejected; first: {}",
            c.rejected,
            c.first_error.clone().unwrap_or_default()
        )
    })
}

/// Decodes one line. An item that fails validation makes the whole line bad,
/// so an import never keeps half a line.
pub fn decode_line(line: &str) -> Result<Decoded, String> {
    let head = line.trim_start();
    let key_at = |k: &str| head.find(k);
    let which = [
        ("\"resourceSpans\"", 0),
        ("\"resourceLogs\"", 1),
        ("\"resourceMetrics\"", 2),
    ]
    .into_iter()
    .filter_map(|(k, i)| key_at(k).map(|p| (p, i)))
    .min()
    .map(|(_, i)| i);
    if matches!(head.trim_end(), "{" | "[") {
        return Err(
            "the start of a pretty-printed JSON document, not JSON Lines: put each export on one line (`jq -c . FILE`)"
                .to_owned(),
        );
    }
    let err = |e: serde_json::Error| format!("not OTLP JSON: {e}");
    match which {
        Some(0) => {
            let req: ExportTraceServiceRequest = serde_json::from_str(line).map_err(err)?;
            let c = convert::traces::convert(&req);
            reject(&c).map_or(Ok(Decoded::Spans(c.items)), Err)
        }
        Some(1) => {
            let req: ExportLogsServiceRequest = serde_json::from_str(line).map_err(err)?;
            let c = convert::logs::convert(&req);
            reject(&c).map_or(Ok(Decoded::Logs(c.items)), Err)
        }
        Some(2) => {
            let req: ExportMetricsServiceRequest = serde_json::from_str(line).map_err(err)?;
            let c = convert::metrics::convert(&req);
            reject(&c).map_or(Ok(Decoded::Metrics(c.items)), Err)
        }
        _ => {
            Err("not an OTLP export: no resourceSpans, resourceLogs or resourceMetrics".to_owned())
        }
    }
}

/// Opens `path`, gunzipping when it starts with the gzip magic bytes.
pub fn open(path: &Path) -> std::io::Result<Box<dyn BufRead>> {
    let mut file = std::fs::File::open(path)?;
    let mut magic = [0u8; 2];
    let n = file.read(&mut magic)?;
    let file = std::fs::File::open(path)?;
    Ok(if n == 2 && magic == [0x1f, 0x8b] {
        Box::new(BufReader::new(flate2::read::MultiGzDecoder::new(file)))
    } else {
        Box::new(BufReader::new(file))
    })
}

/// Calls `f` with each good line of `path`, in order, and returns the bad
/// ones. Blank lines are skipped. An I/O error (a truncated gzip stream, say)
/// ends the read and is returned as the error.
pub fn for_each_line(
    path: &Path,
    mut f: impl FnMut(usize, Decoded) -> Result<(), String>,
) -> std::io::Result<Vec<BadLine>> {
    let mut reader = open(path)?;
    let mut bad = Vec::new();
    let mut buf = Vec::new();
    let mut n = 0usize;
    loop {
        buf.clear();
        let read = (&mut reader)
            .take(MAX_LINE_BYTES as u64 + 1)
            .read_until(b'\n', &mut buf)?;
        if read == 0 {
            break;
        }
        n += 1;
        if buf.len() > MAX_LINE_BYTES {
            bad.push(BadLine {
                line: n,
                message: format!("line longer than {MAX_LINE_BYTES} bytes"),
            });
            // Skip the rest of the over-long line.
            let mut rest = Vec::new();
            reader.read_until(b'\n', &mut rest)?;
            continue;
        }
        let Ok(text) = std::str::from_utf8(&buf) else {
            bad.push(BadLine {
                line: n,
                message: "not UTF-8".into(),
            });
            continue;
        };
        if text.trim().is_empty() {
            continue;
        }
        match decode_line(text.trim_end()) {
            Ok(d) => {
                if let Err(message) = f(n, d) {
                    bad.push(BadLine { line: n, message });
                }
            }
            Err(message) => bad.push(BadLine { line: n, message }),
        }
    }
    Ok(bad)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_told_apart_by_their_signal() {
        let spans = r#"{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"a"}}]},"scopeSpans":[{"spans":[{"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174","name":"x","kind":2,"startTimeUnixNano":"1","endTimeUnixNano":"2"}]}]}]}"#;
        assert!(matches!(decode_line(spans), Ok(Decoded::Spans(v)) if v.len() == 1));
        assert!(
            matches!(decode_line(r#"{"resourceLogs":[]}"#), Ok(Decoded::Logs(v)) if v.is_empty())
        );
        assert!(
            matches!(decode_line(r#"{"resourceMetrics":[]}"#), Ok(Decoded::Metrics(v)) if v.is_empty())
        );
        assert!(decode_line("{").unwrap_err().contains("pretty-printed"));
        assert!(
            decode_line(r#"{"other":1}"#)
                .unwrap_err()
                .contains("not an OTLP export")
        );
        // Not hex: the JSON does not decode.
        let not_hex = spans.replace("eee19b7ec3c1b174", "xx");
        assert!(decode_line(&not_hex).unwrap_err().contains("not OTLP JSON"));
        // Decodes, but the all-zero trace id is invalid: one bad item makes the line bad.
        let zero = spans.replace(
            "5b8efff798038103d269b633813fc60c",
            "00000000000000000000000000000000",
        );
        let err = decode_line(&zero).unwrap_err();
        assert!(err.contains("rejected") && err.contains("traceId"), "{err}");
    }
}
