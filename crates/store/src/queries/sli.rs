//! SLI inputs: the final attempts of a set of journeys over a time range,
//! reduced to what the SLO engine counts, streamed in time order.
//!
//! This reads the `runs` and `step_results` tables but owns neither; it is a
//! read model for the SLO engine. Rows are streamed through a callback so a
//! 30-day window of a busy journey never sits in memory twice, and each
//! journey is one range scan of the covering `runs_journey_sli` index: the
//! runs table itself is never read.

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
    let sql = select_sql(&q.steps);
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
        // The step indexes of `current`, to put its steps in step order.
        let mut order: Vec<i64> = Vec::new();
        while let Some(row) = rows.next()? {
            let id = RunId::from_bytes(id_bytes("runs", "id", row.get(0)?)?);
            if current.as_ref().is_none_or(|c| c.id != id) {
                if let Some(done) = current.take() {
                    read += 1;
                    f(in_step_order(done, &mut order))?;
                }
                // Outcomes are read in place, not copied out: one
                // allocation fewer per row of a 30-day read.
                let outcome =
                    parse_col("runs", "outcome", text_in_place(row, 4, "runs", "outcome")?)?;
                current = Some(SliRun {
                    id,
                    journey: journey.clone(),
                    region: row.get(1)?,
                    started_at_ms: row.get(2)?,
                    duration_ms: row.get(3)?,
                    outcome,
                    steps: Vec::new(),
                });
            }
            let name: Option<String> = row.get(5)?;
            if let (Some(name), Some(run)) = (name, current.as_mut()) {
                let outcome = parse_col(
                    "step_results",
                    "outcome",
                    text_in_place(row, 7, "step_results", "outcome")?,
                )?;
                run.steps.push(SliStep {
                    name,
                    duration_ms: row.get(6)?,
                    outcome,
                });
                order.push(row.get(8)?);
            }
        }
        if let Some(done) = current.take() {
            read += 1;
            f(in_step_order(done, &mut order))?;
        }
    }
    Ok(read)
}

/// `run` with its steps sorted by their indexes `order` (which is cleared).
/// The join yields them in index order already, so this is a check, and a
/// sort only if SQLite ever chooses another plan.
fn in_step_order(mut run: SliRun, order: &mut Vec<i64>) -> SliRun {
    if !order.is_sorted() {
        let mut keyed: Vec<(i64, SliStep)> = order.iter().copied().zip(run.steps).collect();
        keyed.sort_by_key(|(i, _)| *i);
        run.steps = keyed.into_iter().map(|(_, s)| s).collect();
    }
    order.clear();
    run
}

/// Column `idx` of `row` as text, borrowed from SQLite rather than copied.
fn text_in_place<'r>(
    row: &'r rusqlite::Row<'_>,
    idx: usize,
    table: &'static str,
    column: &'static str,
) -> Result<&'r str> {
    row.get_ref(idx)?
        .as_str()
        .map_err(|e| crate::StoreError::Decode {
            table,
            column,
            reason: e.to_string(),
        })
}

/// The statement for one journey's runs, `?1` the journey and `?2`..`?3` the
/// time range; named steps bind as `?4`.. .
fn select_sql(steps: &StepSelection) -> String {
    // One LEFT JOIN per journey, grouped on the fly: rows of the same run are
    // adjacent because the order is (started_at_ms, id).
    let step_join = match steps {
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
        "s.name, s.duration_ms, s.outcome, s.idx"
    } else {
        "NULL, NULL, NULL, NULL"
    };
    // Ordered by the index alone, so SQLite never sorts: the rows of one
    // run stay adjacent (equal keys), and `in_step_order` orders its steps.
    let order = "ORDER BY r.started_at_ms, r.id";
    format!(
        "SELECT r.id, r.region, r.started_at_ms, r.duration_ms, r.outcome, {step_cols}
         FROM runs r {step_join}
         WHERE r.journey = ?1 AND r.started_at_ms BETWEEN ?2 AND ?3 AND r.is_final = 1
         {order}"
    )
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

    #[test]
    fn the_runs_read_never_leaves_the_covering_index() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path().join("s.db")).unwrap();
        let plan = |steps: &StepSelection| -> String {
            let mut stmt = store
                .conn()
                .prepare(&format!("EXPLAIN QUERY PLAN {}", select_sql(steps)))
                .unwrap();
            let n = match steps {
                StepSelection::Named(names) => names.len(),
                _ => 0,
            };
            let mut values: Vec<rusqlite::types::Value> =
                vec!["j".to_owned().into(), 0.into(), 1.into()];
            values.extend((0..n).map(|_| rusqlite::types::Value::from("s".to_owned())));
            let rows = stmt
                .query_map(rusqlite::params_from_iter(values), |r| {
                    r.get::<_, String>(3)
                })
                .unwrap();
            rows.map(Result::unwrap).collect::<Vec<_>>().join("; ")
        };
        for steps in [
            StepSelection::None,
            StepSelection::Named(vec!["pay".into()]),
            StepSelection::All,
        ] {
            let p = plan(&steps);
            assert!(
                p.contains("USING COVERING INDEX runs_journey_sli (journey=? AND started_at_ms>? AND started_at_ms<?)"),
                "{steps:?}: {p}"
            );
        }
        // The index order is the stream's order: SQLite never sorts.
        for steps in [
            StepSelection::None,
            StepSelection::Named(vec!["pay".into()]),
            StepSelection::All,
        ] {
            let p = plan(&steps);
            assert!(!p.contains("TEMP B-TREE"), "{steps:?}: {p}");
        }
    }

    #[test]
    fn steps_are_put_in_step_order_whatever_order_rows_came_in() {
        let step = |name: &str| SliStep {
            name: name.into(),
            duration_ms: 1,
            outcome: Outcome::Pass,
        };
        let mut rng = rand::rngs::StdRng::seed_from_u64(1);
        let r = SliRun {
            id: RunId::new(0, &mut rng),
            journey: "j".into(),
            region: "eu".into(),
            started_at_ms: 0,
            duration_ms: 3,
            outcome: Outcome::Pass,
            steps: vec![step("c"), step("a"), step("b")],
        };
        let mut order = vec![2, 0, 1];
        let sorted = in_step_order(r, &mut order);
        let names: Vec<&str> = sorted.steps.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["a", "b", "c"]);
        assert!(order.is_empty(), "ready for the next run");
    }
}
