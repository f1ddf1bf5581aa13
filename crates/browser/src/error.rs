//! The crate's error type: faults of the replay machinery itself. A journey
//! that fails is not an error here; it is a [`sightline_core::Run`] with the
//! outcome `fail`.

use std::path::PathBuf;

/// Why the browser could not be started or driven.
#[derive(Debug, thiserror::Error)]
pub enum BrowserError {
    /// The Chromium executable is not where it was expected.
    #[error("chromium not found at {0}")]
    ChromiumMissing(PathBuf),
    /// Chromium started but the DevTools connection could not be set up.
    #[error("could not launch chromium: {0}")]
    Launch(String),
    /// The recorder's start page did not load (the site is down, the
    /// address is wrong); the message names the URL.
    #[error("could not open {url}: {reason}")]
    Unreachable {
        /// The page asked for.
        url: String,
        /// What Chromium said, e.g. `net::ERR_CONNECTION_REFUSED`.
        reason: String,
    },
    /// A DevTools command failed.
    #[error("devtools protocol: {0}")]
    Cdp(#[from] chromiumoxide::error::CdpError),
    /// Local I/O (temp folders, process handling).
    #[error("i/o: {0}")]
    Io(#[from] std::io::Error),
    /// Storing the run or its artifacts failed.
    #[error(transparent)]
    Store(#[from] sightline_store::StoreError),
    /// A recording did not make a valid journey.
    #[error(transparent)]
    Journey(#[from] sightline_journeys::JourneyError),
}

impl BrowserError {
    /// A stable code for this error, for UIs and scripts (never match on text).
    pub fn code(&self) -> &'static str {
        match self {
            BrowserError::ChromiumMissing(_) => "browser.chromium_missing",
            BrowserError::Launch(_) => "browser.launch",
            BrowserError::Unreachable { .. } => "browser.unreachable",
            BrowserError::Cdp(_) => "browser.cdp",
            BrowserError::Io(_) => "browser.io",
            BrowserError::Store(e) => e.code(),
            BrowserError::Journey(e) => e.code(),
        }
    }
}
