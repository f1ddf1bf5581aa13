//! From requests to ranked candidates: the whole pipeline ([`discover`]),
//! each cluster's representative path, funnel, scores and proposal.
//!
//! The score is explained by its parts, each a share of all human sessions:
//!
//! ```text
//! score = weight × (traffic + 2 × failure + latency)
//! ```
//!
//! `traffic` is the candidate's sessions; `failure` its sessions that met a
//! 5xx (or no answer) or left right after an error (4xx/5xx); `latency` its
//! sessions with a request over [`Options::latency_threshold_ms`];
//! `weight` is the largest business weight the user gave one of its steps
//! (default 1). Failure counts double: a journey that breaks is worth more
//! attention than one that is merely busy.

use std::collections::{BTreeMap, BTreeSet};
use ts_rs::TS;

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::cluster::{self, Params};
use crate::error::PathsError;
use crate::normalise::{Normaliser, PathKind, classify};
use crate::proposal::{self, Proposal};
use crate::request::Request;
use crate::sessions::{self, BotCounts, SessionOptions, SetAside};
use crate::skeleton::{self, SkeletonStep};

/// What discovery is told.
#[derive(Debug, Clone, PartialEq)]
pub struct Options {
    /// How sessions are cut and bots recognised.
    pub sessions: SessionOptions,
    /// Business weights: `METHOD route` (or just a route, any method) → weight.
    pub weights: Vec<(String, f64)>,
    /// A request slower than this makes its session slow (latency pain).
    pub latency_threshold_ms: f64,
    /// Clustering parameters; `None` scales the defaults to the data.
    pub cluster: Option<Params>,
    /// The `baseUrl` of journey skeletons.
    pub base_url: String,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            sessions: SessionOptions::default(),
            weights: Vec::new(),
            latency_threshold_ms: 1000.0,
            cluster: None,
            base_url: "http://127.0.0.1:8080".to_owned(),
        }
    }
}

/// Parses `POST /checkout=5` into a weight.
pub fn parse_weight(spec: &str) -> Result<(String, f64), PathsError> {
    let bad = || {
        PathsError::Option(format!(
            "--weight {spec:?}: expected 'METHOD /route=WEIGHT' (or '/route=WEIGHT'), weight > 0"
        ))
    };
    let (step, w) = spec.rsplit_once('=').ok_or_else(bad)?;
    let w: f64 = w.trim().parse().map_err(|_| bad())?;
    let step = step.trim();
    if !(w > 0.0 && w.is_finite()) || step.is_empty() {
        return Err(bad());
    }
    Ok((step.to_owned(), w))
}

/// The parts of a score.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(rename = "CandidateScore")]
pub struct Score {
    /// `weight × (traffic + 2 × failure + latency)`.
    pub total: f64,
    /// Share of sessions.
    pub traffic: f64,
    /// Share of sessions that failed in this candidate.
    pub failure: f64,
    /// Share of sessions that were slow in this candidate.
    pub latency: f64,
    /// Business weight.
    pub weight: f64,
}

/// One step of a funnel.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct FunnelStep {
    /// `METHOD route`.
    pub step: String,
    /// Sessions that got this far (in order, detours allowed).
    pub reached: usize,
    /// Sessions whose last step on the path was this one.
    pub abandoned: usize,
    /// Of those, how many had just seen an error (4xx/5xx).
    pub abandoned_after_error: usize,
    /// The median time of the step's requests in these sessions, ms.
    pub p50_ms: Option<f64>,
    /// Their 95th percentile, ms.
    pub p95_ms: Option<f64>,
    /// How many of them had a time.
    pub timed: usize,
}

/// A candidate journey.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct Candidate {
    /// Stable id: a hash of the representative step sequence.
    pub id: String,
    /// A journey name made from the key step and the id.
    pub name: String,
    /// 1 is the best.
    pub rank: usize,
    /// The representative path: the most frequent full sequence in the cluster.
    pub steps: Vec<String>,
    /// Sessions in the cluster.
    pub sessions: usize,
    /// Share of human sessions.
    pub coverage: f64,
    /// Share of requests (page requests of human sessions).
    pub request_coverage: f64,
    /// Distinct users (or clients) per day.
    pub users_per_day: f64,
    /// Sessions that took every step of the representative path.
    pub completed: usize,
    /// Sessions with a 5xx or no answer, or that left right after an error.
    pub failed_sessions: usize,
    /// Sessions with a request over the latency threshold.
    pub slow_sessions: usize,
    /// Where sessions leave.
    pub funnel: Vec<FunnelStep>,
    /// The score and its parts.
    pub score: Score,
    /// The proposed SLI and SLO.
    pub proposal: Proposal,
    /// The journey skeleton (YAML).
    pub skeleton: String,
    /// Example paths per step.
    pub examples: BTreeMap<String, Vec<String>>,
    /// The cluster's number in this run (not stable; use `id`).
    #[serde(skip)]
    pub cluster: usize,
}

/// A route template with its traffic and examples.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct RouteTemplate {
    /// `METHOD route`.
    pub step: String,
    /// Requests.
    pub requests: usize,
    /// Up to three real paths.
    pub examples: Vec<String>,
}

/// Which candidate a session went to, for evaluation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Assignment {
    /// The session's key (`s:ID` or `c:CLIENT\u{1f}AGENT`).
    pub session: String,
    /// Its first request, Unix ms.
    pub start_ms: i64,
    /// The candidate's id, `None` for noise.
    pub candidate: Option<String>,
}

/// Everything discovery found.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct Discovery {
    /// Requests read.
    pub requests: usize,
    /// Human sessions with a page request.
    pub sessions: usize,
    /// Of those, in a candidate.
    pub clustered_sessions: usize,
    /// Of those, left as noise.
    pub noise_sessions: usize,
    /// Bot sessions dropped, by rule.
    pub bots: BotCounts,
    /// Requests set aside.
    pub set_aside: SetAside,
    /// Route templates, most requested first.
    pub routes: Vec<RouteTemplate>,
    /// Candidates, best first.
    pub candidates: Vec<Candidate>,
    /// Each session's cluster (not in the JSON output: it is as long as the data).
    #[serde(skip)]
    pub assignments: Vec<Assignment>,
}

/// The stable id of a step sequence.
pub fn candidate_id(steps: &[String]) -> String {
    let mut h = Sha256::new();
    for s in steps {
        h.update(s.as_bytes());
        h.update(b"\n");
    }
    format!("c{}", &hex::encode(h.finalize())[..10])
}

fn weight_of(step: &str, weights: &[(String, f64)]) -> f64 {
    let route = step.split_once(' ').map_or(step, |(_, r)| r);
    weights
        .iter()
        .filter(|(k, _)| k == step || k == route)
        .map(|(_, w)| *w)
        .fold(1.0, f64::max)
}

fn slug(step: &str) -> String {
    let route = step.split_once(' ').map_or(step, |(_, r)| r);
    let word = route
        .split('/')
        .rev()
        .find(|s| !s.is_empty() && !s.starts_with('{'))
        .unwrap_or("home");
    let s: String = word
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    s.trim_matches('-').to_owned()
}

/// Runs the pipeline over `requests`.
pub fn discover(requests: Vec<Request>, opts: &Options) -> Discovery {
    let n_requests = requests.len();
    let normaliser = Normaliser::learn(
        requests
            .iter()
            .filter(|r| r.route.is_none() && classify(&r.path) == PathKind::Page)
            .map(|r| r.path.as_str()),
    );
    let s = sessions::build(requests, &normaliser, &opts.sessions);
    let total_sessions = s.sessions.len();
    let total_hits: usize = s.sessions.iter().map(|x| x.hits.len()).sum();
    // Distinct sequences, weighted.
    let seqs: Vec<Vec<u32>> = s
        .sessions
        .iter()
        .map(|x| cluster::sequence(x.hits.iter().map(|h| h.step)))
        .collect();
    let mut distinct: BTreeMap<&[u32], usize> = BTreeMap::new();
    for q in &seqs {
        *distinct.entry(q.as_slice()).or_default() += 1;
    }
    let points: Vec<(Vec<u32>, usize)> = distinct.iter().map(|(k, v)| (k.to_vec(), *v)).collect();
    let index: BTreeMap<&[u32], usize> = points
        .iter()
        .enumerate()
        .map(|(i, (k, _))| (k.as_slice(), i))
        .collect();
    let params = opts
        .cluster
        .clone()
        .unwrap_or_else(|| Params::for_sessions(total_sessions));
    let labels = cluster::cluster(&points, &params);
    let n_clusters = labels.iter().flatten().max().map_or(0, |m| m + 1);
    let session_cluster: Vec<Option<usize>> = seqs
        .iter()
        .map(|q| index.get(q.as_slice()).and_then(|&i| labels[i]))
        .collect();
    let (first, last) = s.sessions.iter().fold((i64::MAX, i64::MIN), |(a, b), x| {
        (a.min(x.start_ms), b.max(x.start_ms))
    });
    let days = if total_sessions == 0 {
        1.0
    } else {
        ((last - first) as f64 / 86_400_000.0).ceil().max(1.0)
    };
    let mut candidates = Vec::new();
    for c in 0..n_clusters {
        let members: Vec<usize> = (0..total_sessions)
            .filter(|&i| session_cluster[i] == Some(c))
            .collect();
        // The representative: the heaviest point of the cluster, ties by step names.
        let Some(rep_point) =
            (0..points.len())
                .filter(|&i| labels[i] == Some(c))
                .max_by(|&a, &b| {
                    points[a].1.cmp(&points[b].1).then_with(|| {
                        let na: Vec<&str> = points[a]
                            .0
                            .iter()
                            .map(|&x| s.steps[x as usize].as_str())
                            .collect();
                        let nb: Vec<&str> = points[b]
                            .0
                            .iter()
                            .map(|&x| s.steps[x as usize].as_str())
                            .collect();
                        nb.cmp(&na)
                    })
                })
        else {
            continue;
        };
        let rep = &points[rep_point].0;
        let totals = Totals {
            sessions: total_sessions,
            hits: total_hits,
            days,
        };
        candidates.push(build_candidate(c, rep, &members, &seqs, &s, opts, &totals));
    }
    candidates.sort_by(|a, b| {
        b.score
            .total
            .total_cmp(&a.score.total)
            .then_with(|| a.id.cmp(&b.id))
    });
    for (i, c) in candidates.iter_mut().enumerate() {
        c.rank = i + 1;
    }
    let mut routes: Vec<RouteTemplate> = s
        .steps
        .iter()
        .enumerate()
        .map(|(i, step)| RouteTemplate {
            step: step.clone(),
            requests: s.step_requests[i],
            examples: s.examples[i].clone(),
        })
        .collect();
    routes.sort_by(|a, b| b.requests.cmp(&a.requests).then(a.step.cmp(&b.step)));
    let cluster_id: BTreeMap<usize, String> = candidates
        .iter()
        .map(|c| (c.cluster, c.id.clone()))
        .collect();
    let assignments = s
        .sessions
        .iter()
        .zip(&session_cluster)
        .map(|(x, c)| Assignment {
            session: x.key.clone(),
            start_ms: x.start_ms,
            candidate: c.and_then(|c| cluster_id.get(&c).cloned()),
        })
        .collect();
    let clustered = session_cluster.iter().filter(|c| c.is_some()).count();
    Discovery {
        requests: n_requests,
        sessions: total_sessions,
        clustered_sessions: clustered,
        noise_sessions: total_sessions - clustered,
        bots: s.bots,
        set_aside: s.set_aside,
        routes,
        candidates,
        assignments,
    }
}

/// Denominators shared by every candidate.
struct Totals {
    sessions: usize,
    hits: usize,
    days: f64,
}

/// How far along `rep` a session got: the longest prefix of `rep` found in
/// `seq` in order, detours allowed.
fn reached(seq: &[u32], rep: &[u32]) -> usize {
    let mut k = 0;
    for s in seq {
        if k < rep.len() && *s == rep[k] {
            k += 1;
        }
    }
    k
}

fn share(n: usize, of: usize) -> f64 {
    if of == 0 { 0.0 } else { n as f64 / of as f64 }
}

fn build_candidate(
    cluster: usize,
    rep: &[u32],
    members: &[usize],
    seqs: &[Vec<u32>],
    s: &sessions::Sessions,
    opts: &Options,
    totals: &Totals,
) -> Candidate {
    let name_of = |x: u32| s.steps[x as usize].clone();
    let steps: Vec<String> = rep.iter().map(|&x| name_of(x)).collect();
    let id = candidate_id(&steps);
    let mut funnel: Vec<FunnelStep> = steps
        .iter()
        .map(|st| FunnelStep {
            step: st.clone(),
            reached: 0,
            abandoned: 0,
            abandoned_after_error: 0,
            p50_ms: None,
            p95_ms: None,
            timed: 0,
        })
        .collect();
    let mut step_ms: Vec<Vec<f64>> = vec![Vec::new(); rep.len()];
    let (mut completed, mut failed, mut slow, mut hits) = (0, 0, 0, 0);
    let mut who: BTreeSet<&str> = BTreeSet::new();
    // The key step: the heaviest weighted step, else the last write, else the last step.
    let weights: Vec<f64> = steps
        .iter()
        .map(|st| weight_of(st, &opts.weights))
        .collect();
    let weight = weights.iter().copied().fold(1.0, f64::max);
    let key = if weight > 1.0 {
        weights.iter().position(|w| *w == weight).unwrap_or(0)
    } else {
        steps
            .iter()
            .rposition(|st| !st.starts_with("GET "))
            .unwrap_or(steps.len().saturating_sub(1))
    };
    let key_step = rep.get(key).copied();
    let mut key_hits: Vec<(u16, Option<f64>)> = Vec::new();
    for &m in members {
        let sess = &s.sessions[m];
        who.insert(sess.who.as_str());
        hits += sess.hits.len();
        let k = reached(&seqs[m], rep);
        for f in funnel.iter_mut().take(k) {
            f.reached += 1;
        }
        let last_error = sess
            .hits
            .last()
            .is_some_and(|h| h.status >= 400 || h.status == 0);
        if k >= rep.len() {
            completed += 1;
        } else if k > 0 {
            funnel[k - 1].abandoned += 1;
            if last_error {
                funnel[k - 1].abandoned_after_error += 1;
            }
        }
        let any_5xx = sess.hits.iter().any(|h| h.status >= 500 || h.status == 0);
        if any_5xx || (k < rep.len() && last_error) {
            failed += 1;
        }
        if sess
            .hits
            .iter()
            .any(|h| h.duration_ms.is_some_and(|d| d > opts.latency_threshold_ms))
        {
            slow += 1;
        }
        for h in &sess.hits {
            if let (Some(i), Some(d)) = (rep.iter().position(|x| *x == h.step), h.duration_ms) {
                step_ms[i].push(d);
            }
        }
        key_hits.extend(
            sess.hits
                .iter()
                .filter(|h| Some(h.step) == key_step)
                .map(|h| (h.status, h.duration_ms)),
        );
    }
    for (f, mut ms) in funnel.iter_mut().zip(step_ms) {
        ms.sort_by(f64::total_cmp);
        f.timed = ms.len();
        if !ms.is_empty() {
            f.p50_ms = Some(proposal::quantile(&ms, 0.5));
            f.p95_ms = Some(proposal::quantile(&ms, 0.95));
        }
    }
    let traffic = share(members.len(), totals.sessions);
    let failure = share(failed, totals.sessions);
    let latency = share(slow, totals.sessions);
    let key_name = steps.get(key).cloned().unwrap_or_default();
    let name = format!("{}-{}", slug(&key_name), &id[1..7]);
    let skeleton_steps: Vec<SkeletonStep> = rep
        .iter()
        .map(|&x| {
            let st = &s.steps[x as usize];
            let (method, route) = st.split_once(' ').unwrap_or(("GET", st));
            SkeletonStep {
                method: method.to_owned(),
                route: route.to_owned(),
                example: s.examples[x as usize]
                    .first()
                    .cloned()
                    .unwrap_or_else(|| route.to_owned()),
            }
        })
        .collect();
    let description = format!(
        "{} sessions ({:.1}% of traffic) took this path; key step {key_name}.",
        members.len(),
        traffic * 100.0
    );
    let skeleton =
        skeleton::journey_yaml(&name, &description, &opts.base_url, &id, &skeleton_steps);
    let examples = rep
        .iter()
        .map(|&x| (name_of(x), s.examples[x as usize].clone()))
        .collect();
    Candidate {
        proposal: proposal::propose(&key_name, &key_hits),
        id,
        name,
        rank: 0,
        steps,
        sessions: members.len(),
        coverage: traffic,
        request_coverage: share(hits, totals.hits),
        users_per_day: who.len() as f64 / totals.days,
        completed,
        failed_sessions: failed,
        slow_sessions: slow,
        funnel,
        score: Score {
            total: weight * (traffic + 2.0 * failure + latency),
            traffic,
            failure,
            latency,
            weight,
        },
        skeleton,
        examples,
        cluster,
    }
}
