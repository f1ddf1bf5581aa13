//! Releases: which version of each service runs in each region, and the deploy
//! events that record every change.
//!
//! Change correlation needs deploy markers, so every rollout is kept in memory
//! (`GET /admin/deploys`) and, when a webhook is configured, POSTed to it as JSON
//! the moment it happens.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use sha1::{Digest, Sha1};

use crate::error::ShopError;

/// The versions every stack starts with.
pub const INITIAL_VERSIONS: &[(&str, &str)] = &[
    ("frontend", "1.8.0"),
    ("auth", "3.1.0"),
    ("catalog", "2.0.3"),
    ("cart", "1.4.2"),
    ("payment", "2.4.0"),
    ("inventory", "1.1.0"),
];

/// A rollout request (`POST /admin/deploy`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeployRequest {
    /// Service to roll out.
    pub service: String,
    /// Version to run.
    pub version: String,
    /// Region; every region when missing.
    #[serde(default)]
    pub region: Option<String>,
    /// Commit the version was built from; derived from the version when missing.
    #[serde(default)]
    pub commit: Option<String>,
}

/// One finished rollout of one service in one region.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeployEvent {
    /// Stable id of the release (`payment@2.4.1`), shared by all regions.
    pub release_id: String,
    /// Service rolled out.
    pub service: String,
    /// Version now running.
    pub version: String,
    /// Version that ran before.
    pub previous_version: String,
    /// Region rolled out to.
    pub region: String,
    /// When, Unix milliseconds.
    pub time_ms: i64,
    /// Commit hash.
    pub commit: String,
}

/// Running versions and the deploy log of a shop.
#[derive(Debug)]
pub struct Releases {
    versions: Mutex<BTreeMap<(String, String), String>>,
    log: Mutex<Vec<DeployEvent>>,
}

impl Releases {
    /// Every service of [`INITIAL_VERSIONS`] at its initial version in every region.
    pub fn new(regions: &[String]) -> Self {
        let mut versions = BTreeMap::new();
        for region in regions {
            for (service, version) in INITIAL_VERSIONS {
                versions.insert(
                    ((*service).to_owned(), region.clone()),
                    (*version).to_owned(),
                );
            }
        }
        Self {
            versions: Mutex::new(versions),
            log: Mutex::new(Vec::new()),
        }
    }

    /// The version of `service` running in `region` (`unknown` if there is none).
    pub fn version(&self, service: &str, region: &str) -> String {
        self.versions
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&(service.to_owned(), region.to_owned()))
            .cloned()
            .unwrap_or_else(|| "unknown".to_owned())
    }

    /// All running versions as `(service, region, version)`.
    pub fn all(&self) -> Vec<(String, String, String)> {
        let versions = self.versions.lock().unwrap_or_else(|e| e.into_inner());
        versions
            .iter()
            .map(|((s, r), v)| (s.clone(), r.clone(), v.clone()))
            .collect()
    }

    /// Switches the version and logs one event per region touched.
    pub fn deploy(&self, req: &DeployRequest, now_ms: i64) -> Result<Vec<DeployEvent>, ShopError> {
        let mut versions = self.versions.lock().unwrap_or_else(|e| e.into_inner());
        let targets: Vec<(String, String)> = versions
            .keys()
            .filter(|(s, r)| *s == req.service && req.region.as_ref().is_none_or(|want| want == r))
            .cloned()
            .collect();
        if targets.is_empty() {
            return Err(ShopError::UnknownTarget {
                service: req.service.clone(),
                region: req.region.clone().unwrap_or_else(|| "*".to_owned()),
            });
        }
        let commit = req
            .commit
            .clone()
            .unwrap_or_else(|| fake_commit(&req.service, &req.version));
        let mut events = Vec::new();
        for key in targets {
            let previous = versions
                .insert(key.clone(), req.version.clone())
                .unwrap_or_default();
            events.push(DeployEvent {
                release_id: format!("{}@{}", req.service, req.version),
                service: key.0,
                version: req.version.clone(),
                previous_version: previous,
                region: key.1,
                time_ms: now_ms,
                commit: commit.clone(),
            });
        }
        self.log
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .extend(events.iter().cloned());
        Ok(events)
    }

    /// Every deploy so far, oldest first.
    pub fn events(&self) -> Vec<DeployEvent> {
        self.log.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
}

/// A stable, plausible 12-digit commit for a version, so repeated demos agree.
fn fake_commit(service: &str, version: &str) -> String {
    let digest = Sha1::digest(format!("{service}@{version}").as_bytes());
    hex::encode(&digest[..6])
}

/// POSTs deploy events to a webhook; failures are logged and reported, never fatal.
pub async fn emit(client: &reqwest::Client, url: &str, events: &[DeployEvent]) -> bool {
    let mut delivered = true;
    for event in events {
        let sent = client
            .post(url)
            .timeout(Duration::from_secs(2))
            .json(event)
            .send()
            .await;
        match sent {
            Ok(r) if r.status().is_success() => {}
            Ok(r) => {
                tracing::warn!(status = %r.status(), url, "deploy webhook refused the event");
                delivered = false;
            }
            Err(e) => {
                tracing::warn!(error = %e, url, "deploy webhook unreachable");
                delivered = false;
            }
        }
    }
    delivered
}
