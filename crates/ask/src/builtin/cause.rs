//! Cause answers: why something is slow or failing, what burns the budget,
//! whether a deploy did it, when it started, and when the budget runs out.

use super::*;

pub(super) fn why(s: &mut Session<'_>, r: &Reading<'_>) -> Result<Draft, AskError> {
    let kind = if r.intent == Intent::WhySlow {
        Kind::Latency
    } else {
        Kind::Availability
    };
    let slo = match slo_for(s, r, Some(kind))? {
        Ok(x) => x,
        Err(d) => return Ok(d),
    };
    let mut text = String::new();
    if s.cat.slo(&slo).is_some_and(|x| !measures(x, kind)) {
        text.push_str(&format!(
            "{} has no {} SLO; this is {slo}. ",
            r.entities.journey.as_deref().unwrap_or("It"),
            if kind == Kind::Latency {
                "latency"
            } else {
                "availability"
            }
        ));
    }
    let ex = s.explain(&slo)?;
    text.push_str(&explanation_text(&ex, s.tz));
    if let Some(reg) = r.entities.region.as_deref()
        && ex
            .causes
            .first()
            .is_some_and(|c| c.region.as_deref() != Some(reg))
    {
        let (from, to, label) = range_of(r.entities, s, 10 * MIN);
        let rs = s.slo_in_range(&slo, from, to)?;
        if let Some(c) = rs.regions.iter().find(|c| c.region.as_deref() == Some(reg)) {
            text.push_str(&format!(
                " In {reg}: {}.",
                sli_line(&slo, c, rs.target, &label)
            ));
        }
    }
    let journey = s
        .cat
        .slo(&slo)
        .map(|x| x.journey.clone())
        .unwrap_or_default();
    let mut evidence = explanation_evidence(&ex);
    if ex.causes.is_empty() && !journey.is_empty() {
        // No burn to explain: the failures there are, as they are.
        let f = s.failed_runs(
            &journey,
            r.entities.region.as_deref(),
            s.at_ms + 1 - HOUR,
            s.at_ms + 1,
            3,
        )?;
        if f.failed > 0 {
            text.push_str(&format!(
                " In the last hour {} of {} {journey} runs failed",
                f.failed, f.runs
            ));
            let lines: Vec<String> = f.newest.iter().map(failure_line(s.tz)).collect();
            text.push_str(&format!(": {}.", lines.join("; ")));
            evidence.extend(f.newest.iter().map(|x| run_evidence(&journey, x, s.tz)));
        }
    }
    Ok(Draft {
        text,
        evidence,
        chart: chart(&slo, s, ex.onset_ms),
        followups: vec![
            format!("when did {slo} start burning?"),
            "did the last deploy cause this?".into(),
            format!("show recent failures of {journey}"),
        ],
        ..Draft::default()
    })
}

pub(super) fn burning(s: &mut Session<'_>) -> Result<Draft, AskError> {
    let mut all = s.slo_status(None)?;
    all.sort_by(|a, b| b.burn().total_cmp(&a.burn()));
    let hot: Vec<&SloSummary> = all.iter().filter(|x| x.burn() > 1.0).collect();
    let Some(top) = hot.first() else {
        let highest = all
            .first()
            .map(|x| format!(" (highest: {} at {})", x.name, rate(x.burn())))
            .unwrap_or_default();
        return Ok(Draft {
            text: format!(
                "Nothing is burning: no SLO spends its error budget faster than it accrues{highest}."
            ),
            followups: vec!["what changed in the last hour?".into()],
            ..Draft::default()
        });
    };
    let mut text = format!(
        "{} burns fastest: {} in the 5-minute window",
        top.name,
        rate(top.burn())
    );
    if let Some(h) = top.burn_1h {
        text.push_str(&format!(", {} over the hour", rate(h)));
    }
    match top.budget_remaining {
        Some(b) if b > 0.0 => text.push_str(&format!(", with {} of its budget left", pct0(b))),
        Some(_) => text.push_str(", with its budget spent"),
        None => {}
    }
    text.push_str(". ");
    let name = top.name.clone();
    let others: Vec<String> = hot
        .iter()
        .skip(1)
        .map(|x| format!("{} ({})", x.name, rate(x.burn())))
        .collect();
    let ex = s.explain(&name)?;
    text.push_str(&explanation_text(&ex, s.tz));
    if !others.is_empty() {
        text.push_str(&format!(" Also burning: {}.", others.join(", ")));
    }
    Ok(Draft {
        text,
        evidence: explanation_evidence(&ex),
        chart: chart(&name, s, ex.onset_ms),
        followups: vec![
            "did the last deploy cause this?".into(),
            format!("how long until the {name} budget runs out?"),
            format!("when did {name} start burning?"),
        ],
        ..Draft::default()
    })
}

pub(super) fn deploy_caused(s: &mut Session<'_>, r: &Reading<'_>) -> Result<Draft, AskError> {
    let e = r.entities;
    let (from, to, label) = range_of(e, s, 2 * HOUR);
    let slo = match slo_for(s, r, r.linked.kind)? {
        Ok(x) => x,
        Err(d) => return Ok(d),
    };
    let changes = s.changes(from, to, None)?;
    let ex = s.explain(&slo)?;
    let blamed = ex
        .causes
        .iter()
        .find_map(|c| c.change.as_ref().and_then(|ch| ch.release.clone()));
    let mut text;
    let asked: Option<String> = e.release.clone().or_else(|| {
        // "the last deploy": the newest in range, of the named service if any.
        let named = r.linked.service.clone();
        changes
            .deploys
            .iter()
            .rev()
            .find(|d| named.as_ref().is_none_or(|n| *n == d.service))
            .map(|d| d.release.clone())
            .filter(|_| e.service.is_some() || !changes.deploys.is_empty())
    });
    if changes.deploys.is_empty() && e.release.is_none() {
        let scope = e
            .service
            .as_ref()
            .map(|x| format!(" of {x}"))
            .unwrap_or_default();
        text = format!("No deploy{scope} is recorded in {label}, so no release is to blame. ");
        text.push_str(&explanation_text(&ex, s.tz));
    } else if let Some(a) = asked {
        let row = changes.deploys.iter().find(|d| d.release == a);
        let when = row
            .map(|d| {
                format!(
                    " reached {} at {}",
                    d.region.as_deref().unwrap_or("every region"),
                    hhmm(d.at_ms, s.tz)
                )
            })
            .unwrap_or_default();
        if blamed.as_deref() == Some(a.as_str()) {
            text = format!("Yes: {a}{when} and is the likely cause. ");
        } else {
            text = format!("Probably not: {a}{when}, but the engine does not tie the burn to it. ");
            if let Some(b) = &blamed {
                text.push_str(&format!("It blames {b}. "));
            }
        }
        text.push_str(&explanation_text(&ex, s.tz));
        let others: Vec<String> = changes
            .deploys
            .iter()
            .filter(|d| d.release != a && Some(&d.release) != blamed.as_ref())
            .map(|d| d.release.clone())
            .collect();
        if !others.is_empty() {
            text.push_str(&format!(
                " Other deploys in {label}: {}.",
                others.join(", ")
            ));
        }
    } else {
        text = match &blamed {
            Some(b) => format!("Yes: {b} is the likely cause. "),
            None => "No deploy matches the burn. ".to_owned(),
        };
        text.push_str(&explanation_text(&ex, s.tz));
    }
    let mut evidence = explanation_evidence(&ex);
    for d in &changes.deploys {
        evidence.push(EvidenceItem {
            kind: "event".into(),
            ids: vec![d.event_id.clone()],
            summary: format!(
                "deploy {} to {} at {}",
                d.release,
                d.region.as_deref().unwrap_or("every region"),
                hhmmss(d.at_ms, s.tz)
            ),
            link: None,
        });
    }
    Ok(Draft {
        text,
        evidence,
        chart: chart(&slo, s, ex.onset_ms),
        followups: vec![
            format!("what changed in {label}?"),
            format!("when did {slo} start burning?"),
        ],
        ..Draft::default()
    })
}

pub(super) fn when_started(s: &mut Session<'_>, r: &Reading<'_>) -> Result<Draft, AskError> {
    let slo = match slo_for(s, r, r.linked.kind)? {
        Ok(x) => x,
        Err(d) => return Ok(d),
    };
    let ex = s.explain(&slo)?;
    let mut text = match (ex.onset_ms, ex.onset_earliest_ms, ex.onset_latest_ms) {
        (Some(on), Some(a), Some(b)) => format!(
            "{slo} started burning at {} ({}; likely between {} and {}), {} ago. ",
            hhmmss(on, s.tz),
            s.tz.name(),
            hhmmss(a, s.tz),
            hhmmss(b, s.tz),
            human(ex.onset_ago_ms.unwrap_or(0))
        ),
        _ => format!("No clear start: {slo}'s SLI shows no change point in the lookback. "),
    };
    text.push_str(&explanation_text(&ex, s.tz));
    Ok(Draft {
        text,
        evidence: explanation_evidence(&ex),
        chart: chart(&slo, s, ex.onset_ms),
        followups: vec![
            format!("why is {slo} burning?"),
            "what changed in the last hour?".into(),
        ],
        ..Draft::default()
    })
}

pub(super) fn forecast(s: &mut Session<'_>, r: &Reading<'_>) -> Result<Draft, AskError> {
    let e = r.entities;
    let statuses = s.slo_status(None)?;
    let name = if e.slo.is_none() && e.journey.is_none() {
        // The SLO whose budget runs out first.
        statuses
            .iter()
            .min_by_key(|x| x.exhaustion_in_ms.unwrap_or(i64::MAX))
            .map(|x| x.name.clone())
    } else {
        match pick_slo(
            &s.cat.slos,
            &statuses,
            e.slo.as_deref(),
            e.journey.as_deref(),
            r.linked.kind,
        ) {
            Pick::One(x) => Some(x),
            Pick::Choose(c) => {
                return Ok(clarify(c, "SLO", |x| {
                    format!("how long until the {x} budget runs out?")
                }));
            }
            Pick::None => None,
        }
    };
    let Some(name) = name else {
        return Ok(Draft {
            text: "No SLO is defined, so there is no budget to forecast.".into(),
            ..Draft::default()
        });
    };
    let st = s.slo_status(Some(&name))?.into_iter().next();
    let Some(st) = st else {
        return Err(AskError::Unknown(format!("no SLO named {name}")));
    };
    let window = human(st.window_ms);
    let burn1h = st.burn_1h.map(rate).unwrap_or_else(|| "no".into());
    let text = match (
        st.budget_remaining,
        st.exhaustion_in_ms,
        st.exhaustion_at_ms,
    ) {
        (Some(b), _, _) if b <= 0.0 || st.budget_exhausted => format!(
            "{name}'s error budget for its {window} window is already spent (remaining: {}); at the last hour's burn ({burn1h}) it keeps overspending.",
            pct0(b)
        ),
        (Some(b), Some(inn), Some(at)) => format!(
            "At the last hour's burn rate ({burn1h}), {name}'s error budget ({} left, {window} window) runs out in {}, at {} {}.",
            pct0(b),
            human(inn),
            hhmm(at, s.tz),
            s.tz.name()
        ),
        (Some(b), _, _) => format!(
            "{name}'s budget does not run out at the last hour's burn ({burn1h}): {} is left ({window} window).",
            pct0(b)
        ),
        (None, _, _) => {
            format!("{name} has no valid events yet, so its budget cannot be forecast.")
        }
    };
    Ok(Draft {
        text,
        evidence: vec![slo_evidence(&name, "budget and burn")],
        chart: chart(&name, s, None),
        followups: vec![
            format!("why is {name} burning?"),
            "what's burning the error budget?".into(),
        ],
        ..Draft::default()
    })
}
