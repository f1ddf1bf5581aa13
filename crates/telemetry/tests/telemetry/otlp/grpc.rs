//! OTLP/gRPC through a tonic client: token, partial success, bad data.

use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::collector::trace::v1::trace_service_client::TraceServiceClient;
use sightline_telemetry::{BearerToken, IngestConfig, OtlpConfig};

use crate::{Server, fixture};

fn request() -> Option<ExportTraceServiceRequest> {
    let p = fixture("otlp-json/trace.json")?;
    Some(serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap())
}

#[tokio::test]
async fn grpc_checks_the_token_and_reports_partial_success() {
    let Some(mut req) = request() else { return };
    let cfg = OtlpConfig {
        bearer_token: Some(BearerToken::new("g")),
        ..OtlpConfig::default()
    };
    let s = Server::start(cfg, IngestConfig::default()).await;
    let mut client = TraceServiceClient::connect(format!("http://{}", s.grpc))
        .await
        .unwrap();
    let err = client.export(req.clone()).await.unwrap_err();
    assert_eq!(err.code(), tonic::Code::Unauthenticated);

    let mut bad = req.resource_spans[0].scope_spans[0].spans[0].clone();
    bad.span_id = vec![0; 8];
    req.resource_spans[0].scope_spans[0].spans.push(bad);
    let mut call = tonic::Request::new(req.clone());
    call.metadata_mut()
        .insert("authorization", "Bearer g".parse().unwrap());
    let resp = client.export(call).await.unwrap().into_inner();
    let ps = resp.partial_success.expect("partial success");
    assert_eq!(ps.rejected_spans, 1);
    assert!(
        ps.error_message
            .contains("spans[1].spanId: must not be all zeroes"),
        "{}",
        ps.error_message
    );
    assert_eq!(s.count("spans"), 1);

    req.resource_spans[0].scope_spans[0].spans.remove(0);
    let mut call = tonic::Request::new(req);
    call.metadata_mut()
        .insert("authorization", "Bearer g".parse().unwrap());
    let err = client.export(call).await.unwrap_err();
    assert_eq!(
        err.code(),
        tonic::Code::InvalidArgument,
        "every item invalid"
    );
    s.stop().await;
}

#[tokio::test]
async fn grpc_throttles_with_resource_exhausted_and_retry_info() {
    let Some(req) = request() else { return };
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
    let endpoint = format!("http://{}", s.grpc);
    let first = tokio::spawn({
        let (endpoint, req) = (endpoint.clone(), req.clone());
        async move {
            TraceServiceClient::connect(endpoint)
                .await
                .unwrap()
                .export(req)
                .await
        }
    });
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let mut client = TraceServiceClient::connect(endpoint).await.unwrap();
    let err = client.export(req).await.unwrap_err();
    assert_eq!(err.code(), tonic::Code::ResourceExhausted);
    let details: sightline_telemetry::otlp::status::RpcStatus =
        prost::Message::decode(err.details()).unwrap();
    assert_eq!(
        details.details[0].type_url,
        "type.googleapis.com/google.rpc.RetryInfo"
    );
    blocker.execute_batch("COMMIT").unwrap();
    assert!(first.await.unwrap().is_ok());
    assert_eq!(s.count("spans"), 1);
    s.stop().await;
}

#[tokio::test]
async fn grpc_refuses_messages_over_the_limit_before_decoding() {
    let Some(mut req) = request() else { return };
    let s = Server::start(
        OtlpConfig {
            max_body_bytes: 1024,
            ..OtlpConfig::default()
        },
        IngestConfig::default(),
    )
    .await;
    req.resource_spans[0].scope_spans[0].spans[0].name = "x".repeat(4096);
    let mut client = TraceServiceClient::connect(format!("http://{}", s.grpc))
        .await
        .unwrap();
    let err = client.export(req).await.unwrap_err();
    assert_eq!(err.code(), tonic::Code::OutOfRange, "{err}");
    assert_eq!(s.count("spans"), 0);
    s.stop().await;
}
