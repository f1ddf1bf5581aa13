//! Exporting journeys as Chrome DevTools Recorder recordings.
//!
//! Every Recorder step is written with all its fields, including the ones
//! Sightline only carries (`extra`), so import → export gives back the same
//! JSON. Whatever the Recorder cannot hold gives a warning naming the step or
//! field: Sightline-only steps are dropped, as are journey fields such as
//! `tags`.

use serde_json::{Map, Value};
use sightline_core::journey::{Journey, Step};

use crate::error::Warning;
use crate::template;

/// A Recorder recording made from a journey.
#[derive(Debug, Clone, PartialEq)]
pub struct ExportedRecording {
    /// The recording, pretty-printed with two-space indents as Chrome writes it.
    pub json: String,
    /// Everything that could not be carried, one warning per step or field.
    pub warnings: Vec<Warning>,
}

/// Exports `journey` as Chrome Recorder JSON.
pub fn to_recorder_json(journey: &Journey) -> ExportedRecording {
    let (value, warnings) = to_recorder_value(journey);
    let mut json = serde_json::to_string_pretty(&value).unwrap_or_default();
    json.push('\n');
    ExportedRecording { json, warnings }
}

/// Exports `journey` as a Recorder recording value, with warnings.
pub fn to_recorder_value(journey: &Journey) -> (Value, Vec<Warning>) {
    let mut warnings = dropped_journey_fields(journey);
    let mut root = Map::new();
    // Unmodelled top-level fields first, so modelled ones win on a clash.
    for (k, v) in &journey.extra {
        root.insert(k.clone(), v.clone());
    }
    root.insert("title".into(), journey.name.clone().into());
    if let Some(ms) = journey.timeouts.step_ms {
        root.insert("timeout".into(), ms.into());
    }
    if let Some(attr) = &journey.selector_attribute {
        root.insert("selectorAttribute".into(), attr.clone().into());
    }
    let mut steps = Vec::new();
    for (i, step) in journey.steps.iter().enumerate() {
        let label = step_label(i, step);
        if !step.is_recorder_step() {
            warnings.push(Warning::new(
                "recorder.step_dropped",
                format!("steps[{i}]"),
                format!("{label} is a Sightline-only step with no Recorder equivalent; dropped"),
            ));
            continue;
        }
        let mut value = serde_json::to_value(step).unwrap_or(Value::Null);
        if let Step::Navigate(nav) = step
            && nav.url.starts_with('/')
        {
            match &journey.base_url {
                Some(base) => {
                    value["url"] = format!("{}{}", base.trim_end_matches('/'), nav.url).into();
                }
                None => warnings.push(Warning::new(
                    "recorder.relative_url",
                    format!("steps[{i}].url"),
                    format!("{label} has a relative URL and the journey has no `baseUrl`"),
                )),
            }
        }
        if let Step::Click(c) | Step::DoubleClick(c) = step
            && (c.offset_x.is_none() || c.offset_y.is_none())
        {
            warnings.push(Warning::new(
                "recorder.offset_missing",
                format!("steps[{i}]"),
                format!(
                    "{label} has no offsetX/offsetY, which the Recorder requires; add them before loading the file in Chrome"
                ),
            ));
        }
        if has_template(&value) {
            warnings.push(Warning::new(
                "recorder.template_kept",
                format!("steps[{i}]"),
                format!(
                    "{label} uses {{{{secret.…}}}} or {{{{var.…}}}}; the Recorder will replay the reference text literally"
                ),
            ));
        }
        steps.push(value);
    }
    root.insert("steps".into(), Value::Array(steps));
    (Value::Object(root), warnings)
}

/// `step 3 (`http` "Check stock")`: index, type and title when there is one.
fn step_label(i: usize, step: &Step) -> String {
    match &step.meta().title {
        Some(title) => format!("step {i} (`{}` \"{title}\")", step.type_name()),
        None => format!("step {i} (`{}`)", step.type_name()),
    }
}

fn has_template(value: &Value) -> bool {
    match value {
        Value::String(s) => !template::references(s).is_empty(),
        Value::Array(items) => items.iter().any(has_template),
        Value::Object(map) => map.values().any(has_template),
        _ => false,
    }
}

fn dropped_journey_fields(journey: &Journey) -> Vec<Warning> {
    let mut dropped = Vec::new();
    let mut drop = |field: &str, present: bool| {
        if present {
            dropped.push(Warning::new(
                "recorder.field_dropped",
                field,
                format!("journey field `{field}` has no Recorder equivalent; dropped"),
            ));
        }
    };
    drop("description", !journey.description.is_empty());
    drop("tags", !journey.tags.is_empty());
    drop("baseUrl", journey.base_url.is_some());
    drop("viewport", journey.viewport.is_some());
    drop("timeouts.runMs", journey.timeouts.run_ms.is_some());
    drop("secrets", !journey.secrets.is_empty());
    drop("variables", !journey.variables.is_empty());
    dropped
}
