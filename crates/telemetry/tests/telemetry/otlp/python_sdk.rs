//! The official OpenTelemetry Python SDK (PyPI `opentelemetry-sdk` with the
//! OTLP HTTP and gRPC exporters) sending to the receiver, when installed.
//!
//! Optional: the Python interpreter is `$SIGHTLINE_OTEL_PYTHON` (default
//! `python3`); when it cannot import the exporters the test says so and
//! passes without checking anything. Set it up with:
//! `python3 -m venv ~/.cache/sightline/py-otel && ~/.cache/sightline/py-otel/bin/pip install
//! opentelemetry-sdk opentelemetry-exporter-otlp-proto-http opentelemetry-exporter-otlp-proto-grpc`.

use sightline_core::SpanKind;
use sightline_store::queries;

use crate::Server;

const SCRIPT: &str = r#"
import sys
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.trace import SpanKind
mode, endpoint = sys.argv[1], sys.argv[2]
if mode == "http":
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    exporter = OTLPSpanExporter(endpoint=endpoint)
else:
    from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter
    exporter = OTLPSpanExporter(endpoint=endpoint, insecure=True)
provider = TracerProvider(resource=Resource.create({"service.name": "py-shop", "cloud.region": "ap-south-1"}))
provider.add_span_processor(SimpleSpanProcessor(exporter))
tracer = provider.get_tracer("sightline-test")
with tracer.start_as_current_span("GET /search", kind=SpanKind.SERVER,
        attributes={"http.route": "/search", "http.response.status_code": 200}) as root:
    with tracer.start_as_current_span("SELECT products", kind=SpanKind.CLIENT,
            attributes={"db.system": "postgresql"}):
        pass
    print(format(root.get_span_context().trace_id, "032x"))
provider.shutdown()
"#;

fn python() -> Option<String> {
    let py = std::env::var("SIGHTLINE_OTEL_PYTHON").unwrap_or_else(|_| "python3".into());
    let probe = std::process::Command::new(&py)
        .args([
            "-c",
            "import opentelemetry.sdk, opentelemetry.exporter.otlp.proto.http.trace_exporter, opentelemetry.exporter.otlp.proto.grpc.trace_exporter",
        ])
        .output();
    match probe {
        Ok(o) if o.status.success() => Some(py),
        _ => {
            eprintln!(
                "SKIPPED: {py} cannot import the OpenTelemetry Python SDK and OTLP exporters; set SIGHTLINE_OTEL_PYTHON to a Python that has them"
            );
            None
        }
    }
}

async fn run(py: &str, mode: &str, endpoint: &str) -> String {
    let out = tokio::process::Command::new(py)
        .args(["-c", SCRIPT, mode, endpoint])
        .output()
        .await
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_python_sdk_exports_over_http_and_grpc() {
    let Some(py) = python() else { return };
    let s = Server::default().await;
    for (mode, endpoint) in [
        ("http", s.url("/v1/traces")),
        ("grpc", format!("http://{}", s.grpc)),
    ] {
        let trace_id = run(&py, mode, &endpoint).await;
        let store = s.store();
        let spans = queries::spans::spans_for_trace(store.conn(), &trace_id).unwrap();
        assert_eq!(spans.len(), 2, "{mode}: {spans:?}");
        let root = spans.iter().find(|x| x.parent_span_id.is_none()).unwrap();
        let db = spans.iter().find(|x| x.parent_span_id.is_some()).unwrap();
        assert_eq!(
            (root.service.as_str(), root.kind),
            ("py-shop", SpanKind::Server)
        );
        assert_eq!(
            (root.http_route.as_deref(), root.http_status_code),
            (Some("/search"), Some(200))
        );
        assert_eq!(root.region.as_deref(), Some("ap-south-1"));
        assert_eq!(root.attributes["telemetry.sdk.language"], "python");
        assert_eq!(
            (db.kind, db.db_system.as_deref()),
            (SpanKind::Client, Some("postgresql"))
        );
    }
    s.stop().await;
}
