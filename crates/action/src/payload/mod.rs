//! The shapes each target reads, built from [`crate::notice::Notice`]s and
//! checked against the published limits before they go out.

pub mod email;
pub mod pagerduty;
pub mod slack;
pub mod webhook;

/// Cuts `s` to at most `max` characters, ending with `…` when cut.
pub fn clip(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_owned();
    }
    let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}
