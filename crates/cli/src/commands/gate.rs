//! `sightline gate`: may this release go out? The SLOs' state against the
//! error-budget policy, optionally after smoke-test journeys, decided
//! locally or by a remote `sightline serve`. Exit 0 pass, 1 blocked by
//! policy, 2 journeys failed, 3 cannot decide (no data, bad configuration,
//! any error). See docs/action.md.

use anyhow::Context;
use sightline_action::verdict::{CheckStatus, JourneyResult, Release, Verdict, pct};
use sightline_api::action::gate::{GateAnswer, GateRequest, gate};
use sightline_core::Outcome;

use crate::args::{Cli, GateArgs};
use crate::exit::Code;

/// The exit status for "cannot decide".
const UNDECIDED: u8 = 3;

/// Runs `gate`. Every failure exits 3: a pipeline must never read an error
/// as "blocked" or "journeys failed".
pub fn run(cli: &Cli, args: &GateArgs) -> anyhow::Result<Code> {
    match decide(cli, args) {
        Ok(answer) => {
            let code = u8::try_from(answer.verdict.exit_code).unwrap_or(UNDECIDED);
            if let Some(path) = &args.junit {
                std::fs::write(path, sightline_action::junit::render(&answer.verdict))
                    .with_context(|| format!("--junit {}", path.display()))?;
            }
            if args.record_deploy && code == 0 {
                record_deploy(cli, args, answer.verdict.at_ms)?;
            }
            if cli.json {
                crate::output::json(&answer)?;
            } else {
                print_table(&answer);
            }
            Ok(Code(code))
        }
        Err(e) => {
            crate::output::print_error(cli, &e);
            Ok(Code(UNDECIDED))
        }
    }
}

fn decide(cli: &Cli, args: &GateArgs) -> anyhow::Result<GateAnswer> {
    if args.record_deploy && (args.service.is_none() || args.version.is_none()) {
        anyhow::bail!("--record-deploy needs --service and --version");
    }
    if !args.journeys.is_empty() && args.base_url.is_none() {
        anyhow::bail!("--journey needs --base-url (the release candidate's URL)");
    }
    let at_ms = match &args.at {
        Some(t) => super::runs::parse_time(t).map_err(|e| anyhow::anyhow!("--at: {e}"))?,
        None => super::runs::now_ms(),
    };
    let release = Release {
        id: args.release.clone(),
        service: args.service.clone(),
        fix: args.fix,
    };
    let journeys = smoke_test(cli, args)?;
    let req = GateRequest {
        slos: args.slos.clone(),
        release,
        at_ms,
        journeys,
        policy_file: args.policy.clone(),
    };
    match &args.server {
        Some(url) => remote(url, &args.token_env, &req),
        None => Ok(gate(&cli.db_path(), &args.project, &req)?),
    }
}

/// Replays the smoke-test journeys and stores their runs with the release id.
fn smoke_test(cli: &Cli, args: &GateArgs) -> anyhow::Result<Vec<JourneyResult>> {
    use sightline_browser::{LaunchOptions, ReplayOptions, Replayer};
    if args.journeys.is_empty() {
        return Ok(Vec::new());
    }
    let loaded = args
        .journeys
        .iter()
        .map(|p| sightline_journeys::load(p).with_context(|| format!("--journey {}", p.display())))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let launch = LaunchOptions {
        executable: args.chromium.clone(),
        ..LaunchOptions::default()
    };
    let opts = ReplayOptions {
        base_url: args.base_url.clone(),
        runner_id: format!("gate-{}", std::process::id()),
        ..ReplayOptions::default()
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    let reports = runtime.block_on(async {
        let mut replayer = Replayer::new(launch)?;
        let mut out = Vec::new();
        for j in &loaded {
            if !cli.json {
                eprintln!("smoke test: {}", j.journey.name);
            }
            out.push(replayer.replay(j, &opts).await);
        }
        replayer.shutdown().await;
        Ok::<_, sightline_browser::BrowserError>(out)
    })?;
    let mut store = sightline_store::Store::open(cli.db_path())?;
    let mut results = Vec::new();
    for mut report in reports {
        report.run.release_id = args.release.clone();
        sightline_browser::persist::save(&mut store, &report, sightline_browser::system_now_ms())?;
        let run = &report.run;
        results.push(JourneyResult {
            journey: run.journey.clone(),
            passed: run.outcome == Outcome::Pass,
            reason: run.error_message.clone().or_else(|| {
                (run.outcome != Outcome::Pass).then(|| format!("the run ended {}", run.outcome))
            }),
            run_id: Some(run.id.to_string()),
            duration_ms: run.duration_ms,
        });
    }
    Ok(results)
}

/// Asks a remote `sightline serve` (`POST /v1/gate`, bearer token).
fn remote(url: &str, token_env: &str, req: &GateRequest) -> anyhow::Result<GateAnswer> {
    let token = std::env::var(token_env)
        .with_context(|| format!("--server needs the token in ${token_env} (see --token-env)"))?;
    let endpoint = format!("{}/v1/gate", url.trim_end_matches('/'));
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    runtime.block_on(async {
        let resp = reqwest::Client::new()
            .post(&endpoint)
            .bearer_auth(token)
            .json(req)
            .timeout(std::time::Duration::from_secs(60))
            .send()
            .await
            .map_err(|e| anyhow::anyhow!("{endpoint}: {}", e.without_url()))?;
        let status = resp.status();
        let text = resp.text().await.unwrap_or_default();
        if !status.is_success() {
            anyhow::bail!("{endpoint}: HTTP {status}: {}", text.trim());
        }
        serde_json::from_str(&text).with_context(|| format!("{endpoint}: not a gate answer"))
    })
}

fn record_deploy(cli: &Cli, args: &GateArgs, at_ms: i64) -> anyhow::Result<()> {
    use sightline_telemetry::deploy::DeployRequest;
    let req = DeployRequest {
        service: args.service.clone().unwrap_or_default(),
        version: args.version.clone().unwrap_or_default(),
        region: args.region.clone(),
        commit: None,
        at: Some(serde_json::Value::from(at_ms)),
        release: args.release.clone(),
        previous_version: None,
    };
    let event = req.into_event("gate", "sightline gate --record-deploy", at_ms)?;
    let mut store = sightline_store::Store::open(cli.db_path())?;
    sightline_telemetry::ingest::store_now(
        &mut store,
        &sightline_store::TelemetryBatch::Events(vec![event]),
    )?;
    if !cli.json {
        eprintln!("deploy recorded");
    }
    Ok(())
}

fn print_table(a: &GateAnswer) {
    let v: &Verdict = &a.verdict;
    println!("policy: {}", a.policy);
    let width = v
        .checks
        .iter()
        .map(|c| c.slo.len())
        .max()
        .unwrap_or(3)
        .clamp(3, 40);
    println!(
        "{:<width$}  {:<12}  {:>7}  reason",
        "slo", "check", "budget"
    );
    for c in &v.checks {
        let word = match c.status {
            CheckStatus::Pass => "pass",
            CheckStatus::Blocked => "BLOCKED",
            CheckStatus::Approved => "approved",
            CheckStatus::ExemptFix => "fix passes",
            CheckStatus::OutOfScope => "not on path",
            CheckStatus::NoData => "NO DATA",
        };
        let budget = c.budget_remaining.map(pct).unwrap_or_else(|| "-".into());
        println!("{:<width$}  {word:<12}  {budget:>7}  {}", c.slo, c.reason);
        for r in &c.rules {
            if let Some(since) = r.since_ms {
                println!(
                    "{:<width$}    {} since {}",
                    "",
                    r.rule,
                    sightline_api::slo::status::rfc3339_ms(since)
                );
            }
        }
    }
    for j in &v.journeys {
        println!(
            "journey {}: {} ({} ms){}",
            j.journey,
            if j.passed { "pass" } else { "FAIL" },
            j.duration_ms,
            j.reason
                .as_deref()
                .map(|r| format!(": {r}"))
                .unwrap_or_default()
        );
    }
    if let Some(ap) = &v.approval {
        println!(
            "approved by {} at {}: {}",
            ap.by,
            sightline_api::slo::status::rfc3339_ms(ap.at_ms),
            ap.reason
        );
    }
    println!("{} (exit {})", v.summary, v.exit_code);
}
