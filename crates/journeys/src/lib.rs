//! Sightline's journey files: the format users review, diff and replay.
//!
//! A journey lives as YAML under `journeys/`. This crate reads and writes those
//! files, checks them with errors that name the file, step and field
//! (`journeys/login.yaml: steps[3].selectors: must not be empty`), gives each
//! journey a content-hash version that every run records, publishes the JSON
//! Schema editors validate against, and converts to and from Chrome DevTools
//! Recorder recordings so journeys can be recorded in Chrome and carried back.
//!
//! The data types themselves are in [`sightline_core::journey`]; this crate
//! holds everything that turns text into them and back. It does no replay: the
//! browser crate runs journeys.
//!
//! Malformed input never panics and never half-imports: every function here
//! returns a complete journey or an error.

pub mod error;
pub mod recorder_export;
pub mod recorder_import;
pub mod schema;
pub mod template;
pub mod validate;
pub mod version;
pub mod yaml;

pub use error::{JourneyError, Location, ValidationError, Warning};
pub use recorder_export::{ExportedRecording, to_recorder_json, to_recorder_value};
pub use recorder_import::{ImportedJourney, from_recorder_json};
pub use schema::{json_schema, json_schema_text};
pub use sightline_core::journey::{Journey, Step};
pub use validate::validate;
pub use version::{canonical_json, version};
pub use yaml::{LoadedJourney, from_yaml_str, load, parse_yaml, save, to_yaml};
