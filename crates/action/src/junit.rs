//! The gate's verdict as a JUnit XML report, the form CI systems (GitHub
//! Actions reporters, GitLab's `artifacts:reports:junit`, Jenkins) read: one
//! test case per SLO check and per journey, the reason as the failure
//! message. It follows the Ant JUnit schema: `testsuites` > `testsuite` >
//! `testcase` with `failure`, `error` or `skipped`.

use std::fmt::Write;

use crate::verdict::{CheckStatus, Verdict};

/// Renders `v` as a JUnit XML document.
pub fn render(v: &Verdict) -> String {
    let timestamp = chrono::DateTime::from_timestamp_millis(v.at_ms)
        .map(|t| t.format("%Y-%m-%dT%H:%M:%S").to_string())
        .unwrap_or_default();
    let mut slo_cases = String::new();
    let (mut slo_fail, mut slo_err, mut slo_skip) = (0, 0, 0);
    for c in &v.checks {
        let _ = writeln!(
            slo_cases,
            "    <testcase classname=\"sightline.gate.slo\" name=\"{}\" time=\"0\">",
            esc(&c.slo)
        );
        match c.status {
            CheckStatus::Blocked => {
                slo_fail += 1;
                let _ = writeln!(
                    slo_cases,
                    "      <failure message=\"{}\" type=\"blocked\">{}</failure>",
                    esc(&c.reason),
                    esc(&detail(c))
                );
            }
            CheckStatus::NoData => {
                slo_err += 1;
                let _ = writeln!(
                    slo_cases,
                    "      <error message=\"{}\" type=\"no_data\"/>",
                    esc(&c.reason)
                );
            }
            CheckStatus::OutOfScope => {
                slo_skip += 1;
                let _ = writeln!(slo_cases, "      <skipped message=\"{}\"/>", esc(&c.reason));
            }
            CheckStatus::Pass | CheckStatus::Approved | CheckStatus::ExemptFix => {}
        }
        slo_cases.push_str("    </testcase>\n");
    }
    let mut j_cases = String::new();
    let mut j_fail = 0;
    let mut j_time = 0.0;
    for j in &v.journeys {
        let secs = j.duration_ms as f64 / 1000.0;
        j_time += secs;
        let _ = write!(
            j_cases,
            "    <testcase classname=\"sightline.gate.journey\" name=\"{}\" time=\"{secs:.3}\"",
            esc(&j.journey)
        );
        if j.passed {
            j_cases.push_str("/>\n");
        } else {
            j_fail += 1;
            let reason = j.reason.as_deref().unwrap_or("the journey failed");
            let run = j
                .run_id
                .as_deref()
                .map(|r| format!("run {r}: sightline runs show {r}"))
                .unwrap_or_default();
            let _ = writeln!(
                j_cases,
                ">\n      <failure message=\"{}\" type=\"journey_failed\">{}</failure>\n    </testcase>",
                esc(reason),
                esc(&run)
            );
        }
    }
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    // The Ant schema gives `testsuites` no attributes; the totals are on
    // each suite.
    out.push_str("<testsuites>\n");
    let _ = writeln!(
        out,
        "  <testsuite name=\"slo-policy\" tests=\"{}\" failures=\"{slo_fail}\" errors=\"{slo_err}\" skipped=\"{slo_skip}\" time=\"0\" timestamp=\"{timestamp}\" hostname=\"localhost\" id=\"0\" package=\"sightline.gate\">",
        v.checks.len()
    );
    let _ = writeln!(
        out,
        "    <properties>\n      <property name=\"outcome\" value=\"{}\"/>\n      <property name=\"release\" value=\"{}\"/>\n    </properties>",
        v.outcome.as_str(),
        esc(v.release.id.as_deref().unwrap_or(""))
    );
    out.push_str(&slo_cases);
    let mut said = vec![v.summary.clone()];
    said.extend(
        v.checks
            .iter()
            .map(|c| format!("{}: {}: {}", c.slo, status_word(c.status), c.reason)),
    );
    let _ = writeln!(
        out,
        "    <system-out>{}</system-out>\n    <system-err></system-err>\n  </testsuite>",
        esc(&said.join("\n"))
    );
    let _ = writeln!(
        out,
        "  <testsuite name=\"journeys\" tests=\"{}\" failures=\"{j_fail}\" errors=\"0\" skipped=\"0\" time=\"{j_time:.3}\" timestamp=\"{timestamp}\" hostname=\"localhost\" id=\"1\" package=\"sightline.gate\">",
        v.journeys.len()
    );
    out.push_str("    <properties/>\n");
    out.push_str(&j_cases);
    out.push_str("    <system-out></system-out>\n    <system-err></system-err>\n  </testsuite>\n");
    out.push_str("</testsuites>\n");
    out
}

fn status_word(s: CheckStatus) -> &'static str {
    match s {
        CheckStatus::Pass => "pass",
        CheckStatus::Blocked => "blocked",
        CheckStatus::Approved => "approved",
        CheckStatus::ExemptFix => "exempt (fix)",
        CheckStatus::OutOfScope => "out of scope",
        CheckStatus::NoData => "no data",
    }
}

fn detail(c: &crate::verdict::Check) -> String {
    c.rules
        .iter()
        .map(|r| {
            let since = r
                .since_ms
                .and_then(chrono::DateTime::from_timestamp_millis)
                .map(|t| format!(" (since {})", t.format("%Y-%m-%d %H:%M:%SZ")))
                .unwrap_or_default();
            let effects: Vec<&str> = r.effects.iter().map(|e| e.as_str()).collect();
            format!("{} [{}]: {}{since}", r.rule, effects.join(", "), r.reason)
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Escapes text for XML attributes and content; drops characters XML 1.0
/// cannot carry.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(ch),
            c if (c as u32) < 0x20 => {}
            c => out.push(c),
        }
    }
    out
}
