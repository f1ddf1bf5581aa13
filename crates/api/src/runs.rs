//! Runs: keyset pages of a journey's runs for the virtualised run list, and
//! one run in full for the run viewer (step waterfall with the failed step,
//! screenshot, console errors, the network table from a HAR artifact, page
//! timings, and the backend span waterfall once spans are stored).

use serde::{Deserialize, Serialize};
use sightline_core::{Run, RunId, StepResult};
use sightline_store::queries::{artifacts, run_list, runs};
use sightline_store::{Store, StoreError};
use ts_rs::TS;

use crate::har::{self, NetworkEntry};
use crate::{ApiContext, ApiError};

/// The largest page a caller may ask for.
pub const MAX_PAGE: u32 = 500;

/// Where a page starts: the last row of the previous page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct RunCursor {
    /// That row's start time, Unix ms.
    pub started_at_ms: i64,
    /// That row's run id.
    pub id: String,
}

/// Asks for a page of runs, newest first.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct RunsPageRequest {
    /// Only this journey's runs; every journey when null.
    pub journey: Option<String>,
    /// Continue after this row; the newest runs when null.
    pub before: Option<RunCursor>,
    /// Rows wanted, 1 to 500.
    pub limit: u32,
}

/// A page of runs.
#[derive(Debug, Clone, Serialize, TS)]
pub struct RunsPage {
    /// The rows, newest first.
    pub runs: Vec<RunRow>,
    /// Where the next page starts; null on the last page.
    pub next: Option<RunCursor>,
    /// How many runs the filter matches in all (for the scroll height).
    pub total: u64,
}

/// One run in a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct RunRow {
    /// The run id.
    pub id: String,
    /// The journey.
    pub journey: String,
    /// The region it ran from.
    pub region: String,
    /// When it started, Unix ms.
    pub started_at_ms: i64,
    /// How long it took.
    pub duration_ms: i64,
    /// `pass`, `fail` or `error`.
    pub outcome: String,
    /// Why it did not pass, e.g. `selector_not_found`.
    pub error_class: Option<String>,
    /// The error in words (secrets redacted).
    pub error_message: Option<String>,
    /// 1 for the first attempt of a slot, 2 for its first retry, …
    pub attempt: u32,
    /// Whether this is the attempt SLIs count.
    pub is_final: bool,
    /// The release the run saw, when known.
    pub release_id: Option<String>,
}

impl RunRow {
    pub(crate) fn of(r: &Run) -> Self {
        Self {
            id: r.id.to_string(),
            journey: r.journey.clone(),
            region: r.region.as_str().to_owned(),
            started_at_ms: r.started_at_ms,
            duration_ms: r.duration_ms,
            outcome: r.outcome.as_str().to_owned(),
            error_class: r.error_class.map(|c| c.as_str().to_owned()),
            error_message: r.error_message.clone(),
            attempt: r.attempt,
            is_final: r.is_final_attempt,
            release_id: r.release_id.clone(),
        }
    }
}

fn parse_run_id(field: &str, text: &str) -> Result<RunId, ApiError> {
    RunId::parse(text)
        .map_err(|e| ApiError::InvalidRequest(format!("{field}: {text:?} is not a run id ({e})")))
}

/// A page of runs, newest first, keyset-paged so deep pages cost what the
/// first one costs.
pub fn runs_page(ctx: &ApiContext, req: RunsPageRequest) -> Result<RunsPage, ApiError> {
    if req.limit == 0 || req.limit > MAX_PAGE {
        return Err(ApiError::InvalidRequest(format!(
            "limit: {} is out of range: ask for 1 to {MAX_PAGE} rows",
            req.limit
        )));
    }
    let before = req
        .before
        .as_ref()
        .map(|c| parse_run_id("before.id", &c.id).map(|id| (c.started_at_ms, id)))
        .transpose()?;
    if !ctx.db_path().exists() {
        return Ok(RunsPage {
            runs: Vec::new(),
            next: None,
            total: 0,
        });
    }
    let store = Store::open_read_only(ctx.db_path())?;
    let filter = run_list::RunFilter {
        journey: req.journey.clone(),
    };
    let limit = req.limit as usize;
    let rows = run_list::page(store.conn(), &filter, before, limit)?;
    let total = u64::try_from(run_list::count(store.conn(), &filter)?).unwrap_or(0);
    let next = (rows.len() == limit)
        .then(|| rows.last())
        .flatten()
        .map(|r| RunCursor {
            started_at_ms: r.started_at_ms,
            id: r.id.to_string(),
        });
    Ok(RunsPage {
        runs: rows.iter().map(RunRow::of).collect(),
        next,
        total,
    })
}

/// Asks for one run in full.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct RunDetailRequest {
    /// The run id.
    pub run_id: String,
}

/// One run, for the run viewer.
#[derive(Debug, Clone, Serialize, TS)]
pub struct RunDetail {
    /// The run.
    pub run: RunRow,
    /// Its W3C trace id, which backend spans carry.
    pub trace_id: Option<String>,
    /// The journey version (content hash) it replayed.
    pub journey_version: String,
    /// Which runner ran it.
    pub runner_id: String,
    /// Every step it reached, in order.
    pub steps: Vec<StepRow>,
    /// The index of the step that failed, if one did.
    pub failed_step: Option<u32>,
    /// The screenshot kept (on failure), inline as a `data:` URL because the
    /// app's content security policy loads nothing else.
    pub screenshot: Option<Screenshot>,
    /// Console errors and uncaught exceptions the page reported.
    pub console_errors: Vec<String>,
    /// Page timings per loaded document.
    pub vitals: Vec<VitalsRow>,
    /// The network table from the run's `har` artifact.
    pub network: NetworkCapture,
    /// Backend spans received for the run's trace id, by start time, as a
    /// waterfall; empty when none arrived (or the run has no trace id).
    pub spans: Vec<SpanRow>,
    /// Every artifact stored with the run.
    pub artifacts: Vec<ArtifactRow>,
}

/// One step in the waterfall.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct StepRow {
    /// Its position, from 0.
    pub index: u32,
    /// Its name.
    pub name: String,
    /// Its type.
    pub kind: String,
    /// When it started, ms after the run started.
    pub offset_ms: i64,
    /// How long it took.
    pub duration_ms: i64,
    /// `pass`, `fail` or `error`.
    pub outcome: String,
    /// Why it did not pass.
    pub error_class: Option<String>,
    /// The error in words.
    pub error_message: Option<String>,
}

impl StepRow {
    pub(crate) fn of(run_start_ms: i64, s: &StepResult) -> Self {
        Self {
            index: s.index,
            name: s.name.clone(),
            kind: s.kind.clone(),
            offset_ms: (s.started_at_ms - run_start_ms).max(0),
            duration_ms: s.duration_ms,
            outcome: s.outcome.as_str().to_owned(),
            error_class: s.error_class.map(|c| c.as_str().to_owned()),
            error_message: s.error_message.clone(),
        }
    }
}

/// A screenshot, ready for an `<img>`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct Screenshot {
    /// The step it was taken at.
    pub step_index: Option<u32>,
    /// `data:image/png;base64,…`
    pub data_url: String,
    /// The file's size.
    pub size_bytes: i64,
}

/// Page timings of one document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct VitalsRow {
    /// The step that loaded it.
    pub step_index: u32,
    /// The document's URL.
    pub url: String,
    /// Time to first byte, ms.
    pub ttfb_ms: Option<f64>,
    /// First contentful paint, ms.
    pub fcp_ms: Option<f64>,
    /// Largest contentful paint, ms.
    pub lcp_ms: Option<f64>,
}

/// The network table, or why there is none.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct NetworkCapture {
    /// Whether the run has a HAR artifact.
    pub available: bool,
    /// Its requests (at most 5,000).
    pub entries: Vec<NetworkEntry>,
    /// How many requests the file held.
    pub total: u64,
    /// Why the file could not be read, if it could not.
    pub problem: Option<String>,
}

/// One backend span, positioned against the run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct SpanRow {
    /// The span id (hex).
    pub span_id: String,
    /// Its parent, for nesting.
    pub parent_span_id: Option<String>,
    /// The service that recorded it.
    pub service: String,
    /// The operation.
    pub name: String,
    /// When it started, ms after the run started.
    pub offset_ms: i64,
    /// How long it took.
    pub duration_ms: i64,
    /// Whether the span recorded an error.
    pub error: bool,
    /// What the error was, as the service said it.
    pub status_message: Option<String>,
    /// The HTTP status it answered, for server spans.
    pub http_status_code: Option<i64>,
    /// The version of the service that served it.
    pub service_version: Option<String>,
    /// How many of its ancestors are in this trace (0 for a span whose parent
    /// is the browser or unknown), for indenting the waterfall.
    pub depth: u32,
}

impl SpanRow {
    /// A stored span, its start made relative to the run's.
    pub(crate) fn of(run_started_at_ms: i64, s: &sightline_core::Span) -> Self {
        Self {
            span_id: s.span_id.clone(),
            parent_span_id: s.parent_span_id.clone(),
            service: s.service.clone(),
            name: s.name.clone(),
            offset_ms: s.start_time_unix_nano / 1_000_000 - run_started_at_ms,
            duration_ms: s.duration_nano / 1_000_000,
            error: s.status == sightline_core::SpanStatus::Error,
            status_message: s.status_message.clone(),
            http_status_code: s.http_status_code,
            service_version: s.service_version.clone(),
            depth: 0,
        }
    }
}

/// Sets each row's depth from the parent chain among `rows` (bounded, so a
/// malformed trace with a cycle still ends).
pub(crate) fn set_depths(rows: &mut [SpanRow]) {
    let parent: std::collections::HashMap<String, Option<String>> = rows
        .iter()
        .map(|r| (r.span_id.clone(), r.parent_span_id.clone()))
        .collect();
    for r in rows.iter_mut() {
        let mut depth = 0;
        let mut at = r.parent_span_id.as_ref();
        while let Some(p) = at.filter(|p| parent.contains_key(*p)) {
            depth += 1;
            if depth >= 64 {
                break;
            }
            at = parent.get(p).and_then(Option::as_ref);
        }
        r.depth = depth;
    }
}

/// An artifact stored with the run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ArtifactRow {
    /// `screenshot`, `console`, `vitals`, `har`, …
    pub role: String,
    /// The step it belongs to.
    pub step_index: Option<u32>,
    /// MIME type.
    pub media_type: String,
    /// Size in bytes.
    pub size_bytes: i64,
    /// The content hash (its file name in the artifact folder).
    pub sha256: String,
}

/// The screenshot size the viewer inlines; larger files are listed only.
const MAX_INLINE_SCREENSHOT: i64 = 8 * 1024 * 1024;

/// One run in full.
pub fn run_detail(ctx: &ApiContext, req: RunDetailRequest) -> Result<RunDetail, ApiError> {
    use base64::Engine as _;
    let id = parse_run_id("run_id", &req.run_id)?;
    let not_found = || ApiError::NotFound(format!("run_id: no run {} is stored", req.run_id));
    let store = match Store::open_read_only(ctx.db_path()) {
        Ok(s) => s,
        Err(StoreError::Missing { .. }) => return Err(not_found()),
        Err(e) => return Err(e.into()),
    };
    let run = runs::get(store.conn(), id)?.ok_or_else(not_found)?;
    let stored = artifacts::for_run(store.conn(), id)?;

    let read = |a: &artifacts::RunArtifact| store.artifacts().get(&a.sha256);
    let mut screenshot = None;
    let mut console_errors = Vec::new();
    let mut vitals = Vec::new();
    let mut network = NetworkCapture {
        available: false,
        entries: Vec::new(),
        total: 0,
        problem: None,
    };
    for a in &stored {
        match a.role.as_str() {
            "screenshot" if screenshot.is_none() && a.size_bytes <= MAX_INLINE_SCREENSHOT => {
                // A missing or altered file is shown as absent, not as an error
                // for the whole run: the rest of the run is still worth seeing.
                if let Ok(bytes) = read(a) {
                    screenshot = Some(Screenshot {
                        step_index: a.step_index,
                        data_url: format!(
                            "data:{};base64,{}",
                            a.media_type,
                            base64::engine::general_purpose::STANDARD.encode(bytes)
                        ),
                        size_bytes: a.size_bytes,
                    });
                }
            }
            "console" => {
                if let Some(v) = read(a)
                    .ok()
                    .and_then(|b| serde_json::from_slice::<Vec<String>>(&b).ok())
                {
                    console_errors.extend(v);
                }
            }
            "vitals" => {
                if let Some(v) = read(a)
                    .ok()
                    .and_then(|b| serde_json::from_slice::<Vec<VitalsRow>>(&b).ok())
                {
                    vitals.extend(v);
                }
            }
            "har" if !network.available => {
                network.available = true;
                match read(a)
                    .map_err(|e| e.to_string())
                    .and_then(|b| har::parse(&b))
                {
                    Ok(t) => {
                        network.total = t.total as u64;
                        network.entries = t.entries;
                    }
                    Err(problem) => network.problem = Some(problem),
                }
            }
            _ => {}
        }
    }
    let mut spans: Vec<SpanRow> = match run.trace_id.as_deref() {
        Some(t) => sightline_store::queries::spans::spans_for_trace(store.conn(), t)?
            .iter()
            .map(|s| SpanRow::of(run.started_at_ms, s))
            .collect(),
        None => Vec::new(),
    };
    set_depths(&mut spans);
    let failed_step = run
        .steps
        .iter()
        .find(|s| s.outcome != sightline_core::Outcome::Pass)
        .map(|s| s.index);
    Ok(RunDetail {
        run: RunRow::of(&run),
        trace_id: run.trace_id.clone(),
        journey_version: run.journey_version.clone(),
        runner_id: run.runner_id.clone(),
        steps: run
            .steps
            .iter()
            .map(|s| StepRow::of(run.started_at_ms, s))
            .collect(),
        failed_step,
        screenshot,
        console_errors,
        vitals,
        network,
        spans,
        artifacts: stored
            .into_iter()
            .map(|a| ArtifactRow {
                role: a.role,
                step_index: a.step_index,
                media_type: a.media_type,
                size_bytes: a.size_bytes,
                sha256: a.sha256,
            })
            .collect(),
    })
}
