//! The frontend's access log, as nginx in front of it would write it: one
//! Combined Log Format line per request with `$request_time` (seconds)
//! appended, the format `sightline discover` reads (`--format combined`).
//!
//! ```text
//! 10.0.0.7 - - [02/Mar/2026:09:00:01 +0000] "GET /products/SOCK-1 HTTP/1.1" 200 2154 "-" "Mozilla/5.0 …" 0.004
//! ```
//!
//! The client is the first address of `X-Forwarded-For` when the request
//! has one (the shop listens on loopback only, so whatever sends it is the
//! proxy in front, as with nginx's `real_ip_header`), else the peer's
//! loopback address. Off unless [`crate::ShopConfig::access_log`] names a
//! file; lines are appended, so a file can hold several runs.

use std::fs::{File, OpenOptions};
use std::io::{LineWriter, Write as _};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use axum::body::HttpBody as _;
use axum::extract::{Request, State};
use axum::http::HeaderMap;
use axum::http::header::{REFERER, USER_AGENT};
use axum::middleware::Next;
use axum::response::Response;

use crate::ShopError;

/// An open access log.
#[derive(Debug)]
pub struct AccessLog {
    path: PathBuf,
    out: Mutex<LineWriter<File>>,
}

impl AccessLog {
    /// Opens `path` for appending, creating it.
    pub fn open(path: &Path) -> Result<Arc<Self>, ShopError> {
        let file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .map_err(|source| ShopError::Write {
                path: path.display().to_string(),
                source,
            })?;
        Ok(Arc::new(Self {
            path: path.to_owned(),
            out: Mutex::new(LineWriter::new(file)),
        }))
    }

    /// The file it writes.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn write(&self, line: &str) {
        let mut out = self
            .out
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Err(e) = out.write_all(line.as_bytes()) {
            tracing::warn!(error = %e, path = %self.path.display(), "access log write failed");
        }
    }
}

/// The client address: `X-Forwarded-For`'s first entry, else loopback.
fn client(headers: &HeaderMap) -> String {
    headers
        .get("x-forwarded-for")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(',').next())
        .map(str::trim)
        .filter(|v| !v.is_empty() && !v.contains(char::is_whitespace))
        .unwrap_or("127.0.0.1")
        .to_owned()
}

/// A header's value for a quoted log field, `-` when absent; quotes and
/// control characters are escaped as nginx does (`\x22`).
fn quoted(headers: &HeaderMap, name: axum::http::HeaderName) -> String {
    let Some(v) = headers.get(name) else {
        return "-".to_owned();
    };
    let mut out = String::new();
    for b in v.as_bytes() {
        match b {
            b'"' | b'\\' | 0..=0x1f | 0x7f.. => out.push_str(&format!("\\x{b:02X}")),
            _ => out.push(char::from(*b)),
        }
    }
    out
}

/// The CLF time of Unix ms `ms`, in UTC.
fn clf_time(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms).map_or_else(
        || "01/Jan/1970:00:00:00 +0000".to_owned(),
        |t| t.format("%d/%b/%Y:%H:%M:%S +0000").to_string(),
    )
}

/// Middleware writing one line per request once its response is ready.
pub async fn log_request(State(log): State<Arc<AccessLog>>, req: Request, next: Next) -> Response {
    let started = Instant::now();
    let at_ms = crate::now_ms();
    let headers = req.headers();
    let (ip, referer, agent) = (
        client(headers),
        quoted(headers, REFERER),
        quoted(headers, USER_AGENT),
    );
    let method = req.method().to_string();
    let target = req
        .uri()
        .path_and_query()
        .map_or_else(|| req.uri().path().to_owned(), |p| p.as_str().to_owned());
    let version = format!("{:?}", req.version());
    let response = next.run(req).await;
    let bytes = response
        .body()
        .size_hint()
        .exact()
        .map_or_else(|| "-".to_owned(), |n| n.to_string());
    log.write(&format!(
        "{ip} - - [{}] \"{method} {target} {version}\" {} {bytes} \"{referer}\" \"{agent}\" {:.3}\n",
        clf_time(at_ms),
        response.status().as_u16(),
        started.elapsed().as_secs_f64()
    ));
    response
}

#[cfg(test)]
mod tests {
    use axum::http::{HeaderMap, HeaderValue};

    use super::*;

    #[test]
    fn the_client_is_the_first_forwarded_address() {
        let mut h = HeaderMap::new();
        assert_eq!(client(&h), "127.0.0.1");
        h.insert(
            "x-forwarded-for",
            HeaderValue::from_static("10.0.0.7, 127.0.0.1"),
        );
        assert_eq!(client(&h), "10.0.0.7");
        h.insert("x-forwarded-for", HeaderValue::from_static("a b"));
        assert_eq!(client(&h), "127.0.0.1", "a malformed header is ignored");
    }

    #[test]
    fn quotes_in_agents_are_escaped_and_times_are_clf() {
        let mut h = HeaderMap::new();
        assert_eq!(quoted(&h, USER_AGENT), "-");
        h.insert(USER_AGENT, HeaderValue::from_static("say \"hi\""));
        assert_eq!(quoted(&h, USER_AGENT), "say \\x22hi\\x22");
        assert_eq!(clf_time(1_772_442_001_000), "02/Mar/2026:09:00:01 +0000");
    }
}
