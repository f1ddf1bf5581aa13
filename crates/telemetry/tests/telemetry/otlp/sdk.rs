//! The real OpenTelemetry Rust SDK exporting to the receiver: OTLP/HTTP with
//! protobuf, OTLP/HTTP with JSON, and OTLP/gRPC, for traces, logs and
//! metrics. What the SDK sends is what production services send.

use opentelemetry::KeyValue;
use opentelemetry::logs::{LogRecord as _, Logger as _, LoggerProvider as _, Severity};
use opentelemetry::metrics::MeterProvider as _;
use opentelemetry::trace::{
    Span as _, SpanKind as OtelKind, Status, TraceContextExt, Tracer as _, TracerProvider as _,
};
use opentelemetry_otlp::{LogExporter, MetricExporter, Protocol, SpanExporter, WithExportConfig};
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::logs::SdkLoggerProvider;
use opentelemetry_sdk::metrics::SdkMeterProvider;
use opentelemetry_sdk::trace::SdkTracerProvider;
use sightline_core::{MetricKind, SpanKind, SpanStatus};
use sightline_store::queries;

use crate::Server;

#[derive(Clone, Copy, Debug)]
enum Transport {
    HttpProtobuf,
    HttpJson,
    Grpc,
}

/// Emits a two-span trace, a log inside it and two metrics through the SDK,
/// flushes, and returns the trace id.
fn emit(t: Transport, http: std::net::SocketAddr, grpc: std::net::SocketAddr) -> String {
    let resource = Resource::builder()
        .with_service_name("checkout")
        .with_attributes([
            KeyValue::new("cloud.region", "eu-west-1"),
            KeyValue::new("service.version", "1.4.2"),
        ])
        .build();
    let (spans, logs, metrics) = match t {
        Transport::HttpProtobuf | Transport::HttpJson => {
            let p = if matches!(t, Transport::HttpJson) {
                Protocol::HttpJson
            } else {
                Protocol::HttpBinary
            };
            (
                SpanExporter::builder()
                    .with_http()
                    .with_protocol(p)
                    .with_endpoint(format!("http://{http}/v1/traces"))
                    .build()
                    .unwrap(),
                LogExporter::builder()
                    .with_http()
                    .with_protocol(p)
                    .with_endpoint(format!("http://{http}/v1/logs"))
                    .build()
                    .unwrap(),
                MetricExporter::builder()
                    .with_http()
                    .with_protocol(p)
                    .with_endpoint(format!("http://{http}/v1/metrics"))
                    .build()
                    .unwrap(),
            )
        }
        Transport::Grpc => (
            SpanExporter::builder()
                .with_tonic()
                .with_endpoint(format!("http://{grpc}"))
                .build()
                .unwrap(),
            LogExporter::builder()
                .with_tonic()
                .with_endpoint(format!("http://{grpc}"))
                .build()
                .unwrap(),
            MetricExporter::builder()
                .with_tonic()
                .with_endpoint(format!("http://{grpc}"))
                .build()
                .unwrap(),
        ),
    };
    let tracer_provider = SdkTracerProvider::builder()
        .with_simple_exporter(spans)
        .with_resource(resource.clone())
        .build();
    let logger_provider = SdkLoggerProvider::builder()
        .with_simple_exporter(logs)
        .with_resource(resource.clone())
        .build();
    // The reader exports from a tokio task, so the async HTTP client has its
    // runtime (the default reader's own thread has none).
    let reader =
        opentelemetry_sdk::metrics::periodic_reader_with_async_runtime::PeriodicReader::builder(
            metrics,
            opentelemetry_sdk::runtime::Tokio,
        )
        .build();
    let meter_provider = SdkMeterProvider::builder()
        .with_reader(reader)
        .with_resource(resource)
        .build();

    let tracer = tracer_provider.tracer("sightline-test");
    let logger = logger_provider.logger("sightline-test");
    let meter = meter_provider.meter("sightline-test");
    let requests = meter.u64_counter("http.server.requests").build();
    let latency = meter
        .f64_histogram("http.server.request.duration")
        .with_unit("s")
        .build();

    let mut root = tracer
        .span_builder("POST /checkout")
        .with_kind(OtelKind::Server)
        .with_attributes([
            KeyValue::new("http.route", "/checkout"),
            KeyValue::new("http.response.status_code", 502),
        ])
        .start(&tracer);
    let trace_id = root.span_context().trace_id();
    let root_id = root.span_context().span_id();
    let cx =
        opentelemetry::Context::current().with_remote_span_context(root.span_context().clone());
    let mut child = tracer
        .span_builder("payment.Authorize")
        .with_kind(OtelKind::Client)
        .with_attributes([
            KeyValue::new("rpc.system", "grpc"),
            KeyValue::new("rpc.service", "payment.Payments"),
            KeyValue::new("rpc.method", "Authorize"),
        ])
        .start_with_context(&tracer, &cx);
    child.set_status(Status::error("deadline exceeded"));
    let mut rec = logger.create_log_record();
    rec.set_body("payment timed out".into());
    rec.set_severity_number(Severity::Error);
    rec.set_severity_text("ERROR");
    rec.set_trace_context(trace_id, child.span_context().span_id(), None);
    rec.add_attribute("order.id", "o-17");
    logger.emit(rec);
    child.end();
    root.set_status(Status::error("bad gateway"));
    root.end();
    requests.add(3, &[KeyValue::new("http.route", "/checkout")]);
    latency.record(0.25, &[KeyValue::new("http.route", "/checkout")]);
    latency.record(1.5, &[KeyValue::new("http.route", "/checkout")]);

    tracer_provider.shutdown().unwrap();
    logger_provider.shutdown().unwrap();
    meter_provider.shutdown().unwrap();
    let _ = root_id;
    format!("{trace_id}")
}

async fn exported_through(t: Transport) {
    let s = Server::default().await;
    let (http, grpc) = (s.http, s.grpc);
    // The SDK's simple processors block on each export: run them off the
    // async workers, which keep driving the receiver and the exporters' I/O.
    let trace_id = tokio::task::spawn_blocking(move || emit(t, http, grpc))
        .await
        .unwrap();
    let store = s.store();
    let spans = queries::spans::spans_for_trace(store.conn(), &trace_id).unwrap();
    assert_eq!(spans.len(), 2, "{t:?}: {spans:?}");
    let root = spans
        .iter()
        .find(|s| s.parent_span_id.is_none())
        .expect("root");
    let child = spans
        .iter()
        .find(|s| s.parent_span_id.is_some())
        .expect("child");
    assert_eq!(child.parent_span_id.as_deref(), Some(root.span_id.as_str()));
    assert_eq!(
        (root.service.as_str(), root.kind, root.status),
        ("checkout", SpanKind::Server, SpanStatus::Error)
    );
    assert_eq!(root.http_route.as_deref(), Some("/checkout"));
    assert_eq!(root.http_status_code, Some(502));
    assert_eq!(root.region.as_deref(), Some("eu-west-1"));
    assert_eq!(root.service_version.as_deref(), Some("1.4.2"));
    assert_eq!(root.attributes["telemetry.sdk.language"], "rust");
    assert_eq!(
        (child.kind, child.status_message.as_deref()),
        (SpanKind::Client, Some("deadline exceeded"))
    );
    assert_eq!(
        (
            child.rpc_system.as_deref(),
            child.rpc_service.as_deref(),
            child.rpc_method.as_deref()
        ),
        (Some("grpc"), Some("payment.Payments"), Some("Authorize"))
    );
    assert!(root.duration_nano >= child.duration_nano);

    let logs = queries::logs::for_trace(store.conn(), &trace_id).unwrap();
    assert_eq!(logs.len(), 1, "{t:?}");
    assert_eq!(
        (logs[0].body.as_str(), logs[0].severity_number),
        ("payment timed out", 17)
    );
    assert_eq!(logs[0].span_id.as_deref(), Some(child.span_id.as_str()));
    assert_eq!(logs[0].attributes["order.id"], "o-17");

    let counter =
        queries::metrics::series(store.conn(), "http.server.requests", 0, i64::MAX).unwrap();
    assert!(!counter.is_empty(), "{t:?}");
    assert!(
        matches!(counter.last().unwrap().value, MetricKind::Sum { value, monotonic: true } if value == 3.0)
    );
    assert_eq!(counter[0].service, "checkout");
    assert_eq!(counter[0].attributes["http.route"], "/checkout");
    let hist = queries::metrics::series(store.conn(), "http.server.request.duration", 0, i64::MAX)
        .unwrap();
    match &hist.last().unwrap().value {
        MetricKind::Histogram {
            count,
            sum,
            bounds,
            bucket_counts,
        } => {
            assert_eq!(*count, 2);
            assert!((sum - 1.75).abs() < 1e-9);
            assert_eq!(bucket_counts.len(), bounds.len() + 1);
            assert_eq!(bucket_counts.iter().sum::<u64>(), 2);
        }
        other => panic!("{t:?}: not a histogram: {other:?}"),
    }
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_rust_sdk_exports_over_http_protobuf() {
    exported_through(Transport::HttpProtobuf).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_rust_sdk_exports_over_http_json() {
    exported_through(Transport::HttpJson).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_rust_sdk_exports_over_grpc() {
    exported_through(Transport::Grpc).await;
}
