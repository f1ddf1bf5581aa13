//! Starting Chromium and keeping it warm.
//!
//! One browser process serves many runs: launching Chromium costs far more
//! than a run's isolated context, and a monitoring loop replays the same
//! journeys every minute. The process gets a fresh temporary profile, no
//! background networking, sync or component updates (they would add requests
//! a user's page did not make), and is killed when the [`WarmBrowser`] drops.

use std::path::PathBuf;
use std::time::Duration;

use chromiumoxide::browser::{Browser, BrowserConfig};
use futures::StreamExt;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::BrowserError;

/// Debian's Chromium.
pub const DEFAULT_CHROMIUM: &str = "/usr/bin/chromium";

/// How to start the browser.
#[derive(Debug, Clone)]
pub struct LaunchOptions {
    /// The Chromium executable.
    pub executable: PathBuf,
    /// Show the window (for watching a replay) instead of running headless.
    pub headed: bool,
    /// How long Chromium may take to print its DevTools address.
    pub launch_timeout: Duration,
}

impl Default for LaunchOptions {
    fn default() -> Self {
        Self {
            executable: PathBuf::from(DEFAULT_CHROMIUM),
            headed: false,
            launch_timeout: Duration::from_secs(30),
        }
    }
}

/// A running Chromium with its DevTools connection.
pub(crate) struct WarmBrowser {
    pub(crate) browser: Browser,
    handler: JoinHandle<()>,
    alive: watch::Receiver<bool>,
    // Kept for its Drop: the profile folder goes with the browser.
    _profile: tempfile::TempDir,
}

impl WarmBrowser {
    /// Launches Chromium with a fresh profile and starts the DevTools handler.
    pub(crate) async fn launch(opts: &LaunchOptions) -> Result<Self, BrowserError> {
        if !opts.executable.exists() {
            return Err(BrowserError::ChromiumMissing(opts.executable.clone()));
        }
        let profile = tempfile::Builder::new()
            .prefix("sightline-chromium-")
            .tempdir()?;
        let mut builder = BrowserConfig::builder()
            .chrome_executable(&opts.executable)
            .user_data_dir(profile.path())
            .disable_default_args()
            .no_sandbox()
            .launch_timeout(opts.launch_timeout)
            // Our own per-step timeouts are the ones that count; this only
            // bounds a command the browser never answers.
            .request_timeout(Duration::from_secs(300))
            // No viewport emulation by default: setViewport steps and the
            // journey's viewport decide.
            .viewport(None)
            .args([
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--no-default-browser-check",
                "--disable-dev-shm-usage",
                "--disable-features=Translate,MediaRouter,OptimizationHints",
                "--disable-background-timer-throttling",
                "--disable-renderer-backgrounding",
                "--password-store=basic",
                "--use-mock-keychain",
            ]);
        builder = if opts.headed {
            builder.with_head()
        } else {
            builder.new_headless_mode()
        };
        let config = builder.build().map_err(BrowserError::Launch)?;
        let (browser, mut handler) = Browser::launch(config)
            .await
            .map_err(|e| BrowserError::Launch(e.to_string()))?;
        let (alive_tx, alive) = watch::channel(true);
        let handler = tokio::spawn(async move {
            while let Some(event) = handler.next().await {
                if let Err(e) = event
                    && is_connection_lost(&e)
                {
                    tracing::debug!(error = %e, "browser connection lost");
                    break;
                }
            }
            let _ = alive_tx.send(false);
        });
        Ok(Self {
            browser,
            handler,
            alive,
            _profile: profile,
        })
    }

    /// Whether the DevTools connection is still up.
    pub(crate) fn is_alive(&mut self) -> bool {
        let process_running = self
            .browser
            .get_mut_child()
            .is_none_or(|c| matches!(c.try_wait(), Ok(None)));
        *self.alive.borrow() && process_running
    }

    /// A receiver that turns `false` when the connection is lost.
    pub(crate) fn alive_signal(&self) -> watch::Receiver<bool> {
        self.alive.clone()
    }

    /// The browser process id, when known.
    pub(crate) fn pid(&mut self) -> Option<u32> {
        self.browser
            .get_mut_child()
            .and_then(|c| c.as_mut_inner().id())
    }

    /// Closes the browser, killing it if it does not close in time.
    pub(crate) async fn shutdown(mut self) {
        let closed = tokio::time::timeout(Duration::from_secs(5), self.browser.close()).await;
        if !matches!(closed, Ok(Ok(_))) {
            let _ = self.browser.kill().await;
        }
        let _ = tokio::time::timeout(Duration::from_secs(5), self.browser.wait()).await;
        self.handler.abort();
    }
}

impl Drop for WarmBrowser {
    fn drop(&mut self) {
        self.handler.abort();
        // chromiumoxide spawns Chromium with kill_on_drop; start the kill now
        // so a crashed run never leaves a browser behind.
        if let Some(child) = self.browser.get_mut_child() {
            let _ = child.as_mut_inner().start_kill();
        }
    }
}

/// Whether a handler error means the browser is gone (as opposed to one
/// message that could not be decoded).
fn is_connection_lost(e: &chromiumoxide::error::CdpError) -> bool {
    use chromiumoxide::error::CdpError;
    matches!(
        e,
        CdpError::Ws(_) | CdpError::Io(_) | CdpError::ChannelSendError(_) | CdpError::NoResponse
    )
}
