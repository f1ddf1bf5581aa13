//! SLI discovery for the app's Discovery view and `sightline discover`:
//! candidate journeys from access logs, HAR files, OTLP spans or the server
//! spans already in the store (docs/discovery.md), and people's decisions.
//!
//! Files are opened here and streamed into `sightline-paths`, which does
//! the work. Decisions live in `.sightline/discovery.json` in the project,
//! so a rejected candidate stays rejected: ids are hashes of the
//! representative path, stable over the same data. Accepting writes the
//! proposed SLO into `slos/` and the journey skeleton into
//! `journeys/discovered/`, never over an existing file.

pub mod input;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sightline_paths::{Candidate, Discovery, Format, Options, ParseReport, Request};
use ts_rs::TS;

use crate::{ApiContext, ApiError};

/// The decisions file, relative to the project.
pub const DECISIONS: &str = ".sightline/discovery.json";
/// The base URL skeletons start from when none is given.
pub const DEFAULT_BASE_URL: &str = "http://127.0.0.1:8080";

/// What people decided, by candidate id.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Decisions {
    /// `accepted` or `rejected`, by id.
    pub decisions: BTreeMap<String, String>,
}

/// The project's decisions; none when the file does not exist yet.
pub fn load_decisions(project: &Path) -> Result<Decisions, ApiError> {
    let p = project.join(DECISIONS);
    match std::fs::read_to_string(&p) {
        Ok(t) => serde_json::from_str(&t)
            .map_err(|e| ApiError::BadInput(format!("{}: line {}: {e}", p.display(), e.line()))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Decisions::default()),
        Err(e) => Err(ApiError::BadInput(format!("{}: {e}", p.display()))),
    }
}

/// Records `decision` (`accepted`, `rejected`) on candidate `id`.
pub fn decide(project: &Path, id: &str, decision: &str) -> Result<(), ApiError> {
    let mut d = load_decisions(project)?;
    d.decisions.insert(id.to_owned(), decision.to_owned());
    let p = project.join(DECISIONS);
    let fail = |e: std::io::Error| ApiError::BadInput(format!("{}: {e}", p.display()));
    if let Some(dir) = p.parent() {
        std::fs::create_dir_all(dir).map_err(fail)?;
    }
    let text = serde_json::to_string_pretty(&d)
        .map_err(|e| ApiError::BadInput(format!("encoding the decisions: {e}")))?;
    std::fs::write(&p, text + "\n").map_err(fail)
}

/// What to discover from, and how.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct DiscoveryRequest {
    /// Files to read, absolute or relative to the project.
    pub files: Vec<String>,
    /// Their format; `auto` decides per file.
    pub format: Format,
    /// Also read the server spans stored over this many hours before now.
    pub store_hours: Option<u32>,
    /// Business weights per step, `POST /checkout=3`.
    pub weights: Vec<String>,
    /// JSON log keys, `FIELD=KEY` (nginx JSON logs with other names).
    pub fields: Vec<String>,
    /// The idle gap that ends a session, minutes (30 when absent).
    pub gap_minutes: Option<i64>,
    /// Where journey skeletons start ([`DEFAULT_BASE_URL`] when absent).
    pub base_url: Option<String>,
    /// List rejected candidates too.
    pub include_rejected: bool,
}

/// Candidates, best first, with what was read and what people decided.
#[derive(Debug, Clone, Serialize, TS)]
pub struct DiscoveryView {
    /// One report per input: lines, requests, bad lines.
    pub inputs: Vec<ParseReport>,
    /// The engine's answer (rejected candidates left out unless asked).
    pub discovery: Discovery,
    /// `accepted` or `rejected`, by candidate id.
    pub decisions: BTreeMap<String, String>,
    /// Rejected candidates left out.
    pub hidden_rejected: u32,
    /// How long reading and discovery took, ms.
    pub took_ms: u32,
}

fn options(req: &DiscoveryRequest) -> Result<Options, ApiError> {
    let mut o = Options {
        base_url: req
            .base_url
            .clone()
            .unwrap_or_else(|| DEFAULT_BASE_URL.to_owned()),
        ..Options::default()
    };
    o.sessions.gap_ms = req.gap_minutes.unwrap_or(30).max(1) * 60_000;
    for w in &req.weights {
        o.weights.push(
            sightline_paths::candidates::parse_weight(w)
                .map_err(|e| ApiError::InvalidRequest(e.to_string()))?,
        );
    }
    Ok(o)
}

fn resolve(ctx: &ApiContext, file: &str) -> PathBuf {
    let p = Path::new(file);
    if p.is_absolute() {
        p.to_owned()
    } else {
        ctx.project_dir().join(p)
    }
}

/// Reads the inputs of `req` and discovers; the candidates are all there,
/// rejected ones included.
pub fn run(
    ctx: &ApiContext,
    req: &DiscoveryRequest,
) -> Result<(Vec<ParseReport>, Discovery), ApiError> {
    if req.files.is_empty() && req.store_hours.is_none() {
        return Err(ApiError::InvalidRequest(
            "files: give the files to read (access logs, HAR, OTLP JSON), or read the store".into(),
        ));
    }
    let paths: Vec<PathBuf> = req.files.iter().map(|f| resolve(ctx, f)).collect();
    if let Some(missing) = paths.iter().find(|p| !p.is_file()) {
        return Err(ApiError::NotFound(format!(
            "files: {} is not a file",
            missing.display()
        )));
    }
    let mut reqs: Vec<Request> = Vec::new();
    let refs: Vec<&Path> = paths.iter().map(PathBuf::as_path).collect();
    let mut reports = input::read_files(&refs, req.format, &req.fields, &mut reqs)?;
    if let Some(hours) = req.store_hours {
        let store = crate::investigate::open_store(ctx)?;
        let now = ctx.now_ms();
        reports.push(input::read_store(
            &store,
            now - i64::from(hours) * 3_600_000,
            now + 1,
            &mut reqs,
        )?);
    }
    Ok((reports, run_on(reqs, req)?))
}

/// Discovery over requests already read, with `req`'s options.
pub fn run_on(reqs: Vec<Request>, req: &DiscoveryRequest) -> Result<Discovery, ApiError> {
    Ok(sightline_paths::discover(reqs, &options(req)?))
}

/// The Discovery view: see the module documentation.
pub fn discovery(ctx: &ApiContext, req: DiscoveryRequest) -> Result<DiscoveryView, ApiError> {
    let started = std::time::Instant::now();
    let (inputs, mut found) = run(ctx, &req)?;
    let decisions = load_decisions(ctx.project_dir())?.decisions;
    let before = found.candidates.len();
    if !req.include_rejected {
        found
            .candidates
            .retain(|c| decisions.get(&c.id).map(String::as_str) != Some("rejected"));
    }
    let n = |x: usize| u32::try_from(x).unwrap_or(u32::MAX);
    Ok(DiscoveryView {
        inputs,
        hidden_rejected: n(before - found.candidates.len()),
        discovery: found,
        decisions,
        took_ms: n(usize::try_from(started.elapsed().as_millis()).unwrap_or(usize::MAX)),
    })
}

/// Accept or reject.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Write its SLO and journey skeleton into the project.
    Accept,
    /// Hide it from now on.
    Reject,
}

/// A person's decision on one candidate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct DiscoveryDecision {
    /// The inputs the candidate came from (discovery is run again on them).
    pub request: DiscoveryRequest,
    /// The candidate's id.
    pub candidate: String,
    /// Accept or reject.
    pub verdict: Verdict,
    /// With accept: the SLO's target instead of the proposed one.
    pub target: Option<f64>,
    /// With accept: the latency threshold instead of the proposed one;
    /// 0 drops the latency half of the SLI.
    pub threshold_ms: Option<i64>,
}

/// What a decision did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct DecisionMade {
    /// The candidate.
    pub candidate: String,
    /// `accepted` or `rejected`.
    pub decision: String,
    /// Files written, relative to the project: the SLO, the skeleton.
    pub files: Vec<String>,
    /// For an accept: the recording that fills in the skeleton, on its first
    /// URL and into its file (what the app starts next, headed).
    pub record: Option<crate::record::RecordRequest>,
}

/// The recording that replaces the skeleton at `rel` (its first page, its
/// name), if the skeleton has a page to start from.
fn skeleton_recording(text: &str, rel: &str) -> Option<crate::record::RecordRequest> {
    let j = sightline_journeys::from_yaml_str(text, rel).ok()?.journey;
    let first = j.steps.iter().find_map(|s| match s {
        sightline_core::journey::Step::Navigate(n) => Some(n.url.clone()),
        _ => None,
    })?;
    let url = match &j.base_url {
        Some(base) => url::Url::parse(base)
            .and_then(|b| b.join(&first))
            .ok()?
            .to_string(),
        None => url::Url::parse(&first).ok()?.to_string(),
    };
    Some(crate::record::RecordRequest {
        url,
        file: rel.to_owned(),
        name: Some(j.name),
        replace: true,
        headed: true,
    })
}

/// The SLO file of an accepted candidate, in the house layout of `slos/*.yaml`.
pub fn slo_yaml(c: &Candidate, target: Option<f64>, threshold_ms: Option<i64>) -> String {
    let p = &c.proposal;
    let threshold = match threshold_ms {
        Some(0) => None,
        Some(t) => Some(t),
        None => p.latency.as_ref().map(|l| l.threshold_ms),
    };
    let sli = match threshold {
        Some(t) => format!("{{ kind: availability_and_latency, threshold_ms: {t} }}"),
        None => "{ kind: availability }".to_owned(),
    };
    let proposed = match (&p.latency, threshold) {
        (Some(l), Some(_)) => l.objective.target.min(p.availability.target),
        _ => p.availability.target,
    };
    format!(
        "# Accepted from `sightline discover` candidate {}: {} sessions, key step {}.\n\
         name: {}-good\n\
         description: {}\n\
         sli: {sli}\n\
         filter: {{ journey: {} }}\n\
         target: {}\n\
         window: {{ rolling: {{ days: 28 }} }}\n",
        c.id,
        c.sessions,
        p.key_step,
        c.name,
        serde_json::Value::String(format!("The discovered path through {} works.", p.key_step)),
        c.name,
        target.unwrap_or(proposed),
    )
}

/// Applies a decision: see [`DiscoveryDecision`].
pub fn discovery_decide(
    ctx: &ApiContext,
    req: DiscoveryDecision,
) -> Result<DecisionMade, ApiError> {
    let project = ctx.project_dir();
    if req.verdict == Verdict::Reject {
        decide(project, &req.candidate, "rejected")?;
        return Ok(DecisionMade {
            candidate: req.candidate,
            decision: "rejected".into(),
            files: Vec::new(),
            record: None,
        });
    }
    if let Some(t) = req.target
        && !(t > 0.0 && t < 1.0)
    {
        return Err(ApiError::InvalidRequest(format!(
            "target: {t} is outside (0, 1)"
        )));
    }
    if req.threshold_ms.is_some_and(|t| t < 0) {
        return Err(ApiError::InvalidRequest(
            "threshold_ms: must be 0 (none) or more".into(),
        ));
    }
    let (_, found) = run(ctx, &req.request)?;
    let Some(c) = found.candidates.iter().find(|c| c.id == req.candidate) else {
        return Err(ApiError::NotFound(format!(
            "candidate: no candidate {} in these inputs (ids: {})",
            req.candidate,
            found
                .candidates
                .iter()
                .map(|c| c.id.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )));
    };
    let journey_path = project
        .join("journeys/discovered")
        .join(format!("{}.yaml", c.name));
    let slo_path = project
        .join("slos")
        .join(format!("discovered-{}.yaml", c.name));
    for p in [&journey_path, &slo_path] {
        if p.exists() {
            return Err(ApiError::InvalidRequest(format!(
                "{} exists; not overwritten",
                p.display()
            )));
        }
    }
    let write = |p: &Path, text: &str| {
        let fail = |e: std::io::Error| ApiError::BadInput(format!("{}: {e}", p.display()));
        if let Some(dir) = p.parent() {
            std::fs::create_dir_all(dir).map_err(fail)?;
        }
        std::fs::write(p, text).map_err(fail)
    };
    write(&journey_path, &c.skeleton)?;
    write(&slo_path, &slo_yaml(c, req.target, req.threshold_ms))?;
    decide(project, &c.id, "accepted")?;
    let skeleton = crate::project::relative(project, &journey_path);
    Ok(DecisionMade {
        candidate: c.id.clone(),
        decision: "accepted".into(),
        record: skeleton_recording(&c.skeleton, &skeleton),
        files: vec![crate::project::relative(project, &slo_path), skeleton],
    })
}
