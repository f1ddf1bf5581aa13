//! Page-level steps: viewport, navigation, expressions, network conditions,
//! closing, and waiting for a navigation a step asserted.

use chromiumoxide::Page;
use chromiumoxide::cdp::browser_protocol::emulation::{
    SetDeviceMetricsOverrideParams, SetTouchEmulationEnabledParams,
};
#[allow(deprecated)]
use chromiumoxide::cdp::browser_protocol::network::EmulateNetworkConditionsParams;
use chromiumoxide::cdp::js_protocol::runtime::EvaluateParams;
use chromiumoxide::error::CdpError;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use sightline_core::ErrorClass;
use sightline_core::journey::{
    EmulateNetworkConditionsStep, NavigateStep, SetViewportStep, WaitForExpressionStep,
};
use tokio::time::Instant;

use super::{StepCtx, StepFailure};
use crate::capture::{PageVitals, RawVitals, VITALS_JS};
use crate::selectors::POLL;

/// Evaluates `expression` in the page (awaiting promises) and decodes it.
pub(crate) async fn eval<T: DeserializeOwned>(
    page: &Page,
    expression: impl Into<String>,
) -> Result<T, StepFailure> {
    let params = EvaluateParams::builder()
        .expression(expression)
        .return_by_value(true)
        .await_promise(true)
        .build()
        .map_err(StepFailure::runner)?;
    crate::selectors::evaluate(page, params)
        .await?
        .into_value::<T>()
        .map_err(|e| StepFailure::runner(format!("unexpected evaluation result: {e}")))
}

pub(super) async fn set_viewport(
    cx: &mut StepCtx<'_>,
    s: &SetViewportStep,
) -> Result<(), StepFailure> {
    let page = cx.page()?;
    let metrics = SetDeviceMetricsOverrideParams::builder()
        .width(i64::from(s.width))
        .height(i64::from(s.height))
        .device_scale_factor(s.device_scale_factor.0)
        .mobile(s.is_mobile)
        .build()
        .map_err(StepFailure::runner)?;
    page.execute(metrics).await.map_err(StepFailure::from_cdp)?;
    page.execute(SetTouchEmulationEnabledParams::new(s.has_touch))
        .await
        .map_err(StepFailure::from_cdp)?;
    Ok(())
}

pub(super) async fn navigate(cx: &mut StepCtx<'_>, s: &NavigateStep) -> Result<(), StepFailure> {
    let url = cx.resolve_url(&s.url)?;
    let page = cx.page()?.clone();
    if let Err(e) = page.goto(url.clone()).await {
        return Err(match e {
            // Page.navigate's errorText: net::ERR_CONNECTION_REFUSED and friends.
            CdpError::ChromeMessage(text) => {
                StepFailure::new(ErrorClass::NetworkError, format!("loading {url}: {text}"))
            }
            other => StepFailure::from_cdp(other),
        });
    }
    let budget = cx.remaining().min(std::time::Duration::from_secs(2));
    if let Ok(Ok(raw)) = tokio::time::timeout(budget, eval::<RawVitals>(&page, VITALS_JS)).await {
        let status = raw.status;
        cx.vitals.push(PageVitals {
            step_index: cx.step_index,
            url: raw.url,
            status,
            ttfb_ms: raw.ttfb,
            fcp_ms: raw.fcp,
            lcp_ms: raw.lcp,
        });
        if let Some(code) = status.filter(|c| *c >= 400) {
            return Err(StepFailure::new(
                ErrorClass::HttpStatus,
                format!("{url} answered HTTP {code}"),
            ));
        }
    }
    Ok(())
}

pub(super) async fn wait_for_expression(
    cx: &mut StepCtx<'_>,
    s: &WaitForExpressionStep,
) -> Result<(), StepFailure> {
    let expression = cx.bindings.expand(&s.expression)?;
    let frame = serde_json::to_string(s.frame.as_deref().unwrap_or_default())
        .map_err(|e| StepFailure::runner(e.to_string()))?;
    let source =
        serde_json::to_string(&expression).map_err(|e| StepFailure::runner(e.to_string()))?;
    let js = format!(
        "(async () => {{ let w = window; for (const i of {frame}) w = w.frames[i]; \
         return !!(await w.eval({source})); }})()"
    );
    let page = cx.page()?.clone();
    loop {
        if eval::<bool>(&page, js.clone()).await? {
            return Ok(());
        }
        if Instant::now() + POLL >= cx.deadline {
            return Err(StepFailure::new(
                ErrorClass::StepTimeout,
                format!("expression never became true: {}", s.expression),
            ));
        }
        tokio::time::sleep(POLL).await;
    }
}

pub(super) async fn emulate_network(
    cx: &mut StepCtx<'_>,
    s: &EmulateNetworkConditionsStep,
) -> Result<(), StepFailure> {
    // Deprecated in the protocol in favour of per-rule conditions, but still
    // served by Chromium and the exact shape of the Recorder's step.
    #[allow(deprecated)]
    let params = EmulateNetworkConditionsParams::new(false, s.latency.0, s.download.0, s.upload.0);
    cx.page()?
        .execute(params)
        .await
        .map_err(StepFailure::from_cdp)?;
    Ok(())
}

pub(super) async fn close(cx: &mut StepCtx<'_>) -> Result<(), StepFailure> {
    let page = cx.page()?.clone();
    page.close().await.map_err(StepFailure::from_cdp)?;
    if let Some(session) = cx.session.as_deref_mut() {
        session.closed = true;
    }
    Ok(())
}

#[derive(Debug, Deserialize)]
struct DocState {
    url: String,
    ready: String,
    title: String,
}

/// Waits until the page shows the asserted URL (and title) and has loaded.
pub(super) async fn await_navigation(
    cx: &mut StepCtx<'_>,
    url: Option<&str>,
    title: Option<&str>,
) -> Result<(), StepFailure> {
    let expected_url = url.map(|u| cx.resolve_url(u)).transpose()?;
    let page = cx.page()?.clone();
    loop {
        let state: Result<DocState, _> = eval(
            &page,
            "({ url: location.href, ready: document.readyState, title: document.title })",
        )
        .await;
        // Mid-navigation the context can vanish under the evaluation; retry.
        if let Ok(state) = &state {
            let url_ok = expected_url.as_deref().is_none_or(|u| state.url == u);
            let title_ok = title.is_none_or(|t| state.title == t);
            if url_ok && state.ready == "complete" && title_ok {
                return Ok(());
            }
        }
        if Instant::now() + POLL >= cx.deadline {
            return Err(match state {
                Ok(s) if expected_url.as_deref().is_some_and(|u| s.url != u) => StepFailure::new(
                    ErrorClass::NavigationTimeout,
                    format!(
                        "expected navigation to {}, page is at {}",
                        expected_url.unwrap_or_default(),
                        s.url
                    ),
                ),
                Ok(s) if s.ready != "complete" => StepFailure::new(
                    ErrorClass::NavigationTimeout,
                    format!("{} did not finish loading", s.url),
                ),
                Ok(s) => StepFailure::new(
                    ErrorClass::AssertionFailed,
                    format!(
                        "expected title {:?}, page title is {:?}",
                        title.unwrap_or_default(),
                        s.title
                    ),
                ),
                Err(e) => e,
            });
        }
        tokio::time::sleep(POLL).await;
    }
}
