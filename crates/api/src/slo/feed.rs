//! Feeding the pure SLO engine from the store: only the journeys the SLOs
//! name, only the time range their windows reach, final attempts only.

use std::collections::{BTreeSet, HashMap};
use std::path::Path;

use sightline_slo::{DAY_MS, MINUTE_MS, SliEvent, SloConfig, SloEngine, StepTiming};
use sightline_store::Store;
use sightline_store::queries::sli::{self, SliQuery, SliRun, StepSelection};

use super::files::journey_tags;
use crate::ApiError;

/// The engine's event for a stored run, with the journey's tags.
pub fn sli_event(r: SliRun, tags: Vec<String>) -> SliEvent {
    SliEvent {
        run_id: r.id,
        started_at_ms: r.started_at_ms,
        tags,
        journey: r.journey,
        region: r.region,
        duration_ms: r.duration_ms,
        outcome: r.outcome,
        steps: r
            .steps
            .into_iter()
            .map(|s| StepTiming {
                name: s.name,
                duration_ms: s.duration_ms,
                outcome: s.outcome,
            })
            .collect(),
    }
}

/// How far before `at` the engine needs events for `configs`: the compliance
/// window, every burn window reported and every alert rule's long window,
/// plus `extra_ms` of alert history to replay.
pub fn reach_ms(configs: &[SloConfig], at_ms: i64, extra_ms: i64) -> Result<i64, ApiError> {
    let mut from = at_ms;
    for c in configs {
        let w = c.validate(None)?.bounds(at_ms);
        let longest_rule = c
            .policy
            .rules
            .iter()
            .map(|r| r.long_window_ms)
            .max()
            .unwrap_or(0);
        let reach = w.period_ms.max(3 * DAY_MS).max(longest_rule + extra_ms);
        from = from.min(w.start_ms).min(at_ms + 1 - reach);
    }
    Ok(from)
}

/// An engine holding every stored final run the SLOs count up to `at_ms`.
/// `steps` chooses how much step data to read; `extra_ms` widens the range
/// for alert replay.
pub fn engine_at(
    db: &Path,
    journeys_dir: &Path,
    configs: Vec<SloConfig>,
    at_ms: i64,
    steps: StepSelection,
    extra_ms: i64,
) -> Result<SloEngine, ApiError> {
    let from_ms = reach_ms(&configs, at_ms, extra_ms)?;
    let journeys: BTreeSet<String> = configs
        .iter()
        .map(|c| c.definition.filter.journey.clone())
        .collect();
    let want_tags = configs.iter().any(|c| !c.definition.filter.tags.is_empty());
    let tags = if want_tags {
        journey_tags(journeys_dir)
    } else {
        HashMap::new()
    };
    let mut engine = SloEngine::new(configs, None)?;
    engine.expect_span(from_ms, at_ms);
    // No database yet means no runs: every SLI is undefined, not an error.
    if !db.exists() {
        return Ok(engine);
    }
    // Reading the rows and counting them take about the same time, so they
    // run on two threads: a reader with its own connection streams batches
    // of events to this one, which loads them into the engine.
    let reads: Vec<SliQuery> = journeys
        .into_iter()
        .map(|journey| SliQuery {
            steps: steps_for(&engine, &journey, &steps),
            journeys: vec![journey],
            from_ms,
            to_ms: at_ms,
        })
        .collect();
    let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<SliEvent>>(FEED_QUEUE);
    std::thread::scope(|scope| {
        let reader = scope.spawn(move || -> Result<(), ApiError> {
            let store = Store::open_read_only(db)?;
            let mut batch = Vec::with_capacity(FEED_BATCH);
            for q in &reads {
                sli::for_each_run(store.conn(), q, |r| {
                    let tags = tags.get(&r.journey).cloned().unwrap_or_default();
                    batch.push(sli_event(r, tags));
                    if batch.len() == FEED_BATCH {
                        let full = std::mem::replace(&mut batch, Vec::with_capacity(FEED_BATCH));
                        // The loader only hangs up by panicking, which the
                        // scope passes on; nothing is left to send to.
                        let _ = tx.send(full);
                    }
                    Ok(())
                })?;
            }
            if !batch.is_empty() {
                let _ = tx.send(batch);
            }
            Ok(())
        });
        for batch in rx {
            for e in batch {
                engine.load(e);
            }
        }
        reader
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    })?;
    Ok(engine)
}

/// Events per batch sent from the reader thread to the loader.
const FEED_BATCH: usize = 1024;
/// Batches in flight between them.
const FEED_QUEUE: usize = 8;

/// The steps to read for `journey`'s runs: `All` stays all (breakdowns by
/// step), and a `Named` selection keeps only the names this journey's own
/// step-level SLOs use. A journey with none is read without its steps, which
/// on the demo database is most of the read time saved.
fn steps_for(engine: &SloEngine, journey: &str, asked: &StepSelection) -> StepSelection {
    let StepSelection::Named(names) = asked else {
        return asked.clone();
    };
    let own: BTreeSet<&String> = engine
        .configs()
        .filter(|c| c.definition.filter.journey == journey)
        .filter_map(|c| c.definition.filter.step.as_ref())
        .filter(|n| names.contains(n))
        .collect();
    if own.is_empty() {
        StepSelection::None
    } else {
        StepSelection::Named(own.into_iter().cloned().collect())
    }
}

/// The step names step-level SLOs need.
pub fn named_steps(configs: &[SloConfig]) -> StepSelection {
    let names: BTreeSet<String> = configs
        .iter()
        .filter_map(|c| c.definition.filter.step.clone())
        .collect();
    StepSelection::Named(names.into_iter().collect())
}

/// How far back `status` replays alert evaluations: the longest long window
/// of any rule, so a rule with a `for` delay shorter than that is judged on
/// its real history.
pub fn status_lookback(configs: &[SloConfig]) -> i64 {
    configs
        .iter()
        .flat_map(|c| c.policy.rules.iter().map(|r| r.long_window_ms))
        .max()
        .unwrap_or(0)
}

/// Drives the alert state machine once a minute over `(at - lookback, at]`,
/// on the minute grid so results do not depend on when the command ran, and
/// finally at `at` itself.
pub fn replay_alerts(engine: &mut SloEngine, at_ms: i64, lookback_ms: i64) -> Result<(), ApiError> {
    let first = (at_ms - lookback_ms).div_euclid(MINUTE_MS) * MINUTE_MS + MINUTE_MS;
    let mut t = first;
    while t < at_ms {
        engine.evaluate_alerts(t)?;
        t += MINUTE_MS;
    }
    engine.evaluate_alerts(at_ms)?;
    Ok(())
}
