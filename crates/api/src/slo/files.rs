//! SLO definitions on disk: `slos/*.yaml` in Sightline's own shape (a
//! `SloDefinition` plus an optional alert `policy`), validated, with errors
//! that name the file, the document and the field.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde_norway::Value;
use sightline_core::SloDefinition;
use sightline_slo::{AlertPolicy, SloConfig};

use crate::ApiError;

/// Files in the SLO folder that hold OpenSLO documents Sightline keeps but
/// does not evaluate; the loader skips them and `export --format openslo`
/// writes them back.
pub const KEPT_SUFFIX: &str = ".openslo.yaml";

/// One SLO and the file it came from.
pub struct LoadedSlo {
    /// The file, for error messages.
    pub file: PathBuf,
    /// The definition with its alert policy.
    pub config: SloConfig,
}

/// The `*.yaml` files of `dir`, sorted, without kept OpenSLO documents.
pub fn slo_files(dir: &Path) -> Result<Vec<PathBuf>, ApiError> {
    let entries = std::fs::read_dir(dir).map_err(|e| {
        ApiError::BadInput(format!(
            "{}: cannot read the SLO folder ({e}); create it or pass --slos DIR",
            dir.display()
        ))
    })?;
    let mut files = Vec::new();
    for entry in entries {
        let path = entry
            .map_err(|e| ApiError::BadInput(format!("{}: cannot list: {e}", dir.display())))?
            .path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if (name.ends_with(".yaml") || name.ends_with(".yml")) && !name.ends_with(KEPT_SUFFIX) {
            files.push(path);
        }
    }
    files.sort();
    Ok(files)
}

/// Parses one SLO file: a mapping, a list of mappings, or several YAML
/// documents of either. Each mapping is a `SloDefinition` plus an optional
/// `policy` (an `AlertPolicy`; the Workbook default when absent).
pub fn parse_slo_file(file: &Path, text: &str) -> Result<Vec<SloConfig>, ApiError> {
    use serde::Deserialize;
    let f = file.display();
    let mut out = Vec::new();
    for (d, de) in serde_norway::Deserializer::from_str(text).enumerate() {
        let doc = Value::deserialize(de)
            .map_err(|e| ApiError::BadInput(format!("{f}: document {d}: not YAML: {e}")))?;
        let items = match doc {
            Value::Null => continue,
            Value::Sequence(items) => items.into_iter().enumerate().collect(),
            other => vec![(0, other)],
        };
        let many = items.len() > 1;
        for (k, item) in items {
            let at = if many {
                format!("{f}: document {d}, item {k}")
            } else {
                format!("{f}: document {d}")
            };
            let Value::Mapping(mut map) = item else {
                return Err(ApiError::BadInput(format!(
                    "{at}: an SLO must be a mapping"
                )));
            };
            let policy = match map.remove("policy") {
                None => AlertPolicy::default(),
                Some(p) => typed(&at, "policy", p)?,
            };
            let definition: SloDefinition = typed(&at, "", Value::Mapping(map))?;
            out.push(SloConfig { definition, policy });
        }
    }
    Ok(out)
}

fn typed<T: serde::de::DeserializeOwned>(at: &str, prefix: &str, v: Value) -> Result<T, ApiError> {
    // Through JSON's data model: serde_norway's `Value` only reads enums
    // written as YAML tags, while the SLO shape writes them as mappings
    // (`window: { rolling: { days: 28 } }`).
    let v = serde_json::to_value(&v)
        .map_err(|e| ApiError::BadInput(format!("{at}: {prefix}: not representable: {e}")))?;
    serde_path_to_error::deserialize(v).map_err(|e| {
        let path = e.path().to_string();
        let path = match (prefix.is_empty(), path == ".") {
            (true, true) => "(root)".to_owned(),
            (true, false) => path,
            (false, true) => prefix.to_owned(),
            (false, false) => format!("{prefix}.{path}"),
        };
        ApiError::BadInput(format!("{at}: {path}: {}", e.into_inner()))
    })
}

/// Every SLO of the folder, validated; names unique across files.
pub fn load_slos(dir: &Path) -> Result<Vec<LoadedSlo>, ApiError> {
    let mut out: Vec<LoadedSlo> = Vec::new();
    for file in slo_files(dir)? {
        let text = std::fs::read_to_string(&file)
            .map_err(|e| ApiError::BadInput(format!("{}: {e}", file.display())))?;
        for config in parse_slo_file(&file, &text)? {
            config
                .validate(None)
                .map_err(|e| ApiError::BadInput(format!("{}: {e}", file.display())))?;
            if let Some(other) = out
                .iter()
                .find(|o| o.config.definition.name == config.definition.name)
            {
                return Err(ApiError::BadInput(format!(
                    "{}: {}: name: duplicate SLO name (also in {})",
                    file.display(),
                    config.definition.name,
                    other.file.display()
                )));
            }
            out.push(LoadedSlo {
                file: file.clone(),
                config,
            });
        }
    }
    Ok(out)
}

/// Journey tags from the project's `journeys/` folder, for SLO tag filters.
/// Files that do not load are skipped: they are `journey validate`'s business.
pub fn journey_tags(root: &Path) -> HashMap<String, Vec<String>> {
    let mut tags = HashMap::new();
    let mut stack = vec![root.to_owned()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "yaml" || e == "yml")
                && let Ok(loaded) = sightline_journeys::load(&path)
            {
                tags.insert(loaded.journey.name, loaded.journey.tags);
            }
        }
    }
    tags
}
