//! Journeys: what a user does, step by step.
//!
//! A [`Journey`] is the unit of truth in Sightline: a reviewable file under
//! `journeys/` that the runner replays and times per step. Its steps are a
//! superset of the Chrome DevTools Recorder (`@puppeteer/replay`) user-flow
//! format: every Recorder step type keeps the Recorder's own field names, so a
//! recorded step can be pasted into a journey file unchanged and exported back
//! without loss. Sightline adds its own steps (assertions, waits, variables,
//! TOTP codes and HTTP calls) as further variants of [`Step`].
//!
//! Every key in a journey file is camelCase, like the Recorder's. Fields that
//! Sightline does not model are kept in an `extra` map on the journey and on
//! each step, so an imported recording never loses data silently.
//!
//! These are plain data types: loading, validation, versions and Recorder
//! conversion live in the `sightline-journeys` crate.

mod sightline_step;
mod step;

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

pub use sightline_step::{
    AssertNoConsoleErrorsStep, AssertTextStep, AssertUrlStep, HttpCapture, HttpExpect, HttpStep,
    JsonAssertion, SetVariableStep, TextMatch, TotpAlgorithm, TotpStep, WaitStep,
};
pub use step::{
    ChangeStep, ClickStep, CloseStep, CountOperator, CustomStep, EmulateNetworkConditionsStep,
    HoverStep, KeyStep, NavigateStep, PointerButton, PointerDeviceType, ScrollStep,
    SetViewportStep, Step, WaitForElementStep, WaitForExpressionStep,
};

/// Fields that Sightline does not model, kept verbatim so nothing is lost.
pub type Extra = Map<String, Value>;

/// A journey: one user path through a product, replayed as a unit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Journey {
    /// Short unique name, e.g. `checkout`. Runs and SLOs refer to it.
    pub name: String,
    /// What the journey proves, for a reader of the file.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// Free-form labels used to group and filter journeys.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// Origin that relative `navigate` and `http` URLs resolve against. A region
    /// or environment may override it at run time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_url: Option<String>,
    /// The browser viewport to start with.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub viewport: Option<Viewport>,
    /// Time limits for the whole run and for each step.
    #[serde(default, skip_serializing_if = "Timeouts::is_unset")]
    pub timeouts: Timeouts,
    /// Names of the secrets the journey needs. Steps use them as
    /// `{{secret.NAME}}`; values come from the environment or the OS keyring,
    /// never from the file.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub secrets: Vec<String>,
    /// Initial variables, used in steps as `{{var.NAME}}`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub variables: BTreeMap<String, String>,
    /// The Recorder's `selectorAttribute` (e.g. `data-testid`), kept for export.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub selector_attribute: Option<String>,
    /// What the user does, in order.
    pub steps: Vec<Step>,
    /// Top-level fields Sightline does not model (e.g. from a Recorder file).
    #[serde(flatten)]
    pub extra: Extra,
}

/// The browser viewport a journey starts with.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Viewport {
    /// Width in CSS pixels.
    pub width: u32,
    /// Height in CSS pixels.
    pub height: u32,
    /// Device pixel ratio; 1 when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_scale_factor: Option<Num>,
    /// Emulate a mobile device.
    #[serde(default, skip_serializing_if = "is_false")]
    pub is_mobile: bool,
    /// Emulate a touch screen.
    #[serde(default, skip_serializing_if = "is_false")]
    pub has_touch: bool,
    /// Landscape orientation.
    #[serde(default, skip_serializing_if = "is_false")]
    pub is_landscape: bool,
}

/// Time limits, in milliseconds. Absent means the runner's default.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Timeouts {
    /// Limit for the whole run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub run_ms: Option<u64>,
    /// Default limit for each step (a step's own `timeout` wins). This is the
    /// Recorder's flow-level `timeout`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub step_ms: Option<u64>,
}

impl Timeouts {
    /// True when neither limit is set (the field is then left out of files).
    pub fn is_unset(&self) -> bool {
        self.run_ms.is_none() && self.step_ms.is_none()
    }
}

/// A JavaScript number as the Recorder writes it (offsets, scroll positions,
/// throughput).
///
/// Whole numbers serialize as integers and fractions as floats, so a value read
/// from a recording is written back exactly as it was, and a journey's content
/// hash does not depend on how a number happened to be spelled.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, JsonSchema)]
#[schemars(transparent)]
pub struct Num(pub f64);

/// Largest integer an f64 holds exactly (2^53).
const MAX_EXACT_INT: f64 = 9_007_199_254_740_992.0;

impl Serialize for Num {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let v = self.0;
        if v.fract() == 0.0 && v.abs() <= MAX_EXACT_INT {
            // Exact by the check above: the cast neither truncates nor saturates.
            #[allow(clippy::cast_possible_truncation)]
            serializer.serialize_i64(v as i64)
        } else {
            serializer.serialize_f64(v)
        }
    }
}

impl<'de> Deserialize<'de> for Num {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let v = f64::deserialize(deserializer)?;
        if v.is_finite() {
            Ok(Num(v))
        } else {
            Err(serde::de::Error::custom("number must be finite"))
        }
    }
}

impl From<f64> for Num {
    fn from(v: f64) -> Self {
        Num(v)
    }
}

/// One way to find an element. A step lists several alternatives, best first,
/// and the runner tries them in order.
///
/// Each part is a CSS selector or one of the prefixed forms `aria/`, `text/`,
/// `xpath/` and `pierce/` (see [`SelectorKind`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum Selector {
    /// A selector that finds the element directly.
    One(String),
    /// A chain: each part is evaluated inside the element (or its shadow root
    /// or frame) that the previous part found; the last part is the target.
    Chain(Vec<String>),
}

impl Selector {
    /// The parts of this selector, outermost first.
    pub fn parts(&self) -> &[String] {
        match self {
            Selector::One(s) => std::slice::from_ref(s),
            Selector::Chain(parts) => parts,
        }
    }
}

/// The language a selector part is written in, taken from its prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SelectorKind {
    /// Plain CSS (no prefix).
    Css,
    /// `aria/Name[role="button"]`: accessible name and role.
    Aria,
    /// `text/Sign in`: visible text.
    Text,
    /// `xpath//html/body/div`: an XPath expression.
    XPath,
    /// `pierce/.item`: CSS that pierces shadow roots.
    Pierce,
}

impl SelectorKind {
    /// Splits a selector part into its kind and the expression after the prefix.
    pub fn split(part: &str) -> (SelectorKind, &str) {
        for (prefix, kind) in [
            ("aria/", SelectorKind::Aria),
            ("text/", SelectorKind::Text),
            ("xpath/", SelectorKind::XPath),
            ("pierce/", SelectorKind::Pierce),
        ] {
            if let Some(rest) = part.strip_prefix(prefix) {
                return (kind, rest);
            }
        }
        (SelectorKind::Css, part)
    }
}

/// An event a step must cause, checked after the step runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum AssertedEvent {
    /// The step must navigate the page.
    Navigation {
        /// Expected URL of the new document.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        url: Option<String>,
        /// Expected title of the new document.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        title: Option<String>,
    },
}

/// Fields every step may carry (the Recorder's `BaseStep` and
/// `StepWithTarget`, plus a human title).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct StepMeta {
    /// Human-readable title shown in step tables. Not a Recorder field.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Step timeout in milliseconds; overrides `timeouts.stepMs`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout: Option<u64>,
    /// Browser target (page) the step acts on; `main` when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    /// Events the step must cause, e.g. a navigation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub asserted_events: Option<Vec<AssertedEvent>>,
}

/// Serde helper: wraps any present value, `null` included, in `Some`, so a
/// field written as `null` is told apart from a missing one.
pub(crate) fn present<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Value>, D::Error> {
    Value::deserialize(d).map(Some)
}

fn is_false(b: &bool) -> bool {
    !*b
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn num_keeps_integers_integral_and_fractions_exact() {
        assert_eq!(serde_json::to_string(&Num(45.0)).unwrap(), "45");
        assert_eq!(serde_json::to_string(&Num(44.6875)).unwrap(), "44.6875");
        assert_eq!(serde_json::to_string(&Num(-3.0)).unwrap(), "-3");
        let n: Num = serde_json::from_str("1e3").unwrap();
        assert_eq!(n, Num(1000.0));
    }

    #[test]
    fn selector_kinds_come_from_prefixes() {
        assert_eq!(
            SelectorKind::split("aria/Sign in"),
            (SelectorKind::Aria, "Sign in")
        );
        assert_eq!(
            SelectorKind::split("xpath///a"),
            (SelectorKind::XPath, "//a")
        );
        assert_eq!(
            SelectorKind::split("#login > button"),
            (SelectorKind::Css, "#login > button")
        );
        let chain: Selector = serde_json::from_str(r#"["pierce/x-app", "button"]"#).unwrap();
        assert_eq!(chain.parts().len(), 2);
    }
}
