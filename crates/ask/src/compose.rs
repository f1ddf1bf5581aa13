//! Pieces the built-in answers are written from: numbers formatted the one
//! way the grounding check reads them back, causes in a phrase, and the
//! choice of SLO a question is about.

use crate::answer::EvidenceItem;
use crate::catalog::{Kind, SloInfo};
use crate::time::{hhmmss, human};
use crate::tools::{CauseSummary, Explanation, SloSummary};
use chrono_tz::Tz;

/// `93.1%` (a fraction, one decimal).
pub fn pct1(x: f64) -> String {
    format!("{:.1}%", x * 100.0)
}

/// `87%` (a fraction, no decimal).
pub fn pct0(x: f64) -> String {
    format!("{:.0}%", x * 100.0)
}

/// `14.2x`.
pub fn rate(x: f64) -> String {
    format!("{x:.1}x")
}

/// `99%` or `99.9%`: an objective as people write it.
pub fn target(t: f64) -> String {
    let p = t * 100.0;
    if (p - p.round()).abs() < 1e-9 {
        format!("{p:.0}%")
    } else {
        format!("{p:.1}%")
    }
}

fn kind_phrase(kind: &str) -> &'static str {
    match kind {
        "latency" => "latency",
        "errors" => "errors",
        "saturation" => "saturation",
        _ => "unavailability",
    }
}

/// `payment errors in us-east-1`.
pub fn cause_phrase(c: &CauseSummary) -> String {
    let mut s = match &c.service {
        Some(svc) => format!("{svc} {}", kind_phrase(&c.kind)),
        None => format!("{} with no trace to blame a service", kind_phrase(&c.kind)),
    };
    if let Some(r) = &c.region {
        s.push_str(&format!(" in {r}"));
    }
    s
}

/// `87% of the burn on orders-availability is payment errors in us-east-1,
/// from 14:05:12, 0 min after release payment@2.4.1 reached us-east-1.`
pub fn cause_sentence(e: &Explanation, c: &CauseSummary, tz: Tz) -> String {
    let mut s = format!(
        "{} of the burn on {} is {}",
        pct0(c.share),
        e.slo,
        cause_phrase(c)
    );
    if let Some(on) = c.onset_ms {
        s.push_str(&format!(", from {}", hhmmss(on, tz)));
    }
    match &c.change {
        Some(ch) => {
            let what = ch.release.clone().unwrap_or_else(|| "a change".into());
            s.push_str(&format!(
                ", {} after release {what} reached {}",
                human(ch.before_onset_ms.max(0)),
                ch.region.as_deref().unwrap_or("every region")
            ));
        }
        None => s.push_str(", with no deploy or Kubernetes change to match it"),
    }
    s.push('.');
    s
}

/// The whole explanation in two or three sentences.
pub fn explanation_text(e: &Explanation, tz: Tz) -> String {
    let Some(top) = e.causes.first() else {
        return if e.bad_events == 0 {
            format!(
                "The attribution engine finds no burn to explain on {}: its window holds no bad events.",
                e.slo
            )
        } else {
            format!(
                "{} has {} bad of {} events, but no single service, region or release explains them.",
                e.slo, e.bad_events, e.total_events
            )
        };
    };
    let mut s = cause_sentence(e, top, tz);
    if let Some(second) = e.causes.get(1).filter(|c| c.share >= 0.1) {
        s.push_str(&format!(
            " Next: {} ({}).",
            cause_phrase(second),
            pct0(second.share)
        ));
    }
    if !e.ruled_out.is_empty() {
        s.push_str(&format!(" Ruled out: {}.", e.ruled_out.join(", ")));
    }
    s
}

/// The evidence of an explanation, with a link to the SLO.
pub fn explanation_evidence(e: &Explanation) -> Vec<EvidenceItem> {
    let mut out = vec![slo_evidence(&e.slo, "the SLO's chart and attribution")];
    for c in e.causes.iter().take(2) {
        out.extend(c.evidence.iter().cloned());
    }
    out
}

/// An evidence item pointing at an SLO's view.
pub fn slo_evidence(slo: &str, what: &str) -> EvidenceItem {
    EvidenceItem {
        kind: "slo".into(),
        ids: vec![slo.to_owned()],
        summary: format!("{slo}: {what}"),
        link: Some(format!("#/slos/{slo}")),
    }
}

/// Whether an SLO measures `kind`.
pub fn measures(s: &SloInfo, kind: Kind) -> bool {
    s.kind == kind || s.kind == Kind::Both
}

/// Which SLO a question means, when it can be told.
pub enum Pick {
    /// This one.
    One(String),
    /// One of these: ask back.
    Choose(Vec<String>),
    /// None fits.
    None,
}

/// The SLO for a question naming `slo`, `journey` and a `kind`: the one
/// named; else the journey's SLO of that kind (or its only SLO); else, with
/// no journey, the fastest-burning SLO of the kind.
pub fn pick_slo(
    slos: &[SloInfo],
    statuses: &[SloSummary],
    slo: Option<&str>,
    journey: Option<&str>,
    kind: Option<Kind>,
) -> Pick {
    if let Some(s) = slo {
        return Pick::One(s.to_owned());
    }
    let fastest = |cands: Vec<&SloInfo>| {
        cands
            .iter()
            .max_by(|a, b| {
                let burn = |n: &str| {
                    statuses
                        .iter()
                        .find(|s| s.name == n)
                        .map_or(0.0, SloSummary::burn)
                };
                burn(&a.name).total_cmp(&burn(&b.name))
            })
            .map(|s| s.name.clone())
    };
    match journey {
        Some(j) => {
            let of: Vec<&SloInfo> = slos.iter().filter(|s| s.journey == j).collect();
            let kinded: Vec<&SloInfo> = match kind {
                Some(k) => of.iter().copied().filter(|s| measures(s, k)).collect(),
                None => Vec::new(),
            };
            match (kinded.len(), of.len()) {
                (1, _) => Pick::One(kinded[0].name.clone()),
                (n, _) if n > 1 => Pick::Choose(kinded.iter().map(|s| s.name.clone()).collect()),
                (_, 1) => Pick::One(of[0].name.clone()),
                (_, 0) => Pick::None,
                _ => Pick::Choose(of.iter().map(|s| s.name.clone()).collect()),
            }
        }
        None => {
            let cands: Vec<&SloInfo> = slos
                .iter()
                .filter(|s| kind.is_none_or(|k| measures(s, k)))
                .collect();
            fastest(cands).map_or(Pick::None, Pick::One)
        }
    }
}

/// `A`, `A or B`, `A, B or C`.
pub fn or_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [a] => a.clone(),
        [rest @ .., last] => format!("{} or {last}", rest.join(", ")),
    }
}
