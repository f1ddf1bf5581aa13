//! Reading and writing journey files (YAML).

use std::path::Path;

use sightline_core::journey::Journey;

use crate::error::{JourneyError, Location, Warning};
use crate::validate::validate;
use crate::version::version;

/// A journey read from a file, validated, with its version.
#[derive(Debug, Clone, PartialEq)]
pub struct LoadedJourney {
    /// The journey.
    pub journey: Journey,
    /// Its content hash (see [`crate::version::version`]).
    pub version: String,
    /// Things worth knowing that did not stop the load (unknown fields kept).
    pub warnings: Vec<Warning>,
}

/// Parses and validates journey YAML. `file` names the source in errors.
pub fn from_yaml_str(text: &str, file: &str) -> Result<LoadedJourney, JourneyError> {
    let journey = parse_yaml(text, file)?;
    validate(&journey, file).map_err(|errors| JourneyError::Invalid { errors })?;
    let warnings = unknown_field_warnings(&journey);
    let version = version(&journey);
    Ok(LoadedJourney {
        journey,
        version,
        warnings,
    })
}

/// Parses journey YAML without validating it.
pub fn parse_yaml(text: &str, file: &str) -> Result<Journey, JourneyError> {
    let de = serde_norway::Deserializer::from_str(text);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let field = if path == "." { String::new() } else { path };
        let inner = e.into_inner().to_string();
        // serde_norway may already start its message with the same path.
        let message = inner
            .strip_prefix(&format!("{field}: "))
            .map_or(inner.clone(), str::to_string);
        JourneyError::Syntax {
            at: Location::new(file, field),
            message,
        }
    })
}

/// Reads, parses and validates the journey file at `path`.
pub fn load(path: &Path) -> Result<LoadedJourney, JourneyError> {
    let file = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|source| JourneyError::Read {
        file: file.clone(),
        source,
    })?;
    from_yaml_str(&text, &file)
}

/// The journey as YAML, fields in the order of the format, defaults left out.
pub fn to_yaml(journey: &Journey) -> Result<String, JourneyError> {
    serde_norway::to_string(journey).map_err(|e| JourneyError::Syntax {
        at: Location::new("<yaml>", ""),
        message: e.to_string(),
    })
}

/// Validates `journey` and writes it to `path` as YAML. The file is replaced
/// in one rename, so a reader never sees half a journey.
pub fn save(path: &Path, journey: &Journey) -> Result<(), JourneyError> {
    let file = path.display().to_string();
    validate(journey, &file).map_err(|errors| JourneyError::Invalid { errors })?;
    let text = to_yaml(journey)?;
    let write_err = |source| JourneyError::Write {
        file: file.clone(),
        source,
    };
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".tmp");
    std::fs::write(&tmp, text).map_err(write_err)?;
    std::fs::rename(&tmp, path).map_err(write_err)
}

/// One warning per field Sightline does not model. They are kept (so a
/// Recorder file round-trips), but in a hand-written file they are usually
/// typos.
pub fn unknown_field_warnings(journey: &Journey) -> Vec<Warning> {
    let mut warnings = Vec::new();
    for key in journey.extra.keys() {
        warnings.push(Warning::new(
            "journey.unknown_field",
            key.clone(),
            format!("unknown field `{key}` kept as is (check the spelling)"),
        ));
    }
    for (i, step) in journey.steps.iter().enumerate() {
        for key in step.extra().keys() {
            warnings.push(Warning::new(
                "journey.unknown_field",
                format!("steps[{i}].{key}"),
                format!(
                    "unknown field `{key}` on a `{}` step kept as is (check the spelling)",
                    step.type_name()
                ),
            ));
        }
    }
    warnings
}
