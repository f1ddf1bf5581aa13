//! The rules a journey must keep beyond its shape. Every broken rule is
//! reported, each naming the file, the step index and the field.

use std::collections::BTreeSet;

use serde_json::Value;
use sightline_core::journey::{HttpStep, Journey, Selector, SelectorKind, Step, TotpStep};

use crate::error::{Location, ValidationError};
use crate::template::{self, Reference};

/// HTTP methods an `http` step may use.
const METHODS: [&str; 7] = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];

/// Headers whose values are credentials and must come from secrets.
const CREDENTIAL_HEADERS: [&str; 5] = [
    "authorization",
    "cookie",
    "proxy-authorization",
    "x-api-key",
    "x-auth-token",
];

/// Checks `journey` read from `file`; returns every broken rule, in file order.
pub fn validate(journey: &Journey, file: &str) -> Result<(), Vec<ValidationError>> {
    let mut v = Validator {
        file,
        journey,
        errors: Vec::new(),
    };
    v.journey_fields();
    let mut vars: BTreeSet<String> = journey.variables.keys().cloned().collect();
    for (i, step) in journey.steps.iter().enumerate() {
        v.step(i, step, &vars);
        // Variables a step sets are visible from the next step on.
        match step {
            Step::SetVariable(s) => {
                vars.insert(s.name.clone());
            }
            Step::Totp(s) => vars.extend(s.variable.clone()),
            Step::Http(s) => vars.extend(s.capture.iter().map(|c| c.variable.clone())),
            _ => {}
        }
    }
    if v.errors.is_empty() {
        Ok(())
    } else {
        Err(v.errors)
    }
}

struct Validator<'a> {
    file: &'a str,
    journey: &'a Journey,
    errors: Vec<ValidationError>,
}

impl Validator<'_> {
    fn at(&self, field: impl Into<String>) -> Location {
        Location::new(self.file, field)
    }

    fn empty(&mut self, field: impl Into<String>) {
        let at = self.at(field);
        self.errors.push(ValidationError::Empty { at });
    }

    fn malformed(&mut self, field: impl Into<String>, reason: impl Into<String>) {
        let at = self.at(field);
        let reason = reason.into();
        self.errors.push(ValidationError::Malformed { at, reason });
    }

    fn out_of_range(&mut self, field: impl Into<String>, reason: impl Into<String>) {
        let at = self.at(field);
        let reason = reason.into();
        self.errors.push(ValidationError::OutOfRange { at, reason });
    }

    fn exactly_one(&mut self, field: impl Into<String>, options: &str) {
        let at = self.at(field);
        let options = options.to_string();
        self.errors
            .push(ValidationError::ExactlyOne { at, options });
    }

    fn non_empty(&mut self, field: String, value: &str) {
        if value.trim().is_empty() {
            self.empty(field);
        }
    }

    fn identifier(&mut self, field: String, name: &str) {
        if name.is_empty() {
            self.empty(field);
        } else if !template::is_identifier(name) {
            self.malformed(
                field,
                format!("`{name}` is not a name (letters, digits and _)"),
            );
        }
    }

    fn journey_fields(&mut self) {
        let j = self.journey;
        self.non_empty("name".into(), &j.name);
        for (i, tag) in j.tags.iter().enumerate() {
            self.non_empty(format!("tags[{i}]"), tag);
        }
        if let Some(base) = &j.base_url
            && !(base.starts_with("http://") || base.starts_with("https://"))
        {
            self.malformed("baseUrl", "must start with http:// or https://");
        }
        if let Some(vp) = &j.viewport {
            if vp.width == 0 {
                self.out_of_range("viewport.width", "must be at least 1");
            }
            if vp.height == 0 {
                self.out_of_range("viewport.height", "must be at least 1");
            }
        }
        if j.timeouts.run_ms == Some(0) {
            self.out_of_range("timeouts.runMs", "must be at least 1 ms");
        }
        if j.timeouts.step_ms == Some(0) {
            self.out_of_range("timeouts.stepMs", "must be at least 1 ms");
        }
        if let (Some(run), Some(step)) = (j.timeouts.run_ms, j.timeouts.step_ms)
            && step > run
        {
            self.out_of_range("timeouts.stepMs", "must not exceed timeouts.runMs");
        }
        let mut seen = BTreeSet::new();
        for (i, name) in j.secrets.iter().enumerate() {
            self.identifier(format!("secrets[{i}]"), name);
            if !seen.insert(name) {
                let at = self.at(format!("secrets[{i}]"));
                let name = name.clone();
                self.errors.push(ValidationError::Duplicate { at, name });
            }
        }
        for (name, value) in &j.variables {
            self.identifier(format!("variables.{name}"), name);
            // Variables may hold secret references, but not other variables:
            // they have no order among themselves.
            self.references(format!("variables.{name}"), value, &BTreeSet::new(), false);
        }
        if j.steps.is_empty() {
            self.empty("steps");
        }
    }

    /// Checks every `{{…}}` reference in `text`.
    fn references(&mut self, field: String, text: &str, vars: &BTreeSet<String>, allow_vars: bool) {
        for r in template::references(text) {
            let at = self.at(field.clone());
            match r {
                Reference::Secret(name) => {
                    if !self.journey.secrets.iter().any(|s| s == name) {
                        let name = name.to_string();
                        self.errors
                            .push(ValidationError::UndeclaredSecret { at, name });
                    }
                }
                Reference::Var(name) => {
                    if !allow_vars || !vars.contains(name) {
                        let name = name.to_string();
                        self.errors
                            .push(ValidationError::UnsetVariable { at, name });
                    }
                }
                Reference::Unknown { text } => {
                    let text = text.to_string();
                    let reason = "only `secret.NAME` and `var.NAME` exist".to_string();
                    self.errors
                        .push(ValidationError::BadReference { at, text, reason });
                }
            }
        }
    }

    fn selectors(&mut self, field: String, selectors: &[Selector]) {
        if selectors.is_empty() {
            self.empty(field);
            return;
        }
        for (j, selector) in selectors.iter().enumerate() {
            match selector {
                Selector::One(part) => self.selector_part(format!("{field}[{j}]"), part),
                Selector::Chain(parts) if parts.is_empty() => self.empty(format!("{field}[{j}]")),
                Selector::Chain(parts) => {
                    for (k, part) in parts.iter().enumerate() {
                        self.selector_part(format!("{field}[{j}][{k}]"), part);
                    }
                }
            }
        }
    }

    fn selector_part(&mut self, field: String, part: &str) {
        let (kind, expr) = SelectorKind::split(part);
        if expr.trim().is_empty() {
            if kind == SelectorKind::Css {
                self.empty(field);
            } else {
                self.malformed(
                    field,
                    format!("`{part}` has a prefix but no selector after it"),
                );
            }
        }
    }

    fn url(&mut self, field: String, url: &str) {
        if url.trim().is_empty() {
            self.empty(field);
            return;
        }
        let absolute = url.contains("://")
            || ["about:", "data:", "javascript:", "file:", "{{"]
                .iter()
                .any(|p| url.starts_with(p));
        if !absolute {
            if !url.starts_with('/') {
                self.malformed(field, "must be an absolute URL or a path starting with /");
            } else if self.journey.base_url.is_none() {
                self.malformed(field, "a relative URL needs `baseUrl` on the journey");
            }
        }
    }

    fn step(&mut self, i: usize, step: &Step, vars: &BTreeSet<String>) {
        let f = |name: &str| format!("steps[{i}].{name}");
        if step.meta().timeout == Some(0) {
            self.out_of_range(f("timeout"), "must be at least 1 ms");
        }
        // Selector lists that are required for the step, or present.
        if let Some(selectors) = step.selectors() {
            self.selectors(f("selectors"), selectors);
        }
        match step {
            Step::SetViewport(s) => {
                if s.width == 0 {
                    self.out_of_range(f("width"), "must be at least 1");
                }
                if s.height == 0 {
                    self.out_of_range(f("height"), "must be at least 1");
                }
                if s.device_scale_factor.0 <= 0.0 {
                    self.out_of_range(f("deviceScaleFactor"), "must be greater than 0");
                }
            }
            Step::Navigate(s) => self.url(f("url"), &s.url),
            Step::Change(s) => {
                let looks_secret = s.selectors.iter().flat_map(Selector::parts).any(|p| {
                    let p = p.to_ascii_lowercase();
                    p.contains("password") || p.contains("passwd")
                });
                if looks_secret && !s.value.is_empty() && !template::has_secret_reference(&s.value)
                {
                    let at = self.at(f("value"));
                    self.errors.push(ValidationError::LiteralSecret { at });
                }
            }
            Step::KeyDown(s) | Step::KeyUp(s) => self.non_empty(f("key"), &s.key),
            Step::WaitForExpression(s) => self.non_empty(f("expression"), &s.expression),
            Step::CustomStep(s) => self.non_empty(f("name"), &s.name),
            Step::EmulateNetworkConditions(s) => {
                if s.latency.0 < 0.0 {
                    self.out_of_range(f("latency"), "must not be negative");
                }
                for (name, n) in [("download", s.download), ("upload", s.upload)] {
                    if n.0 < -1.0 {
                        self.out_of_range(f(name), "must be -1 (no limit) or more");
                    }
                }
            }
            Step::AssertText(s) => self.non_empty(f("text"), &s.text),
            Step::AssertUrl(s) => self.non_empty(f("url"), &s.url),
            Step::Wait(s) => {
                if s.ms == 0 {
                    self.out_of_range(f("ms"), "must be at least 1 ms");
                }
            }
            Step::SetVariable(s) => self.identifier(f("name"), &s.name),
            Step::Totp(s) => self.totp(i, s),
            Step::Http(s) => self.http(i, s),
            Step::Click(_)
            | Step::DoubleClick(_)
            | Step::Hover(_)
            | Step::Scroll(_)
            | Step::WaitForElement(_)
            | Step::Close(_)
            | Step::AssertNoConsoleErrors(_) => {}
        }
        // References anywhere in the step's text.
        let value = serde_json::to_value(step).unwrap_or(Value::Null);
        let mut strings = Vec::new();
        collect_strings(&value, format!("steps[{i}]"), &mut strings);
        for (field, text) in strings {
            self.references(field, &text, vars, true);
        }
    }

    fn totp(&mut self, i: usize, s: &TotpStep) {
        let f = |name: &str| format!("steps[{i}].{name}");
        if s.secret.is_empty() {
            self.empty(f("secret"));
        } else if !self.journey.secrets.contains(&s.secret) {
            let at = self.at(f("secret"));
            let name = s.secret.clone();
            self.errors
                .push(ValidationError::UndeclaredSecret { at, name });
        }
        if s.selectors.is_none() && s.variable.is_none() {
            self.malformed(
                format!("steps[{i}]"),
                "give `selectors` (to type the code) or `variable` (to keep it), or both",
            );
        }
        if let Some(var) = &s.variable {
            self.identifier(f("variable"), var);
        }
        if let Some(d) = s.digits
            && !(6..=8).contains(&d)
        {
            self.out_of_range(f("digits"), "must be 6, 7 or 8");
        }
        if s.period == Some(0) {
            self.out_of_range(f("period"), "must be at least 1 second");
        }
    }

    fn http(&mut self, i: usize, s: &HttpStep) {
        let f = |name: &str| format!("steps[{i}].{name}");
        if let Some(m) = &s.method
            && !METHODS.contains(&m.as_str())
        {
            self.malformed(
                f("method"),
                format!("must be one of {}", METHODS.join(", ")),
            );
        }
        self.url(f("url"), &s.url);
        for (name, value) in &s.headers {
            if CREDENTIAL_HEADERS.contains(&name.to_ascii_lowercase().as_str())
                && !value.contains("{{")
            {
                let at = self.at(f(&format!("headers.{name}")));
                self.errors.push(ValidationError::LiteralSecret { at });
            }
        }
        if let Some(status) = s.expect.status
            && !(100..=599).contains(&status)
        {
            self.out_of_range(f("expect.status"), "must be an HTTP status (100 to 599)");
        }
        for (k, a) in s.expect.json.iter().enumerate() {
            let field = f(&format!("expect.json[{k}]"));
            self.json_locator(&field, a.pointer.as_deref(), a.path.as_deref(), None);
            if a.equals.is_none() && a.exists.is_none() && a.matches.is_none() {
                self.malformed(
                    field,
                    "give at least one of `equals`, `exists` or `matches`",
                );
            }
        }
        for (k, c) in s.capture.iter().enumerate() {
            let field = f(&format!("capture[{k}]"));
            self.identifier(format!("{field}.variable"), &c.variable);
            self.json_locator(
                &field,
                c.pointer.as_deref(),
                c.path.as_deref(),
                c.header.as_deref(),
            );
        }
    }

    /// Exactly one source; a pointer must be RFC 6901, a path must start at `$`.
    fn json_locator(
        &mut self,
        field: &str,
        pointer: Option<&str>,
        path: Option<&str>,
        header: Option<&str>,
    ) {
        let given = [pointer.is_some(), path.is_some(), header.is_some()];
        if given.iter().filter(|g| **g).count() != 1 {
            let options = if field.contains("capture") {
                "`pointer`, `path` or `header`"
            } else {
                "`pointer` or `path`"
            };
            self.exactly_one(field, options);
        }
        if let Some(p) = pointer
            && !valid_pointer(p)
        {
            self.malformed(
                format!("{field}.pointer"),
                "must be a JSON Pointer: empty, or `/` followed by segments (`~0`, `~1` escapes)",
            );
        }
        if let Some(p) = path
            && !p.starts_with('$')
        {
            self.malformed(format!("{field}.path"), "a JSONPath must start with `$`");
        }
        if let Some(h) = header {
            self.non_empty(format!("{field}.header"), h);
        }
    }
}

/// RFC 6901: empty, or segments after `/` where `~` is only `~0` or `~1`.
fn valid_pointer(p: &str) -> bool {
    if p.is_empty() {
        return true;
    }
    if !p.starts_with('/') {
        return false;
    }
    let bytes = p.as_bytes();
    bytes
        .iter()
        .enumerate()
        .all(|(i, b)| *b != b'~' || matches!(bytes.get(i + 1), Some(b'0' | b'1')))
}

/// Every string value under `value`, with its field path.
fn collect_strings(value: &Value, path: String, out: &mut Vec<(String, String)>) {
    match value {
        Value::String(s) => out.push((path, s.clone())),
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                collect_strings(item, format!("{path}[{i}]"), out);
            }
        }
        Value::Object(map) => {
            for (k, v) in map {
                collect_strings(v, format!("{path}.{k}"), out);
            }
        }
        Value::Null | Value::Bool(_) | Value::Number(_) => {}
    }
}
