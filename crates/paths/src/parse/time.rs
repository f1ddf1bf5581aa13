//! Timestamps as the formats write them, to Unix ms. No clock is read.

use chrono::DateTime;

/// `10/Oct/2000:13:55:36 -0700` (the Common Log Format's `%t`).
pub fn clf(s: &str) -> Result<i64, String> {
    DateTime::parse_from_str(s, "%d/%b/%Y:%H:%M:%S %z")
        .map(|t| t.timestamp_millis())
        .map_err(|e| format!("bad time {s:?}: {e}"))
}

/// RFC 3339 / ISO 8601 with an offset (`2015-09-06T05:58:05+09:00`,
/// `2018-07-02T22:23:00.186641Z`), or a Unix time in seconds (nginx
/// `$msec`, a number).
pub fn iso(s: &str) -> Result<i64, String> {
    if let Ok(secs) = s.parse::<f64>() {
        return Ok((secs * 1000.0).round() as i64);
    }
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.timestamp_millis())
        .map_err(|e| format!("bad time {s:?}: {e}"))
}
