//! One run's isolated browser context and page.
//!
//! Each run gets its own `Target.createBrowserContext`: an incognito-like
//! profile with its own cookies, storage and cache, disposed when the run
//! ends. That is what keeps a logged-in session from one run out of the next.

use std::sync::{Arc, Mutex};

use chromiumoxide::Page;
use chromiumoxide::cdp::browser_protocol::browser::BrowserContextId;
use chromiumoxide::cdp::browser_protocol::emulation::SetDeviceMetricsOverrideParams;
use chromiumoxide::cdp::browser_protocol::target::{
    CreateBrowserContextParams, CreateTargetParams,
};
use chromiumoxide::error::CdpError;
use sightline_core::journey::Viewport;
use tokio::task::JoinHandle;

use crate::capture::{self, ConsoleLog};
use crate::har::{self, NetworkLog};
use crate::launch::WarmBrowser;
use crate::trace_context::{self, OwnOrigins, TraceContext};

/// The page a run drives, and what listens to it.
pub(crate) struct RunSession {
    pub(crate) page: Page,
    context_id: BrowserContextId,
    pub(crate) console: Arc<Mutex<ConsoleLog>>,
    /// Every request the page made, for the run's HAR file.
    pub(crate) network: Arc<Mutex<NetworkLog>>,
    tasks: Vec<JoinHandle<()>>,
    /// Set by a `close` step: later page steps have nothing to act on.
    pub(crate) closed: bool,
}

impl RunSession {
    /// Creates a fresh context with one blank page sized to `viewport`,
    /// starts console capture and trace-header interception for `origins`.
    pub(crate) async fn open(
        warm: &WarmBrowser,
        origins: &OwnOrigins,
        trace: &TraceContext,
        viewport: Option<&Viewport>,
    ) -> Result<Self, CdpError> {
        let context_id = warm
            .browser
            .create_browser_context(CreateBrowserContextParams::default())
            .await?;
        let params = CreateTargetParams::builder()
            .url("about:blank")
            .browser_context_id(context_id.clone())
            .build()
            .map_err(CdpError::ChromeMessage)?;
        let page = match warm.browser.new_page(params).await {
            Ok(page) => page,
            Err(e) => {
                let _ = warm.browser.dispose_browser_context(context_id).await;
                return Err(e);
            }
        };
        if let Some(v) = viewport {
            let metrics = SetDeviceMetricsOverrideParams::builder()
                .width(i64::from(v.width))
                .height(i64::from(v.height))
                .device_scale_factor(v.device_scale_factor.map_or(1.0, |n| n.0))
                .mobile(v.is_mobile)
                .build()
                .map_err(CdpError::ChromeMessage)?;
            page.execute(metrics).await?;
        }
        let console = Arc::new(Mutex::new(ConsoleLog::default()));
        let mut tasks = capture::listen_console(&page, console.clone()).await?;
        let network = Arc::new(Mutex::new(NetworkLog::default()));
        tasks.extend(har::listen(&page, network.clone()).await?);
        if let Some(task) =
            trace_context::intercept(&page, origins, trace.clone(), network.clone()).await?
        {
            tasks.push(task);
        }
        Ok(Self {
            page,
            context_id,
            console,
            network,
            tasks,
            closed: false,
        })
    }

    /// Disposes the context (closing its pages) and stops the listeners.
    pub(crate) async fn close(self, warm: &WarmBrowser) {
        for t in &self.tasks {
            t.abort();
        }
        let dispose = warm.browser.dispose_browser_context(self.context_id);
        if let Err(e) = tokio::time::timeout(std::time::Duration::from_secs(5), dispose).await {
            tracing::debug!(error = %e, "disposing the run's browser context timed out");
        }
    }
}
