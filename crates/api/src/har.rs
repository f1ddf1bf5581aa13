//! Reading a run's HAR 1.2 file into the run viewer's network table.
//!
//! Only the fields the table shows are read; everything else in the file is
//! ignored, so HAR files from Chrome DevTools, Playwright or a later Sightline
//! capture all load. A malformed file is reported with the JSON path of the
//! first bad field, never as a panic.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// The most rows the table gets; a page that made more requests is cut, and
/// the answer says how many there were.
pub const MAX_ENTRIES: usize = 5_000;

#[derive(Deserialize)]
struct HarFile {
    log: HarLog,
}

#[derive(Deserialize)]
struct HarLog {
    #[serde(default)]
    entries: Vec<HarEntry>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct HarEntry {
    started_date_time: String,
    #[serde(default)]
    time: f64,
    request: HarRequest,
    response: HarResponse,
}

#[derive(Deserialize)]
struct HarRequest {
    method: String,
    url: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct HarResponse {
    status: i64,
    #[serde(default)]
    content: Option<HarContent>,
    #[serde(default)]
    body_size: Option<i64>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct HarContent {
    #[serde(default)]
    size: Option<i64>,
    #[serde(default)]
    mime_type: Option<String>,
}

/// One request of the network table.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct NetworkEntry {
    /// When it started, relative to the first request, in ms; null when the
    /// file's timestamp does not parse.
    pub offset_ms: Option<f64>,
    /// HTTP method.
    pub method: String,
    /// The URL (as captured; Sightline redacts secrets before writing HAR).
    pub url: String,
    /// HTTP status; 0 when the request got no answer.
    pub status: i64,
    /// The response's media type.
    pub mime_type: Option<String>,
    /// The response body's size in bytes, when known.
    pub size_bytes: Option<i64>,
    /// Total time of the request, ms.
    pub time_ms: f64,
}

/// The table from a HAR file: its rows and how many the file held.
#[derive(Debug, Clone, PartialEq)]
pub struct NetworkTable {
    /// The rows, at most [`MAX_ENTRIES`].
    pub entries: Vec<NetworkEntry>,
    /// How many requests the file held.
    pub total: usize,
}

fn parse_time_ms(text: &str) -> Option<f64> {
    chrono::DateTime::parse_from_rfc3339(text)
        .ok()
        .map(|t| t.timestamp_micros() as f64 / 1000.0)
}

/// Parses a HAR 1.2 document.
pub fn parse(bytes: &[u8]) -> Result<NetworkTable, String> {
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    let file: HarFile = serde_path_to_error::deserialize(de)
        .map_err(|e| format!("HAR {}: {}", e.path(), e.inner()))?;
    let total = file.log.entries.len();
    let starts: Vec<Option<f64>> = file
        .log
        .entries
        .iter()
        .map(|e| parse_time_ms(&e.started_date_time))
        .collect();
    let first = starts.iter().flatten().copied().reduce(f64::min);
    let entries = file
        .log
        .entries
        .into_iter()
        .zip(starts)
        .take(MAX_ENTRIES)
        .map(|(e, start)| NetworkEntry {
            offset_ms: start.zip(first).map(|(s, f)| s - f),
            method: e.request.method,
            url: e.request.url,
            status: e.response.status,
            mime_type: e
                .response
                .content
                .as_ref()
                .and_then(|c| c.mime_type.clone()),
            size_bytes: e
                .response
                .content
                .as_ref()
                .and_then(|c| c.size)
                .filter(|s| *s >= 0)
                .or(e.response.body_size.filter(|s| *s >= 0)),
            time_ms: e.time,
        })
        .collect();
    Ok(NetworkTable { entries, total })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_fields_the_table_shows() {
        let har = br#"{"log":{"version":"1.2","creator":{"name":"x","version":"1"},"entries":[
          {"startedDateTime":"2026-02-03T10:00:00.000Z","time":120.5,
           "request":{"method":"GET","url":"http://127.0.0.1/","headers":[]},
           "response":{"status":200,"content":{"size":512,"mimeType":"text/html"}},
           "timings":{"send":1,"wait":100,"receive":19.5}},
          {"startedDateTime":"2026-02-03T10:00:00.250Z","time":30,
           "request":{"method":"POST","url":"http://127.0.0.1/api"},
           "response":{"status":504,"bodySize":10}}]}}"#;
        let t = parse(har).unwrap();
        assert_eq!(t.total, 2);
        assert_eq!(t.entries[0].offset_ms, Some(0.0));
        assert_eq!(t.entries[1].offset_ms, Some(250.0));
        assert_eq!(t.entries[0].mime_type.as_deref(), Some("text/html"));
        assert_eq!(t.entries[0].size_bytes, Some(512));
        assert_eq!(t.entries[1].size_bytes, Some(10));
        assert_eq!(t.entries[1].status, 504);
    }

    #[test]
    fn a_malformed_file_names_the_bad_field() {
        let err = parse(br#"{"log":{"entries":[{"startedDateTime":"x","request":{"method":"GET"},"response":{"status":200}}]}}"#)
            .unwrap_err();
        assert!(err.contains("log.entries[0].request"), "{err}");
        assert!(parse(b"not json").is_err());
    }
}
