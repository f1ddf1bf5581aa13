//! The demo's SLOs and their alert policy.
//!
//! The Google SRE Workbook policy pages when 2% of a 30-day budget burns in
//! an hour (14.4x over 1h, confirmed over 5m). A partial outage in one region
//! of three (a third of its checkouts failing) takes over half an hour to
//! reach that, which no one watches on a first run. The demo therefore runs
//! its alerts on a compressed clock: every window and budget share of the
//! Workbook policy divided by [`DEMO_COMPRESSION`], which keeps the burn-rate
//! thresholds themselves (14.4, 6, 1). So 1h/5m becomes 12m/1m at 14.4x. The
//! SLO windows (30 days) and the runs are real. A firing alert keeps firing
//! for two short windows after its condition last held, so the few runs a
//! compressed short window holds cannot make it flap. The policy is written into
//! the demo's `slos/*.yaml`, so every number can be checked by hand.

use sightline_core::{SliKind, SloDefinition, SloFilter, SloWindow};
use sightline_slo::SloConfig;
use sightline_slo::alert::{AlertPolicy, AlertRule};

/// How much faster than the Workbook the demo's alert windows are.
pub const DEMO_COMPRESSION: i64 = 5;

/// The Workbook policy with windows and budget shares divided by
/// [`DEMO_COMPRESSION`]: the same burn-rate thresholds, shorter windows.
pub fn demo_policy() -> AlertPolicy {
    let workbook = AlertPolicy::default();
    AlertPolicy {
        rules: workbook
            .rules
            .into_iter()
            .map(|r| AlertRule {
                long_window_ms: r.long_window_ms / DEMO_COMPRESSION,
                short_window_ms: r.short_window_ms / DEMO_COMPRESSION,
                budget_percent: r.budget_percent / DEMO_COMPRESSION as f64,
                // A compressed short window holds few runs (three checkouts
                // a minute per region): keep firing for two of them so a
                // lucky minute in the middle of an outage does not flap.
                keep_firing_for_ms: 2 * r.short_window_ms / DEMO_COMPRESSION,
                ..r
            })
            .collect(),
    }
}

fn slo(
    name: &str,
    description: &str,
    journey: &str,
    sli: SliKind,
    step: Option<&str>,
    target: f64,
) -> SloConfig {
    SloConfig {
        definition: SloDefinition {
            name: name.to_owned(),
            description: description.to_owned(),
            sli,
            filter: SloFilter {
                journey: journey.to_owned(),
                step: step.map(str::to_owned),
                regions: vec![],
                tags: vec![],
            },
            target,
            window: SloWindow::Rolling { days: 30 },
        },
        policy: demo_policy(),
    }
}

/// The four demo SLOs: checkout availability, checkout latency (the pay
/// step), login availability and the API journey's availability.
pub fn demo_slos() -> Vec<SloConfig> {
    vec![
        slo(
            "checkout-availability",
            "Signed-in customers can buy: the checkout journey succeeds.",
            "demo-checkout",
            SliKind::Availability,
            None,
            0.999,
        ),
        slo(
            "checkout-latency",
            "Placing the order answers within 1.5 s.",
            "demo-checkout",
            SliKind::Latency {
                threshold_ms: 1_500,
            },
            Some("Place the order"),
            0.99,
        ),
        slo(
            "login-availability",
            "Returning customers can sign in.",
            "demo-login",
            SliKind::Availability,
            None,
            0.995,
        ),
        slo(
            "api-availability",
            "The REST API places orders and reports their status.",
            "demo-api-order-status",
            SliKind::Availability,
            None,
            0.999,
        ),
    ]
}

/// The SLOs as the YAML `slos/*.yaml` holds (one list), for the demo's
/// project folder, where the CLI and the app read them.
pub fn demo_slos_yaml() -> String {
    let mut out = String::from(
        "# The demo's SLOs. Alert windows are the Workbook's divided by 5 (see\n\
         # docs/demo.md): 12m/1m and 72m/6m pages, a 14.4h/72m ticket.\n",
    );
    let docs: Vec<serde_json::Value> = demo_slos()
        .iter()
        .map(|c| {
            let mut v = serde_json::to_value(&c.definition).unwrap_or_default();
            if let Some(m) = v.as_object_mut() {
                m.insert(
                    "policy".into(),
                    serde_json::to_value(&c.policy).unwrap_or_default(),
                );
            }
            v
        })
        .collect();
    out.push_str(&serde_norway::to_string(&docs).unwrap_or_default());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_policy_keeps_the_workbook_burn_rates_on_shorter_windows() {
        let period = 30 * 86_400_000;
        let wb = AlertPolicy::default();
        let demo = demo_policy();
        for (w, d) in wb.rules.iter().zip(&demo.rules) {
            assert_eq!(d.long_window_ms * DEMO_COMPRESSION, w.long_window_ms);
            assert!((d.burn_rate_threshold(period) - w.burn_rate_threshold(period)).abs() < 1e-9);
        }
        assert_eq!(demo.rules[0].long_window_ms, 12 * 60_000);
        assert_eq!(demo.rules[0].short_window_ms, 60_000);
    }

    #[test]
    fn the_yaml_reads_back_as_the_same_slos() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("demo.yaml");
        std::fs::write(&file, demo_slos_yaml()).unwrap();
        let loaded = sightline_api::slo::load_slos(dir.path()).unwrap();
        let configs: Vec<SloConfig> = loaded.into_iter().map(|l| l.config).collect();
        assert_eq!(configs, demo_slos());
    }
}
