//! The question box: "why is checkout slow?", "what's burning our error
//! budget?", "did the last deploy cause this?" answered from Sightline's own
//! engines, with the numbers, the evidence and the calls behind them.
//!
//! A question is read in four steps, all deterministic: tokens
//! ([`text`]), the names they link to in the store's catalogue ([`link`],
//! [`catalog`]), the time they name ([`mod@time`]) and the intent
//! ([`intent`]). The built-in answer ([`builtin`]) then calls the api
//! through [`tools::Session`] and writes its paragraph from the results
//! alone; [`ground`] checks that every number, time and name in it came
//! from a result. An optional OpenAI-compatible model ([`model`]) gets the
//! same tools and is held to the same check; if it fails or times out, the
//! built-in answer is given and says so.
//!
//! Engines take data and time as arguments: the store, the SLOs, the
//! journeys, the moment and the time zone all come in through [`Context`].
//! The answer's JSON shape is [`answer::Answer`] (docs/ask.md).

pub mod answer;
pub mod bindings;
pub mod builtin;
pub mod catalog;
pub mod compose;
pub mod eval;
pub mod ground;
pub mod history;
pub mod intent;
pub mod link;
pub mod model;
pub mod text;
pub mod time;
pub mod tools;
pub mod words;

use std::path::PathBuf;

use chrono_tz::Tz;
use serde::Serialize;
use sightline_slo::SloConfig;
use sightline_store::Store;

pub use answer::{Answer, Entities, EvidenceItem, Intent, TimeRange, ToolCall};
pub use catalog::{Catalog, JourneyInfo};

/// What can go wrong answering.
#[derive(Debug, thiserror::Error)]
pub enum AskError {
    /// The store failed.
    #[error(transparent)]
    Store(#[from] sightline_store::StoreError),
    /// An api call failed.
    #[error(transparent)]
    Api(#[from] sightline_api::ApiError),
    /// A name the tools do not know.
    #[error("{0}")]
    Unknown(String),
    /// Bad input: an empty question, a bad dataset or configuration.
    #[error("{0}")]
    BadInput(String),
}

/// Everything a question is answered from.
pub struct Context {
    /// The database file.
    pub db: PathBuf,
    /// The project's journeys folder.
    pub journeys_dir: PathBuf,
    /// The SLOs.
    pub slos: Vec<SloConfig>,
    /// The journey files.
    pub journeys: Vec<JourneyInfo>,
    /// The moment answered for, Unix ms.
    pub at_ms: i64,
    /// The user's time zone.
    pub tz: Tz,
}

/// How a question was read, before it is answered.
#[derive(Debug, Clone, Serialize)]
pub struct Resolved {
    /// The intent.
    pub intent: Intent,
    /// The entities.
    pub entities: Entities,
    /// The range's length, when one was named or defaulted.
    pub range_ms: Option<i64>,
}

/// Reads `question` against `cat` at `at_ms`.
pub fn resolve(
    question: &str,
    cat: &Catalog,
    at_ms: i64,
    tz: Tz,
) -> (Resolved, link::Linked, Vec<String>) {
    let tokens = text::tokens(question);
    let linked = link::link(&tokens, cat);
    let mut intent = intent::classify(&tokens, &linked);
    let time = time::parse(&tokens, at_ms, tz, &cat.releases);
    let mut e = Entities {
        slo: linked.slo.clone(),
        journey: linked.journey.clone(),
        step: linked.step.clone(),
        service: linked.service.clone(),
        region: linked.regions.first().cloned(),
        other_region: linked.regions.get(1).cloned(),
        release: linked.release.clone(),
        time,
    };
    // A journey and a clear kind name the journey's SLO of that kind.
    if e.slo.is_none()
        && intent != Intent::RecentFailures
        && let (Some(j), Some(k)) = (&e.journey, linked.kind)
    {
        let of: Vec<_> = cat
            .slos_of(j)
            .into_iter()
            .filter(|s| compose::measures(s, k))
            .collect();
        if of.len() == 1 {
            e.slo = Some(of[0].name.clone());
        }
    }
    // Questions about one SLO's budget, or "the SLO", on a journey with
    // several SLOs and no kind: ask which.
    if e.slo.is_none()
        && let Some(j) = &e.journey
        && cat.slos_of(j).len() > 1
    {
        let single = matches!(intent, Intent::Forecast | Intent::WhenStarted)
            || (intent == Intent::Status && tokens.iter().any(|t| t == "slo" || t == "budget"));
        if single {
            intent = Intent::Clarify;
        }
    }
    if intent == Intent::OutOfScope {
        e = Entities::default();
    }
    let range_ms = e.time.as_ref().map(|t| t.to_ms - t.from_ms);
    (
        Resolved {
            intent,
            entities: e,
            range_ms,
        },
        linked,
        tokens,
    )
}

/// The default range of an intent's answer, for the resolution record.
fn default_range(intent: Intent) -> Option<i64> {
    const MIN: i64 = 60_000;
    match intent {
        Intent::Status => Some(10 * MIN),
        Intent::DeployCaused => Some(120 * MIN),
        Intent::Compare | Intent::Changes | Intent::RecentFailures => Some(60 * MIN),
        _ => None,
    }
}

/// Answers `question` from the built-in engine.
pub fn ask(ctx: &Context, question: &str) -> Result<Answer, AskError> {
    if question.trim().is_empty() {
        return Err(AskError::BadInput(
            "the question is empty: ask something, e.g. \"what's burning the error budget?\""
                .into(),
        ));
    }
    let store = Store::open(&ctx.db)?;
    let cat = Catalog::load(&store, &ctx.slos, &ctx.journeys)?;
    let mut s = tools::Session::new(&store, &ctx.db, &ctx.journeys_dir, &cat, ctx.at_ms, ctx.tz);
    builtin_answer(&mut s, question)
}

/// The built-in answer within a session (the model path falls back to it).
pub fn builtin_answer(s: &mut tools::Session<'_>, question: &str) -> Result<Answer, AskError> {
    let (mut resolved, linked, tokens) = resolve(question, s.cat, s.at_ms, s.tz);
    if resolved.range_ms.is_none() {
        resolved.range_ms = default_range(resolved.intent);
    }
    s.log_resolution(question, &resolved);
    let reading = builtin::Reading {
        intent: resolved.intent,
        entities: &resolved.entities,
        linked: &linked,
        tokens: &tokens,
    };
    let draft = builtin::answer(s, &reading)?;
    let intent = draft.intent.unwrap_or(resolved.intent);
    let ungrounded = ground::ungrounded(&draft.text, question, &s.calls, s.cat, s.tz);
    Ok(Answer {
        question: question.to_owned(),
        intent,
        entities: resolved.entities,
        answer: draft.text,
        evidence: draft.evidence,
        followups: draft.followups,
        choices: draft.choices,
        chart: draft.chart,
        source: "builtin".into(),
        calls: std::mem::take(&mut s.calls),
        ungrounded,
        fallback: None,
        at_ms: s.at_ms,
        time_zone: s.tz.name().to_owned(),
    })
}
