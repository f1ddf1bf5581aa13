//! `runs_page` and `run_detail` against a real database and artifact folder.

use std::collections::HashSet;

use sightline_api::runs::{RunDetailRequest, RunsPageRequest, run_detail, runs_page};
use sightline_api::{ErrorCode, IpcError};
use sightline_core::Outcome;
use sightline_store::queries::artifacts::{self, RunArtifact};

use crate::fixture::{NOW_MS, Project, run};

#[test]
fn pages_walk_every_run_once_newest_first_even_with_equal_start_times() {
    let p = Project::new();
    let mut runs = Vec::new();
    for i in 0..250 {
        // Pairs share a start time, so the id must break the tie.
        let at = NOW_MS - (i / 2) * 1000;
        let region = if i % 2 == 0 { "eu-west-1" } else { "us-east-1" };
        runs.push(run("checkout", region, at, Outcome::Pass, 900 + i));
    }
    runs.push(run("search", "eu-west-1", NOW_MS, Outcome::Pass, 100));
    p.insert(&runs);

    let mut seen = Vec::new();
    let mut before = None;
    loop {
        let page = runs_page(
            &p.ctx,
            RunsPageRequest {
                journey: Some("checkout".into()),
                before: before.clone(),
                limit: 100,
            },
        )
        .expect("page");
        assert_eq!(page.total, 250);
        seen.extend(page.runs.iter().map(|r| (r.started_at_ms, r.id.clone())));
        match page.next {
            Some(n) => before = Some(n),
            None => break,
        }
    }
    assert_eq!(seen.len(), 250);
    let unique: HashSet<_> = seen.iter().map(|(_, id)| id.clone()).collect();
    assert_eq!(unique.len(), 250);
    assert!(seen.windows(2).all(|w| w[0] >= w[1]), "newest first");

    let all = runs_page(
        &p.ctx,
        RunsPageRequest {
            journey: None,
            before: None,
            limit: 5,
        },
    )
    .unwrap();
    assert_eq!(all.total, 251);
    assert_eq!(all.runs.len(), 5);
}

#[test]
fn bad_page_requests_name_their_field() {
    let p = Project::new();
    for (limit, before) in [(0, None), (501, None)] {
        let err = IpcError::from(
            runs_page(
                &p.ctx,
                RunsPageRequest {
                    journey: None,
                    before,
                    limit,
                },
            )
            .unwrap_err(),
        );
        assert_eq!(err.code, ErrorCode::InvalidRequest);
        assert!(err.message.contains("limit:"), "{}", err.message);
    }
    let err = runs_page(
        &p.ctx,
        RunsPageRequest {
            journey: None,
            before: Some(sightline_api::runs::RunCursor {
                started_at_ms: 0,
                id: "not-an-id".into(),
            }),
            limit: 10,
        },
    )
    .unwrap_err();
    assert!(err.to_string().contains("before.id:"), "{err}");
    // No database yet: an empty page, and the file is not created.
    let empty = runs_page(
        &p.ctx,
        RunsPageRequest {
            journey: None,
            before: None,
            limit: 10,
        },
    )
    .unwrap();
    assert_eq!((empty.total, empty.runs.len()), (0, 0));
    assert!(!p.ctx.db_path().exists());
}

/// A 1×1 PNG.
const PNG: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52, 0, 0, 0,
    1, 0, 0, 0, 1, 8, 6, 0, 0, 0, 0x1f, 0x15, 0xc4, 0x89, 0, 0, 0, 0x0d, 0x49, 0x44, 0x41, 0x54,
    0x78, 0x9c, 0x63, 0xf8, 0xcf, 0xc0, 0xf0, 0x1f, 0, 0x05, 0x00, 0x01, 0xff, 0x89, 0x99, 0x3d,
    0x1d, 0, 0, 0, 0, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
];

fn attach(
    p: &Project,
    run_id: sightline_core::RunId,
    role: &str,
    step: Option<u32>,
    media: &str,
    bytes: &[u8],
) {
    let mut store = p.store();
    let sha256 = store.artifacts().put(bytes).unwrap();
    let tx = store.conn_mut().transaction().unwrap();
    artifacts::attach(
        &tx,
        run_id,
        &RunArtifact {
            step_index: step,
            role: role.into(),
            sha256,
            media_type: media.into(),
            size_bytes: bytes.len() as i64,
        },
        NOW_MS,
    )
    .unwrap();
    tx.commit().unwrap();
}

#[test]
fn the_detail_has_the_waterfall_the_failed_step_and_the_artifacts() {
    let p = Project::new();
    let failed = run(
        "checkout",
        "eu-west-1",
        NOW_MS - 10_000,
        Outcome::Fail,
        2_400,
    );
    p.insert(std::slice::from_ref(&failed));
    attach(&p, failed.id, "screenshot", Some(1), "image/png", PNG);
    attach(
        &p,
        failed.id,
        "console",
        None,
        "application/json",
        br#"["TypeError: x is undefined"]"#,
    );
    attach(
        &p,
        failed.id,
        "vitals",
        None,
        "application/json",
        br#"[{"step_index":0,"url":"http://127.0.0.1:9/","status":200,"ttfb_ms":12.5,"fcp_ms":80.0,"lcp_ms":null}]"#,
    );
    attach(
        &p,
        failed.id,
        "har",
        None,
        "application/json",
        br#"{"log":{"version":"1.2","entries":[{"startedDateTime":"2026-02-03T11:59:50.000Z","time":42,"request":{"method":"GET","url":"http://127.0.0.1:9/"},"response":{"status":200,"content":{"size":100,"mimeType":"text/html"}}}]}}"#,
    );

    let d = run_detail(
        &p.ctx,
        RunDetailRequest {
            run_id: failed.id.to_string(),
        },
    )
    .expect("detail");
    assert_eq!(d.run.outcome, "fail");
    assert_eq!(d.steps.len(), 2, "the run stopped at the failed step");
    assert_eq!(d.steps[0].offset_ms, 0);
    assert_eq!(d.steps[1].offset_ms, 800);
    assert_eq!(d.failed_step, Some(1));
    assert_eq!(
        d.steps[1].error_class.as_deref(),
        Some("selector_not_found")
    );
    let shot = d.screenshot.expect("a screenshot");
    assert_eq!(shot.step_index, Some(1));
    assert!(
        shot.data_url
            .starts_with("data:image/png;base64,iVBORw0KGgo")
    );
    assert_eq!(d.console_errors, ["TypeError: x is undefined"]);
    assert_eq!(d.vitals[0].ttfb_ms, Some(12.5));
    assert!(d.network.available);
    assert_eq!(d.network.entries.len(), 1);
    assert_eq!(d.network.entries[0].status, 200);
    assert!(d.spans.is_empty());
    assert_eq!(d.artifacts.len(), 4);
}

#[test]
fn without_a_har_the_network_table_says_so_and_a_bad_har_names_its_field() {
    let p = Project::new();
    let ok = run("checkout", "eu-west-1", NOW_MS - 5_000, Outcome::Pass, 900);
    let bad = run("checkout", "eu-west-1", NOW_MS - 4_000, Outcome::Pass, 901);
    p.insert(&[ok.clone(), bad.clone()]);
    attach(
        &p,
        bad.id,
        "har",
        None,
        "application/json",
        br#"{"log":{"entries":[{"startedDateTime":"x"}]}}"#,
    );
    let d = run_detail(
        &p.ctx,
        RunDetailRequest {
            run_id: ok.id.to_string(),
        },
    )
    .unwrap();
    assert!(!d.network.available);
    assert!(d.screenshot.is_none());
    assert_eq!(d.failed_step, None);
    let d = run_detail(
        &p.ctx,
        RunDetailRequest {
            run_id: bad.id.to_string(),
        },
    )
    .unwrap();
    assert!(d.network.available);
    let problem = d.network.problem.expect("a problem");
    assert!(problem.contains("log.entries[0]"), "{problem}");
}

#[test]
fn unknown_and_malformed_run_ids_are_told_apart() {
    let p = Project::new();
    p.insert(&[run("checkout", "eu-west-1", NOW_MS, Outcome::Pass, 900)]);
    let other = run("checkout", "eu-west-1", NOW_MS - 1, Outcome::Pass, 900);
    let err = IpcError::from(
        run_detail(
            &p.ctx,
            RunDetailRequest {
                run_id: other.id.to_string(),
            },
        )
        .unwrap_err(),
    );
    assert_eq!(err.code, ErrorCode::NotFound);
    let err = IpcError::from(
        run_detail(
            &p.ctx,
            RunDetailRequest {
                run_id: "zzz".into(),
            },
        )
        .unwrap_err(),
    );
    assert_eq!(err.code, ErrorCode::InvalidRequest);
    assert!(
        err.message.starts_with("invalid request: run_id:"),
        "{}",
        err.message
    );
}

#[test]
fn the_detail_has_the_backend_spans_of_the_runs_trace() {
    use sightline_core::{Span, SpanKind, SpanStatus};
    use sightline_store::TelemetryBatch;
    let p = Project::new();
    let mut failed = run(
        "checkout",
        "us-east-1",
        NOW_MS - 10_000,
        Outcome::Fail,
        2_400,
    );
    let trace = "4bf92f3577b34da6a3ce929d0e0e4736";
    failed.trace_id = Some(trace.into());
    p.insert(std::slice::from_ref(&failed));
    let span = |id: &str, parent: Option<&str>, service: &str, start_ms: i64, dur_ms: i64| Span {
        trace_id: trace.into(),
        span_id: id.into(),
        parent_span_id: parent.map(str::to_owned),
        service: service.into(),
        name: format!("{service} call"),
        kind: SpanKind::Server,
        start_time_unix_nano: (failed.started_at_ms + start_ms) * 1_000_000,
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
        attributes: Default::default(),
    };
    let mut pay = span(
        "00000000000000b2",
        Some("00000000000000a1"),
        "payment",
        120,
        2_000,
    );
    pay.status = SpanStatus::Error;
    pay.status_message = Some("payment 2.4.1 internal error".into());
    pay.http_status_code = Some(500);
    let mut fraud = span(
        "00000000000000d4",
        Some("00000000000000b2"),
        "fraud",
        130,
        50,
    );
    fraud.service_version = Some("0.9.1".into());
    let mut other = span("00000000000000c3", None, "catalog", 0, 5);
    other.trace_id = "0af7651916cd43dd8448eb211c80319c".into();
    let spans = vec![
        span(
            "00000000000000a1",
            Some("00f067aa0ba902b7"),
            "frontend",
            100,
            2_100,
        ),
        pay,
        fraud,
        other,
    ];
    p.store()
        .insert_telemetry(&[&TelemetryBatch::Spans(spans)], NOW_MS)
        .unwrap();

    let d = run_detail(
        &p.ctx,
        RunDetailRequest {
            run_id: failed.id.to_string(),
        },
    )
    .unwrap();
    let got: Vec<_> = d
        .spans
        .iter()
        .map(|s| {
            (
                s.service.as_str(),
                s.offset_ms,
                s.duration_ms,
                s.error,
                s.depth,
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("frontend", 100, 2_100, false, 0),
            ("payment", 120, 2_000, true, 1),
            ("fraud", 130, 50, false, 2)
        ],
        "only this trace's spans, by start, relative to the run, nested under \
         the browser's request (whose span is not stored)"
    );
    assert_eq!(
        (
            d.spans[1].status_message.as_deref(),
            d.spans[1].http_status_code
        ),
        (Some("payment 2.4.1 internal error"), Some(500))
    );
    assert_eq!(d.spans[2].service_version.as_deref(), Some("0.9.1"));
    assert_eq!(
        d.spans[1].parent_span_id.as_deref(),
        Some("00000000000000a1")
    );
}
