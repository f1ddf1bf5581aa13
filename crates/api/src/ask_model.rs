//! The question box's optional model, as the app configures it: the `[ask]`
//! table of `sightline.toml` (an OpenAI-compatible base URL, the model's
//! name, a time limit) and the key in the keyring entry `ask_model_key`,
//! never in the file.
//!
//! Nothing leaves the machine unless a URL is set here (or given to
//! `sightline ask --model-url`). Saving edits only the `[ask]` keys with
//! `toml_edit`, and only once the edited file's `[ask]` is valid.

use serde::{Deserialize, Serialize};
use sightline_runner::project::AskSettings;
use ts_rs::TS;

use crate::{ApiContext, ApiError};

/// The keyring entry that holds the model endpoint's key.
pub const ASK_MODEL_KEY: &str = "ask_model_key";
/// The time limit when `[ask] timeout_s` is absent.
pub const DEFAULT_TIMEOUT_S: u64 = 30;

/// The model the question box uses, as Settings shows it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct AskModelSetting {
    /// The endpoint's base URL; null: built-in answers only, nothing leaves
    /// the machine.
    pub url: Option<String>,
    /// The model's name at that endpoint.
    pub model: Option<String>,
    /// The whole exchange's time limit, seconds.
    pub timeout_s: u64,
    /// Whether a key is stored in the keyring (never the key itself).
    pub key_stored: bool,
}

/// Sets or clears the question box's model.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct AskModelSaveRequest {
    /// The base URL; null or blank turns the model off.
    pub url: Option<String>,
    /// The model's name; required with a URL.
    pub model: Option<String>,
    /// Seconds, 1 to 600; null for the default (30).
    pub timeout_s: Option<u32>,
    /// A new key to store in the keyring; null keeps the stored one.
    pub key: Option<String>,
    /// Forget the stored key.
    pub forget_key: bool,
}

/// What the app's question box needs to call the model, key included.
#[derive(Clone, PartialEq, Eq)]
pub struct AskModel {
    /// Base URL.
    pub url: String,
    /// Model name.
    pub model: String,
    /// Time limit, seconds.
    pub timeout_s: u64,
    /// The key, if one is stored.
    pub key: Option<String>,
}

impl std::fmt::Debug for AskModel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AskModel")
            .field("url", &self.url)
            .field("model", &self.model)
            .field("timeout_s", &self.timeout_s)
            .field("key", &self.key.as_ref().map(|_| "***"))
            .finish()
    }
}

/// The `[ask]` table of the project file, if the file exists.
fn read_ask(ctx: &ApiContext) -> Result<AskSettings, ApiError> {
    let file = ctx.project_file();
    let Ok(text) = std::fs::read_to_string(&file) else {
        return Ok(AskSettings::default());
    };
    sightline_runner::project::ask_settings(&text, &file)
        .map_err(|e| ApiError::BadInput(e.to_string()))
}

/// The setting as the project file and the keyring hold it now. A project
/// file that does not parse reads as no model (Settings shows its error).
pub fn ask_model_setting(ctx: &ApiContext) -> AskModelSetting {
    let ask = read_ask(ctx).unwrap_or_default();
    AskModelSetting {
        url: ask.model_url,
        model: ask.model,
        timeout_s: ask.timeout_s.unwrap_or(DEFAULT_TIMEOUT_S),
        key_stored: stored_key(ctx).is_some(),
    }
}

fn stored_key(ctx: &ApiContext) -> Option<String> {
    ctx.secrets().get(ASK_MODEL_KEY).ok().flatten()
}

/// The model to call, or `None` when none is configured (the keyring is
/// read only when one is).
pub fn ask_model(ctx: &ApiContext) -> Option<AskModel> {
    let ask = read_ask(ctx).ok()?;
    Some(AskModel {
        url: ask.model_url?,
        model: ask.model?,
        timeout_s: ask.timeout_s.unwrap_or(DEFAULT_TIMEOUT_S),
        key: stored_key(ctx),
    })
}

fn blank_to_none(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// Writes `[ask]` and the key, and answers the settings as they now are.
pub fn ask_model_save(
    ctx: &ApiContext,
    req: AskModelSaveRequest,
) -> Result<crate::settings::Settings, ApiError> {
    let url = blank_to_none(&req.url);
    let model = blank_to_none(&req.model);
    if let Some(t) = req.timeout_s
        && !(1..=600).contains(&t)
    {
        return Err(ApiError::BadInput(format!(
            "ask.timeout_s: {t} is out of range: use 1 to 600 seconds"
        )));
    }
    let file = ctx.project_file();
    let text = std::fs::read_to_string(&file).map_err(|e| {
        ApiError::BadInput(format!(
            "{}: cannot read ({e}); the question box's model is set in this file",
            file.display()
        ))
    })?;
    let edited = edit(&text, url, model, req.timeout_s)?;
    // Only `[ask]` is checked: a project for the question box alone needs
    // no schedule.
    sightline_runner::project::ask_settings(&edited, &file)
        .map_err(|e| ApiError::BadInput(e.to_string()))?;
    if let Some(k) = blank_to_none(&req.key) {
        ctx.secrets().set(ASK_MODEL_KEY, k)?;
    } else if req.forget_key {
        ctx.secrets().delete(ASK_MODEL_KEY)?;
    }
    crate::slo_editor::write_atomically(&file, edited.as_bytes())?;
    crate::settings(ctx, crate::settings::SettingsRequest {})
}

/// `text` with its `[ask]` table set to these values (removed when `url` is
/// none), everything else kept.
fn edit(
    text: &str,
    url: Option<&str>,
    model: Option<&str>,
    timeout_s: Option<u32>,
) -> Result<String, ApiError> {
    use toml_edit::{DocumentMut, Item, Table, value};
    let mut doc: DocumentMut = text
        .parse()
        .map_err(|e| ApiError::BadInput(format!("sightline.toml: {e}")))?;
    let Some(url) = url else {
        doc.remove("ask");
        return Ok(doc.to_string());
    };
    let ask = doc
        .entry("ask")
        .or_insert_with(|| Item::Table(Table::new()));
    let Some(ask) = ask.as_table_like_mut() else {
        return Err(ApiError::BadInput(
            "sightline.toml: ask: must be a table".into(),
        ));
    };
    ask.insert("model_url", value(url));
    match model {
        Some(m) => ask.insert("model", value(m)),
        None => ask.remove("model"),
    };
    match timeout_s {
        Some(t) => ask.insert("timeout_s", value(i64::from(t))),
        None => ask.remove("timeout_s"),
    };
    Ok(doc.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn editing_sets_and_removes_only_the_ask_table() {
        let text = "# demo\n[runner]\nretries = 1 # one\n";
        let on = edit(
            text,
            Some("http://127.0.0.1:11434/v1"),
            Some("llama3.1:8b"),
            Some(20),
        )
        .unwrap();
        assert!(on.contains("retries = 1 # one"), "{on}");
        assert!(
            on.contains("model_url = \"http://127.0.0.1:11434/v1\""),
            "{on}"
        );
        assert!(on.contains("model = \"llama3.1:8b\""), "{on}");
        assert!(on.contains("timeout_s = 20"), "{on}");
        let off = edit(&on, None, None, None).unwrap();
        assert!(!off.contains("[ask]"), "{off}");
        assert!(off.contains("retries = 1 # one"), "{off}");
    }

    #[test]
    fn the_key_never_shows_in_debug_output() {
        let m = AskModel {
            url: "http://x".into(),
            model: "m".into(),
            timeout_s: 1,
            key: Some("sk-secret".into()),
        };
        assert!(!format!("{m:?}").contains("sk-secret"));
    }
}
