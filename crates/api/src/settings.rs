//! The Settings view: where the database and the project live, the regions
//! and runner pool of `sightline.toml`, the journeys' secrets, and the question
//! box's model ([`crate::ask_model`]).
//!
//! Saving rewrites only the keys it changes in `sightline.toml` (with
//! `toml_edit`, so comments and layout stay), and only after the edited file
//! loads as a project: a bad value is refused with the field named, and the
//! file on disk is never left half-valid.

use serde::{Deserialize, Serialize};
use sightline_store::{Store, StoreError};
use ts_rs::TS;

use crate::secrets::{SecretList, secret_list};
use crate::{ApiContext, ApiError};

/// The pool sizes the runner accepts.
pub const POOL_SIZES: std::ops::RangeInclusive<u32> = 1..=8;

/// Asks for the settings. Carries nothing yet.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SettingsRequest {}

/// Everything the Settings view shows.
#[derive(Debug, Clone, Serialize, TS)]
pub struct Settings {
    /// The database.
    pub database: DatabaseInfo,
    /// The project folder.
    pub project_dir: String,
    /// `sightline.toml`, relative to the project.
    pub project_file: String,
    /// Whether that file exists.
    pub project_file_exists: bool,
    /// Why it does not load, naming the line or field.
    pub project_problem: Option<String>,
    /// The regions runs come from, with the base URL each targets.
    pub regions: Vec<RegionSetting>,
    /// The runner's browser pool.
    pub runner: RunnerSetting,
    /// The journeys' secrets (names and whether a value is stored; never values).
    pub secrets: SecretList,
    /// The question box's optional model (`[ask]`; the key in the keyring).
    pub ask_model: crate::ask_model::AskModelSetting,
}

/// Where the database is, and what it holds.
#[derive(Debug, Clone, Serialize, TS)]
pub struct DatabaseInfo {
    /// The file.
    pub path: String,
    /// Whether it exists yet.
    pub exists: bool,
    /// Its size in bytes (without the WAL).
    pub size_bytes: u64,
    /// Its schema version.
    pub schema_version: Option<i64>,
    /// Stored runs (every attempt).
    pub runs: u64,
    /// How to use another one.
    pub how_to_change: String,
}

/// One region of `sightline.toml`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct RegionSetting {
    /// The region's name, e.g. `eu-west-1`.
    pub name: String,
    /// The base URL it targets; null to use each journey's own.
    pub base_url: Option<String>,
}

/// The runner pool.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct RunnerSetting {
    /// Browsers in the pool, as the runner will use it.
    pub pool_size: u32,
    /// Whether `sightline.toml` sets it (otherwise it is this machine's default).
    pub pool_size_set: bool,
    /// This machine's default (cores and memory).
    pub default_pool_size: u32,
    /// Retries of a failed run.
    pub retries: u32,
}

/// Changes to `sightline.toml`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SettingsSaveRequest {
    /// The pool size, 1 to 8; null to use this machine's default.
    pub pool_size: Option<u32>,
    /// The whole region list: regions not in it are removed.
    pub regions: Vec<RegionSetting>,
}

fn database_info(ctx: &ApiContext) -> Result<DatabaseInfo, ApiError> {
    let path = ctx.db_path();
    let mut info = DatabaseInfo {
        path: path.to_string_lossy().into_owned(),
        exists: path.exists(),
        size_bytes: std::fs::metadata(path).map(|m| m.len()).unwrap_or(0),
        schema_version: None,
        runs: 0,
        how_to_change: format!(
            "Start the app with {}=/path/to/file.db (the CLI takes --db too).",
            sightline_store::paths::DB_ENV
        ),
    };
    match Store::open_read_only(path) {
        Ok(store) => {
            info.schema_version = store.schema_version()?;
            info.runs =
                u64::try_from(sightline_store::queries::runs::count(store.conn())?).unwrap_or(0);
        }
        Err(StoreError::Missing { .. }) => {}
        Err(e) => return Err(e.into()),
    }
    Ok(info)
}

/// The settings as they are on disk now.
pub fn settings(ctx: &ApiContext, _req: SettingsRequest) -> Result<Settings, ApiError> {
    let default_pool = u32::try_from(sightline_runner::project::default_pool_size()).unwrap_or(1);
    let mut out = Settings {
        database: database_info(ctx)?,
        project_dir: ctx.project_dir().to_string_lossy().into_owned(),
        project_file: crate::project::relative(ctx.project_dir(), &ctx.project_file()),
        project_file_exists: ctx.project_file().exists(),
        project_problem: None,
        regions: Vec::new(),
        runner: RunnerSetting {
            pool_size: default_pool,
            pool_size_set: false,
            default_pool_size: default_pool,
            retries: 0,
        },
        secrets: secret_list(ctx, None),
        ask_model: crate::ask_model::ask_model_setting(ctx),
    };
    match crate::project::runner_project(ctx) {
        None => {}
        Some(Err(e)) => out.project_problem = Some(e.to_string()),
        Some(Ok(p)) => {
            out.regions = p
                .regions
                .into_iter()
                .map(|r| RegionSetting {
                    name: r.name,
                    base_url: r.base_url,
                })
                .collect();
            out.runner.pool_size = u32::try_from(p.runner.pool_size).unwrap_or(u32::MAX);
            out.runner.retries = p.runner.retries;
            out.runner.pool_size_set = pool_size_is_set(ctx);
        }
    }
    Ok(out)
}

fn pool_size_is_set(ctx: &ApiContext) -> bool {
    std::fs::read_to_string(ctx.project_file())
        .ok()
        .and_then(|t| t.parse::<toml_edit::DocumentMut>().ok())
        .is_some_and(|d| d.get("runner").and_then(|r| r.get("pool_size")).is_some())
}

fn check_request(req: &SettingsSaveRequest) -> Result<(), ApiError> {
    if let Some(n) = req.pool_size
        && !POOL_SIZES.contains(&n)
    {
        return Err(ApiError::BadInput(format!(
            "runner.pool_size: {n} is out of range: use {} to {} browsers",
            POOL_SIZES.start(),
            POOL_SIZES.end()
        )));
    }
    let mut seen = std::collections::BTreeSet::new();
    for (i, r) in req.regions.iter().enumerate() {
        let ok = !r.name.is_empty()
            && r.name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if !ok {
            return Err(ApiError::BadInput(format!(
                "regions[{i}].name: {:?} is not a region name: use letters, digits, - and _",
                r.name
            )));
        }
        if !seen.insert(r.name.as_str()) {
            return Err(ApiError::BadInput(format!(
                "regions[{i}].name: {:?} is listed twice",
                r.name
            )));
        }
        if let Some(u) = &r.base_url {
            let parsed = url::Url::parse(u).ok();
            if !parsed.is_some_and(|p| matches!(p.scheme(), "http" | "https")) {
                return Err(ApiError::BadInput(format!(
                    "regions[{i}].base_url: {u:?} is not an http(s) URL"
                )));
            }
        }
    }
    Ok(())
}

/// Applies `req` to `text` (a `sightline.toml`), keeping everything else.
fn edit(text: &str, req: &SettingsSaveRequest) -> Result<String, ApiError> {
    use toml_edit::{DocumentMut, Item, Table, value};
    let mut doc: DocumentMut = text
        .parse()
        .map_err(|e| ApiError::BadInput(format!("sightline.toml: {e}")))?;
    let runner = doc
        .entry("runner")
        .or_insert_with(|| Item::Table(Table::new()));
    let Some(runner) = runner.as_table_like_mut() else {
        return Err(ApiError::BadInput(
            "sightline.toml: runner: must be a table".into(),
        ));
    };
    match req.pool_size {
        Some(n) => {
            runner.insert("pool_size", value(i64::from(n)));
        }
        None => {
            runner.remove("pool_size");
        }
    }
    let regions = doc
        .entry("regions")
        .or_insert_with(|| Item::Table(Table::new()));
    let Some(regions) = regions.as_table_like_mut() else {
        return Err(ApiError::BadInput(
            "sightline.toml: regions: must be a table".into(),
        ));
    };
    let stale: Vec<String> = regions
        .iter()
        .map(|(k, _)| k.to_owned())
        .filter(|k| !req.regions.iter().any(|r| &r.name == k))
        .collect();
    for k in stale {
        regions.remove(&k);
    }
    for r in &req.regions {
        let item = regions.entry(&r.name).or_insert(Item::Table(Table::new()));
        let Some(t) = item.as_table_like_mut() else {
            return Err(ApiError::BadInput(format!(
                "sightline.toml: regions.{}: must be a table",
                r.name
            )));
        };
        match &r.base_url {
            Some(u) => {
                t.insert("base_url", value(u.as_str()));
            }
            None => {
                t.remove("base_url");
            }
        }
    }
    Ok(doc.to_string())
}

/// Writes the changes to `sightline.toml` once the result loads as a project,
/// and answers the settings as they now are.
pub fn settings_save(ctx: &ApiContext, req: SettingsSaveRequest) -> Result<Settings, ApiError> {
    check_request(&req)?;
    let file = ctx.project_file();
    let text = std::fs::read_to_string(&file).map_err(|e| {
        ApiError::BadInput(format!(
            "{}: cannot read ({e}); the runner's settings live in this file",
            file.display()
        ))
    })?;
    let edited = edit(&text, &req)?;
    // Journey paths in the file are relative to it, so it is checked as if
    // it were already in place.
    sightline_runner::Project::from_toml(&edited, &file)
        .map_err(|e| ApiError::BadInput(e.to_string()))?;
    crate::slo_editor::write_atomically(&file, edited.as_bytes())?;
    settings(ctx, SettingsRequest {})
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn editing_keeps_comments_and_other_keys() {
        let text = "# the demo\n[runner]\nretries = 1 # one retry\n\n[regions.a]\nbase_url = \"http://a\"\n\n[regions.b]\n";
        let req = SettingsSaveRequest {
            pool_size: Some(3),
            regions: vec![RegionSetting {
                name: "a".into(),
                base_url: Some("http://a2".into()),
            }],
        };
        let out = edit(text, &req).unwrap();
        assert!(out.contains("# the demo"), "{out}");
        assert!(out.contains("retries = 1 # one retry"), "{out}");
        assert!(out.contains("pool_size = 3"), "{out}");
        assert!(out.contains("base_url = \"http://a2\""), "{out}");
        assert!(!out.contains("[regions.b]"), "{out}");
    }

    #[test]
    fn bad_values_name_their_field() {
        let bad_pool = SettingsSaveRequest {
            pool_size: Some(0),
            regions: vec![],
        };
        assert!(
            check_request(&bad_pool)
                .unwrap_err()
                .to_string()
                .starts_with("runner.pool_size:")
        );
        let bad_url = SettingsSaveRequest {
            pool_size: None,
            regions: vec![RegionSetting {
                name: "x".into(),
                base_url: Some("ftp://x".into()),
            }],
        };
        assert!(
            check_request(&bad_url)
                .unwrap_err()
                .to_string()
                .starts_with("regions[0].base_url:")
        );
    }
}
