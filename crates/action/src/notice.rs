//! What a notification says, before it takes any target's shape: one alert
//! transition (or policy event) with the numbers, the attribution sentence
//! when one exists, and the `sightline://` link that opens it in the app.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// What happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum NoticeKind {
    /// A burn-rate alert fired.
    Firing,
    /// It resolved.
    Resolved,
    /// Someone acknowledged its incident.
    Acknowledged,
    /// An error-budget policy rule started to hold.
    Policy,
}

impl NoticeKind {
    /// The word used in output and payloads.
    pub fn as_str(self) -> &'static str {
        match self {
            NoticeKind::Firing => "firing",
            NoticeKind::Resolved => "resolved",
            NoticeKind::Acknowledged => "acknowledged",
            NoticeKind::Policy => "policy",
        }
    }
}

/// One notification's content.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Notice {
    /// Stable for one alert episode across its transitions
    /// (`SLO/rule/firing-ms`): PagerDuty's `dedup_key`, so the resolve closes
    /// the incident the trigger opened.
    pub key: String,
    /// What happened.
    pub kind: NoticeKind,
    /// The SLO.
    pub slo: String,
    /// `page` or `ticket`.
    pub severity: String,
    /// The service the attribution blames, when it names one.
    pub service: Option<String>,
    /// One line: what and how bad.
    pub title: String,
    /// The attribution engine's sentence, when it found a cause.
    pub attribution: Option<String>,
    /// Regions whose own burn crossed the threshold.
    pub regions: Vec<String>,
    /// The long window's burn rate.
    pub burn_rate: Option<f64>,
    /// The rule's threshold.
    pub threshold: Option<f64>,
    /// The rule's windows, e.g. `1h/5m`.
    pub windows: Option<String>,
    /// When it happened, Unix ms.
    pub at_ms: i64,
    /// Opens it in the app.
    pub link: String,
}

/// The deep link of one alert episode.
pub fn alert_link(slo: &str, rule: u32, firing_at_ms: i64) -> String {
    format!(
        "sightline://alert/{}/{rule}/{firing_at_ms}",
        percent_encode(slo)
    )
}

/// The stable key of one alert episode.
pub fn alert_key(slo: &str, rule: u32, firing_at_ms: i64) -> String {
    format!("{slo}/{rule}/{firing_at_ms}")
}

fn percent_encode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

impl Notice {
    /// The notice of an alert transition.
    #[allow(clippy::too_many_arguments)]
    pub fn alert(
        kind: NoticeKind,
        slo: &str,
        rule: u32,
        severity: &str,
        firing_at_ms: i64,
        at_ms: i64,
        burn_rate: Option<f64>,
        threshold: f64,
        windows: &str,
        regions: &[String],
        attribution: Option<(&str, Option<&str>)>,
    ) -> Self {
        let title = match kind {
            NoticeKind::Firing => {
                let burn = burn_rate
                    .map(|b| format!("burning {b:.1}x the budget rate over {windows} (threshold {threshold:.1}x)"))
                    .unwrap_or_else(|| format!("burn over {windows} crossed {threshold:.1}x"));
                let where_ = if regions.is_empty() {
                    String::new()
                } else {
                    format!(" in {}", regions.join(", "))
                };
                format!("[{severity}] {slo} is {burn}{where_}")
            }
            NoticeKind::Resolved => {
                format!("[resolved] {slo}: the {severity} alert ({windows}) resolved")
            }
            NoticeKind::Acknowledged => {
                format!("[acknowledged] {slo}: the {severity} alert's incident was acknowledged")
            }
            NoticeKind::Policy => format!("[policy] {slo}"),
        };
        Notice {
            key: alert_key(slo, rule, firing_at_ms),
            kind,
            slo: slo.to_owned(),
            severity: severity.to_owned(),
            service: attribution.and_then(|(_, s)| s.map(str::to_owned)),
            title,
            attribution: attribution.map(|(s, _)| s.to_owned()),
            regions: regions.to_vec(),
            burn_rate,
            threshold: Some(threshold),
            windows: Some(windows.to_owned()),
            at_ms,
            link: alert_link(slo, rule, firing_at_ms),
        }
    }
}
