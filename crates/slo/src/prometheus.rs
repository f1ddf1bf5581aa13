//! Sloth-style Prometheus rules: error-ratio recording rules per window,
//! then multi-window multi-burn-rate alerts over them.
//!
//! Inputs are the runner's `sightline_journey_runs_total{journey,region,outcome}`
//! and `sightline_journey_duration_seconds_bucket{journey,region,outcome,le}`.
//! Availability: bad = `outcome="fail"`, valid = `outcome!="error"`. Latency:
//! good = the bucket `le` equal to the threshold, so the threshold must be one
//! of the histogram's bucket bounds. Step-level SLOs are not exportable (the
//! runner's metrics are per journey).

use std::collections::BTreeSet;

use serde::Serialize;
use sightline_core::SliKind;

use crate::{SloConfig, SloError, window::ResolvedWindow};

#[derive(Serialize)]
struct RuleFile {
    groups: Vec<Group>,
}

#[derive(Serialize)]
struct Group {
    name: String,
    rules: Vec<Rule>,
}

#[derive(Serialize)]
struct Rule {
    #[serde(skip_serializing_if = "Option::is_none")]
    record: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    alert: Option<String>,
    expr: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    keep_firing_for: Option<String>,
    labels: std::collections::BTreeMap<String, String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    annotations: Option<std::collections::BTreeMap<String, String>>,
}

/// Prometheus duration syntax for a millisecond length (`5m`, `6h`, `30d`).
pub fn prom_duration(ms: i64) -> String {
    const UNITS: [(i64, &str); 4] = [
        (86_400_000, "d"),
        (3_600_000, "h"),
        (60_000, "m"),
        (1000, "s"),
    ];
    for (size, unit) in UNITS {
        if ms % size == 0 {
            return format!("{}{unit}", ms / size);
        }
    }
    format!("{ms}ms")
}

/// `v` with at most 12 significant digits, trailing zeros dropped.
fn short_float(v: f64) -> String {
    let text = format!("{:.*e}", 11, v);
    let parsed: f64 = text.parse().unwrap_or(v);
    format!("{parsed}")
}

fn escape(v: &str) -> String {
    v.replace('\\', "\\\\").replace('"', "\\\"")
}

/// The rule file for `configs`, as YAML text.
pub fn export_rules(configs: &[SloConfig]) -> Result<String, SloError> {
    let mut groups = Vec::new();
    for c in configs {
        let d = &c.definition;
        let window = c.validate(None)?;
        if d.filter.step.is_some() {
            return Err(SloError::Unsupported {
                slo: d.name.clone(),
                field: "filter.step".into(),
                message: "runner metrics are per journey; step SLOs cannot be exported".into(),
            });
        }
        if !d.filter.tags.is_empty() {
            return Err(SloError::Unsupported {
                slo: d.name.clone(),
                field: "filter.tags".into(),
                message: "runner metrics carry no journey tags".into(),
            });
        }
        let mut sel = format!("journey=\"{}\"", escape(&d.filter.journey));
        if !d.filter.regions.is_empty() {
            let alts: Vec<_> = d.filter.regions.iter().map(|r| escape(r)).collect();
            sel.push_str(&format!(",region=~\"{}\"", alts.join("|")));
        }
        let period = match window {
            ResolvedWindow::Rolling { len_ms } => len_ms,
            ResolvedWindow::Calendar { .. } => window.nominal_period_ms(),
        };
        let mut windows = BTreeSet::new();
        for r in &c.policy.rules {
            windows.insert(r.long_window_ms);
            windows.insert(r.short_window_ms);
        }
        let labels = |extra: &[(&str, &str)]| {
            let mut m = std::collections::BTreeMap::new();
            m.insert("sightline_slo".to_owned(), d.name.clone());
            m.insert("journey".to_owned(), d.filter.journey.clone());
            for (k, v) in extra {
                m.insert((*k).to_owned(), (*v).to_owned());
            }
            m
        };
        let mut recording = Vec::new();
        for &w in &windows {
            let pw = prom_duration(w);
            let expr = match d.sli {
                SliKind::Availability => format!(
                    "(sum(rate(sightline_journey_runs_total{{{sel},outcome=\"fail\"}}[{pw}])))\n/\n\
                     (sum(rate(sightline_journey_runs_total{{{sel},outcome!=\"error\"}}[{pw}])))"
                ),
                SliKind::Latency { threshold_ms }
                | SliKind::AvailabilityAndLatency { threshold_ms } => {
                    let le = format!("{}", threshold_ms as f64 / 1000.0);
                    let good_outcome = if matches!(d.sli, SliKind::Latency { .. }) {
                        "outcome!=\"error\""
                    } else {
                        "outcome=\"pass\""
                    };
                    format!(
                        "1 - (\n  (sum(rate(sightline_journey_duration_seconds_bucket{{{sel},{good_outcome},le=\"{le}\"}}[{pw}])))\n  /\n\
                         \x20 (sum(rate(sightline_journey_duration_seconds_count{{{sel},outcome!=\"error\"}}[{pw}])))\n)"
                    )
                }
            };
            recording.push(Rule {
                record: Some(format!("slo:sli_error:ratio_rate{pw}")),
                alert: None,
                expr,
                keep_firing_for: None,
                labels: labels(&[("sightline_window", &pw)]),
                annotations: None,
            });
        }
        recording.push(Rule {
            record: Some("slo:objective:ratio".into()),
            alert: None,
            expr: format!("vector({})", d.target),
            keep_firing_for: None,
            labels: labels(&[]),
            annotations: None,
        });
        recording.push(Rule {
            record: Some("slo:error_budget:ratio".into()),
            alert: None,
            expr: format!("vector(1 - {})", d.target),
            keep_firing_for: None,
            labels: labels(&[]),
            annotations: None,
        });
        let mut alerts = Vec::new();
        // 1 - 0.999 is 0.0010000000000000009 in binary; print what was meant.
        let bf = short_float(d.budget_fraction());
        for r in &c.policy.rules {
            let rate = short_float(r.burn_rate_threshold(period));
            let metric = |w: i64| {
                format!(
                    "slo:sli_error:ratio_rate{}{{sightline_slo=\"{}\"}}",
                    prom_duration(w),
                    escape(&d.name)
                )
            };
            let (lw, sw) = (
                prom_duration(r.long_window_ms),
                prom_duration(r.short_window_ms),
            );
            let expr = format!(
                "(\n  {} >= ({rate} * {bf})\n  and ignoring (sightline_window)\n  {} >= ({rate} * {bf})\n)",
                metric(r.long_window_ms),
                metric(r.short_window_ms)
            );
            let mut ann = std::collections::BTreeMap::new();
            ann.insert(
                "summary".to_owned(),
                format!(
                    "{} is burning its error budget {rate}x too fast ({lw}/{sw})",
                    d.name
                ),
            );
            alerts.push(Rule {
                record: None,
                alert: Some(format!(
                    "SightlineSloBurn{}",
                    if r.severity.as_str() == "page" {
                        "Page"
                    } else {
                        "Ticket"
                    }
                )),
                expr,
                keep_firing_for: (r.keep_firing_for_ms > 0)
                    .then(|| prom_duration(r.keep_firing_for_ms)),
                labels: labels(&[
                    ("severity", r.severity.as_str()),
                    ("long_window", &lw),
                    ("short_window", &sw),
                ]),
                annotations: Some(ann),
            });
        }
        groups.push(Group {
            name: format!("sightline-slo-sli-recordings-{}", d.name),
            rules: recording,
        });
        groups.push(Group {
            name: format!("sightline-slo-alerts-{}", d.name),
            rules: alerts,
        });
    }
    serde_norway::to_string(&RuleFile { groups }).map_err(|e| SloError::Unsupported {
        slo: String::new(),
        field: "rules".into(),
        message: e.to_string(),
    })
}
