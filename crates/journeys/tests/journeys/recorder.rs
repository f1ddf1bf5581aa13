use serde_json::Value;
use sightline_core::journey::{CountOperator, PointerButton, Selector, Step};
use sightline_journeys::{JourneyError, from_recorder_json, from_yaml_str, to_recorder_json};

use crate::data;

#[test]
fn hand_written_recording_covers_every_recorder_step_type() {
    let imported = from_recorder_json(&data("recorder_all_steps.json"), "all.json").unwrap();
    let mut types: Vec<&str> = imported.journey.steps.iter().map(Step::type_name).collect();
    types.sort_unstable();
    types.dedup();
    let mut expected = Step::RECORDER_TYPES.to_vec();
    expected.sort_unstable();
    assert_eq!(types, expected);
}

#[test]
fn recorder_round_trip_is_json_equal_modulo_key_order() {
    let original = data("recorder_all_steps.json");
    let imported = from_recorder_json(&original, "all.json").unwrap();
    assert!(imported.warnings.is_empty(), "{:?}", imported.warnings);
    let exported = to_recorder_json(&imported.journey);
    assert!(exported.warnings.is_empty(), "{:?}", exported.warnings);
    let before: Value = serde_json::from_str(&original).unwrap();
    let after: Value = serde_json::from_str(&exported.json).unwrap();
    assert_eq!(before, after);

    // And import -> export -> import gives the same journey.
    let again = from_recorder_json(&exported.json, "again.json").unwrap();
    assert_eq!(again.journey, imported.journey);
}

#[test]
fn recorder_fields_are_mapped_not_just_kept() {
    let j = from_recorder_json(&data("recorder_all_steps.json"), "all.json")
        .unwrap()
        .journey;
    assert_eq!(j.name, "Every Recorder step");
    assert_eq!(j.timeouts.step_ms, Some(7000));
    assert_eq!(j.selector_attribute.as_deref(), Some("data-testid"));
    assert_eq!(j.extra["recorderVersion"], "hand-written");
    let Step::Click(click) = &j.steps[2] else {
        panic!("{:?}", j.steps[2])
    };
    assert_eq!(click.offset_x.map(|n| n.0), Some(44.5));
    assert_eq!(click.meta.target.as_deref(), Some("main"));
    assert_eq!(click.selectors.len(), 6);
    assert_eq!(click.selectors[5], Selector::One("#search".into()));
    assert_eq!(
        click.selectors[0].parts(),
        ["aria/Search", "aria/[role=\"textbox\"]"]
    );
    let Step::DoubleClick(dbl) = &j.steps[6] else {
        panic!()
    };
    assert_eq!(dbl.button, Some(PointerButton::Secondary));
    assert_eq!(dbl.meta.timeout, Some(2500));
    let Step::Click(buy) = &j.steps[7] else {
        panic!()
    };
    assert_eq!(buy.extra["recorderHint"]["source"], "pointer");
    let Step::WaitForElement(w) = &j.steps[11] else {
        panic!()
    };
    assert_eq!(w.operator, Some(CountOperator::AtLeast));
    assert_eq!(w.count, Some(2));
    assert_eq!(w.visible, Some(true));
    assert_eq!(w.attributes.as_ref().unwrap()["data-state"], "ready");
    let Step::CustomStep(marker) = &j.steps[17] else {
        panic!()
    };
    assert_eq!(marker.parameters, Some(Value::Null));
}

#[test]
fn clear_text_password_becomes_a_declared_secret() {
    let imported = from_recorder_json(&data("recorder_login.json"), "login.json").unwrap();
    let Step::Change(pw) = &imported.journey.steps[2] else {
        panic!()
    };
    assert_eq!(pw.value, "{{secret.password}}");
    assert_eq!(imported.journey.secrets, ["password"]);
    let w = &imported.warnings[0];
    assert_eq!(w.code, "recorder.password_replaced");
    assert_eq!(w.field, "steps[2].value");
    assert!(
        !imported
            .journey
            .steps
            .iter()
            .any(|s| format!("{s:?}").contains("hunter2"))
    );
    // The email is not a password and stays as typed.
    let Step::Change(email) = &imported.journey.steps[1] else {
        panic!()
    };
    assert_eq!(email.value, "alice@example.com");
}

#[test]
fn export_drops_sightline_only_steps_with_a_warning_naming_them() {
    let yaml =
        std::fs::read_to_string(crate::repo_root().join("journeys/examples/login.yaml")).unwrap();
    let j = from_yaml_str(&yaml, "login.yaml").unwrap().journey;
    let exported = to_recorder_json(&j);
    let dropped: Vec<(&str, &str)> = exported
        .warnings
        .iter()
        .filter(|w| w.code == "recorder.step_dropped")
        .map(|w| (w.field.as_str(), w.message.as_str()))
        .collect();
    assert_eq!(dropped.len(), 4, "{dropped:?}");
    assert_eq!(dropped[0].0, "steps[4]");
    assert!(
        dropped[0]
            .1
            .contains("step 4 (`totp` \"Enter the one-time code\")")
    );
    assert_eq!(dropped[1].0, "steps[8]");
    assert!(dropped[1].1.contains("`assertText`"));
    let value: Value = serde_json::from_str(&exported.json).unwrap();
    let steps = value["steps"].as_array().unwrap();
    assert_eq!(steps.len(), j.steps.len() - 4);
    // The relative URL is resolved against baseUrl for Chrome.
    assert_eq!(steps[0]["url"], "http://127.0.0.1:8080/login");
    assert!(
        exported
            .warnings
            .iter()
            .any(|w| w.field == "tags" && w.code == "recorder.field_dropped")
    );
    assert!(
        exported
            .warnings
            .iter()
            .any(|w| w.code == "recorder.template_kept" && w.field == "steps[1]")
    );
}

fn recorder_err(text: &str) -> (String, String) {
    match from_recorder_json(text, "rec.json") {
        Err(e @ (JourneyError::Recorder { .. } | JourneyError::Syntax { .. })) => {
            (e.code().to_string(), e.to_string())
        }
        other => panic!("expected a Recorder/syntax error, got {other:?}"),
    }
}

#[test]
fn malformed_recordings_are_rejected_whole_with_the_step_named() {
    assert_eq!(recorder_err("{").0, "journey.syntax");
    assert_eq!(
        recorder_err("[1, 2]").1,
        "rec.json: a recording is a JSON object"
    );
    assert_eq!(
        recorder_err(r#"{"steps": []}"#).1,
        "rec.json: title: missing; the Recorder requires it"
    );
    let (code, msg) = recorder_err(
        r#"{"title": "t", "steps": [{"type": "navigate", "url": "https://a"}, {"type": "teleport"}]}"#,
    );
    assert_eq!(code, "journey.recorder");
    assert_eq!(
        msg,
        "rec.json: steps[1].type: `teleport` is not a Chrome Recorder step type"
    );
    let (_, msg) = recorder_err(
        r##"{"title": "t", "steps": [{"type": "click", "selectors": ["#a"], "offsetX": 1}]}"##,
    );
    assert_eq!(
        msg,
        "rec.json: steps[0].offsetY: missing or not a number; the Recorder requires it"
    );
    let (_, msg) = recorder_err(
        r##"{"title": "t", "steps": [{"type": "waitForElement", "selectors": ["#a"], "operator": "!="}]}"##,
    );
    assert!(msg.starts_with("rec.json: steps[0]"), "{msg}");
    assert!(msg.contains("!="), "{msg}");
    let (_, msg) = recorder_err(r#"{"title": "t", "steps": [{"type": "keyDown"}]}"#);
    assert!(
        msg.starts_with("rec.json: steps[0]") && msg.contains("key"),
        "{msg}"
    );
    let (_, msg) = recorder_err(r#"{"title": "t", "timeout": -5, "steps": []}"#);
    assert_eq!(
        msg,
        "rec.json: timeout: must be a whole number of milliseconds"
    );
}

#[test]
fn recording_that_breaks_journey_rules_does_not_half_import() {
    let text = r#"{"title": "t", "steps": [
        {"type": "navigate", "url": "https://a"},
        {"type": "hover", "selectors": []}
    ]}"#;
    match from_recorder_json(text, "rec.json") {
        Err(JourneyError::Invalid { errors }) => {
            assert_eq!(
                errors[0].to_string(),
                "rec.json: steps[1].selectors: must not be empty"
            );
        }
        other => panic!("expected Invalid, got {other:?}"),
    }
}

#[test]
fn garbage_never_panics() {
    let inputs = [
        "",
        "null",
        "\"x\"",
        "{\"title\": 1}",
        "{\"title\":\"t\",\"steps\":{}}",
        "{\"title\":\"t\",\"steps\":[null]}",
        "{\"title\":\"t\",\"steps\":[{\"type\":3}]}",
        "{\"title\":\"t\",\"steps\":[{\"type\":\"click\",\"selectors\":[[1]],\"offsetX\":1,\"offsetY\":1}]}",
        "{\"title\":\"t\",\"steps\":[{\"type\":\"setViewport\",\"width\":-1}]}",
        "{\"title\":\"t\",\"steps\":[{\"type\":\"scroll\",\"x\":1e999}]}",
    ];
    for input in inputs {
        assert!(from_recorder_json(input, "g.json").is_err(), "{input}");
    }
}
