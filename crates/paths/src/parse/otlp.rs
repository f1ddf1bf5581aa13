//! Server spans to requests. Decoding OTLP is `sightline-telemetry`'s job;
//! the caller hands over each span's time, kind and merged attributes, and
//! this maps the HTTP semantic conventions (current names first, the older
//! ones as fallbacks).

use std::collections::BTreeMap;

use serde_json::Value;

use crate::request::{Request, strip_query};

fn s<'a>(a: &'a BTreeMap<String, Value>, keys: &[&str]) -> Option<&'a str> {
    keys.iter().find_map(|k| a.get(*k).and_then(Value::as_str))
}

fn n(a: &BTreeMap<String, Value>, keys: &[&str]) -> Option<i64> {
    keys.iter().find_map(|k| {
        a.get(*k).and_then(|v| {
            v.as_i64()
                .or_else(|| v.as_str().and_then(|t| t.parse().ok()))
        })
    })
}

/// A request from a server span, or `None` when the span is not an HTTP
/// server span (no method, or no path nor route).
pub fn request(
    start_unix_nano: i64,
    duration_nano: i64,
    attributes: &BTreeMap<String, Value>,
) -> Option<Request> {
    let method = s(attributes, &["http.request.method", "http.method"])?;
    let route = s(attributes, &["http.route"]);
    let path = s(attributes, &["url.path", "http.target"])
        .map(strip_query)
        .or(route)?;
    let status = n(
        attributes,
        &["http.response.status_code", "http.status_code"],
    )
    .unwrap_or(0)
    .clamp(0, 999) as u16;
    let mut r = Request::new(start_unix_nano / 1_000_000, method, path, status);
    r.route = route.map(str::to_owned);
    r.duration_ms = Some(duration_nano as f64 / 1e6).filter(|d| *d >= 0.0);
    r.client = s(
        attributes,
        &["client.address", "net.sock.peer.addr", "net.peer.ip"],
    )
    .unwrap_or("")
    .to_owned();
    r.user_agent = s(attributes, &["user_agent.original", "http.user_agent"])
        .unwrap_or("")
        .to_owned();
    r.session = s(attributes, &["session.id"]).map(str::to_owned);
    r.user = s(attributes, &["user.id", "enduser.id"]).map(str::to_owned);
    Some(r)
}
