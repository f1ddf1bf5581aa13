//! Sightline's assertion steps: text, URL and a clean console. Text and URL
//! checks retry until the step's deadline, since pages render late; the
//! console check reads what was collected so far.

use regex::Regex;
use serde::Deserialize;
use serde_json::json;
use sightline_core::ErrorClass;
use sightline_core::journey::{
    AssertNoConsoleErrorsStep, AssertTextStep, AssertUrlStep, TextMatch,
};
use tokio::time::Instant;

use super::{StepCtx, StepFailure};
use crate::selectors::{self, POLL};

/// Whether `actual` satisfies `expected` under `how`.
fn matches(how: TextMatch, expected: &str, actual: &str) -> Result<bool, StepFailure> {
    Ok(match how {
        TextMatch::Contains => actual.contains(expected),
        TextMatch::Equals => actual.trim() == expected.trim(),
        TextMatch::Regex => Regex::new(expected)
            .map_err(|e| StepFailure::runner(format!("bad regular expression: {e}")))?
            .is_match(actual),
    })
}

fn how_word(how: TextMatch) -> &'static str {
    match how {
        TextMatch::Contains => "to contain",
        TextMatch::Equals => "to equal",
        TextMatch::Regex => "to match",
    }
}

/// At most `n` characters of `s`, for messages.
fn clip(s: &str, n: usize) -> String {
    let mut out: String = s.chars().take(n).collect();
    if out.len() < s.len() {
        out.push('…');
    }
    out
}

#[derive(Debug, Deserialize)]
struct TextAnswer {
    found: bool,
    #[serde(default)]
    text: String,
}

pub(super) async fn text(cx: &mut StepCtx<'_>, s: &AssertTextStep) -> Result<(), StepFailure> {
    let expected = cx.bindings.expand(&s.text)?;
    let page = cx.page()?.clone();
    let sel = s.selectors.as_deref().unwrap_or_default();
    let args = json!({ "action": "text", "selectors": selectors::parts(sel), "frame": s.frame });
    loop {
        let answer: TextAnswer = selectors::call(&page, args.clone()).await?;
        if answer.found && matches(s.matching, &expected, &answer.text)? {
            return Ok(());
        }
        if Instant::now() + POLL >= cx.deadline {
            return Err(if answer.found {
                StepFailure::new(
                    ErrorClass::AssertionFailed,
                    format!(
                        "expected text {} {:?}, found {:?}",
                        how_word(s.matching),
                        expected,
                        clip(&answer.text, 200)
                    ),
                )
            } else {
                StepFailure::new(
                    ErrorClass::SelectorNotFound,
                    format!("no element matches {}", selectors::describe(sel)),
                )
            });
        }
        tokio::time::sleep(POLL).await;
    }
}

pub(super) async fn url(cx: &mut StepCtx<'_>, s: &AssertUrlStep) -> Result<(), StepFailure> {
    // An equality check against a relative URL means the resolved one.
    let expected = match s.matching {
        TextMatch::Equals => cx.resolve_url(&s.url)?,
        _ => cx.bindings.expand(&s.url)?,
    };
    let page = cx.page()?.clone();
    loop {
        let actual: String = super::page::eval(&page, "location.href").await?;
        if matches(s.matching, &expected, &actual)? {
            return Ok(());
        }
        if Instant::now() + POLL >= cx.deadline {
            return Err(StepFailure::new(
                ErrorClass::AssertionFailed,
                format!(
                    "expected URL {} {expected:?}, page is at {actual:?}",
                    how_word(s.matching)
                ),
            ));
        }
        tokio::time::sleep(POLL).await;
    }
}

pub(super) fn no_console_errors(
    cx: &mut StepCtx<'_>,
    s: &AssertNoConsoleErrorsStep,
) -> Result<(), StepFailure> {
    let ignore: Vec<Regex> = s
        .ignore
        .iter()
        .map(|p| {
            Regex::new(p).map_err(|e| StepFailure::runner(format!("bad ignore pattern {p:?}: {e}")))
        })
        .collect::<Result<_, _>>()?;
    let session = cx
        .session
        .as_deref()
        .ok_or_else(|| StepFailure::runner("no browser page for this step"))?;
    let log = session
        .console
        .lock()
        .map_err(|_| StepFailure::runner("console log lock poisoned"))?;
    let bad: Vec<&String> = log
        .errors
        .iter()
        .chain(log.exceptions.iter())
        .filter(|m| !ignore.iter().any(|r| r.is_match(m)))
        .collect();
    match bad.first() {
        None => Ok(()),
        Some(first) => Err(StepFailure::new(
            ErrorClass::AssertionFailed,
            format!(
                "{} console error(s); first: {}",
                bad.len(),
                clip(first, 200)
            ),
        )),
    }
}
