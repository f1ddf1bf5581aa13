//! The report for people: the one-sentence answer and a Markdown page.

use std::fmt::Write as _;

use crate::causes::pct;
use crate::report::{Cause, CauseKind, Report, Subject};

/// `HH:MM:SS` UTC of a Unix-ms time.
pub fn clock(ms: i64) -> String {
    let s = ms.div_euclid(1000).rem_euclid(86_400);
    format!("{:02}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
}

fn kind_word(k: CauseKind) -> &'static str {
    match k {
        CauseKind::Latency => "latency",
        CauseKind::Errors => "errors",
        CauseKind::Saturation => "saturation",
        CauseKind::Availability => "unavailability",
    }
}

fn what(c: &Cause) -> String {
    let mut s = match &c.service {
        Some(service) => {
            let mut s = service.clone();
            if let Some(op) = &c.operation {
                let _ = write!(s, " ({op})");
            }
            let _ = write!(s, " {}", kind_word(c.kind));
            s
        }
        None => format!(
            "{} with no linked trace to blame a service",
            kind_word(c.kind)
        ),
    };
    if let Some(r) = &c.region {
        let _ = write!(s, " in {r}");
    }
    s
}

/// The answer in one sentence (two when a change is to blame).
pub fn sentence(r: &Report) -> String {
    let subject = match &r.subject {
        Subject::Slo { slo, .. } => format!("the current burn on {slo}"),
        Subject::Telemetry {} => "the bad requests in the window".to_owned(),
    };
    let Some(c) = r.causes.first() else {
        return if r.bad_events == 0 {
            format!("Nothing is burning: no bad events in the window for {subject}.")
        } else {
            format!(
                "No single slice explains {subject}: {} bad events are spread evenly across regions, journeys and services.",
                r.bad_events
            )
        };
    };
    let mut s = format!("{} of {subject} is {}.", pct(c.share), what(c));
    if let Some(on) = &c.onset {
        let _ = write!(s, " It started at {} UTC", clock(on.at_ms));
        match &c.change {
            Some(ch) => {
                let _ = write!(
                    s,
                    ", {:.0} minutes after {} of {} reached {}.",
                    ch.minutes_before_onset.max(0.0),
                    ch.release.as_deref().map_or_else(
                        || format!("a {} event", ch.kind),
                        |x| format!("release {x}")
                    ),
                    ch.service.as_deref().unwrap_or("the service"),
                    ch.region.as_deref().unwrap_or("every region")
                );
            }
            None => s.push_str(", with no deploy or Kubernetes change to match it."),
        }
    }
    s
}

/// The report as Markdown.
pub fn markdown(r: &Report) -> String {
    markdown_with_charts(r, "")
}

/// The report as Markdown with `charts` (a Markdown section the caller
/// drew) between the onset and the causes.
pub fn markdown_with_charts(r: &Report, charts: &str) -> String {
    let mut m = String::new();
    let title = match &r.subject {
        Subject::Slo { slo, .. } => format!("Why {slo} is burning"),
        Subject::Telemetry {} => "Suspects in the window".to_owned(),
    };
    let _ = writeln!(m, "# {title}\n\n{}\n", r.sentence);
    let _ = writeln!(
        m,
        "Window {}–{} UTC ({} bad of {} events); baseline {}–{} UTC.\n",
        clock(r.window.from_ms),
        clock(r.window.to_ms),
        r.bad_events,
        r.total_events,
        clock(r.baseline.from_ms),
        clock(r.baseline.to_ms)
    );
    if let Some(o) = &r.onset {
        let _ = writeln!(
            m,
            "SLI onset: {} UTC (95% interval {}–{}, {}).\n",
            clock(o.at_ms),
            clock(o.earliest_ms),
            clock(o.latest_ms),
            o.method
        );
    }
    m.push_str(charts);
    let _ = writeln!(m, "## Causes\n");
    if r.causes.is_empty() {
        let _ = writeln!(m, "None found.\n");
    }
    for (i, c) in r.causes.iter().enumerate() {
        let _ = writeln!(
            m,
            "{}. **{}**: {} of the burn, confidence {:.2}{}",
            i + 1,
            what(c),
            pct(c.share),
            c.confidence,
            c.onset
                .as_ref()
                .map(|o| format!(", from {} UTC", clock(o.at_ms)))
                .unwrap_or_default()
        );
        if let Some(ch) = &c.change {
            let _ = writeln!(
                m,
                "   - change: {} (score {:.2}: {})",
                ch.release.as_deref().unwrap_or(&ch.kind),
                ch.score,
                ch.why
            );
        }
        for e in &c.evidence {
            let _ = writeln!(m, "   - {:?}: {} `{}`", e.kind, e.summary, e.ids.join(", "));
        }
    }
    if !r.leading_indicators.is_empty() {
        let _ = writeln!(m, "\n## Leading indicators\n");
        for i in &r.leading_indicators {
            let _ = writeln!(
                m,
                "- {}{}",
                i.summary,
                if i.related { "" } else { " (unrelated)" }
            );
        }
    }
    if !r.red_herrings.is_empty() {
        let _ = writeln!(m, "\n## Ruled out\n");
        for h in &r.red_herrings {
            let _ = writeln!(m, "- {}: {}", h.series, h.why);
        }
    }
    let _ = writeln!(m, "\n_Method: {}._", r.method);
    m
}
