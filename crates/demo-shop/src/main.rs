//! `sightline-demo-shop`: runs the demo shop until Ctrl-C, optionally playing a
//! scenario; `sightline-demo-shop deploy` rolls a release out on a running one.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context;
use clap::Parser;
use sightline_demo_shop::{OtelConfig, ScaledClock, Scenario, ShopConfig};

/// Runs the Sightline demo shop on loopback.
#[derive(Parser)]
#[command(version, about, args_conflicts_with_subcommands = true)]
struct Args {
    #[command(subcommand)]
    command: Option<Command>,
    /// Regions, comma-separated.
    #[arg(
        long,
        value_delimiter = ',',
        default_value = "us-east-1,eu-west-1,ap-south-1"
    )]
    regions: Vec<String>,
    /// First port (region i, service j gets base + 10 i + j; admin base - 1). OS-picked when absent.
    #[arg(long)]
    base_port: Option<u16>,
    /// Milliseconds the frontend waits for a backend.
    #[arg(long, default_value_t = 2000)]
    call_timeout_ms: u64,
    /// URL that receives deploy events as JSON POSTs.
    #[arg(long, env = "SIGHTLINE_DEPLOY_WEBHOOK")]
    deploy_webhook: Option<String>,
    /// OTLP/HTTP receiver (base URL, e.g. `http://127.0.0.1:4318`) that gets
    /// every service's spans, logs and metrics.
    #[arg(long, env = "OTEL_EXPORTER_OTLP_ENDPOINT")]
    otlp_endpoint: Option<String>,
    /// Seconds between OTLP exports of spans and logs.
    #[arg(long, default_value_t = 2.0)]
    otlp_interval_s: f64,
    /// Seconds between OTLP exports of metrics.
    #[arg(long, default_value_t = 10.0)]
    otlp_metrics_interval_s: f64,
    /// Log every request over OTLP, not only the 4xx and 5xx answers.
    #[arg(long)]
    otlp_access_logs: bool,
    /// Append the frontends' access log to FILE, as nginx writes it
    /// (Combined with `$request_time`; `sightline discover` reads it).
    #[arg(long, value_name = "FILE")]
    access_log: Option<PathBuf>,
    /// Scenario file to play (see datasets/scenarios/).
    #[arg(long)]
    scenario: Option<PathBuf>,
    /// Scenario clock speed-up (60 = a scenario minute per second).
    #[arg(long, default_value_t = 1.0)]
    clock_factor: f64,
    /// Where the scenario's ground-truth labels go.
    #[arg(long, default_value = "target/demo-shop-labels")]
    labels_dir: PathBuf,
    /// Keep serving after the scenario ends.
    #[arg(long)]
    keep_running: bool,
    /// Seed for fault decisions (a scenario's own seed wins).
    #[arg(long, default_value_t = 42)]
    seed: u64,
}

/// Commands for a shop that is already running.
#[derive(clap::Subcommand)]
enum Command {
    /// Rolls a version of one service out to one region (or to all) through
    /// the admin API; prints the deploy events as JSON.
    Deploy {
        /// The running shop's admin URL (printed at its start).
        #[arg(long, env = "SIGHTLINE_SHOP_ADMIN")]
        admin: String,
        /// The service: frontend, auth, catalog, cart, payment, inventory.
        #[arg(long)]
        service: String,
        /// The version to run.
        #[arg(long)]
        version: String,
        /// The region; every region when absent.
        #[arg(long)]
        region: Option<String>,
        /// The commit it was built from; derived from the version when absent.
        #[arg(long)]
        commit: Option<String>,
    },
}

/// `deploy`: POSTs the rollout and prints what the shop answered.
async fn deploy(
    admin: &str,
    req: &sightline_demo_shop::deploy::DeployRequest,
) -> anyhow::Result<()> {
    let url = format!("{}/admin/deploy", admin.trim_end_matches('/'));
    let resp = reqwest::Client::new()
        .post(&url)
        .timeout(Duration::from_secs(10))
        .json(req)
        .send()
        .await
        .with_context(|| format!("{url}: the shop did not answer"))?;
    let status = resp.status();
    let body = resp.text().await.unwrap_or_default();
    if !status.is_success() {
        anyhow::bail!("{url} refused the deploy ({status}): {body}");
    }
    println!("{body}");
    Ok(())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
        .init();
    let args = Args::parse();
    if let Some(Command::Deploy {
        admin,
        service,
        version,
        region,
        commit,
    }) = &args.command
    {
        let req = sightline_demo_shop::deploy::DeployRequest {
            service: service.clone(),
            version: version.clone(),
            region: region.clone(),
            commit: commit.clone(),
        };
        return deploy(admin, &req).await;
    }
    let scenario = args
        .scenario
        .as_deref()
        .map(Scenario::from_path)
        .transpose()?;
    let config = ShopConfig {
        regions: args.regions,
        base_port: args.base_port,
        call_timeout: Duration::from_millis(args.call_timeout_ms),
        deploy_webhook: args.deploy_webhook,
        seed: scenario.as_ref().map_or(args.seed, |s| s.seed),
        otlp: args.otlp_endpoint.map(|e| OtelConfig {
            export_interval: Duration::from_secs_f64(args.otlp_interval_s.clamp(0.1, 600.0)),
            metrics_interval: Duration::from_secs_f64(
                args.otlp_metrics_interval_s.clamp(0.1, 3600.0),
            ),
            access_logs: args.otlp_access_logs,
            ..OtelConfig::new(e)
        }),
        access_log: args.access_log,
        ..ShopConfig::default()
    };
    let shop = sightline_demo_shop::start(config).await?;
    let endpoints = serde_json::json!({"admin": shop.admin_url(), "regions": shop.endpoints()});
    println!("{}", serde_json::to_string_pretty(&endpoints)?);

    if let Some(scenario) = scenario {
        let clock = ScaledClock::new(args.clock_factor)?;
        eprintln!(
            "playing scenario {} ({} s at x{})",
            scenario.name, scenario.duration_s, args.clock_factor
        );
        tokio::select! {
            labels = scenario.run(shop.state(), &clock) => {
                let path = labels?.write(&args.labels_dir).context("writing labels")?;
                eprintln!("labels written to {}", path.display());
                if !args.keep_running {
                    shop.shutdown().await;
                    return Ok(());
                }
            }
            _ = tokio::signal::ctrl_c() => {
                shop.shutdown().await;
                return Ok(());
            }
        }
    }
    tokio::signal::ctrl_c().await?;
    shop.shutdown().await;
    Ok(())
}
