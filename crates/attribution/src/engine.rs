//! The pipeline: windows and onset, trace blame, decomposition, causes,
//! changes and indicators, in that order, for an SLO or for telemetry alone.

use std::collections::{HashMap, HashSet};

use sightline_core::{Span, SpanKind};

use crate::blame::{Blame, SelfTimeBaseline, Traces, blame, by_trace};
use crate::causes::{CauseBuilder, build_causes};
use crate::decompose::{Row, decompose};
use crate::indicators::{moved, red_points};
use crate::input::{Input, Options, RunObs};
use crate::onset::{Shift, detect, ratio_series};
use crate::render::sentence;
use crate::report::{Indicator, Onset, RedHerring, Report, Subject, Window};

/// The localisation method, as the report names it.
pub const METHOD: &str = "recursive Adtributor (Bhagwan et al., NSDI 2014) over region, journey, \
step, error class, journey version, runner and blamed service; BOCPD onsets (Adams & MacKay 2007)";

/// Baseline traces learnt from, at most.
const MAX_BASELINE_TRACES: usize = 400;

/// Explains `input` (see [`crate::attribute`]).
pub fn run(input: &Input<'_>, opts: &Options) -> Report {
    let traces = by_trace(input.spans);
    let (obs, subject) = match input.slo {
        Some((name, target)) => (
            input.runs.to_vec(),
            Subject::Slo {
                slo: name.to_owned(),
                target,
            },
        ),
        None => (trace_obs(&traces, input), Subject::Telemetry {}),
    };
    let (window, baseline, onset) = windows(input, &obs, opts);
    let in_window: Vec<&RunObs> = obs.iter().filter(|o| window.contains(o.at_ms)).collect();
    let in_base: Vec<&RunObs> = obs.iter().filter(|o| baseline.contains(o.at_ms)).collect();

    // Trace blame for every bad run; the baseline's good traces set the norm.
    let self_base = SelfTimeBaseline::learn(
        in_base
            .iter()
            .filter(|o| o.good)
            .filter_map(|o| traces.get(o.trace_id.as_deref()?))
            .take(MAX_BASELINE_TRACES)
            .map(Vec::as_slice),
    );
    // Every bad observation from the baseline's start on is blamed, so
    // slices' onsets can be found before a window given by the caller.
    let blames: HashMap<&str, Blame> = obs
        .iter()
        .filter(|o| {
            !o.good && o.at_ms >= baseline.from_ms.min(window.from_ms) && o.at_ms < window.to_ms
        })
        .filter_map(|o| {
            let spans = traces.get(o.trace_id.as_deref()?)?;
            Some((o.run_id.as_str(), blame(spans, o.slow, &self_base)?))
        })
        .collect();

    let rows: Vec<Row> = in_window
        .iter()
        .map(|o| row(o, true, &blames))
        .chain(in_base.iter().map(|o| row(o, false, &blames)))
        .collect();
    let slices = decompose(&rows, opts.min_element_ep, opts.min_set_ep);
    let bad_events = in_window.iter().filter(|o| !o.good).count() as u64;

    // Signals that moved from half an hour before the onset to the end.
    let sli_onset = onset.map(|s| s.onset);
    let anchor = sli_onset.as_ref().map_or(window.from_ms, |o| o.at_ms);
    let signal_from = (anchor - 30 * 60_000).max(baseline.from_ms);
    let derived;
    let red = match input.red {
        Some(r) => r,
        None => {
            let (a, b) = (signal_from * 1_000_000, window.to_ms * 1_000_000);
            derived = red_points(
                input
                    .spans
                    .iter()
                    .filter(|s| s.start_time_unix_nano >= a && s.start_time_unix_nano < b),
            );
            &derived
        }
    };
    let moved = moved(
        red,
        input.metrics,
        input.logs,
        signal_from,
        window.to_ms,
        opts.bucket_ms,
        3.0,
    );

    let builder = CauseBuilder {
        input,
        opts,
        window,
        baseline,
        all: &obs,
        in_window: &in_window,
        blames: &blames,
        sli_onset: sli_onset.clone(),
        bad_events,
    };
    let (causes, mut red_herrings) = build_causes(&builder, &slices, &moved);

    // Services whose own spans got worse on the bad traces, and where.
    let worse = worse_on_bad_traces(&in_window, &traces, &self_base);
    let mut leading = Vec::new();
    for m in &moved {
        let lead_s = (anchor - m.shift.onset.at_ms) as f64 / 1000.0;
        if lead_s < -(opts.bucket_ms as f64 / 1000.0) * 3.0 {
            continue;
        }
        let service = m.service.as_deref().unwrap_or("");
        let related = worse.iter().any(|(s, r)| {
            s == service
                && (m.region.is_none() || r.is_none() || r.as_deref() == m.region.as_deref())
        });
        let is_cause = causes.iter().any(|c| c.service.as_deref() == Some(service));
        let mut summary = format!(
            "{} rose from {:.3} to {:.3} ({:.1}σ) {}",
            m.series,
            m.shift.before,
            m.shift.after,
            m.shift.strength,
            lead_phrase(lead_s)
        );
        if related
            && !is_cause
            && let Some(c) = causes.first().and_then(|c| c.service.as_deref())
        {
            summary.push_str(&format!(
                "; a symptom: {service} is on the bad traces above {c}"
            ));
        }
        if !related {
            red_herrings.push(RedHerring {
                series: m.series.clone(),
                service: m.service.clone(),
                region: m.region.clone(),
                why: format!(
                    "moved {}, but {service}'s spans{} on the bad traces neither failed nor slowed down",
                    lead_phrase(lead_s),
                    m.region.as_deref().map(|r| format!(" in {r}")).unwrap_or_default(),
                ),
            });
        }
        leading.push(Indicator {
            source: m.source.to_owned(),
            series: m.series.clone(),
            service: m.service.clone(),
            region: m.region.clone(),
            moved_at_ms: m.shift.onset.at_ms,
            lead_s,
            strength: m.shift.strength,
            related,
            summary,
        });
    }
    let top = causes.first().and_then(|c| c.service.clone());
    leading.sort_by(|a, b| {
        (b.service == top)
            .cmp(&(a.service == top))
            .then(b.related.cmp(&a.related))
            .then(b.lead_s.total_cmp(&a.lead_s))
            .then(b.strength.total_cmp(&a.strength))
    });
    leading.truncate(20);

    let mut report = Report {
        version: crate::report::REPORT_VERSION,
        subject,
        at_ms: input.at_ms,
        window,
        baseline,
        bad_events,
        total_events: in_window.len() as u64,
        onset: sli_onset,
        sentence: String::new(),
        causes,
        leading_indicators: leading,
        red_herrings,
        method: METHOD.to_owned(),
    };
    report.sentence = sentence(&report);
    report
}

/// A span is worse than the baseline when it failed, or when its
/// critical-path self-time or its whole duration is 20 ms and 50% over the
/// baseline median for its service and operation.
fn worse_on_bad_traces(
    bad: &[&RunObs],
    traces: &Traces<'_>,
    base: &SelfTimeBaseline,
) -> HashSet<(String, Option<String>)> {
    let mut out = HashSet::new();
    for o in bad.iter().filter(|o| !o.good) {
        let Some(spans) = o.trace_id.as_deref().and_then(|t| traces.get(t)) else {
            continue;
        };
        for s in spans
            .iter()
            .filter(|s| s.status == sightline_core::SpanStatus::Error)
        {
            out.insert((s.service.clone(), s.region.clone()));
        }
        for (s, ms) in crate::blame::critical_self_times(spans) {
            let b = base.median(s).unwrap_or(0.0);
            if ms - b > 20.0 && ms > b * 1.5 {
                out.insert((s.service.clone(), s.region.clone()));
            }
        }
        // Slower as a whole (a caller waiting on a slow callee): a symptom on the path.
        for s in spans {
            let ms = s.duration_nano as f64 / 1e6;
            if let Some(b) = base.median_duration(s)
                && ms - b > 20.0
                && ms > b * 1.5
            {
                out.insert((s.service.clone(), s.region.clone()));
            }
        }
    }
    out
}

fn lead_phrase(lead_s: f64) -> String {
    if lead_s >= 0.0 {
        format!("{lead_s:.0} s before the SLI")
    } else {
        format!("{:.0} s after the SLI", -lead_s)
    }
}

/// The value of dimension `dim` for one observation, as the decomposition
/// sees it. Dimensions that only bad runs have are `(none)` on good ones.
pub fn dim_value(o: &RunObs, dim: &str, blames: &HashMap<&str, Blame>) -> String {
    let none = || "(none)".to_owned();
    match dim {
        "service" if o.good => none(),
        "service" => blames
            .get(o.run_id.as_str())
            .map_or_else(|| "(unknown)".to_owned(), |b| b.service.clone()),
        "region" => o.region.clone(),
        "journey" => o.journey.clone(),
        "step" if o.good => none(),
        "step" => o.step.clone().unwrap_or_else(none),
        "error_class" if o.good => none(),
        "error_class" if o.slow => "slow".to_owned(),
        "error_class" => o
            .error_class
            .clone()
            .unwrap_or_else(|| "(unclassified)".to_owned()),
        "journey_version" => o.journey_version.clone(),
        "runner" => o.runner.clone(),
        _ => none(),
    }
}

fn row(o: &RunObs, in_window: bool, blames: &HashMap<&str, Blame>) -> Row {
    Row {
        dims: crate::decompose::DIMENSIONS
            .iter()
            .map(|d| (*d, dim_value(o, d, blames)))
            .collect(),
        bad: !o.good,
        in_window,
    }
}

/// The burn window, the baseline and the SLI's onset.
fn windows(input: &Input<'_>, obs: &[RunObs], opts: &Options) -> (Window, Window, Option<Shift>) {
    let at = input.at_ms;
    if let Some(w) = input.window {
        let base = input.baseline.unwrap_or(Window {
            from_ms: w.from_ms - w.len_ms(),
            to_ms: w.from_ms,
        });
        let from = base.from_ms.min(w.from_ms);
        let onset = onset_of(obs, from, w.to_ms, opts.bucket_ms);
        return (w, base, onset);
    }
    let first = obs
        .iter()
        .map(|o| o.at_ms)
        .filter(|t| *t <= at)
        .min()
        .unwrap_or(at);
    let from = (at - opts.lookback_ms).max(first);
    let onset = onset_of(obs, from, at, opts.bucket_ms);
    match onset {
        // The window starts a bucket before the onset's interval, so the
        // first bad runs are in it; the baseline ends a bucket before that.
        Some(s) if s.onset.earliest_ms - opts.bucket_ms > from => {
            let start = s.onset.earliest_ms - opts.bucket_ms;
            (
                Window {
                    from_ms: start,
                    to_ms: at + 1,
                },
                Window {
                    from_ms: from,
                    to_ms: start,
                },
                Some(s),
            )
        }
        _ => {
            let len = ((at - from) / 4).max(opts.bucket_ms);
            (
                Window {
                    from_ms: at - len,
                    to_ms: at + 1,
                },
                Window {
                    from_ms: from,
                    to_ms: at - len,
                },
                onset,
            )
        }
    }
}

/// The SLI's onset over `[from, to)`: the bad-event ratio per bucket.
pub fn onset_of(obs: &[RunObs], from: i64, to: i64, bucket_ms: i64) -> Option<Shift> {
    let n = usize::try_from(((to - from) / bucket_ms.max(1)) + 1).unwrap_or(0);
    let pts: Vec<(i64, bool)> = obs.iter().map(|o| (o.at_ms, !o.good)).collect();
    detect(&ratio_series(from, bucket_ms, n, &pts), 0.02, 2.5)
}

/// Telemetry-only mode: one observation per request, that is per root
/// server span (its parent is not in the trace); bad when it failed, or when
/// it is slower than the baseline's p99 of the same operation, twice its
/// median and its median + 50 ms. The whole trace is what blame then looks at.
fn trace_obs(traces: &Traces<'_>, input: &Input<'_>) -> Vec<RunObs> {
    let mut entries: Vec<(&str, &Span, bool)> = Vec::new();
    for (id, spans) in traces {
        let ids: HashSet<&str> = spans.iter().map(|s| s.span_id.as_str()).collect();
        for s in spans.iter().filter(|s| {
            s.kind == SpanKind::Server
                && s.parent_span_id.as_deref().is_none_or(|p| !ids.contains(p))
        }) {
            let error = s.status == sightline_core::SpanStatus::Error
                || s.http_status_code.is_some_and(|c| c >= 500);
            entries.push((*id, *s, error));
        }
    }
    entries.sort_by(|a, b| {
        (a.1.start_time_unix_nano, &a.1.span_id).cmp(&(b.1.start_time_unix_nano, &b.1.span_id))
    });
    let w = input.window.unwrap_or(Window {
        from_ms: input.at_ms,
        to_ms: input.at_ms,
    });
    let base = input.baseline.unwrap_or(Window {
        from_ms: w.from_ms - w.len_ms(),
        to_ms: w.from_ms,
    });
    let mut durations: HashMap<String, Vec<i64>> = HashMap::new();
    for (_, e, error) in &entries {
        if !error && base.contains(e.start_time_unix_nano / 1_000_000) {
            durations
                .entry(crate::blame::operation(e))
                .or_default()
                .push(e.duration_nano);
        }
    }
    let limits: HashMap<String, i64> = durations
        .into_iter()
        .filter(|(_, v)| v.len() >= 5)
        .map(|(k, mut v)| {
            v.sort_unstable();
            let p99 = v[(v.len() * 99 / 100).min(v.len() - 1)];
            let median = v[v.len() / 2];
            // At least 50 ms over the median, so jitter on fast calls is not "slow".
            (k, p99.max(median * 2).max(median + 50_000_000))
        })
        .collect();
    entries
        .into_iter()
        .map(|(id, e, error)| {
            let op = crate::blame::operation(e);
            let slow = !error && limits.get(&op).is_some_and(|l| e.duration_nano > *l);
            RunObs {
                run_id: format!("{id}/{}", e.span_id),
                at_ms: e.start_time_unix_nano / 1_000_000,
                good: !error && !slow,
                slow,
                journey: format!("{} {op}", e.service),
                journey_version: "-".into(),
                region: e.region.clone().unwrap_or_else(|| "(unknown)".into()),
                runner: "-".into(),
                step: None,
                error_class: error.then(|| "error".to_owned()),
                error_message: None,
                trace_id: Some(id.to_owned()),
                duration_ms: e.duration_nano / 1_000_000,
            }
        })
        .collect()
}

/// An onset for a subset of observations, or the SLI's when it has none.
pub fn slice_onset(
    obs: &[(i64, bool)],
    from: i64,
    to: i64,
    bucket_ms: i64,
    fallback: Option<Onset>,
) -> Option<Onset> {
    let n = usize::try_from(((to - from) / bucket_ms.max(1)) + 1).unwrap_or(0);
    detect(&ratio_series(from, bucket_ms, n, obs), 0.02, 2.5)
        .map(|s| s.onset)
        .or(fallback)
}
