use sightline_journeys::{json_schema, json_schema_text};

/// `docs/journey.schema.json` must be what the types generate. Regenerate with
/// `SIGHTLINE_BLESS=1 cargo test -p sightline-journeys`.
#[test]
fn committed_schema_is_current() {
    let path = crate::repo_root().join("docs/journey.schema.json");
    let fresh = json_schema_text();
    if std::env::var_os("SIGHTLINE_BLESS").is_some() {
        std::fs::write(&path, &fresh).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == fresh,
        "docs/journey.schema.json is stale; run SIGHTLINE_BLESS=1 cargo test -p sightline-journeys"
    );
}

#[test]
fn schema_lists_every_step_type() {
    let text = serde_json::to_string(&json_schema()).unwrap();
    for ty in sightline_core::journey::Step::RECORDER_TYPES
        .iter()
        .chain(&[
            "assertText",
            "assertUrl",
            "assertNoConsoleErrors",
            "wait",
            "setVariable",
            "totp",
            "http",
        ])
    {
        assert!(
            text.contains(&format!("\"const\":\"{ty}\"")),
            "schema lacks step type {ty}"
        );
    }
}
