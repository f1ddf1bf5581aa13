//! The project file, `sightline.toml`: which journeys run, how often, from
//! which regions, and how the runner behaves.
//!
//! ```toml
//! [runner]
//! pool_size = 2            # browsers in the pool; default from cores and memory
//! jitter = "5s"            # random delay added to each slot; default 10% of `every`, at most 30 s
//! retries = 1              # retries of a failed run (default 0); every attempt is stored
//! retry_delay = "2s"
//! grace = "30s"            # on SIGTERM, how long in-flight runs may finish
//!
//! [regions.us-east-1]
//! base_url = "http://127.0.0.1:8080"
//!
//! [[schedule]]
//! journey = "journeys/demo/checkout.yaml"
//! every = "1m"
//! regions = ["us-east-1"]  # default: every region
//! ```
//!
//! Paths are relative to the project file. Errors name the line (for TOML
//! syntax) or the field (`schedule[1].every`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use serde::Deserialize;
use sightline_core::duration::parse_ms;
use sightline_journeys::LoadedJourney;

use crate::RunnerError;

/// The default project file name.
pub const PROJECT_FILE: &str = "sightline.toml";

/// The region used when the project names none.
pub const LOCAL_REGION: &str = "local";

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileShape {
    #[serde(default)]
    runner: RunnerShape,
    #[serde(default)]
    regions: BTreeMap<String, RegionShape>,
    #[serde(default)]
    schedule: Vec<ScheduleShape>,
    #[serde(default)]
    ask: AskSettings,
}

/// `[ask]`: the question box's optional model endpoint. The runner does not
/// use it; it is parsed here so `sightline.toml` has one reader and one set
/// of errors. The key is never in the file (keyring entry `ask_model_key`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AskSettings {
    /// An OpenAI-compatible API's base URL, e.g. `http://127.0.0.1:11434/v1`.
    pub model_url: Option<String>,
    /// The model's name at that endpoint, e.g. `llama3.1:8b`.
    pub model: Option<String>,
    /// The whole exchange's time limit, seconds (30 when absent).
    pub timeout_s: Option<u64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RunnerShape {
    pool_size: Option<usize>,
    jitter: Option<String>,
    retries: Option<u32>,
    retry_delay: Option<String>,
    grace: Option<String>,
    min_free_memory_mib: Option<u64>,
    network_check_url: Option<String>,
    chromium: Option<PathBuf>,
    screenshot_on_failure: Option<bool>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RegionShape {
    base_url: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ScheduleShape {
    journey: PathBuf,
    every: String,
    regions: Option<Vec<String>>,
    retries: Option<u32>,
    jitter: Option<String>,
}

/// How the runner behaves, after defaults.
#[derive(Debug, Clone)]
pub struct RunnerSettings {
    /// Browsers in the pool (each one Chromium, one run at a time).
    pub pool_size: usize,
    /// Retries of a failed run.
    pub retries: u32,
    /// Wait between attempts.
    pub retry_delay: Duration,
    /// How long in-flight runs may finish after a stop is asked for.
    pub grace: Duration,
    /// Below this much available memory a run is not started; it is recorded
    /// as a runner error instead (the runner, not the site, is failing).
    pub min_free_memory_mib: u64,
    /// When a run fails with a network error, this URL is fetched; if it is
    /// unreachable too, the runner's own network is down and the run is a
    /// runner error, not a user failure.
    pub network_check_url: Option<String>,
    /// The Chromium executable.
    pub chromium: PathBuf,
    /// Keep a screenshot of the page when a step fails.
    pub screenshot_on_failure: bool,
}

impl Default for RunnerSettings {
    fn default() -> Self {
        Self {
            pool_size: default_pool_size(),
            retries: 0,
            retry_delay: Duration::from_secs(2),
            grace: Duration::from_secs(30),
            min_free_memory_mib: 256,
            network_check_url: None,
            chromium: PathBuf::from(sightline_browser::DEFAULT_CHROMIUM),
            screenshot_on_failure: true,
        }
    }
}

/// A region the runner replays from, and the origin it targets there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegionTarget {
    /// The region label stored with each run.
    pub name: String,
    /// Overrides the journey's `baseUrl`, when set.
    pub base_url: Option<String>,
}

/// One journey on a timer, from a set of regions.
#[derive(Debug, Clone)]
pub struct Schedule {
    /// The journey file.
    pub path: PathBuf,
    /// The journey, loaded and validated.
    pub journey: Arc<LoadedJourney>,
    /// Interval between slots.
    pub every: Duration,
    /// Random delay added to each slot, spreading the starts.
    pub jitter: Duration,
    /// Regions it runs from.
    pub regions: Vec<RegionTarget>,
    /// Retries of a failed run.
    pub retries: u32,
}

/// A loaded, validated project.
#[derive(Debug, Clone)]
pub struct Project {
    /// The project file (or the folder, for a project made in code).
    pub file: PathBuf,
    /// Runner behaviour.
    pub runner: RunnerSettings,
    /// Every region, by name.
    pub regions: Vec<RegionTarget>,
    /// What runs and how often.
    pub schedules: Vec<Schedule>,
    /// The question box's model endpoint, if one is configured.
    pub ask: AskSettings,
}

impl Project {
    /// Reads and validates `file`, loading every journey it names.
    pub fn load(file: &Path) -> Result<Self, RunnerError> {
        let text = std::fs::read_to_string(file)
            .map_err(|e| RunnerError::project(file, format!("cannot read: {e}")))?;
        Self::from_toml(&text, file)
    }

    /// Parses project text; `file` names it in errors and anchors its paths.
    pub fn from_toml(text: &str, file: &Path) -> Result<Self, RunnerError> {
        let shape: FileShape = toml::from_str(text)
            .map_err(|e| RunnerError::project(file, one_line(&e.to_string())))?;
        let dir = file.parent().unwrap_or(Path::new("."));
        let bad =
            |field: String, msg: String| RunnerError::project(file, format!("{field}: {msg}"));

        let mut runner = RunnerSettings::default();
        let r = shape.runner;
        if let Some(n) = r.pool_size {
            if !(1..=64).contains(&n) {
                return Err(bad(
                    "runner.pool_size".into(),
                    format!("{n} is outside 1..=64"),
                ));
            }
            runner.pool_size = n;
        }
        runner.retries = r.retries.unwrap_or(0);
        if let Some(d) = &r.retry_delay {
            runner.retry_delay = duration(d, "runner.retry_delay").map_err(|e| bad_msg(file, e))?;
        }
        if let Some(d) = &r.grace {
            runner.grace = duration(d, "runner.grace").map_err(|e| bad_msg(file, e))?;
        }
        if let Some(m) = r.min_free_memory_mib {
            runner.min_free_memory_mib = m;
        }
        if let Some(u) = r.network_check_url {
            check_url(&u).map_err(|m| bad("runner.network_check_url".into(), m))?;
            runner.network_check_url = Some(u);
        }
        if let Some(c) = r.chromium {
            runner.chromium = c;
        }
        if let Some(s) = r.screenshot_on_failure {
            runner.screenshot_on_failure = s;
        }
        let default_jitter = r
            .jitter
            .as_deref()
            .map(|j| duration(j, "runner.jitter"))
            .transpose()
            .map_err(|e| bad_msg(file, e))?;

        let ask = shape.ask;
        check_ask(&ask).map_err(|(field, msg)| bad(field.into(), msg))?;

        let mut regions = Vec::new();
        for (name, reg) in shape.regions {
            if let Some(u) = &reg.base_url {
                check_url(u).map_err(|m| bad(format!("regions.{name}.base_url"), m))?;
            }
            regions.push(RegionTarget {
                name,
                base_url: reg.base_url,
            });
        }
        if regions.is_empty() {
            regions.push(RegionTarget {
                name: LOCAL_REGION.to_owned(),
                base_url: None,
            });
        }

        let mut schedules = Vec::new();
        for (i, s) in shape.schedule.into_iter().enumerate() {
            let field = |f: &str| format!("schedule[{i}].{f}");
            let every = duration(&s.every, "every").map_err(|e| bad(field("every"), e))?;
            if every < Duration::from_secs(1) {
                return Err(bad(field("every"), "must be at least 1s".into()));
            }
            let jitter = match (&s.jitter, default_jitter) {
                (Some(j), _) => duration(j, "jitter").map_err(|e| bad(field("jitter"), e))?,
                (None, Some(j)) => j,
                (None, None) => (every / 10).min(Duration::from_secs(30)),
            };
            if jitter >= every {
                return Err(bad(field("jitter"), "must be shorter than `every`".into()));
            }
            let path = dir.join(&s.journey);
            let journey = sightline_journeys::load(&path)?;
            let picked = match s.regions {
                None => regions.clone(),
                Some(names) => {
                    let mut picked = Vec::new();
                    for n in names {
                        let found = regions.iter().find(|r| r.name == n).ok_or_else(|| {
                            let known: Vec<_> = regions.iter().map(|r| r.name.as_str()).collect();
                            bad(
                                field("regions"),
                                format!("unknown region {n:?} (known: {})", known.join(", ")),
                            )
                        })?;
                        picked.push(found.clone());
                    }
                    picked
                }
            };
            if picked.is_empty() {
                return Err(bad(field("regions"), "names no region".into()));
            }
            schedules.push(Schedule {
                path,
                journey: Arc::new(journey),
                every,
                jitter,
                regions: picked,
                retries: s.retries.unwrap_or(runner.retries),
            });
        }
        if schedules.is_empty() {
            return Err(RunnerError::project(
                file,
                "no [[schedule]] entries: nothing would run",
            ));
        }
        Ok(Self {
            file: file.to_owned(),
            runner,
            regions,
            schedules,
            ask,
        })
    }

    /// Keeps only the schedules' slots in `region` (a remote runner serves one).
    pub fn only_region(mut self, region: &str) -> Result<Self, RunnerError> {
        if !self.regions.iter().any(|r| r.name == region) {
            let known: Vec<_> = self.regions.iter().map(|r| r.name.as_str()).collect();
            return Err(RunnerError::project(
                &self.file,
                format!(
                    "--region {region:?} is not in [regions] (known: {})",
                    known.join(", ")
                ),
            ));
        }
        for s in &mut self.schedules {
            s.regions.retain(|r| r.name == region);
        }
        self.schedules.retain(|s| !s.regions.is_empty());
        self.regions.retain(|r| r.name == region);
        Ok(self)
    }
}

fn duration(text: &str, field: &'static str) -> Result<Duration, String> {
    let ms = parse_ms(text, field).map_err(|e| e.to_string())?;
    Ok(Duration::from_millis(u64::try_from(ms).unwrap_or(0)))
}

fn bad_msg(file: &Path, message: String) -> RunnerError {
    RunnerError::project(file, message)
}

/// Only the `[ask]` table of project text (the whole file must still be
/// valid TOML with known keys), for the question box: it needs no schedule
/// and loads no journey.
pub fn ask_settings(text: &str, file: &Path) -> Result<AskSettings, RunnerError> {
    let shape: FileShape =
        toml::from_str(text).map_err(|e| RunnerError::project(file, one_line(&e.to_string())))?;
    check_ask(&shape.ask)
        .map_err(|(field, msg)| RunnerError::project(file, format!("{field}: {msg}")))?;
    Ok(shape.ask)
}

fn check_ask(ask: &AskSettings) -> Result<(), (&'static str, String)> {
    if let Some(u) = &ask.model_url {
        check_url(u).map_err(|m| ("ask.model_url", m))?;
        if ask.model.as_deref().is_none_or(|m| m.trim().is_empty()) {
            return Err((
                "ask.model",
                "missing: model_url needs the model's name at that endpoint".into(),
            ));
        }
    }
    if ask.timeout_s == Some(0) {
        return Err(("ask.timeout_s", "must be at least 1".into()));
    }
    Ok(())
}

fn check_url(u: &str) -> Result<(), String> {
    match url_scheme(u) {
        Some("http" | "https") => Ok(()),
        _ => Err(format!("{u:?} is not an http(s) URL")),
    }
}

fn url_scheme(u: &str) -> Option<&str> {
    u.split_once("://").map(|(s, _)| s)
}

/// toml's messages span several lines: a head naming the line and column,
/// a source excerpt with a caret (lines containing `|`), then the reason.
/// Keep the head and the reason on one line.
fn one_line(msg: &str) -> String {
    let kept: Vec<&str> = msg
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.contains('|'))
        .collect();
    if kept.is_empty() {
        "invalid TOML".to_owned()
    } else {
        kept.join(": ")
    }
}

/// One browser per core, as far as memory allows (about 300 MiB per
/// Chromium with one page, keeping 512 MiB for everything else), 1 to 8.
pub fn default_pool_size() -> usize {
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    let by_memory = crate::memory::available_mib()
        .map_or(cores as u64, |m| m.saturating_sub(512) / 300) as usize;
    cores.min(by_memory).clamp(1, 8)
}
