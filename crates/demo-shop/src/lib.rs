//! The demo shop: a small multi-region, multi-service web shop that Sightline
//! ships as its own target, so every feature can be shown and tested against
//! something that really breaks.
//!
//! A shop is one regional stack per region (frontend + auth, catalog, cart,
//! payment, inventory, each its own HTTP listener on loopback). The frontend
//! calls the backends over real HTTP with timeouts, so injected faults have the
//! symptoms they have in production: a slow payment service is a 504 page at
//! checkout, not a flag in a table. On top of that it has:
//! - releases: every service has a version; [`admin`] deploys new ones and
//!   emits deploy events ([`deploy`]);
//! - faults switchable at run time per service and region ([`faults`]);
//! - W3C trace context across every hop and in-memory spans ([`trace`]);
//! - OpenTelemetry SDK spans, logs and metrics over OTLP when given an
//!   endpoint ([`otel`]);
//! - scripted scenarios with ground-truth labels ([`scenario`]), so attribution
//!   can be scored against the known cause;
//! - an nginx-style access log of the frontend ([`access_log`]), for discovery.

pub mod access_log;
pub mod admin;
pub mod deploy;
pub mod error;
pub mod faults;
mod frontend;
pub mod otel;
pub mod scenario;
pub mod services;
pub mod shop;
pub mod store;
pub mod trace;

pub use error::ShopError;
pub use faults::{FaultKind, FaultSpec};
pub use otel::OtelConfig;
pub use scenario::{Clock, ScaledClock, Scenario, ScenarioLabels};
pub use shop::{ShopConfig, ShopHandle, start};

/// Wall-clock Unix milliseconds. Only request handling and deploy stamps use it;
/// scenario timing goes through a [`Clock`].
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}
