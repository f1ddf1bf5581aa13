//! The Discovery view's commands over real inputs: a simulated shop's
//! access log in the project, and the server spans of a recorded incident
//! in the store. Candidates come ranked; a rejection hides one on the next
//! run; an acceptance writes an SLO the project loads back, with the
//! person's target, and refuses to overwrite; bad requests name the field.

use std::sync::atomic::{AtomicI64, Ordering};

use sightline_api::discovery::{DiscoveryDecision, DiscoveryRequest, Verdict};
use sightline_api::{ApiContext, ErrorCode};
use sightline_paths::Format;
use sightline_store::Store;

static NOW: AtomicI64 = AtomicI64::new(0);

fn now() -> i64 {
    NOW.load(Ordering::Relaxed)
}

fn request(files: &[&str]) -> DiscoveryRequest {
    DiscoveryRequest {
        files: files.iter().map(|f| (*f).to_owned()).collect(),
        format: Format::Auto,
        store_hours: None,
        weights: vec!["POST /checkout=3".into()],
        fields: Vec::new(),
        gap_minutes: None,
        base_url: None,
        include_rejected: false,
    }
}

fn project_with_log() -> (tempfile::TempDir, ApiContext) {
    let dir = tempfile::tempdir().unwrap();
    let g = sightline_paths::simulate::generate(&sightline_paths::simulate::Mix {
        sessions: 400,
        seed: 7,
        ..Default::default()
    });
    std::fs::create_dir_all(dir.path().join("logs")).unwrap();
    std::fs::write(dir.path().join("logs/access.log"), &g.log).unwrap();
    let ctx = ApiContext::new(dir.path().join("data/sightline.db")).with_project(dir.path());
    (dir, ctx)
}

#[test]
fn candidates_are_ranked_rejected_ones_stay_hidden_and_an_accepted_slo_loads_back() {
    let (dir, ctx) = project_with_log();
    let view = sightline_api::discovery(&ctx, request(&["logs/access.log"])).unwrap();
    assert_eq!(view.inputs.len(), 1);
    assert!(view.inputs[0].requests > 1000, "{:?}", view.inputs[0]);
    let c = &view.discovery.candidates;
    assert!(c.len() >= 3, "{c:#?}");
    assert!(c.iter().enumerate().all(|(i, x)| x.rank == i + 1));
    assert!(c.windows(2).all(|w| w[0].score.total >= w[1].score.total));
    for x in c {
        assert_eq!(x.funnel.len(), x.steps.len());
        assert!(
            x.funnel
                .iter()
                .all(|f| f.timed == 0 || f.p50_ms <= f.p95_ms)
        );
    }

    // Rejected: gone from the next run, counted, and back on request.
    let top = c[0].id.clone();
    let made = sightline_api::discovery_decide(
        &ctx,
        DiscoveryDecision {
            request: request(&["logs/access.log"]),
            candidate: top.clone(),
            verdict: Verdict::Reject,
            target: None,
            threshold_ms: None,
        },
    )
    .unwrap();
    assert_eq!(made.decision, "rejected");
    let again = sightline_api::discovery(&ctx, request(&["logs/access.log"])).unwrap();
    assert_eq!(again.hidden_rejected, 1);
    assert!(again.discovery.candidates.iter().all(|x| x.id != top));
    let all = sightline_api::discovery(
        &ctx,
        DiscoveryRequest {
            include_rejected: true,
            ..request(&["logs/access.log"])
        },
    )
    .unwrap();
    assert_eq!(
        all.decisions.get(&top).map(String::as_str),
        Some("rejected")
    );
    assert!(all.discovery.candidates.iter().any(|x| x.id == top));

    // Accepted with a person's target and no latency half.
    let pick = again.discovery.candidates[0].clone();
    let decision = DiscoveryDecision {
        request: request(&["logs/access.log"]),
        candidate: pick.id.clone(),
        verdict: Verdict::Accept,
        target: Some(0.95),
        threshold_ms: Some(0),
    };
    let made = sightline_api::discovery_decide(&ctx, decision.clone()).unwrap();
    assert_eq!(
        made.files,
        vec![
            format!("slos/discovered-{}.yaml", pick.name),
            format!("journeys/discovered/{}.yaml", pick.name),
        ]
    );
    let slos = sightline_api::slo::load_slos(&dir.path().join("slos")).unwrap();
    let def = &slos[0].config.definition;
    assert_eq!(def.name, format!("{}-good", pick.name));
    assert_eq!(def.target, 0.95);
    assert_eq!(def.filter.journey, pick.name);
    let journey = std::fs::read_to_string(dir.path().join(&made.files[1])).unwrap();
    assert_eq!(journey, pick.skeleton);
    // The app records over the skeleton next, from its first page.
    let rec = made.record.expect("a recording to start");
    assert_eq!(rec.file, made.files[1]);
    assert_eq!(rec.name.as_deref(), Some(pick.name.as_str()));
    assert!(rec.replace && rec.headed);
    let first = sightline_journeys::from_yaml_str(&journey, "skeleton.yaml")
        .unwrap()
        .journey;
    let nav = first
        .steps
        .iter()
        .find_map(|s| match s {
            sightline_core::journey::Step::Navigate(n) => Some(n),
            _ => None,
        })
        .expect("the skeleton has a page");
    assert!(rec.url.ends_with(&nav.url), "{} vs {}", rec.url, nav.url);
    assert!(rec.url.starts_with("http"), "{}", rec.url);
    let twice = sightline_api::discovery_decide(&ctx, decision).unwrap_err();
    assert_eq!(twice.code(), ErrorCode::InvalidRequest);
    assert!(twice.to_string().contains("not overwritten"), "{twice}");
}

#[test]
fn bad_requests_name_the_field_and_write_nothing() {
    let (dir, ctx) = project_with_log();
    let missing = sightline_api::discovery(&ctx, request(&["logs/nope.log"])).unwrap_err();
    assert_eq!(missing.code(), ErrorCode::NotFound);
    assert!(missing.to_string().contains("nope.log"), "{missing}");
    let none = sightline_api::discovery(&ctx, request(&[])).unwrap_err();
    assert!(none.to_string().contains("files:"), "{none}");
    let weight = sightline_api::discovery(
        &ctx,
        DiscoveryRequest {
            weights: vec!["POST /checkout".into()],
            ..request(&["logs/access.log"])
        },
    )
    .unwrap_err();
    assert_eq!(weight.code(), ErrorCode::InvalidRequest, "{weight}");
    let view = sightline_api::discovery(&ctx, request(&["logs/access.log"])).unwrap();
    let target = sightline_api::discovery_decide(
        &ctx,
        DiscoveryDecision {
            request: request(&["logs/access.log"]),
            candidate: view.discovery.candidates[0].id.clone(),
            verdict: Verdict::Accept,
            target: Some(1.5),
            threshold_ms: None,
        },
    )
    .unwrap_err();
    assert!(target.to_string().contains("target:"), "{target}");
    let unknown = sightline_api::discovery_decide(
        &ctx,
        DiscoveryDecision {
            request: request(&["logs/access.log"]),
            candidate: "c0000000".into(),
            verdict: Verdict::Accept,
            target: None,
            threshold_ms: None,
        },
    )
    .unwrap_err();
    assert_eq!(unknown.code(), ErrorCode::NotFound);
    assert!(!dir.path().join("slos").exists(), "nothing was written");
}

#[test]
fn the_server_spans_in_the_store_are_an_input() {
    let dir = tempfile::tempdir().unwrap();
    let inc = sightline_demo::incident_files::load(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../datasets/incidents/01-payment-bad-release-use1"),
    )
    .unwrap();
    let db = dir.path().join("data/sightline.db");
    std::fs::create_dir_all(db.parent().unwrap()).unwrap();
    let mut store = Store::open(&db).unwrap();
    let runs = inc.store_telemetry(&mut store).unwrap();
    NOW.store(
        runs.last().unwrap().started_at_ms + 60_000,
        Ordering::Relaxed,
    );
    let ctx = ApiContext::new(&db)
        .with_project(dir.path())
        .with_clock(now);
    let view = sightline_api::discovery(
        &ctx,
        DiscoveryRequest {
            store_hours: Some(1),
            ..request(&[])
        },
    )
    .unwrap();
    let store_input = view.inputs.last().unwrap();
    assert_eq!(store_input.file, "store");
    assert!(store_input.requests > 100, "{store_input:?}");
    assert!(
        !view.discovery.candidates.is_empty(),
        "{:#?}",
        view.discovery
    );
    // Each synthetic run is a session of its edge requests: payment's own
    // route, called by checkout, is no step of a user's path.
    let steps: Vec<&String> = view
        .discovery
        .candidates
        .iter()
        .flat_map(|c| c.steps.iter())
        .collect();
    assert!(!steps.iter().any(|s| s.contains("/charges")), "{steps:?}");
    assert!(
        view.discovery.sessions >= runs.len() / 2,
        "{} sessions",
        view.discovery.sessions
    );
}
