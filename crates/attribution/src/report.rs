//! The attribution report: causes ranked best first, each with its share of
//! the burn, onset, confidence, the change behind it and the evidence.
//!
//! This is a stable JSON contract (docs/attribution.md): fields are added,
//! never renamed or removed, and `version` says which shape this is.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// The report's shape version.
pub const REPORT_VERSION: u32 = 1;

/// What a report explains.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case", tag = "mode")]
pub enum Subject {
    /// A burning SLO.
    Slo {
        /// The SLO's name.
        slo: String,
        /// Its objective, e.g. 0.999.
        target: f64,
    },
    /// A window of telemetry, with no SLO.
    Telemetry {},
}

/// A time range, Unix ms, start inclusive, end exclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Window {
    /// Start, Unix ms.
    #[ts(type = "number")]
    pub from_ms: i64,
    /// End, Unix ms.
    #[ts(type = "number")]
    pub to_ms: i64,
}

impl Window {
    /// Whether `t` falls in the window.
    pub fn contains(&self, t: i64) -> bool {
        t >= self.from_ms && t < self.to_ms
    }

    /// Length in ms (0 when inverted).
    pub fn len_ms(&self) -> i64 {
        (self.to_ms - self.from_ms).max(0)
    }
}

/// How the SLI went bad.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum CauseKind {
    /// Slower responses (including time-outs of a dependency).
    Latency,
    /// Error responses (5xx other than 503, failed assertions).
    Errors,
    /// A resource ran out: connection pools, queues.
    Saturation,
    /// The service was not there: 503, refused connections, crash loops.
    Availability,
}

/// When the SLI (or a slice) changed, with a 95% interval.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Onset {
    /// Best estimate, Unix ms.
    #[ts(type = "number")]
    pub at_ms: i64,
    /// Earliest plausible onset, Unix ms.
    #[ts(type = "number")]
    pub earliest_ms: i64,
    /// Latest plausible onset, Unix ms.
    #[ts(type = "number")]
    pub latest_ms: i64,
    /// The detector that found it.
    pub method: String,
}

/// A change (deploy, config, Kubernetes event) tied to a cause.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Change {
    /// The event's id.
    pub event_id: String,
    /// `deploy` or `kubernetes`.
    pub kind: String,
    /// Release id, for deploys.
    pub release: Option<String>,
    /// The service changed.
    pub service: Option<String>,
    /// The version now running, for deploys.
    pub version: Option<String>,
    /// The region, `None` for all.
    pub region: Option<String>,
    /// When it happened, Unix ms.
    #[ts(type = "number")]
    pub at_ms: i64,
    /// Minutes from the change to the onset (negative: after the onset).
    pub minutes_before_onset: f64,
    /// How well it matches, 0 to 1: time, scope and version confinement.
    pub score: f64,
    /// Why it scored so, for people.
    pub why: String,
}

/// What a piece of evidence is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum EvidenceKind {
    /// A run result.
    Run,
    /// A trace.
    Trace,
    /// One span.
    Span,
    /// A metric series.
    Metric,
    /// A change event.
    Event,
    /// Log records.
    Log,
    /// A slice of the burn.
    Slice,
}

/// One piece of evidence, with ids to look it up and a line to read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Evidence {
    /// What it is.
    pub kind: EvidenceKind,
    /// Ids: a run id, `trace_id`, `trace_id/span_id`, a metric name, an event id.
    pub ids: Vec<String>,
    /// One line for people.
    pub summary: String,
}

/// A cause of the burn.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Cause {
    /// The service to blame.
    pub service: Option<String>,
    /// The operation (span name or route) in that service.
    pub operation: Option<String>,
    /// The region, `None` when the cause is not regional or unknown.
    pub region: Option<String>,
    /// How the SLI went bad.
    pub kind: CauseKind,
    /// Share of the burn window's bad events this cause explains, 0 to 1.
    /// Shares of all causes add up to at most 1.
    pub share: f64,
    /// The slice of the burn: dimension → value, e.g. `region: us-east-1`.
    pub slice: Vec<SliceItem>,
    /// When it started.
    pub onset: Option<Onset>,
    /// How sure the engine is, 0 to 1.
    pub confidence: f64,
    /// The change behind it, if one matches.
    pub change: Option<Change>,
    /// Runs, traces, spans, metrics, events and logs that back it.
    pub evidence: Vec<Evidence>,
}

/// One dimension of a slice.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, TS)]
pub struct SliceItem {
    /// The dimension: `region`, `journey`, `step`, `error_class`,
    /// `journey_version`, `runner`, `service`.
    pub dimension: String,
    /// Its value.
    pub value: String,
}

/// A signal that moved before the SLI.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Indicator {
    /// `metric`, `red` (span-derived rate, errors, duration) or `logs`.
    pub source: String,
    /// The series, e.g. `process.cpu.utilization{service=payment,region=us-east-1}`.
    pub series: String,
    /// The service it describes.
    pub service: Option<String>,
    /// The region it describes.
    pub region: Option<String>,
    /// When it moved, Unix ms.
    #[ts(type = "number")]
    pub moved_at_ms: i64,
    /// Seconds before the SLI's onset it moved (negative: after).
    pub lead_s: f64,
    /// Size of the move in baseline standard deviations.
    pub strength: f64,
    /// Whether it touches the affected slice or trace path.
    pub related: bool,
    /// One line for people.
    pub summary: String,
}

/// A signal that moved but is not a cause.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct RedHerring {
    /// The series or change.
    pub series: String,
    /// The service it describes.
    pub service: Option<String>,
    /// The region it describes.
    pub region: Option<String>,
    /// Why it was ruled out.
    pub why: String,
}

/// The whole answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Report {
    /// Shape version ([`REPORT_VERSION`]).
    pub version: u32,
    /// What is explained.
    pub subject: Subject,
    /// The moment explained, Unix ms.
    #[ts(type = "number")]
    pub at_ms: i64,
    /// The burn window analysed.
    pub window: Window,
    /// The baseline it is compared with.
    pub baseline: Window,
    /// Bad events in the window.
    #[ts(type = "number")]
    pub bad_events: u64,
    /// All counted events in the window.
    #[ts(type = "number")]
    pub total_events: u64,
    /// The SLI's onset.
    pub onset: Option<Onset>,
    /// The answer in one sentence.
    pub sentence: String,
    /// Causes, best first.
    pub causes: Vec<Cause>,
    /// Signals that moved before the SLI, by lead time and strength.
    pub leading_indicators: Vec<Indicator>,
    /// Signals and changes ruled out, and why.
    pub red_herrings: Vec<RedHerring>,
    /// The localisation method, for the record.
    pub method: String,
}
