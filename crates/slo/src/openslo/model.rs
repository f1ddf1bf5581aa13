//! Typed views of the OpenSLO v1 SLO and SLI specs, for validation.

use serde::{Deserialize, Serialize};
use serde_norway::Value;

use super::{Document, err};
use crate::SloError;

/// Where metric data comes from: inline `type` + `spec`, or a DataSource ref.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MetricSource {
    /// Name of a DataSource document.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metric_source_ref: Option<String>,
    /// The data source type, e.g. `Prometheus` or `Sightline`.
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub source_type: Option<String>,
    /// Source-specific query fields, kept as is.
    #[serde(default)]
    pub spec: Value,
}

/// One metric of an SLI.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MetricSpec {
    /// The source.
    pub metric_source: MetricSource,
}

/// good/total or bad/total.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RatioMetric {
    /// Whether the metrics are monotonic counters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub counter: Option<bool>,
    /// Good events.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub good: Option<MetricSpec>,
    /// Bad events.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bad: Option<MetricSpec>,
    /// All events.
    pub total: MetricSpec,
}

/// An SLI spec: exactly one of the two metric forms.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SliSpec {
    /// The ratio form.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ratio_metric: Option<RatioMetric>,
    /// The threshold form.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub threshold_metric: Option<MetricSpec>,
}

impl SliSpec {
    pub(crate) fn validate(&self, i: usize, at: &str) -> Result<(), SloError> {
        match (&self.ratio_metric, &self.threshold_metric) {
            (Some(_), Some(_)) | (None, None) => Err(err(
                i,
                at,
                "exactly one of ratioMetric and thresholdMetric is required",
            )),
            (Some(r), None) if r.good.is_some() == r.bad.is_some() => Err(err(
                i,
                format!("{at}.ratioMetric"),
                "exactly one of good and bad is required",
            )),
            _ => Ok(()),
        }
    }

    /// The data source type, following a `metricSourceRef` to its DataSource.
    pub fn source_type(&self, docs: &[Document]) -> Option<String> {
        let m = match (&self.ratio_metric, &self.threshold_metric) {
            (Some(r), _) => &r.total.metric_source,
            (None, Some(t)) => &t.metric_source,
            _ => return None,
        };
        m.source_type.clone().or_else(|| {
            let r = m.metric_source_ref.as_ref()?;
            let d = docs
                .iter()
                .find(|d| d.kind == "DataSource" && d.name() == r)?;
            d.spec
                .get("type")
                .and_then(Value::as_str)
                .map(str::to_owned)
        })
    }
}

/// A calendar-aligned window.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Calendar {
    /// When periods start counting.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_time: Option<String>,
    /// IANA zone.
    pub time_zone: String,
}

/// The SLO's time window.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TimeWindow {
    /// e.g. `30d`, `2w`, `1M`.
    pub duration: String,
    /// Rolling or calendar.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_rolling: Option<bool>,
    /// For calendar windows.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub calendar: Option<Calendar>,
}

/// One objective.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Objective {
    /// Label.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// Comparison for threshold metrics.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub op: Option<String>,
    /// Threshold value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<f64>,
    /// Target fraction in (0, 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<f64>,
    /// Target in percent, the alternative form.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_percent: Option<f64>,
    /// Timeslice target.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_slice_target: Option<f64>,
    /// Timeslice length.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_slice_window: Option<String>,
}

/// The SLO spec.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SloSpec {
    /// Words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The Service's name.
    pub service: String,
    /// An inline SLI document (`metadata` + `spec`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub indicator: Option<Value>,
    /// Or the name of an SLI document.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub indicator_ref: Option<String>,
    /// Exactly one window.
    pub time_window: Vec<TimeWindow>,
    /// Occurrences, Timeslices or RatioTimeslices.
    pub budgeting_method: String,
    /// At least one.
    pub objectives: Vec<Objective>,
    /// Alert policies, inline or by ref; kept as is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alert_policies: Option<Vec<Value>>,
}

impl SloSpec {
    pub(crate) fn validate(&self, i: usize) -> Result<(), SloError> {
        if self.indicator.is_some() == self.indicator_ref.is_some() {
            return Err(err(
                i,
                "spec.indicator",
                "exactly one of indicator and indicatorRef is required",
            ));
        }
        if self.time_window.len() != 1 {
            return Err(err(
                i,
                "spec.timeWindow",
                "exactly one time window is required",
            ));
        }
        let d = &self.time_window[0].duration;
        let ok = d.len() >= 2
            && d[..d.len() - 1].chars().all(|c| c.is_ascii_digit())
            && "smhdwMQY".contains(&d[d.len() - 1..]);
        if !ok {
            return Err(err(
                i,
                "spec.timeWindow[0].duration",
                format!("{d:?} is not a duration like 30d"),
            ));
        }
        if !["Occurrences", "Timeslices", "RatioTimeslices"]
            .contains(&self.budgeting_method.as_str())
        {
            return Err(err(
                i,
                "spec.budgetingMethod",
                "expected Occurrences, Timeslices or RatioTimeslices",
            ));
        }
        if self.objectives.is_empty() {
            return Err(err(
                i,
                "spec.objectives",
                "at least one objective is required",
            ));
        }
        for (k, o) in self.objectives.iter().enumerate() {
            let t = o.target.or(o.target_percent.map(|p| p / 100.0));
            match t {
                Some(t) if t > 0.0 && t <= 1.0 => {}
                _ => {
                    return Err(err(
                        i,
                        format!("spec.objectives[{k}].target"),
                        "a target in (0, 1] is required",
                    ));
                }
            }
        }
        if let Some(ind) = &self.indicator {
            let spec: SliSpec = super::typed(
                i,
                "spec.indicator.spec",
                ind.get("spec").unwrap_or(&Value::Null),
            )?;
            spec.validate(i, "spec.indicator.spec")?;
        }
        Ok(())
    }
}
