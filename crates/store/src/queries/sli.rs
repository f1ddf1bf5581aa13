//! SLI inputs: the final attempts of a set of journeys over a time range,
//! reduced to what the SLO engine counts, streamed in time order.
//!
//! This reads the `runs` and `step_results` tables but owns neither; it is a
//! read model for the SLO engine. Rows are streamed through a callback so a
//! 30-day window of a busy journey never sits in memory twice, and each
//! journey is one range scan of the `runs_journey_started` index.

use rusqlite::{Connection, params};
use sightline_core::{Outcome, RunId};

use super::{id_bytes, parse_col};
use crate::Result;

/// Which step rows to attach to each run.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum StepSelection {
    /// No steps: whole-run SLIs only (the cheapest read).
    #[default]
    None,
    /// Only steps with these names (for step-level SLOs).
    Named(Vec<String>),
    /// Every step (for per-step breakdowns of bad events).
    All,
}

/// One step of an [`SliRun`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SliStep {
    /// The step's name.
    pub name: String,
    /// How long it took.
    pub duration_ms: i64,
    /// How it ended.
    pub outcome: Outcome,
}

/// One final attempt, as the SLO engine needs it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SliRun {
    /// The run's id.
    pub id: RunId,
    /// The journey's name.
    pub journey: String,
    /// The runner's region.
    pub region: String,
    /// When it started, Unix ms UTC.
    pub started_at_ms: i64,
    /// Whole-run duration.
    pub duration_ms: i64,
    /// How it ended.
    pub outcome: Outcome,
    /// The selected steps, in step order.
    pub steps: Vec<SliStep>,
}

/// What to read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SliQuery {
    /// Journeys to read; each is one index range scan.
    pub journeys: Vec<String>,
    /// First start time included, Unix ms.
    pub from_ms: i64,
    /// Last start time included, Unix ms.
    pub to_ms: i64,
    /// Which steps to attach.
    pub steps: StepSelection,
}

/// Calls `f` with every final attempt of `q.journeys` that started in
/// `[q.from_ms, q.to_ms]`, ordered by `(journey, started_at_ms, id)`, and
/// returns how many were read. Retries that are not the final attempt of
/// their slot are skipped: SLIs count what the user finally saw.
pub fn for_each_run(
    conn: &Connection,
    q: &SliQuery,
    mut f: impl FnMut(SliRun) -> Result<()>,
) -> Result<u64> {
    // One LEFT JOIN per journey, grouped on the fly: rows of the same run are
    // adjacent because the order is (started_at_ms, id, idx).
    let step_join = match &q.steps {
        StepSelection::None => String::new(),
        StepSelection::All => "LEFT JOIN step_results s ON s.run_id = r.id".to_owned(),
        StepSelection::Named(names) if names.is_empty() => String::new(),
        StepSelection::Named(names) => {
            // Step names are bound as parameters ?4.., never spliced in.
            let marks: Vec<String> = (0..names.len()).map(|i| format!("?{}", i + 4)).collect();
            format!(
                "LEFT JOIN step_results s ON s.run_id = r.id AND s.name IN ({})",
                marks.join(", ")
            )
        }
    };
    let with_steps = !step_join.is_empty();
    let step_cols = if with_steps {
        "s.name, s.duration_ms, s.outcome"
    } else {
        "NULL, NULL, NULL"
    };
    let order = if with_steps {
        "ORDER BY r.started_at_ms, r.id, s.idx"
    } else {
        "ORDER BY r.started_at_ms, r.id"
    };
    let sql = format!(
        "SELECT r.id, r.region, r.started_at_ms, r.duration_ms, r.outcome, {step_cols}
         FROM runs r {step_join}
         WHERE r.journey = ?1 AND r.started_at_ms BETWEEN ?2 AND ?3 AND r.is_final = 1
         {order}"
    );
    let mut stmt = conn.prepare(&sql)?;
    let mut read = 0u64;
    for journey in &q.journeys {
        let mut values: Vec<rusqlite::types::Value> =
            vec![journey.clone().into(), q.from_ms.into(), q.to_ms.into()];
        if let StepSelection::Named(names) = &q.steps {
            values.extend(names.iter().cloned().map(Into::into));
        }
        let mut rows = stmt.query(rusqlite::params_from_iter(values))?;
        let mut current: Option<SliRun> = None;
        while let Some(row) = rows.next()? {
            let id = RunId::from_bytes(id_bytes("runs", "id", row.get(0)?)?);
            if current.as_ref().is_none_or(|c| c.id != id) {
                if let Some(done) = current.take() {
                    read += 1;
                    f(done)?;
                }
                let outcome: String = row.get(4)?;
                current = Some(SliRun {
                    id,
                    journey: journey.clone(),
                    region: row.get(1)?,
                    started_at_ms: row.get(2)?,
                    duration_ms: row.get(3)?,
                    outcome: parse_col("runs", "outcome", &outcome)?,
                    steps: Vec::new(),
                });
            }
            let name: Option<String> = row.get(5)?;
            if let (Some(name), Some(run)) = (name, current.as_mut()) {
                let outcome: String = row.get(7)?;
                run.steps.push(SliStep {
                    name,
                    duration_ms: row.get(6)?,
                    outcome: parse_col("step_results", "outcome", &outcome)?,
                });
            }
        }
        if let Some(done) = current.take() {
            read += 1;
            f(done)?;
        }
    }
    Ok(read)
}

/// The distinct journeys that have stored runs, sorted.
pub fn journeys(conn: &Connection) -> Result<Vec<String>> {
    let mut stmt = conn.prepare("SELECT DISTINCT journey FROM runs ORDER BY journey")?;
    let rows = stmt.query_map(params![], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<Vec<String>>>()?)
}

#[cfg(test)]
mod tests {
    use rand::SeedableRng;
    use sightline_core::{Region, Run, StepResult};

    use super::*;
    use crate::Store;

    fn run(rng: &mut rand::rngs::StdRng, journey: &str, at: i64, final_: bool) -> Run {
        Run {
            id: RunId::new(at, rng),
            journey: journey.into(),
            journey_version: "v".into(),
            region: Region::new("eu"),
            runner_id: "t".into(),
            attempt: if final_ { 2 } else { 1 },
            is_final_attempt: final_,
            retry_of: None,
            started_at_ms: at,
            duration_ms: 100,
            outcome: Outcome::Pass,
            error_class: None,
            error_message: None,
            trace_id: None,
            release_id: None,
            simulated: false,
            steps: ["a", "b"]
                .iter()
                .enumerate()
                .map(|(i, n)| StepResult {
                    index: i as u32,
                    name: (*n).into(),
                    kind: "click".into(),
                    started_at_ms: at,
                    duration_ms: 10 + i as i64,
                    outcome: Outcome::Pass,
                    error_class: None,
                    error_message: None,
                })
                .collect(),
        }
    }

    #[test]
    fn streams_final_attempts_in_range_with_selected_steps() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(dir.path().join("s.db")).unwrap();
        let mut rng = rand::rngs::StdRng::seed_from_u64(7);
        let runs = vec![
            run(&mut rng, "j", 1_000, true),
            run(&mut rng, "j", 2_000, false),
            run(&mut rng, "j", 3_000, true),
            run(&mut rng, "j", 9_000, true),
            run(&mut rng, "other", 2_000, true),
        ];
        store.insert_runs(&runs, 0).unwrap();
        let read = |steps| {
            let q = SliQuery {
                journeys: vec!["j".into()],
                from_ms: 1_000,
                to_ms: 3_000,
                steps,
            };
            let mut out = Vec::new();
            let n = for_each_run(store.conn(), &q, |r| {
                out.push(r);
                Ok(())
            })
            .unwrap();
            assert_eq!(n as usize, out.len());
            out
        };
        let none = read(StepSelection::None);
        assert_eq!(
            none.iter().map(|r| r.started_at_ms).collect::<Vec<_>>(),
            [1_000, 3_000]
        );
        assert!(none.iter().all(|r| r.steps.is_empty()));
        let all = read(StepSelection::All);
        assert_eq!(all[0].steps.len(), 2);
        assert_eq!(all[0].steps[1].name, "b");
        let named = read(StepSelection::Named(vec!["b".into()]));
        assert_eq!(named.len(), 2);
        assert_eq!(named[1].steps.len(), 1);
        assert_eq!(named[1].steps[0].duration_ms, 11);
        assert_eq!(
            journeys(store.conn()).unwrap(),
            vec!["j".to_owned(), "other".to_owned()]
        );
    }
}
