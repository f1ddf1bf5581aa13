//! The Incidents view's commands: the list, one incident with its
//! timeline, acknowledging, resolving and notes, the questions asked about
//! it, and the postmortem draft
//! written as files into the project's `reports/` folder. The work is
//! [`crate::incidents`]'s, shared with `sightline incident`.

use serde::{Deserialize, Serialize};
use sightline_slo::SloConfig;
use sightline_store::Store;
use sightline_store::queries::incidents::{self as rows, IncidentRow};
use ts_rs::TS;

use super::{open_store, slo_config};
use crate::attribution::Report;
use crate::incidents::questions::{self, AskedQuestion};
use crate::incidents::{self, IncidentView};
use crate::slo::journey_tags;
use crate::{ApiContext, ApiError};

/// The most incidents listed.
pub const MAX_INCIDENTS: usize = 200;

/// Asks for the incidents.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct IncidentsRequest {
    /// List resolved incidents too.
    pub include_resolved: bool,
}

/// One incident, as the list shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct IncidentSummary {
    /// Its number.
    pub id: i64,
    /// The SLO whose alert opened it.
    pub slo: String,
    /// One line.
    pub title: String,
    /// The cause's service, when the engine found one.
    pub service: Option<String>,
    /// The cause's region.
    pub region: Option<String>,
    /// `open`, `acknowledged` or `resolved`.
    pub state: String,
    /// When it opened, Unix ms.
    pub opened_at_ms: i64,
    /// When the state last changed.
    pub state_at_ms: i64,
    /// Who changed it; null for Sightline itself.
    pub state_by: Option<String>,
    /// The last alert or note, Unix ms.
    pub last_activity_ms: i64,
}

impl IncidentSummary {
    fn of(i: &IncidentRow) -> Self {
        Self {
            id: i.id,
            slo: i.slo.clone(),
            title: i.title.clone(),
            service: i.service.clone(),
            region: i.region.clone(),
            state: i.state.clone(),
            opened_at_ms: i.opened_at_ms,
            state_at_ms: i.state_at_ms,
            state_by: i.state_by.clone(),
            last_activity_ms: i.last_activity_ms,
        }
    }
}

/// The incidents, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct IncidentList {
    /// The incidents.
    pub incidents: Vec<IncidentSummary>,
}

/// Asks for one incident.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct IncidentRequest {
    /// Its number.
    pub id: i64,
}

/// One entry of an incident's timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct TimelineEntry {
    /// When, Unix ms.
    pub at_ms: i64,
    /// `alert_fired`, `alert_resolved`, `attribution`, `note`, `state`,
    /// `question`, `deploy`, `kubernetes`, `first_failing_run`,
    /// `recovery_run`.
    pub kind: String,
    /// What it links to: `run:ID`, `event:ID`, `alert:SLO/RULE[/FIRING_MS]`.
    pub link: Option<String>,
    /// One line.
    pub summary: String,
    /// Who, for notes and state changes.
    pub by: Option<String>,
}

/// One incident with its timeline and impact.
#[derive(Debug, Clone, Serialize, TS)]
pub struct IncidentDetail {
    /// The incident.
    pub incident: IncidentSummary,
    /// Its SLO's journey, when the SLO is defined in the project.
    pub journey: Option<String>,
    /// Stored and derived entries, oldest first.
    pub timeline: Vec<TimelineEntry>,
    /// The latest attribution snapshot.
    pub report: Option<Report>,
    /// When the trouble began: the onset, else the opening.
    pub started_ms: i64,
    /// When it ended: the resolution, else now.
    pub ended_ms: i64,
    /// Bad runs of the journey from start to end.
    pub bad_runs: u32,
    /// All its judged runs then.
    pub runs: u32,
    /// Regions with bad runs.
    pub regions: Vec<String>,
}

fn detail(v: IncidentView, journey: Option<String>) -> IncidentDetail {
    let n = |x: u64| u32::try_from(x).unwrap_or(u32::MAX);
    IncidentDetail {
        incident: IncidentSummary::of(&v.incident),
        journey,
        timeline: v
            .timeline
            .into_iter()
            .map(|e| TimelineEntry {
                at_ms: e.at_ms,
                kind: e.kind,
                link: e.link,
                summary: e.summary,
                by: e.by,
            })
            .collect(),
        report: v.report,
        started_ms: v.started_ms,
        ended_ms: v.ended_ms,
        bad_runs: n(v.bad_runs),
        runs: n(v.runs),
        regions: v.regions,
    }
}

/// Every incident, the unresolved ones only unless asked.
pub fn incidents(ctx: &ApiContext, req: IncidentsRequest) -> Result<IncidentList, ApiError> {
    let store = match open_store(ctx) {
        Ok(s) => s,
        Err(ApiError::NotFound(_)) => {
            return Ok(IncidentList {
                incidents: Vec::new(),
            });
        }
        Err(e) => return Err(e),
    };
    Ok(IncidentList {
        incidents: rows::list(store.conn(), req.include_resolved, MAX_INCIDENTS)?
            .iter()
            .map(IncidentSummary::of)
            .collect(),
    })
}

/// Incident `id` as it stands, with its SLO's definition when the project
/// has it (without it the timeline has no runs; it is still shown).
fn load(
    ctx: &ApiContext,
    store: &Store,
    id: i64,
) -> Result<(IncidentView, Option<SloConfig>), ApiError> {
    let not_found = || ApiError::NotFound(format!("id: no incident {id}"));
    let row = rows::get(store.conn(), id)?.ok_or_else(not_found)?;
    let config = slo_config(ctx, &row.slo).ok();
    let v = incidents::view(store, id, config.as_ref(), ctx.now_ms())?.ok_or_else(not_found)?;
    Ok((v, config))
}

fn journey_of(config: Option<SloConfig>) -> Option<String> {
    config.map(|c| c.definition.filter.journey)
}

/// Incident `req.id` with its timeline.
pub fn incident_detail(ctx: &ApiContext, req: IncidentRequest) -> Result<IncidentDetail, ApiError> {
    let store = open_store(ctx)?;
    let (v, config) = load(ctx, &store, req.id)?;
    Ok(detail(v, journey_of(config)))
}

/// What to do to an incident.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case", tag = "action")]
pub enum IncidentAction {
    /// Someone is on it.
    Acknowledge,
    /// It is over.
    Resolve,
    /// A note on the timeline.
    Note {
        /// The note.
        text: String,
    },
}

/// Acknowledges, resolves or notes on an incident.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct IncidentUpdate {
    /// Its number.
    pub id: i64,
    /// What to do.
    pub change: IncidentAction,
    /// Who; the desktop user (`$USER`) when absent.
    pub by: Option<String>,
}

/// Applies `req` and answers the incident as it now stands.
pub fn incident_update(ctx: &ApiContext, req: IncidentUpdate) -> Result<IncidentDetail, ApiError> {
    if !ctx.db_path().exists() {
        return Err(ApiError::NotFound(format!("id: no incident {}", req.id)));
    }
    let store = Store::open(ctx.db_path())?;
    let by = req
        .by
        .clone()
        .or_else(|| std::env::var("USER").ok())
        .filter(|s| !s.trim().is_empty());
    let now = ctx.now_ms();
    match &req.change {
        IncidentAction::Acknowledge => {
            incidents::set_state(&store, req.id, "acknowledged", by.as_deref(), now)?;
        }
        IncidentAction::Resolve => {
            incidents::set_state(&store, req.id, "resolved", by.as_deref(), now)?;
        }
        IncidentAction::Note { text } => {
            incidents::note(&store, req.id, text, by.as_deref(), now)?;
        }
    }
    let (v, config) = load(ctx, &store, req.id)?;
    Ok(detail(v, journey_of(config)))
}

/// Incident `id`'s history of questions, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct IncidentQuestions {
    /// The incident.
    pub id: i64,
    /// What was asked about it, newest first.
    pub questions: Vec<AskedQuestion>,
}

/// The questions asked about incident `req.id` (the question box lists them
/// when it is opened on the incident).
pub fn incident_questions(
    ctx: &ApiContext,
    req: IncidentRequest,
) -> Result<IncidentQuestions, ApiError> {
    let store = open_store(ctx)?;
    Ok(IncidentQuestions {
        id: req.id,
        questions: questions::list(&store, req.id, questions::MAX_QUESTIONS)?,
    })
}

/// The postmortem draft's format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum PostmortemFormat {
    /// Markdown with its charts as SVG files beside it.
    Md,
    /// One self-contained HTML page.
    Html,
}

/// Writes incident `id`'s postmortem draft.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PostmortemRequest {
    /// The incident.
    pub id: i64,
    /// The format.
    pub format: PostmortemFormat,
}

/// The draft, written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct IncidentPostmortem {
    /// The files written, the document first.
    pub files: Vec<String>,
    /// The draft's Markdown, to show in the app.
    pub markdown: String,
}

/// Writes the postmortem draft of incident `req.id` into the project's
/// `reports/` folder, as `sightline incident postmortem ID --out reports/` does.
pub fn incident_postmortem(
    ctx: &ApiContext,
    req: PostmortemRequest,
) -> Result<IncidentPostmortem, ApiError> {
    let store = open_store(ctx)?;
    let (v, config) = load(ctx, &store, req.id)?;
    let journey = config.as_ref().map(|c| c.definition.filter.journey.clone());
    let target = config.as_ref().map(|c| c.definition.target);
    let charts = match &config {
        Some(c) => {
            let tags = journey_tags(&ctx.journeys_dir());
            crate::charts::incident_charts(&store, &v, c, &tags).map_err(|e| e.to_string())
        }
        None => Err(format!(
            "the SLO {} is not defined in {}",
            v.incident.slo,
            ctx.slos_dir().display()
        )),
    };
    let dir = ctx.project_dir().join("reports");
    std::fs::create_dir_all(&dir)
        .map_err(|e| ApiError::BadInput(format!("{}: {e}", dir.display())))?;
    let ext = match req.format {
        PostmortemFormat::Md => "md",
        PostmortemFormat::Html => "html",
    };
    let path = dir.join(format!("postmortem-{}.{ext}", req.id));
    let now = ctx.now_ms();
    let body = |section: &str| {
        incidents::postmortem::markdown_with_charts(&v, journey.as_deref(), target, now, section)
    };
    let files = crate::report_files::write_document(
        &path,
        req.format == PostmortemFormat::Html,
        &format!("Postmortem draft: incident {}", req.id),
        "Charts (measured)",
        &charts,
        &body,
    )?;
    let stem = format!("postmortem-{}", req.id);
    let missing = charts.as_ref().err().map(String::as_str);
    let list = charts.as_deref().unwrap_or(&[]);
    Ok(IncidentPostmortem {
        files: files
            .iter()
            .map(|f| crate::project::relative(ctx.project_dir(), f))
            .collect(),
        markdown: body(&crate::report_files::charts_section(
            "Charts (measured)",
            &stem,
            list,
            missing,
        )),
    })
}
