//! Replays journeys in real Chromium, step by step, and says how each step went.
//!
//! Sightline's numbers are only as true as the replay behind them, so this crate
//! drives the same browser users run (Debian's `/usr/bin/chromium`, headless by
//! default) over the DevTools protocol with `chromiumoxide`, and turns what it
//! sees into a [`sightline_core::Run`]:
//! - one warm browser is kept across runs ([`Replayer`]); each run gets a fresh
//!   isolated browser context, so no cookie or storage leaks between runs;
//! - every step is timed and classified with a [`sightline_core::ErrorClass`];
//!   the runner's own faults (a crashed browser, a missing secret) make the run
//!   an `error`, never a `fail`, so they stay out of the SLIs;
//! - requests to the journey's own origins carry a W3C `traceparent` that
//!   continues the run's trace id, so backend spans join the run;
//! - `{{secret.NAME}}` values are substituted at the last moment and redacted
//!   as `***` from everything the run reports or stores;
//! - on failure a screenshot is kept; console errors and TTFB/FCP/LCP are
//!   captured as artifacts.
//!
//! Journeys made only of `http` steps never start a browser. [`recorder`]
//! records new journeys in a Chromium window.

mod capture;
mod context;
mod error;
mod har;
mod launch;
pub mod persist;
pub mod recorder;
mod runner;
pub mod secrets;
mod selectors;
mod steps;
pub mod trace_context;

pub use capture::PageVitals;
pub use error::BrowserError;
pub use launch::{DEFAULT_CHROMIUM, LaunchOptions};
pub use runner::{Artifact, ReplayOptions, ReplayProgress, ReplayReport, Replayer, system_now_ms};
pub use secrets::{Redactor, SecretSource};
pub use steps::name as step_name;
