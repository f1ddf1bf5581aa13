//! `{{secret.NAME}}` and `{{var.NAME}}` substitution, and the redaction that
//! keeps secret values out of everything a run reports or stores.
//!
//! Secret values are looked up when a run starts (for the journey's declared
//! secrets) or on first use, and every value looked up is registered with the
//! run's [`Redactor`]. Every message that leaves the runner (step errors, run
//! errors, console logs stored as artifacts) passes through it.

use std::collections::BTreeMap;

use sightline_journeys::template::is_identifier;

/// Prefix of the environment variables secrets are read from.
pub const SECRET_ENV_PREFIX: &str = "SIGHTLINE_SECRET_";

/// Where secret values come from.
#[derive(Debug, Clone, Default)]
pub enum SecretSource {
    /// `SIGHTLINE_SECRET_<NAME>` environment variables (the name as written,
    /// then upper-cased).
    #[default]
    Env,
    /// A fixed map, for tests and embedding hosts.
    Map(BTreeMap<String, String>),
}

impl SecretSource {
    /// The value of secret `name`, if set.
    pub fn get(&self, name: &str) -> Option<String> {
        match self {
            SecretSource::Env => std::env::var(format!("{SECRET_ENV_PREFIX}{name}"))
                .or_else(|_| {
                    std::env::var(format!("{SECRET_ENV_PREFIX}{}", name.to_ascii_uppercase()))
                })
                .ok(),
            SecretSource::Map(map) => map.get(name).cloned(),
        }
    }
}

/// Replaces every known secret value in a text with `***`.
#[derive(Debug, Clone, Default)]
pub struct Redactor {
    // Longest first, so a secret that contains another is replaced whole.
    values: Vec<String>,
}

impl Redactor {
    /// Registers a value to hide. Empty values are ignored.
    pub fn add(&mut self, value: &str) {
        if value.is_empty() || self.values.iter().any(|v| v == value) {
            return;
        }
        self.values.push(value.to_owned());
        self.values.sort_by_key(|v| std::cmp::Reverse(v.len()));
    }

    /// `text` with every registered value replaced by `***`.
    pub fn redact(&self, text: &str) -> String {
        let mut out = text.to_owned();
        for v in &self.values {
            if out.contains(v.as_str()) {
                out = out.replace(v.as_str(), "***");
            }
        }
        out
    }
}

/// A reference that could not be resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TemplateError {
    /// `{{secret.NAME}}` with no value in the source.
    MissingSecret(String),
    /// `{{var.NAME}}` that no step or the journey has set.
    UnknownVariable(String),
}

impl std::fmt::Display for TemplateError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TemplateError::MissingSecret(n) => write!(
                f,
                "secret {n} is not set (environment variable {SECRET_ENV_PREFIX}{n})"
            ),
            TemplateError::UnknownVariable(n) => write!(f, "variable {n} is not set"),
        }
    }
}

/// The values a run substitutes into step strings.
#[derive(Debug, Default)]
pub struct Bindings {
    source: SecretSource,
    secrets: BTreeMap<String, String>,
    vars: BTreeMap<String, String>,
    redactor: Redactor,
}

impl Bindings {
    /// Bindings over `source`, starting with the journey's variables.
    pub fn new(source: SecretSource, vars: BTreeMap<String, String>) -> Self {
        Self {
            source,
            vars,
            ..Self::default()
        }
    }

    /// Looks a secret up (once) and registers its value for redaction.
    pub fn secret(&mut self, name: &str) -> Result<String, TemplateError> {
        if let Some(v) = self.secrets.get(name) {
            return Ok(v.clone());
        }
        let value = self
            .source
            .get(name)
            .ok_or_else(|| TemplateError::MissingSecret(name.to_owned()))?;
        self.redactor.add(&value);
        self.secrets.insert(name.to_owned(), value.clone());
        Ok(value)
    }

    /// Sets a variable. A value that came from a secret stays redacted,
    /// because the redactor matches values, not names.
    pub fn set_var(&mut self, name: &str, value: String) {
        self.vars.insert(name.to_owned(), value);
    }

    /// Registers a value derived from a secret (a one-time code, say) so
    /// it is redacted like the secret itself.
    pub fn redact_value(&mut self, value: &str) {
        self.redactor.add(value);
    }

    /// The run's redactor.
    pub fn redactor(&self) -> &Redactor {
        &self.redactor
    }

    /// `text` with every `{{secret.NAME}}` and `{{var.NAME}}` replaced.
    /// Anything else in braces (JavaScript, `{{env.X}}`) is left alone.
    pub fn expand(&mut self, text: &str) -> Result<String, TemplateError> {
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(start) = rest.find("{{") {
            let after = &rest[start + 2..];
            let Some(end) = after.find("}}") else { break };
            let inner = after[..end].trim();
            out.push_str(&rest[..start]);
            let whole = &rest[start..start + 2 + end + 2];
            match inner.split_once('.') {
                Some(("secret", name)) if is_identifier(name) => {
                    out.push_str(&self.secret(name)?);
                }
                Some(("var", name)) if is_identifier(name) => {
                    let v = self
                        .vars
                        .get(name)
                        .ok_or_else(|| TemplateError::UnknownVariable(name.to_owned()))?;
                    out.push_str(v);
                }
                _ => out.push_str(whole),
            }
            rest = &rest[start + whole.len()..];
        }
        out.push_str(rest);
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bindings() -> Bindings {
        let source = SecretSource::Map(BTreeMap::from([("pw".into(), "hunter2".into())]));
        Bindings::new(source, BTreeMap::from([("user".into(), "ada".into())]))
    }

    #[test]
    fn expands_secrets_and_variables_and_leaves_javascript_alone() {
        let mut b = bindings();
        assert_eq!(
            b.expand("{{var.user}}:{{ secret.pw }} () => {{ return 1 }}")
                .unwrap(),
            "ada:hunter2 () => {{ return 1 }}"
        );
        assert_eq!(b.redactor().redact("pw=hunter2!"), "pw=***!");
    }

    #[test]
    fn missing_references_are_named_not_guessed() {
        let mut b = bindings();
        assert_eq!(
            b.expand("{{secret.nope}}"),
            Err(TemplateError::MissingSecret("nope".into()))
        );
        assert_eq!(
            b.expand("{{var.nope}}"),
            Err(TemplateError::UnknownVariable("nope".into()))
        );
    }

    #[test]
    fn longer_secrets_are_redacted_whole() {
        let mut r = Redactor::default();
        r.add("abc");
        r.add("abcdef");
        assert_eq!(r.redact("xabcdefx abc"), "x***x ***");
    }
}
