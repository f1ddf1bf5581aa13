//! The Attribution and Incidents views' commands over a recorded incident
//! (payment 2.4.1 breaks orders in us-east-1) played through the live SLO
//! loop, as `sightline serve` would have watched it: the page fires, its
//! report is stored, an incident opens. The view must show the engine's own
//! report, chart the runs it judged, and cite a stored trace beside a
//! baseline; the incident must move through its states and draft a
//! postmortem into the project.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicI64, Ordering};

use sightline_api::attribution::slo_report;
use sightline_api::investigate::{
    AttributionRequest, IncidentAction, IncidentRequest, IncidentUpdate, IncidentsRequest,
    PostmortemFormat, PostmortemRequest, ReportSource,
};
use sightline_api::slo::{journey_tags, load_slos};
use sightline_api::{ApiContext, ErrorCode};
use sightline_attribution::Options;
use sightline_core::{Outcome, RunId};
use sightline_store::Store;
use sightline_store::queries::runs;

const INCIDENT: &str = "01-payment-bad-release-use1";

/// The moment the context's clock shows (one clock per test binary: every
/// test here sets it to the same recording's end).
static NOW: AtomicI64 = AtomicI64::new(0);

fn now() -> i64 {
    NOW.load(Ordering::Relaxed)
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn copy(from: &Path, to: &Path) {
    std::fs::create_dir_all(to.parent().unwrap()).unwrap();
    std::fs::copy(from, to).unwrap_or_else(|e| panic!("{}: {e}", from.display()));
}

/// The incidents' SLOs and journeys in `root`, the recording played into
/// `root/data/sightline.db`; the page's SLO and the recording's end.
fn prepare(root: &Path) -> (String, i64) {
    let incidents = repo().join("datasets/incidents");
    copy(&incidents.join("slos.yaml"), &root.join("slos/slos.yaml"));
    for entry in std::fs::read_dir(incidents.join("journeys")).unwrap() {
        let path = entry.unwrap().path();
        copy(
            &path,
            &root.join("journeys").join(path.file_name().unwrap()),
        );
    }
    copy(
        &repo().join("journeys/demo/api-order-status.yaml"),
        &root.join("journeys/demo/api-order-status.yaml"),
    );
    let inc = sightline_demo::incident_files::load(&incidents.join(INCIDENT)).unwrap();
    let db = root.join("data/sightline.db");
    std::fs::create_dir_all(db.parent().unwrap()).unwrap();
    let (changes, end) = inc.replay_live(&db, root, 20_000).unwrap();
    let page = changes
        .iter()
        .find(|c| c.change == "firing" && c.severity == "page")
        .unwrap_or_else(|| panic!("the recording fires a page: {changes:#?}"));
    NOW.store(end, Ordering::Relaxed);
    (page.slo.clone(), end)
}

fn context(root: &Path) -> ApiContext {
    ApiContext::new(root.join("data/sightline.db"))
        .with_project(root)
        .with_clock(now)
}

#[test]
fn the_attribution_of_a_firing_page_is_the_engines_and_cites_a_stored_trace() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let (slo, end) = prepare(root);
    let ctx = context(root);
    let view = sightline_api::attribution(
        &ctx,
        AttributionRequest {
            slo: slo.clone(),
            incident: None,
            at_ms: None,
        },
    )
    .unwrap();
    assert_eq!(view.source, ReportSource::Live);
    assert!(view.firing);
    assert_eq!(view.at_ms, end);
    assert_eq!(view.alert.as_ref().unwrap().severity, "page");
    assert!(view.incident.is_some(), "the page opened an incident");

    // The report is the engine's, run at the same moment over the same store.
    let store = Store::open_read_only(root.join("data/sightline.db")).unwrap();
    let config = load_slos(&root.join("slos"))
        .unwrap()
        .into_iter()
        .map(|s| s.config)
        .find(|c| c.definition.name == slo)
        .unwrap();
    let tags = journey_tags(&root.join("journeys"));
    let engine = slo_report(&store, &config, &tags, end, &Options::default()).unwrap();
    assert_eq!(view.report, engine);
    let top = &view.report.causes[0];
    assert_eq!(
        top.service.as_deref(),
        Some("payment"),
        "{:#?}",
        view.report
    );
    assert_eq!(top.region.as_deref(), Some("us-east-1"));

    // The burn chart counts the bad runs it judged, the top cause's layer first.
    let chart = view.chart.as_ref().expect("runs to chart");
    assert_eq!(chart.burn[0].name, sightline_api::charts::cause_label(top));
    let n = usize::try_from((chart.to_ms - chart.from_ms + chart.bucket_ms - 1) / chart.bucket_ms)
        .unwrap();
    assert!(chart.burn.iter().all(|l| l.counts.len() == n));
    let charted: u32 = chart.burn.iter().flat_map(|l| l.counts.iter()).sum();
    let judged = runs::for_journey_between(
        store.conn(),
        &config.definition.filter.journey,
        chart.from_ms,
        chart.to_ms,
        100_000,
    )
    .unwrap()
    .iter()
    .filter_map(|r| sightline_attribution::RunObs::judge(&config.definition, r, &[]))
    .filter(|o| !o.good)
    .count();
    assert_eq!(charted as usize, judged);
    assert!(
        chart
            .sli
            .iter()
            .all(|p| p.value.is_some_and(|v| (0.0..=1.0).contains(&v)))
    );
    assert!(
        chart
            .markers
            .iter()
            .any(|m| m.kind == "deploy" && m.label == "payment@2.4.1"),
        "{:#?}",
        chart.markers
    );
    assert!(chart.markers.iter().any(|m| m.kind == "alert"));
    let onset = chart.onset.as_ref().expect("an onset band");
    assert!(onset.from_ms <= onset.to_ms && onset.from_ms >= chart.from_ms);

    // The blamed trace is a stored bad run's, cited by the engine, beside a
    // good run of the same journey from the baseline window.
    let blamed = view.blamed.as_ref().expect("a blamed trace");
    assert_eq!(blamed.service, "payment");
    let cited = top
        .evidence
        .iter()
        .flat_map(|e| e.ids.iter())
        .any(|id| id == &format!("{}/{}", blamed.bad.trace_id, blamed.bad.span_id));
    assert!(cited, "{:#?}", top.evidence);
    let bad_run = runs::get(store.conn(), RunId::parse(&blamed.bad.run_id).unwrap())
        .unwrap()
        .unwrap();
    assert_eq!(
        bad_run.trace_id.as_deref(),
        Some(blamed.bad.trace_id.as_str())
    );
    assert!(
        blamed
            .bad
            .spans
            .iter()
            .any(|s| s.span_id == blamed.bad.span_id)
    );
    let base = blamed.baseline.as_ref().expect("a baseline trace");
    let base_run = runs::get(store.conn(), RunId::parse(&base.run_id).unwrap())
        .unwrap()
        .unwrap();
    assert_eq!(base_run.outcome, Outcome::Pass);
    assert!(base_run.started_at_ms < view.report.baseline.to_ms);
    let span = base
        .spans
        .iter()
        .find(|s| s.span_id == base.span_id)
        .unwrap();
    assert_eq!(
        (span.service.as_str(), span.name.as_str()),
        (blamed.service.as_str(), blamed.operation.as_str())
    );
    assert_eq!(
        blamed.self_delta_ms,
        Some(blamed.bad.self_ms - base.self_ms)
    );

    // Every leading indicator charted is on the SLI's axis.
    for s in &view.indicators {
        assert!((s.index as usize) < view.report.leading_indicators.len());
        assert!(
            s.points
                .iter()
                .all(|p| p.t_ms >= chart.from_ms && p.t_ms < chart.to_ms)
        );
    }

    // An SLO the project does not define is named in the error.
    let err = sightline_api::attribution(
        &ctx,
        AttributionRequest {
            slo: "nope".into(),
            incident: None,
            at_ms: None,
        },
    )
    .unwrap_err();
    assert_eq!(err.code(), ErrorCode::NotFound);
    assert!(err.to_string().contains("\"nope\""), "{err}");
}

#[test]
fn an_incident_is_listed_acknowledged_noted_resolved_and_drafted() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let (slo, _) = prepare(root);
    let ctx = context(root);
    let open = sightline_api::incidents(&ctx, IncidentsRequest::default()).unwrap();
    assert_eq!(open.incidents.len(), 1, "{open:#?}");
    let id = open.incidents[0].id;
    assert_eq!(open.incidents[0].slo, slo);
    assert_eq!(open.incidents[0].state, "open");

    let d = sightline_api::incident_detail(&ctx, IncidentRequest { id }).unwrap();
    assert!(d.timeline.windows(2).all(|w| w[0].at_ms <= w[1].at_ms));
    for kind in ["alert_fired", "attribution", "deploy", "first_failing_run"] {
        assert!(
            d.timeline.iter().any(|e| e.kind == kind),
            "{kind}: {:#?}",
            d.timeline
        );
    }
    let first = d
        .timeline
        .iter()
        .find(|e| e.kind == "first_failing_run")
        .unwrap();
    assert!(first.link.as_deref().unwrap().starts_with("run:"));
    assert!(d.bad_runs > 0 && d.bad_runs <= d.runs);
    assert_eq!(d.regions, vec!["us-east-1".to_owned()]);

    // The incident's own snapshot, through the Attribution view.
    let v = sightline_api::attribution(
        &ctx,
        AttributionRequest {
            slo: slo.clone(),
            incident: Some(id),
            at_ms: None,
        },
    )
    .unwrap();
    assert_eq!(v.source, ReportSource::Incident);
    assert_eq!(Some(&v.report), d.report.as_ref());

    let update = |change: IncidentAction| {
        sightline_api::incident_update(
            &ctx,
            IncidentUpdate {
                id,
                change,
                by: Some("tester".into()),
            },
        )
    };
    let acked = update(IncidentAction::Acknowledge).unwrap();
    assert_eq!(acked.incident.state, "acknowledged");
    assert_eq!(acked.incident.state_by.as_deref(), Some("tester"));
    let twice = update(IncidentAction::Acknowledge).unwrap_err();
    assert_eq!(twice.code(), ErrorCode::InvalidRequest, "{twice}");
    let before = acked.timeline.len();
    let empty = update(IncidentAction::Note { text: "  ".into() }).unwrap_err();
    assert_eq!(empty.code(), ErrorCode::InvalidRequest);
    let noted = update(IncidentAction::Note {
        text: "rolled payment back to 2.4.0".into(),
    })
    .unwrap();
    assert_eq!(
        noted.timeline.len(),
        before + 1,
        "the empty note stored nothing"
    );
    assert!(noted.timeline.iter().any(|e| e.kind == "note"
        && e.summary == "rolled payment back to 2.4.0"
        && e.by.as_deref() == Some("tester")));
    // The question box's history: kept on the incident, newest first, in
    // its timeline, never moving its last activity.
    {
        use sightline_api::incidents::questions::{self, AskedQuestion};
        let store = Store::open(root.join("data/sightline.db")).unwrap();
        let asked = |at_ms, question: &str| AskedQuestion {
            at_ms,
            question: question.into(),
            intent: "why_slow".into(),
            source: "builtin".into(),
            answer: "x".repeat(400),
            by: Some("tester".into()),
        };
        let t = now();
        questions::record(&store, id, &asked(t, "why are orders slow?")).unwrap();
        questions::record(&store, id, &asked(t + 1, "is us-east-1 ok?")).unwrap();
        let empty = questions::record(&store, id, &asked(t, " ")).unwrap_err();
        assert_eq!(empty.code(), ErrorCode::InvalidRequest, "{empty}");
        let nowhere = questions::record(&store, id + 100, &asked(t, "why?")).unwrap_err();
        assert_eq!(nowhere.code(), ErrorCode::NotFound);
        assert!(
            nowhere.to_string().contains("incident: no incident"),
            "{nowhere}"
        );

        let h = sightline_api::incident_questions(&ctx, IncidentRequest { id }).unwrap();
        let qs: Vec<&str> = h.questions.iter().map(|q| q.question.as_str()).collect();
        assert_eq!(qs, ["is us-east-1 ok?", "why are orders slow?"]);
        assert_eq!(h.questions[0].by.as_deref(), Some("tester"));
        assert_eq!(h.questions[0].intent, "why_slow");
        assert!(h.questions[0].answer.chars().count() <= questions::ANSWER_CHARS + 1);
        let d = sightline_api::incident_detail(&ctx, IncidentRequest { id }).unwrap();
        assert_eq!(
            d.timeline.iter().filter(|e| e.kind == "question").count(),
            2
        );
        assert_eq!(d.incident.last_activity_ms, noted.incident.last_activity_ms);
        let none =
            sightline_api::incident_questions(&ctx, IncidentRequest { id: id + 100 }).unwrap_err();
        assert_eq!(none.code(), ErrorCode::NotFound);
    }
    let resolved = update(IncidentAction::Resolve).unwrap();
    assert_eq!(resolved.incident.state, "resolved");
    assert!(
        sightline_api::incidents(&ctx, IncidentsRequest::default())
            .unwrap()
            .incidents
            .is_empty()
    );
    let all = sightline_api::incidents(
        &ctx,
        IncidentsRequest {
            include_resolved: true,
        },
    )
    .unwrap();
    assert_eq!(all.incidents.len(), 1);

    // The draft lands in the project's reports folder with its charts.
    let pm = sightline_api::incident_postmortem(
        &ctx,
        PostmortemRequest {
            id,
            format: PostmortemFormat::Md,
        },
    )
    .unwrap();
    assert_eq!(pm.files[0], format!("reports/postmortem-{id}.md"));
    assert_eq!(pm.files.len(), 3, "{:?}", pm.files);
    for f in &pm.files {
        assert!(root.join(f).is_file(), "{f}");
    }
    let written = std::fs::read_to_string(root.join(&pm.files[0])).unwrap();
    assert_eq!(written, pm.markdown);
    assert!(written.contains(&d.report.as_ref().unwrap().sentence));
    assert!(written.contains("rolled payment back to 2.4.0"));
    assert!(written.contains("asked \"why are orders slow?\" (tester)"));
    let html = sightline_api::incident_postmortem(
        &ctx,
        PostmortemRequest {
            id,
            format: PostmortemFormat::Html,
        },
    )
    .unwrap();
    assert_eq!(html.files, vec![format!("reports/postmortem-{id}.html")]);
    let page = std::fs::read_to_string(root.join(&html.files[0])).unwrap();
    assert!(page.contains("<svg"), "the charts are inline");

    let missing =
        sightline_api::incident_detail(&ctx, IncidentRequest { id: id + 100 }).unwrap_err();
    assert_eq!(missing.code(), ErrorCode::NotFound);
}
