//! Journey secrets (`{{secret.NAME}}`) kept in the OS keyring: the Secret
//! Service on Linux, the Keychain on macOS, the Credential Manager on Windows.
//!
//! Values go in and never come back out through the API: the Settings view
//! sees each secret's name, which journeys use it and whether a value is
//! stored, nothing more. Only a replay reads values, to hand them to the
//! browser, which redacts them from everything it stores. Nothing here logs
//! or formats a value into an error.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::{ApiContext, ApiError};

/// The keyring service name Sightline's entries are filed under.
pub const KEYRING_SERVICE: &str = "dev.sightline.app";

/// Where secret values are kept.
pub trait SecretStore: Send + Sync {
    /// A name for the backend, shown in Settings (e.g. `OS keyring`).
    fn backend(&self) -> &'static str;
    /// The value of `name`, `None` when none is stored.
    fn get(&self, name: &str) -> Result<Option<String>, ApiError>;
    /// Stores `value` under `name`, replacing any earlier value.
    fn set(&self, name: &str, value: &str) -> Result<(), ApiError>;
    /// Forgets `name`; forgetting a name never stored is not an error.
    fn delete(&self, name: &str) -> Result<(), ApiError>;
}

/// The OS keyring, through the `keyring` crate.
#[derive(Debug, Clone)]
pub struct OsKeyring {
    service: String,
}

impl Default for OsKeyring {
    fn default() -> Self {
        Self {
            service: KEYRING_SERVICE.to_owned(),
        }
    }
}

impl OsKeyring {
    /// A keyring filing entries under `service` (tests use their own).
    pub fn with_service(service: impl Into<String>) -> Self {
        Self {
            service: service.into(),
        }
    }

    fn entry(&self, name: &str) -> Result<keyring::Entry, ApiError> {
        keyring::Entry::new(&self.service, name).map_err(keyring_error)
    }
}

/// The keyring's error in words, with what to do about it. `keyring` errors
/// carry no secret values.
fn keyring_error(e: keyring::Error) -> ApiError {
    let hint = match &e {
        keyring::Error::PlatformFailure(_) | keyring::Error::NoStorageAccess(_) => {
            " (on Linux this needs a running Secret Service, such as GNOME Keyring or KWallet, \
             on the session bus; until then journeys read SIGHTLINE_SECRET_<NAME> from the \
             environment)"
        }
        _ => "",
    };
    ApiError::Keyring(format!("the OS keyring is not available: {e}{hint}"))
}

impl SecretStore for OsKeyring {
    fn backend(&self) -> &'static str {
        "OS keyring"
    }

    fn get(&self, name: &str) -> Result<Option<String>, ApiError> {
        match self.entry(name)?.get_password() {
            Ok(v) => Ok(Some(v)),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(keyring_error(e)),
        }
    }

    fn set(&self, name: &str, value: &str) -> Result<(), ApiError> {
        self.entry(name)?.set_password(value).map_err(keyring_error)
    }

    fn delete(&self, name: &str) -> Result<(), ApiError> {
        match self.entry(name)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(keyring_error(e)),
        }
    }
}

/// Every secret the project's journeys name, and what the keyring holds.
#[derive(Debug, Clone, Serialize, TS)]
pub struct SecretList {
    /// Where values are kept, e.g. `OS keyring`.
    pub backend: String,
    /// Whether the keyring answered.
    pub available: bool,
    /// Why it did not, with what to do.
    pub problem: Option<String>,
    /// One entry per secret name, sorted.
    pub secrets: Vec<SecretStatus>,
}

/// One secret, without its value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct SecretStatus {
    /// Its name, as journeys write it (`{{secret.NAME}}`).
    pub name: String,
    /// The journeys that declare it.
    pub used_by: Vec<String>,
    /// Whether the keyring holds a value; null when the keyring did not answer.
    pub stored: Option<bool>,
    /// Whether `SIGHTLINE_SECRET_<NAME>` is set in the app's environment
    /// (the fallback a replay uses).
    pub in_environment: bool,
}

/// Stores a secret's value.
#[derive(Clone, Default, PartialEq, Eq, Deserialize, TS)]
pub struct SecretSetRequest {
    /// The secret's name: letters, digits and `_`, starting with a letter or `_`.
    pub name: String,
    /// The value. It is written to the keyring and never sent back.
    pub value: String,
}

// Hand-written so a value can never reach a log through `{:?}`.
impl std::fmt::Debug for SecretSetRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SecretSetRequest")
            .field("name", &self.name)
            .field("value", &"***")
            .finish()
    }
}

/// Forgets a secret's value.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, TS)]
pub struct SecretDeleteRequest {
    /// The secret's name.
    pub name: String,
}

fn check_name(name: &str) -> Result<(), ApiError> {
    if sightline_journeys::template::is_identifier(name) {
        Ok(())
    } else {
        Err(ApiError::BadInput(format!(
            "name: {name:?} is not a secret name: use letters, digits and _, starting with a \
             letter or _"
        )))
    }
}

/// The secrets the project's journeys declare, by name, with their users.
fn declared(ctx: &ApiContext) -> BTreeMap<String, Vec<String>> {
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for f in crate::project::journey_files(ctx) {
        if let Ok(j) = f.loaded {
            for s in &j.journey.secrets {
                out.entry(s.clone())
                    .or_default()
                    .push(j.journey.name.clone());
            }
        }
    }
    out
}

fn in_environment(name: &str) -> bool {
    sightline_browser::SecretSource::Env.get(name).is_some()
}

/// The secret list: declared names plus `extra` (a name just stored that no
/// journey declares yet).
pub(crate) fn secret_list(ctx: &ApiContext, extra: Option<&str>) -> SecretList {
    let mut names = declared(ctx);
    if let Some(e) = extra {
        names.entry(e.to_owned()).or_default();
    }
    let mut problem = None;
    let mut secrets = Vec::with_capacity(names.len());
    for (name, used_by) in names {
        // After the first failure, do not ask again: one message is enough,
        // and a keyring that is down would fail each call slowly.
        let stored = if problem.is_some() {
            None
        } else {
            match ctx.secrets().get(&name) {
                Ok(v) => Some(v.is_some()),
                Err(e) => {
                    problem = Some(e.to_string());
                    None
                }
            }
        };
        secrets.push(SecretStatus {
            in_environment: in_environment(&name),
            name,
            used_by,
            stored,
        });
    }
    SecretList {
        backend: ctx.secrets().backend().to_owned(),
        available: problem.is_none(),
        problem,
        secrets,
    }
}

/// Stores a secret in the keyring and answers the updated list.
pub fn secret_set(ctx: &ApiContext, req: SecretSetRequest) -> Result<SecretList, ApiError> {
    check_name(&req.name)?;
    if req.value.is_empty() {
        return Err(ApiError::BadInput(
            "value: an empty value cannot be stored; use Forget to remove a secret".into(),
        ));
    }
    ctx.secrets().set(&req.name, &req.value)?;
    Ok(secret_list(ctx, Some(&req.name)))
}

/// Forgets a secret and answers the updated list.
pub fn secret_delete(ctx: &ApiContext, req: SecretDeleteRequest) -> Result<SecretList, ApiError> {
    check_name(&req.name)?;
    ctx.secrets().delete(&req.name)?;
    Ok(secret_list(ctx, None))
}

/// The values a replay of a journey declaring `names` gets: the keyring's
/// first, then the environment's. A name with neither is left out, and the
/// browser reports it as a missing secret (a runner error, never a failure).
pub(crate) fn replay_source(ctx: &ApiContext, names: &[String]) -> sightline_browser::SecretSource {
    let mut map = BTreeMap::new();
    for name in names {
        let value = ctx
            .secrets()
            .get(name)
            .ok()
            .flatten()
            .or_else(|| sightline_browser::SecretSource::Env.get(name));
        if let Some(v) = value {
            map.insert(name.clone(), v);
        }
    }
    sightline_browser::SecretSource::Map(map)
}
