//! Any bytes as `kubectl get events -o json` output. Must never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = sightline_telemetry::k8s::events::parse_event_list(data, "fuzz");
});
