//! Kubernetes events from `kubectl get events -o json`, and the watch over a
//! recorded event stream served on loopback (no cluster runs here).

use std::time::Duration;

use axum::extract::Query;
use axum::routing::get;
use sightline_core::EventKind;
use sightline_store::queries;
use sightline_telemetry::k8s::events::parse_event_list;
use sightline_telemetry::k8s::kubeconfig::Kubeconfig;
use sightline_telemetry::k8s::watch::{WatchOptions, watch};

use crate::{Server, fixture};

#[test]
fn every_event_list_capture_reads_with_its_times() {
    for (file, n) in [
        ("k8s-events/message-image-pull-fail.json", 17),
        ("k8s-events/message-pod-init-crashloop-backoff.json", 17),
        (
            "k8s-events/message-container-creating-failed-mount.json",
            76,
        ),
        ("k8s-events/kubernetes-api/core.v1.Event.json", 1),
        ("k8s-events/kubernetes-api/events.k8s.io.v1.Event.json", 1),
    ] {
        let Some(p) = fixture(file) else { return };
        let events = parse_event_list(&std::fs::read(&p).unwrap(), file).unwrap();
        assert_eq!(events.len(), n, "{file}");
        assert!(
            events.iter().all(|e| e.at_ms > 1_000_000_000_000),
            "{file}: every event has a time"
        );
    }
    let p = fixture("k8s-events/message-pod-init-crashloop-backoff.json").unwrap();
    let events = parse_event_list(&std::fs::read(&p).unwrap(), "x").unwrap();
    let mount = events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::Kubernetes(k) => Some(k),
            _ => None,
        })
        .find(|k| k.reason == "FailedMount" && k.count == 490)
        .expect("the FailedMount seen 490 times");
    assert_eq!(mount.object_kind, "Pod");
    // The newer API shape: regarding/note.
    let p = fixture("k8s-events/kubernetes-api/events.k8s.io.v1.Event.json").unwrap();
    let e = &parse_event_list(&std::fs::read(&p).unwrap(), "x").unwrap()[0];
    let EventKind::Kubernetes(k) = &e.kind else {
        panic!()
    };
    assert_eq!(
        (k.message.as_str(), k.reason.as_str()),
        ("noteValue", "reasonValue")
    );
}

#[test]
fn a_bad_item_is_named_by_its_path() {
    let doc = br#"{"kind":"EventList","items":[{"reason":"A","involvedObject":{"kind":"Pod","name":"p"},"lastTimestamp":"2024-01-01T00:00:00Z"},{"reason":"B","involvedObject":{"kind":"Pod","name":"p"},"lastTimestamp":"yesterday"}]}"#;
    let e = parse_event_list(doc, "events.json").unwrap_err();
    assert!(
        e.to_string()
            .starts_with("events.json: items[1].lastTimestamp: \"yesterday\""),
        "{e}"
    );
    let e = parse_event_list(b"{\"kind\": \"EventList\", \"items\": [", "events.json").unwrap_err();
    assert!(e.to_string().starts_with("events.json:1: json:"), "{e}");
}

#[test]
fn kubeconfig_resolves_the_context_and_refuses_plugins() {
    let yaml = r#"
apiVersion: v1
kind: Config
current-context: dev
contexts:
- name: dev
  context: {cluster: local, user: me, namespace: shop}
clusters:
- name: local
  cluster: {server: "http://127.0.0.1:8001/"}
users:
- name: me
  user: {token: sekret}
"#;
    let k = Kubeconfig::parse(yaml, std::path::Path::new("/tmp/kc"), None).unwrap();
    assert_eq!(k.server, "http://127.0.0.1:8001");
    assert_eq!(k.namespace.as_deref(), Some("shop"));
    assert!(
        !format!("{k:?}").contains("sekret"),
        "the token is never printed"
    );
    let plugin = yaml.replace("{token: sekret}", "{exec: {command: aws}}");
    let e = Kubeconfig::parse(&plugin, std::path::Path::new("/tmp/kc"), None).unwrap_err();
    assert_eq!(e.code(), "telemetry.kubeconfig");
    let e = Kubeconfig::parse(yaml, std::path::Path::new("/tmp/kc"), Some("prod")).unwrap_err();
    assert!(e.to_string().contains("context \"prod\""), "{e}");
}

#[tokio::test]
async fn the_watch_stores_a_recorded_stream_and_resumes_from_its_resource_version() {
    let Some(p) = fixture("k8s-events/message-image-pull-fail.json") else {
        return;
    };
    let list: serde_json::Value = serde_json::from_slice(&std::fs::read(&p).unwrap()).unwrap();
    // The watch API streams the same Event objects as `kubectl get events`,
    // one {"type", "object"} per line: replay the capture that way.
    let items = list["items"].as_array().unwrap().clone();
    let (first_half, second_half) = items.split_at(10);
    let line = |kind: &str, o: &serde_json::Value| {
        format!("{}\n", serde_json::json!({"type": kind, "object": o}))
    };
    let mut stream1: String = first_half.iter().map(|o| line("ADDED", o)).collect();
    stream1.push_str("not json\n");
    let last_rv = first_half.last().unwrap()["metadata"]["resourceVersion"]
        .as_str()
        .unwrap()
        .to_owned();
    let stream2: String = second_half
        .iter()
        .map(|o| line("ADDED", o))
        .collect::<String>()
        + &line("MODIFIED", &second_half[0]);
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::<Option<String>>::new()));
    let seen2 = seen.clone();
    let app = axum::Router::new().route(
        "/api/v1/namespaces/shop/events",
        get(
            move |Query(q): Query<std::collections::HashMap<String, String>>,
                  headers: axum::http::HeaderMap| {
                let seen = seen2.clone();
                let (s1, s2) = (stream1.clone(), stream2.clone());
                async move {
                    assert_eq!(q.get("watch").map(String::as_str), Some("true"));
                    assert_eq!(headers["authorization"], "Bearer sekret");
                    let rv = q.get("resourceVersion").cloned();
                    seen.lock().unwrap().push(rv.clone());
                    // First connection: the first half, then the server closes
                    // the stream, as API servers do on their watch timeout.
                    if rv.is_none() { s1 } else { s2 }
                }
            },
        ),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop_api, mut rx) = tokio::sync::watch::channel(false);
    let api = tokio::spawn(async move {
        axum::serve(listener, app)
            .with_graceful_shutdown(async move {
                let _ = rx.wait_for(|v| *v).await;
            })
            .await
            .unwrap();
    });
    let yaml = format!(
        "current-context: c\ncontexts: [{{name: c, context: {{cluster: k, user: u, namespace: shop}}}}]\nclusters: [{{name: k, cluster: {{server: 'http://{addr}'}}}}]\nusers: [{{name: u, user: {{token: sekret}}}}]\n"
    );
    let kc = Kubeconfig::parse(&yaml, std::path::Path::new("kc"), None).unwrap();
    let s = Server::default().await;
    let (stop, stop_rx) = tokio::sync::watch::channel(false);
    let opts = WatchOptions {
        reconnect_after: Duration::from_millis(50),
        ..WatchOptions::default()
    };
    let ingest = s.ingest.clone();
    let task = tokio::spawn(async move { watch(&kc, &opts, ingest, stop_rx).await });
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    while s.count("events") < 17 && tokio::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    stop.send(true).unwrap();
    let summary = task.await.unwrap();
    assert_eq!(s.count("events"), 17, "{summary:?}");
    assert_eq!(summary.skipped, 1, "the line that is not JSON");
    assert_eq!(summary.ended, "stopped");
    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen[0], None);
    assert_eq!(
        seen[1].as_deref(),
        Some(last_rv.as_str()),
        "resumed after the last stored event"
    );
    let store = s.store();
    let events = queries::events::between(store.conn(), 0, i64::MAX).unwrap();
    assert!(events.iter().all(|e| e.source == "kubernetes"));
    stop_api.send(true).unwrap();
    api.await.unwrap();
    s.stop().await;
}
