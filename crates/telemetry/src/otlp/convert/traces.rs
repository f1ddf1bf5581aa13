//! OTLP spans to [`Span`]s.

use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::trace::v1::span::SpanKind as ProtoKind;
use opentelemetry_proto::tonic::trace::v1::status::StatusCode;
use sightline_core::{Span, SpanKind, SpanStatus};

use super::attrs::{self, Attributes, UNKNOWN_SERVICE};
use super::{Converted, id_hex, nanos, optional_id_hex};

fn kind(k: i32) -> SpanKind {
    match ProtoKind::try_from(k) {
        Ok(ProtoKind::Internal) => SpanKind::Internal,
        Ok(ProtoKind::Server) => SpanKind::Server,
        Ok(ProtoKind::Client) => SpanKind::Client,
        Ok(ProtoKind::Producer) => SpanKind::Producer,
        Ok(ProtoKind::Consumer) => SpanKind::Consumer,
        // Unknown values are legal in proto3 (a newer producer): not an error.
        Ok(ProtoKind::Unspecified) | Err(_) => SpanKind::Unspecified,
    }
}

fn status(code: i32) -> SpanStatus {
    match StatusCode::try_from(code) {
        Ok(StatusCode::Ok) => SpanStatus::Ok,
        Ok(StatusCode::Error) => SpanStatus::Error,
        Ok(StatusCode::Unset) | Err(_) => SpanStatus::Unset,
    }
}

/// Every valid span of the request; invalid ones are counted and the first
/// is named.
pub fn convert(req: &ExportTraceServiceRequest) -> Converted<Span> {
    let mut out = Converted::default();
    for (ri, rs) in req.resource_spans.iter().enumerate() {
        let resource: Attributes = rs
            .resource
            .as_ref()
            .map(|r| attrs::to_map(&r.attributes))
            .unwrap_or_default();
        let service =
            attrs::string(&resource, "service.name").unwrap_or_else(|| UNKNOWN_SERVICE.to_owned());
        for (si, ss) in rs.scope_spans.iter().enumerate() {
            let mut scoped = resource.clone();
            if let Some(scope) = ss.scope.as_ref().filter(|s| !s.name.is_empty()) {
                scoped.insert("otel.scope.name".into(), scope.name.clone().into());
                if !scope.version.is_empty() {
                    scoped.insert("otel.scope.version".into(), scope.version.clone().into());
                }
            }
            for (pi, s) in ss.spans.iter().enumerate() {
                let path = || format!("resourceSpans[{ri}].scopeSpans[{si}].spans[{pi}]");
                let trace_id = match id_hex(&s.trace_id, 16) {
                    Ok(id) => id,
                    Err(e) => {
                        out.reject(|| format!("{}.traceId", path()), &e);
                        continue;
                    }
                };
                let span_id = match id_hex(&s.span_id, 8) {
                    Ok(id) => id,
                    Err(e) => {
                        out.reject(|| format!("{}.spanId", path()), &e);
                        continue;
                    }
                };
                let parent_span_id = match optional_id_hex(&s.parent_span_id, 8) {
                    Ok(id) => id,
                    Err(e) => {
                        out.reject(|| format!("{}.parentSpanId", path()), &e);
                        continue;
                    }
                };
                let (Some(start), Some(end)) =
                    (nanos(s.start_time_unix_nano), nanos(s.end_time_unix_nano))
                else {
                    out.reject(path, "timestamps beyond the year 2262");
                    continue;
                };
                if start == 0 {
                    out.reject(|| format!("{}.startTimeUnixNano", path()), "is required");
                    continue;
                }
                if end < start {
                    out.reject(
                        || format!("{}.endTimeUnixNano", path()),
                        "is before startTimeUnixNano",
                    );
                    continue;
                }
                let mut a = scoped.clone();
                attrs::extend(&mut a, &s.attributes);
                let st = s.status.as_ref();
                out.items.push(Span {
                    trace_id,
                    span_id,
                    parent_span_id,
                    service: service.clone(),
                    name: s.name.clone(),
                    kind: kind(s.kind),
                    start_time_unix_nano: start,
                    duration_nano: end - start,
                    status: st.map_or(SpanStatus::Unset, |st| status(st.code)),
                    status_message: st.map(|st| st.message.clone()).filter(|m| !m.is_empty()),
                    http_route: attrs::string(&a, "http.route"),
                    http_status_code: attrs::int(&a, "http.response.status_code")
                        .or_else(|| attrs::int(&a, "http.status_code")),
                    db_system: attrs::string(&a, "db.system")
                        .or_else(|| attrs::string(&a, "db.system.name")),
                    rpc_system: attrs::string(&a, "rpc.system"),
                    rpc_service: attrs::string(&a, "rpc.service"),
                    rpc_method: attrs::string(&a, "rpc.method"),
                    region: attrs::string(&a, "cloud.region"),
                    service_version: attrs::string(&a, "service.version"),
                    pod: attrs::string(&a, "k8s.pod.name"),
                    attributes: a,
                });
            }
        }
    }
    out
}
