//! Sightline's shared vocabulary.
//!
//! Every other crate speaks in these types: a [`Run`] of a journey with its
//! [`StepResult`]s, the [`Outcome`] that decides whether it counts against an SLO,
//! the [`SloDefinition`] that says what "reliable" means, and the telemetry
//! ([`Span`], [`LogRecord`], [`MetricPoint`]) and [`Event`]s that explain why an
//! SLO moved.
//!
//! The crate does no I/O and never reads the clock: anything that needs "now"
//! takes it as an argument, so engines built on these types are deterministic
//! under test. Timestamps are UTC integers whose field names carry their unit
//! (`started_at_ms`, `start_time_unix_nano`).

pub mod duration;
pub mod error;
pub mod event;
pub mod id;
pub mod journey;
pub mod run;
pub mod slo;
pub mod telemetry;
pub mod totp;

pub use error::CoreError;
pub use event::{DeployEvent, Event, EventKind, IncidentEvent, KubernetesEvent};
pub use id::{EventId, RunId};
pub use journey::{AssertedEvent, Journey, Num, Selector, SelectorKind, Step, StepMeta};
pub use run::{ErrorClass, Outcome, Region, Release, Run, StepResult};
pub use slo::{SliKind, SloDefinition, SloFilter, SloWindow};
pub use telemetry::{LogRecord, MetricKind, MetricPoint, Span, SpanKind, SpanStatus};
