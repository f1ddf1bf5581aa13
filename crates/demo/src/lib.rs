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
//! ([`report`]) says what happened, with the evidence.

pub mod history;
pub mod report;
pub mod slos;
pub mod timeline;
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
pub const SCENARIOS: [(&str, &str); 6] = [
    (
        "payment-bad-release-us-east-1",
        include_str!("../../../datasets/scenarios/payment-bad-release-us-east-1.yaml"),
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
