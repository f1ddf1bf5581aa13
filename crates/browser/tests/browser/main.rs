//! Replays journeys in real Chromium against pages served on 127.0.0.1 by
//! the test itself. Every test skips (with a message) when
//! /usr/bin/chromium is absent, and runs one at a time: each starts its own
//! browser, and two cores do not host many at once.

mod crash;
mod har;
mod isolation;
mod pages;
mod progress;
mod recorder;
mod secrets;
mod server;
mod steps;
mod trace;

use std::path::Path;
use std::time::Duration;

use sightline_browser::{LaunchOptions, ReplayOptions, ReplayReport, Replayer};
use sightline_journeys::LoadedJourney;
use tokio::sync::{Mutex, MutexGuard};

/// One browser test at a time (two cores do not host many Chromiums).
pub static ONE_AT_A_TIME: Mutex<()> = Mutex::const_new(());

/// The launch options, or `None` (with a message) when Chromium is absent.
pub fn chromium() -> Option<LaunchOptions> {
    let opts = LaunchOptions::default();
    if Path::new(&opts.executable).exists() {
        Some(opts)
    } else {
        eprintln!(
            "skipped: {} is absent; install Debian's chromium to run browser tests",
            opts.executable.display()
        );
        None
    }
}

/// Takes the test lock and a launch config, or `None` to skip.
pub async fn setup() -> Option<(MutexGuard<'static, ()>, Replayer)> {
    let launch = chromium()?;
    let guard = ONE_AT_A_TIME.lock().await;
    Some((guard, Replayer::new(launch).unwrap()))
}

/// Parses and validates a journey written inline.
pub fn journey(yaml: &str) -> LoadedJourney {
    sightline_journeys::from_yaml_str(yaml, "test.yaml")
        .unwrap_or_else(|e| panic!("journey does not load: {e}\n{yaml}"))
}

/// Options with short default timeouts, so failures fail fast.
pub fn options() -> ReplayOptions {
    ReplayOptions {
        default_step_timeout: Duration::from_secs(5),
        default_run_timeout: Duration::from_secs(60),
        ..ReplayOptions::default()
    }
}

/// One line per step, for assertion messages.
pub fn table(r: &ReplayReport) -> String {
    let mut out = format!(
        "run {} {:?} {:?}\n",
        r.run.outcome, r.run.error_class, r.run.error_message
    );
    for s in &r.run.steps {
        out.push_str(&format!(
            "  {:>2} {:<40} {:>6}ms {} {:?} {:?}\n",
            s.index, s.name, s.duration_ms, s.outcome, s.error_class, s.error_message
        ));
    }
    out
}
