//! The JSON Schema of journey files, generated from the types so it cannot
//! drift. `docs/journey.schema.json` is this output, checked by a test.

use serde_json::Value;
use sightline_core::journey::Journey;

/// The JSON Schema (draft 2020-12) of a journey file.
pub fn json_schema() -> Value {
    let mut schema = schemars::schema_for!(Journey);
    schema.insert(
        "$id".into(),
        "https://sightline.dev/schemas/journey.schema.json".into(),
    );
    schema.insert(
        "description".into(),
        "A Sightline journey file (journeys/*.yaml). Steps are a superset of the Chrome DevTools Recorder format."
            .into(),
    );
    schema.to_value()
}

/// [`json_schema`] as pretty-printed text with a final newline, as committed in
/// `docs/journey.schema.json`.
pub fn json_schema_text() -> String {
    let mut text = serde_json::to_string_pretty(&json_schema()).unwrap_or_default();
    text.push('\n');
    text
}
