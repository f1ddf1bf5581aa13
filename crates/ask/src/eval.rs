//! Scoring the question box on a labelled question set
//! (`datasets/questions/`): intent and entity accuracy, fact recall and
//! invented facts. The CLI's `eval ask` loads each incident into a store,
//! asks, and grades with these functions.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::AskError;
use crate::answer::Answer;

/// One value or several (two regions in a comparison).
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(untagged)]
pub enum OneOrMany {
    /// One.
    One(String),
    /// Several.
    Many(Vec<String>),
}

impl OneOrMany {
    fn sorted(&self) -> Vec<String> {
        let mut v = match self {
            OneOrMany::One(s) => vec![s.clone()],
            OneOrMany::Many(v) => v.clone(),
        };
        v.sort();
        v
    }
}

/// The entities a question names, as labelled.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expected {
    /// The SLO.
    pub slo: Option<String>,
    /// The journey.
    pub journey: Option<String>,
    /// The step.
    pub step: Option<String>,
    /// The service.
    pub service: Option<String>,
    /// The region (or two).
    pub region: Option<OneOrMany>,
    /// The release, `service@version`.
    pub release: Option<String>,
}

/// One labelled question.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Question {
    /// The recorded incident it is asked in (a folder of `datasets/incidents`).
    pub incident: String,
    /// The question.
    pub question: String,
    /// The expected intent's name.
    pub intent: String,
    /// The expected entities.
    #[serde(default)]
    pub entities: Expected,
    /// Strings the answer must contain (case-insensitive).
    #[serde(default)]
    pub facts: Vec<String>,
    /// The length of the range the question names, in minutes.
    pub since_min: Option<i64>,
}

/// Reads a question file; errors name the file and, for YAML errors, the line.
pub fn load(path: &Path) -> Result<Vec<Question>, AskError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| AskError::BadInput(format!("{}: {e}", path.display())))?;
    let qs: Vec<Question> = serde_norway::from_str(&text)
        .map_err(|e| AskError::BadInput(format!("{}: {e}", path.display())))?;
    for (i, q) in qs.iter().enumerate() {
        if !crate::Intent::ALL.iter().any(|x| x.name() == q.intent) {
            return Err(AskError::BadInput(format!(
                "{}: question {} ({:?}): intent {:?} is not one of {}",
                path.display(),
                i + 1,
                q.question,
                q.intent,
                crate::Intent::ALL.map(|x| x.name()).join(", ")
            )));
        }
    }
    Ok(qs)
}

/// How one answer scored.
#[derive(Debug, Clone, Serialize)]
pub struct Grade {
    /// The incident.
    pub incident: String,
    /// The question.
    pub question: String,
    /// The expected intent.
    pub expected_intent: String,
    /// The intent found.
    pub intent: String,
    /// They match.
    pub intent_ok: bool,
    /// Every labelled entity matched and none was added.
    pub entities_ok: bool,
    /// What did not match, `field: expected X, got Y`.
    pub entity_errors: Vec<String>,
    /// Facts expected.
    pub facts: usize,
    /// Facts missing from the answer.
    pub facts_missing: Vec<String>,
    /// Numbers, times or names the answer holds that no call returned.
    pub invented: Vec<String>,
    /// How long the answer took, ms.
    pub ms: f64,
    /// The answer's text.
    pub answer: String,
}

fn cmp(errors: &mut Vec<String>, field: &str, want: Option<&str>, got: Option<&str>) {
    if want != got {
        errors.push(format!(
            "{field}: expected {}, got {}",
            want.unwrap_or("none"),
            got.unwrap_or("none")
        ));
    }
}

/// Grades `a` against `q`.
pub fn grade(q: &Question, a: &Answer, ms: f64) -> Grade {
    let e = &a.entities;
    let x = &q.entities;
    let mut errors = Vec::new();
    cmp(&mut errors, "slo", x.slo.as_deref(), e.slo.as_deref());
    // A journey implied by the SLO named, or a service implied by the
    // release named, is not an extra entity.
    if x.journey.is_some() || x.slo.is_some() || e.slo.is_none() {
        cmp(
            &mut errors,
            "journey",
            x.journey.as_deref(),
            e.journey.as_deref(),
        );
    }
    let implied_service = e.release.as_deref().and_then(|r| r.split('@').next());
    if x.service.is_some() || e.service.as_deref() != implied_service {
        cmp(
            &mut errors,
            "service",
            x.service.as_deref(),
            e.service.as_deref(),
        );
    }
    let mut got_regions: Vec<String> = e.region.iter().chain(&e.other_region).cloned().collect();
    got_regions.sort();
    let want_regions = x.region.as_ref().map(OneOrMany::sorted).unwrap_or_default();
    if want_regions != got_regions {
        errors.push(format!(
            "region: expected {want_regions:?}, got {got_regions:?}"
        ));
    }
    cmp(
        &mut errors,
        "release",
        x.release.as_deref(),
        e.release.as_deref(),
    );
    if x.step.is_some() {
        cmp(&mut errors, "step", x.step.as_deref(), e.step.as_deref());
    }
    if let Some(m) = q.since_min {
        let got = e
            .time
            .as_ref()
            .filter(|t| t.stated)
            .map(|t| (t.to_ms - t.from_ms) / 60_000);
        if got != Some(m) {
            errors.push(format!("time: expected the last {m} min, got {got:?} min"));
        }
    }
    let lower = a.answer.to_lowercase();
    Grade {
        incident: q.incident.clone(),
        question: q.question.clone(),
        expected_intent: q.intent.clone(),
        intent: a.intent.name().to_owned(),
        intent_ok: a.intent.name() == q.intent,
        entities_ok: errors.is_empty(),
        entity_errors: errors,
        facts: q.facts.len(),
        facts_missing: q
            .facts
            .iter()
            .filter(|f| !lower.contains(&f.to_lowercase()))
            .cloned()
            .collect(),
        invented: a.ungrounded.clone(),
        ms,
        answer: a.answer.clone(),
    }
}

/// The scores over a question set.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    /// Questions asked.
    pub questions: usize,
    /// Share with the right intent.
    pub intent_accuracy: f64,
    /// Share with every entity right.
    pub entity_accuracy: f64,
    /// Facts found / facts expected.
    pub fact_recall: f64,
    /// Invented numbers, times or names in all answers.
    pub invented: usize,
    /// Median answer time, ms.
    pub p50_ms: f64,
    /// 95th percentile answer time, ms.
    pub p95_ms: f64,
    /// Slowest answer, ms.
    pub max_ms: f64,
    /// Intent and entities at 95% or better, every fact, nothing invented.
    pub goals_met: bool,
}

/// Sums up `grades`.
pub fn summarise(grades: &[Grade]) -> Summary {
    let n = grades.len().max(1) as f64;
    let facts: usize = grades.iter().map(|g| g.facts).sum();
    let missing: usize = grades.iter().map(|g| g.facts_missing.len()).sum();
    let mut ms: Vec<f64> = grades.iter().map(|g| g.ms).collect();
    ms.sort_by(f64::total_cmp);
    let q = |p: f64| {
        ms.get(((ms.len() as f64 * p).ceil() as usize).saturating_sub(1))
            .copied()
            .unwrap_or(0.0)
    };
    let intent_accuracy = grades.iter().filter(|g| g.intent_ok).count() as f64 / n;
    let entity_accuracy = grades.iter().filter(|g| g.entities_ok).count() as f64 / n;
    let fact_recall = if facts == 0 {
        1.0
    } else {
        (facts - missing) as f64 / facts as f64
    };
    let invented = grades.iter().map(|g| g.invented.len()).sum();
    Summary {
        questions: grades.len(),
        intent_accuracy,
        entity_accuracy,
        fact_recall,
        invented,
        p50_ms: q(0.5),
        p95_ms: q(0.95),
        max_ms: ms.last().copied().unwrap_or(0.0),
        goals_met: intent_accuracy >= 0.95
            && entity_accuracy >= 0.95
            && missing == 0
            && invented == 0,
    }
}
