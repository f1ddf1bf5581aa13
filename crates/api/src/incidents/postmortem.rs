//! The postmortem draft: what the database measured, laid out for the
//! authors, with the parts only people can write marked as such. It never
//! names a cause the attribution engine did not find.

use std::fmt::Write as _;

use super::IncidentView;
use crate::slo::status::rfc3339_ms;

fn minutes(ms: i64) -> String {
    let s = ms.max(0) / 1000;
    if s < 60 {
        format!("{s} s")
    } else {
        format!("{} min {} s", s / 60, s % 60)
    }
}

/// The draft as Markdown. `now_ms` stamps it (passed in, so the same
/// incident always gives the same draft).
pub fn markdown(
    v: &IncidentView,
    journey: Option<&str>,
    target: Option<f64>,
    now_ms: i64,
) -> String {
    markdown_with_charts(v, journey, target, now_ms, "")
}

/// The draft with `charts` (a Markdown section, see
/// [`crate::report_files::charts_section`]) after the detection and
/// resolution times.
pub fn markdown_with_charts(
    v: &IncidentView,
    journey: Option<&str>,
    target: Option<f64>,
    now_ms: i64,
    charts: &str,
) -> String {
    let i = &v.incident;
    let mut m = String::new();
    let _ = writeln!(m, "# Postmortem draft: incident {} ({})\n", i.id, i.title);
    let _ = writeln!(
        m,
        "> Drafted by Sightline at {}. Sections marked *measured* come from the database; sections marked \
         *to write* are for the authors. The root cause is the attribution engine's finding with its \
         evidence, or says that none was found: Sightline does not guess.\n",
        rfc3339_ms(now_ms)
    );

    let _ = writeln!(m, "## Summary (measured)\n");
    match &v.report {
        Some(r) => {
            let _ = writeln!(m, "{}\n", r.sentence);
        }
        None => {
            let _ = writeln!(
                m,
                "The attribution engine produced no report for this incident.\n"
            );
        }
    }
    let state = match i.state.as_str() {
        "resolved" => format!("resolved at {}", rfc3339_ms(i.state_at_ms)),
        "acknowledged" => format!(
            "acknowledged at {}, not resolved yet",
            rfc3339_ms(i.state_at_ms)
        ),
        _ => "still open".to_owned(),
    };
    let _ = writeln!(
        m,
        "The incident opened at {} on {} and is {state}.\n",
        rfc3339_ms(i.opened_at_ms),
        i.slo
    );

    let _ = writeln!(m, "## Impact (measured)\n");
    match journey {
        Some(j) => {
            let pct = if v.runs == 0 {
                0.0
            } else {
                v.bad_runs as f64 * 100.0 / v.runs as f64
            };
            let _ = writeln!(
                m,
                "- Journey `{j}`: {} of {} runs bad ({pct:.1}%) from {} to {}.",
                v.bad_runs,
                v.runs,
                rfc3339_ms(v.started_ms),
                rfc3339_ms(v.ended_ms)
            );
            let _ = writeln!(
                m,
                "- Regions with bad runs: {}.",
                if v.regions.is_empty() {
                    "none".to_owned()
                } else {
                    v.regions.join(", ")
                }
            );
            if let Some(t) = target {
                let _ = writeln!(
                    m,
                    "- At the {:.2}% target, {} bad runs use the error budget of {:.0} runs.",
                    t * 100.0,
                    v.bad_runs,
                    v.bad_runs as f64 / (1.0 - t).max(1e-9)
                );
            }
        }
        None => {
            let _ = writeln!(
                m,
                "- The SLO's definition was not found, so runs were not counted."
            );
        }
    }
    let _ = writeln!(
        m,
        "- Duration: {} (onset to {}).\n",
        minutes(v.ended_ms - v.started_ms),
        if i.state == "resolved" {
            "resolution"
        } else {
            "now"
        }
    );

    let _ = writeln!(m, "## Detection and resolution (measured)\n");
    let fired = v
        .timeline
        .iter()
        .find(|e| e.kind == "alert_fired")
        .map(|e| e.at_ms);
    let onset = v.report.as_ref().and_then(|r| {
        r.causes
            .first()
            .and_then(|c| c.onset.as_ref())
            .or(r.onset.as_ref())
    });
    if let (Some(o), Some(f)) = (onset, fired) {
        let _ = writeln!(
            m,
            "- Onset {} (the engine's estimate; 95% interval {} to {}); first page {}: **detected after {}**.",
            rfc3339_ms(o.at_ms),
            rfc3339_ms(o.earliest_ms),
            rfc3339_ms(o.latest_ms),
            rfc3339_ms(f),
            minutes(f - o.at_ms)
        );
    }
    if let (Some(f), "resolved") = (fired, i.state.as_str()) {
        let _ = writeln!(
            m,
            "- Resolved {}: **{} after the page**.",
            rfc3339_ms(i.state_at_ms),
            minutes(i.state_at_ms - f)
        );
    }
    let _ = writeln!(m);
    m.push_str(charts);

    let _ = writeln!(
        m,
        "## Timeline (measured)\n\n| time (UTC) | what | link |\n|---|---|---|"
    );
    for e in &v.timeline {
        // State changes already say who; notes and questions get their author.
        let who = match (&e.by, e.kind.as_str()) {
            (Some(b), "note" | "question") => format!(" ({b})"),
            _ => String::new(),
        };
        let summary = if e.kind == "question" {
            format!("asked \"{}\"", e.summary)
        } else {
            e.summary.clone()
        };
        let summary = summary.replace('|', "\\|");
        let _ = writeln!(
            m,
            "| {} | {}{who} | {} |",
            rfc3339_ms(e.at_ms),
            summary,
            e.link.as_deref().unwrap_or("")
        );
    }
    let _ = writeln!(m);

    let _ = writeln!(
        m,
        "## Root cause (measured: the attribution engine's finding)\n"
    );
    match v.report.as_ref().filter(|r| !r.causes.is_empty()) {
        None => {
            let _ = writeln!(
                m,
                "No cause was found by the engine. *To write*: what the authors found.\n"
            );
        }
        Some(r) => {
            for (n, c) in r.causes.iter().enumerate() {
                let _ = writeln!(
                    m,
                    "{}. {} {} in {}: {:.0}% of the burn, confidence {:.2}.",
                    n + 1,
                    c.service.as_deref().unwrap_or("(no service)"),
                    format!("{:?}", c.kind).to_lowercase(),
                    c.region.as_deref().unwrap_or("every region"),
                    c.share * 100.0,
                    c.confidence
                );
                if let Some(ch) = &c.change {
                    let _ = writeln!(
                        m,
                        "   - Change: {} ({}).",
                        ch.release.as_deref().unwrap_or(&ch.kind),
                        ch.why
                    );
                }
                for e in c.evidence.iter().take(6) {
                    let _ = writeln!(
                        m,
                        "   - Evidence ({:?}): {} `{}`",
                        e.kind,
                        e.summary,
                        e.ids.join(", ")
                    );
                }
            }
            if !r.red_herrings.is_empty() {
                let _ = writeln!(m, "\nRuled out:\n");
                for h in &r.red_herrings {
                    let _ = writeln!(m, "- {}: {}", h.series, h.why);
                }
            }
            let _ = writeln!(m);
        }
    }

    let _ = writeln!(m, "## Open questions (to write)\n");
    if let Some(ch) = v
        .report
        .as_ref()
        .and_then(|r| r.causes.first())
        .and_then(|c| c.change.as_ref())
    {
        let _ = writeln!(
            m,
            "- What let {} reach {} without a gate stopping it?",
            ch.release.as_deref().unwrap_or("the change"),
            ch.region.as_deref().unwrap_or("production")
        );
    }
    if let (Some(o), Some(f)) = (onset, fired) {
        let _ = writeln!(
            m,
            "- Detection took {}: is the alert policy fast enough for this SLO?",
            minutes(f - o.at_ms)
        );
    }
    let _ = writeln!(
        m,
        "- What did the responders see first, and what did they do?\n"
    );
    let _ = writeln!(
        m,
        "## Action items (to write)\n\n| action | owner | due |\n|---|---|---|\n|  |  |  |"
    );
    m
}
