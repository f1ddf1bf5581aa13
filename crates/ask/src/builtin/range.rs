//! Range answers: a region against a region or now against last week,
//! what changed, and recent failed runs.

use super::*;

pub(super) fn compare(s: &mut Session<'_>, r: &Reading<'_>) -> Result<Draft, AskError> {
    let e = r.entities;
    let (from, to, label) = range_of(e, s, HOUR);
    let slos: Vec<String> = match (&e.slo, &e.journey) {
        (Some(x), _) => vec![x.clone()],
        (None, Some(j)) => s.cat.slos_of(j).iter().map(|x| x.name.clone()).collect(),
        _ => s
            .cat
            .slos
            .iter()
            .filter(|x| r.linked.kind.is_none_or(|k| measures(x, k)))
            .map(|x| x.name.clone())
            .collect(),
    };
    let mut parts = Vec::new();
    let mut worse_a = Vec::new();
    let mut worse_b = Vec::new();
    let mut level = Vec::new();
    match (&e.region, &e.other_region) {
        (Some(a), Some(b)) => {
            for name in &slos {
                let rs = s.slo_in_range(name, from, to)?;
                let get = |reg: &str| {
                    rs.regions
                        .iter()
                        .find(|c| c.region.as_deref() == Some(reg))
                        .cloned()
                        .unwrap_or_default()
                };
                let (ca, cb) = (get(a), get(b));
                let f = |c: &Counts| {
                    c.sli.map_or_else(
                        || "no runs".to_owned(),
                        |v| format!("{} of {} runs good ({})", c.good, c.valid, pct1(v)),
                    )
                };
                if below(&ca, rs.target) || below(&cb, rs.target) || slos.len() == 1 {
                    parts.push(format!("{name}: {a} {}, {b} {}", f(&ca), f(&cb)));
                } else {
                    level.push(name.clone());
                }
                match (ca.sli, cb.sli) {
                    (Some(x), Some(y)) if x < y && x < rs.target => worse_a.push(name.clone()),
                    (Some(x), Some(y)) if y < x && y < rs.target => worse_b.push(name.clone()),
                    _ => {}
                }
            }
            let mut text = if parts.is_empty() {
                format!("Over {label}, both regions are at or above target on every SLO.")
            } else {
                format!("Over {label}: {}.", parts.join("; "))
            };
            if !level.is_empty() && !parts.is_empty() {
                text.push_str(&format!(" Both at or above target: {}.", level.join(", ")));
            }
            if !worse_a.is_empty() {
                text.push_str(&format!(" {a} is worse on {}.", worse_a.join(", ")));
            }
            if !worse_b.is_empty() {
                text.push_str(&format!(" {b} is worse on {}.", worse_b.join(", ")));
            }
            if worse_a.is_empty() && worse_b.is_empty() {
                text.push_str(&format!(" Neither {a} nor {b} is below target."));
            }
            Ok(Draft {
                text,
                evidence: slos
                    .iter()
                    .map(|n| slo_evidence(n, "per-region SLI"))
                    .collect(),
                followups: vec![format!("is {a} ok?"), format!("is {b} ok?")],
                ..Draft::default()
            })
        }
        (region, _) => {
            // Now against the same range a day or a week ago.
            let back = if has_yesterday(r) {
                24 * HOUR
            } else {
                7 * 24 * HOUR
            };
            let then_label = if back == 24 * HOUR {
                "the same time yesterday"
            } else {
                "the same time a week ago"
            };
            let (from, to) = if e.time.as_ref().is_some_and(|t| t.label == "yesterday") {
                (s.at_ms + 1 - HOUR, s.at_ms + 1)
            } else {
                (from, to)
            };
            for name in &slos {
                let now = s.slo_in_range(name, from, to)?;
                let then = s.slo_in_range(name, from - back, to - back)?;
                let pick = |x: &crate::tools::RangeSli| match region {
                    Some(reg) => x
                        .regions
                        .iter()
                        .find(|c| c.region.as_deref() == Some(reg.as_str()))
                        .cloned()
                        .unwrap_or_default(),
                    None => x.total.clone(),
                };
                let f = |c: &Counts| {
                    c.sli.map_or_else(
                        || "no runs".to_owned(),
                        |v| format!("{} ({} runs)", pct1(v), c.valid),
                    )
                };
                parts.push(format!(
                    "{name} {} now, {} then",
                    f(&pick(&now)),
                    f(&pick(&then))
                ));
            }
            let where_ = region
                .as_ref()
                .map(|x| format!("{x}, "))
                .unwrap_or_default();
            Ok(Draft {
                text: format!(
                    "{where_}{label} against {then_label}: {}.",
                    parts.join("; ")
                ),
                evidence: slos
                    .iter()
                    .map(|n| slo_evidence(n, "SLI over time"))
                    .collect(),
                followups: vec!["what changed in the last hour?".into()],
                ..Draft::default()
            })
        }
    }
}

fn has_yesterday(r: &Reading<'_>) -> bool {
    r.tokens.iter().any(|t| t == "yesterday")
}

pub(super) fn changes(s: &mut Session<'_>, r: &Reading<'_>) -> Result<Draft, AskError> {
    let e = r.entities;
    let (from, to, label) = range_of(e, s, HOUR);
    let c = s.changes(from, to, e.region.as_deref())?;
    let where_ = e
        .region
        .as_ref()
        .map(|x| format!(" in {x}"))
        .unwrap_or_default();
    let mut items: Vec<String> = c
        .deploys
        .iter()
        .filter(|d| e.service.as_ref().is_none_or(|x| *x == d.service))
        .map(|d| {
            format!(
                "deploy {} to {} at {}",
                d.release,
                d.region.as_deref().unwrap_or("every region"),
                hhmm(d.at_ms, s.tz)
            )
        })
        .collect();
    items.extend(c.kubernetes.iter().map(|k| {
        format!(
            "Kubernetes {} on {} at {}",
            k.reason,
            k.object,
            hhmm(k.at_ms, s.tz)
        )
    }));
    let text = if items.is_empty() {
        format!("No deploy or Kubernetes change is recorded{where_} in {label}.")
    } else {
        format!("In {label}{where_}: {}.", items.join("; "))
    };
    let evidence = c
        .deploys
        .iter()
        .map(|d| EvidenceItem {
            kind: "event".into(),
            ids: vec![d.event_id.clone()],
            summary: format!("deploy {}", d.release),
            link: None,
        })
        .collect();
    Ok(Draft {
        text,
        evidence,
        followups: vec![
            "did the last deploy cause this?".into(),
            "what's burning the error budget?".into(),
        ],
        ..Draft::default()
    })
}

pub(super) fn failures(s: &mut Session<'_>, r: &Reading<'_>) -> Result<Draft, AskError> {
    let e = r.entities;
    let (from, to, label) = range_of(e, s, HOUR);
    let Some(journey) = e.journey.clone() else {
        return every_journeys_failures(s, e.region.as_deref(), from, to, &label);
    };
    let f = s.failed_runs(&journey, e.region.as_deref(), from, to, 5)?;
    let where_ = e
        .region
        .as_ref()
        .map(|x| format!(" from {x}"))
        .unwrap_or_default();
    let mut text = format!(
        "{} of {} {journey} runs{where_} failed in {label}.",
        f.failed, f.runs
    );
    if !f.newest.is_empty() {
        let lines: Vec<String> = f.newest.iter().take(3).map(failure_line(s.tz)).collect();
        text.push_str(&format!(" Newest: {}.", lines.join("; ")));
    }
    let evidence = f
        .newest
        .iter()
        .map(|x| run_evidence(&journey, x, s.tz))
        .collect();
    let slo = s.cat.slos_of(&journey).first().map(|x| x.name.clone());
    Ok(Draft {
        text,
        evidence,
        followups: match slo {
            Some(x) => vec![
                format!("why is {x} burning?"),
                format!("when did {x} start burning?"),
            ],
            None => vec!["what changed in the last hour?".into()],
        },
        ..Draft::default()
    })
}

/// `14:05:12 in us-east-1 at "Place an order": HTTP 500 ...`.
pub(super) fn failure_line(tz: chrono_tz::Tz) -> impl Fn(&crate::tools::FailedRun) -> String {
    move |x| {
        let mut l = format!("{} in {}", hhmmss(x.at_ms, tz), x.region);
        if let Some(st) = &x.step {
            l.push_str(&format!(" at \"{st}\""));
        }
        if let Some(m) = &x.error_message {
            let m: String = m.chars().take(160).collect();
            l.push_str(&format!(": {m}"));
        }
        if let Some(svc) = &x.failing_service {
            l.push_str(&format!(" (its trace fails in {svc})"));
        }
        l
    }
}

/// A failed run as evidence, linked to the run viewer.
pub(super) fn run_evidence(
    journey: &str,
    x: &crate::tools::FailedRun,
    tz: chrono_tz::Tz,
) -> EvidenceItem {
    EvidenceItem {
        kind: "run".into(),
        ids: vec![x.run_id.clone()],
        summary: format!("{journey} run in {} at {}", x.region, hhmmss(x.at_ms, tz)),
        link: Some(format!("#/runs/{}", x.run_id)),
    }
}

/// Failed runs of every journey, when the question names none.
fn every_journeys_failures(
    s: &mut Session<'_>,
    region: Option<&str>,
    from: i64,
    to: i64,
    label: &str,
) -> Result<Draft, AskError> {
    let names: Vec<String> = s.cat.journeys.iter().map(|j| j.name.clone()).collect();
    let mut per = Vec::new();
    let mut newest = Vec::new();
    for j in &names {
        let f = s.failed_runs(j, region, from, to, 3)?;
        if f.runs == 0 {
            continue;
        }
        per.push(format!("{j} {} of {}", f.failed, f.runs));
        newest.extend(f.newest.into_iter().map(|x| (j.clone(), x)));
    }
    newest.sort_by_key(|(_, x)| std::cmp::Reverse(x.at_ms));
    let where_ = region.map(|x| format!(" from {x}")).unwrap_or_default();
    let mut text = if per.is_empty() {
        format!("No journey has runs{where_} in {label}.")
    } else {
        format!("Failed runs{where_} in {label}: {}.", per.join(", "))
    };
    if !newest.is_empty() {
        let lines: Vec<String> = newest
            .iter()
            .take(3)
            .map(|(j, x)| format!("{j} {}", failure_line(s.tz)(x)))
            .collect();
        text.push_str(&format!(" Newest: {}.", lines.join("; ")));
    }
    Ok(Draft {
        text,
        evidence: newest
            .iter()
            .take(5)
            .map(|(j, x)| run_evidence(j, x, s.tz))
            .collect(),
        followups: vec!["what's burning the error budget?".into()],
        ..Draft::default()
    })
}
