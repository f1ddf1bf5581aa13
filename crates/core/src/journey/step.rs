//! The [`Step`] enum and the step types it shares with the Chrome DevTools
//! Recorder (`@puppeteer/replay`'s `Schema.ts`), field for field.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::sightline_step::{
    AssertNoConsoleErrorsStep, AssertTextStep, AssertUrlStep, HttpStep, SetVariableStep, TotpStep,
    WaitStep,
};
use super::{Extra, Num, Selector, StepMeta};

/// One thing the user (or the runner) does. The `type` field picks the kind.
///
/// The first fourteen kinds are the Recorder's; the rest are Sightline's own and
/// have no Recorder equivalent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum Step {
    /// Resize and configure the viewport.
    SetViewport(SetViewportStep),
    /// Load a URL.
    Navigate(NavigateStep),
    /// Click an element.
    Click(ClickStep),
    /// Double-click an element.
    DoubleClick(ClickStep),
    /// Move the pointer over an element.
    Hover(HoverStep),
    /// Type or select a value in a form control.
    Change(ChangeStep),
    /// Press a key.
    KeyDown(KeyStep),
    /// Release a key.
    KeyUp(KeyStep),
    /// Scroll the page or an element.
    Scroll(ScrollStep),
    /// Wait until a number of elements match (and have given attributes).
    WaitForElement(WaitForElementStep),
    /// Wait until a JavaScript expression is truthy.
    WaitForExpression(WaitForExpressionStep),
    /// Throttle the network.
    EmulateNetworkConditions(EmulateNetworkConditionsStep),
    /// Close the target page.
    Close(CloseStep),
    /// A step handled by a Recorder extension, carried as data.
    CustomStep(CustomStep),
    /// Check an element's (or the page's) text. Sightline only.
    AssertText(AssertTextStep),
    /// Check the page URL. Sightline only.
    AssertUrl(AssertUrlStep),
    /// Fail if the page logged console errors. Sightline only.
    AssertNoConsoleErrors(AssertNoConsoleErrorsStep),
    /// Pause for a fixed time. Sightline only.
    Wait(WaitStep),
    /// Set a variable for later steps. Sightline only.
    SetVariable(SetVariableStep),
    /// Generate an RFC 6238 one-time code from a secret seed. Sightline only.
    Totp(TotpStep),
    /// Call an HTTP API and check the answer. Sightline only.
    Http(HttpStep),
}

impl Step {
    /// The `type` string of this step, as written in files.
    pub fn type_name(&self) -> &'static str {
        match self {
            Step::SetViewport(_) => "setViewport",
            Step::Navigate(_) => "navigate",
            Step::Click(_) => "click",
            Step::DoubleClick(_) => "doubleClick",
            Step::Hover(_) => "hover",
            Step::Change(_) => "change",
            Step::KeyDown(_) => "keyDown",
            Step::KeyUp(_) => "keyUp",
            Step::Scroll(_) => "scroll",
            Step::WaitForElement(_) => "waitForElement",
            Step::WaitForExpression(_) => "waitForExpression",
            Step::EmulateNetworkConditions(_) => "emulateNetworkConditions",
            Step::Close(_) => "close",
            Step::CustomStep(_) => "customStep",
            Step::AssertText(_) => "assertText",
            Step::AssertUrl(_) => "assertUrl",
            Step::AssertNoConsoleErrors(_) => "assertNoConsoleErrors",
            Step::Wait(_) => "wait",
            Step::SetVariable(_) => "setVariable",
            Step::Totp(_) => "totp",
            Step::Http(_) => "http",
        }
    }

    /// The `type` strings of the Recorder's step kinds.
    pub const RECORDER_TYPES: [&'static str; 14] = [
        "setViewport",
        "navigate",
        "click",
        "doubleClick",
        "hover",
        "change",
        "keyDown",
        "keyUp",
        "scroll",
        "waitForElement",
        "waitForExpression",
        "emulateNetworkConditions",
        "close",
        "customStep",
    ];

    /// True for the kinds the Chrome Recorder also has (and can export).
    pub fn is_recorder_step(&self) -> bool {
        Self::RECORDER_TYPES.contains(&self.type_name())
    }

    /// The fields every step carries.
    pub fn meta(&self) -> &StepMeta {
        match self {
            Step::SetViewport(s) => &s.meta,
            Step::Navigate(s) => &s.meta,
            Step::Click(s) | Step::DoubleClick(s) => &s.meta,
            Step::Hover(s) => &s.meta,
            Step::Change(s) => &s.meta,
            Step::KeyDown(s) | Step::KeyUp(s) => &s.meta,
            Step::Scroll(s) => &s.meta,
            Step::WaitForElement(s) => &s.meta,
            Step::WaitForExpression(s) => &s.meta,
            Step::EmulateNetworkConditions(s) => &s.meta,
            Step::Close(s) => &s.meta,
            Step::CustomStep(s) => &s.meta,
            Step::AssertText(s) => &s.meta,
            Step::AssertUrl(s) => &s.meta,
            Step::AssertNoConsoleErrors(s) => &s.meta,
            Step::Wait(s) => &s.meta,
            Step::SetVariable(s) => &s.meta,
            Step::Totp(s) => &s.meta,
            Step::Http(s) => &s.meta,
        }
    }

    /// The fields every step carries, to change.
    pub fn meta_mut(&mut self) -> &mut StepMeta {
        match self {
            Step::SetViewport(s) => &mut s.meta,
            Step::Navigate(s) => &mut s.meta,
            Step::Click(s) | Step::DoubleClick(s) => &mut s.meta,
            Step::Hover(s) => &mut s.meta,
            Step::Change(s) => &mut s.meta,
            Step::KeyDown(s) | Step::KeyUp(s) => &mut s.meta,
            Step::Scroll(s) => &mut s.meta,
            Step::WaitForElement(s) => &mut s.meta,
            Step::WaitForExpression(s) => &mut s.meta,
            Step::EmulateNetworkConditions(s) => &mut s.meta,
            Step::Close(s) => &mut s.meta,
            Step::CustomStep(s) => &mut s.meta,
            Step::AssertText(s) => &mut s.meta,
            Step::AssertUrl(s) => &mut s.meta,
            Step::AssertNoConsoleErrors(s) => &mut s.meta,
            Step::Wait(s) => &mut s.meta,
            Step::SetVariable(s) => &mut s.meta,
            Step::Totp(s) => &mut s.meta,
            Step::Http(s) => &mut s.meta,
        }
    }

    /// Fields of this step that Sightline does not model, kept verbatim.
    pub fn extra(&self) -> &Extra {
        match self {
            Step::SetViewport(s) => &s.extra,
            Step::Navigate(s) => &s.extra,
            Step::Click(s) | Step::DoubleClick(s) => &s.extra,
            Step::Hover(s) => &s.extra,
            Step::Change(s) => &s.extra,
            Step::KeyDown(s) | Step::KeyUp(s) => &s.extra,
            Step::Scroll(s) => &s.extra,
            Step::WaitForElement(s) => &s.extra,
            Step::WaitForExpression(s) => &s.extra,
            Step::EmulateNetworkConditions(s) => &s.extra,
            Step::Close(s) => &s.extra,
            Step::CustomStep(s) => &s.extra,
            Step::AssertText(s) => &s.extra,
            Step::AssertUrl(s) => &s.extra,
            Step::AssertNoConsoleErrors(s) => &s.extra,
            Step::Wait(s) => &s.extra,
            Step::SetVariable(s) => &s.extra,
            Step::Totp(s) => &s.extra,
            Step::Http(s) => &s.extra,
        }
    }

    /// The element selectors of this step, when it acts on an element.
    pub fn selectors(&self) -> Option<&[Selector]> {
        match self {
            Step::Click(s) | Step::DoubleClick(s) => Some(&s.selectors),
            Step::Hover(s) => Some(&s.selectors),
            Step::Change(s) => Some(&s.selectors),
            Step::WaitForElement(s) => Some(&s.selectors),
            Step::Scroll(s) => s.selectors.as_deref(),
            Step::AssertText(s) => s.selectors.as_deref(),
            Step::Totp(s) => s.selectors.as_deref(),
            _ => None,
        }
    }
}

/// `setViewport`: the Recorder's viewport step.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct SetViewportStep {
    /// Common step fields.
    #[serde(flatten)]
    pub meta: StepMeta,
    /// Width in CSS pixels.
    pub width: u32,
    /// Height in CSS pixels.
    pub height: u32,
    /// Device pixel ratio.
    pub device_scale_factor: Num,
    /// Emulate a mobile device.
    pub is_mobile: bool,
    /// Emulate a touch screen.
    pub has_touch: bool,
    /// Landscape orientation.
    pub is_landscape: bool,
    /// Unmodelled fields, kept verbatim.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `navigate`: load a URL (relative URLs resolve against the journey's `baseUrl`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct NavigateStep {
    /// Common step fields.
    #[serde(flatten)]
    pub meta: StepMeta,
    /// The URL to load.
    pub url: String,
    /// Unmodelled fields, kept verbatim.
    #[serde(flatten)]
    pub extra: Extra,
}

/// The pointer device of a click.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum PointerDeviceType {
    /// A mouse (the default).
    Mouse,
    /// A pen.
    Pen,
    /// A touch screen.
    Touch,
}

/// The button of a click.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum PointerButton {
    /// Left button (the default for a mouse).
    Primary,
    /// Middle button.
    Auxiliary,
    /// Right button.
    Secondary,
    /// Browser back button.
    Back,
    /// Browser forward button.
    Forward,
}

/// `click` and `doubleClick`: the Recorder's `ClickAttributes` on an element.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ClickStep {
    /// Common step fields.
    #[serde(flatten)]
    pub meta: StepMeta,
    /// Frame path: child-frame indexes from the main frame.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub frame: Option<Vec<u32>>,
    /// Alternative selectors for the element, best first.
    pub selectors: Vec<Selector>,
    /// X offset in px from the element's content box top-left corner. The
    /// Recorder requires it; Sightline clicks the centre when it is absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offset_x: Option<Num>,
    /// Y offset in px, as `offsetX`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offset_y: Option<Num>,
    /// Mouse button; `primary` when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub button: Option<PointerButton>,
    /// Pointer type; `mouse` when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_type: Option<PointerDeviceType>,
    /// Delay in ms between press and release; 50 when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<Num>,
    /// Unmodelled fields, kept verbatim.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `hover`: move the pointer over an element.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct HoverStep {
    /// Common step fields.
    #[serde(flatten)]
    pub meta: StepMeta,
    /// Frame path: child-frame indexes from the main frame.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub frame: Option<Vec<u32>>,
    /// Alternative selectors for the element, best first.
    pub selectors: Vec<Selector>,
    /// Unmodelled fields, kept verbatim.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `change`: set a form control's value (typing into text inputs).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ChangeStep {
    /// Common step fields.
    #[serde(flatten)]
    pub meta: StepMeta,
    /// Frame path: child-frame indexes from the main frame.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub frame: Option<Vec<u32>>,
    /// Alternative selectors for the control, best first.
    pub selectors: Vec<Selector>,
    /// The value; may use `{{secret.NAME}}` and `{{var.NAME}}`.
    pub value: String,
    /// Unmodelled fields, kept verbatim.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `keyDown` and `keyUp`: press or release a key.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct KeyStep {
    /// Common step fields.
    #[serde(flatten)]
    pub meta: StepMeta,
    /// A key name as Puppeteer spells it (`Enter`, `KeyA`, `a`, `Shift`...).
    pub key: String,
    /// Unmodelled fields, kept verbatim.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `scroll`: scroll the page, or an element when `selectors` is given.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ScrollStep {
    /// Common step fields.
    #[serde(flatten)]
    pub meta: StepMeta,
    /// Frame path: child-frame indexes from the main frame.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub frame: Option<Vec<u32>>,
    /// The element to scroll; the page when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub selectors: Option<Vec<Selector>>,
    /// Absolute horizontal scroll position in px; 0 when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub x: Option<Num>,
    /// Absolute vertical scroll position in px; 0 when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub y: Option<Num>,
    /// Unmodelled fields, kept verbatim.
    #[serde(flatten)]
    pub extra: Extra,
}

/// How a `waitForElement` count compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum CountOperator {
    /// At least `count` elements.
    #[serde(rename = ">=")]
    AtLeast,
    /// Exactly `count` elements (the default).
    #[serde(rename = "==")]
    Exactly,
    /// At most `count` elements.
    #[serde(rename = "<=")]
    AtMost,
}

/// `waitForElement`: wait for the presence (or absence) of matching elements.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct WaitForElementStep {
    /// Common step fields.
    #[serde(flatten)]
    pub meta: StepMeta,
    /// Frame path: child-frame indexes from the main frame.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub frame: Option<Vec<u32>>,
    /// Alternative selectors for the elements, best first.
    pub selectors: Vec<Selector>,
    /// Comparison with `count`; `==` when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operator: Option<CountOperator>,
    /// Number of elements; 1 when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<u64>,
    /// Whether the elements must be visible (or hidden).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visible: Option<bool>,
    /// Attributes the elements must have, with their values.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attributes: Option<BTreeMap<String, String>>,
    /// DOM properties the elements must have (any JSON value, compared deeply).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub properties: Option<Map<String, Value>>,
    /// Unmodelled fields, kept verbatim.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `waitForExpression`: wait until a JavaScript expression is truthy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct WaitForExpressionStep {
    /// Common step fields.
    #[serde(flatten)]
    pub meta: StepMeta,
    /// Frame path: child-frame indexes from the main frame.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub frame: Option<Vec<u32>>,
    /// The expression, evaluated in the page.
    pub expression: String,
    /// Unmodelled fields, kept verbatim.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `emulateNetworkConditions`: throttle the network.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct EmulateNetworkConditionsStep {
    /// Common step fields.
    #[serde(flatten)]
    pub meta: StepMeta,
    /// Download throughput in bytes per second (-1: no limit).
    pub download: Num,
    /// Upload throughput in bytes per second (-1: no limit).
    pub upload: Num,
    /// Added round-trip latency in ms.
    pub latency: Num,
    /// Unmodelled fields, kept verbatim.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `close`: close the target page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct CloseStep {
    /// Common step fields.
    #[serde(flatten)]
    pub meta: StepMeta,
    /// Unmodelled fields, kept verbatim.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `customStep`: a Recorder-extension step, carried as data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct CustomStep {
    /// Common step fields.
    #[serde(flatten)]
    pub meta: StepMeta,
    /// Frame path: child-frame indexes from the main frame.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub frame: Option<Vec<u32>>,
    /// The extension's name for the step.
    pub name: String,
    /// The extension's parameters (any JSON value, `null` included).
    #[serde(
        default,
        deserialize_with = "super::present",
        skip_serializing_if = "Option::is_none"
    )]
    pub parameters: Option<Value>,
    /// Unmodelled fields, kept verbatim.
    #[serde(flatten)]
    pub extra: Extra,
}
