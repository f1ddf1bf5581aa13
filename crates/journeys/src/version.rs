//! A journey's version: the SHA-256 of its canonical JSON.
//!
//! Runs record the version of the journey they replayed, so a change in a
//! journey's content must change the version, and nothing else may: key order,
//! indentation, comments, quoting and defaults left implicit all hash the same.

use serde_json::Value;
use sha2::{Digest, Sha256};
use sightline_core::journey::Journey;

/// The canonical JSON of `journey`: fields Sightline leaves out when they hold
/// their defaults are absent, object keys are sorted, and there is no
/// whitespace.
pub fn canonical_json(journey: &Journey) -> String {
    // Serializing plain data to a Value cannot fail: every map key is a string.
    let value = serde_json::to_value(journey).unwrap_or(Value::Null);
    let mut out = String::new();
    write_canonical(&value, &mut out);
    out
}

/// The journey's version: lower-case hex SHA-256 of [`canonical_json`].
pub fn version(journey: &Journey) -> String {
    hex::encode(Sha256::digest(canonical_json(journey).as_bytes()))
}

fn write_canonical(value: &Value, out: &mut String) {
    match value {
        Value::Object(map) => {
            // Sort explicitly: serde_json keeps insertion order when another
            // crate in the build turns on its `preserve_order` feature.
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push('{');
            for (i, key) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String(key.clone()).to_string());
                out.push(':');
                write_canonical(&map[key], out);
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_canonical(item, out);
            }
            out.push(']');
        }
        scalar => out.push_str(&scalar.to_string()),
    }
}
