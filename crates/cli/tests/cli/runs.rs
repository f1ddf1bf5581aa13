//! `sightline runs import`: whole files or nothing, bad rows named by line
//! and field, re-imports idempotent.

use std::path::Path;

use sightline_store::Store;

use crate::{sightline, stderr};

fn count(db: &Path) -> i64 {
    if !db.exists() {
        return 0;
    }
    let store = Store::open_read_only(db).unwrap();
    sightline_store::queries::runs::count(store.conn()).unwrap()
}

fn import(db: &Path, file: &Path, extra: &[&str]) -> std::process::Output {
    let mut args = vec![
        "--db",
        db.to_str().unwrap(),
        "--json",
        "runs",
        "import",
        file.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    sightline(&args)
}

fn report(out: &std::process::Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            stderr(out)
        )
    })
}

const GOOD_CSV: &str = "\
run_id,journey,region,started_at,duration_ms,outcome,error_class
0190a0a0-0000-7000-8000-000000000001,shop-login,eu-west-1,2026-11-01T10:00:00Z,1200,pass,
0190a0a0-0000-7000-8000-000000000002,shop-login,us-east-1,1793527260000,3400,fail,assertion_failed
0190a0a0-0000-7000-8000-000000000003,shop-login,eu-west-1,2026-11-01T10:02:00+01:00,900,error,runner_error
";

#[test]
fn csv_imports_whole_and_reimport_stores_nothing_new() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db");
    let csv = dir.path().join("runs.csv");
    std::fs::write(&csv, GOOD_CSV).unwrap();
    let out = import(&db, &csv, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let r = report(&out);
    assert_eq!(r["rows"], 3);
    assert_eq!(r["inserted"], 3);
    assert_eq!(count(&db), 3);
    let again = report(&import(&db, &csv, &[]));
    assert_eq!(again["inserted"], 0);
    assert_eq!(again["duplicates"], 3);
    assert_eq!(count(&db), 3);
    // The +01:00 offset was honoured.
    let store = Store::open_read_only(&db).unwrap();
    let run = store
        .run(sightline_core::RunId::parse("0190a0a0-0000-7000-8000-000000000003").unwrap())
        .unwrap()
        .unwrap();
    assert_eq!(run.started_at_ms, 1_793_523_720_000);
}

#[test]
fn a_bad_csv_line_is_refused_by_line_and_field_and_nothing_is_stored() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db");
    let good = dir.path().join("good.csv");
    std::fs::write(&good, GOOD_CSV).unwrap();
    assert_eq!(import(&db, &good, &[]).status.code(), Some(0));
    // Line 3 has a bad duration; line 4 a bad outcome. Line 2 is fine and
    // must not be stored either.
    let bad = dir.path().join("bad.csv");
    std::fs::write(
        &bad,
        "journey,region,started_at,duration_ms,outcome\n\
         shop-login,eu,2026-11-02T00:00:00Z,100,pass\n\
         shop-login,eu,2026-11-02T00:01:00Z,fast,pass\n\
         shop-login,eu,2026-11-02T00:02:00Z,100,passed\n",
    )
    .unwrap();
    let out = sightline(&[
        "--db",
        db.to_str().unwrap(),
        "runs",
        "import",
        bad.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("bad.csv:3: duration_ms:"), "{err}");
    assert!(err.contains("bad.csv:4: outcome:"), "{err}");
    assert!(err.contains("nothing was imported"), "{err}");
    assert_eq!(count(&db), 3, "the good file's runs only");

    // One id twice in a file is refused too.
    let twice = dir.path().join("twice.csv");
    let row = GOOD_CSV.lines().nth(1).unwrap();
    std::fs::write(
        &twice,
        format!("{}\n{row}\n{row}\n", GOOD_CSV.lines().next().unwrap()),
    )
    .unwrap();
    let out = import(&dir.path().join("t.db"), &twice, &[]);
    assert_eq!(out.status.code(), Some(3));
    let msg = report(&out)["error"]["message"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        msg.contains("twice.csv:3: run_id:") && msg.contains("line 2"),
        "{msg}"
    );
}

#[test]
fn jsonl_with_steps_and_generated_ids_is_idempotent() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db");
    let file = dir.path().join("runs.jsonl");
    std::fs::write(
        &file,
        r#"{"journey":"api-checkout","region":"eu","started_at":1793527200000,"duration_ms":800,"outcome":"pass","steps":[{"name":"cart","duration_ms":300,"outcome":"pass"},{"name":"pay","duration_ms":500,"outcome":"pass"}]}

{"journey":"api-checkout","region":"eu","started_at":"2026-11-01T10:01:00Z","duration_ms":"1500","outcome":"fail","error_class":"http_status"}
"#,
    )
    .unwrap();
    let r = report(&import(&db, &file, &[]));
    assert_eq!(r["inserted"], 2);
    assert_eq!(r["steps"], 2);
    let r = report(&import(&db, &file, &[]));
    assert_eq!(r["inserted"], 0, "same file, same generated ids");
    assert_eq!(r["duplicates"], 2);
}

#[test]
fn a_bad_jsonl_line_names_the_field() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db");
    let file = dir.path().join("runs.jsonl");
    std::fs::write(
        &file,
        "{\"journey\":\"j\",\"region\":\"eu\",\"started_at\":1,\"duration_ms\":1,\"outcome\":\"pass\"}\n\
         {\"journey\":\"j\",\"started_at\":1,\"duration_ms\":1,\"outcome\":\"pass\"}\n\
         {\"journey\":\"j\",\"region\":\"eu\",\"started_at\":1,\"duration_ms\":1,\"outcome\":\"pass\",\"steps\":[{\"name\":\"a\",\"duration_ms\":-5,\"outcome\":\"pass\"}]}\n\
         not json\n",
    )
    .unwrap();
    let out = import(&db, &file, &[]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    let doc = report(&out);
    let msg = doc["error"]["message"].as_str().unwrap();
    assert!(msg.contains("runs.jsonl:2: region: required"), "{msg}");
    assert!(msg.contains("runs.jsonl:3: steps[0].duration_ms:"), "{msg}");
    assert!(msg.contains("runs.jsonl:4: row:"), "{msg}");
    assert_eq!(count(&db), 0);
}

#[test]
fn csv_steps_join_on_run_id() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db");
    let runs = dir.path().join("runs.csv");
    std::fs::write(&runs, GOOD_CSV).unwrap();
    let steps = dir.path().join("steps.csv");
    std::fs::write(
        &steps,
        "run_id,name,duration_ms,outcome\n\
         0190a0a0-0000-7000-8000-000000000001,open,200,pass\n\
         0190a0a0-0000-7000-8000-000000000001,sign in,1000,pass\n",
    )
    .unwrap();
    let out = import(&db, &runs, &["--steps", steps.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(report(&out)["steps"], 2);
    let store = Store::open_read_only(&db).unwrap();
    let run = store
        .run(sightline_core::RunId::parse("0190a0a0-0000-7000-8000-000000000001").unwrap())
        .unwrap()
        .unwrap();
    assert_eq!(run.steps.len(), 2);
    assert_eq!(run.steps[1].name, "sign in");
    assert_eq!(run.steps[1].started_at_ms, run.started_at_ms + 200);

    // A step row for a run that is not in the file is refused, naming it.
    std::fs::write(
        &steps,
        "run_id,name,duration_ms,outcome\n\
         0190a0a0-0000-7000-8000-0000000000ff,open,200,pass\n",
    )
    .unwrap();
    let db2 = dir.path().join("s2.db");
    let out = import(&db2, &runs, &["--steps", steps.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(3));
    let msg = report(&out)["error"]["message"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(msg.contains("steps.csv: run_id"), "{msg}");
    assert_eq!(count(&db2), 0);
}

/// Writes `columns` to a Parquet file.
fn parquet(path: &Path, columns: Vec<polars::prelude::Column>) {
    let mut df = polars::prelude::DataFrame::new_infer_height(columns).unwrap();
    let file = std::fs::File::create(path).unwrap();
    polars::prelude::ParquetWriter::new(file)
        .finish(&mut df)
        .unwrap();
}

const ID1: &str = "0190a0a0-0000-7000-8000-000000000001";
const ID2: &str = "0190a0a0-0000-7000-8000-000000000002";

#[test]
fn parquet_runs_and_steps_import_whole_and_reimport_stores_nothing_new() {
    use polars::prelude::Column;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db");
    let runs = dir.path().join("runs.parquet");
    // Integer epoch milliseconds, as other tools export them.
    parquet(
        &runs,
        vec![
            Column::new("run_id".into(), vec![ID1, ID2]),
            Column::new("journey".into(), vec!["shop-login", "shop-login"]),
            Column::new("region".into(), vec!["eu-west-1", "us-east-1"]),
            Column::new(
                "started_at".into(),
                vec![1_793_527_200_000i64, 1_793_527_260_000],
            ),
            Column::new("duration_ms".into(), vec![1200i64, 3400]),
            Column::new("outcome".into(), vec!["pass", "fail"]),
            Column::new("error_class".into(), vec![None, Some("assertion_failed")]),
        ],
    );
    let steps = dir.path().join("steps.parquet");
    parquet(
        &steps,
        vec![
            Column::new("run_id".into(), vec![ID1, ID1]),
            Column::new("name".into(), vec!["open", "sign in"]),
            Column::new("duration_ms".into(), vec![200i32, 1000]),
            Column::new("outcome".into(), vec!["pass", "pass"]),
        ],
    );
    let out = import(&db, &runs, &["--steps", steps.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let r = report(&out);
    assert_eq!(
        (r["format"].as_str(), r["rows"].as_u64()),
        (Some("parquet"), Some(2))
    );
    assert_eq!(
        (r["inserted"].as_u64(), r["steps"].as_u64()),
        (Some(2), Some(2))
    );
    let store = Store::open_read_only(&db).unwrap();
    let run = store
        .run(sightline_core::RunId::parse(ID2).unwrap())
        .unwrap()
        .unwrap();
    assert_eq!(run.started_at_ms, 1_793_527_260_000);
    assert_eq!(run.duration_ms, 3400);
    assert_eq!(run.outcome, sightline_core::Outcome::Fail);
    let run1 = store
        .run(sightline_core::RunId::parse(ID1).unwrap())
        .unwrap()
        .unwrap();
    assert_eq!(run1.steps[1].name, "sign in");
    assert_eq!(run1.steps[1].started_at_ms, run1.started_at_ms + 200);
    drop(store);
    let again = report(&import(&db, &runs, &[]));
    assert_eq!(
        (again["inserted"].as_u64(), again["duplicates"].as_u64()),
        (Some(0), Some(2))
    );

    // RFC 3339 text works as well.
    let text = dir.path().join("text.parquet");
    parquet(
        &text,
        vec![
            Column::new("journey".into(), vec!["shop-login"]),
            Column::new("region".into(), vec!["eu-west-1"]),
            Column::new("started_at".into(), vec!["2026-11-01T10:02:00+01:00"]),
            Column::new("duration_ms".into(), vec![900i64]),
            Column::new("outcome".into(), vec!["error"]),
        ],
    );
    let out = import(&db, &text, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(count(&db), 3);
}

#[test]
fn a_bad_parquet_row_is_refused_by_row_and_field_and_nothing_is_stored() {
    use polars::prelude::Column;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db");
    let good = dir.path().join("good.csv");
    std::fs::write(&good, GOOD_CSV).unwrap();
    assert_eq!(import(&db, &good, &[]).status.code(), Some(0));
    let bad = dir.path().join("bad.parquet");
    parquet(
        &bad,
        vec![
            Column::new(
                "journey".into(),
                vec![Some("shop-login"), Some("shop-login"), None],
            ),
            Column::new("region".into(), vec!["eu-west-1", "eu-west-1", "eu-west-1"]),
            Column::new(
                "started_at".into(),
                vec![1_793_527_200_000i64, 1_793_527_260_000, 1_793_527_320_000],
            ),
            Column::new("duration_ms".into(), vec![10i64, -5, 10]),
            Column::new("outcome".into(), vec!["pass", "pass", "pass"]),
        ],
    );
    let out = import(&db, &bad, &[]);
    assert_eq!(out.status.code(), Some(3));
    let msg = report(&out)["error"]["message"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        msg.contains("bad.parquet:2: duration_ms: -5 is negative"),
        "{msg}"
    );
    assert!(msg.contains("bad.parquet:3: journey: required"), "{msg}");
    assert!(msg.contains("2 bad rows; nothing was imported"), "{msg}");
    assert_eq!(count(&db), 3, "the runs stored before are all still there");

    // A missing column and a file that is not Parquet are named too.
    let partial = dir.path().join("partial.parquet");
    parquet(
        &partial,
        vec![Column::new("journey".into(), vec!["shop-login"])],
    );
    let msg = report(&import(&db, &partial, &[]))["error"]["message"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        msg.contains(
            "partial.parquet: schema: missing columns region, started_at, duration_ms, outcome"
        ),
        "{msg}"
    );
    let junk = dir.path().join("junk.parquet");
    std::fs::write(&junk, b"PAR1 is not enough").unwrap();
    let out = import(&db, &junk, &[]);
    assert_eq!(out.status.code(), Some(3));
    let msg = report(&out)["error"]["message"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        msg.contains("junk.parquet: not a readable Parquet file"),
        "{msg}"
    );
    assert_eq!(count(&db), 3);
}
