//! The SLO editor: the project's SLOs as form drafts, a live preview of what
//! a draft would have been over the stored history, and saving a draft as
//! `slos/<name>.yaml` in the shape [`crate::slo::files`] reads.
//!
//! A draft is checked field by field before anything is computed or written,
//! and the error names the field (`target: 1.5 is out of range…`). A saved
//! file is parsed back before it replaces anything, and written to a
//! temporary name, synced, then renamed, so a crash never leaves half a file.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sightline_core::slo::CalendarUnit;
use sightline_core::{SliKind, SloDefinition, SloFilter, SloWindow};
use sightline_slo::{AlertPolicy, SloConfig};
use ts_rs::TS;

use crate::overview::{DeployMarker, deploy_markers};
use crate::slo::series::{self, ChartPoint, DaySli};
use crate::slo::status::StatusJson;
use crate::slo::{LoadedSlo, load_slos, parse_slo_file};
use crate::{ApiContext, ApiError};

/// How good events are told from bad ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum SliKindName {
    /// Good = the run passed.
    Availability,
    /// Good = at or under the threshold.
    Latency,
    /// Good = passed and at or under the threshold.
    AvailabilityAndLatency,
}

/// The compliance window of a draft.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum WindowDraft {
    /// The last `days` days.
    Rolling {
        /// 1 or more.
        days: u32,
    },
    /// The current calendar week or month in a time zone.
    Calendar {
        /// `week` or `month`.
        unit: CalendarUnitName,
        /// An IANA zone, e.g. `Europe/Paris`.
        time_zone: String,
    },
}

/// Calendar units.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum CalendarUnitName {
    /// Monday to Monday.
    Week,
    /// The first of the month to the first of the next.
    Month,
}

/// An SLO as the editor's form holds it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct SloDraft {
    /// Unique name; also the file name (`slos/<name>.yaml`).
    pub name: String,
    /// What it protects, in words.
    pub description: String,
    /// The SLI kind.
    pub sli_kind: SliKindName,
    /// The latency threshold in ms, for the latency kinds.
    pub threshold_ms: Option<i64>,
    /// The journey measured.
    pub journey: String,
    /// One step of it, or null for the whole journey.
    pub step: Option<String>,
    /// Regions counted; empty for all.
    pub regions: Vec<String>,
    /// Journey tags required; empty for any.
    pub tags: Vec<String>,
    /// The objective as a fraction, e.g. 0.995.
    pub target: f64,
    /// The compliance window.
    pub window: WindowDraft,
    /// The file it was read from, relative to the project; null for a new SLO.
    pub file: Option<String>,
}

impl SloDraft {
    fn of(d: &SloDefinition, file: Option<String>) -> Self {
        let (sli_kind, threshold_ms) = match d.sli {
            SliKind::Availability => (SliKindName::Availability, None),
            SliKind::Latency { threshold_ms } => (SliKindName::Latency, Some(threshold_ms)),
            SliKind::AvailabilityAndLatency { threshold_ms } => {
                (SliKindName::AvailabilityAndLatency, Some(threshold_ms))
            }
        };
        Self {
            name: d.name.clone(),
            description: d.description.clone(),
            sli_kind,
            threshold_ms,
            journey: d.filter.journey.clone(),
            step: d.filter.step.clone(),
            regions: d.filter.regions.clone(),
            tags: d.filter.tags.clone(),
            target: d.target,
            window: match &d.window {
                SloWindow::Rolling { days } => WindowDraft::Rolling { days: *days },
                SloWindow::Calendar { unit, time_zone } => WindowDraft::Calendar {
                    unit: match unit {
                        CalendarUnit::Week => CalendarUnitName::Week,
                        CalendarUnit::Month => CalendarUnitName::Month,
                    },
                    time_zone: time_zone.clone(),
                },
            },
            file,
        }
    }

    /// The definition, every field checked; errors name the field.
    fn definition(&self, known_journeys: &[String]) -> Result<SloDefinition, ApiError> {
        let bad = |field: &str, msg: String| ApiError::BadInput(format!("{field}: {msg}"));
        check_name(&self.name)?;
        let threshold = || match self.threshold_ms {
            Some(t) if t > 0 => Ok(t),
            Some(t) => Err(bad(
                "threshold_ms",
                format!("{t} must be a positive number of ms"),
            )),
            None => Err(bad(
                "threshold_ms",
                "a latency SLI needs a threshold in ms".into(),
            )),
        };
        let sli = match self.sli_kind {
            SliKindName::Availability => SliKind::Availability,
            SliKindName::Latency => SliKind::Latency {
                threshold_ms: threshold()?,
            },
            SliKindName::AvailabilityAndLatency => SliKind::AvailabilityAndLatency {
                threshold_ms: threshold()?,
            },
        };
        if self.journey.is_empty() {
            return Err(bad("journey", "pick the journey this SLO measures".into()));
        }
        if !known_journeys.contains(&self.journey) {
            return Err(bad(
                "journey",
                format!(
                    "no journey file defines {:?}; known: {}",
                    self.journey,
                    known_journeys.join(", ")
                ),
            ));
        }
        if !(self.target.is_finite() && self.target > 0.0 && self.target <= 1.0) {
            return Err(bad(
                "target",
                format!(
                    "{} is out of range: use a share in (0, 1], e.g. 0.995 for 99.5%",
                    self.target
                ),
            ));
        }
        let window = match &self.window {
            WindowDraft::Rolling { days } => {
                if !(1..=366).contains(days) {
                    return Err(bad(
                        "window.days",
                        format!("{days} is out of range: use 1 to 366 days"),
                    ));
                }
                SloWindow::Rolling { days: *days }
            }
            WindowDraft::Calendar { unit, time_zone } => {
                if time_zone.parse::<chrono_tz::Tz>().is_err() {
                    return Err(bad(
                        "window.time_zone",
                        format!("{time_zone:?} is not an IANA time zone, e.g. Europe/Paris"),
                    ));
                }
                SloWindow::Calendar {
                    unit: match unit {
                        CalendarUnitName::Week => CalendarUnit::Week,
                        CalendarUnitName::Month => CalendarUnit::Month,
                    },
                    time_zone: time_zone.clone(),
                }
            }
        };
        Ok(SloDefinition {
            name: self.name.clone(),
            description: self.description.trim().to_owned(),
            sli,
            filter: SloFilter {
                journey: self.journey.clone(),
                step: self.step.clone().filter(|s| !s.is_empty()),
                regions: self.regions.clone(),
                tags: self.tags.clone(),
            },
            target: self.target,
            window,
        })
    }
}

/// SLO names become file names, so they are kept to a safe alphabet.
fn check_name(name: &str) -> Result<(), ApiError> {
    let ok = !name.is_empty()
        && name.len() <= 100
        && name
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
    if ok {
        Ok(())
    } else {
        Err(ApiError::BadInput(format!(
            "name: {name:?} cannot be an SLO name: use lower-case letters, digits, - and _ \
             (at most 100), starting with a letter or digit"
        )))
    }
}

/// Asks for the SLO list and the journeys a draft can pick from.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SloListRequest {}

/// The SLOs of the project and what a draft can measure.
#[derive(Debug, Clone, Serialize, TS)]
pub struct SloList {
    /// Every SLO, in folder order.
    pub slos: Vec<SloDraft>,
    /// Why the SLO folder does not load, naming the file and field.
    pub problem: Option<String>,
    /// The journeys with their step names, for the form's pickers.
    pub journeys: Vec<JourneyChoice>,
}

/// A journey a draft can measure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct JourneyChoice {
    /// The journey's name.
    pub name: String,
    /// Its step names, as runs store them.
    pub steps: Vec<String>,
}

fn journey_choices(ctx: &ApiContext) -> Vec<JourneyChoice> {
    let mut out: Vec<JourneyChoice> = crate::project::journey_files(ctx)
        .into_iter()
        .filter_map(|f| f.loaded.ok())
        .map(|j| JourneyChoice {
            name: j.journey.name.clone(),
            steps: j
                .journey
                .steps
                .iter()
                .map(sightline_browser::step_name)
                .collect(),
        })
        .collect();
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out.dedup_by(|a, b| a.name == b.name);
    out
}

fn loaded_slos(ctx: &ApiContext) -> Result<Vec<LoadedSlo>, ApiError> {
    if !ctx.slos_dir().is_dir() {
        return Ok(Vec::new());
    }
    load_slos(&ctx.slos_dir())
}

/// The SLO list.
pub fn slo_list(ctx: &ApiContext, _req: SloListRequest) -> Result<SloList, ApiError> {
    let (slos, problem) = match loaded_slos(ctx) {
        Ok(l) => (
            l.iter()
                .map(|s| {
                    SloDraft::of(
                        &s.config.definition,
                        Some(crate::project::relative(ctx.project_dir(), &s.file)),
                    )
                })
                .collect(),
            None,
        ),
        Err(e) => (Vec::new(), Some(e.to_string())),
    };
    Ok(SloList {
        slos,
        problem,
        journeys: journey_choices(ctx),
    })
}

/// Asks for one SLO as a draft.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SloGetRequest {
    /// The SLO's name.
    pub name: String,
}

/// One SLO as a draft.
pub fn slo_get(ctx: &ApiContext, req: SloGetRequest) -> Result<SloDraft, ApiError> {
    loaded_slos(ctx)?
        .into_iter()
        .find(|s| s.config.definition.name == req.name)
        .map(|s| {
            SloDraft::of(
                &s.config.definition,
                Some(crate::project::relative(ctx.project_dir(), &s.file)),
            )
        })
        .ok_or_else(|| ApiError::NotFound(format!("name: no SLO is named {:?}", req.name)))
}

/// Asks what a draft would have been.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct SloPreviewRequest {
    /// The draft.
    pub draft: SloDraft,
    /// Evaluate at this time, Unix ms; now when absent.
    pub at_ms: Option<i64>,
}

/// A draft over the stored history.
#[derive(Debug, Clone, Serialize, TS)]
pub struct SloPreview {
    /// When it was evaluated, Unix ms.
    pub at_ms: i64,
    /// Its numbers now, as the Overview would show them once saved.
    pub status: StatusJson,
    /// Its budget over the current window.
    pub burn_down: Vec<ChartPoint>,
    /// Its SLI per day of the window.
    pub daily: Vec<DaySli>,
    /// Deploys over the window, for the chart markers.
    pub deploys: Vec<DeployMarker>,
}

fn known_journeys(ctx: &ApiContext) -> Vec<String> {
    journey_choices(ctx).into_iter().map(|j| j.name).collect()
}

/// What `req.draft` would have been at `req.at_ms`, over the stored runs.
pub fn slo_preview(ctx: &ApiContext, req: SloPreviewRequest) -> Result<SloPreview, ApiError> {
    let at_ms = req.at_ms.unwrap_or_else(|| ctx.now_ms());
    let definition = req.draft.definition(&known_journeys(ctx))?;
    let config = SloConfig {
        definition,
        policy: existing_policy(ctx, &req.draft.name),
    };
    let (engine, mut docs) =
        crate::slo::evaluate(ctx.db_path(), &ctx.journeys_dir(), vec![config], at_ms)?;
    let status = docs
        .pop()
        .ok_or_else(|| ApiError::InvalidRequest("the engine returned no status".into()))?;
    let burn_down = series::burn_down(&engine, &status, at_ms)?;
    let daily = series::daily_sli(&engine, &status, at_ms)?;
    let deploys = deploy_markers(ctx, status.window.start_ms, at_ms + 1)?;
    Ok(SloPreview {
        at_ms,
        status,
        burn_down,
        daily,
        deploys,
    })
}

/// The alert policy an SLO of that name already has (a policy is not edited
/// in the form, so saving keeps it); the Workbook default otherwise.
fn existing_policy(ctx: &ApiContext, name: &str) -> AlertPolicy {
    loaded_slos(ctx)
        .ok()
        .and_then(|l| l.into_iter().find(|s| s.config.definition.name == name))
        .map(|s| s.config.policy)
        .unwrap_or_default()
}

/// Saves a draft.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct SloSaveRequest {
    /// The draft.
    pub draft: SloDraft,
    /// The name the SLO had when the form opened; null for a new SLO.
    pub original_name: Option<String>,
}

/// What saving did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct SloSaved {
    /// The SLO's name.
    pub name: String,
    /// The file written, relative to the project.
    pub file: String,
    /// A file the SLO was moved out of (it shared a file with other SLOs, or
    /// was renamed); that file was rewritten without it.
    pub moved_from: Option<String>,
    /// Whether that rewrite dropped the file's YAML comments.
    pub comments_dropped: bool,
}

/// The YAML text of one SLO file, in the shape the loader reads. Enums are
/// written as mappings (`window: { rolling: { days: 28 } }`), which is why
/// this goes through JSON's data model first.
fn render(configs: &[SloConfig], header: &str) -> Result<String, ApiError> {
    let mut docs = Vec::new();
    for c in configs {
        let mut v = serde_json::to_value(&c.definition)
            .map_err(|e| ApiError::InvalidRequest(format!("cannot render the SLO: {e}")))?;
        if c.policy != AlertPolicy::default()
            && let Some(map) = v.as_object_mut()
        {
            map.insert(
                "policy".into(),
                serde_json::to_value(&c.policy).map_err(|e| {
                    ApiError::InvalidRequest(format!("cannot render the policy: {e}"))
                })?,
            );
        }
        docs.push(v);
    }
    let value = if docs.len() == 1 {
        docs.remove(0)
    } else {
        serde_json::Value::Array(docs)
    };
    let body = serde_norway::to_string(&value)
        .map_err(|e| ApiError::InvalidRequest(format!("cannot render the SLO as YAML: {e}")))?;
    Ok(format!("{header}{body}"))
}

/// Writes `bytes` to `path` through a synced temporary file and a rename.
pub(crate) fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), ApiError> {
    use std::io::Write as _;
    let err = |source| ApiError::Write {
        path: path.display().to_string(),
        source,
    };
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(err)?;
    let name = path
        .file_name()
        .map_or_else(|| "file".into(), |n| n.to_string_lossy().into_owned());
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let mut f = std::fs::File::create(&tmp).map_err(err)?;
    f.write_all(bytes).map_err(err)?;
    f.sync_all().map_err(err)?;
    drop(f);
    std::fs::rename(&tmp, path).map_err(err)
}

const HEADER: &str =
    "# Written by the Sightline app's SLO editor (docs/slo.md describes the shape).\n";

/// Saves `req.draft` as `slos/<name>.yaml`. An SLO that lived in another file
/// (a shared one, or its old name's) is taken out of it.
pub fn slo_save(ctx: &ApiContext, req: SloSaveRequest) -> Result<SloSaved, ApiError> {
    let definition = req.draft.definition(&known_journeys(ctx))?;
    let existing = loaded_slos(ctx)?;
    let name = definition.name.clone();
    if existing.iter().any(|s| {
        s.config.definition.name == name && req.original_name.as_deref() != Some(name.as_str())
    }) {
        return Err(ApiError::BadInput(format!(
            "name: an SLO named {name:?} already exists; pick another name"
        )));
    }
    let original = req
        .original_name
        .as_ref()
        .map(|o| {
            existing
                .iter()
                .find(|s| &s.config.definition.name == o)
                .ok_or_else(|| {
                    ApiError::NotFound(format!(
                        "original_name: no SLO is named {o:?} any more (was it removed?)"
                    ))
                })
        })
        .transpose()?;
    let policy = original
        .map(|o| o.config.policy.clone())
        .unwrap_or_default();
    let config = SloConfig { definition, policy };
    config.validate(None)?;

    let target: PathBuf = ctx.slos_dir().join(format!("{name}.yaml"));
    let text = render(std::slice::from_ref(&config), HEADER)?;
    // Parse back before writing: what is saved must load.
    let back = parse_slo_file(&target, &text)?;
    if back.len() != 1 || back[0] != config {
        return Err(ApiError::InvalidRequest(
            "the rendered SLO does not read back the same; nothing was written".into(),
        ));
    }
    // Another SLO's file at that name would be overwritten: refuse.
    if let Some(other) = existing.iter().find(|s| {
        s.file == target && Some(s.config.definition.name.as_str()) != req.original_name.as_deref()
    }) {
        return Err(ApiError::BadInput(format!(
            "name: {} already holds SLO {:?}; pick another name",
            crate::project::relative(ctx.project_dir(), &target),
            other.config.definition.name
        )));
    }
    write_atomically(&target, text.as_bytes())?;

    let mut moved_from = None;
    let mut comments_dropped = false;
    if let Some(o) = original.filter(|o| o.file != target) {
        let rest: Vec<SloConfig> = existing
            .iter()
            .filter(|s| s.file == o.file && s.config.definition.name != o.config.definition.name)
            .map(|s| s.config.clone())
            .collect();
        if rest.is_empty() {
            std::fs::remove_file(&o.file).map_err(|source| ApiError::Write {
                path: o.file.display().to_string(),
                source,
            })?;
        } else {
            let old = std::fs::read_to_string(&o.file).unwrap_or_default();
            comments_dropped = old.lines().any(|l| l.trim_start().starts_with('#'));
            write_atomically(&o.file, render(&rest, HEADER)?.as_bytes())?;
        }
        moved_from = Some(crate::project::relative(ctx.project_dir(), &o.file));
    }
    Ok(SloSaved {
        name,
        file: crate::project::relative(ctx.project_dir(), &target),
        moved_from,
        comments_dropped,
    })
}
