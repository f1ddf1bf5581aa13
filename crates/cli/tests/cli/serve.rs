//! `sightline serve` as the one receiver: OTLP over HTTP (JSON) and gRPC, a
//! GitHub deploy webhook, the OTLP token, and a SIGTERM that commits what was
//! accepted. Real sockets on 127.0.0.1, a real database file.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::collector::trace::v1::trace_service_client::TraceServiceClient;
use sightline_store::Store;

const TOKEN: &str = "otlp-test-token-0123456789";

fn fixture(rel: &str) -> Option<PathBuf> {
    let p = PathBuf::from(
        std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"),
    )
    .join("../../../shared/fixtures")
    .join(rel);
    if p.exists() {
        Some(p)
    } else {
        eprintln!("SKIPPED: fixture {} not found", p.display());
        None
    }
}

/// A minimal HTTP/1.1 POST; returns the status code and the body.
fn post(addr: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> (u16, String) {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    let mut req = format!(
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Length: {}\r\nConnection: close\r\n",
        body.len()
    );
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    s.write_all(req.as_bytes()).unwrap();
    s.write_all(body).unwrap();
    let mut resp = String::new();
    s.read_to_string(&mut resp).unwrap();
    let status = resp
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or_else(|| panic!("not an HTTP response: {resp:?}"));
    let body = resp
        .split_once("\r\n\r\n")
        .map_or("", |(_, b)| b)
        .to_owned();
    (status, body)
}

fn count(db: &Path, table: &str) -> i64 {
    let s = Store::open_read_only(db).unwrap();
    s.conn()
        .query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
        .unwrap()
}

struct Serve {
    child: Child,
    http: String,
    grpc: String,
}

fn serve(db: &Path) -> Serve {
    let mut child = Command::new(env!("CARGO_BIN_EXE_sightline"))
        .args(["--db", db.to_str().unwrap(), "--json", "serve"])
        .args([
            "--addr",
            "127.0.0.1:0",
            "--otlp-grpc",
            "127.0.0.1:0",
            "--for",
            "90s",
        ])
        .env("SIGHTLINE_OTLP_TOKEN", TOKEN)
        .env_remove("SIGHTLINE_TOKEN")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let v: serde_json::Value =
        serde_json::from_str(&line).unwrap_or_else(|e| panic!("{e}: {line:?}"));
    Serve {
        child,
        http: v["listening"].as_str().unwrap().to_owned(),
        grpc: v["otlp_grpc"].as_str().unwrap().to_owned(),
    }
}

#[test]
fn serve_takes_otlp_over_http_and_grpc_and_deploy_webhooks() {
    let (Some(trace), Some(logs), Some(hook)) = (
        fixture("otlp-json/trace.json"),
        fixture("otlp-json/logs.json"),
        fixture("github-webhooks/deployment_status/payload.json"),
    ) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db");
    let mut s = serve(&db);
    let auth = format!("Bearer {TOKEN}");
    let json = ("content-type", "application/json");
    let trace_body = std::fs::read(&trace).unwrap();

    let (code, body) = post(&s.http, "/v1/traces", &[json], &trace_body);
    assert_eq!(code, 401, "no token: {body}");
    let (code, body) = post(
        &s.http,
        "/v1/traces",
        &[json, ("authorization", &auth)],
        &trace_body,
    );
    assert_eq!(code, 200, "{body}");
    let (code, body) = post(
        &s.http,
        "/v1/logs",
        &[json, ("authorization", &auth)],
        &std::fs::read(&logs).unwrap(),
    );
    assert_eq!(code, 200, "{body}");
    let (code, body) = post(
        &s.http,
        "/v1/events/github",
        &[
            json,
            ("authorization", &auth),
            ("x-github-event", "deployment_status"),
        ],
        &std::fs::read(&hook).unwrap(),
    );
    assert_eq!(code, 200, "{body}");
    assert!(body.contains("\"stored\":1"), "{body}");

    // The same trace over gRPC, with new span ids so it adds rows.
    let mut req: ExportTraceServiceRequest = serde_json::from_slice(&trace_body).unwrap();
    for (i, span) in req.resource_spans[0].scope_spans[0]
        .spans
        .iter_mut()
        .enumerate()
    {
        span.span_id = vec![0xab, 0xcd, 0, 0, 0, 0, 0, u8::try_from(i + 1).unwrap()];
    }
    let grpc = format!("http://{}", s.grpc);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let mut client = TraceServiceClient::connect(grpc).await.unwrap();
        let mut call = tonic::Request::new(req);
        call.metadata_mut()
            .insert("authorization", auth.parse().unwrap());
        let resp = client.export(call).await.unwrap().into_inner();
        assert!(
            resp.partial_success.is_none_or(|p| p.rejected_spans == 0),
            "nothing rejected"
        );
    });
    drop(rt);

    // SIGTERM: serve stops cleanly and everything accepted is stored.
    let st = Command::new("kill")
        .args(["-TERM", &s.child.id().to_string()])
        .status()
        .unwrap();
    assert!(st.success());
    let status = s.child.wait().unwrap();
    assert!(status.success(), "{status:?}");
    let spans_per_request = i64::try_from(
        serde_json::from_slice::<ExportTraceServiceRequest>(&trace_body)
            .unwrap()
            .resource_spans[0]
            .scope_spans[0]
            .spans
            .len(),
    )
    .unwrap();
    assert_eq!(count(&db, "spans"), 2 * spans_per_request);
    assert_eq!(count(&db, "logs"), 1);
    assert_eq!(count(&db, "events"), 1);
}

/// `sightline --db DB serve` on an OS-picked port, gRPC off, no tokens.
fn serve_cmd(db: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_sightline"));
    c.args([
        "--db",
        db.to_str().unwrap(),
        "serve",
        "--addr",
        "127.0.0.1:0",
        "--otlp-grpc",
        "off",
    ])
    .env_remove("SIGHTLINE_TOKEN")
    .env_remove("SIGHTLINE_OTLP_TOKEN");
    c
}

/// Serves a Prometheus exposition for at most `n` requests, on a thread.
fn prometheus_target(n: usize) -> String {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/metrics", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for (i, stream) in listener.incoming().take(n).enumerate() {
            let Ok(mut s) = stream else { continue };
            let mut buf = [0u8; 2048];
            let _ = s.read(&mut buf);
            let body = format!(
                "# TYPE node_load1 gauge\nnode_load1 {}\n# TYPE http_requests_total counter\nhttp_requests_total{{code=\"200\"}} {}\n",
                0.5 + i as f64 / 10.0,
                100 + i * 7
            );
            let _ = write!(
                s,
                "HTTP/1.1 200 OK\r\ncontent-type: text/plain; version=0.0.4\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    url
}

#[test]
fn serve_scrapes_prometheus_targets_into_the_database() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db");
    let url = prometheus_target(50);
    let out = serve_cmd(&db)
        .args([
            "--for",
            "3s",
            "--scrape-interval",
            "500ms",
            "--scrape",
            &format!("{url}=node"),
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let s = Store::open_read_only(&db).unwrap();
    let (points, scrapes): (i64, i64) = s
        .conn()
        .query_row(
            "SELECT count(*), count(DISTINCT time_unix_nano) FROM metric_points WHERE service = 'node' AND name = 'node_load1'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert!(
        scrapes >= 2,
        "scraped every 500 ms for 3 s: {scrapes} scrapes, {points} points"
    );

    // A target without a job is refused before anything listens.
    let bad = serve_cmd(&db).args(["--scrape", &url]).output().unwrap();
    assert_eq!(bad.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("URL=JOB"));
}

/// A stand-in Kubernetes API server: the first watch streams the recorded
/// events and closes, as API servers do on their watch timeout; later
/// watches get an empty stream. Serves at most `n` requests; returns the
/// server URL and the request lines it saw.
fn kube_api(stream: String, n: usize) -> (String, std::sync::Arc<std::sync::Mutex<Vec<String>>>) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let log = seen.clone();
    std::thread::spawn(move || {
        for (i, conn) in listener.incoming().take(n).enumerate() {
            let Ok(mut s) = conn else { continue };
            let mut buf = [0u8; 4096];
            let len = s.read(&mut buf).unwrap_or(0);
            let head = String::from_utf8_lossy(&buf[..len]).into_owned();
            log.lock()
                .unwrap()
                .push(head.lines().next().unwrap_or("").to_owned());
            let body = if i == 0 { stream.as_str() } else { "" };
            let _ = write!(
                s,
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    (url, seen)
}

#[test]
fn serve_watches_kubernetes_events_into_the_database() {
    let Some(p) = fixture("k8s-events/message-image-pull-fail.json") else {
        return;
    };
    let list: serde_json::Value = serde_json::from_slice(&std::fs::read(&p).unwrap()).unwrap();
    let items = list["items"].as_array().unwrap();
    let stream: String = items
        .iter()
        .map(|o| format!("{}\n", serde_json::json!({"type": "ADDED", "object": o})))
        .collect();
    let (server, seen) = kube_api(stream, 20);
    let dir = tempfile::tempdir().unwrap();
    let kubeconfig = dir.path().join("kubeconfig");
    std::fs::write(
        &kubeconfig,
        format!(
            "current-context: c\ncontexts: [{{name: c, context: {{cluster: k, user: u, namespace: shop}}}}]\nclusters: [{{name: k, cluster: {{server: '{server}'}}}}]\nusers: [{{name: u, user: {{token: sekret}}}}]\n"
        ),
    )
    .unwrap();
    let db = dir.path().join("s.db");
    let out = serve_cmd(&db)
        .args(["--for", "2s", "--kubeconfig", kubeconfig.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(count(&db, "events"), i64::try_from(items.len()).unwrap());
    let first = seen.lock().unwrap()[0].clone();
    assert!(
        first.starts_with("GET /api/v1/namespaces/shop/events?") && first.contains("watch=true"),
        "the context's namespace is watched: {first}"
    );

    // A kubeconfig that does not parse is refused before anything listens.
    std::fs::write(&kubeconfig, "not: [a kubeconfig").unwrap();
    let bad = serve_cmd(&db)
        .args(["--kubeconfig", kubeconfig.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(
        bad.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&bad.stderr)
    );
    assert!(String::from_utf8_lossy(&bad.stderr).contains("kubeconfig"));
}
