//! Every supported step type on a green path, and each failure class
//! provoked for real.

use sightline_core::{ErrorClass, Outcome};

use crate::pages::servers;
use crate::{journey, options, setup, table};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_journey_of_every_step_type_passes_and_is_stored() {
    let Some((_guard, mut replayer)) = setup().await else {
        return;
    };
    let (main, _other) = servers().await;
    let yaml = format!(
        r#"
name: pass-path
baseUrl: {base}
viewport: {{ width: 1100, height: 800 }}
timeouts: {{ stepMs: 5000 }}
variables: {{ greeting: hello }}
steps:
  - type: setViewport
    width: 1024
    height: 768
    deviceScaleFactor: 1
    isMobile: false
    hasTouch: false
    isLandscape: false
  - type: navigate
    url: /
    assertedEvents: [{{ type: navigation, url: /, title: Home }}]
  - type: click
    selectors: [['aria/Go[role="button"]'], ['#go']]
  - type: assertText
    selectors: [['#out']]
    text: clicked
    match: equals
  - type: doubleClick
    selectors: [["xpath///button[@id='dbl']"]]
  - type: assertText
    selectors: [['#out2']]
    text: double
  - type: change
    selectors: [['aria/Your name']]
    value: '{{{{var.greeting}}}} world'
  - type: assertText
    selectors: [['#echo']]
    text: hello world
  - type: keyDown
    key: a
  - type: keyUp
    key: a
  - type: assertText
    selectors: [['#keys']]
    text: a
  - type: hover
    selectors: [['text/hover me']]
  - type: assertText
    selectors: [['#hov']]
    text: hovered
  - type: click
    selectors: [['x-card', '.inner']]
  - type: assertText
    selectors: [['pierce/.inner']]
    text: shadow ok
  - type: waitForElement
    selectors: [['#frame', '#fb']]
  - type: click
    selectors: [['#frame', '#fb']]
  - type: assertText
    selectors: [['#frame', '#fb']]
    text: frame ok
  - type: scroll
    x: 0
    y: 2000
  - type: waitForExpression
    expression: window.scrollY > 1000
  - type: waitForElement
    selectors: [['button']]
    operator: '>='
    count: 3
    visible: true
  - type: http
    url: /api/ok
    expect:
      status: 200
      json:
        - {{ pointer: /status, equals: ok }}
        - {{ path: '$.items[0].id', equals: 7 }}
    capture:
      - {{ variable: itemId, pointer: /items/0/id }}
      - {{ variable: rid, header: x-request-id }}
  - type: setVariable
    name: next
    value: /next
  - type: click
    selectors: [['text/Next page']]
    assertedEvents: [{{ type: navigation, url: '{{{{var.next}}}}', title: Next }}]
  - type: assertUrl
    url: /next
  - type: assertText
    text: Welcome to next
  - type: assertNoConsoleErrors
  - type: wait
    ms: 20
  - type: close
"#,
        base = main.origin
    );
    let loaded = journey(&yaml);
    let report = replayer.replay(&loaded, &options()).await;
    assert_eq!(report.run.outcome, Outcome::Pass, "{}", table(&report));
    assert_eq!(report.run.steps.len(), loaded.journey.steps.len());
    assert_eq!(report.run.trace_id.as_deref().map(str::len), Some(32));
    assert!(
        report.vitals.iter().any(|v| v.ttfb_ms.is_some()),
        "{:?}",
        report.vitals
    );

    // Stored in one piece, with its artifacts.
    let dir = tempfile::tempdir().unwrap();
    let mut store = sightline_store::Store::open(dir.path().join("s.db")).unwrap();
    sightline_browser::persist::save(&mut store, &report, 0).unwrap();
    let back = store.run(report.run.id).unwrap().unwrap();
    assert_eq!(back.steps.len(), report.run.steps.len());
    assert_eq!(back.journey_version, loaded.version);
    replayer.shutdown().await;
}

/// Replays a one-failure journey and checks the failing step's class.
async fn expect_failure(steps_yaml: &str, class: ErrorClass) -> sightline_browser::ReplayReport {
    let Some((_guard, mut replayer)) = setup().await else {
        // Skipped: hand back an empty report that callers do not inspect.
        return empty_report();
    };
    let (main, _other) = servers().await;
    let yaml = format!(
        "name: failing\nbaseUrl: {}\nsteps:\n{steps_yaml}",
        main.origin
    );
    let loaded = journey(&yaml);
    let started = std::time::Instant::now();
    let report = replayer.replay(&loaded, &options()).await;
    assert!(started.elapsed().as_secs() < 20, "{}", table(&report));
    assert_eq!(report.run.error_class, Some(class), "{}", table(&report));
    assert_eq!(report.run.outcome, class.outcome());
    let last = report.run.steps.last().unwrap();
    assert_eq!(last.error_class, Some(class));
    assert!(last.error_message.is_some());
    replayer.shutdown().await;
    report
}

fn empty_report() -> sightline_browser::ReplayReport {
    sightline_browser::ReplayReport {
        run: sightline_core::Run {
            id: sightline_core::RunId::from_bytes([0; 16]),
            journey: String::new(),
            journey_version: String::new(),
            region: sightline_core::Region::new("skip"),
            runner_id: String::new(),
            attempt: 1,
            is_final_attempt: true,
            retry_of: None,
            started_at_ms: 0,
            duration_ms: 0,
            outcome: Outcome::Pass,
            error_class: None,
            error_message: None,
            trace_id: None,
            release_id: None,
            simulated: false,
            steps: Vec::new(),
        },
        artifacts: Vec::new(),
        vitals: Vec::new(),
        console_errors: Vec::new(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_element_is_selector_not_found_with_a_screenshot() {
    let report = expect_failure(
        "  - {type: navigate, url: /}\n  - {type: click, selectors: [['#missing']], timeout: 800}\n",
        ErrorClass::SelectorNotFound,
    )
    .await;
    if report.run.steps.is_empty() {
        return;
    }
    let shot = report
        .artifacts
        .iter()
        .find(|a| a.role == "screenshot")
        .expect("a screenshot of the failure");
    assert_eq!(shot.step_index, Some(1));
    assert!(shot.bytes.starts_with(b"\x89PNG"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_text_is_assertion_failed() {
    expect_failure(
        "  - {type: navigate, url: /}\n  - {type: assertText, selectors: [['h1']], text: Cart, timeout: 800}\n",
        ErrorClass::AssertionFailed,
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_api_500_is_http_status() {
    expect_failure(
        "  - {type: http, url: /api/500, expect: {status: 200}}\n",
        ErrorClass::HttpStatus,
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_page_served_with_500_is_http_status() {
    expect_failure(
        "  - {type: navigate, url: /page500}\n",
        ErrorClass::HttpStatus,
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_uncaught_exception_is_js_exception() {
    let report = expect_failure(
        "  - {type: navigate, url: /}\n  - {type: click, selectors: [['#boom']]}\n",
        ErrorClass::JsException,
    )
    .await;
    if let Some(msg) = report.run.error_message {
        assert!(msg.contains("kaboom"), "{msg}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hanging_page_is_navigation_timeout() {
    expect_failure(
        "  - {type: navigate, url: /hang, timeout: 1500}\n",
        ErrorClass::NavigationTimeout,
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hanging_api_is_step_timeout() {
    expect_failure(
        "  - {type: http, url: /hang, timeout: 1000}\n",
        ErrorClass::StepTimeout,
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_connection_is_network_error() {
    // Bind then drop a listener: the port is (almost certainly) closed.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    expect_failure(
        &format!("  - {{type: navigate, url: 'http://127.0.0.1:{port}/'}}\n"),
        ErrorClass::NetworkError,
    )
    .await;
}
