//! The shop exports through the OpenTelemetry SDK over OTLP/HTTP to Sightline's
//! own receiver, running for real on loopback over a real SQLite file: the
//! stored spans are the trace tree the shop served, with the resource
//! conventions, and logs and metrics arrive beside them.

use std::collections::HashMap;
use std::time::Duration;

use reqwest::header::COOKIE;
use sightline_core::{MetricKind, SpanStatus};
use sightline_demo_shop::OtelConfig;
use sightline_demo_shop::otel::pod_name;
use sightline_demo_shop::trace::SpanRecord;
use sightline_store::{Store, queries};

use crate::{FormExt, admin_post, client, get_json, login, receiver, shop_with};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn spans_logs_and_metrics_reach_sightlines_receiver_over_otlp() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("telemetry.db");
    let (endpoint, receiver) = receiver(&db).await;
    let shop = shop_with(&["us-east-1"], |c| {
        c.otlp = Some(OtelConfig {
            export_interval: Duration::from_millis(200),
            metrics_interval: Duration::from_millis(200),
            ..OtelConfig::new(endpoint.clone())
        });
    })
    .await;
    let base = shop.frontend_url("us-east-1").unwrap().to_owned();
    let c = client();
    // A red herring: CPU burns on catalog, nobody is hurt.
    admin_post(
        &shop,
        "/admin/faults",
        serde_json::json!({"service": "catalog", "region": "us-east-1",
            "kind": {"type": "cpu_spike", "threads": 1}}),
    )
    .await;

    let cookie = login(&c, &base, "bob@example.com").await;
    let checkout = |trace: &str| {
        let (c, base, cookie) = (c.clone(), base.clone(), cookie.clone());
        let tp = format!("00-{trace}-00f067aa0ba902b7-01");
        async move {
            c.post(format!("{base}/cart/add"))
                .header(COOKIE, &cookie)
                .form_pairs(&[("sku", "HAT-6")])
                .send()
                .await
                .unwrap();
            c.post(format!("{base}/checkout"))
                .header(COOKIE, &cookie)
                .header("traceparent", tp)
                .send()
                .await
                .unwrap()
                .status()
        }
    };
    let healthy = "4bf92f3577b34da6a3ce929d0e0e4736";
    assert_eq!(checkout(healthy).await, 303);
    admin_post(
        &shop,
        "/admin/faults",
        serde_json::json!({"service": "payment", "region": "us-east-1",
            "kind": {"type": "error_rate", "rate": 1.0, "status": 500}}),
    )
    .await;
    let failing = "5c0a3e8f7d2b4c6a9e1f0b2d4c6e8a01";
    assert_eq!(checkout(failing).await, 502);
    let in_memory: Vec<SpanRecord> = get_json(format!(
        "{}/admin/spans?trace_id={healthy}",
        shop.admin_url()
    ))
    .await;
    // Two reader intervals, so the observable gauges are collected with the spike on.
    tokio::time::sleep(Duration::from_millis(600)).await;
    shop.shutdown().await; // flushes the SDK pipelines
    receiver.stop().await;

    let store = Store::open_read_only(&db).unwrap();
    let spans = queries::spans::spans_for_trace(store.conn(), healthy).unwrap();
    let stored: HashMap<&str, _> = spans.iter().map(|s| (s.span_id.as_str(), s)).collect();
    assert_eq!(spans.len(), in_memory.len(), "{spans:#?}");
    for mem in &in_memory {
        let s = stored
            .get(mem.span_id.as_str())
            .unwrap_or_else(|| panic!("span {} of {} not exported", mem.span_id, mem.service));
        assert_eq!(s.parent_span_id, mem.parent_span_id, "{}", mem.service);
        assert_eq!(s.service, mem.service);
        assert_eq!(s.http_route.as_deref(), Some(mem.route.as_str()));
        assert_eq!(s.http_status_code, Some(i64::from(mem.status)));
        assert_eq!(s.region.as_deref(), Some("us-east-1"));
        assert_eq!(s.service_version.as_deref(), Some(mem.version.as_str()));
        assert_eq!(
            s.pod.as_deref(),
            Some(pod_name(&mem.service, "us-east-1", &mem.version).as_str())
        );
        assert_eq!(s.attributes["deployment.environment"], "demo");
        assert_eq!(s.status, SpanStatus::Unset, "{}", mem.service);
    }
    let frontend = spans.iter().find(|s| s.service == "frontend").unwrap();
    assert_eq!(
        frontend.parent_span_id.as_deref(),
        Some("00f067aa0ba902b7"),
        "the browser's traceparent starts the trace"
    );
    for service in ["auth", "cart", "catalog", "inventory", "payment"] {
        assert!(spans.iter().any(|s| s.service == service), "no {service}");
    }

    let spans = queries::spans::spans_for_trace(store.conn(), failing).unwrap();
    let payment = spans.iter().find(|s| s.service == "payment").unwrap();
    assert_eq!(payment.status, SpanStatus::Error);
    assert_eq!(payment.http_status_code, Some(500));
    assert_eq!(
        payment.status_message.as_deref(),
        Some("payment injected error")
    );
    let front = spans.iter().find(|s| s.service == "frontend").unwrap();
    assert_eq!(front.status, SpanStatus::Error);
    assert!(
        front
            .status_message
            .as_deref()
            .is_some_and(|m| m.contains("payment")),
        "{front:?}"
    );
    assert!(
        queries::logs::for_trace(store.conn(), healthy)
            .unwrap()
            .is_empty(),
        "successful requests are not logged by default"
    );
    let logs = queries::logs::for_trace(store.conn(), failing).unwrap();
    let error = logs
        .iter()
        .find(|l| l.service == "payment")
        .expect("payment's access log of the failing trace");
    assert_eq!(error.severity_number, 17, "ERROR");
    assert_eq!(error.span_id.as_deref(), Some(payment.span_id.as_str()));
    assert!(
        error.body.contains("payment injected error"),
        "{}",
        error.body
    );

    let series = |name: &str, service: &str| {
        queries::metrics::series(store.conn(), name, 0, i64::MAX)
            .unwrap()
            .into_iter()
            .filter(|p| p.service == service)
            .collect::<Vec<_>>()
    };
    let durations = series("http.server.request.duration", "payment");
    assert!(
        durations
            .iter()
            .any(|p| matches!(p.value, MetricKind::Histogram { count, .. } if count >= 1)),
        "{durations:?}"
    );
    let errors = series("http.server.request.errors", "payment");
    assert!(
        errors
            .iter()
            .any(|p| matches!(p.value, MetricKind::Sum { value, .. } if value >= 1.0)),
        "{errors:?}"
    );
    let cpu = |service: &str| {
        series("process.cpu.utilization", service)
            .iter()
            .filter_map(|p| match p.value {
                MetricKind::Gauge { value } => Some(value),
                _ => None,
            })
            .fold(0.0_f64, f64::max)
    };
    assert!(
        cpu("catalog") > 0.5 && cpu("payment") < 0.2,
        "catalog {} payment {}",
        cpu("catalog"),
        cpu("payment")
    );
}
