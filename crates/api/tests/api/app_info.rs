//! `app_info` against real database files.

use sightline_api::{ApiContext, AppInfoRequest, ErrorCode, IpcError, app_info};

#[test]
fn reports_the_version_and_the_live_schema_version() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sightline.db");
    drop(sightline_store::Store::open(&path).unwrap());
    let ctx = ApiContext::new(&path);
    let info = app_info(&ctx, AppInfoRequest::default()).expect("app_info");
    assert_eq!(info.version, env!("CARGO_PKG_VERSION"));
    assert_eq!(info.db_path, path.to_string_lossy());
    assert_eq!(
        info.schema_version,
        Some(sightline_store::migrate::latest_version())
    );
}

#[test]
fn a_missing_database_has_no_schema_version_and_is_not_created() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("absent.db");
    let info = app_info(&ApiContext::new(&path), AppInfoRequest::default()).expect("app_info");
    assert_eq!(info.schema_version, None);
    assert!(!path.exists());
}

#[test]
fn a_foreign_file_is_refused_with_a_stable_code() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("notes.db");
    std::fs::write(&path, "not a database, just notes").unwrap();
    let err = app_info(&ApiContext::new(&path), AppInfoRequest::default()).unwrap_err();
    let wire = IpcError::from(err);
    assert_eq!(wire.code, ErrorCode::DatabaseRefused);
    assert!(wire.message.contains("notes.db"), "{}", wire.message);
}

#[test]
fn the_request_and_response_have_the_wire_shape_the_ui_expects() {
    let req: AppInfoRequest = serde_json::from_str("{}").expect("an empty object is a request");
    assert_eq!(req, AppInfoRequest::default());
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.db");
    let info = app_info(&ApiContext::new(&path), req).expect("app_info");
    let mut json = serde_json::to_value(&info).expect("serialise");
    // Whether Record can open a browser depends on this machine; it is
    // tested below with a Chromium that is certainly absent.
    let problem = json["recorder_problem"].take();
    assert_eq!(json["recorder_available"], problem.is_null());
    json["recorder_available"] = false.into();
    assert_eq!(
        json,
        serde_json::json!({
            "version": env!("CARGO_PKG_VERSION"),
            "db_path": path.to_string_lossy(),
            "schema_version": null,
            "project_dir": ".",
            "start_view": null,
            "recorder_available": false,
            "recorder_problem": null,
        })
    );
}

#[test]
fn the_start_view_and_project_are_the_callers_choice() {
    let dir = tempfile::tempdir().unwrap();
    let ctx = ApiContext::new(dir.path().join("s.db"))
        .with_project(dir.path())
        .with_start_view(Some("overview".into()));
    let info = app_info(&ctx, AppInfoRequest::default()).unwrap();
    assert_eq!(info.start_view.as_deref(), Some("overview"));
    assert_eq!(info.project_dir, dir.path().to_string_lossy());
    // An empty choice is no choice.
    let ctx = ctx.with_start_view(Some(String::new()));
    assert_eq!(
        app_info(&ctx, AppInfoRequest::default())
            .unwrap()
            .start_view,
        None
    );
}

#[test]
fn ui_ready_answers_whether_or_not_a_report_was_asked_for() {
    use sightline_api::{UiReadyRequest, ui_ready};
    let dir = tempfile::tempdir().unwrap();
    let ctx = ApiContext::new(dir.path().join("s.db"));
    ui_ready(
        &ctx,
        UiReadyRequest {
            view: "overview".into(),
        },
    )
    .unwrap();
    let ctx = ctx.with_ready_report(std::time::Instant::now());
    ui_ready(
        &ctx,
        UiReadyRequest {
            view: "overview\n; rm -rf".into(),
        },
    )
    .unwrap();
}

#[test]
fn record_is_unavailable_when_the_projects_chromium_is_absent_and_says_why() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("sightline.toml"),
        "[runner]\nchromium = \"/nonexistent/chromium\"\n\n[[schedule]]\njourney = \"journeys/x.yaml\"\nevery = \"1m\"\n",
    )
    .unwrap();
    std::fs::create_dir(dir.path().join("journeys")).unwrap();
    std::fs::write(
        dir.path().join("journeys/x.yaml"),
        "name: x\nsteps:\n  - type: navigate\n    url: http://127.0.0.1:9/\n",
    )
    .unwrap();
    let ctx = ApiContext::new(dir.path().join("s.db")).with_project(dir.path());
    let info = app_info(&ctx, AppInfoRequest::default()).unwrap();
    assert!(!info.recorder_available);
    let problem = info.recorder_problem.expect("a reason");
    assert!(problem.contains("/nonexistent/chromium"), "{problem}");
}
