//! The text waterfall: tree order, bars on one time line, outcomes.

use std::collections::BTreeMap;

use sightline_core::{Span, SpanKind, SpanStatus};
use sightline_telemetry::waterfall::{layout, render};

fn span(
    id: &str,
    parent: Option<&str>,
    service: &str,
    name: &str,
    start_ms: i64,
    dur_ms: i64,
) -> Span {
    Span {
        trace_id: "4bf92f3577b34da6a3ce929d0e0e4736".into(),
        span_id: id.into(),
        parent_span_id: parent.map(str::to_owned),
        service: service.into(),
        name: name.into(),
        kind: SpanKind::Server,
        start_time_unix_nano: 1_700_000_000_000_000_000 + start_ms * 1_000_000,
        duration_nano: dur_ms * 1_000_000,
        status: SpanStatus::Unset,
        status_message: None,
        http_route: None,
        http_status_code: None,
        db_system: None,
        rpc_system: None,
        rpc_service: None,
        rpc_method: None,
        region: None,
        service_version: None,
        pod: None,
        attributes: BTreeMap::new(),
    }
}

#[test]
fn a_trace_renders_as_an_indented_waterfall() {
    let mut root = span("a1", None, "frontend", "GET /checkout", 0, 400);
    root.http_status_code = Some(502);
    let mut pay = span("b2", Some("a1"), "payment", "POST /pay", 100, 250);
    pay.status = SpanStatus::Error;
    pay.status_message = Some("timeout".into());
    let cart = span("c3", Some("a1"), "cart", "GET /cart", 20, 60);
    let db = span("d4", Some("b2"), "payment", "SELECT", 120, 30);
    let orphan = span("e5", Some("zz"), "mailer", "send", 380, 20);
    // Given out of order: the layout sorts children by start time.
    let spans = vec![db, pay, orphan, root, cart];
    let rows = layout(&spans);
    let order: Vec<&str> = rows
        .iter()
        .map(|r| spans[r.index].span_id.as_str())
        .collect();
    assert_eq!(order, ["a1", "c3", "b2", "d4", "e5"]);
    let text = render(&spans, 20);
    let expected = "\
trace 4bf92f3577b34da6a3ce929d0e0e4736: 5 spans, 400.0 ms
frontend GET /checkout |####################|   400.0 ms  502
  cart GET /cart       | ###                |    60.0 ms
  payment POST /pay    |     #############  |   250.0 ms  ERROR: timeout
    payment SELECT     |      ##            |    30.0 ms
mailer send            |                   #|    20.0 ms
";
    assert_eq!(text, expected, "\n{text}");
    assert_eq!(render(&[], 20), "no spans received for this trace\n");
    // Garbage read back from a database renders instead of overflowing.
    let mut wild = span("f6", None, "x", "y", 0, 0);
    wild.start_time_unix_nano = i64::MIN;
    wild.duration_nano = i64::MAX;
    let text = render(&[wild, span("g7", None, "x", "z", 0, 1)], 20);
    assert_eq!(text.lines().count(), 3, "{text}");
}
