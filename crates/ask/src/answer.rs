//! The answer's stable shape: what `sightline ask --json` prints and the app
//! shows (docs/ask.md). Fields are added, never renamed.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// What a question asks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Intent {
    /// How an SLO, journey, region or service is doing.
    Status,
    /// Why something is slow.
    WhySlow,
    /// Why something is failing.
    WhyFailing,
    /// What is burning the error budget.
    Burning,
    /// Whether a deploy or change caused the burn.
    DeployCaused,
    /// When something started.
    WhenStarted,
    /// When the budget runs out.
    Forecast,
    /// A region against a region, or now against last week.
    Compare,
    /// What changed in a time range.
    Changes,
    /// Recent failed runs of a journey.
    RecentFailures,
    /// The question is ambiguous: the answer asks back with choices.
    Clarify,
    /// Nothing Sightline knows can answer it.
    OutOfScope,
}

impl Intent {
    /// Every intent, in documentation order.
    pub const ALL: [Intent; 12] = [
        Intent::Status,
        Intent::WhySlow,
        Intent::WhyFailing,
        Intent::Burning,
        Intent::DeployCaused,
        Intent::WhenStarted,
        Intent::Forecast,
        Intent::Compare,
        Intent::Changes,
        Intent::RecentFailures,
        Intent::Clarify,
        Intent::OutOfScope,
    ];

    /// The snake_case name, as in the JSON.
    pub fn name(self) -> &'static str {
        match self {
            Intent::Status => "status",
            Intent::WhySlow => "why_slow",
            Intent::WhyFailing => "why_failing",
            Intent::Burning => "burning",
            Intent::DeployCaused => "deploy_caused",
            Intent::WhenStarted => "when_started",
            Intent::Forecast => "forecast",
            Intent::Compare => "compare",
            Intent::Changes => "changes",
            Intent::RecentFailures => "recent_failures",
            Intent::Clarify => "clarify",
            Intent::OutOfScope => "out_of_scope",
        }
    }
}

/// A time range the question names (or the intent's default), Unix ms.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct TimeRange {
    /// First millisecond.
    pub from_ms: i64,
    /// Last millisecond (exclusive).
    pub to_ms: i64,
    /// How the question put it ("in the last hour"), or `default`.
    pub label: String,
    /// Whether the question named it (false: the intent's default).
    pub stated: bool,
}

/// What the question is about, resolved against what the store knows.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Entities {
    /// An SLO's name.
    pub slo: Option<String>,
    /// A journey's name.
    pub journey: Option<String>,
    /// A step's title within the journey.
    pub step: Option<String>,
    /// A service.
    pub service: Option<String>,
    /// A region (canonical, e.g. `eu-west-1`).
    pub region: Option<String>,
    /// A second region, for comparisons.
    pub other_region: Option<String>,
    /// A release, `service@version`.
    pub release: Option<String>,
    /// The time range.
    pub time: Option<TimeRange>,
}

/// One piece of evidence behind the answer, with a link into the app.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, schemars::JsonSchema)]
pub struct EvidenceItem {
    /// `run`, `trace`, `span`, `metric`, `event`, `log`, `slice`, `slo` or `journey`.
    pub kind: String,
    /// Ids to look it up (run ids, trace ids, event ids, SLO names).
    pub ids: Vec<String>,
    /// One line to read.
    pub summary: String,
    /// The app view that shows it (`#/runs/ID`, `#/slos/NAME`), when there is one.
    pub link: Option<String>,
}

/// A chart that helps: the SLO's SLI and burn over the range.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ChartSpec {
    /// The SLO drawn.
    pub slo: String,
    /// The range drawn, Unix ms.
    pub from_ms: i64,
    /// The range's end, Unix ms.
    pub to_ms: i64,
    /// Where the SLI moved, to mark on the chart.
    pub onset_ms: Option<i64>,
}

/// One engine call behind the answer, with its arguments and result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ToolCall {
    /// The tool's name (docs/ask.md lists them).
    pub tool: String,
    /// Its arguments.
    #[ts(type = "unknown")]
    pub args: serde_json::Value,
    /// What it returned.
    #[ts(type = "unknown")]
    pub result: serde_json::Value,
}

/// The answer to one question.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Answer {
    /// The question as asked.
    pub question: String,
    /// What it asks.
    pub intent: Intent,
    /// What it is about.
    pub entities: Entities,
    /// The answer, a short paragraph with the key numbers.
    pub answer: String,
    /// The evidence behind it.
    pub evidence: Vec<EvidenceItem>,
    /// Questions that make sense from here.
    pub followups: Vec<String>,
    /// For `clarify`: the choices offered.
    pub choices: Vec<String>,
    /// A chart that helps, if any.
    pub chart: Option<ChartSpec>,
    /// `builtin`, or the model's name.
    pub source: String,
    /// Every engine call made, in order.
    pub calls: Vec<ToolCall>,
    /// Numbers and names in the answer that no call returned (always empty
    /// for the built-in answers; a model's are flagged here).
    pub ungrounded: Vec<String>,
    /// Why a configured model was not used (time-out, error), if it was not.
    pub fallback: Option<String>,
    /// The moment the question was answered for, Unix ms.
    pub at_ms: i64,
    /// The time zone times are given in.
    pub time_zone: String,
}
