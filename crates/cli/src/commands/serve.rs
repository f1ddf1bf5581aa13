//! `sightline serve`: the workbench's network face. On one HTTP address:
//! remote runners push their runs to `POST /v1/runs` with a bearer token (the
//! runs land exactly once each); OTLP exporters send traces, logs and metrics
//! to `/v1/traces`, `/v1/logs`, `/v1/metrics`; CD systems post deploys to the
//! webhooks of `sightline_telemetry::deploy`. OTLP/gRPC has its own address.
//!
//! It prints `listening on http://ADDR` then `OTLP/gRPC on ADDR` (or one
//! `{"listening": "ADDR", "otlp_grpc": "ADDR"}` with `--json`) once the
//! sockets are bound, so scripts can use port 0. On stop, telemetry already
//! accepted is committed before the process exits.

use std::future::IntoFuture;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use sightline_core::duration::parse_ms;
use sightline_runner::StoreSink;
use sightline_runner::ingest::{self, IngestState};
use sightline_store::Store;
use sightline_telemetry::k8s::kubeconfig::Kubeconfig;
use sightline_telemetry::k8s::watch::{WatchOptions, watch};
use sightline_telemetry::prometheus::scrape::ScrapeTarget;
use sightline_telemetry::{BearerToken, Ingest, IngestConfig, OtlpConfig, OtlpState};

use crate::args::{Cli, ServeArgs};
use crate::exit::{Code, OK, Refused};

/// How long requests in flight may take to finish once told to stop.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// `--scrape URL=JOB` values as targets; the message names the bad one.
fn scrape_targets(values: &[String]) -> Result<Vec<ScrapeTarget>, Refused> {
    values
        .iter()
        .map(|v| {
            let (url, job) = v
                .rsplit_once('=')
                .filter(|(u, j)| {
                    !j.trim().is_empty() && (u.starts_with("http://") || u.starts_with("https://"))
                })
                .ok_or_else(|| {
                    Refused(format!(
                        "--scrape {v}: give URL=JOB, e.g. http://127.0.0.1:9100/metrics=node"
                    ))
                })?;
            Ok(ScrapeTarget {
                url: url.to_owned(),
                job: job.trim().to_owned(),
            })
        })
        .collect()
}

/// Runs `sightline serve`.
pub fn run(cli: &Cli, args: &ServeArgs) -> anyhow::Result<Code> {
    let limit = args
        .run_for
        .as_deref()
        .map(|t| parse_ms(t, "--for").map_err(|e| Refused(e.to_string())))
        .transpose()?
        .map(|ms| Duration::from_millis(u64::try_from(ms).unwrap_or(0)));
    let targets = scrape_targets(&args.scrape)?;
    let scrape_every = parse_ms(&args.scrape_interval, "--scrape-interval")
        .map_err(|e| Refused(e.to_string()))
        .and_then(|ms| match u64::try_from(ms) {
            Ok(ms) if ms >= 100 => Ok(Duration::from_millis(ms)),
            _ => Err(Refused(format!(
                "--scrape-interval {}: use 100ms or more",
                args.scrape_interval
            ))),
        })?;
    // The kubeconfig is read before anything listens, so a bad one is a refusal.
    let kube = args
        .kubeconfig
        .as_deref()
        .map(|p| Kubeconfig::load(p, args.kube_context.as_deref()))
        .transpose()?;
    if args.token.as_deref().is_some_and(|t| t.trim().len() < 16) {
        return Err(Refused("--token: use at least 16 characters".into()).into());
    }
    let store = Store::open(cli.db_path())?;
    let sink = Arc::new(StoreSink::new(store, sightline_browser::system_now_ms));
    let (stored, _) = tokio::sync::broadcast::channel(1024);
    let state = Arc::new(IngestState {
        sink,
        token: args.token.clone(),
        stored,
    });
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    let otlp_store = Store::open(cli.db_path())?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(&args.addr)
            .await
            .with_context(|| format!("--addr {}", args.addr))?;
        let local = listener.local_addr()?;
        let grpc = if args.otlp_grpc == "off" {
            None
        } else {
            let l = tokio::net::TcpListener::bind(&args.otlp_grpc)
                .await
                .with_context(|| format!("--otlp-grpc {}", args.otlp_grpc))?;
            Some(l)
        };
        let grpc_local = grpc.as_ref().map(|l| l.local_addr()).transpose()?;
        let config = OtlpConfig {
            http_addr: local,
            grpc_addr: grpc_local.unwrap_or(local),
            bearer_token: args.otlp_token.as_deref().map(BearerToken::new),
            ..OtlpConfig::default()
        };
        let ingest = Ingest::start(otlp_store, IngestConfig::default());
        let otlp = OtlpState::new(ingest.clone(), config);
        if cli.json {
            // One line, so a script can read it before the server stops.
            let line = serde_json::json!({
                "listening": local.to_string(),
                "otlp_grpc": grpc_local.map(|a| a.to_string()),
            });
            println!("{line}");
        } else {
            println!("listening on http://{local}");
            match grpc_local {
                Some(a) => println!("OTLP/gRPC on {a}"),
                None => println!("OTLP/gRPC off"),
            }
            if args.token.is_none() {
                eprintln!("no --token: pushes from runners are refused (401)");
            }
        }
        use std::io::Write;
        std::io::stdout().flush()?;
        let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
        let stopped = |mut rx: tokio::sync::watch::Receiver<bool>| async move {
            let _ = rx.wait_for(|s| *s).await;
        };
        let grpc_task = grpc.map(|l| {
            tokio::spawn(sightline_telemetry::serve_grpc(
                l,
                otlp.clone(),
                stopped(stop_rx.clone()),
            ))
        });
        let scraper = (!targets.is_empty()).then(|| {
            tokio::spawn(sightline_telemetry::prometheus::scrape::scrape_loop(
                targets.clone(),
                scrape_every,
                ingest.clone(),
                stop_rx.clone(),
            ))
        });
        let watcher = kube.map(|kc| {
            let options = WatchOptions {
                namespace: args.kube_namespace.clone().or_else(|| kc.namespace.clone()),
                ..WatchOptions::default()
            };
            let (ingest, stop) = (ingest.clone(), stop_rx.clone());
            tokio::spawn(async move { watch(&kc, &options, ingest, stop).await })
        });
        let live = args.project.clone().and_then(|p| {
            super::serve_action::spawn_live(
                cli.db_path(),
                p,
                state.stored.subscribe(),
                stop_rx.clone(),
            )
        });
        let gate_state = Arc::new(super::serve_action::GateState {
            db: cli.db_path(),
            project: args.project.clone().unwrap_or_else(|| ".".into()),
            token_sha: args.token.as_deref().map(|t| {
                use sha2::Digest;
                <[u8; 32]>::from(sha2::Sha256::digest(t.trim().as_bytes()))
            }),
        });
        let app = ingest::router(state)
            .merge(sightline_telemetry::http_router(otlp))
            .merge(super::serve_action::gate_router(gate_state));
        let http_task = tokio::spawn(
            axum::serve(listener, app)
                .with_graceful_shutdown(stopped(stop_rx))
                .into_future(),
        );
        stop_signal(limit).await;
        let _ = stop_tx.send(true);
        // Requests in flight get a grace period; idle keep-alive connections
        // (an SDK's exporter, a gRPC channel) must not hold the exit forever.
        let drained = tokio::time::timeout(SHUTDOWN_GRACE, async {
            let served = http_task.await;
            if let Some(t) = grpc_task {
                match t.await {
                    Ok(Err(e)) => tracing::warn!(error = %e, "OTLP/gRPC"),
                    Err(e) => tracing::warn!(error = %e, "OTLP/gRPC task"),
                    Ok(Ok(())) => {}
                }
            }
            served
        })
        .await;
        match drained {
            Ok(Ok(Err(e))) => return Err(anyhow::Error::new(e).context("serving")),
            Ok(Err(e)) => return Err(anyhow::Error::new(e).context("serving")),
            Ok(Ok(Ok(()))) => {}
            Err(_) => tracing::info!(
                grace_s = SHUTDOWN_GRACE.as_secs(),
                "connections still open after the grace period; closing them"
            ),
        }
        if let Some(t) = scraper
            && let Ok(summary) = t.await
        {
            tracing::info!(?summary, "Prometheus scraping stopped");
        }
        if let Some(t) = watcher
            && let Ok(summary) = t.await
        {
            tracing::info!(?summary, "Kubernetes watch stopped");
        }
        if let Some(t) = live
            && t.join().is_err()
        {
            tracing::warn!("the live SLO loop panicked");
        }
        // Commits what was accepted but not yet written, then returns.
        ingest.shutdown();
        Ok::<_, anyhow::Error>(())
    })?;
    Ok(Code(OK))
}

/// Ctrl-C, SIGTERM, or the end of `--for`.
async fn stop_signal(limit: Option<Duration>) {
    let mut term = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
        Ok(t) => t,
        Err(_) => return std::future::pending().await,
    };
    let timer = async {
        match limit {
            Some(d) => tokio::time::sleep(d).await,
            None => std::future::pending().await,
        }
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = term.recv() => {}
        () = timer => {}
    }
}
