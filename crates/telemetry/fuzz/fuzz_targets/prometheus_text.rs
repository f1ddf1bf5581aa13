//! Any text as a Prometheus exposition. Must never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sightline_telemetry::prometheus::{ParseOptions, parse};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let _ = parse(text, &ParseOptions { source_name: "fuzz", service: "fuzz", default_time_unix_nano: 0 });
});
