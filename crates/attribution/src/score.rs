//! Grading a report against ground truth. Only the evaluation calls this:
//! labels never reach [`crate::attribute`].
//!
//! Labels are read in the shape the demo shop's scenario runner writes
//! (`labels.json`); fields the scorer does not need are ignored.

use serde::{Deserialize, Serialize};

use crate::report::Report;

/// One labelled fault.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LabelledFault {
    /// The service the fault hit.
    pub cause_service: String,
    /// The region it hit.
    pub region: String,
    /// The fault kind (`bad_release`, `latency`, ...).
    pub kind: String,
    /// When it started, Unix ms.
    pub start_ms: i64,
    /// The version to blame, for bad releases.
    pub release: Option<String>,
}

/// The labels of one incident.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Labels {
    /// The scenario's name.
    pub scenario: String,
    /// The faults that hurt users; the first is the one to find.
    pub causes: Vec<LabelledFault>,
    /// Decoys.
    #[serde(default)]
    pub red_herrings: Vec<LabelledFault>,
}

/// How one report did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IncidentScore {
    /// The incident.
    pub incident: String,
    /// The SLO explained.
    pub slo: String,
    /// Truth: service, region, release (version) or none.
    pub truth: (String, String, Option<String>),
    /// The engine's top cause: service, region, release.
    pub answer: (Option<String>, Option<String>, Option<String>),
    /// Service right at rank 1 / in the top 3.
    pub service_top1: bool,
    /// Service in the top 3.
    pub service_top3: bool,
    /// Region right at rank 1.
    pub region_top1: bool,
    /// Region in the top 3.
    pub region_top3: bool,
    /// Release right at rank 1 (a version, or none when no release is to blame).
    pub release_top1: bool,
    /// Release in the top 3.
    pub release_top3: bool,
    /// |onset − truth| in seconds, when the top cause has an onset.
    pub onset_error_s: Option<f64>,
    /// Share given to the cause matching the truth (0 when none does).
    pub true_share: f64,
    /// Rank of the first cause naming a red herring's service and region (1 = top).
    pub red_herring_rank: Option<usize>,
    /// Whether a red herring was labelled.
    pub has_red_herring: bool,
}

impl IncidentScore {
    /// Right on service, region and release at rank 1.
    pub fn top1(&self) -> bool {
        self.service_top1 && self.region_top1 && self.release_top1
    }
}

/// Grades `report` against `labels`.
pub fn grade(incident: &str, slo: &str, report: &Report, labels: &Labels) -> Option<IncidentScore> {
    let truth = labels.causes.first()?;
    let want_release = (truth.kind == "bad_release")
        .then(|| truth.release.clone())
        .flatten();
    let causes = &report.causes;
    let svc = |i: usize| causes.get(i).and_then(|c| c.service.clone());
    let reg = |i: usize| causes.get(i).and_then(|c| c.region.clone());
    let rel = |i: usize| {
        causes
            .get(i)
            .and_then(|c| c.change.as_ref())
            .and_then(|ch| ch.version.clone())
    };
    let top3 = |f: &dyn Fn(usize) -> bool| (0..3.min(causes.len())).any(f);
    let release_ok = |i: usize| causes.get(i).is_some() && rel(i) == want_release;
    let matching = causes.iter().find(|c| {
        c.service.as_deref() == Some(&truth.cause_service)
            && c.region.as_deref() == Some(&truth.region)
    });
    let herring_rank = labels.red_herrings.iter().filter_map(|h| {
        causes.iter().position(|c| {
            c.service.as_deref() == Some(&h.cause_service)
                && c.region.as_deref().is_none_or(|r| r == h.region)
        })
    });
    Some(IncidentScore {
        incident: incident.to_owned(),
        slo: slo.to_owned(),
        truth: (
            truth.cause_service.clone(),
            truth.region.clone(),
            want_release.clone(),
        ),
        answer: (svc(0), reg(0), rel(0)),
        service_top1: svc(0).as_deref() == Some(&truth.cause_service),
        service_top3: top3(&|i| svc(i).as_deref() == Some(&truth.cause_service)),
        region_top1: reg(0).as_deref() == Some(&truth.region),
        region_top3: top3(&|i| reg(i).as_deref() == Some(&truth.region)),
        release_top1: release_ok(0),
        release_top3: top3(&release_ok),
        onset_error_s: causes
            .first()
            .and_then(|c| c.onset.clone())
            .or(report.onset.clone())
            .map(|o| (o.at_ms - truth.start_ms).abs() as f64 / 1000.0),
        true_share: matching.map_or(0.0, |c| c.share),
        red_herring_rank: herring_rank.min().map(|p| p + 1),
        has_red_herring: !labels.red_herrings.is_empty(),
    })
}

/// The whole evaluation's figures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// Incidents scored.
    pub incidents: usize,
    /// Top-1 accuracy: service.
    pub service_top1: f64,
    /// Top-3 accuracy: service.
    pub service_top3: f64,
    /// Top-1 accuracy: region.
    pub region_top1: f64,
    /// Top-3 accuracy: region.
    pub region_top3: f64,
    /// Top-1 accuracy: release.
    pub release_top1: f64,
    /// Top-3 accuracy: release.
    pub release_top3: f64,
    /// Mean onset error, s.
    pub onset_error_mean_s: f64,
    /// Worst onset error, s.
    pub onset_error_max_s: f64,
    /// Incidents with the onset within 2 minutes.
    pub onset_within_2min: usize,
    /// Mean share given to the true cause.
    pub true_share_mean: f64,
    /// Incidents where a red herring was ranked first.
    pub red_herring_first: usize,
}

/// Sums the scores up.
pub fn summarise(scores: &[IncidentScore]) -> Summary {
    let n = scores.len().max(1) as f64;
    let frac =
        |f: &dyn Fn(&IncidentScore) -> bool| scores.iter().filter(|s| f(s)).count() as f64 / n;
    let onsets: Vec<f64> = scores.iter().filter_map(|s| s.onset_error_s).collect();
    Summary {
        incidents: scores.len(),
        service_top1: frac(&|s| s.service_top1),
        service_top3: frac(&|s| s.service_top3),
        region_top1: frac(&|s| s.region_top1),
        region_top3: frac(&|s| s.region_top3),
        release_top1: frac(&|s| s.release_top1),
        release_top3: frac(&|s| s.release_top3),
        onset_error_mean_s: if onsets.is_empty() {
            f64::NAN
        } else {
            onsets.iter().sum::<f64>() / onsets.len() as f64
        },
        onset_error_max_s: onsets.iter().copied().fold(0.0, f64::max),
        onset_within_2min: scores
            .iter()
            .filter(|s| s.onset_error_s.is_some_and(|e| e <= 120.0))
            .count(),
        true_share_mean: scores.iter().map(|s| s.true_share).sum::<f64>() / n,
        red_herring_first: scores
            .iter()
            .filter(|s| s.red_herring_rank == Some(1))
            .count(),
    }
}
