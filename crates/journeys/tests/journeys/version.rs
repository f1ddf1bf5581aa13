use sightline_journeys::{canonical_json, from_yaml_str, version};

const A: &str = "name: v\nbaseUrl: https://x.example\nsteps:\n  - type: click\n    selectors: ['#a']\n    offsetX: 1\n    offsetY: 2.5\n";
const B: &str = "# the same journey, reordered and restyled\nsteps: [ { offsetY: 2.50, selectors: [\"#a\"], type: click, offsetX: 1.0 } ]\ntags: []\nbaseUrl: 'https://x.example'\nname: \"v\"\n";

#[test]
fn version_is_stable_across_key_order_whitespace_and_spelling() {
    let a = from_yaml_str(A, "a.yaml").unwrap();
    let b = from_yaml_str(B, "b.yaml").unwrap();
    assert_eq!(a.version, b.version);
    assert_eq!(canonical_json(&a.journey), canonical_json(&b.journey));
    assert_eq!(a.version.len(), 64);
    assert!(
        a.version
            .chars()
            .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
    );
}

#[test]
fn canonical_json_has_sorted_keys_and_no_whitespace() {
    let a = from_yaml_str(A, "a.yaml").unwrap();
    assert_eq!(
        canonical_json(&a.journey),
        r##"{"baseUrl":"https://x.example","name":"v","steps":[{"offsetX":1,"offsetY":2.5,"selectors":["#a"],"type":"click"}]}"##
    );
}

#[test]
fn any_content_change_changes_the_version() {
    let base = from_yaml_str(A, "a.yaml").unwrap().journey;
    let mut moved = base.clone();
    if let sightline_core::journey::Step::Click(c) = &mut moved.steps[0] {
        c.offset_y = Some(3.0.into());
    }
    let mut renamed = base.clone();
    renamed.description = "now described".into();
    assert_ne!(version(&base), version(&moved));
    assert_ne!(version(&base), version(&renamed));
    assert_eq!(version(&base), version(&base.clone()));
}
