//! The live terminal view of a headless demo: the SLO table with the demo
//! policy's burn windows, live runs per region, recent failures and alerts.
//! Pure text, redrawn by the caller.

use std::fmt::Write as _;

use sightline_api::slo::live::LiveSlos;
use sightline_slo::prometheus::prom_duration;

use crate::slos::demo_policy;
use crate::timeline::Timeline;

/// `mm:ss` since `from_ms`.
pub fn clock(from_ms: i64, at_ms: i64) -> String {
    let s = (at_ms - from_ms).max(0) / 1000;
    format!("{:02}:{:02}", s / 60, s % 60)
}

fn pct(v: Option<f64>, digits: usize) -> String {
    v.map_or_else(|| "-".to_owned(), |v| format!("{:.*}%", digits, v * 100.0))
}

fn rate(v: Option<f64>) -> String {
    v.map_or_else(|| "-".to_owned(), |v| format!("{v:.1}"))
}

/// The whole screen at `at_ms`.
pub fn render(
    title: &str,
    live: &LiveSlos,
    timeline: &Timeline,
    regions: &[String],
    at_ms: i64,
) -> String {
    let mut out = String::new();
    let policy = demo_policy();
    let windows: Vec<i64> = {
        let mut w: Vec<i64> = policy.rules.iter().map(|r| r.long_window_ms).collect();
        w.dedup();
        w
    };
    let _ = writeln!(out, "{title} · {} live", clock(timeline.started_ms, at_ms));
    let mut header = format!(
        "{:<24} {:>9} {:>7} {:>11}",
        "SLO", "SLI", "target", "budget left"
    );
    for w in &windows {
        let _ = write!(header, " {:>8}", format!("burn {}", prom_duration(*w)));
    }
    header.push_str("  alert");
    let _ = writeln!(out, "{header}");
    let status = live.status(at_ms);
    for s in &status.slos {
        let mut line = format!(
            "{:<24} {:>9} {:>7} {:>11}",
            s.name,
            pct(s.sli, 3),
            pct(Some(s.target), 1),
            pct(s.budget.remaining_fraction, 1)
        );
        for w in &windows {
            let b = live
                .engine()
                .burn_rate(&s.name, at_ms, *w)
                .ok()
                .and_then(|b| b.rate);
            let _ = write!(line, " {:>8}", rate(b));
        }
        let open: Vec<_> = timeline.alerts.iter().filter(|a| a.slo == s.name).fold(
            Vec::new(),
            |mut acc: Vec<&sightline_api::slo::live::AlertChange>, a| {
                acc.retain(|x| x.rule != a.rule);
                if a.change == "firing" {
                    acc.push(a);
                }
                acc
            },
        );
        if open.is_empty() {
            line.push_str("  ok");
        } else {
            let regions: Vec<&str> = open
                .iter()
                .flat_map(|a| a.regions.iter().map(String::as_str))
                .collect::<std::collections::BTreeSet<_>>()
                .into_iter()
                .collect();
            let _ = write!(
                line,
                "  FIRING {} ({})",
                open.iter()
                    .map(|a| a.severity.as_str())
                    .collect::<Vec<_>>()
                    .join("+"),
                if regions.is_empty() {
                    "all regions".to_owned()
                } else {
                    regions.join(", ")
                }
            );
        }
        let _ = writeln!(out, "{line}");
    }
    let _ = writeln!(out);
    let mut runs = String::from("live runs:");
    for r in regions {
        let _ = write!(
            runs,
            "  {r} {} pass {} fail {} error",
            timeline.count(r, "pass"),
            timeline.count(r, "fail"),
            timeline.count(r, "error")
        );
    }
    let _ = writeln!(out, "{runs}");
    if !timeline.deploys.is_empty() {
        let _ = writeln!(out, "deploys:");
        for d in &timeline.deploys {
            let _ = writeln!(
                out,
                "  {}  {} to {}",
                clock(timeline.started_ms, d.at_ms),
                d.release_id,
                d.region.as_deref().unwrap_or("every region")
            );
        }
    }
    let _ = writeln!(out, "recent failures:");
    if timeline.recent_failures.is_empty() {
        let _ = writeln!(out, "  none");
    }
    for f in &timeline.recent_failures {
        let _ = writeln!(
            out,
            "  {}  {} {} at {:?}: {} {} (trace {})",
            clock(timeline.started_ms, f.at_ms),
            f.journey,
            f.region,
            f.step.as_deref().unwrap_or("-"),
            f.class,
            first_line(&f.message, 70),
            f.trace_id.as_deref().map_or("-", |t| &t[..t.len().min(12)])
        );
    }
    let _ = writeln!(out, "alerts:");
    if timeline.alerts.is_empty() {
        let _ = writeln!(out, "  none");
    }
    for a in &timeline.alerts {
        if a.change == "resolved" {
            let _ = writeln!(
                out,
                "  {}  RESOLVED {} {} {}/{}",
                clock(timeline.started_ms, a.at_ms),
                a.severity,
                a.slo,
                a.long_window,
                a.short_window
            );
            continue;
        }
        let _ = writeln!(
            out,
            "  {}  {} {} {} {}/{} burn {} >= {:.1} in {}",
            clock(timeline.started_ms, a.at_ms),
            a.change.to_uppercase(),
            a.severity,
            a.slo,
            a.long_window,
            a.short_window,
            rate(a.burn_rate),
            a.threshold,
            if a.regions.is_empty() {
                "all regions".to_owned()
            } else {
                a.regions.join(", ")
            }
        );
    }
    out
}

fn first_line(s: &str, max: usize) -> String {
    s.lines().next().unwrap_or("").chars().take(max).collect()
}
