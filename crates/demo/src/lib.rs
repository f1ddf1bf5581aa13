//! The closed-loop demo behind README command 1.
//!
//! One call brings up everything Sightline is for, against the bundled demo
//! shop, on this machine: the shop in three regions, a runner per region
//! replaying the demo journeys in headless Chromium, the live SLOs, and a
//! scenario in which a bad release of payment breaks checkout in one region.
//! The history before the live part is generated from the shop's model and
//! labelled simulated ([`history`]); the live part is real runs only. The
//! demo's alert windows are the Workbook's on a compressed clock
//! ([`slos`]). A terminal view ([`view`]) follows it live; a report
//! ([`report`]) says what happened, with the evidence. Apart from the demo,
//! [`traffic`] drives the shop with simulated users for SLI discovery.

pub mod closed_loop;
pub mod history;
pub mod incident;
pub mod incident_files;
pub mod report;
pub mod slos;
pub mod timeline;
pub mod traffic;
pub mod view;

/// The demo journeys, embedded so `sightline demo` runs from any folder.
pub const JOURNEYS: [(&str, &str); 4] = [
    (
        "checkout.yaml",
        include_str!("../../../journeys/demo/checkout.yaml"),
    ),
    (
        "login.yaml",
        include_str!("../../../journeys/demo/login.yaml"),
    ),
    (
        "browse-search.yaml",
        include_str!("../../../journeys/demo/browse-search.yaml"),
    ),
    (
        "api-order-status.yaml",
        include_str!("../../../journeys/demo/api-order-status.yaml"),
    ),
];

/// The scenarios in `datasets/scenarios/`, embedded, by name.
pub const SCENARIOS: [(&str, &str); 7] = [
    (
        "payment-bad-release-us-east-1",
        include_str!("../../../datasets/scenarios/payment-bad-release-us-east-1.yaml"),
    ),
    (
        "checkout-short",
        include_str!("../../../datasets/scenarios/checkout-short.yaml"),
    ),
    (
        "healthy",
        include_str!("../../../datasets/scenarios/healthy.yaml"),
    ),
    (
        "latency",
        include_str!("../../../datasets/scenarios/latency.yaml"),
    ),
    (
        "error-rate",
        include_str!("../../../datasets/scenarios/error-rate.yaml"),
    ),
    (
        "restart-storm",
        include_str!("../../../datasets/scenarios/restart-storm.yaml"),
    ),
    (
        "red-herring",
        include_str!("../../../datasets/scenarios/red-herring.yaml"),
    ),
];

pub use closed_loop::{DemoOptions, DemoOutcome, Progress, run};

/// Why the demo could not run.
#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    /// Something it needs could not be set up (a folder, the shop, a scenario).
    #[error("{0}")]
    Setup(String),
    /// The store refused or failed.
    #[error(transparent)]
    Store(#[from] sightline_store::StoreError),
    /// The runner's project was refused.
    #[error(transparent)]
    Runner(#[from] sightline_runner::RunnerError),
    /// The SLOs could not be evaluated.
    #[error(transparent)]
    Api(#[from] sightline_api::ApiError),
}

impl DemoError {
    /// A stable code.
    pub fn code(&self) -> &'static str {
        match self {
            DemoError::Setup(_) => "demo.setup",
            DemoError::Store(e) => e.code(),
            DemoError::Runner(e) => e.code(),
            DemoError::Api(_) => "demo.slo",
        }
    }
}
