use sightline_api::{ApiContext, AppInfoRequest, app_info};

#[test]
fn reports_the_version_and_the_database_it_was_given() {
    let ctx = ApiContext::new("/data/sightline.db", Some(3));
    let info = app_info(&ctx, AppInfoRequest::default()).expect("app_info");
    assert_eq!(info.version, env!("CARGO_PKG_VERSION"));
    assert_eq!(info.db_path, "/data/sightline.db");
    assert_eq!(info.schema_version, Some(3));
}

#[test]
fn an_unopened_database_has_no_schema_version() {
    let ctx = ApiContext::new("/nowhere/sightline.db", None);
    let info = app_info(&ctx, AppInfoRequest::default()).expect("app_info");
    assert_eq!(info.schema_version, None);
}

#[test]
fn the_request_and_response_have_the_wire_shape_the_ui_expects() {
    let req: AppInfoRequest = serde_json::from_str("{}").expect("an empty object is a request");
    assert_eq!(req, AppInfoRequest::default());

    let ctx = ApiContext::new("/d/s.db", None);
    let info = app_info(&ctx, req).expect("app_info");
    let json = serde_json::to_value(&info).expect("serialise");
    assert_eq!(
        json,
        serde_json::json!({
            "version": env!("CARGO_PKG_VERSION"),
            "db_path": "/d/s.db",
            "schema_version": null,
        })
    );
}
