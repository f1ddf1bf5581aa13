//! The built-in answers, one function per intent. Each calls the tools,
//! and writes its paragraph from what they returned, nothing else:
//! `status` (SLOs, journeys, regions, services), `cause` (why, what
//! burns, deploys, onsets, the forecast) and `range` (comparisons,
//! changes, failures over a time range).

mod cause;
mod range;
mod status;

use cause::{burning, deploy_caused, forecast, when_started, why};
use range::{changes, compare, failure_line, failures, run_evidence};
use status::status;

use crate::AskError;
use crate::answer::{ChartSpec, Entities, EvidenceItem, Intent};
use crate::catalog::Kind;
use crate::compose::{
    Pick, cause_phrase, explanation_evidence, explanation_text, measures, or_list, pct0, pct1,
    pick_slo, rate, slo_evidence, target,
};
use crate::link::Linked;
use crate::time::{hhmm, hhmmss, human};
use crate::tools::{Counts, Session, SloSummary};

const MIN: i64 = 60_000;
const HOUR: i64 = 60 * MIN;

/// An answer before the grounding check.
#[derive(Debug, Default)]
pub struct Draft {
    /// The paragraph.
    pub text: String,
    /// The evidence.
    pub evidence: Vec<EvidenceItem>,
    /// Follow-up questions.
    pub followups: Vec<String>,
    /// For clarify: the choices.
    pub choices: Vec<String>,
    /// A chart that helps.
    pub chart: Option<ChartSpec>,
    /// The intent, when answering turned it into a clarification.
    pub intent: Option<Intent>,
}

/// The question read: intent, entities and what the words said.
pub struct Reading<'a> {
    /// What it asks.
    pub intent: Intent,
    /// What it names.
    pub entities: &'a Entities,
    /// The linker's view (the kind of trouble, ambiguous regions).
    pub linked: &'a Linked,
    /// The question's tokens.
    pub tokens: &'a [String],
}

fn range_of(e: &Entities, s: &Session<'_>, default_ms: i64) -> (i64, i64, String) {
    let r = crate::time::or_default(e.time.clone(), s.at_ms, default_ms);
    (r.from_ms, r.to_ms, r.label)
}

fn clarify(choices: Vec<String>, what: &str, rephrase: impl Fn(&str) -> String) -> Draft {
    Draft {
        text: format!("Which {what} do you mean: {}?", or_list(&choices)),
        followups: choices.iter().map(|c| rephrase(c)).collect(),
        choices,
        intent: Some(Intent::Clarify),
        ..Draft::default()
    }
}

fn chart(slo: &str, s: &Session<'_>, onset_ms: Option<i64>) -> Option<ChartSpec> {
    Some(ChartSpec {
        slo: slo.to_owned(),
        from_ms: s.at_ms - HOUR,
        to_ms: s.at_ms + 1,
        onset_ms,
    })
}

fn trouble(k: Option<Kind>) -> &'static str {
    match k {
        Some(Kind::Latency) => "slow",
        _ => "failing",
    }
}

/// Answers `r` in `s`.
pub fn answer(s: &mut Session<'_>, r: &Reading<'_>) -> Result<Draft, AskError> {
    if !r.linked.ambiguous_regions.is_empty() && r.entities.region.is_none() {
        let choices = r.linked.ambiguous_regions.clone();
        return Ok(clarify(choices, "region", |c| format!("is {c} ok?")));
    }
    match r.intent {
        Intent::Status => status(s, r),
        Intent::WhySlow | Intent::WhyFailing => why(s, r),
        Intent::Burning => burning(s),
        Intent::DeployCaused => deploy_caused(s, r),
        Intent::WhenStarted => when_started(s, r),
        Intent::Forecast => forecast(s, r),
        Intent::Compare => compare(s, r),
        Intent::Changes => changes(s, r),
        Intent::RecentFailures => failures(s, r),
        Intent::Clarify => {
            let statuses = s.slo_status(None)?;
            let e = r.entities;
            match pick_slo(
                &s.cat.slos,
                &statuses,
                e.slo.as_deref(),
                e.journey.as_deref(),
                None,
            ) {
                Pick::Choose(c) => Ok(clarify(c, "SLO", |x| format!("why is {x} burning?"))),
                _ => Ok(clarify(
                    vec!["slow".into(), "failing".into()],
                    "trouble",
                    |x| format!("why is it {x}?"),
                )),
            }
        }
        Intent::OutOfScope => Ok(out_of_scope()),
    }
}

/// What can be asked, with examples.
pub fn out_of_scope() -> Draft {
    Draft {
        text: "That is not something Sightline can answer: it answers from its own measurements of SLOs, journeys, services, regions and releases. Try asking what is burning the error budget, why a journey is slow or failing, whether the last deploy caused it, whether a region is ok, when it started, or how long until the budget runs out.".into(),
        followups: vec![
            "what's burning the error budget?".into(),
            "why is checkout slow?".into(),
            "did the last deploy cause this?".into(),
        ],
        ..Draft::default()
    }
}

/// One SLO's line: `orders-availability 72.0% good over the last 10 min (31 of 43 runs, target 99%)`.
fn sli_line(slo: &str, c: &Counts, target_v: f64, label: &str) -> String {
    match c.sli {
        Some(v) => format!(
            "{slo} {} good over {label} ({} of {} runs, target {})",
            pct1(v),
            c.good,
            c.valid,
            target(target_v)
        ),
        None => format!("{slo} has no runs over {label}"),
    }
}

fn below(c: &Counts, t: f64) -> bool {
    c.sli.is_some_and(|v| v < t)
}

/// The SLO for a why / when question, or the clarification to ask.
fn slo_for(
    s: &mut Session<'_>,
    r: &Reading<'_>,
    kind: Option<Kind>,
) -> Result<Result<String, Draft>, AskError> {
    let e = r.entities;
    // The burn rates are needed only to pick the fastest-burning SLO when
    // the question names no SLO and no journey: the SLO engine reads the
    // whole compliance window, the costliest call there is.
    let statuses = if e.slo.is_none() && e.journey.is_none() {
        s.slo_status(None)?
    } else {
        Vec::new()
    };
    Ok(
        match pick_slo(
            &s.cat.slos,
            &statuses,
            e.slo.as_deref(),
            e.journey.as_deref(),
            kind,
        ) {
            Pick::One(x) => Ok(x),
            Pick::Choose(c) => Err(clarify(c, "SLO", |x| format!("why is {x} burning?"))),
            Pick::None => Err(Draft {
                text: match &e.journey {
                    Some(j) => format!(
                        "{j} has no SLO to explain. Define one in slos/ (docs/slo.md) and ask again."
                    ),
                    None => "No SLO is defined, so nothing can be explained yet.".into(),
                },
                ..Draft::default()
            }),
        },
    )
}
