use sightline_journeys::{JourneyError, from_yaml_str, load, save, to_yaml};

use crate::repo_root;

#[test]
fn every_example_journey_loads_clean() {
    let dir = repo_root().join("journeys/examples");
    let mut count = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "yaml") {
            let loaded = load(&path).unwrap_or_else(|e| panic!("{e}"));
            assert!(
                loaded.warnings.is_empty(),
                "{}: {:?}",
                path.display(),
                loaded.warnings
            );
            count += 1;
        }
    }
    assert!(count >= 2);
}

#[test]
fn save_then_load_gives_the_same_journey_and_version() {
    let original = load(&repo_root().join("journeys/examples/api-checkout.yaml")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("copy.yaml");
    save(&path, &original.journey).unwrap();
    let copy = load(&path).unwrap();
    assert_eq!(copy.journey, original.journey);
    assert_eq!(copy.version, original.version);
    // The body stays structured JSON, and `null` assertions survive.
    let text = to_yaml(&original.journey).unwrap();
    assert!(text.contains("sku: SOCK-1"), "{text}");
}

#[test]
fn unknown_fields_are_kept_with_a_warning() {
    let loaded = from_yaml_str(
        "name: t\nowner: sre\nsteps:\n  - { type: navigate, url: 'https://a', timout: 5 }\n",
        "t.yaml",
    )
    .unwrap();
    let fields: Vec<&str> = loaded.warnings.iter().map(|w| w.field.as_str()).collect();
    assert_eq!(fields, ["owner", "steps[0].timout"]);
    assert_eq!(loaded.warnings[0].code, "journey.unknown_field");
    let text = to_yaml(&loaded.journey).unwrap();
    assert!(
        text.contains("timout: 5") && text.contains("owner: sre"),
        "{text}"
    );
}

#[test]
fn broken_yaml_is_an_error_not_a_panic() {
    for text in [
        "",
        "name: [",
        "- a\n- b\n",
        "name: t\nsteps: 3\n",
        "name: t\nsteps:\n  - type: http\n",
    ] {
        let err = from_yaml_str(text, "x.yaml").unwrap_err();
        assert!(
            matches!(err, JourneyError::Syntax { .. }),
            "{text:?}: {err:?}"
        );
        assert!(err.to_string().starts_with("x.yaml"), "{err}");
    }
    let missing = load(std::path::Path::new("/nonexistent/j.yaml")).unwrap_err();
    assert_eq!(missing.code(), "journey.read");
}
