//! OpenSLO v1: import, validation and export.
//!
//! Every document is kept as it was read ([`Document`]) so that exporting
//! gives back what Sightline cannot evaluate. SLOs whose SLI uses the
//! `Sightline` data source become [`SloDefinition`]s; others import with a
//! warning and are kept as is.

mod model;

use serde::{Deserialize, Serialize};
use serde_norway::Value;
use sightline_core::{SliKind, SloDefinition, SloFilter, SloWindow, slo::CalendarUnit};

use crate::SloError;
pub use model::{MetricSource, MetricSpec, Objective, RatioMetric, SliSpec, SloSpec, TimeWindow};

/// The data source type Sightline evaluates itself.
pub const SIGHTLINE_SOURCE: &str = "Sightline";

/// The kinds of OpenSLO v1 document understood.
pub const KINDS: [&str; 7] = [
    "SLO",
    "SLI",
    "Service",
    "AlertPolicy",
    "AlertCondition",
    "AlertNotificationTarget",
    "DataSource",
];

/// One OpenSLO document, kept whole.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Document {
    /// Always `openslo/v1`.
    #[serde(rename = "apiVersion")]
    pub api_version: String,
    /// One of [`KINDS`].
    pub kind: String,
    /// Name and labels.
    pub metadata: Value,
    /// The kind's spec, as read.
    #[serde(default)]
    pub spec: Value,
}

impl Document {
    /// `metadata.name`.
    pub fn name(&self) -> &str {
        self.metadata
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or("")
    }
}

/// What an import produced.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Import {
    /// Every document, in order, as read.
    pub documents: Vec<Document>,
    /// SLOs Sightline evaluates.
    pub slos: Vec<SloDefinition>,
    /// Names of SLO documents kept but not evaluated, with the reason.
    pub warnings: Vec<String>,
}

fn err(document: usize, path: impl Into<String>, message: impl Into<String>) -> SloError {
    SloError::OpenSlo {
        document,
        path: path.into(),
        message: message.into(),
    }
}

fn typed<T: serde::de::DeserializeOwned>(i: usize, prefix: &str, v: &Value) -> Result<T, SloError> {
    serde_path_to_error::deserialize(v.clone()).map_err(|e| {
        let path = e.path().to_string();
        let path = if path == "." {
            prefix.to_owned()
        } else {
            format!("{prefix}.{path}")
        };
        err(i, path, e.into_inner().to_string())
    })
}

/// Parses and validates a multi-document OpenSLO YAML stream.
pub fn import(text: &str) -> Result<Import, SloError> {
    let mut out = Import::default();
    for (i, de) in serde_norway::Deserializer::from_str(text).enumerate() {
        let v = Value::deserialize(de).map_err(|e| err(i, "", e.to_string()))?;
        if v.is_null() {
            continue;
        }
        let doc: Document = typed(i, "", &v)?;
        if doc.api_version != "openslo/v1" {
            return Err(err(
                i,
                "apiVersion",
                format!("{:?} is not openslo/v1", doc.api_version),
            ));
        }
        if !KINDS.contains(&doc.kind.as_str()) {
            return Err(err(
                i,
                "kind",
                format!(
                    "unknown kind {:?}; expected one of {}",
                    doc.kind,
                    KINDS.join(", ")
                ),
            ));
        }
        if doc.name().is_empty() {
            return Err(err(i, "metadata.name", "a name is required"));
        }
        validate_kind(i, &doc)?;
        out.documents.push(doc);
    }
    for (i, doc) in out.documents.iter().enumerate() {
        if doc.kind != "SLO" {
            continue;
        }
        let spec: SloSpec = typed(i, "spec", &doc.spec)?;
        let sli = match (&spec.indicator, &spec.indicator_ref) {
            (Some(ind), _) => typed::<SliSpec>(
                i,
                "spec.indicator.spec",
                ind.get("spec").unwrap_or(&Value::Null),
            )?,
            (None, Some(r)) => {
                let found = out
                    .documents
                    .iter()
                    .find(|d| d.kind == "SLI" && d.name() == r);
                let d = found
                    .ok_or_else(|| err(i, "spec.indicatorRef", format!("no SLI named {r:?}")))?;
                typed::<SliSpec>(i, "spec.indicatorRef", &d.spec)?
            }
            (None, None) => unreachable!("checked in validate_kind"),
        };
        let source = sli.source_type(&out.documents);
        if source.as_deref() == Some(SIGHTLINE_SOURCE) {
            out.slos.push(to_definition(i, doc.name(), &spec, &sli)?);
        } else {
            out.warnings.push(format!(
                "SLO {:?}: data source {:?} is not one Sightline evaluates; kept as is",
                doc.name(),
                source.unwrap_or_default()
            ));
        }
    }
    Ok(out)
}

fn validate_kind(i: usize, doc: &Document) -> Result<(), SloError> {
    let need = |field: &str| {
        if doc.spec.get(field).is_none() {
            Err(err(i, format!("spec.{field}"), "required"))
        } else {
            Ok(())
        }
    };
    match doc.kind.as_str() {
        "SLO" => {
            let spec: SloSpec = typed(i, "spec", &doc.spec)?;
            spec.validate(i)
        }
        "SLI" => typed::<SliSpec>(i, "spec", &doc.spec)?.validate(i, "spec"),
        "AlertPolicy" => need("conditions"),
        "AlertCondition" => need("condition"),
        "AlertNotificationTarget" => need("target"),
        "DataSource" => need("type"),
        _ => Ok(()),
    }
}

fn to_definition(
    i: usize,
    name: &str,
    spec: &SloSpec,
    sli: &SliSpec,
) -> Result<SloDefinition, SloError> {
    #[derive(Deserialize)]
    struct GoodSpec {
        filter: SloFilter,
        sli: SliKind,
    }
    let good = sli
        .ratio_metric
        .as_ref()
        .and_then(|r| r.good.as_ref())
        .ok_or_else(|| {
            err(
                i,
                "spec.indicator.spec.ratioMetric.good",
                "Sightline SLIs are good/total ratios",
            )
        })?;
    let g: GoodSpec = typed(
        i,
        "spec.indicator.spec.ratioMetric.good.metricSource.spec",
        &good.metric_source.spec,
    )?;
    let tw = &spec.time_window[0];
    let bad_window = || {
        err(
            i,
            "spec.timeWindow[0].duration",
            format!("{:?} is not a window Sightline evaluates", tw.duration),
        )
    };
    let window = match (&tw.calendar, tw.duration.as_str()) {
        (Some(c), "1w") => SloWindow::Calendar {
            unit: CalendarUnit::Week,
            time_zone: c.time_zone.clone(),
        },
        (Some(c), "1M") => SloWindow::Calendar {
            unit: CalendarUnit::Month,
            time_zone: c.time_zone.clone(),
        },
        (Some(_), _) => return Err(bad_window()),
        (None, d) => {
            let (n, unit) = d.split_at(d.len().saturating_sub(1));
            let n: u32 = n.parse().map_err(|_| bad_window())?;
            match unit {
                "d" => SloWindow::Rolling { days: n },
                "w" => SloWindow::Rolling { days: n * 7 },
                _ => return Err(bad_window()),
            }
        }
    };
    let target = spec.objectives[0].target.unwrap_or(0.0);
    let def = SloDefinition {
        name: name.to_owned(),
        description: spec.description.clone().unwrap_or_default(),
        sli: g.sli,
        filter: g.filter,
        target,
        window,
    };
    def.validate()
        .map_err(|e| err(i, "spec.objectives[0].target", e.to_string()))?;
    Ok(def)
}

/// OpenSLO documents for Sightline SLOs (one SLO each, with an inline SLI).
pub fn from_definition(def: &SloDefinition) -> Document {
    let (duration, rolling, calendar) = match &def.window {
        SloWindow::Rolling { days } => (format!("{days}d"), true, None),
        SloWindow::Calendar { unit, time_zone } => (
            if *unit == CalendarUnit::Week {
                "1w"
            } else {
                "1M"
            }
            .to_owned(),
            false,
            Some(model::Calendar {
                start_time: Some("2024-01-01 00:00:00".into()),
                time_zone: time_zone.clone(),
            }),
        ),
    };
    let source = |spec: serde_json::Value| MetricSpec {
        metric_source: MetricSource {
            metric_source_ref: None,
            source_type: Some(SIGHTLINE_SOURCE.into()),
            spec: serde_norway::to_value(spec).unwrap_or_default(),
        },
    };
    let sli = SliSpec {
        ratio_metric: Some(RatioMetric {
            counter: Some(true),
            good: Some(source(
                serde_json::json!({ "filter": def.filter, "sli": def.sli }),
            )),
            bad: None,
            total: source(serde_json::json!({ "filter": def.filter })),
        }),
        threshold_metric: None,
    };
    let mut indicator = serde_norway::Mapping::new();
    indicator.insert(
        "metadata".into(),
        serde_norway::to_value(serde_json::json!({ "name": format!("{}-sli", def.name) }))
            .unwrap_or_default(),
    );
    indicator.insert(
        "spec".into(),
        serde_norway::to_value(&sli).unwrap_or_default(),
    );
    let spec = SloSpec {
        description: (!def.description.is_empty()).then(|| def.description.clone()),
        service: def.filter.journey.clone(),
        indicator: Some(Value::Mapping(indicator)),
        indicator_ref: None,
        time_window: vec![TimeWindow {
            duration,
            is_rolling: Some(rolling),
            calendar,
        }],
        budgeting_method: "Occurrences".into(),
        objectives: vec![Objective {
            target: Some(def.target),
            ..Objective::default()
        }],
        alert_policies: None,
    };
    Document {
        api_version: "openslo/v1".into(),
        kind: "SLO".into(),
        metadata: serde_norway::to_value(serde_json::json!({ "name": def.name }))
            .unwrap_or_default(),
        spec: serde_norway::to_value(&spec).unwrap_or_default(),
    }
}

/// A multi-document YAML stream of `documents`.
pub fn export(documents: &[Document]) -> String {
    documents
        .iter()
        .map(|d| serde_norway::to_string(d).unwrap_or_default())
        .collect::<Vec<_>>()
        .join("---\n")
}
