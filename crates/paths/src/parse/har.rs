//! HAR 1.2 (browser DevTools, Charles, Insomnia, Firefox exports): each entry
//! is a request. One capture is one browser, so it is one session, named
//! after the file. A UTF-8 byte-order mark is skipped. An entry that cannot
//! be used is a bad "line" numbered by its 1-based entry index.

use std::io::BufRead;

use serde_json::Value;

use crate::error::PathsError;
use crate::parse::{ParseReport, time};
use crate::request::Request;

/// Reads a whole HAR document from `reader`.
pub fn read(
    reader: &mut dyn BufRead,
    file: &str,
    report: &mut ParseReport,
    sink: &mut dyn FnMut(Request),
) -> Result<(), PathsError> {
    let mut bytes = Vec::new();
    reader
        .read_to_end(&mut bytes)
        .map_err(|source| PathsError::Io {
            file: file.to_owned(),
            source,
        })?;
    let body = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(&bytes);
    let doc: Value = serde_json::from_slice(body).map_err(|e| PathsError::Document {
        file: file.to_owned(),
        message: format!("line {}: not a HAR file: {e}", e.line()),
    })?;
    let entries = doc
        .pointer("/log/entries")
        .and_then(Value::as_array)
        .ok_or_else(|| PathsError::Document {
            file: file.to_owned(),
            message: "not a HAR file: no log.entries array".to_owned(),
        })?;
    for (i, e) in entries.iter().enumerate() {
        report.lines += 1;
        match entry(e, file) {
            Ok(r) => {
                report.requests += 1;
                sink(r);
            }
            Err(m) => report.push_bad(i + 1, format!("entry {}: {m}", i + 1)),
        }
    }
    Ok(())
}

fn entry(e: &Value, file: &str) -> Result<Request, String> {
    let started = e
        .get("startedDateTime")
        .and_then(Value::as_str)
        .ok_or("no startedDateTime")?;
    let at_ms = time::iso(started)?;
    let method = e
        .pointer("/request/method")
        .and_then(Value::as_str)
        .ok_or("no request.method")?;
    let url = e
        .pointer("/request/url")
        .and_then(Value::as_str)
        .ok_or("no request.url")?;
    let status = e
        .pointer("/response/status")
        .and_then(Value::as_u64)
        .unwrap_or(0)
        .min(999) as u16;
    let mut r = Request::new(at_ms, method, url, status);
    r.duration_ms = e.get("time").and_then(Value::as_f64).filter(|t| *t >= 0.0);
    r.user_agent = e
        .pointer("/request/headers")
        .and_then(Value::as_array)
        .and_then(|hs| {
            hs.iter().find(|h| {
                h.get("name")
                    .and_then(Value::as_str)
                    .is_some_and(|n| n.eq_ignore_ascii_case("user-agent"))
            })
        })
        .and_then(|h| h.get("value").and_then(Value::as_str))
        .unwrap_or("")
        .to_owned();
    r.client = file.to_owned();
    r.session = Some(format!("har:{file}"));
    Ok(r)
}
