//! `sightline serve`: the workbench's network face. Remote runners push their
//! runs to `POST /v1/runs` with a bearer token; the runs land in the local
//! database exactly once each.
//!
//! It prints `listening on http://ADDR` (or `{"listening": "ADDR"}` with
//! `--json`) once the socket is bound, so scripts can use port 0.

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use sightline_core::duration::parse_ms;
use sightline_runner::StoreSink;
use sightline_runner::ingest::{self, IngestState};
use sightline_store::Store;

use crate::args::{Cli, ServeArgs};
use crate::exit::{Code, OK, Refused};

/// Runs `sightline serve`.
pub fn run(cli: &Cli, args: &ServeArgs) -> anyhow::Result<Code> {
    let limit = args
        .run_for
        .as_deref()
        .map(|t| parse_ms(t, "--for").map_err(|e| Refused(e.to_string())))
        .transpose()?
        .map(|ms| Duration::from_millis(u64::try_from(ms).unwrap_or(0)));
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
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(&args.addr)
            .await
            .with_context(|| format!("--addr {}", args.addr))?;
        let local = listener.local_addr()?;
        if cli.json {
            crate::output::json(&serde_json::json!({ "listening": local.to_string() }))?;
        } else {
            println!("listening on http://{local}");
            if args.token.is_none() {
                eprintln!("no --token: pushes from runners are refused (401)");
            }
        }
        use std::io::Write;
        std::io::stdout().flush()?;
        let app = ingest::router(state);
        axum::serve(listener, app)
            .with_graceful_shutdown(stop_signal(limit))
            .await
            .context("serving")?;
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
