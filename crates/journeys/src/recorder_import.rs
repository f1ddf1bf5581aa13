//! Importing Chrome DevTools Recorder recordings (`@puppeteer/replay` JSON).
//!
//! The import is all or nothing: the whole recording is checked before a
//! journey is returned, and any problem is an error naming the step and field.
//! Recorder fields Sightline does not model are kept in the steps' `extra`
//! maps, so export gives them back.

use std::collections::BTreeMap;

use serde_json::Value;
use sightline_core::journey::{Journey, Selector, Step, Timeouts};

use crate::error::{JourneyError, Location, Warning};
use crate::template::{self, Reference};
use crate::validate::validate;

/// A journey made from a recording, with what the user should know about it.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportedJourney {
    /// The journey.
    pub journey: Journey,
    /// E.g. a password typed in clear that became a secret reference.
    pub warnings: Vec<Warning>,
}

/// Imports a Chrome Recorder recording. `file` names the source in errors.
pub fn from_recorder_json(text: &str, file: &str) -> Result<ImportedJourney, JourneyError> {
    let root: Value = serde_json::from_str(text).map_err(|e| JourneyError::Syntax {
        at: Location::new(file, ""),
        message: e.to_string(),
    })?;
    let err = |field: &str, message: &str| JourneyError::Recorder {
        at: Location::new(file, field),
        message: message.to_string(),
    };
    let Value::Object(mut root) = root else {
        return Err(err("", "a recording is a JSON object"));
    };
    let name = match root.remove("title") {
        Some(Value::String(t)) => t,
        Some(_) => return Err(err("title", "must be a string")),
        None => return Err(err("title", "missing; the Recorder requires it")),
    };
    let step_ms = match root.remove("timeout") {
        None => None,
        Some(v) => Some(
            v.as_u64()
                .ok_or_else(|| err("timeout", "must be a whole number of milliseconds"))?,
        ),
    };
    let selector_attribute = match root.remove("selectorAttribute") {
        None => None,
        Some(Value::String(s)) => Some(s),
        Some(_) => return Err(err("selectorAttribute", "must be a string")),
    };
    let raw_steps = match root.remove("steps") {
        Some(Value::Array(steps)) => steps,
        Some(_) => return Err(err("steps", "must be an array")),
        None => return Err(err("steps", "missing; the Recorder requires it")),
    };
    let mut steps = Vec::with_capacity(raw_steps.len());
    for (i, raw) in raw_steps.into_iter().enumerate() {
        steps.push(import_step(i, raw, file)?);
    }
    let mut journey = Journey {
        name,
        description: String::new(),
        tags: Vec::new(),
        base_url: None,
        viewport: None,
        timeouts: Timeouts {
            run_ms: None,
            step_ms,
        },
        secrets: Vec::new(),
        variables: BTreeMap::new(),
        selector_attribute,
        steps,
        extra: root,
    };
    let mut warnings = replace_clear_passwords(&mut journey);
    warnings.extend(declare_referenced_secrets(&mut journey));
    validate(&journey, file).map_err(|errors| JourneyError::Invalid { errors })?;
    Ok(ImportedJourney { journey, warnings })
}

fn import_step(i: usize, raw: Value, file: &str) -> Result<Step, JourneyError> {
    let err = |field: String, message: String| JourneyError::Recorder {
        at: Location::new(file, field),
        message,
    };
    let Value::Object(obj) = &raw else {
        return Err(err(format!("steps[{i}]"), "a step is a JSON object".into()));
    };
    let ty = match obj.get("type") {
        Some(Value::String(t)) => t.clone(),
        Some(_) => return Err(err(format!("steps[{i}].type"), "must be a string".into())),
        None => return Err(err(format!("steps[{i}].type"), "missing".into())),
    };
    if !Step::RECORDER_TYPES.contains(&ty.as_str()) {
        return Err(err(
            format!("steps[{i}].type"),
            format!("`{ty}` is not a Chrome Recorder step type"),
        ));
    }
    // The Recorder requires click offsets; Sightline's own files may omit them.
    if ty == "click" || ty == "doubleClick" {
        for key in ["offsetX", "offsetY"] {
            if !obj.get(key).is_some_and(Value::is_number) {
                return Err(err(
                    format!("steps[{i}].{key}"),
                    "missing or not a number; the Recorder requires it".into(),
                ));
            }
        }
    }
    serde_path_to_error::deserialize::<_, Step>(raw).map_err(|e| {
        let path = e.path().to_string();
        let field = if path == "." {
            format!("steps[{i}]")
        } else {
            format!("steps[{i}].{path}")
        };
        err(field, e.into_inner().to_string())
    })
}

/// True when a selector part points at a password input.
fn is_password_selector(selectors: &[Selector]) -> bool {
    selectors.iter().flat_map(Selector::parts).any(|p| {
        let p = p.to_ascii_lowercase();
        p.contains("password") || p.contains("passwd")
    })
}

/// Recordings of logins hold the password in clear. Secrets never land in
/// journey files, so each distinct one becomes `{{secret.password}}` (then
/// `password_2`, …) and is declared in `secrets`.
fn replace_clear_passwords(journey: &mut Journey) -> Vec<Warning> {
    let mut warnings = Vec::new();
    let mut names: Vec<(String, String)> = Vec::new();
    for (i, step) in journey.steps.iter_mut().enumerate() {
        let Step::Change(change) = step else { continue };
        if change.value.is_empty()
            || template::has_secret_reference(&change.value)
            || !is_password_selector(&change.selectors)
        {
            continue;
        }
        let name = match names.iter().find(|(v, _)| *v == change.value) {
            Some((_, n)) => n.clone(),
            None => {
                let n = if names.is_empty() {
                    "password".to_string()
                } else {
                    format!("password_{}", names.len() + 1)
                };
                names.push((change.value.clone(), n.clone()));
                if !journey.secrets.contains(&n) {
                    journey.secrets.push(n.clone());
                }
                n
            }
        };
        change.value = format!("{{{{secret.{name}}}}}");
        warnings.push(Warning::new(
            "recorder.password_replaced",
            format!("steps[{i}].value"),
            format!(
                "step {i} (`change`) typed a password in clear; it now uses {{{{secret.{name}}}}} (set SIGHTLINE_SECRET_{} before replaying)",
                name.to_ascii_uppercase()
            ),
        ));
    }
    warnings
}

/// A recording exported by Sightline carries `{{secret.NAME}}` references as
/// text; declare those secrets so the journey validates.
fn declare_referenced_secrets(journey: &mut Journey) -> Vec<Warning> {
    let mut warnings = Vec::new();
    for (i, step) in journey.steps.iter().enumerate() {
        let value = serde_json::to_value(step).unwrap_or(Value::Null);
        let mut texts = Vec::new();
        strings(&value, &mut texts);
        for text in texts {
            for r in template::references(&text) {
                if let Reference::Secret(name) = r
                    && !journey.secrets.iter().any(|s| s == name)
                {
                    journey.secrets.push(name.to_string());
                    warnings.push(Warning::new(
                        "recorder.secret_declared",
                        format!("steps[{i}]"),
                        format!("step {i} refers to secret `{name}`; declared it in `secrets`"),
                    ));
                }
            }
        }
    }
    warnings
}

fn strings(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::String(s) => out.push(s.clone()),
        Value::Array(items) => items.iter().for_each(|v| strings(v, out)),
        Value::Object(map) => map.values().for_each(|v| strings(v, out)),
        _ => {}
    }
}
