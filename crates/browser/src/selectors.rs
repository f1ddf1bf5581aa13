//! Finding elements the way the Chrome Recorder describes them.
//!
//! Selector alternatives are resolved in the page by one small injected
//! function (`selectors.js`) rather than by a DevTools round trip per part:
//! a chain that crosses a shadow root or a same-origin iframe, and the
//! `aria/`, `text/`, `xpath/` and `pierce/` forms, are each one evaluation.
//! Cross-origin frames are not reachable this way (see the crate docs).

use std::time::Duration;

use chromiumoxide::Page;
use chromiumoxide::cdp::js_protocol::runtime::EvaluateParams;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use sightline_core::ErrorClass;
use sightline_core::journey::Selector;

use crate::steps::StepFailure;

const RESOLVER: &str = include_str!("selectors.js");

/// How often waits re-check the page.
pub(crate) const POLL: Duration = Duration::from_millis(50);

/// Where a located element is, in viewport CSS pixels.
#[derive(Debug, Clone, Copy, Deserialize)]
pub(crate) struct Located {
    pub(crate) x: f64,
    pub(crate) y: f64,
    pub(crate) width: f64,
    pub(crate) height: f64,
}

#[derive(Debug, Deserialize)]
struct LocateAnswer {
    found: bool,
    #[serde(default)]
    visible: bool,
    #[serde(flatten)]
    rect: Option<Located>,
}

/// The selector alternatives as the resolver takes them: lists of parts.
pub(crate) fn parts(selectors: &[Selector]) -> Value {
    Value::Array(
        selectors
            .iter()
            .map(|s| Value::Array(s.parts().iter().map(|p| json!(p)).collect()))
            .collect(),
    )
}

/// The best selector alternative, for step names.
pub(crate) fn describe(selectors: &[Selector]) -> String {
    selectors
        .first()
        .map(|s| s.parts().join(" >> "))
        .unwrap_or_default()
}

/// Runs the resolver once with `args` and decodes its answer.
pub(crate) async fn call<T: DeserializeOwned>(page: &Page, args: Value) -> Result<T, StepFailure> {
    let expression = format!("({RESOLVER})({args})");
    let params = EvaluateParams::builder()
        .expression(expression)
        .return_by_value(true)
        .await_promise(true)
        .build()
        .map_err(|e| StepFailure::runner(e.to_string()))?;
    let result = evaluate(page, params).await?;
    result
        .into_value::<T>()
        .map_err(|e| StepFailure::runner(format!("selector resolver answered oddly: {e}")))
}

/// How long an evaluation may wait for the page's new execution context.
const CONTEXT_WAIT: std::time::Duration = std::time::Duration::from_secs(2);

/// Evaluates `params` in the page. An evaluation sent while a navigation
/// replaces the page's execution context fails with "Cannot find context
/// with specified id" before running anything, so it is sent again (every
/// [`POLL`], for up to [`CONTEXT_WAIT`]) once the new context exists, instead
/// of failing the run as a runner error.
pub(crate) async fn evaluate(
    page: &Page,
    params: EvaluateParams,
) -> Result<chromiumoxide::js::EvaluationResult, StepFailure> {
    let give_up = tokio::time::Instant::now() + CONTEXT_WAIT;
    loop {
        match page.evaluate_expression(params.clone()).await {
            Err(e)
                if e.to_string()
                    .contains("Cannot find context with specified id")
                    && tokio::time::Instant::now() < give_up =>
            {
                tokio::time::sleep(POLL).await;
            }
            other => return other.map_err(StepFailure::from_cdp),
        }
    }
}

/// Polls until an alternative matches a visible element, then scrolls it into
/// view and returns its box. Fails with `selector_not_found` at `deadline`.
pub(crate) async fn locate(
    page: &Page,
    selectors: &[Selector],
    frame: Option<&[u32]>,
    deadline: tokio::time::Instant,
) -> Result<Located, StepFailure> {
    let args = json!({ "action": "locate", "selectors": parts(selectors), "frame": frame });
    loop {
        let answer: LocateAnswer = call(page, args.clone()).await?;
        if answer.found
            && answer.visible
            && let Some(rect) = answer.rect
        {
            return Ok(rect);
        }
        if tokio::time::Instant::now() + POLL >= deadline {
            let what = if answer.found {
                "no visible element"
            } else {
                "no element"
            };
            return Err(StepFailure::new(
                ErrorClass::SelectorNotFound,
                format!("{what} matches {}", describe(selectors)),
            ));
        }
        tokio::time::sleep(POLL).await;
    }
}
