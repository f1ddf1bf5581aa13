//! Starting and stopping a whole shop: one stack of listeners per region, one
//! admin listener, and the state they share.

use std::collections::{BTreeMap, HashMap};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde::Serialize;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::deploy::Releases;
use crate::error::ShopError;
use crate::faults::FaultRegistry;
use crate::otel::{OtelConfig, OtelExporter};
use crate::services::{self, ServiceCtx};
use crate::store::RegionData;
use crate::trace::{SpanStore, Telemetry};
use crate::{admin, frontend};

/// The backend services every regional stack runs, in port order after the frontend.
pub const BACKENDS: &[&str] = &["auth", "catalog", "cart", "payment", "inventory"];

/// The regions a shop runs by default.
pub const DEFAULT_REGIONS: &[&str] = &["us-east-1", "eu-west-1", "ap-south-1"];

/// How to start a shop.
#[derive(Debug, Clone)]
pub struct ShopConfig {
    /// Region names, one stack each.
    pub regions: Vec<String>,
    /// Address to bind; loopback by default.
    pub host: String,
    /// First port; region `i`, service `j` (frontend 0, then [`BACKENDS`]) gets
    /// `base_port + 10 * i + j` and admin gets `base_port - 1`. OS-picked ports when `None`.
    pub base_port: Option<u16>,
    /// How long the frontend (and services calling services) wait for a dependency.
    pub call_timeout: Duration,
    /// Where deploy events are POSTed, if anywhere.
    pub deploy_webhook: Option<String>,
    /// Seed for every random fault decision.
    pub seed: u64,
    /// Where spans, logs and metrics are exported over OTLP/HTTP, if anywhere.
    pub otlp: Option<OtelConfig>,
    /// The frontends' access log (Combined + `$request_time`), appended to,
    /// if anywhere ([`crate::access_log`]).
    pub access_log: Option<std::path::PathBuf>,
}

impl Default for ShopConfig {
    fn default() -> Self {
        Self {
            regions: DEFAULT_REGIONS.iter().map(|r| (*r).to_owned()).collect(),
            host: "127.0.0.1".to_owned(),
            base_port: None,
            call_timeout: Duration::from_secs(2),
            deploy_webhook: None,
            seed: 42,
            otlp: None,
            access_log: None,
        }
    }
}

/// State shared by every listener of a shop.
pub struct ShopState {
    /// The configuration it started with.
    pub config: ShopConfig,
    /// Active faults.
    pub faults: FaultRegistry,
    /// Running versions and deploy log.
    pub releases: Releases,
    /// Spans kept for `GET /admin/spans`.
    pub spans: Arc<SpanStore>,
    /// Every sink of finished span records, the in-memory store first.
    pub telemetry: Vec<Arc<dyn Telemetry>>,
    /// The OTLP exporter (SDK spans, logs and metrics), when configured.
    pub otel: Option<Arc<OtelExporter>>,
    /// Where to reach each regional stack.
    pub regions: BTreeMap<String, RegionEndpoints>,
    /// Client for deploy webhooks.
    pub http: reqwest::Client,
    /// Webhook URL, changeable at run time through the admin API.
    pub deploy_webhook: Mutex<Option<String>>,
}

/// The base URL of every listener of one region.
#[derive(Debug, Clone, Serialize)]
pub struct RegionEndpoints {
    /// Region name.
    pub region: String,
    /// The shop a user sees.
    pub frontend: String,
    /// Backend service name → base URL.
    pub services: BTreeMap<String, String>,
}

impl RegionEndpoints {
    /// Base URL of `service` (including `frontend`).
    pub fn url(&self, service: &str) -> Option<&str> {
        if service == "frontend" {
            Some(&self.frontend)
        } else {
            self.services.get(service).map(String::as_str)
        }
    }
}

/// A running shop. Dropping it stops every listener.
pub struct ShopHandle {
    state: Arc<ShopState>,
    admin: String,
    stop: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
}

impl ShopHandle {
    /// The admin API's base URL (the same routes are also under every frontend).
    pub fn admin_url(&self) -> &str {
        &self.admin
    }

    /// The frontend URL of `region`.
    pub fn frontend_url(&self, region: &str) -> Option<&str> {
        self.state.regions.get(region).map(|r| r.frontend.as_str())
    }

    /// Every region's endpoints.
    pub fn endpoints(&self) -> Vec<RegionEndpoints> {
        self.state.regions.values().cloned().collect()
    }

    /// The shared state (faults, releases, spans), for embedding hosts and scenarios.
    pub fn state(&self) -> &Arc<ShopState> {
        &self.state
    }

    /// Stops accepting, lets in-flight requests finish, and waits for every listener.
    /// Then flushes the OTLP exporter, so every span, log and metric point of
    /// the requests served has been sent.
    pub async fn shutdown(mut self) {
        let _ = self.stop.send(true);
        self.state.faults.clear_all();
        for task in self.tasks.drain(..) {
            let _ = task.await;
        }
        if let Some(otel) = self.state.otel.clone() {
            // The SDK's shutdown blocks on its export tasks: wait off the workers.
            let _ = tokio::task::spawn_blocking(move || otel.shutdown()).await;
        }
    }
}

impl Drop for ShopHandle {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
        self.state.faults.clear_all();
        if let Some(otel) = self.state.otel.clone() {
            // Never block the dropping thread (it may be the runtime's only one).
            std::thread::spawn(move || otel.shutdown());
        }
    }
}

/// Binds every listener, then serves them until the handle is shut down or dropped.
pub async fn start(config: ShopConfig) -> Result<ShopHandle, ShopError> {
    if config.regions.is_empty() {
        return Err(ShopError::Config("at least one region is needed".into()));
    }
    let port = |offset: u16| config.base_port.map_or(0, |b| b.saturating_add(offset));
    let admin_listener = bind(
        &config.host,
        config.base_port.map_or(0, |b| b.saturating_sub(1)),
    )
    .await?;
    let mut listeners = Vec::new();
    let mut regions = BTreeMap::new();
    for (i, region) in config.regions.iter().enumerate() {
        let mut by_service = HashMap::new();
        let mut services = BTreeMap::new();
        let frontend_listener = bind(&config.host, port(10 * i as u16)).await?;
        let frontend = base_url(&frontend_listener)?;
        for (j, name) in BACKENDS.iter().enumerate() {
            let l = bind(&config.host, port(10 * i as u16 + 1 + j as u16)).await?;
            services.insert((*name).to_owned(), base_url(&l)?);
            by_service.insert(*name, l);
        }
        regions.insert(
            region.clone(),
            RegionEndpoints {
                region: region.clone(),
                frontend,
                services,
            },
        );
        listeners.push((region.clone(), frontend_listener, by_service));
    }
    let otel = config
        .otlp
        .clone()
        .map(OtelExporter::new)
        .transpose()?
        .map(Arc::new);
    let spans = Arc::new(SpanStore::default());
    let access_log = config
        .access_log
        .as_deref()
        .map(crate::access_log::AccessLog::open)
        .transpose()?;
    let state = Arc::new(ShopState {
        otel,
        faults: FaultRegistry::new(config.seed),
        releases: Releases::new(&config.regions),
        telemetry: vec![spans.clone() as Arc<dyn Telemetry>],
        spans,
        regions,
        http: reqwest::Client::new(),
        deploy_webhook: Mutex::new(config.deploy_webhook.clone()),
        config,
    });

    if let Some(otel) = &state.otel {
        otel.prewarm(&state);
    }
    let (stop, stop_rx) = watch::channel(false);
    let mut tasks = Vec::new();
    let admin = base_url(&admin_listener)?;
    tasks.push(serve(
        admin_listener,
        admin::router(state.clone()),
        stop_rx.clone(),
    ));
    for (region, frontend_listener, mut backends) in listeners {
        let data = Arc::new(RegionData::seeded());
        let ctx = |name: &'static str| {
            Arc::new(ServiceCtx::new(name, &region, state.clone(), data.clone()))
        };
        let mut app = frontend::router(ctx("frontend")).merge(admin::router(state.clone()));
        if let Some(log) = &access_log {
            app = app.layer(axum::middleware::from_fn_with_state(
                log.clone(),
                crate::access_log::log_request,
            ));
        }
        tasks.push(serve(frontend_listener, app, stop_rx.clone()));
        for name in BACKENDS {
            if let Some(l) = backends.remove(name) {
                tasks.push(serve(l, services::router(ctx(name)), stop_rx.clone()));
            }
        }
    }
    Ok(ShopHandle {
        state,
        admin,
        stop,
        tasks,
    })
}

async fn bind(host: &str, port: u16) -> Result<TcpListener, ShopError> {
    let addr = format!("{host}:{port}");
    TcpListener::bind(&addr)
        .await
        .map_err(|source| ShopError::Bind { addr, source })
}

fn base_url(listener: &TcpListener) -> Result<String, ShopError> {
    let addr: SocketAddr = listener.local_addr().map_err(|source| ShopError::Bind {
        addr: "?".into(),
        source,
    })?;
    Ok(format!("http://{addr}"))
}

fn serve(
    listener: TcpListener,
    app: axum::Router,
    mut stop: watch::Receiver<bool>,
) -> JoinHandle<()> {
    tokio::spawn(async move {
        let shutdown = async move {
            // Either a stop signal or the handle being dropped ends the server.
            while !*stop.borrow() {
                if stop.changed().await.is_err() {
                    break;
                }
            }
        };
        if let Err(e) = axum::serve(listener, app)
            .with_graceful_shutdown(shutdown)
            .await
        {
            tracing::warn!(error = %e, "demo shop listener failed");
        }
    })
}
