//! OTLP/HTTP: every published fixture stores; status codes, partial success,
//! throttling and limits behave as the OTLP specification says.

use std::io::Write;
use std::time::Duration;

use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use prost::Message;
use sightline_core::{MetricKind, SpanKind};
use sightline_store::queries;
use sightline_telemetry::otlp::status::RpcStatus;
use sightline_telemetry::{BearerToken, IngestConfig, OtlpConfig};

use crate::{Server, fixture, post};

const JSON: &str = "application/json";
const PROTO: &str = "application/x-protobuf";

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

#[tokio::test]
async fn every_otlp_json_example_is_stored_with_its_fields() {
    let Some(dir) = fixture("otlp-json") else {
        return;
    };
    let s = Server::default().await;
    for (file, path) in [
        ("trace.json", "/v1/traces"),
        ("logs.json", "/v1/logs"),
        ("events.json", "/v1/logs"),
        ("metrics.json", "/v1/metrics"),
    ] {
        let body = std::fs::read(dir.join(file)).unwrap();
        let r = post(&s.url(path), JSON, body, &[]).await;
        assert_eq!(r.status(), 200, "{file}: {}", r.text().await.unwrap());
        assert_eq!(r.headers()["content-type"], JSON);
        let doc: serde_json::Value = r.json().await.unwrap();
        assert!(
            doc.get("partialSuccess").is_none(),
            "{file}: nothing rejected: {doc}"
        );
    }
    let store = s.store();
    // Upper-case hex ids in the example are stored lower-case.
    let spans =
        queries::spans::spans_for_trace(store.conn(), "5B8EFFF798038103D269B633813FC60C").unwrap();
    assert_eq!(spans.len(), 1);
    let sp = &spans[0];
    assert_eq!(sp.trace_id, "5b8efff798038103d269b633813fc60c");
    assert_eq!(sp.span_id, "eee19b7ec3c1b174");
    assert_eq!(sp.parent_span_id.as_deref(), Some("eee19b7ec3c1b173"));
    assert_eq!(
        (sp.service.as_str(), sp.name.as_str(), sp.kind),
        ("my.service", "I'm a server span", SpanKind::Server)
    );
    assert_eq!(
        (sp.start_time_unix_nano, sp.duration_nano),
        (1_544_712_660_000_000_000, 1_000_000_000)
    );
    assert_eq!(sp.attributes["my.span.attr"], "some value");
    assert_eq!(sp.attributes["otel.scope.name"], "my.library");
    let logs = queries::logs::for_trace(store.conn(), "5b8efff798038103d269b633813fc60c").unwrap();
    assert_eq!(logs.len(), 1);
    assert_eq!(logs[0].body, "Example log record");
    assert_eq!(logs[0].severity_number, 10);
    assert_eq!(logs[0].attributes["int.attribute"], 10);
    assert_eq!(
        logs[0].attributes["array.attribute"],
        serde_json::json!(["many", "values"])
    );
    assert_eq!(
        logs[0].attributes["map.attribute"]["some.map.key"],
        "some value"
    );
    assert_eq!(
        queries::logs::count(store.conn()).unwrap(),
        2,
        "the event record too"
    );
    let range = (0, i64::MAX);
    let hist = queries::metrics::series(store.conn(), "my.histogram", range.0, range.1).unwrap();
    assert!(
        matches!(&hist[0].value, MetricKind::Histogram { count: 2, bounds, bucket_counts, .. } if bounds == &[1.0] && bucket_counts == &[1, 1])
    );
    let counter = queries::metrics::series(store.conn(), "my.counter", range.0, range.1).unwrap();
    assert_eq!(
        counter[0].value,
        MetricKind::Sum {
            value: 5.0,
            monotonic: true
        }
    );
    let exp = queries::metrics::series(store.conn(), "my.exponential.histogram", range.0, range.1)
        .unwrap();
    assert!(matches!(
        &exp[0].value,
        MetricKind::ExponentialHistogram {
            count: 3,
            zero_count: 1,
            positive_offset: 1,
            ..
        }
    ));
    assert_eq!(queries::metrics::count(store.conn()).unwrap(), 4);
    s.stop().await;
}

#[tokio::test]
async fn collector_file_exporter_output_is_stored_and_the_normalised_capture_refused() {
    let Some(dir) = fixture("otel-collector-file") else {
        return;
    };
    let s = Server::default().await;
    for (file, path, table, rows) in [
        ("traces.json", "/v1/traces", "spans", 2),
        ("logs.json", "/v1/logs", "logs", 1),
        ("metrics.json", "/v1/metrics", "metric_points", 3),
        (
            "opentelemetry-go-instrumentation/traces-orig.json",
            "/v1/traces",
            "spans",
            4,
        ),
    ] {
        let before = s.count(table);
        let body = std::fs::read(dir.join(file)).unwrap();
        let r = post(&s.url(path), JSON, body, &[]).await;
        assert_eq!(r.status(), 200, "{file}: {}", r.text().await.unwrap());
        assert_eq!(
            s.count(table),
            rows,
            "{file} added {} rows",
            s.count(table) - before
        );
    }
    // Root spans carry `parentSpanId: ""`: stored as no parent.
    let store = s.store();
    let spans =
        queries::spans::spans_for_trace(store.conn(), "9b458af7378cba65253d7042d34fc72e").unwrap();
    assert_eq!(
        spans.iter().filter(|s| s.parent_span_id.is_none()).count(),
        1
    );
    // Only observedTimeUnixNano: the record is timed by it.
    let logs = queries::logs::between(store.conn(), 0, i64::MAX, 10).unwrap();
    assert_eq!(logs[0].time_unix_nano, 1_715_753_202_587_469_939);
    assert_eq!(logs[0].trace_id, None, "an empty traceId is no trace");
    // The normalised capture replaced every id with "xxxxx": not OTLP.
    let bad = std::fs::read(dir.join("opentelemetry-go-instrumentation/traces.json")).unwrap();
    let before = s.count("spans");
    let r = post(&s.url("/v1/traces"), JSON, bad, &[]).await;
    assert_eq!(r.status(), 400);
    let st: serde_json::Value = r.json().await.unwrap();
    assert_eq!(st["code"], 3, "INVALID_ARGUMENT: {st}");
    assert!(st["message"].as_str().unwrap().contains("JSON"), "{st}");
    assert_eq!(
        s.count("spans"),
        before,
        "nothing from a refused request is stored"
    );
    s.stop().await;
}

fn fixture_request() -> Option<ExportTraceServiceRequest> {
    let p = fixture("otlp-json/trace.json")?;
    Some(serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap())
}

#[tokio::test]
async fn protobuf_with_and_without_gzip_is_stored_and_answered_in_protobuf() {
    let Some(req) = fixture_request() else { return };
    let s = Server::default().await;
    let plain = req.encode_to_vec();
    let r = post(&s.url("/v1/traces"), PROTO, plain.clone(), &[]).await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], PROTO);
    assert!(
        r.bytes().await.unwrap().is_empty(),
        "an empty response message: full success"
    );
    // The same span again, gzipped: a retry, so stored once.
    let r = post(
        &s.url("/v1/traces"),
        PROTO,
        gzip(&plain),
        &[("content-encoding", "gzip")],
    )
    .await;
    assert_eq!(r.status(), 200);
    assert_eq!(s.count("spans"), 1, "a retried span is not stored twice");
    s.stop().await;
}

#[tokio::test]
async fn malformed_bodies_are_400_with_a_status_and_store_nothing() {
    let s = Server::default().await;
    // Field 1 as a length-delimited message that runs past the end.
    let r = post(
        &s.url("/v1/traces"),
        PROTO,
        vec![0x0a, 0xff, 0x01, 0x02],
        &[],
    )
    .await;
    assert_eq!(r.status(), 400);
    let st = RpcStatus::decode(r.bytes().await.unwrap()).unwrap();
    assert_eq!(st.code, 3);
    assert!(st.message.contains("protobuf"), "{}", st.message);
    let r = post(
        &s.url("/v1/logs"),
        JSON,
        br#"{"resourceLogs": [ {"#.to_vec(),
        &[],
    )
    .await;
    assert_eq!(r.status(), 400);
    let st: serde_json::Value = r.json().await.unwrap();
    assert!(st["message"].as_str().unwrap().contains("line 1"), "{st}");
    let r = post(
        &s.url("/v1/metrics"),
        PROTO,
        b"not gzip".to_vec(),
        &[("content-encoding", "gzip")],
    )
    .await;
    assert_eq!(r.status(), 400);
    let r = post(&s.url("/v1/traces"), "text/plain", b"{}".to_vec(), &[]).await;
    assert_eq!(r.status(), 415);
    let r = post(
        &s.url("/v1/traces"),
        JSON,
        b"{}".to_vec(),
        &[("content-encoding", "br")],
    )
    .await;
    assert_eq!(r.status(), 415);
    for t in ["spans", "logs", "metric_points"] {
        assert_eq!(s.count(t), 0, "{t}");
    }
    s.stop().await;
}

#[tokio::test]
async fn bodies_over_the_limit_are_413_compressed_or_not() {
    let cfg = OtlpConfig {
        max_body_bytes: 4096,
        ..OtlpConfig::default()
    };
    let s = Server::start(cfg, IngestConfig::default()).await;
    let big = vec![b' '; 10_000];
    let r = post(&s.url("/v1/traces"), JSON, big.clone(), &[]).await;
    assert_eq!(r.status(), 413);
    // 10 kB of spaces gzips to a few dozen bytes: the limit applies after gunzip too.
    let bomb = gzip(&big);
    assert!(bomb.len() < 4096);
    let r = post(
        &s.url("/v1/traces"),
        JSON,
        bomb,
        &[("content-encoding", "gzip")],
    )
    .await;
    assert_eq!(r.status(), 413);
    s.stop().await;
}

#[tokio::test]
async fn a_configured_token_is_required_and_checked() {
    let Some(req) = fixture_request() else { return };
    let cfg = OtlpConfig {
        bearer_token: Some(BearerToken::new("t0ken")),
        ..OtlpConfig::default()
    };
    let s = Server::start(cfg, IngestConfig::default()).await;
    let body = req.encode_to_vec();
    let r = post(&s.url("/v1/traces"), PROTO, body.clone(), &[]).await;
    assert_eq!(r.status(), 401);
    assert_eq!(r.headers()["www-authenticate"], "Bearer");
    let r = post(
        &s.url("/v1/traces"),
        PROTO,
        body.clone(),
        &[("authorization", "Bearer nope")],
    )
    .await;
    assert_eq!(r.status(), 401);
    let r = post(
        &s.url("/v1/events/deploy"),
        JSON,
        br#"{"service":"a","version":"1"}"#.to_vec(),
        &[],
    )
    .await;
    assert_eq!(r.status(), 401, "the webhooks share the token");
    assert_eq!(s.count("spans"), 0);
    let r = post(
        &s.url("/v1/traces"),
        PROTO,
        body,
        &[("authorization", "Bearer t0ken")],
    )
    .await;
    assert_eq!(r.status(), 200);
    assert_eq!(s.count("spans"), 1);
    s.stop().await;
}

#[tokio::test]
async fn invalid_items_are_rejected_by_count_and_path_and_the_rest_stored() {
    let Some(mut req) = fixture_request() else {
        return;
    };
    let spans = &mut req.resource_spans[0].scope_spans[0].spans;
    let good = spans[0].clone();
    let mut short_id = good.clone();
    short_id.trace_id.truncate(4);
    let mut backwards = good.clone();
    backwards.span_id[0] ^= 1;
    backwards.end_time_unix_nano = backwards.start_time_unix_nano - 1;
    spans.extend([short_id, backwards]);
    let s = Server::default().await;
    let r = post(
        &s.url("/v1/traces"),
        JSON,
        serde_json::to_vec(&req).unwrap(),
        &[],
    )
    .await;
    assert_eq!(r.status(), 200);
    let doc: serde_json::Value = r.json().await.unwrap();
    let ps = &doc["partialSuccess"];
    let rejected = ps["rejectedSpans"]
        .as_i64()
        .or_else(|| ps["rejectedSpans"].as_str()?.parse().ok());
    assert_eq!(rejected, Some(2), "{doc}");
    let msg = ps["errorMessage"].as_str().unwrap();
    assert!(
        msg.starts_with(
            "resourceSpans[0].scopeSpans[0].spans[1].traceId: must be 16 bytes, found 4"
        ),
        "{msg}"
    );
    assert!(msg.ends_with("(and 1 more rejected)"), "{msg}");
    assert_eq!(s.count("spans"), 1);
    // Every item invalid: the request as a whole is bad data.
    req.resource_spans[0].scope_spans[0].spans.remove(0);
    let r = post(&s.url("/v1/traces"), PROTO, req.encode_to_vec(), &[]).await;
    assert_eq!(r.status(), 400);
    s.stop().await;
}

#[tokio::test]
async fn a_full_queue_answers_429_with_retry_after_and_a_stuck_store_503() {
    let Some(req) = fixture_request() else { return };
    let body = req.encode_to_vec();
    // One item of room, and the database locked by another writer: the first
    // request fills the queue and waits on the lock.
    let s = Server::start(
        OtlpConfig::default(),
        IngestConfig {
            queue_items: 1,
            ..IngestConfig::default()
        },
    )
    .await;
    let blocker = rusqlite::Connection::open(&s.db).unwrap();
    blocker.execute_batch("BEGIN IMMEDIATE").unwrap();
    let url = s.url("/v1/traces");
    let first = tokio::spawn({
        let (url, body) = (url.clone(), body.clone());
        async move { post(&url, PROTO, body, &[]).await }
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    let mut other = req.clone();
    other.resource_spans[0].scope_spans[0].spans[0].span_id[7] ^= 1;
    let r = post(&url, PROTO, other.encode_to_vec(), &[]).await;
    assert_eq!(r.status(), 429);
    assert_eq!(r.headers()["retry-after"], "2");
    let st = RpcStatus::decode(r.bytes().await.unwrap()).unwrap();
    assert_eq!(st.code, 8, "RESOURCE_EXHAUSTED");
    assert_eq!(
        st.details[0].type_url,
        "type.googleapis.com/google.rpc.RetryInfo"
    );
    blocker.execute_batch("COMMIT").unwrap();
    let r = first.await.unwrap();
    assert_eq!(
        r.status(),
        200,
        "the waiting request is stored once the lock is gone"
    );
    assert_eq!(s.count("spans"), 1);
    assert_eq!(s.ingest.stats().throttled_requests, 1);

    // Held past the store's busy timeout (5 s): the writer gives up and the
    // client is told to retry, not told it was stored.
    blocker.execute_batch("BEGIN IMMEDIATE").unwrap();
    let r = post(&url, JSON, serde_json::to_vec(&other).unwrap(), &[]).await;
    assert_eq!(r.status(), 503);
    assert_eq!(r.headers()["retry-after"], "2");
    blocker.execute_batch("ROLLBACK").unwrap();
    assert_eq!(s.count("spans"), 1);
    let r = post(&url, PROTO, other.encode_to_vec(), &[]).await;
    assert_eq!(r.status(), 200, "and the retry succeeds");
    assert_eq!(s.count("spans"), 2);
    s.stop().await;
}

#[tokio::test]
async fn log_records_with_zero_ids_are_stored_as_outside_any_span() {
    let s = Server::default().await;
    let body = br#"{"resourceLogs":[{"scopeLogs":[{"logRecords":[
        {"timeUnixNano":"1700000000000000000","body":{"stringValue":"boot"},
         "traceId":"00000000000000000000000000000000","spanId":"0000000000000000"},
        {"timeUnixNano":"1700000000000000001","body":{"stringValue":"bad"},"traceId":"abcd"}]}]}]}"#;
    let r = post(&s.url("/v1/logs"), JSON, body.to_vec(), &[]).await;
    assert_eq!(r.status(), 200);
    let doc: serde_json::Value = r.json().await.unwrap();
    let msg = doc["partialSuccess"]["errorMessage"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        msg.contains("logRecords[1].traceId: must be 16 bytes, found 2"),
        "{msg}"
    );
    let store = s.store();
    let logs = queries::logs::between(store.conn(), 0, i64::MAX, 10).unwrap();
    assert_eq!(logs.len(), 1);
    assert_eq!(
        (logs[0].trace_id.as_deref(), logs[0].span_id.as_deref()),
        (None, None)
    );
    assert_eq!(
        logs[0].service, "unknown_service",
        "no resource: the spec's default name"
    );
    s.stop().await;
}
