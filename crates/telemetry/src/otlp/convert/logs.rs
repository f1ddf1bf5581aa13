//! OTLP log records to [`LogRecord`]s.

use opentelemetry_proto::tonic::collector::logs::v1::ExportLogsServiceRequest;
use sightline_core::LogRecord;

use super::attrs::{self, Attributes, UNKNOWN_SERVICE};
use super::{Converted, nanos, optional_id_hex};

/// A log record's trace or span id: optional, and all zeroes means "not in
/// a span" (some SDKs send zeroes rather than nothing), not an error.
fn log_id(bytes: &[u8], len: usize) -> Result<Option<String>, String> {
    if bytes.iter().all(|b| *b == 0) {
        return Ok(None);
    }
    optional_id_hex(bytes, len)
}

/// Every valid record of the request; invalid ones are counted and the first
/// is named.
pub fn convert(req: &ExportLogsServiceRequest) -> Converted<LogRecord> {
    let mut out = Converted::default();
    for (ri, rl) in req.resource_logs.iter().enumerate() {
        let resource: Attributes = rl
            .resource
            .as_ref()
            .map(|r| attrs::to_map(&r.attributes))
            .unwrap_or_default();
        let service =
            attrs::string(&resource, "service.name").unwrap_or_else(|| UNKNOWN_SERVICE.to_owned());
        for (si, sl) in rl.scope_logs.iter().enumerate() {
            for (li, l) in sl.log_records.iter().enumerate() {
                let path = || format!("resourceLogs[{ri}].scopeLogs[{si}].logRecords[{li}]");
                let trace_id = match log_id(&l.trace_id, 16) {
                    Ok(id) => id,
                    Err(e) => {
                        out.reject(|| format!("{}.traceId", path()), &e);
                        continue;
                    }
                };
                let span_id = match log_id(&l.span_id, 8) {
                    Ok(id) => id,
                    Err(e) => {
                        out.reject(|| format!("{}.spanId", path()), &e);
                        continue;
                    }
                };
                // The spec lets a record carry only the time it was observed
                // (the Collector's file exporter output does).
                let time = if l.time_unix_nano != 0 {
                    l.time_unix_nano
                } else {
                    l.observed_time_unix_nano
                };
                let time = match nanos(time) {
                    Some(t) if t > 0 => t,
                    Some(_) => {
                        out.reject(
                            || format!("{}.timeUnixNano", path()),
                            "neither timeUnixNano nor observedTimeUnixNano is set",
                        );
                        continue;
                    }
                    None => {
                        out.reject(
                            || format!("{}.timeUnixNano", path()),
                            "beyond the year 2262",
                        );
                        continue;
                    }
                };
                let mut a = resource.clone();
                attrs::extend(&mut a, &l.attributes);
                if !l.event_name.is_empty() {
                    a.insert("event.name".into(), l.event_name.clone().into());
                }
                out.items.push(LogRecord {
                    time_unix_nano: time,
                    service: service.clone(),
                    severity_number: l.severity_number,
                    severity_text: Some(l.severity_text.clone()).filter(|t| !t.is_empty()),
                    body: attrs::body_text(l.body.as_ref()),
                    trace_id,
                    span_id,
                    attributes: a,
                });
            }
        }
    }
    out
}
