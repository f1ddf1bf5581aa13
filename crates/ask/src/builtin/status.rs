//! Status answers: an SLO, a journey, a region or a service, now.

use super::*;

pub(super) fn status(s: &mut Session<'_>, r: &Reading<'_>) -> Result<Draft, AskError> {
    let e = r.entities;
    let (from, to, label) = range_of(e, s, 10 * MIN);
    if let Some(service) = e
        .service
        .clone()
        .filter(|_| e.slo.is_none() && e.journey.is_none())
    {
        return service_status(s, &service, e.region.as_deref(), from, to, &label);
    }
    let slos: Vec<String> = match (&e.slo, &e.journey) {
        (Some(x), _) => vec![x.clone()],
        (None, Some(j)) => s.cat.slos_of(j).iter().map(|x| x.name.clone()).collect(),
        _ => s.cat.slos.iter().map(|x| x.name.clone()).collect(),
    };
    if slos.is_empty() {
        return Ok(Draft {
            text: format!(
                "{} has no SLO, so there is no status to give.",
                e.journey.as_deref().unwrap_or("This")
            ),
            ..Draft::default()
        });
    }
    let region = e.region.as_deref();
    let mut bad = Vec::new();
    let mut good = Vec::new();
    for name in &slos {
        let rs = s.slo_in_range(name, from, to)?;
        let c = match region {
            Some(reg) => rs
                .regions
                .iter()
                .find(|c| c.region.as_deref() == Some(reg))
                .cloned()
                .unwrap_or_default(),
            None => rs.total.clone(),
        };
        let line = sli_line(name, &c, rs.target, &label);
        if below(&c, rs.target) {
            bad.push((name.clone(), line, c.sli.unwrap_or(1.0)));
        } else if slos.len() == 1 {
            good.push(line);
        } else {
            good.push(name.clone());
        }
    }
    let subject = match (region, &e.slo, &e.journey) {
        (Some(reg), _, Some(j)) => format!("{j} in {reg}"),
        (Some(reg), _, None) => reg.to_owned(),
        (None, Some(x), _) => x.clone(),
        (None, None, Some(j)) => j.clone(),
        (None, None, None) => "Every SLO".to_owned(),
    };
    let mut d = Draft::default();
    if bad.is_empty() {
        d.text = if slos.len() == 1 {
            format!("{subject} looks healthy: {}.", good.join("; "))
        } else {
            format!(
                "{subject} looks healthy over {label}: every SLO is at or above target ({}).",
                good.join(", ")
            )
        };
        d.followups = vec![
            "what's burning the error budget?".into(),
            "what changed in the last hour?".into(),
        ];
    } else {
        bad.sort_by(|a, b| a.2.total_cmp(&b.2));
        let lines: Vec<String> = bad.iter().map(|b| b.1.clone()).collect();
        d.text = format!("{subject} is not ok: {}.", lines.join("; "));
        if !good.is_empty() {
            d.text
                .push_str(&format!(" At or above target: {}.", good.join(", ")));
        }
        let worst = bad[0].0.clone();
        let ex = s.explain(&worst)?;
        if !ex.causes.is_empty() {
            d.text.push(' ');
            d.text.push_str(&explanation_text(&ex, s.tz));
        }
        d.evidence = explanation_evidence(&ex);
        d.chart = chart(&worst, s, ex.onset_ms);
        let kind = s.cat.slo(&worst).map(|x| x.kind);
        d.followups = vec![
            format!("why is {worst} {}?", trouble(kind)),
            format!("when did {worst} start burning?"),
            "did the last deploy cause this?".into(),
        ];
    }
    for name in &slos {
        if !d.evidence.iter().any(|x| x.ids.first() == Some(name)) {
            d.evidence.push(slo_evidence(name, "SLI and burn"));
        }
    }
    Ok(d)
}

fn red_line(r: &crate::tools::Red) -> String {
    match (r.error_rate, r.p95_ms) {
        (Some(er), Some(p)) if p < 10.0 => format!(
            "{} requests, {} errors, p95 {:.1} ms",
            r.requests,
            pct1(er),
            p
        ),
        (Some(er), Some(p)) => format!(
            "{} requests, {} errors, p95 {:.0} ms",
            r.requests,
            pct1(er),
            p
        ),
        _ => "no requests".into(),
    }
}

fn service_status(
    s: &mut Session<'_>,
    service: &str,
    region: Option<&str>,
    from: i64,
    to: i64,
    label: &str,
) -> Result<Draft, AskError> {
    let h = s.service_health(service, from, to)?;
    let now = match region {
        Some(reg) => h
            .regions
            .iter()
            .find(|x| x.region.as_deref() == Some(reg))
            .cloned()
            .unwrap_or_default(),
        None => h.now.clone(),
    };
    let where_ = region.map(|r| format!(" in {r}")).unwrap_or_default();
    let mut text = format!("{service}{where_} over {label}: {}", red_line(&now));
    if region.is_none() {
        text.push_str(&format!(
            " (the {} before: {})",
            label.trim_start_matches("the last "),
            red_line(&h.before)
        ));
    }
    text.push('.');
    // The region that stands out, by error rate then p95.
    let worst = h
        .regions
        .iter()
        .filter(|x| x.requests > 0)
        .max_by(|a, b| {
            let k = |x: &crate::tools::Red| (x.error_rate.unwrap_or(0.0), x.p95_ms.unwrap_or(0.0));
            k(a).partial_cmp(&k(b)).unwrap_or(std::cmp::Ordering::Equal)
        })
        .cloned();
    let others_err = |reg: &str| {
        h.regions
            .iter()
            .filter(|x| x.region.as_deref() != Some(reg) && x.requests > 0)
            .map(|x| x.error_rate.unwrap_or(0.0))
            .fold(0.0_f64, f64::max)
    };
    let others_p95 = |reg: &str| {
        h.regions
            .iter()
            .filter(|x| x.region.as_deref() != Some(reg) && x.requests > 0)
            .map(|x| x.p95_ms.unwrap_or(0.0))
            .fold(0.0_f64, f64::max)
    };
    if region.is_none()
        && let Some(w) = worst
        && let Some(reg) = w.region.clone()
    {
        let er = w.error_rate.unwrap_or(0.0);
        let p = w.p95_ms.unwrap_or(0.0);
        if er > others_err(&reg) + 0.02 || p > 1.5 * others_p95(&reg) + 50.0 {
            text.push_str(&format!(" It stands out in {reg}: {}.", red_line(&w)));
        } else {
            text.push_str(" No region stands out.");
        }
    }
    // Is it to blame for a burn?
    let statuses = s.slo_status(None)?;
    let mut evidence = Vec::new();
    let mut burning: Vec<&SloSummary> = statuses.iter().filter(|x| x.burn() > 1.0).collect();
    burning.sort_by(|a, b| b.burn().total_cmp(&a.burn()));
    for b in burning.iter().take(2) {
        let ex = s.explain(&b.name)?;
        if let Some(c) = ex
            .causes
            .first()
            .filter(|c| c.service.as_deref() == Some(service))
        {
            text.push_str(&format!(
                " It is the top cause of {}'s burn: {} ({}).",
                b.name,
                cause_phrase(c),
                pct0(c.share)
            ));
            evidence = explanation_evidence(&ex);
            break;
        }
    }
    Ok(Draft {
        text,
        evidence,
        followups: vec![
            format!("what changed for {service} in the last hour?"),
            "what's burning the error budget?".into(),
        ],
        ..Draft::default()
    })
}
