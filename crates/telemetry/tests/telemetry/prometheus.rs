//! Prometheus text: the published scrapes parse, invalid inputs are refused
//! by line, and the scraper reads a real HTTP server on loopback.

use std::time::Duration;

use axum::routing::get;
use sightline_core::MetricKind;
use sightline_store::queries;
use sightline_telemetry::prometheus::scrape::{ScrapeTarget, client, scrape_loop, scrape_once};
use sightline_telemetry::prometheus::{ParseOptions, parse};

use crate::{Server, fixture};

fn opts(name: &str) -> ParseOptions<'_> {
    ParseOptions {
        source_name: name,
        service: "prometheus",
        default_time_unix_nano: 1_700_000_000_000_000_000,
    }
}

#[test]
fn the_classic_scrape_parses_every_family() {
    let Some(p) = fixture("prometheus-text/metrics-test.prom") else {
        return;
    };
    let text = std::fs::read_to_string(&p).unwrap();
    let points = parse(&text, &opts("metrics-test.prom")).unwrap();
    let by = |n: &str| points.iter().filter(|p| p.name == n).collect::<Vec<_>>();
    match &by("go_gc_duration_seconds")[0].value {
        MetricKind::Summary {
            count,
            sum,
            quantiles,
        } => {
            assert_eq!(*count, 232);
            assert!((sum - 0.036134048).abs() < 1e-12);
            assert_eq!(quantiles.len(), 5);
            assert_eq!(quantiles[2], (0.5, 0.000118953));
        }
        other => panic!("{other:?}"),
    }
    match &by("prometheus_tsdb_compaction_chunk_size_bytes")[0].value {
        MetricKind::Histogram {
            count,
            bounds,
            bucket_counts,
            ..
        } => {
            assert_eq!(*count, 13867);
            assert_eq!(bounds.len(), 12);
            assert_eq!(bucket_counts[0], 662);
            assert_eq!(
                bucket_counts[1],
                1460 - 662,
                "cumulative buckets become per-bucket counts"
            );
            assert_eq!(bucket_counts.iter().sum::<u64>(), 13867);
        }
        other => panic!("{other:?}"),
    }
    let dialers = by("net_conntrack_dialer_conn_attempted_total");
    assert_eq!(dialers.len(), 4);
    assert!(
        dialers
            .iter()
            .any(|p| p.attributes["dialer_name"] == "blackbox"
                && p.value
                    == MetricKind::Sum {
                        value: 5210.0,
                        monotonic: true
                    })
    );
    assert_eq!(by("go_info")[0].value, MetricKind::Gauge { value: 1.0 });
    assert!(
        points
            .iter()
            .all(|p| p.time_unix_nano == 1_700_000_000_000_000_000)
    );
}

#[test]
fn openmetrics_with_exemplars_and_created_samples_parses() {
    let Some(p) = fixture("prometheus-text/alltypes.5mfs.om.txt") else {
        return;
    };
    let text = std::fs::read_to_string(&p).unwrap();
    let points = parse(&text, &opts("alltypes")).unwrap();
    assert!(
        points.iter().all(|p| !p.name.ends_with("_created")),
        "_created samples are skipped"
    );
    let h = points
        .iter()
        .find(|p| p.name == "rpc_durations_histogram_seconds")
        .unwrap();
    match &h.value {
        MetricKind::Histogram { count, bounds, .. } => {
            assert_eq!(*count, 15);
            assert!(bounds[0] < 0.0, "negative bounds are kept");
        }
        other => panic!("{other:?}"),
    }
    let summaries = points
        .iter()
        .filter(|p| p.name == "rpc_durations_seconds")
        .count();
    assert_eq!(summaries, 3, "one summary per service label");
}

#[test]
fn the_larger_real_scrape_parses() {
    let Some(p) = fixture("prometheus-text/prometheus-common/text") else {
        return;
    };
    let text = std::fs::read_to_string(&p).unwrap();
    let points = parse(&text, &opts("text")).unwrap();
    // Every family declared with # TYPE yields at least one point.
    let families: std::collections::BTreeSet<&str> = text
        .lines()
        .filter_map(|l| l.strip_prefix("# TYPE "))
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    for f in &families {
        assert!(
            points.iter().any(|p| p.name.starts_with(f)),
            "no point for {f}"
        );
    }
    assert!(families.len() > 10, "{}", families.len());
}

#[test]
fn invalid_inputs_are_refused_naming_the_line() {
    let Some(dir) = fixture("prometheus-text/prometheus-common") else {
        return;
    };
    let t14 = std::fs::read_to_string(dir.join("from_test_parse_error_14")).unwrap();
    let e = parse(&t14, &opts("e14")).unwrap_err();
    assert_eq!(e.code(), "telemetry.parse");
    assert!(
        e.to_string()
            .starts_with("e14:3: TYPE: for metric comes after its samples (line 2)"),
        "{e}"
    );
    let t19 = std::fs::read_to_string(dir.join("from_test_parse_error_19")).unwrap();
    let e = parse(&t19, &opts("e19")).unwrap_err();
    assert!(
        e.to_string()
            .contains("e19:3: label le: \"bla\" is not a number"),
        "{e}"
    );
    // Escapes in label values, and their errors.
    let ok = parse("m{path=\"a\\\"b\\\\c\\nd\"} 1 1700000000000\n", &opts("x")).unwrap();
    assert_eq!(ok[0].attributes["path"], "a\"b\\c\nd");
    assert_eq!(ok[0].time_unix_nano, 1_700_000_000_000_000_000);
    let e = parse("ok 1\nm{a=\"x\\q\"} 1\n", &opts("x")).unwrap_err();
    assert!(
        e.to_string().starts_with("x:2: label a: unknown escape"),
        "{e}"
    );
}

#[tokio::test]
async fn the_scraper_reads_a_real_server_once_and_in_a_loop() {
    let Some(p) = fixture("prometheus-text/metrics-test.prom") else {
        return;
    };
    let text = std::fs::read_to_string(&p).unwrap();
    let app = axum::Router::new().route("/metrics", get(move || async move { text }));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop_server, mut rx) = tokio::sync::watch::channel(false);
    let server = tokio::spawn(async move {
        axum::serve(listener, app)
            .with_graceful_shutdown(async move {
                let _ = rx.wait_for(|v| *v).await;
            })
            .await
            .unwrap();
    });
    let target = ScrapeTarget {
        url: format!("http://{addr}/metrics"),
        job: "prom".into(),
    };
    let c = client(Duration::from_secs(5)).unwrap();
    let points = scrape_once(&c, &target, 42).await.unwrap();
    assert!(
        points.iter().all(|p| p.attributes["job"] == "prom"
            && p.attributes["instance"] == addr.to_string().as_str())
    );
    assert!(
        points
            .iter()
            .all(|p| p.time_unix_nano == 42 && p.service == "prom")
    );

    let s = Server::default().await;
    let (stop, stop_rx) = tokio::sync::watch::channel(false);
    let looping = tokio::spawn(scrape_loop(
        vec![target.clone()],
        Duration::from_millis(100),
        s.ingest.clone(),
        stop_rx,
    ));
    // Bounded: at most 5 s for two rounds.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    while s.count("metric_points") < 2 * points.len() as i64
        && tokio::time::Instant::now() < deadline
    {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    stop.send(true).unwrap();
    let summary = looping.await.unwrap();
    assert!(summary.rounds >= 2 && summary.failures == 0, "{summary:?}");
    assert_eq!(summary.points as i64, s.count("metric_points"));
    let store = s.store();
    assert!(
        !queries::metrics::series(store.conn(), "go_gc_duration_seconds", 0, i64::MAX)
            .unwrap()
            .is_empty()
    );
    // An unreachable target fails the scrape, not the loop.
    let dead = ScrapeTarget {
        url: "http://127.0.0.1:9/metrics".into(),
        job: "dead".into(),
    };
    assert_eq!(
        scrape_once(&c, &dead, 0).await.unwrap_err().code(),
        "telemetry.http"
    );
    stop_server.send(true).unwrap();
    server.await.unwrap();
    s.stop().await;
}
