//! Sightline's own step types: assertions, waits, variables, TOTP codes and
//! HTTP calls. The Recorder has none of these, so they are dropped (with a
//! warning) when a journey is exported as a Recorder file.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{Extra, Selector, StepMeta};

/// How an expected text is compared with the actual one.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum TextMatch {
    /// The actual text contains the expected text (the default).
    #[default]
    Contains,
    /// The texts are equal after trimming surrounding whitespace.
    Equals,
    /// The expected text is a regular expression that matches the actual one.
    Regex,
}

impl TextMatch {
    /// True for the default, which is left out of files.
    pub fn is_default(&self) -> bool {
        *self == TextMatch::Contains
    }
}

/// `assertText`: an element's text (or the page's, without selectors) must
/// match.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct AssertTextStep {
    /// Common step fields.
    #[serde(flatten)]
    pub meta: StepMeta,
    /// Frame path: child-frame indexes from the main frame.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub frame: Option<Vec<u32>>,
    /// The element whose text is checked; the whole page when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub selectors: Option<Vec<Selector>>,
    /// The expected text.
    pub text: String,
    /// How to compare; `contains` when absent.
    #[serde(
        default,
        rename = "match",
        skip_serializing_if = "TextMatch::is_default"
    )]
    pub matching: TextMatch,
    /// Unmodelled fields, kept verbatim.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `assertUrl`: the page URL must match.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct AssertUrlStep {
    /// Common step fields.
    #[serde(flatten)]
    pub meta: StepMeta,
    /// The expected URL (or part of it, or a pattern, per `match`).
    pub url: String,
    /// How to compare; `contains` when absent.
    #[serde(
        default,
        rename = "match",
        skip_serializing_if = "TextMatch::is_default"
    )]
    pub matching: TextMatch,
    /// Unmodelled fields, kept verbatim.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `assertNoConsoleErrors`: fail if the page logged errors since the journey
/// began.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct AssertNoConsoleErrorsStep {
    /// Common step fields.
    #[serde(flatten)]
    pub meta: StepMeta,
    /// Regular expressions for console messages to tolerate.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ignore: Vec<String>,
    /// Unmodelled fields, kept verbatim.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `wait`: pause for a fixed time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct WaitStep {
    /// Common step fields.
    #[serde(flatten)]
    pub meta: StepMeta,
    /// How long to pause, in milliseconds.
    pub ms: u64,
    /// Unmodelled fields, kept verbatim.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `setVariable`: set a variable that later steps use as `{{var.NAME}}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct SetVariableStep {
    /// Common step fields.
    #[serde(flatten)]
    pub meta: StepMeta,
    /// The variable's name.
    pub name: String,
    /// Its value; may itself use `{{var.NAME}}` and `{{secret.NAME}}`.
    pub value: String,
    /// Unmodelled fields, kept verbatim.
    #[serde(flatten)]
    pub extra: Extra,
}

/// The HMAC hash of a TOTP code (RFC 6238).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum TotpAlgorithm {
    /// HMAC-SHA1 (the default, and what authenticator apps use).
    #[default]
    #[serde(rename = "SHA1")]
    Sha1,
    /// HMAC-SHA256.
    #[serde(rename = "SHA256")]
    Sha256,
    /// HMAC-SHA512.
    #[serde(rename = "SHA512")]
    Sha512,
}

/// `totp`: compute an RFC 6238 time-based one-time code from a secret seed
/// (base32, as in `otpauth://` URIs), then type it into an element and/or keep
/// it in a variable.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct TotpStep {
    /// Common step fields.
    #[serde(flatten)]
    pub meta: StepMeta,
    /// Name of the declared secret that holds the seed (a bare name, not a
    /// `{{secret.…}}` reference).
    pub secret: String,
    /// Frame path: child-frame indexes from the main frame.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub frame: Option<Vec<u32>>,
    /// The input to type the code into.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub selectors: Option<Vec<Selector>>,
    /// A variable to keep the code in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub variable: Option<String>,
    /// Number of digits, 6 to 8; 6 when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub digits: Option<u32>,
    /// Time step in seconds; 30 when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period: Option<u64>,
    /// HMAC hash; `SHA1` when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub algorithm: Option<TotpAlgorithm>,
    /// Unmodelled fields, kept verbatim.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `http`: an API call with checks, for API journeys.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct HttpStep {
    /// Common step fields.
    #[serde(flatten)]
    pub meta: StepMeta,
    /// HTTP method, upper case; `GET` when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    /// Absolute URL, or a path resolved against the journey's `baseUrl`.
    pub url: String,
    /// Request headers; values may use `{{secret.NAME}}` and `{{var.NAME}}`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub headers: BTreeMap<String, String>,
    /// Request body: a string is sent as is; any other JSON value is sent as
    /// JSON (with `content-type: application/json` unless a header says
    /// otherwise).
    #[serde(
        default,
        deserialize_with = "super::present",
        skip_serializing_if = "Option::is_none"
    )]
    pub body: Option<Value>,
    /// What the answer must look like.
    #[serde(default, skip_serializing_if = "HttpExpect::is_empty")]
    pub expect: HttpExpect,
    /// Values to take from the answer into variables.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub capture: Vec<HttpCapture>,
    /// Unmodelled fields, kept verbatim.
    #[serde(flatten)]
    pub extra: Extra,
}

/// Checks on an HTTP answer.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct HttpExpect {
    /// Expected status code; any 2xx when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// Checks on the JSON body.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub json: Vec<JsonAssertion>,
}

impl HttpExpect {
    /// True when nothing is checked beyond the default (any 2xx).
    pub fn is_empty(&self) -> bool {
        self.status.is_none() && self.json.is_empty()
    }
}

/// One check on a JSON body. Names its value with exactly one of `pointer`
/// (RFC 6901 JSON Pointer) or `path` (RFC 9535 JSONPath), and applies every
/// check given (`equals`, `exists`, `matches`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct JsonAssertion {
    /// JSON Pointer to the value, e.g. `/items/0/id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pointer: Option<String>,
    /// JSONPath to the value, e.g. `$.items[0].id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// The value must equal this JSON value (`null` included).
    #[serde(
        default,
        deserialize_with = "super::present",
        skip_serializing_if = "Option::is_none"
    )]
    pub equals: Option<Value>,
    /// The value must exist (true) or be absent (false).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exists: Option<bool>,
    /// The value, as text, must match this regular expression.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub matches: Option<String>,
}

/// Takes one value from an HTTP answer into a variable. Exactly one source
/// (`pointer`, `path` or `header`) must be given.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct HttpCapture {
    /// The variable to set.
    pub variable: String,
    /// JSON Pointer into the body.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pointer: Option<String>,
    /// JSONPath into the body (the first match).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// A response header, by name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub header: Option<String>,
}
