//! Integration tests for sightline-telemetry, one module per area of `src/`.
//! Servers bind 127.0.0.1 on ports the OS picks and are stopped by each test.

mod deploy;
mod ingest;
mod k8s;
mod otlp;
mod prometheus;
mod robustness;
mod waterfall;

use std::net::SocketAddr;
use std::path::PathBuf;

use sightline_store::Store;
use sightline_telemetry::{Ingest, IngestConfig, OtlpConfig, OtlpState};
use tokio::sync::watch;

/// The shared fixtures folder, or `None` (with a note) when this checkout has
/// no `shared/` beside it, so the suite still passes elsewhere.
pub fn fixture(rel: &str) -> Option<PathBuf> {
    let p = PathBuf::from(
        std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"),
    )
    .join("../../../shared/fixtures")
    .join(rel);
    if p.exists() {
        Some(p)
    } else {
        eprintln!(
            "SKIPPED: fixture {} not found (no shared/fixtures beside the repository)",
            p.display()
        );
        None
    }
}

/// A receiver on loopback over a fresh database.
pub struct Server {
    _dir: tempfile::TempDir,
    /// The database file.
    pub db: PathBuf,
    /// OTLP/HTTP address.
    pub http: SocketAddr,
    /// OTLP/gRPC address.
    pub grpc: SocketAddr,
    /// The writer.
    pub ingest: Ingest,
    stop: watch::Sender<bool>,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

impl Server {
    /// Starts HTTP and gRPC receivers on OS-chosen ports.
    pub async fn start(config: OtlpConfig, ingest_config: IngestConfig) -> Server {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("s.db");
        let store = Store::open(&db).unwrap();
        let ingest = Ingest::start(store, ingest_config);
        let state = OtlpState::new(ingest.clone(), config);
        let http_l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let grpc_l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let (http, grpc) = (http_l.local_addr().unwrap(), grpc_l.local_addr().unwrap());
        let (stop, rx) = watch::channel(false);
        let mut r1 = rx.clone();
        let mut r2 = rx;
        let s1 = state.clone();
        let tasks = vec![
            tokio::spawn(async move {
                sightline_telemetry::serve_http(http_l, s1, async move {
                    let _ = r1.wait_for(|v| *v).await;
                })
                .await
                .unwrap();
            }),
            tokio::spawn(async move {
                sightline_telemetry::serve_grpc(grpc_l, state, async move {
                    let _ = r2.wait_for(|v| *v).await;
                })
                .await
                .unwrap();
            }),
        ];
        Server {
            _dir: dir,
            db,
            http,
            grpc,
            ingest,
            stop,
            tasks,
        }
    }

    /// Default limits, no token.
    pub async fn default() -> Server {
        Server::start(OtlpConfig::default(), IngestConfig::default()).await
    }

    /// `http://ADDR/PATH`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.http)
    }

    /// Rows in `table`, read through a separate connection.
    pub fn count(&self, table: &str) -> i64 {
        let c = rusqlite::Connection::open(&self.db).unwrap();
        c.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
            .unwrap()
    }

    /// A read-only store over the same file.
    pub fn store(&self) -> Store {
        Store::open_read_only(&self.db).unwrap()
    }

    /// Stops both servers and the writer (which stores what is queued).
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        for t in self.tasks {
            t.await.unwrap();
        }
        let ingest = self.ingest.clone();
        tokio::task::spawn_blocking(move || ingest.shutdown())
            .await
            .unwrap();
    }
}

/// POSTs `body` with a content type and extra headers.
pub async fn post(
    url: &str,
    content_type: &str,
    body: Vec<u8>,
    headers: &[(&str, &str)],
) -> reqwest::Response {
    let mut req = reqwest::Client::new()
        .post(url)
        .header("content-type", content_type)
        .body(body);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    req.send().await.unwrap()
}
