//! From slices to causes: the service, operation, region and kind behind
//! each slice, its onset, the change that matches it, its evidence and
//! confidence; then merged, ranked and capped.
//!
//! Ranking is by `share × (0.5 + 0.5 × consistency)`, consistency being the
//! fraction of the slice's bad runs whose trace blames the cause's service.
//! Confidence is `0.4 consistency + 0.2 share + 0.2 min(1, strength / 5) +
//! 0.2 change score`, strength being the slice onset's shift in spreads.

use std::collections::{BTreeMap, HashMap};

use crate::blame::Blame;
use crate::changes::{Scope, score};
use crate::decompose::Slice;
use crate::engine::{dim_value, slice_onset};
use crate::indicators::Moved;
use crate::input::{Input, Options, RunObs};
use crate::report::{
    Cause, CauseKind, Evidence, EvidenceKind, Onset, RedHerring, SliceItem, Window,
};

/// What building causes needs from the pipeline.
pub struct CauseBuilder<'a> {
    /// The engine's input.
    pub input: &'a Input<'a>,
    /// Tuning.
    pub opts: &'a Options,
    /// The burn window.
    pub window: Window,
    /// The baseline.
    pub baseline: Window,
    /// Every observation.
    pub all: &'a [RunObs],
    /// The observations in the window.
    pub in_window: &'a [&'a RunObs],
    /// Blame per bad run id.
    pub blames: &'a HashMap<&'a str, Blame>,
    /// The SLI's onset.
    pub sli_onset: Option<Onset>,
    /// Bad events in the window.
    pub bad_events: u64,
}

fn matches(o: &RunObs, slice: &Slice, blames: &HashMap<&str, Blame>) -> bool {
    slice
        .items
        .iter()
        .all(|(d, v)| dim_value(o, d, blames) == *v)
}

/// Same slice without the per-bad-run dimensions, so good runs match too.
fn matches_traffic(o: &RunObs, slice: &Slice) -> bool {
    slice.items.iter().all(|(d, v)| match *d {
        "region" => &o.region == v,
        "journey" => &o.journey == v,
        "journey_version" => &o.journey_version == v,
        "runner" => &o.runner == v,
        _ => true,
    })
}

fn majority<'a>(items: impl Iterator<Item = &'a str>) -> Option<(&'a str, usize)> {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for i in items {
        *counts.entry(i).or_default() += 1;
    }
    counts
        .into_iter()
        .max_by_key(|(k, n)| (*n, std::cmp::Reverse(*k)))
}

fn fallback_kind(bad: &[&RunObs]) -> CauseKind {
    let slow = bad.iter().filter(|o| o.slow).count();
    let timeouts = bad
        .iter()
        .filter(|o| {
            o.error_class
                .as_deref()
                .is_some_and(|c| c.contains("timeout"))
        })
        .count();
    if slow * 2 >= bad.len() || timeouts * 2 >= bad.len() {
        CauseKind::Latency
    } else {
        CauseKind::Errors
    }
}

fn one_cause(
    b: &CauseBuilder<'_>,
    slice: &Slice,
    moved: &[Moved],
) -> (Cause, f64, Vec<RedHerring>) {
    let bad: Vec<&RunObs> = b
        .in_window
        .iter()
        .copied()
        .filter(|o| !o.good && matches(o, slice, b.blames))
        .collect();
    let blamed: Vec<&Blame> = bad
        .iter()
        .filter_map(|o| b.blames.get(o.run_id.as_str()))
        .collect();
    let service = slice
        .items
        .get("service")
        .filter(|s| !s.starts_with('('))
        .cloned()
        .or_else(|| majority(blamed.iter().map(|x| x.service.as_str())).map(|(s, _)| s.to_owned()));
    let of_service: Vec<&Blame> = blamed
        .iter()
        .copied()
        .filter(|x| Some(&x.service) == service.as_ref())
        .collect();
    let consistency = if bad.is_empty() {
        0.0
    } else if blamed.is_empty() {
        0.5
    } else {
        of_service.len() as f64 / bad.len() as f64
    };
    let operation =
        majority(of_service.iter().map(|x| x.operation.as_str())).map(|(s, _)| s.to_owned());
    let region = slice.items.get("region").cloned().or_else(|| {
        let first = bad.first()?.region.clone();
        bad.iter().all(|o| o.region == first).then_some(first)
    });
    let kind = {
        let mut kinds: BTreeMap<CauseKind, usize> = BTreeMap::new();
        for x in &of_service {
            *kinds.entry(x.kind).or_default() += 1;
        }
        kinds
            .into_iter()
            .max_by_key(|(k, n)| (*n, std::cmp::Reverse(*k)))
            .map_or_else(|| fallback_kind(&bad), |(k, _)| k)
    };
    let share = if b.bad_events == 0 {
        0.0
    } else {
        bad.len() as f64 / b.bad_events as f64
    };

    // The slice's own onset: its traffic, bad when it is one of this slice's bad runs.
    let traffic: Vec<(i64, bool)> = b
        .all
        .iter()
        .filter(|o| matches_traffic(o, slice))
        .map(|o| (o.at_ms, !o.good && matches(o, slice, b.blames)))
        .collect();
    let onset = slice_onset(
        &traffic,
        b.baseline.from_ms,
        b.window.to_ms,
        b.opts.bucket_ms,
        b.sli_onset.clone(),
    );

    let mut versions: BTreeMap<String, u64> = BTreeMap::new();
    for x in &of_service {
        if let Some(v) = &x.version {
            *versions.entry(v.clone()).or_default() += 1;
        }
    }
    let versions: Vec<(String, u64)> = versions.into_iter().collect();
    let mut herrings = Vec::new();
    let mut change = None;
    if let Some(on) = &onset {
        let ranked = score(
            b.input.events,
            on,
            b.opts.change_lookback_ms,
            Scope {
                service: service.as_deref(),
                region: region.as_deref(),
                versions: &versions,
            },
        );
        for c in ranked {
            if change.is_none() && c.score >= 0.25 {
                change = Some(c);
            } else if c.score < 0.25 {
                herrings.push(RedHerring {
                    series: format!("{} {}", c.kind, c.release.clone().unwrap_or_else(|| c.event_id.clone())),
                    service: c.service.clone(),
                    region: c.region.clone(),
                    why: format!("a change before the onset, but it does not match the cause ({}; score {:.2})", c.why, c.score),
                });
            }
        }
    }
    let shift_strength = moved
        .iter()
        .filter(|m| m.service == service && (m.region.is_none() || m.region == region))
        .map(|m| m.shift.strength)
        .fold(0.0f64, f64::max);
    let change_score = change.as_ref().map_or(0.0, |c| c.score);
    let confidence = (0.4 * consistency
        + 0.2 * share
        + 0.2 * (shift_strength / 5.0).min(1.0)
        + 0.2 * change_score)
        .clamp(0.0, 1.0);

    let mut evidence = vec![Evidence {
        kind: EvidenceKind::Slice,
        ids: slice
            .items
            .iter()
            .map(|(d, v)| format!("{d}={v}"))
            .collect(),
        summary: format!(
            "{} of {} runs in the slice were bad in the window ({} of all bad events)",
            slice.bad,
            slice.total,
            pct(share)
        ),
    }];
    for x in of_service.iter().take(b.opts.max_evidence / 2) {
        evidence.push(Evidence {
            kind: EvidenceKind::Span,
            ids: vec![format!("{}/{}", x.trace_id, x.span_id)],
            summary: format!(
                "{} {} {}{}: {}",
                x.service,
                x.operation,
                x.region
                    .as_deref()
                    .map(|r| format!("in {r} "))
                    .unwrap_or_default(),
                x.version
                    .as_deref()
                    .map(|v| format!("@{v}"))
                    .unwrap_or_default(),
                x.detail
            ),
        });
    }
    for o in bad.iter().take(b.opts.max_evidence / 2) {
        evidence.push(Evidence {
            kind: EvidenceKind::Run,
            ids: vec![o.run_id.clone()],
            summary: format!(
                "{} in {} {}{}",
                o.journey,
                o.region,
                if o.slow {
                    format!("took {} ms", o.duration_ms)
                } else {
                    "failed".to_owned()
                },
                o.step
                    .as_deref()
                    .map(|s| format!(" at \"{s}\""))
                    .unwrap_or_default()
            ),
        });
    }
    let trace_logs = b
        .input
        .logs
        .iter()
        .filter(|l| l.severity_number >= 17)
        .filter(|l| {
            l.trace_id
                .as_deref()
                .is_some_and(|t| of_service.iter().any(|x| x.trace_id == t))
        })
        .count();
    if trace_logs > 0 {
        evidence.push(Evidence {
            kind: EvidenceKind::Log,
            ids: of_service
                .iter()
                .take(3)
                .map(|x| x.trace_id.clone())
                .collect(),
            summary: format!("{trace_logs} error log records on the blamed traces"),
        });
    }
    if let Some(c) = &change {
        evidence.push(Evidence {
            kind: EvidenceKind::Event,
            ids: vec![c.event_id.clone()],
            summary: format!(
                "{}: {}",
                c.release.clone().unwrap_or_else(|| c.kind.clone()),
                c.why
            ),
        });
    }
    for m in moved
        .iter()
        .filter(|m| m.service == service && (m.region.is_none() || m.region == region))
        .take(3)
    {
        evidence.push(Evidence {
            kind: EvidenceKind::Metric,
            ids: vec![m.series.clone()],
            summary: format!(
                "rose from {:.3} to {:.3} ({:.1}σ)",
                m.shift.before, m.shift.after, m.shift.strength
            ),
        });
    }
    let cause = Cause {
        service,
        operation,
        region,
        kind,
        share,
        slice: slice
            .items
            .iter()
            .map(|(d, v)| SliceItem {
                dimension: (*d).to_owned(),
                value: v.clone(),
            })
            .collect(),
        onset,
        confidence,
        change,
        evidence,
    };
    (cause, consistency, herrings)
}

/// A share as a percentage for people.
pub fn pct(x: f64) -> String {
    format!("{:.0}%", x * 100.0)
}

/// Builds, merges and ranks the causes; returns them with the changes ruled out.
pub fn build_causes(
    b: &CauseBuilder<'_>,
    slices: &[Slice],
    moved: &[Moved],
) -> (Vec<Cause>, Vec<RedHerring>) {
    let mut causes: Vec<(Cause, f64)> = Vec::new();
    let mut herrings: Vec<RedHerring> = Vec::new();
    for s in slices {
        let (c, consistency, h) = one_cause(b, s, moved);
        for x in h {
            if !herrings.iter().any(|y| y.series == x.series) {
                herrings.push(x);
            }
        }
        // Two slices that land on the same service and region are one cause.
        if let Some((prev, prev_consistency)) = causes
            .iter_mut()
            .find(|(p, _)| p.service == c.service && p.region == c.region && p.service.is_some())
        {
            // Weighted by share, so the merged cause keeps a fair consistency.
            let w = prev.share + c.share;
            if w > 0.0 {
                *prev_consistency = (*prev_consistency * prev.share + consistency * c.share) / w;
            }
            prev.share += c.share;
            prev.confidence = prev.confidence.max(c.confidence);
            prev.slice.retain(|i| c.slice.contains(i));
            prev.evidence.extend(
                c.evidence
                    .into_iter()
                    .filter(|e| e.kind != EvidenceKind::Event),
            );
            prev.evidence.truncate(b.opts.max_evidence * 2);
            if prev.change.is_none() {
                prev.change = c.change;
            }
            continue;
        }
        causes.push((c, consistency));
    }
    // A change attached to a cause is not a red herring.
    herrings.retain(|h| {
        !causes.iter().any(|(c, _)| {
            c.change.as_ref().is_some_and(|ch| {
                h.series
                    .ends_with(ch.release.as_deref().unwrap_or(&ch.event_id))
            })
        })
    });
    causes.sort_by(|(x, cx), (y, cy)| {
        let sx = x.share * (0.5 + 0.5 * cx);
        let sy = y.share * (0.5 + 0.5 * cy);
        sy.total_cmp(&sx)
    });
    let mut causes: Vec<Cause> = causes.into_iter().map(|(c, _)| c).collect();
    let total: f64 = causes.iter().map(|c| c.share).sum();
    if total > 1.0 {
        for c in &mut causes {
            c.share /= total;
        }
    }
    causes.truncate(b.opts.max_causes);
    (causes, herrings)
}
