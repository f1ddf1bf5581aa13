//! The fuzz targets' property on stable Rust: no input makes a decoder
//! panic. Random bytes, and single-byte mutations of real fixtures (which
//! reach much deeper than random bytes), through every decoder. The
//! cargo-fuzz targets in `fuzz/` explore the same entry points for longer.

use opentelemetry_proto::tonic::collector::logs::v1::ExportLogsServiceRequest;
use opentelemetry_proto::tonic::collector::metrics::v1::ExportMetricsServiceRequest;
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use proptest::prelude::*;
use sightline_telemetry::k8s::events::parse_event_list;
use sightline_telemetry::otlp::convert::{logs, metrics, traces};
use sightline_telemetry::otlp::decode::{Format, decode, decompress};
use sightline_telemetry::prometheus::{ParseOptions, parse};

fn all_decoders(bytes: &[u8]) {
    for format in [Format::Protobuf, Format::Json] {
        if let Ok(r) = decode::<ExportTraceServiceRequest>(bytes, format, "traces") {
            let _ = traces::convert(&r).message();
        }
        if let Ok(r) = decode::<ExportLogsServiceRequest>(bytes, format, "logs") {
            let _ = logs::convert(&r).message();
        }
        if let Ok(r) = decode::<ExportMetricsServiceRequest>(bytes, format, "metrics") {
            let _ = metrics::convert(&r).message();
        }
    }
    let _ = decompress(bytes, Some("gzip"), 1 << 20);
    let _ = parse_event_list(bytes, "fuzz");
    if let Ok(text) = std::str::from_utf8(bytes) {
        let _ = parse(
            text,
            &ParseOptions {
                source_name: "fuzz",
                service: "fuzz",
                default_time_unix_nano: 0,
            },
        );
    }
}

fn seeds() -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    for rel in [
        "otlp-json/trace.json",
        "otlp-json/logs.json",
        "otlp-json/metrics.json",
        "prometheus-text/metrics-test.prom",
        "k8s-events/kubernetes-api/core.v1.Event.json",
    ] {
        if let Some(p) = crate::fixture(rel) {
            let bytes = std::fs::read(p).unwrap();
            // The protobuf form too, so mutations hit the binary decoder.
            if rel.starts_with("otlp-json/trace")
                && let Ok(r) = serde_json::from_slice::<ExportTraceServiceRequest>(&bytes)
            {
                out.push(prost::Message::encode_to_vec(&r));
            }
            out.push(bytes);
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        all_decoders(&bytes);
    }

    #[test]
    fn mutated_fixtures_never_panic(which in 0usize..16, at in any::<usize>(), byte in any::<u8>(), cut in any::<bool>()) {
        let seeds = seeds();
        if seeds.is_empty() { return Ok(()); }
        let mut b = seeds[which % seeds.len()].clone();
        let i = at % b.len().max(1);
        if cut { b.truncate(i) } else if !b.is_empty() { b[i] = byte }
        all_decoders(&b);
    }
}
