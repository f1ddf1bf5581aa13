//! `slo::parquet`: SLO status straight from a Parquet file, row group by row
//! group on several threads, equal to the live engine over the same runs.

use std::collections::BTreeMap;
use std::path::Path;

use polars::prelude::{Column, DataFrame, ParquetWriter};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sightline_api::ApiError;
use sightline_api::slo::parquet::status_from_parquet;
use sightline_core::{Outcome, RunId, SliKind, SloDefinition, SloFilter, SloWindow};
use sightline_slo::{DAY_MS, MINUTE_MS, SliEvent, SloConfig, SloEngine};

const AT: i64 = 1_796_083_200_000;

fn configs() -> Vec<SloConfig> {
    ["shop-login", "shop-checkout"]
        .iter()
        .flat_map(|j| {
            [
                (format!("{j}-availability"), SliKind::Availability),
                (format!("{j}-fast"), SliKind::Latency { threshold_ms: 800 }),
            ]
            .map(|(name, sli)| {
                SloConfig::new(SloDefinition {
                    name,
                    description: String::new(),
                    sli,
                    filter: SloFilter {
                        journey: (*j).into(),
                        ..SloFilter::default()
                    },
                    target: 0.99,
                    window: SloWindow::Rolling { days: 7 },
                })
            })
        })
        .collect()
}

fn events(n: usize) -> Vec<SliEvent> {
    let mut rng = StdRng::seed_from_u64(7);
    (0..n)
        .map(|_| {
            let t = AT - rng.random_range(-MINUTE_MS..9 * DAY_MS);
            SliEvent {
                run_id: RunId::new(t, &mut rng),
                started_at_ms: t,
                journey: ["shop-login", "shop-checkout", "api-health"][rng.random_range(0..3)]
                    .into(),
                region: ["us-east-1", "eu-west-1", "ap-southeast-1"][rng.random_range(0..3)].into(),
                tags: Vec::new(),
                duration_ms: rng.random_range(100..1500),
                outcome: [Outcome::Pass, Outcome::Pass, Outcome::Fail, Outcome::Error]
                    [rng.random_range(0..4)],
                steps: Vec::new(),
            }
        })
        .collect()
}

/// Writes the runs in the import schema (`started_at`, int32 durations to
/// check widening), in row groups of `group` rows.
fn write(path: &Path, events: &[SliEvent], group: usize) {
    let text = |f: fn(&SliEvent) -> String| events.iter().map(f).collect::<Vec<_>>();
    let mut df = DataFrame::new_infer_height(vec![
        Column::new("run_id".into(), text(|e| e.run_id.to_string())),
        Column::new("journey".into(), text(|e| e.journey.clone())),
        Column::new("region".into(), text(|e| e.region.clone())),
        Column::new(
            "started_at".into(),
            events.iter().map(|e| e.started_at_ms).collect::<Vec<_>>(),
        ),
        Column::new(
            "duration_ms".into(),
            events
                .iter()
                .map(|e| e.duration_ms as i32)
                .collect::<Vec<_>>(),
        ),
        Column::new("outcome".into(), text(|e| e.outcome.as_str().to_owned())),
    ])
    .unwrap();
    ParquetWriter::new(std::fs::File::create(path).unwrap())
        .with_row_group_size(Some(group))
        .finish(&mut df)
        .unwrap();
}

#[test]
fn status_from_parquet_equals_the_live_engine_on_every_thread_count() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("runs.parquet");
    let events = events(20_000);
    write(&file, &events, 1_000);
    let live = SloEngine::from_events(configs(), events.clone())
        .unwrap()
        .status(AT);
    for threads in [1, 2, 3] {
        let got = status_from_parquet(&file, &configs(), &BTreeMap::new(), AT, threads).unwrap();
        assert_eq!(got.len(), live.len());
        for (g, l) in got.iter().zip(&live) {
            let g = &g.status;
            assert_eq!(g.slo, l.slo);
            assert_eq!(g.counts, l.counts, "{} on {threads} threads", l.slo);
            assert!(l.counts.valid > 1_000, "{}: the test has data", l.slo);
            assert_eq!(g.sli, l.sli);
            assert_eq!(g.budget, l.budget);
            assert_eq!(g.burn_rates, l.burn_rates);
            assert_eq!(g.forecast, l.forecast);
            assert_eq!(g.by_region, l.by_region);
        }
    }
}

#[test]
fn bad_parquet_files_are_named_by_file_column_and_row() {
    let dir = tempfile::tempdir().unwrap();
    let err = |path: &Path| match status_from_parquet(path, &configs(), &BTreeMap::new(), AT, 2) {
        Err(ApiError::BadInput(m)) => m,
        other => panic!("not refused as bad input: {other:?}"),
    };
    let junk = dir.path().join("junk.parquet");
    std::fs::write(&junk, "not parquet").unwrap();
    assert!(err(&junk).contains("junk.parquet: not a readable Parquet file"));

    let mut events = events(3_000);
    let partial = dir.path().join("partial.parquet");
    let mut df =
        DataFrame::new_infer_height(vec![Column::new("journey".into(), ["shop-login"])]).unwrap();
    ParquetWriter::new(std::fs::File::create(&partial).unwrap())
        .finish(&mut df)
        .unwrap();
    assert!(
        err(&partial).ends_with("schema: missing column started_at"),
        "{}",
        err(&partial)
    );

    // A bad outcome in the second row group: named by its row in the file.
    events[1_500].started_at_ms = AT - MINUTE_MS;
    let mut df = DataFrame::new_infer_height(vec![
        Column::new(
            "journey".into(),
            events.iter().map(|_| "shop-login").collect::<Vec<_>>(),
        ),
        Column::new(
            "region".into(),
            events.iter().map(|_| "eu-west-1").collect::<Vec<_>>(),
        ),
        Column::new(
            "started_at".into(),
            events.iter().map(|e| e.started_at_ms).collect::<Vec<_>>(),
        ),
        Column::new(
            "duration_ms".into(),
            events.iter().map(|_| 10i64).collect::<Vec<_>>(),
        ),
        Column::new(
            "outcome".into(),
            (0..events.len())
                .map(|i| if i == 1_500 { "maybe" } else { "pass" })
                .collect::<Vec<_>>(),
        ),
    ])
    .unwrap();
    let bad = dir.path().join("bad.parquet");
    ParquetWriter::new(std::fs::File::create(&bad).unwrap())
        .with_row_group_size(Some(1_000))
        .finish(&mut df)
        .unwrap();
    assert_eq!(
        err(&bad),
        format!(
            "{}: row 1501 (counting from 1): outcome: \"maybe\" is not one of pass, fail, error",
            bad.display()
        )
    );

    // RFC 3339 text needs the importer.
    let mut df = DataFrame::new_infer_height(vec![
        Column::new("journey".into(), ["shop-login"]),
        Column::new("region".into(), ["eu-west-1"]),
        Column::new("started_at".into(), ["2026-12-01T00:00:00Z"]),
        Column::new("duration_ms".into(), [10i64]),
        Column::new("outcome".into(), ["pass"]),
    ])
    .unwrap();
    let text = dir.path().join("text.parquet");
    ParquetWriter::new(std::fs::File::create(&text).unwrap())
        .finish(&mut df)
        .unwrap();
    assert!(
        err(&text).contains("column started_at: type str cannot be read here"),
        "{}",
        err(&text)
    );
}
