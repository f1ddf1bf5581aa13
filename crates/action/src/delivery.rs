//! The sender's rules, without the network: how long to wait before the next
//! attempt (exponential backoff with a cap, or the receiver's `Retry-After`,
//! whichever is later), and which answers are worth retrying.

/// The first retry waits this long.
pub const BASE_DELAY_MS: i64 = 1_000;
/// No wait is longer than this.
pub const MAX_DELAY_MS: i64 = 5 * 60_000;
/// After this many attempts a notification is given up (kept, marked dead,
/// shown by `sightline notify outbox`).
pub const MAX_ATTEMPTS: u32 = 12;

/// What one attempt came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Attempt {
    /// Delivered (2xx, or the mail server took it).
    Delivered,
    /// Worth trying again: network error, 408, 429, 5xx.
    Retry {
        /// What went wrong, for the outbox.
        reason: String,
        /// The receiver's `Retry-After`, in ms from now.
        retry_after_ms: Option<i64>,
    },
    /// Not worth trying again: the receiver refused the request (4xx) or
    /// the target is misconfigured (a missing secret).
    Refused {
        /// Why.
        reason: String,
    },
}

/// How an HTTP status is taken.
pub fn classify(status: u16, retry_after_ms: Option<i64>, body: &str) -> Attempt {
    let body = super::payload::clip(body.trim(), 300);
    match status {
        200..=299 => Attempt::Delivered,
        408 | 425 | 429 | 500..=599 => Attempt::Retry {
            reason: format!("HTTP {status} {body}").trim().to_owned(),
            retry_after_ms,
        },
        _ => Attempt::Refused {
            reason: format!("HTTP {status} {body}").trim().to_owned(),
        },
    }
}

/// When the next attempt may start, after `attempts` failed ones (1 for the
/// first failure), at `now_ms`.
pub fn next_attempt_at(now_ms: i64, attempts: u32, retry_after_ms: Option<i64>) -> i64 {
    let exp = attempts.saturating_sub(1).min(20);
    let backoff = BASE_DELAY_MS.saturating_mul(1i64 << exp).min(MAX_DELAY_MS);
    now_ms + backoff.max(retry_after_ms.unwrap_or(0).clamp(0, 3_600_000))
}

/// A `Retry-After` header value in ms from `now_ms`: delta-seconds, or an
/// HTTP date.
pub fn parse_retry_after(value: &str, now_ms: i64) -> Option<i64> {
    let v = value.trim();
    if let Ok(s) = v.parse::<i64>() {
        return Some(s.max(0) * 1000);
    }
    let when = chrono::DateTime::parse_from_rfc2822(v).ok()?;
    Some((when.timestamp_millis() - now_ms).max(0))
}
