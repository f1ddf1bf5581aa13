//! The SLO engine: how reliable each journey is right now, and how fast it is
//! spending its error budget.
//!
//! Sightline treats SLOs like financial figures: always current and exactly
//! right. This crate turns journey run results ([`SliEvent`]s) and
//! [`SloDefinition`](sightline_core::SloDefinition)s into SLIs, compliance,
//! error budgets, burn rates, budget-exhaustion forecasts, per-region and
//! per-step breakdowns, and multi-window multi-burn-rate alerts. It also
//! reads and writes OpenSLO v1 and writes Sloth-style Prometheus rules.
//!
//! It is a *pure* engine: data and the evaluation time `at` are arguments. It
//! never reads the clock and does no I/O, so every number is reproducible
//! under test.
//!
//! # Data path
//! Events are held per SLO as plain sorted columns: a `BTreeMap` of
//! `(started_at_ms, run_id) -> good` for exact edges and a Fenwick tree of
//! per-minute `(valid, good)` counts for the bulk of any window
//! (see [`counts`]). Adding a late or out-of-order result is `O(log n)`;
//! counting any window from one minute to thirty days is `O(log n)` plus at
//! most two minutes of events at the edges. A Polars (columnar) backend can
//! later replace [`counts::Series`] behind the same interface for bulk
//! history; the incremental path stays as it is.

pub mod alert;
pub mod budget;
pub mod bulk;
pub mod burn_rate;
pub mod counts;
pub mod error;
pub mod event;
pub mod incremental;
pub mod openslo;
pub mod prometheus;
pub mod window;

pub use alert::{AlertEpisode, AlertPolicy, AlertRule, AlertState, AlertTransition, Severity};
pub use budget::{Budget, RegionBreakdown, SloStatus, StepBreakdown};
pub use bulk::{BulkStatus, RuleCheck};
pub use burn_rate::{BurnRate, Forecast};
pub use counts::Counts;
pub use error::SloError;
pub use event::{SliEvent, StepTiming};
pub use incremental::{ChangeEvent, ChangeKind, SloConfig, SloEngine};
pub use window::{ResolvedWindow, WindowBounds};

/// Milliseconds in one minute.
pub const MINUTE_MS: i64 = 60_000;
/// Milliseconds in one hour.
pub const HOUR_MS: i64 = 60 * MINUTE_MS;
/// Milliseconds in one (24-hour) day.
pub const DAY_MS: i64 = 24 * HOUR_MS;
