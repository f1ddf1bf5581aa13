//! Kubernetes `Event` objects to Sightline [`Event`]s, in both API shapes:
//! core `v1` (`involvedObject`, `message`, `count`, `firstTimestamp`,
//! `lastTimestamp`) and `events.k8s.io/v1` (`regarding`, `note`,
//! `deprecatedCount`, `series`). Events written through the newer API carry
//! `eventTime` and null timestamps, older ones the other way round: the time
//! is taken from whichever is set, latest observation first.

use serde::Deserialize;
use sightline_core::{Event, EventKind, KubernetesEvent};

use crate::deploy::{content_id, parse_time};
use crate::{Result, TelemetryError};

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct Meta {
    uid: Option<String>,
    namespace: Option<String>,
    creation_timestamp: Option<String>,
    resource_version: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ObjectRef {
    kind: Option<String>,
    name: Option<String>,
    namespace: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct Series {
    count: Option<u32>,
    last_observed_time: Option<String>,
}

/// A raw Kubernetes Event in either shape.
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
pub(crate) struct RawEvent {
    kind: Option<String>,
    metadata: Meta,
    #[serde(rename = "type")]
    event_type: Option<String>,
    reason: Option<String>,
    message: Option<String>,
    note: Option<String>,
    involved_object: Option<ObjectRef>,
    regarding: Option<ObjectRef>,
    count: Option<u32>,
    deprecated_count: Option<u32>,
    series: Option<Series>,
    first_timestamp: Option<String>,
    last_timestamp: Option<String>,
    deprecated_last_timestamp: Option<String>,
    deprecated_first_timestamp: Option<String>,
    event_time: Option<String>,
}

impl RawEvent {
    pub(crate) fn resource_version(&self) -> Option<&str> {
        self.metadata.resource_version.as_deref()
    }
}

/// Converts one object; `path` names it in errors (`items[3]`).
pub(crate) fn convert(raw: RawEvent, source_name: &str, path: &str) -> Result<Event> {
    let bad = |field: &str, msg: &str| {
        TelemetryError::parse(source_name, 0, format!("{path}.{field}"), msg)
    };
    if let Some(k) = raw.kind.as_deref().filter(|k| *k != "Event") {
        return Err(bad("kind", &format!("is {k:?}, expected Event")));
    }
    let obj = raw.involved_object.or(raw.regarding).unwrap_or_default();
    let object_kind = obj
        .kind
        .filter(|s| !s.is_empty())
        .ok_or_else(|| bad("involvedObject.kind", "is required"))?;
    let object_name = obj
        .name
        .filter(|s| !s.is_empty())
        .ok_or_else(|| bad("involvedObject.name", "is required"))?;
    let reason = raw
        .reason
        .filter(|s| !s.is_empty())
        .ok_or_else(|| bad("reason", "is required"))?;
    let series = raw.series.unwrap_or_default();
    // Latest observation first: a repeated event is about its last occurrence.
    let (time_field, time_text) = [
        ("lastTimestamp", raw.last_timestamp),
        ("series.lastObservedTime", series.last_observed_time),
        ("deprecatedLastTimestamp", raw.deprecated_last_timestamp),
        ("eventTime", raw.event_time),
        ("firstTimestamp", raw.first_timestamp),
        ("deprecatedFirstTimestamp", raw.deprecated_first_timestamp),
        (
            "metadata.creationTimestamp",
            raw.metadata.creation_timestamp,
        ),
    ]
    .into_iter()
    .find_map(|(f, t)| t.filter(|t| !t.is_empty()).map(|t| (f, t)))
    .ok_or_else(|| {
        bad(
            "lastTimestamp",
            "no timestamp at all (lastTimestamp, eventTime, firstTimestamp)",
        )
    })?;
    let at_ms = parse_time(&time_text).map_err(|m| bad(time_field, &m))?;
    let count = raw
        .count
        .or(series.count)
        .or(raw.deprecated_count)
        .unwrap_or(1)
        .max(1);
    let namespace = obj
        .namespace
        .or(raw.metadata.namespace)
        .filter(|s| !s.is_empty());
    let uid = raw.metadata.uid.unwrap_or_default();
    // One stored event per observation: a `count` bump is a new row, the same
    // object read twice (a re-import, a watch reconnect) is not.
    let id = content_id(
        at_ms,
        &[
            "kubernetes",
            &uid,
            &object_kind,
            &object_name,
            &reason,
            &count.to_string(),
        ],
    );
    Ok(Event {
        id,
        at_ms,
        source: "kubernetes".into(),
        kind: EventKind::Kubernetes(KubernetesEvent {
            event_type: raw.event_type.unwrap_or_else(|| "Normal".into()),
            reason,
            message: raw.message.or(raw.note).unwrap_or_default(),
            object_kind,
            object_name,
            namespace,
            count,
        }),
    })
}

#[derive(Deserialize)]
struct List {
    kind: Option<String>,
    #[serde(default)]
    items: Option<Vec<serde_json::Value>>,
}

/// Reads `kubectl get events -o json` output (an `EventList`, or a `List`),
/// or a single `Event`. All items or an error naming the first bad one.
pub fn parse_event_list(bytes: &[u8], source_name: &str) -> Result<Vec<Event>> {
    let doc: serde_json::Value = serde_json::from_slice(bytes)
        .map_err(|e| TelemetryError::parse(source_name, e.line(), "json", e.to_string()))?;
    let list: List = serde_json::from_value(doc.clone())
        .map_err(|e| TelemetryError::parse(source_name, 0, "kind", e.to_string()))?;
    let items = match (list.kind.as_deref(), list.items) {
        (Some("Event"), _) => return Ok(vec![one(doc, source_name, "event")?]),
        (_, Some(items)) => items,
        (kind, None) => {
            return Err(TelemetryError::parse(
                source_name,
                0,
                "items",
                format!("missing: expected an EventList (got kind {kind:?})"),
            ));
        }
    };
    items
        .into_iter()
        .enumerate()
        .map(|(i, item)| one(item, source_name, &format!("items[{i}]")))
        .collect()
}

fn one(v: serde_json::Value, source_name: &str, path: &str) -> Result<Event> {
    let raw: RawEvent = serde_json::from_value(v)
        .map_err(|e| TelemetryError::parse(source_name, 0, path, e.to_string()))?;
    convert(raw, source_name, path)
}
