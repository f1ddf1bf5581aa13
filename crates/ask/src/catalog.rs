//! What can be named in a question: the project's SLOs and journeys, and the
//! services, regions and releases the store has seen. Each entry carries the
//! words it answers to (its name's parts, its tags, region nicknames), so
//! "eu-west", "Europe" and "eu-west-1" reach the same region.

use std::collections::BTreeSet;
use std::path::Path;

use sightline_core::{EventKind, SliKind};
use sightline_slo::SloConfig;
use sightline_store::Store;
use sightline_store::queries::{catalog, events};

use crate::AskError;

/// A journey as its file describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JourneyInfo {
    /// Its name.
    pub name: String,
    /// Its description.
    pub description: String,
    /// Its tags.
    pub tags: Vec<String>,
    /// Its steps' titles, in order.
    pub steps: Vec<String>,
}

/// What an SLO measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Runs pass.
    Availability,
    /// Runs are fast enough.
    Latency,
    /// Both.
    Both,
}

/// One SLO.
#[derive(Debug, Clone)]
pub struct SloInfo {
    /// Its name.
    pub name: String,
    /// The journey it measures.
    pub journey: String,
    /// The step, for step SLOs.
    pub step: Option<String>,
    /// What it measures.
    pub kind: Kind,
    /// The definition.
    pub config: SloConfig,
}

/// A deploy the store recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Release {
    /// The event's id.
    pub event_id: String,
    /// The service deployed.
    pub service: String,
    /// The version deployed.
    pub version: String,
    /// The region, or `None` for every region.
    pub region: Option<String>,
    /// When, Unix ms.
    pub at_ms: i64,
}

impl Release {
    /// `service@version`.
    pub fn id(&self) -> String {
        format!("{}@{}", self.service, self.version)
    }
}

/// Everything a question can name.
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    /// The SLOs, in project order.
    pub slos: Vec<SloInfo>,
    /// The journeys: the project's files, and any other journey with runs.
    pub journeys: Vec<JourneyInfo>,
    /// Services with telemetry or events.
    pub services: Vec<String>,
    /// Regions with runs or events.
    pub regions: Vec<String>,
    /// Deploys, oldest first.
    pub releases: Vec<Release>,
}

/// Reads the journey files under `dir` (recursively; unreadable files are
/// skipped, as `journey validate` reports them).
pub fn journey_files(dir: &Path) -> Vec<JourneyInfo> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        let mut paths: Vec<_> = entries.flatten().map(|e| e.path()).collect();
        paths.sort();
        for p in paths {
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|e| e == "yaml" || e == "yml")
                && let Ok(l) = sightline_journeys::load(&p)
            {
                let j = l.journey;
                out.push(JourneyInfo {
                    steps: j
                        .steps
                        .iter()
                        .filter_map(|s| s.meta().title.clone())
                        .collect(),
                    name: j.name,
                    description: j.description,
                    tags: j.tags,
                });
            }
        }
    }
    out
}

impl Catalog {
    /// The catalogue of `store` for `slos` and the journey files `journeys`.
    pub fn load(
        store: &Store,
        slos: &[SloConfig],
        journeys: &[JourneyInfo],
    ) -> Result<Catalog, AskError> {
        let c = store.conn();
        let mut js: Vec<JourneyInfo> = journeys.to_vec();
        let known: BTreeSet<String> = js.iter().map(|j| j.name.clone()).collect();
        let with_runs: BTreeSet<String> = catalog::journeys(c)?.into_iter().collect();
        let mut extra = with_runs.clone();
        extra.extend(slos.iter().map(|s| s.definition.filter.journey.clone()));
        for name in extra.difference(&known) {
            js.push(JourneyInfo {
                name: name.clone(),
                description: String::new(),
                tags: Vec::new(),
                steps: Vec::new(),
            });
        }
        // Journeys with SLOs first, then journeys with runs: a word two
        // journeys answer to ("checkout") means the one that is measured.
        let rank = |j: &JourneyInfo| {
            if slos.iter().any(|s| s.definition.filter.journey == j.name) {
                0
            } else if with_runs.contains(&j.name) {
                1
            } else {
                2
            }
        };
        js.sort_by_key(rank);
        let releases = events::deploys_between(c, i64::MIN, i64::MAX)?
            .into_iter()
            .filter_map(|e| match e.kind {
                EventKind::Deploy(d) => Some(Release {
                    event_id: e.id.to_string(),
                    service: d.service,
                    version: d.version,
                    region: d.region,
                    at_ms: e.at_ms,
                }),
                _ => None,
            })
            .collect();
        Ok(Catalog {
            slos: slos
                .iter()
                .map(|s| {
                    let d = &s.definition;
                    SloInfo {
                        name: d.name.clone(),
                        journey: d.filter.journey.clone(),
                        step: d.filter.step.clone(),
                        kind: match d.sli {
                            SliKind::Availability => Kind::Availability,
                            SliKind::Latency { .. } => Kind::Latency,
                            SliKind::AvailabilityAndLatency { .. } => Kind::Both,
                        },
                        config: s.clone(),
                    }
                })
                .collect(),
            journeys: js,
            services: catalog::services(c)?,
            regions: catalog::regions(c)?,
            releases,
        })
    }

    /// The SLO named `name`.
    pub fn slo(&self, name: &str) -> Option<&SloInfo> {
        self.slos.iter().find(|s| s.name == name)
    }

    /// The SLOs of `journey`.
    pub fn slos_of(&self, journey: &str) -> Vec<&SloInfo> {
        self.slos.iter().filter(|s| s.journey == journey).collect()
    }

    /// Whether `name` is a known service, region, SLO, journey or release
    /// (`service@version` or a bare version).
    pub fn knows(&self, name: &str) -> bool {
        self.services.iter().any(|s| s == name)
            || self.regions.iter().any(|s| s == name)
            || self.slos.iter().any(|s| s.name == name)
            || self.journeys.iter().any(|s| s.name == name)
            || self
                .releases
                .iter()
                .any(|r| r.id() == name || r.version == name)
    }
}

/// Nicknames of well-known cloud regions: the city or country a region
/// code stands for, and the continent. A continent word reaches a region
/// only when the store knows one region there.
pub fn region_nicknames(code: &str) -> (&'static [&'static str], Option<&'static str>) {
    let (city, continent): (&'static [&'static str], &'static str) = match code {
        "us-east-1" => (&["virginia", "n-virginia", "ashburn"], "america"),
        "us-east-2" => (&["ohio"], "america"),
        "us-west-1" => (&["california", "n-california"], "america"),
        "us-west-2" => (&["oregon"], "america"),
        "ca-central-1" => (&["canada", "montreal"], "america"),
        "sa-east-1" => (&["brazil", "sao-paulo"], "south-america"),
        "eu-west-1" => (&["ireland", "dublin"], "europe"),
        "eu-west-2" => (&["london", "uk"], "europe"),
        "eu-west-3" => (&["paris", "france"], "europe"),
        "eu-central-1" => (&["frankfurt", "germany"], "europe"),
        "eu-north-1" => (&["stockholm", "sweden"], "europe"),
        "ap-south-1" => (&["mumbai", "india"], "asia"),
        "ap-southeast-1" => (&["singapore"], "asia"),
        "ap-southeast-2" => (&["sydney", "australia"], "australia"),
        "ap-northeast-1" => (&["tokyo", "japan"], "asia"),
        _ => return (&[], None),
    };
    (city, Some(continent))
}
