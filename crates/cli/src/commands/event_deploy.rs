//! `sightline event deploy --service S --version V [...]`: record a deploy by
//! hand or from a CI step. The same deploy sent twice is stored once.

use serde::Serialize;
use sightline_store::{Store, TelemetryBatch};
use sightline_telemetry::deploy::DeployRequest;
use sightline_telemetry::ingest::store_now;

use crate::args::{Cli, EventDeployArgs};
use crate::exit::{Code, OK};
use crate::output;

#[derive(Serialize)]
struct Report {
    id: String,
    at_ms: i64,
    stored: bool,
    #[serde(flatten)]
    deploy: sightline_core::DeployEvent,
}

/// Runs `event deploy`.
pub fn run(cli: &Cli, args: &EventDeployArgs) -> anyhow::Result<Code> {
    let req = DeployRequest {
        service: args.service.clone(),
        version: args.version.clone(),
        region: args.region.clone(),
        commit: args.commit.clone(),
        at: args.at.clone().map(serde_json::Value::String),
        release: args.release.clone(),
        previous_version: None,
    };
    let event = req.into_event("cli", "arguments", super::runs::now_ms())?;
    let mut store = Store::open(cli.db_path())?;
    let w = store_now(&mut store, &TelemetryBatch::Events(vec![event.clone()]))?;
    let sightline_core::EventKind::Deploy(deploy) = event.kind else {
        anyhow::bail!("internal: a deploy request became a non-deploy event");
    };
    let report = Report {
        id: event.id.to_string(),
        at_ms: event.at_ms,
        stored: w.stored == 1,
        deploy,
    };
    if cli.json {
        output::json(&report)?;
    } else {
        println!(
            "deploy {} of {} {}{}: {}",
            report.deploy.release_id,
            report.deploy.service,
            report.deploy.version,
            report
                .deploy
                .region
                .as_deref()
                .map(|r| format!(" in {r}"))
                .unwrap_or_default(),
            if report.stored {
                "stored"
            } else {
                "already stored"
            }
        );
    }
    Ok(Code(OK))
}
