//! The whole pipeline on small synthetic data: a bad release of payment in
//! one region, an innocent deploy elsewhere, and a CPU decoy.

use sightline_attribution::score::{LabelledFault, Labels, grade};
use sightline_attribution::{CauseKind, Input, Options, RunObs, attribute, markdown};
use sightline_core::{
    DeployEvent, Event, EventId, EventKind, MetricKind, MetricPoint, Span, SpanKind, SpanStatus,
};

const T0: i64 = 1_800_000_000_000;
const FAULT: i64 = T0 + 12 * 60_000;
const REGIONS: [&str; 3] = ["us-east-1", "eu-west-1", "ap-south-1"];

fn span(
    trace: &str,
    (id, parent): (&str, Option<&str>),
    (service, region, version): (&str, &str, &str),
    (at, ms): (i64, i64),
    error: bool,
) -> Span {
    Span {
        trace_id: trace.into(),
        span_id: id.into(),
        parent_span_id: parent.map(str::to_owned),
        service: service.into(),
        name: format!("POST /{service}"),
        kind: SpanKind::Server,
        start_time_unix_nano: at * 1_000_000,
        duration_nano: ms * 1_000_000,
        status: if error {
            SpanStatus::Error
        } else {
            SpanStatus::Unset
        },
        status_message: error.then(|| "internal error".to_owned()),
        http_route: None,
        http_status_code: Some(if error { 500 } else { 200 }),
        db_system: None,
        rpc_system: None,
        rpc_service: None,
        rpc_method: None,
        region: Some(region.into()),
        service_version: Some(version.into()),
        pod: None,
        attributes: Default::default(),
    }
}

fn deploy(service: &str, version: &str, region: &str, at_ms: i64) -> Event {
    Event {
        id: EventId::new(at_ms, &mut rand::rng()),
        at_ms,
        source: "test".into(),
        kind: EventKind::Deploy(DeployEvent {
            release_id: format!("{service}@{version}"),
            service: service.into(),
            version: version.into(),
            region: Some(region.into()),
            commit: None,
        }),
    }
}

struct World {
    runs: Vec<RunObs>,
    spans: Vec<Span>,
    events: Vec<Event>,
    metrics: Vec<MetricPoint>,
}

fn world() -> World {
    let (mut runs, mut spans, mut metrics) = (Vec::new(), Vec::new(), Vec::new());
    for i in 0..120 {
        let at = T0 + i * 10_000;
        for (r, region) in REGIONS.iter().enumerate() {
            let trace = format!("{:030x}{r:02x}", i);
            let after = at >= FAULT && *region == "us-east-1";
            let version = if at >= FAULT - 30_000 && *region == "us-east-1" {
                "2.4.1"
            } else {
                "2.4.0"
            };
            let bad = after && i % 2 == 0;
            spans.push(span(
                &trace,
                ("a", Some("runner")),
                ("frontend", region, "1.8.0"),
                (at, 80),
                bad,
            ));
            spans.push(span(
                &trace,
                ("b", Some("a")),
                ("inventory", region, "1.1.0"),
                (at + 5, 10),
                false,
            ));
            spans.push(span(
                &trace,
                ("c", Some("a")),
                ("payment", region, version),
                (at + 20, 40),
                bad,
            ));
            runs.push(RunObs {
                run_id: format!("run-{i}-{r}"),
                at_ms: at,
                good: !bad,
                slow: false,
                journey: "checkout".into(),
                journey_version: "v1".into(),
                region: (*region).into(),
                runner: format!("runner-{region}"),
                step: bad.then(|| "Pay".to_owned()),
                error_class: bad.then(|| "http_status".to_owned()),
                error_message: None,
                trace_id: Some(trace),
                duration_ms: 900,
            });
        }
        // The decoy: inventory's CPU in us-east-1 jumps at 10:00 and stays up.
        let cpu = if at >= T0 + 10 * 60_000 {
            0.95
        } else {
            0.1 + 0.01 * (i % 3) as f64
        };
        metrics.push(MetricPoint {
            name: "process.cpu.utilization".into(),
            service: "inventory".into(),
            time_unix_nano: at * 1_000_000,
            attributes: [("cloud.region".to_owned(), serde_json::json!("us-east-1"))].into(),
            value: MetricKind::Gauge { value: cpu },
        });
    }
    let events = vec![
        deploy("payment", "2.4.1", "us-east-1", FAULT - 30_000),
        deploy("cart", "1.4.3", "eu-west-1", FAULT - 10_000),
    ];
    World {
        runs,
        spans,
        events,
        metrics,
    }
}

fn input(w: &World) -> Input<'_> {
    Input {
        slo: Some(("checkout-availability", 0.999)),
        at_ms: T0 + 20 * 60_000,
        runs: &w.runs,
        spans: &w.spans,
        events: &w.events,
        metrics: &w.metrics,
        logs: &[],
        red: None,
        window: None,
        baseline: None,
    }
}

#[test]
fn the_bad_release_is_found_with_its_region_onset_and_change() {
    let w = world();
    let r = attribute(&input(&w), &Options::default());
    let top = r.causes.first().unwrap_or_else(|| panic!("{r:#?}"));
    assert_eq!(top.service.as_deref(), Some("payment"));
    assert_eq!(top.region.as_deref(), Some("us-east-1"));
    assert_eq!(top.kind, CauseKind::Errors);
    assert_eq!(top.operation.as_deref(), Some("POST /payment"));
    assert!(
        (top.share - 1.0).abs() < 1e-9,
        "every bad run is in the slice"
    );
    assert!(r.causes.iter().map(|c| c.share).sum::<f64>() <= 1.0 + 1e-9);
    let change = top.change.as_ref().expect("the deploy matches");
    assert_eq!(change.release.as_deref(), Some("payment@2.4.1"));
    let onset = top.onset.as_ref().unwrap();
    assert!(
        (onset.at_ms - FAULT).abs() <= 40_000,
        "onset {} vs {FAULT}",
        onset.at_ms
    );
    assert!(onset.earliest_ms <= onset.at_ms && onset.at_ms <= onset.latest_ms);
    assert!(top.confidence > 0.5 && top.confidence <= 1.0);
    assert!(
        top.evidence
            .iter()
            .any(|e| e.ids.iter().any(|i| i.ends_with("/c"))),
        "the payment span is evidence"
    );
    // The cart deploy and the CPU jump are ruled out, not blamed.
    assert!(
        r.red_herrings
            .iter()
            .any(|h| h.series.contains("cart@1.4.3")),
        "{:#?}",
        r.red_herrings
    );
    assert!(
        r.red_herrings
            .iter()
            .any(|h| h.series.starts_with("process.cpu.utilization")
                && h.service.as_deref() == Some("inventory")),
        "{:#?}",
        r.red_herrings
    );
    let cpu = r
        .leading_indicators
        .iter()
        .find(|i| i.series.starts_with("process.cpu"))
        .unwrap();
    assert!(!cpu.related && cpu.lead_s > 60.0, "{cpu:#?}");
    assert!(
        r.sentence
            .starts_with("100% of the current burn on checkout-availability is payment"),
        "{}",
        r.sentence
    );
    assert!(markdown(&r).contains("## Ruled out"));
}

#[test]
fn the_scorer_grades_the_report_against_labels() {
    let w = world();
    let r = attribute(&input(&w), &Options::default());
    let fault = |service: &str, kind: &str, release: Option<&str>| LabelledFault {
        cause_service: service.into(),
        region: "us-east-1".into(),
        kind: kind.into(),
        start_ms: FAULT,
        release: release.map(str::to_owned),
    };
    let labels = Labels {
        scenario: "synthetic".into(),
        causes: vec![fault("payment", "bad_release", Some("2.4.1"))],
        red_herrings: vec![fault("inventory", "cpu_spike", Some("1.1.0"))],
    };
    let s = grade("synthetic", "checkout-availability", &r, &labels).unwrap();
    assert!(s.top1(), "{s:#?}");
    assert_eq!(s.red_herring_rank, None);
    assert!(s.onset_error_s.unwrap() <= 40.0);
    // The same answer is wrong for a fault that is not a release.
    let labels = Labels {
        causes: vec![fault("payment", "error_rate", Some("2.4.0"))],
        ..labels
    };
    let s = grade("synthetic", "checkout-availability", &r, &labels).unwrap();
    assert!(
        s.service_top1 && !s.release_top1,
        "blaming a deploy for a non-release fault counts as wrong"
    );
}

#[test]
fn a_healthy_window_has_no_causes() {
    let mut w = world();
    for o in &mut w.runs {
        o.good = true;
        o.step = None;
        o.error_class = None;
    }
    for s in &mut w.spans {
        s.status = SpanStatus::Unset;
    }
    let r = attribute(&input(&w), &Options::default());
    assert!(r.causes.is_empty(), "{r:#?}");
    assert_eq!(r.bad_events, 0);
    assert!(r.sentence.starts_with("Nothing is burning"));
}
