//! Any bytes as an OTLP/HTTP body: every signal, both formats, gzip or not,
//! then validation. Must never panic, whatever the input.
#![no_main]

use libfuzzer_sys::fuzz_target;
use opentelemetry_proto::tonic::collector::logs::v1::ExportLogsServiceRequest;
use opentelemetry_proto::tonic::collector::metrics::v1::ExportMetricsServiceRequest;
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use sightline_telemetry::otlp::convert::{logs, metrics, traces};
use sightline_telemetry::otlp::decode::{Format, decode, decompress};

fuzz_target!(|data: &[u8]| {
    let Some((&selector, body)) = data.split_first() else { return };
    let format = if selector & 1 == 0 { Format::Protobuf } else { Format::Json };
    let encoding = if selector & 2 == 0 { None } else { Some("gzip") };
    let Ok(plain) = decompress(body, encoding, 1 << 20) else { return };
    match (selector >> 2) % 3 {
        0 => {
            if let Ok(r) = decode::<ExportTraceServiceRequest>(&plain, format, "traces") {
                let _ = traces::convert(&r).message();
            }
        }
        1 => {
            if let Ok(r) = decode::<ExportLogsServiceRequest>(&plain, format, "logs") {
                let _ = logs::convert(&r).message();
            }
        }
        _ => {
            if let Ok(r) = decode::<ExportMetricsServiceRequest>(&plain, format, "metrics") {
                let _ = metrics::convert(&r).message();
            }
        }
    }
});
