//! Spans, logs and metric points: round trips, idempotent span retries, and
//! retention by age and by size.

use std::collections::BTreeMap;

use sightline_core::{LogRecord, MetricKind, MetricPoint, Span, SpanKind, SpanStatus};
use sightline_store::{RetentionPolicy, Store, TelemetryBatch, queries, retention};

const T0_NS: i64 = 1_790_000_000_000 * 1_000_000;

fn span(i: usize, start_ns: i64) -> Span {
    let mut attributes = BTreeMap::new();
    attributes.insert("http.route".into(), serde_json::json!("/pay"));
    attributes.insert("padding".into(), serde_json::json!("x".repeat(200)));
    Span {
        trace_id: format!("{:032x}", i / 8 + 1),
        span_id: format!("{:016x}", i + 1),
        parent_span_id: (!i.is_multiple_of(8)).then(|| format!("{:016x}", i - i % 8 + 1)),
        service: ["payment", "cart"][i % 2].into(),
        name: "POST /pay".into(),
        kind: SpanKind::Server,
        start_time_unix_nano: start_ns,
        duration_nano: 1_000_000,
        status: if i.is_multiple_of(5) {
            SpanStatus::Error
        } else {
            SpanStatus::Ok
        },
        status_message: i.is_multiple_of(5).then(|| "timeout".into()),
        http_route: Some("/pay".into()),
        http_status_code: Some(200),
        db_system: None,
        rpc_system: Some("grpc".into()),
        rpc_service: Some("payment.Payments".into()),
        rpc_method: Some("Authorize".into()),
        region: Some("us-east-1".into()),
        service_version: Some("1.4.2".into()),
        pod: Some("payment-7d9f".into()),
        attributes,
    }
}

fn log(i: usize, t: i64) -> LogRecord {
    LogRecord {
        time_unix_nano: t,
        service: "payment".into(),
        severity_number: 17,
        severity_text: Some("ERROR".into()),
        body: format!("failure {i}"),
        trace_id: Some(format!("{:032x}", i / 8 + 1)),
        span_id: None,
        attributes: BTreeMap::new(),
    }
}

fn gauge(t: i64) -> MetricPoint {
    MetricPoint {
        name: "queue.depth".into(),
        service: "payment".into(),
        time_unix_nano: t,
        attributes: BTreeMap::new(),
        value: MetricKind::Gauge { value: 3.0 },
    }
}

#[test]
fn spans_round_trip_and_a_retry_is_stored_once() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path().join("s.db")).unwrap();
    // 70 spans: two full 32-row chunks and six single rows.
    let spans: Vec<Span> = (0..70).map(|i| span(i, T0_NS + i as i64)).collect();
    let batch = TelemetryBatch::Spans(spans.clone());
    let w = store.insert_telemetry(&[&batch], 0).unwrap();
    assert_eq!((w[0].stored, w[0].duplicates), (70, 0));
    let w = store.insert_telemetry(&[&batch], 0).unwrap();
    assert_eq!((w[0].stored, w[0].duplicates), (0, 70));
    let trace = queries::spans::spans_for_trace(store.conn(), &spans[8].trace_id).unwrap();
    assert_eq!(trace, spans[8..16].to_vec());
    let payment =
        queries::spans::for_service(store.conn(), "payment", T0_NS, T0_NS + 10, 100).unwrap();
    assert_eq!(payment.len(), 5);
    let sums = MetricPoint {
        value: MetricKind::Summary {
            count: 3,
            sum: 1.5,
            quantiles: vec![(0.5, f64::NAN), (0.99, 0.9)],
        },
        ..gauge(T0_NS)
    };
    store
        .insert_telemetry(&[&TelemetryBatch::Metrics(vec![sums])], 0)
        .unwrap();
    let back = queries::metrics::series(store.conn(), "queue.depth", 0, i64::MAX).unwrap();
    let MetricKind::Summary { quantiles, .. } = &back[0].value else {
        panic!()
    };
    assert!(
        quantiles[0].1.is_nan(),
        "NaN quantiles survive the JSON column"
    );
    assert_eq!(quantiles[1], (0.99, 0.9));
}

#[test]
fn retention_prunes_by_age_and_keeps_runs() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path().join("s.db")).unwrap();
    let day_ns = 86_400_000_000_000i64;
    let now_ms = (T0_NS + 10 * day_ns) / 1_000_000;
    let spans: Vec<Span> = (0..100)
        .map(|i| span(i, T0_NS + (i as i64 % 10) * day_ns))
        .collect();
    let logs: Vec<LogRecord> = (0..50)
        .map(|i| log(i, T0_NS + (i as i64 % 10) * day_ns))
        .collect();
    let points: Vec<MetricPoint> = (0..20).map(|i| gauge(T0_NS + (i % 10) * day_ns)).collect();
    store
        .insert_telemetry(
            &[
                &TelemetryBatch::Spans(spans),
                &TelemetryBatch::Logs(logs),
                &TelemetryBatch::Metrics(points),
            ],
            0,
        )
        .unwrap();
    let policy = RetentionPolicy {
        max_age_ms: Some(3 * 86_400_000),
        max_bytes: None,
    };
    let r = store.prune_telemetry(&policy, now_ms).unwrap();
    // Days 0..=6 are older than three days before day 10.
    assert_eq!((r.spans, r.logs, r.metric_points), (70, 35, 14));
    assert_eq!(queries::spans::count(store.conn()).unwrap(), 30);
    assert_eq!(queries::logs::count(store.conn()).unwrap(), 15);
    let again = store.prune_telemetry(&policy, now_ms).unwrap();
    assert_eq!(
        again.spans + again.logs + again.metric_points,
        0,
        "idempotent"
    );
}

#[test]
fn retention_prunes_the_oldest_until_the_size_fits() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path().join("s.db")).unwrap();
    let spans: Vec<Span> = (0..20_000).map(|i| span(i, T0_NS + i as i64)).collect();
    store
        .insert_telemetry(&[&TelemetryBatch::Spans(spans)], 0)
        .unwrap();
    let before = retention::used_bytes(store.conn()).unwrap();
    let limit = before / 2;
    let policy = RetentionPolicy {
        max_age_ms: None,
        max_bytes: Some(limit),
    };
    let r = store.prune_telemetry(&policy, 0).unwrap();
    assert!(!r.still_over_size, "{r:?}");
    assert!(r.used_bytes_after <= limit, "{r:?}");
    assert!(r.spans > 5_000 && r.spans < 20_000, "{r:?}");
    // The oldest went first: what is left is the newest.
    let left = queries::spans::count(store.conn()).unwrap();
    let oldest_left: i64 = store
        .conn()
        .query_row("SELECT min(start_unix_nano) FROM spans", [], |r| r.get(0))
        .unwrap();
    assert_eq!(oldest_left, T0_NS + 20_000 - left);
    // A limit that only runs and events would break is reported, not looped on.
    let tiny = RetentionPolicy {
        max_age_ms: None,
        max_bytes: Some(1),
    };
    let r = store.prune_telemetry(&tiny, 0).unwrap();
    assert!(r.still_over_size);
    assert_eq!(queries::spans::count(store.conn()).unwrap(), 0);
}
