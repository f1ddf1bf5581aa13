//! Integration tests for sightline-paths, one module per area of `src/`.
//! Real published samples come from `shared/fixtures` beside the repository;
//! a test that needs them says it was skipped when they are absent.

mod candidates;
mod cluster;
mod eval;
mod normalise;
mod parse;

use std::path::PathBuf;

use sightline_paths::parse::{FieldMap, read};
use sightline_paths::{Format, ParseReport, Request};

/// The shared fixtures file, or `None` (with a note) when absent.
pub fn fixture(rel: &str) -> Option<PathBuf> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/fixtures")
        .join(rel);
    if p.exists() {
        Some(p)
    } else {
        eprintln!(
            "SKIPPED: fixture {} not found (no shared/fixtures beside the repository)",
            p.display()
        );
        None
    }
}

/// A file of the repository.
pub fn repo_file(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(rel)
}

/// Reads bytes in `format`, returning the requests and the report.
pub fn read_bytes(bytes: &[u8], format: Format) -> (Vec<Request>, ParseReport) {
    let mut out = Vec::new();
    let report = read(bytes, format, "test", &FieldMap::default(), &mut |r| {
        out.push(r)
    })
    .expect("readable");
    (out, report)
}

/// Reads a fixture file in `format`.
pub fn read_fixture(rel: &str, format: Format) -> Option<(Vec<Request>, ParseReport)> {
    let p = fixture(rel)?;
    let bytes = std::fs::read(&p).expect("fixture readable");
    Some(read_bytes(&bytes, format))
}
