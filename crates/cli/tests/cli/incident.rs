//! `sightline incident`: a recorded incident replayed into a database, the
//! live SLOs fire a page over it, and the incident that opens is listed,
//! shown, acknowledged, annotated, resolved and written up.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use sightline_api::slo::live::LiveSlos;
use sightline_api::slo::parse_slo_file;
use sightline_store::Store;

use crate::{
    dataset, has_onset_band, incident_telemetry, incidents_project, self_contained_svgs, sightline,
    stderr, stdout_json as json, svg_texts,
};

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
    assert!(
        !md.contains(".svg"),
        "Markdown on standard output links no chart files"
    );
    let _ = end;

    // As files: the draft and its two charts beside it, linked relatively.
    let out_dir = tmp.path().join("pm");
    std::fs::create_dir_all(&out_dir).unwrap();
    let out = sightline(&[
        "--db",
        db_s,
        "--json",
        "incident",
        "--slos",
        slos_s,
        "postmortem",
        &id,
        "--out",
        out_dir.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let files = json(&out)["files"].clone();
    assert_eq!(files.as_array().map(Vec::len), Some(3), "{files:#}");
    let md = std::fs::read_to_string(out_dir.join(format!("postmortem-{id}.md"))).unwrap();
    for chart in ["sli", "burn"] {
        let name = format!("postmortem-{id}-{chart}.svg");
        assert!(
            md.contains(&format!("]({name})")),
            "no link to {name}:\n{md}"
        );
        let svg = std::fs::read_to_string(out_dir.join(&name)).unwrap();
        assert!(has_onset_band(&svg), "{name} has no onset band");
        assert!(
            svg_texts(&svg).iter().any(|(_, t)| t == "first page"),
            "{name} marks the first page"
        );
    }

    // As one HTML page: both charts inline, nothing to fetch.
    let page_file = tmp.path().join("pm.html");
    let out = sightline(&[
        "--db",
        db_s,
        "incident",
        "--slos",
        slos_s,
        "postmortem",
        &id,
        "--format",
        "html",
        "--out",
        page_file.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let page = std::fs::read_to_string(&page_file).unwrap();
    let svgs = self_contained_svgs(&page);
    assert_eq!(svgs.len(), 2, "{page}");
    for svg in &svgs {
        assert!(!svg_texts(svg).is_empty());
    }
    assert!(page.contains("rolled payment back") && page.contains("<table>"));

    // A folder that is not there is named.
    let out = sightline(&[
        "--db",
        db_s,
        "incident",
        "--slos",
        slos_s,
        "postmortem",
        &id,
        "--out",
        tmp.path().join("nope/pm.md").to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(3));
    assert!(stderr(&out).contains("nope/"), "{}", stderr(&out));
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
    let charts = sightline_api::charts::incident_charts(&store, &view, config, &HashMap::new())
        .expect("the incident's charts");
    let section = sightline_api::report_files::charts_section(
        "Charts (measured)",
        &format!("postmortem-{id}"),
        &charts,
        None,
    );
    let md = sightline_api::incidents::postmortem::markdown_with_charts(
        &view,
        Some(&config.definition.filter.journey),
        Some(config.definition.target),
        end + 240_000,
        &section,
    );
    let names: Vec<&str> = charts.iter().map(|c| c.name).collect();
    assert_eq!(names, ["sli", "burn"]);
    // The burn's legend names the engine's top cause, as its JSON has it.
    let report = serde_json::to_value(view.report.as_ref().unwrap()).unwrap();
    let top = &report["causes"][0];
    let legend = format!(
        "{} {} in {}",
        top["service"].as_str().unwrap(),
        top["kind"].as_str().unwrap(),
        top["region"].as_str().unwrap()
    );
    let burn = svg_texts(&charts[1].svg);
    assert!(
        burn.iter().any(|(_, t)| *t == legend),
        "the burn's legend lacks {legend:?}: {burn:?}"
    );
    assert!(has_onset_band(&charts[0].svg) && has_onset_band(&charts[1].svg));
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap());
    // The docs' pictures are this incident's charts.
    let pictures: Vec<(PathBuf, &str)> = charts
        .iter()
        .map(|c| {
            let file = format!("../../docs/images/postmortem-{}.svg", c.name);
            (manifest.join(file), c.svg.as_str())
        })
        .collect();
    let snapshot = manifest.join("tests/cli/snapshots/postmortem-09.md");
    if std::env::var_os("SIGHTLINE_BLESS").is_some() {
        std::fs::create_dir_all(snapshot.parent().unwrap()).unwrap();
        std::fs::write(&snapshot, &md).unwrap();
        for (file, svg) in &pictures {
            std::fs::create_dir_all(file.parent().unwrap()).unwrap();
            std::fs::write(file, svg).unwrap();
        }
    }
    for (file, svg) in &pictures {
        // Not assert_eq: two SVG documents would bury the message.
        assert!(
            std::fs::read_to_string(file).ok().as_deref() == Some(*svg),
            "{} is stale; bless with SIGHTLINE_BLESS=1",
            file.display()
        );
    }
    let want = std::fs::read_to_string(&snapshot).expect("snapshot (SIGHTLINE_BLESS=1 writes it)");
    assert_eq!(
        md, want,
        "the draft changed; review it and bless with SIGHTLINE_BLESS=1"
    );
}

/// Without the SLO's definition the draft is still written, and says why
/// it has no charts.
#[test]
fn a_postmortem_without_its_slo_says_why_it_has_no_charts() {
    let tmp = tempfile::tempdir().unwrap();
    let (db, _) = fired(tmp.path());
    let empty = tmp.path().join("no-slos");
    std::fs::create_dir_all(&empty).unwrap();
    let out_file = tmp.path().join("pm.md");
    let out = sightline(&[
        "--db",
        db.to_str().unwrap(),
        "incident",
        "--slos",
        empty.to_str().unwrap(),
        "postmortem",
        "1",
        "--out",
        out_file.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let md = std::fs::read_to_string(&out_file).unwrap();
    assert!(
        md.contains("No charts: the SLO orders-latency is not defined in"),
        "{md}"
    );
    assert!(md.contains("runs were not counted"), "{md}");
    let svgs = std::fs::read_dir(tmp.path())
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .path()
                .extension()
                .is_some_and(|x| x == "svg")
        })
        .count();
    assert_eq!(svgs, 0);
}

#[test]
fn questions_asked_about_an_incident_are_kept_on_its_timeline() {
    let tmp = tempfile::tempdir().unwrap();
    let (db, end) = fired(tmp.path());
    let db_s = db.to_str().unwrap();
    let p = incidents_project(tmp.path());
    let p_s = p.to_str().unwrap();
    let at = end.to_string();
    let list = json(&sightline(&["--db", db_s, "--json", "incident", "list"]));
    let first = &list["incidents"][0];
    let id = first["id"].as_i64().unwrap().to_string();
    let activity = first["last_activity_ms"].as_i64().unwrap();

    // An incident that is not there is refused before anything is answered.
    let ask = |incident: &str, question: &str| {
        sightline(&[
            "--db",
            db_s,
            "--json",
            "ask",
            question,
            "--project",
            p_s,
            "--at",
            &at,
            "--incident",
            incident,
            "--by",
            "alice",
        ])
    };
    let missing = ask("999", "why are orders slow?");
    assert_eq!(missing.status.code(), Some(3), "{}", stderr(&missing));
    let refusal = format!(
        "{}{}",
        stderr(&missing),
        String::from_utf8_lossy(&missing.stdout)
    );
    assert!(
        refusal.contains("--incident 999: no such incident"),
        "{refusal}"
    );

    let mut intents = Vec::new();
    for q in ["why are orders slow?", "did the last deploy cause this?"] {
        let out = ask(&id, q);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        intents.push(json(&out)["intent"].as_str().unwrap().to_owned());
    }
    assert_eq!(intents, ["why_slow", "deploy_caused"]);

    let show = json(&sightline(&[
        "--db", db_s, "--json", "incident", "show", &id,
    ]));
    let asked: Vec<(&str, &str)> = show["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "question")
        .map(|e| (e["summary"].as_str().unwrap(), e["by"].as_str().unwrap()))
        .collect();
    assert_eq!(
        asked,
        [
            ("why are orders slow?", "alice"),
            ("did the last deploy cause this?", "alice")
        ]
    );
    // Asking keeps no incident open: the merge window counts from alerts
    // and notes only.
    let after = json(&sightline(&["--db", db_s, "--json", "incident", "list"]));
    assert_eq!(after["incidents"][0]["last_activity_ms"], activity);

    let out = sightline(&[
        "--db",
        db_s,
        "incident",
        "--slos",
        dataset().to_str().unwrap(),
        "postmortem",
        &id,
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let md = String::from_utf8_lossy(&out.stdout);
    assert!(
        md.contains("asked \"why are orders slow?\" (alice)"),
        "the draft lists the question:\n{md}"
    );
}
