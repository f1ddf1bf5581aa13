//! Scripted incidents: a YAML list of deploys and faults at offsets from the
//! start, played against a running shop, and the ground truth they produce.
//!
//! The labels file is what makes the demo a benchmark: attribution's answer
//! ("payment in us-east-1, release 2.4.1, from 12:01") can be scored against
//! what the script really did. Time goes through a [`Clock`], so tests replay a
//! ten-minute incident in seconds with a compressed clock.

use std::collections::BTreeMap;
use std::future::Future;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::admin::{apply_fault, rollout};
use crate::deploy::{DeployEvent, DeployRequest};
use crate::error::ShopError;
use crate::faults::{FaultKind, FaultSpec};
use crate::shop::ShopState;

/// Scenario time, and how to wait for it.
pub trait Clock: Send + Sync {
    /// Scenario time since the clock started.
    fn elapsed(&self) -> Duration;
    /// Waits until scenario time `offset` (at once if it has passed).
    fn sleep_until(&self, offset: Duration) -> impl Future<Output = ()> + Send;
    /// Wall-clock Unix milliseconds now, for labels that must line up with telemetry.
    fn wall_ms(&self) -> i64;
}

/// Real time, optionally compressed: with `factor` 60, a scenario minute takes a second.
#[derive(Debug, Clone)]
pub struct ScaledClock {
    start: tokio::time::Instant,
    factor: f64,
}

impl ScaledClock {
    /// A clock starting now that runs `factor` times faster than real time.
    pub fn new(factor: f64) -> Result<Self, ShopError> {
        if !(factor.is_finite() && factor > 0.0) {
            return Err(ShopError::Config(format!(
                "clock factor must be positive, got {factor}"
            )));
        }
        Ok(Self {
            start: tokio::time::Instant::now(),
            factor,
        })
    }
}

impl Clock for ScaledClock {
    fn elapsed(&self) -> Duration {
        self.start.elapsed().mul_f64(self.factor)
    }

    fn sleep_until(&self, offset: Duration) -> impl Future<Output = ()> + Send {
        tokio::time::sleep_until(self.start + offset.div_f64(self.factor))
    }

    fn wall_ms(&self) -> i64 {
        crate::now_ms()
    }
}

/// A scripted incident.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Scenario {
    /// Name; labels files are named after it.
    pub name: String,
    /// What happens, for people.
    #[serde(default)]
    pub description: String,
    /// Scenario length in seconds; faults still on at the end are switched off.
    pub duration_s: f64,
    /// Seed for the shop's random fault decisions.
    #[serde(default)]
    pub seed: u64,
    /// What happens when.
    #[serde(default)]
    pub events: Vec<ScenarioEvent>,
}

/// One scripted action.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScenarioEvent {
    /// Offset from the start, in scenario seconds.
    pub at_s: f64,
    /// Marks a fault as a decoy: labelled, but not as a cause.
    #[serde(default)]
    pub red_herring: bool,
    /// The action.
    #[serde(flatten)]
    pub action: Action,
}

/// What a scenario event does.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Roll a release out.
    Deploy(DeployRequest),
    /// Switch a fault on (give it an `id` to clear it later).
    Fault(FaultSpec),
    /// Switch a fault off by id.
    Clear(String),
}

/// One labelled fault window.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Label {
    /// Fault id in the scenario.
    pub fault_id: String,
    /// Service the fault hit.
    pub cause_service: String,
    /// Region it hit.
    pub region: String,
    /// Fault kind (`bad_release`, `latency`, …).
    pub kind: String,
    /// Scenario second it started.
    pub start_offset_s: f64,
    /// Scenario second it ended.
    pub end_offset_s: f64,
    /// Wall-clock start, Unix ms.
    pub start_ms: i64,
    /// Wall-clock end, Unix ms.
    pub end_ms: i64,
    /// The release to blame: the bad version, or the one running when the fault began.
    pub release: Option<String>,
}

/// Ground truth of one scenario run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScenarioLabels {
    /// Scenario name.
    pub scenario: String,
    /// Seed it ran with.
    pub seed: u64,
    /// Wall-clock start, Unix ms.
    pub started_ms: i64,
    /// Wall-clock end, Unix ms.
    pub ended_ms: i64,
    /// Faults that caused user impact.
    pub causes: Vec<Label>,
    /// Decoys that must not be blamed.
    pub red_herrings: Vec<Label>,
    /// Every deploy the scenario made.
    pub deploys: Vec<DeployEvent>,
}

impl Scenario {
    /// Parses a scenario from YAML; `origin` names it in errors.
    pub fn from_yaml(text: &str, origin: &str) -> Result<Self, ShopError> {
        let mut s: Scenario = serde_norway::from_str(text).map_err(|e| ShopError::Scenario {
            path: origin.to_owned(),
            message: e.to_string(),
        })?;
        if s.events
            .iter()
            .any(|e| !(e.at_s.is_finite() && e.at_s >= 0.0))
            || s.duration_s <= 0.0
        {
            return Err(ShopError::Scenario {
                path: origin.to_owned(),
                message: "offsets must be >= 0 and duration_s > 0".into(),
            });
        }
        s.events.sort_by(|a, b| a.at_s.total_cmp(&b.at_s));
        Ok(s)
    }

    /// Reads a scenario file.
    pub fn from_path(path: &Path) -> Result<Self, ShopError> {
        let text = std::fs::read_to_string(path).map_err(|e| ShopError::Scenario {
            path: path.display().to_string(),
            message: e.to_string(),
        })?;
        Self::from_yaml(&text, &path.display().to_string())
    }

    /// Plays the scenario against `shop` and returns what really happened.
    pub async fn run<C: Clock>(
        &self,
        shop: &ShopState,
        clock: &C,
    ) -> Result<ScenarioLabels, ShopError> {
        let started_ms = clock.wall_ms();
        let mut open: BTreeMap<String, (Label, bool)> = BTreeMap::new();
        let mut done: Vec<(Label, bool)> = Vec::new();
        let mut deploys = Vec::new();
        for event in &self.events {
            clock.sleep_until(Duration::from_secs_f64(event.at_s)).await;
            match &event.action {
                Action::Deploy(req) => deploys.extend(rollout(shop, req).await?.0),
                Action::Fault(spec) => {
                    let release = match &spec.kind {
                        FaultKind::BadRelease { version, .. } => Some(version.clone()),
                        _ => Some(shop.releases.version(&spec.service, &spec.region)),
                    };
                    let id = apply_fault(shop, spec.clone())?;
                    let label = Label {
                        fault_id: id.clone(),
                        cause_service: spec.service.clone(),
                        region: spec.region.clone(),
                        kind: spec.kind.name().to_owned(),
                        start_offset_s: event.at_s,
                        end_offset_s: self.duration_s,
                        start_ms: clock.wall_ms(),
                        end_ms: 0,
                        release,
                    };
                    // Re-setting an id closes the previous window.
                    if let Some(prev) = open.insert(id, (label, event.red_herring)) {
                        done.push(close(prev, event.at_s, clock.wall_ms()));
                    }
                }
                Action::Clear(id) => {
                    shop.faults.clear(id);
                    if let Some(prev) = open.remove(id) {
                        done.push(close(prev, event.at_s, clock.wall_ms()));
                    }
                }
            }
        }
        clock
            .sleep_until(Duration::from_secs_f64(self.duration_s))
            .await;
        let ended_ms = clock.wall_ms();
        for (id, prev) in std::mem::take(&mut open) {
            shop.faults.clear(&id);
            done.push(close(prev, self.duration_s, ended_ms));
        }
        done.sort_by(|a, b| a.0.start_offset_s.total_cmp(&b.0.start_offset_s));
        let (herrings, causes): (Vec<_>, Vec<_>) = done.into_iter().partition(|(_, h)| *h);
        Ok(ScenarioLabels {
            scenario: self.name.clone(),
            seed: self.seed,
            started_ms,
            ended_ms,
            causes: causes.into_iter().map(|(l, _)| l).collect(),
            red_herrings: herrings.into_iter().map(|(l, _)| l).collect(),
            deploys,
        })
    }
}

fn close((mut label, herring): (Label, bool), at_s: f64, now_ms: i64) -> (Label, bool) {
    label.end_offset_s = at_s;
    label.end_ms = now_ms;
    (label, herring)
}

impl ScenarioLabels {
    /// Writes `<dir>/<scenario>-<started_ms>.labels.json` and returns its path.
    pub fn write(&self, dir: &Path) -> Result<PathBuf, ShopError> {
        let path = dir.join(format!("{}-{}.labels.json", self.scenario, self.started_ms));
        let io = |source| ShopError::Write {
            path: path.display().to_string(),
            source,
        };
        std::fs::create_dir_all(dir).map_err(io)?;
        let json = serde_json::to_string_pretty(self).unwrap_or_default();
        std::fs::write(&path, json + "\n").map_err(io)?;
        Ok(path)
    }
}
