//! OTLP `AnyValue`s and `KeyValue` lists as JSON values, and the few
//! attributes Sightline lifts into columns.

use std::collections::BTreeMap;

use base64::Engine;
use opentelemetry_proto::tonic::common::v1::{AnyValue, KeyValue, any_value::Value};
use serde_json::Value as Json;

/// An attribute map as Sightline keeps it.
pub type Attributes = BTreeMap<String, Json>;

/// `service.name` when the resource has none, as the OpenTelemetry spec says.
pub const UNKNOWN_SERVICE: &str = "unknown_service";

/// Converts one `AnyValue`. Arrays and maps nest; bytes become base64, as in
/// the OTLP JSON mapping; an empty value becomes `null`.
pub fn any_value(v: &AnyValue) -> Json {
    match &v.value {
        None => Json::Null,
        Some(Value::StringValue(s)) => Json::String(s.clone()),
        Some(Value::BoolValue(b)) => Json::Bool(*b),
        Some(Value::IntValue(i)) => Json::from(*i),
        // JSON has no NaN or infinity: keep them as the strings OTLP JSON uses.
        Some(Value::DoubleValue(d)) => serde_json::Number::from_f64(*d)
            .map_or_else(|| Json::String(d.to_string()), Json::Number),
        Some(Value::ArrayValue(a)) => Json::Array(a.values.iter().map(any_value).collect()),
        Some(Value::KvlistValue(kv)) => Json::Object(
            kv.values
                .iter()
                .map(|kv| {
                    (
                        kv.key.clone(),
                        kv.value.as_ref().map_or(Json::Null, any_value),
                    )
                })
                .collect(),
        ),
        Some(Value::BytesValue(b)) => {
            Json::String(base64::engine::general_purpose::STANDARD.encode(b))
        }
        // An index into a profile's string table: meaningless without the
        // profile, which traces, logs and metrics never carry.
        Some(Value::StringValueStrindex(_)) => Json::Null,
    }
}

/// Adds `kvs` to `into`; a later key replaces an earlier one.
pub fn extend(into: &mut Attributes, kvs: &[KeyValue]) {
    for kv in kvs {
        into.insert(
            kv.key.clone(),
            kv.value.as_ref().map_or(Json::Null, any_value),
        );
    }
}

/// A key-value list as a map.
pub fn to_map(kvs: &[KeyValue]) -> Attributes {
    let mut m = Attributes::new();
    extend(&mut m, kvs);
    m
}

/// A string attribute (other types are rendered as their JSON text).
pub fn string(attrs: &Attributes, key: &str) -> Option<String> {
    match attrs.get(key)? {
        Json::String(s) => Some(s.clone()),
        Json::Null => None,
        other => Some(other.to_string()),
    }
}

/// An integer attribute; strings of digits count too (some SDKs send the
/// status code as a string).
pub fn int(attrs: &Attributes, key: &str) -> Option<i64> {
    match attrs.get(key)? {
        Json::Number(n) => n.as_i64(),
        Json::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// The body of a log record as text: a string as it is, anything else as JSON.
pub fn body_text(v: Option<&AnyValue>) -> String {
    match v.map(any_value) {
        None | Some(Json::Null) => String::new(),
        Some(Json::String(s)) => s,
        Some(other) => other.to_string(),
    }
}
