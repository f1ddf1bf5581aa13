//! Runs of journeys and their per-step results.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::{CoreError, RunId};

/// How a run (or a step) ended, from the user's point of view.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// The user got what they came for.
    Pass,
    /// The user would have seen a failure. Counts against availability SLOs.
    Fail,
    /// The runner failed (browser crash, out of memory, shutdown). The user saw
    /// nothing; excluded from every SLI and counted apart.
    Error,
}

impl Outcome {
    /// The stored and serialised word.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Pass => "pass",
            Outcome::Fail => "fail",
            Outcome::Error => "error",
        }
    }

    /// Whether the run is a valid event for an SLI (runner errors are not).
    pub fn is_valid_for_sli(self) -> bool {
        !matches!(self, Outcome::Error)
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Outcome {
    type Err = CoreError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "pass" => Ok(Outcome::Pass),
            "fail" => Ok(Outcome::Fail),
            "error" => Ok(Outcome::Error),
            other => Err(CoreError::UnknownValue {
                field: "outcome",
                value: other.to_owned(),
                expected: "pass, fail, error",
            }),
        }
    }
}

/// Why a step or run did not pass. The first seven are user-visible failures;
/// the last two are the runner's own faults and imply [`Outcome::Error`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorClass {
    /// No selector alternative matched an element in time.
    SelectorNotFound,
    /// An assertion step (text, URL, JSON) did not hold.
    AssertionFailed,
    /// A navigation did not complete in time.
    NavigationTimeout,
    /// A response had an unexpected HTTP status.
    HttpStatus,
    /// The page threw an uncaught JavaScript exception.
    JsException,
    /// A request failed at the network level (refused, reset, DNS).
    NetworkError,
    /// A step exceeded its own timeout.
    StepTimeout,
    /// The browser process died under the run.
    BrowserCrashed,
    /// Any other fault of the runner (out of memory, overload, shutdown).
    RunnerError,
}

impl ErrorClass {
    /// Every class, in documentation order.
    pub const ALL: [ErrorClass; 9] = [
        ErrorClass::SelectorNotFound,
        ErrorClass::AssertionFailed,
        ErrorClass::NavigationTimeout,
        ErrorClass::HttpStatus,
        ErrorClass::JsException,
        ErrorClass::NetworkError,
        ErrorClass::StepTimeout,
        ErrorClass::BrowserCrashed,
        ErrorClass::RunnerError,
    ];

    /// The stored and serialised word.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorClass::SelectorNotFound => "selector_not_found",
            ErrorClass::AssertionFailed => "assertion_failed",
            ErrorClass::NavigationTimeout => "navigation_timeout",
            ErrorClass::HttpStatus => "http_status",
            ErrorClass::JsException => "js_exception",
            ErrorClass::NetworkError => "network_error",
            ErrorClass::StepTimeout => "step_timeout",
            ErrorClass::BrowserCrashed => "browser_crashed",
            ErrorClass::RunnerError => "runner_error",
        }
    }

    /// Whether this class is the runner's fault rather than the user's experience.
    pub fn is_runner_fault(self) -> bool {
        matches!(self, ErrorClass::BrowserCrashed | ErrorClass::RunnerError)
    }

    /// The outcome a run ending with this class gets.
    pub fn outcome(self) -> Outcome {
        if self.is_runner_fault() {
            Outcome::Error
        } else {
            Outcome::Fail
        }
    }
}

impl fmt::Display for ErrorClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for ErrorClass {
    type Err = CoreError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ErrorClass::ALL
            .into_iter()
            .find(|c| c.as_str() == s)
            .ok_or_else(|| CoreError::UnknownValue {
                field: "error_class",
                value: s.to_owned(),
                expected: "selector_not_found, assertion_failed, navigation_timeout, http_status, \
                           js_exception, network_error, step_timeout, browser_crashed, runner_error",
            })
    }
}

/// A region label such as `us-east-1`. Runners carry one; so do deploys and spans.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Region(pub String);

impl Region {
    /// Wraps a region name.
    pub fn new(name: impl Into<String>) -> Self {
        Self(name.into())
    }

    /// The region's name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A released version of one service, as deploy events name it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Release {
    /// The release id, e.g. `r2026.02.03-17`.
    pub id: String,
    /// The service released.
    pub service: String,
    /// The service's version after the release.
    pub version: String,
    /// The commit the release was built from, when known.
    pub commit: Option<String>,
}

/// One attempt at a journey. Committed with all of its steps in one transaction.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Run {
    /// Time-sortable, idempotent id.
    pub id: RunId,
    /// The journey's name.
    pub journey: String,
    /// Content hash of the journey file that was replayed.
    pub journey_version: String,
    /// Where the runner ran.
    pub region: Region,
    /// Which runner ran it.
    pub runner_id: String,
    /// 1 for the first attempt, 2 for the first retry, and so on.
    pub attempt: u32,
    /// Whether this is the attempt SLIs use (the last one of its slot).
    pub is_final_attempt: bool,
    /// For a retry, the id of the slot's first attempt; `None` for a first
    /// attempt. Attempts that share it are one slot, kept as a flakiness signal.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_of: Option<RunId>,
    /// When the run started, Unix milliseconds UTC.
    pub started_at_ms: i64,
    /// Wall-clock duration of the whole run.
    pub duration_ms: i64,
    /// How it ended.
    pub outcome: Outcome,
    /// Why it did not pass, if it did not.
    pub error_class: Option<ErrorClass>,
    /// A one-line, secret-free description of the failure.
    pub error_message: Option<String>,
    /// The W3C trace id (32 hex digits) propagated on the run's requests.
    pub trace_id: Option<String>,
    /// The release under test, when the run was part of a gate.
    pub release_id: Option<String>,
    /// True for history generated from a model rather than replayed for real.
    pub simulated: bool,
    /// The per-step results, in step order.
    pub steps: Vec<StepResult>,
}

/// The result of one step of a run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StepResult {
    /// Position in the journey, from 0.
    pub index: u32,
    /// The step's name (its title, or a generated one such as `click #pay`).
    pub name: String,
    /// The step type, e.g. `navigate`, `click`, `http`.
    pub kind: String,
    /// When the step started, Unix milliseconds UTC.
    pub started_at_ms: i64,
    /// How long the step took.
    pub duration_ms: i64,
    /// How it ended.
    pub outcome: Outcome,
    /// Why it did not pass, if it did not.
    pub error_class: Option<ErrorClass>,
    /// A one-line, secret-free description of the failure.
    pub error_message: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runner_faults_are_errors_not_failures() {
        for class in ErrorClass::ALL {
            let expected = matches!(class, ErrorClass::BrowserCrashed | ErrorClass::RunnerError);
            assert_eq!(class.is_runner_fault(), expected, "{class}");
            assert_eq!(class.outcome() == Outcome::Error, expected, "{class}");
            assert_eq!(class.as_str().parse::<ErrorClass>().unwrap(), class);
        }
        assert!(!Outcome::Error.is_valid_for_sli());
        assert!(Outcome::Fail.is_valid_for_sli());
    }

    #[test]
    fn unknown_outcome_names_the_field() {
        let err = "passed".parse::<Outcome>().unwrap_err();
        assert!(
            err.to_string()
                .starts_with("outcome: unknown value \"passed\""),
            "{err}"
        );
    }
}
