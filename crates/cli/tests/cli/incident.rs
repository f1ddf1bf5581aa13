//! `sightline incident`: a recorded incident replayed into a database, the
//! live SLOs fire a page over it, and the incident that opens is listed,
//! shown, acknowledged, annotated, resolved and written up.

use std::path::{Path, PathBuf};

use sightline_api::slo::live::LiveSlos;
use sightline_api::slo::parse_slo_file;
use sightline_store::Store;

use crate::{dataset, incident_telemetry, sightline, stderr, stdout_json as json};

/// The recorded incident in a database, with the live SLOs ticked over its
/// last minutes so the latency page fires; returns the end of the recording.
fn fired(dir: &Path) -> (PathBuf, i64) {
    let db = dir.join("incident.db");
    let runs = incident_telemetry(&db);
    let start = runs.first().unwrap().started_at_ms;
    let end = runs.last().unwrap().started_at_ms + 1;
    let mut store = Store::open(&db).unwrap();
    let slos_file = dataset().join("slos.yaml");
    let configs =
        parse_slo_file(&slos_file, &std::fs::read_to_string(&slos_file).unwrap()).unwrap();
    let mut live = LiveSlos::with_configs(&db, &dir.join("journeys"), configs, start).unwrap();
    // Runs arrive as the runner stored them; the alert clock ticks every 10 s.
    let mut next_tick = start + 10_000;
    for r in &runs {
        while r.started_at_ms > next_tick {
            live.tick(&store, next_tick).unwrap();
            next_tick += 10_000;
        }
        store.insert_run(r, 0).unwrap();
        live.apply(r);
    }
    live.tick(&store, end).unwrap();
    (db, end)
}

#[test]
fn a_page_opens_an_incident_that_people_can_work_and_write_up() {
    let tmp = tempfile::tempdir().unwrap();
    let (db, end) = fired(tmp.path());
    let db_s = db.to_str().unwrap();
    let slos = dataset();
    let slos_s = slos.to_str().unwrap();

    let out = sightline(&["--db", db_s, "--json", "incident", "list"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let list = json(&out);
    let incidents = list["incidents"].as_array().unwrap();
    assert_eq!(incidents.len(), 1, "{list:#}");
    let first = &incidents[0];
    assert_eq!(first["slo"], "orders-latency");
    assert_eq!(first["state"], "open");
    assert_eq!(
        first["service"], "payment",
        "the attribution names the cause: {list:#}"
    );
    assert_eq!(first["region"], "us-east-1");
    let id = first["id"].as_i64().unwrap().to_string();

    let out = sightline(&[
        "--db", db_s, "--json", "incident", "--slos", slos_s, "show", &id,
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v = json(&out);
    let kinds: Vec<&str> = v["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    for k in ["alert_fired", "attribution", "first_failing_run"] {
        assert!(kinds.contains(&k), "timeline lacks {k}: {kinds:?}");
    }
    assert!(v["bad_runs"].as_u64().unwrap() > 5, "{v:#}");
    assert_eq!(v["regions"], serde_json::json!(["us-east-1"]));

    let ack = sightline(&["--db", db_s, "incident", "ack", &id, "--by", "alice"]);
    assert_eq!(ack.status.code(), Some(0), "{}", stderr(&ack));
    let again = sightline(&["--db", db_s, "incident", "ack", &id]);
    assert_eq!(again.status.code(), Some(3));
    assert!(
        stderr(&again).contains("is acknowledged"),
        "{}",
        stderr(&again)
    );
    let note = sightline(&[
        "--db",
        db_s,
        "incident",
        "note",
        &id,
        "rolled payment back",
        "--by",
        "bob",
    ]);
    assert_eq!(note.status.code(), Some(0), "{}", stderr(&note));
    let done = sightline(&["--db", db_s, "incident", "resolve", &id, "--by", "alice"]);
    assert_eq!(done.status.code(), Some(0), "{}", stderr(&done));
    let twice = sightline(&["--db", db_s, "incident", "resolve", &id]);
    assert_eq!(twice.status.code(), Some(3));
    let missing = sightline(&["--db", db_s, "incident", "show", "999"]);
    assert_eq!(missing.status.code(), Some(3));
    assert!(stderr(&missing).contains("no incident 999"));

    let out = sightline(&[
        "--db",
        db_s,
        "incident",
        "--slos",
        slos_s,
        "postmortem",
        &id,
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let md = String::from_utf8_lossy(&out.stdout);
    for needle in [
        "# Postmortem draft",
        "payment",
        "us-east-1",
        "rolled payment back",
        "## Action items (to write)",
        "resolved at",
    ] {
        assert!(md.contains(needle), "the draft lacks {needle:?}:\n{md}");
    }
    let _ = end;
}

/// The draft for a fixed history and clock, against the committed snapshot
/// (`SIGHTLINE_BLESS=1` rewrites it).
#[test]
fn the_postmortem_draft_matches_its_snapshot() {
    let tmp = tempfile::tempdir().unwrap();
    let (db, end) = fired(tmp.path());
    let store = Store::open(&db).unwrap();
    let id = sightline_store::queries::incidents::list(store.conn(), true, 10).unwrap()[0].id;
    sightline_api::incidents::set_state(&store, id, "acknowledged", Some("alice"), end + 60_000)
        .unwrap();
    sightline_api::incidents::note(
        &store,
        id,
        "payment rolled back",
        Some("bob"),
        end + 120_000,
    )
    .unwrap();
    sightline_api::incidents::set_state(&store, id, "resolved", Some("alice"), end + 180_000)
        .unwrap();
    let slos_file = dataset().join("slos.yaml");
    let configs =
        parse_slo_file(&slos_file, &std::fs::read_to_string(&slos_file).unwrap()).unwrap();
    let config = configs
        .iter()
        .find(|c| c.definition.name == "orders-latency")
        .unwrap();
    let view = sightline_api::incidents::view(&store, id, Some(config), end + 240_000)
        .unwrap()
        .unwrap();
    let md = sightline_api::incidents::postmortem::markdown(
        &view,
        Some(&config.definition.filter.journey),
        Some(config.definition.target),
        end + 240_000,
    );
    let snapshot = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap())
        .join("tests/cli/snapshots/postmortem-09.md");
    if std::env::var_os("SIGHTLINE_BLESS").is_some() {
        std::fs::create_dir_all(snapshot.parent().unwrap()).unwrap();
        std::fs::write(&snapshot, &md).unwrap();
    }
    let want = std::fs::read_to_string(&snapshot).expect("snapshot (SIGHTLINE_BLESS=1 writes it)");
    assert_eq!(
        md, want,
        "the draft changed; review it and bless with SIGHTLINE_BLESS=1"
    );
}
