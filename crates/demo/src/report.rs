//! The report a headless demo writes on exit, as Markdown and as HTML: what
//! the scenario did, which SLO alerted where and when, the failing runs with
//! their traces, the deploys, and the ground truth to check it against.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::Serialize;
use sightline_api::attribution::Report;
use sightline_api::slo::status::{StatusDoc, rfc3339_ms};
use sightline_demo_shop::ScenarioLabels;

use crate::timeline::Timeline;
use crate::view::clock;

/// Everything the report says.
#[derive(Debug, Clone, Serialize)]
pub struct DemoReport {
    /// The scenario played.
    pub scenario: String,
    /// Its description.
    pub description: String,
    /// The database that holds it all.
    pub db: String,
    /// When the live part began and ended.
    pub started_ms: i64,
    /// See `started_ms`.
    pub ended_ms: i64,
    /// Simulated history rows written before the live part.
    pub simulated_runs: u64,
    /// The SLOs at the end.
    pub status: StatusDoc,
    /// What happened live.
    pub timeline: Timeline,
    /// Stored spans per failing run's trace id.
    pub spans_per_trace: BTreeMap<String, u64>,
    /// Per failing run's trace id, the span where the backend error began.
    pub error_span_per_trace: BTreeMap<String, String>,
    /// The scenario's ground truth.
    pub labels: Option<ScenarioLabels>,
    /// The attribution report stored with the first alert that fired.
    pub attribution: Option<Report>,
}

fn pct(v: Option<f64>) -> String {
    v.map_or_else(|| "-".to_owned(), |v| format!("{:.3}%", v * 100.0))
}

impl DemoReport {
    /// The headline sentences.
    pub fn headline(&self) -> Vec<String> {
        let mut out = Vec::new();
        let t0 = self.started_ms;
        match self.timeline.first_firing() {
            Some(a) => {
                let regions = if a.regions.is_empty() {
                    "all regions".to_owned()
                } else {
                    a.regions.join(", ")
                };
                let mut s = format!(
                    "The {} alert of {} fired at {} ({}/{} burn {:.1}, threshold {:.1}) in {regions}.",
                    a.severity,
                    a.slo,
                    clock(t0, a.at_ms),
                    a.long_window,
                    a.short_window,
                    a.burn_rate.unwrap_or(0.0),
                    a.threshold
                );
                if let Some(d) = self
                    .timeline
                    .deploys
                    .iter()
                    .rev()
                    .find(|d| d.at_ms <= a.at_ms)
                {
                    let _ = write!(
                        s,
                        " It followed the deploy of {} to {} at {} by {} s.",
                        d.release_id,
                        d.region.as_deref().unwrap_or("every region"),
                        clock(t0, d.at_ms),
                        (a.at_ms - d.at_ms) / 1000
                    );
                }
                out.push(s);
                if let Some(r) = &self.attribution {
                    out.push(format!("Attribution: {}", r.sentence));
                }
            }
            None => out.push("No SLO alert fired.".to_owned()),
        }
        if !self.timeline.gate.is_empty() {
            let steps: Vec<String> = self
                .timeline
                .gate
                .iter()
                .map(|g| {
                    format!(
                        "{} at {} (exit {})",
                        g.outcome,
                        clock(t0, g.at_ms),
                        g.exit_code
                    )
                })
                .collect();
            out.push(format!(
                "Release gate for payment@2.4.2: {}.",
                steps.join(" → ")
            ));
        }
        for (region, outcomes) in &self.timeline.runs {
            let pass = outcomes.get("pass").copied().unwrap_or(0);
            let fail = outcomes.get("fail").copied().unwrap_or(0);
            let error = outcomes.get("error").copied().unwrap_or(0);
            out.push(format!(
                "{region}: {pass} live runs passed, {fail} failed, {error} runner errors."
            ));
        }
        out
    }

    /// The report as Markdown.
    pub fn markdown(&self) -> String {
        let mut m = String::new();
        let t0 = self.started_ms;
        let _ = writeln!(m, "# Sightline demo: {}\n", self.scenario);
        let _ = writeln!(m, "{}\n", self.description.trim());
        let _ = writeln!(
            m,
            "Live from {} to {} ({}). Database: `{}`. {} simulated history runs before the live part \
             (labelled `simulated`); everything below from the live part is real runs in headless Chromium.\n",
            rfc3339_ms(self.started_ms),
            rfc3339_ms(self.ended_ms),
            clock(t0, self.ended_ms),
            self.db,
            self.simulated_runs
        );
        let _ = writeln!(m, "## What happened\n");
        for s in self.headline() {
            let _ = writeln!(m, "- {s}");
        }
        let _ = writeln!(m, "\n## SLOs at the end\n");
        let _ = writeln!(
            m,
            "| SLO | SLI | target | budget left | alert |\n|---|---|---|---|---|"
        );
        for s in &self.status.slos {
            let _ = writeln!(
                m,
                "| {} | {} | {} | {} | {} |",
                s.name,
                pct(s.sli),
                pct(Some(s.target)),
                pct(s.budget.remaining_fraction),
                s.alert_state
            );
        }
        let _ = writeln!(m, "\n## Alerts\n");
        if self.timeline.alerts.is_empty() {
            let _ = writeln!(m, "None.");
        } else {
            let _ = writeln!(
                m,
                "| at | change | severity | SLO | windows | burn | threshold | regions |\n|---|---|---|---|---|---|---|---|"
            );
            for a in &self.timeline.alerts {
                let _ = writeln!(
                    m,
                    "| {} | {} | {} | {} | {}/{} | {} | {:.1} | {} |",
                    clock(t0, a.at_ms),
                    a.change,
                    a.severity,
                    a.slo,
                    a.long_window,
                    a.short_window,
                    a.burn_rate.map_or("-".into(), |b| format!("{b:.1}")),
                    a.threshold,
                    if a.regions.is_empty() {
                        "all".into()
                    } else {
                        a.regions.join(", ")
                    }
                );
            }
        }
        let _ = writeln!(m, "\n## Deploys\n");
        if self.timeline.deploys.is_empty() {
            let _ = writeln!(m, "None.");
        }
        for d in &self.timeline.deploys {
            let _ = writeln!(
                m,
                "- {} `{}` to {}",
                clock(t0, d.at_ms),
                d.release_id,
                d.region.as_deref().unwrap_or("every region")
            );
        }
        let _ = writeln!(m, "\n## Failing runs\n");
        if self.timeline.failures.is_empty() {
            let _ = writeln!(m, "None.");
        } else {
            let _ = writeln!(
                m,
                "| at | journey | region | step | class | trace | spans stored | backend error |\n|---|---|---|---|---|---|---|---|"
            );
            for f in &self.timeline.failures {
                let spans = f
                    .trace_id
                    .as_ref()
                    .and_then(|t| self.spans_per_trace.get(t))
                    .copied()
                    .unwrap_or(0);
                let error = f
                    .trace_id
                    .as_ref()
                    .and_then(|t| self.error_span_per_trace.get(t))
                    .map_or("-", String::as_str);
                let _ = writeln!(
                    m,
                    "| {} | {} | {} | {} | {} | `{}` | {spans} | {} |",
                    clock(t0, f.at_ms),
                    f.journey,
                    f.region,
                    f.step.as_deref().unwrap_or("-"),
                    f.class,
                    f.trace_id.as_deref().unwrap_or("-"),
                    error.replace('|', "/"),
                );
            }
        }
        let _ = writeln!(m, "\n## Why it is burning\n");
        let _ = writeln!(
            m,
            "Attribution (which slice carries the burn, its onset, the change that preceded it and \
             the span that explains it) is the attribution engine's job and is not built yet. This \
             section will hold its ranked, evidenced answer. Until then, the evidence is above: the \
             region named by the alert, the failing step, the deploy before it, and the traces."
        );
        if let Some(l) = &self.labels {
            let _ = writeln!(m, "\n## Ground truth (the scenario's labels)\n");
            for c in &l.causes {
                let _ = writeln!(
                    m,
                    "- cause: {} in {} ({}, release {}), {}..{}",
                    c.cause_service,
                    c.region,
                    c.kind,
                    c.release.as_deref().unwrap_or("-"),
                    clock(t0, c.start_ms),
                    clock(t0, c.end_ms)
                );
            }
            for h in &l.red_herrings {
                let _ = writeln!(
                    m,
                    "- red herring: {} in {} ({}), no user impact",
                    h.cause_service, h.region, h.kind
                );
            }
        }
        m
    }

    /// The report as a standalone HTML page (no scripts, no remote content).
    pub fn html(&self) -> String {
        let body = markdown_to_html(&self.markdown());
        format!(
            "<!doctype html><html lang=en><head><meta charset=utf-8><title>Sightline demo: {}</title>\
             <style>body{{font:15px/1.5 system-ui,sans-serif;max-width:72rem;margin:2rem auto;padding:0 1rem;color:#1d2433}}\
             table{{border-collapse:collapse;margin:.5rem 0}}td,th{{border:1px solid #d5dae3;padding:.25rem .6rem;text-align:left}}\
             th{{background:#f2f4f8}}code{{font-size:90%}}h1{{font-size:1.6rem}}\
             @media (prefers-color-scheme:dark){{body{{background:#11151c;color:#dde3ee}}th{{background:#1d2430}}td,th{{border-color:#333c4a}}}}</style>\
             </head><body>{body}</body></html>\n",
            escape(&self.scenario)
        )
    }
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Inline code spans, with escaping.
fn inline(s: &str) -> String {
    let mut out = String::new();
    for (i, part) in s.split('`').enumerate() {
        if i % 2 == 1 {
            let _ = write!(out, "<code>{}</code>", escape(part));
        } else {
            out.push_str(&escape(part));
        }
    }
    out
}

/// The small Markdown subset [`DemoReport::markdown`] writes: headings,
/// paragraphs, bullet lists, pipe tables and inline code.
fn markdown_to_html(md: &str) -> String {
    let mut out = String::new();
    let mut in_list = false;
    let mut table: Vec<Vec<String>> = Vec::new();
    let flush_table = |table: &mut Vec<Vec<String>>, out: &mut String| {
        if table.is_empty() {
            return;
        }
        out.push_str("<table>");
        for (i, row) in table.iter().enumerate() {
            out.push_str("<tr>");
            for c in row {
                let tag = if i == 0 { "th" } else { "td" };
                let _ = write!(out, "<{tag}>{}</{tag}>", inline(c));
            }
            out.push_str("</tr>");
        }
        out.push_str("</table>\n");
        table.clear();
    };
    for line in md.lines() {
        let t = line.trim();
        if t.starts_with('|') {
            let cells: Vec<String> = t
                .trim_matches('|')
                .split('|')
                .map(|c| c.trim().to_owned())
                .collect();
            if !cells.iter().all(|c| c.chars().all(|ch| ch == '-')) {
                table.push(cells);
            }
            continue;
        }
        flush_table(&mut table, &mut out);
        if let Some(item) = t.strip_prefix("- ") {
            if !in_list {
                out.push_str("<ul>");
                in_list = true;
            }
            let _ = write!(out, "<li>{}</li>", inline(item));
            continue;
        }
        if in_list {
            out.push_str("</ul>\n");
            in_list = false;
        }
        if let Some(h) = t.strip_prefix("## ") {
            let _ = writeln!(out, "<h2>{}</h2>", inline(h));
        } else if let Some(h) = t.strip_prefix("# ") {
            let _ = writeln!(out, "<h1>{}</h1>", inline(h));
        } else if !t.is_empty() {
            let _ = writeln!(out, "<p>{}</p>", inline(t));
        }
    }
    flush_table(&mut table, &mut out);
    if in_list {
        out.push_str("</ul>\n");
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn markdown_subset_renders_and_escapes() {
        let html =
            super::markdown_to_html("# T <x>\n\n- a `b<c>`\n\n| h | i |\n|---|---|\n| 1 | 2 |\n");
        assert!(html.contains("<h1>T &lt;x&gt;</h1>"), "{html}");
        assert!(
            html.contains("<li>a <code>b&lt;c&gt;</code></li>"),
            "{html}"
        );
        assert!(
            html.contains("<tr><th>h</th><th>i</th></tr><tr><td>1</td><td>2</td></tr>"),
            "{html}"
        );
    }
}
