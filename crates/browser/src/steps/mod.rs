//! Executing one step, and what a step that did not pass reports.
//!
//! Each step kind lives with its relatives: page-level steps in [`page`],
//! element steps in [`element`], keyboard steps in [`keys`], assertions in
//! [`assert`] and API calls in [`http`]. They all get a [`StepCtx`] and return
//! `Ok(())` or a [`StepFailure`] carrying the error class.

mod assert;
mod element;
mod http;
mod keys;
mod page;

use chromiumoxide::Page;
use chromiumoxide::error::CdpError;
use sightline_core::ErrorClass;
use sightline_core::journey::{AssertedEvent, Step};
use tokio::time::Instant;

use crate::capture::PageVitals;
use crate::context::RunSession;
use crate::secrets::{Bindings, TemplateError};
use crate::trace_context::{OwnOrigins, TraceContext};

/// Why a step did not pass. The message may still hold secrets; the runner
/// redacts it before it goes anywhere.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct StepFailure {
    pub(crate) class: ErrorClass,
    pub(crate) message: String,
}

impl StepFailure {
    pub(crate) fn new(class: ErrorClass, message: impl Into<String>) -> Self {
        Self {
            class,
            message: message.into(),
        }
    }

    /// A fault of the runner (or of the journey file), not of the product.
    pub(crate) fn runner(message: impl Into<String>) -> Self {
        Self::new(ErrorClass::RunnerError, message)
    }

    /// Classifies a DevTools error. A lost connection means the browser went
    /// away under the run; the runner double-checks with the process.
    pub(crate) fn from_cdp(e: CdpError) -> Self {
        let class = match &e {
            CdpError::Ws(_)
            | CdpError::Io(_)
            | CdpError::ChannelSendError(_)
            | CdpError::NoResponse => ErrorClass::BrowserCrashed,
            CdpError::Timeout => ErrorClass::StepTimeout,
            CdpError::JavascriptException(_) => ErrorClass::JsException,
            _ => ErrorClass::RunnerError,
        };
        Self::new(class, e.to_string())
    }
}

impl From<TemplateError> for StepFailure {
    fn from(e: TemplateError) -> Self {
        StepFailure::runner(e.to_string())
    }
}

/// `totp`: an RFC 6238 code from the seed in a declared secret, typed into
/// the element and/or kept in a variable. The code is redacted like the seed.
async fn totp(
    cx: &mut StepCtx<'_>,
    s: &sightline_core::journey::TotpStep,
) -> Result<(), StepFailure> {
    let seed = cx.bindings.secret(&s.secret)?;
    let now_s = u64::try_from((cx.now_ms)() / 1000).unwrap_or(0);
    let code = sightline_core::totp::code(
        &seed,
        now_s,
        s.period.unwrap_or(30),
        s.digits.unwrap_or(6),
        s.algorithm.unwrap_or_default(),
    )
    .map_err(|e| StepFailure::runner(format!("totp {}: {e}", s.secret)))?;
    cx.bindings.redact_value(&code);
    if let Some(v) = &s.variable {
        cx.bindings.set_var(v, code.clone());
    }
    if let Some(selectors) = &s.selectors {
        let change = sightline_core::journey::ChangeStep {
            meta: s.meta.clone(),
            frame: s.frame.clone(),
            selectors: selectors.clone(),
            value: code,
            extra: Default::default(),
        };
        element::change(cx, &change).await?;
    }
    Ok(())
}

/// Everything a step may use.
pub(crate) struct StepCtx<'a> {
    pub(crate) session: Option<&'a mut RunSession>,
    pub(crate) bindings: &'a mut Bindings,
    pub(crate) base_url: Option<&'a str>,
    pub(crate) deadline: Instant,
    pub(crate) step_index: u32,
    pub(crate) http: &'a reqwest::Client,
    pub(crate) trace: &'a TraceContext,
    pub(crate) origins: &'a OwnOrigins,
    pub(crate) vitals: &'a mut Vec<PageVitals>,
    /// The run's clock (Unix ms), for time-based steps such as `totp`.
    pub(crate) now_ms: fn() -> i64,
}

impl StepCtx<'_> {
    /// The run's page, unless a `close` step closed it.
    pub(crate) fn page(&self) -> Result<&Page, StepFailure> {
        match self.session.as_deref() {
            Some(s) if !s.closed => Ok(&s.page),
            Some(_) => Err(StepFailure::runner(
                "the page was closed by an earlier close step",
            )),
            None => Err(StepFailure::runner("no browser page for this step")),
        }
    }

    /// `url` with references expanded, resolved against the base URL.
    pub(crate) fn resolve_url(&mut self, url: &str) -> Result<String, StepFailure> {
        let expanded = self.bindings.expand(url)?;
        if url::Url::parse(&expanded).is_ok() {
            return Ok(expanded);
        }
        let Some(base) = self.base_url else {
            return Err(StepFailure::runner(format!(
                "relative URL {url} but the journey has no baseUrl"
            )));
        };
        let base = url::Url::parse(base)
            .map_err(|e| StepFailure::runner(format!("baseUrl {base}: {e}")))?;
        base.join(&expanded)
            .map(String::from)
            .map_err(|e| StepFailure::runner(format!("URL {url}: {e}")))
    }

    /// Time left before the step's deadline.
    pub(crate) fn remaining(&self) -> std::time::Duration {
        self.deadline.saturating_duration_since(Instant::now())
    }
}

/// Whether a step kind drives the page (and so needs a browser).
pub(crate) fn needs_browser(step: &Step) -> bool {
    !matches!(step, Step::Http(_) | Step::Wait(_) | Step::SetVariable(_))
}

/// Whether a step's timeout should read as a navigation timeout.
pub(crate) fn waits_for_navigation(step: &Step) -> bool {
    matches!(step, Step::Navigate(_))
        || step
            .meta()
            .asserted_events
            .as_ref()
            .is_some_and(|e| !e.is_empty())
}

/// The name a step is stored under: its title, else its type and target
/// (`click [data-testid=pay]`, `navigate /cart`), at most 60 characters of
/// detail. Stored runs carry this name, so SLO step filters and the app match
/// on it.
pub fn name(step: &Step) -> String {
    if let Some(t) = &step.meta().title {
        return t.clone();
    }
    let kind = step.type_name();
    let detail = match step {
        Step::Navigate(s) => s.url.clone(),
        Step::Http(s) => format!("{} {}", s.method.as_deref().unwrap_or("GET"), s.url),
        Step::KeyDown(s) | Step::KeyUp(s) => s.key.clone(),
        Step::AssertUrl(s) => s.url.clone(),
        Step::Wait(s) => format!("{} ms", s.ms),
        Step::SetVariable(s) => s.name.clone(),
        Step::SetViewport(s) => format!("{}x{}", s.width, s.height),
        Step::WaitForExpression(s) => s.expression.clone(),
        _ => step
            .selectors()
            .map(crate::selectors::describe)
            .unwrap_or_default(),
    };
    let detail: String = detail.chars().take(60).collect();
    if detail.is_empty() {
        kind.to_owned()
    } else {
        format!("{kind} {detail}")
    }
}

/// Runs one step, then checks the events it must have caused.
pub(crate) async fn run(step: &Step, cx: &mut StepCtx<'_>) -> Result<(), StepFailure> {
    match step {
        Step::SetViewport(s) => page::set_viewport(cx, s).await?,
        Step::Navigate(s) => page::navigate(cx, s).await?,
        Step::Click(s) => element::click(cx, s, 1).await?,
        Step::DoubleClick(s) => element::click(cx, s, 2).await?,
        Step::Hover(s) => element::hover(cx, s).await?,
        Step::Change(s) => element::change(cx, s).await?,
        Step::KeyDown(s) => keys::key(cx, s, true).await?,
        Step::KeyUp(s) => keys::key(cx, s, false).await?,
        Step::Scroll(s) => element::scroll(cx, s).await?,
        Step::WaitForElement(s) => element::wait_for_element(cx, s).await?,
        Step::WaitForExpression(s) => page::wait_for_expression(cx, s).await?,
        Step::EmulateNetworkConditions(s) => page::emulate_network(cx, s).await?,
        Step::Close(_) => page::close(cx).await?,
        Step::CustomStep(s) => {
            return Err(StepFailure::runner(format!(
                "customStep {} has no handler in Sightline's runner",
                s.name
            )));
        }
        Step::AssertText(s) => assert::text(cx, s).await?,
        Step::AssertUrl(s) => assert::url(cx, s).await?,
        Step::AssertNoConsoleErrors(s) => assert::no_console_errors(cx, s)?,
        Step::Wait(s) => {
            // Longer than the step may take: the step times out, as written.
            tokio::time::sleep(std::time::Duration::from_millis(s.ms)).await;
        }
        Step::SetVariable(s) => {
            let value = cx.bindings.expand(&s.value)?;
            cx.bindings.set_var(&s.name, value);
        }
        Step::Totp(s) => totp(cx, s).await?,
        Step::Http(s) => http::run(cx, s).await?,
    }
    if let Some(events) = &step.meta().asserted_events {
        for AssertedEvent::Navigation { url, title } in events {
            page::await_navigation(cx, url.as_deref(), title.as_deref()).await?;
        }
    }
    Ok(())
}
