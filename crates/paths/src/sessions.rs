//! Sessions: requests grouped into visits, and the bots among them.
//!
//! A request belongs to its session id when the source has one (OTLP
//! `session.id`, a HAR capture, a JSON log field); otherwise to its client,
//! the address and user agent together, split where the client was silent
//! longer than the inactivity gap (30 minutes by default, as web analytics
//! do). Bots are dropped, and counted by the first rule that caught them:
//! a crawler's user agent, a read of `robots.txt`, a request rate no person
//! keeps up, or many pages without a single asset in a log that has assets.

use std::collections::HashMap;
use ts_rs::TS;

use serde::Serialize;

use crate::normalise::{Normaliser, PathKind, classify};
use crate::request::Request;

/// How sessions are cut and bots recognised.
#[derive(Debug, Clone, PartialEq)]
pub struct SessionOptions {
    /// Inactivity that ends a session, ms.
    pub gap_ms: i64,
    /// A session with at least this many requests ...
    pub rate_min_requests: usize,
    /// ... at more than this many per second on average is a bot.
    pub rate_per_s: f64,
    /// A session with at least this many page requests and no asset, in a
    /// log where assets are at least [`SessionOptions::asset_share`] of the
    /// requests, is a bot.
    pub no_asset_pages: usize,
    /// See [`SessionOptions::no_asset_pages`].
    pub asset_share: f64,
}

impl Default for SessionOptions {
    fn default() -> Self {
        SessionOptions {
            gap_ms: 30 * 60 * 1000,
            rate_min_requests: 20,
            rate_per_s: 2.0,
            no_asset_pages: 15,
            asset_share: 0.05,
        }
    }
}

/// Substrings (lower case) of crawler and tool user agents.
pub const BOT_USER_AGENTS: [&str; 14] = [
    "bot",
    "crawl",
    "spider",
    "slurp",
    "scrapy",
    "wget",
    "python-urllib",
    "httrack",
    "facebookexternalhit",
    "headlesschrome",
    "ahrefs",
    "semrush",
    "bingpreview",
    "archive.org",
];

/// One page request in a session.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    /// Start, Unix ms.
    pub at_ms: i64,
    /// `METHOD route`, interned in [`Sessions::steps`].
    pub step: u32,
    /// Status.
    pub status: u16,
    /// Duration when known.
    pub duration_ms: Option<f64>,
}

/// One visit.
#[derive(Debug, Clone, PartialEq)]
pub struct Session {
    /// The session id or the client key it was cut from.
    pub key: String,
    /// Who: the user when known, else the client key. Counts distinct users.
    pub who: String,
    /// First request, Unix ms.
    pub start_ms: i64,
    /// Page requests in time order (assets and health checks left out).
    pub hits: Vec<Hit>,
}

/// Sessions dropped as bots, by the rule that caught them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, TS)]
pub struct BotCounts {
    /// A crawler or tool user agent.
    pub user_agent: usize,
    /// Read `/robots.txt`.
    pub robots_txt: usize,
    /// Faster than a person.
    pub rate: usize,
    /// Many pages, no assets.
    pub no_assets: usize,
}

impl BotCounts {
    /// All bot sessions.
    pub fn total(&self) -> usize {
        self.user_agent + self.robots_txt + self.rate + self.no_assets
    }
}

/// Requests set aside before sessions are judged.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, TS)]
pub struct SetAside {
    /// Static assets.
    pub assets: usize,
    /// Health checks and metrics scrapes.
    pub health: usize,
    /// `robots.txt` reads.
    pub robots_txt: usize,
}

/// Every session, the step names, and what was dropped.
#[derive(Debug, Clone, Default)]
pub struct Sessions {
    /// Human sessions with at least one page request.
    pub sessions: Vec<Session>,
    /// `METHOD route` by step id.
    pub steps: Vec<String>,
    /// Example paths per step id (up to three).
    pub examples: Vec<Vec<String>>,
    /// Requests per step id (in human sessions and bots alike).
    pub step_requests: Vec<usize>,
    /// Bot sessions dropped.
    pub bots: BotCounts,
    /// Requests set aside.
    pub set_aside: SetAside,
}

fn client_key(r: &Request) -> String {
    match &r.session {
        Some(s) => format!("s:{s}"),
        None => format!("c:{}\u{1f}{}", r.client, r.user_agent),
    }
}

fn is_bot_agent(ua: &str) -> bool {
    let ua = ua.to_ascii_lowercase();
    BOT_USER_AGENTS.iter().any(|b| ua.contains(b))
}

/// Groups `requests` into sessions with routes from `normaliser` (learned
/// over the same requests' page paths).
pub fn build(requests: Vec<Request>, normaliser: &Normaliser, opts: &SessionOptions) -> Sessions {
    let mut out = Sessions::default();
    let total = requests.len();
    let assets = requests
        .iter()
        .filter(|r| classify(&r.path) == PathKind::Asset)
        .count();
    let log_has_assets = total > 0 && assets as f64 >= opts.asset_share * total as f64;
    // Each client key once, ranked in string order; then the requests
    // sorted by (key rank, time, arrival) as small tuples, which is the
    // order a sort of (key, request) pairs gives, without moving requests.
    let keys: Vec<String> = requests.iter().map(client_key).collect();
    let mut distinct: Vec<&str> = keys.iter().map(String::as_str).collect();
    distinct.sort_unstable();
    distinct.dedup();
    let rank: HashMap<&str, u32> = distinct
        .iter()
        .enumerate()
        .map(|(i, k)| (*k, i as u32))
        .collect();
    let mut order: Vec<(u32, i64, u32)> = requests
        .iter()
        .zip(&keys)
        .enumerate()
        .map(|(i, (r, k))| (rank[k.as_str()], r.at_ms, i as u32))
        .collect();
    order.sort_unstable();
    let mut ids: HashMap<String, u32> = HashMap::new();
    let mut batch: Vec<&Request> = Vec::new();
    let mut i = 0;
    while i < order.len() {
        // One client's requests, cut at the inactivity gap.
        let mut j = i + 1;
        while j < order.len()
            && order[j].0 == order[i].0
            && order[j].1 - order[j - 1].1 <= opts.gap_ms
        {
            j += 1;
        }
        batch.clear();
        batch.extend(order[i..j].iter().map(|o| &requests[o.2 as usize]));
        let key = &keys[order[i].2 as usize];
        session(
            key,
            &batch,
            normaliser,
            opts,
            log_has_assets,
            &mut ids,
            &mut out,
        );
        i = j;
    }
    out
}

fn session(
    key: &str,
    reqs: &[&Request],
    normaliser: &Normaliser,
    opts: &SessionOptions,
    log_has_assets: bool,
    ids: &mut HashMap<String, u32>,
    out: &mut Sessions,
) {
    let Some(first) = reqs.first() else {
        return;
    };
    let (mut assets, mut robots) = (0usize, false);
    let mut hits = Vec::new();
    for r in reqs {
        match classify(&r.path) {
            PathKind::Asset => {
                assets += 1;
                out.set_aside.assets += 1;
            }
            PathKind::Health => out.set_aside.health += 1,
            PathKind::Robots => {
                robots = true;
                out.set_aside.robots_txt += 1;
            }
            PathKind::Page => {
                let route = r.route.clone().unwrap_or_else(|| normaliser.route(&r.path));
                let name = format!("{} {route}", r.method);
                let id = match ids.get(&name) {
                    Some(id) => *id,
                    None => {
                        let next = out.steps.len() as u32;
                        ids.insert(name.clone(), next);
                        out.steps.push(name);
                        out.examples.push(Vec::new());
                        out.step_requests.push(0);
                        next
                    }
                };
                let slot = id as usize;
                out.step_requests[slot] += 1;
                let ex = &mut out.examples[slot];
                if ex.len() < 3 && !ex.contains(&r.path) {
                    ex.push(r.path.clone());
                }
                hits.push(Hit {
                    at_ms: r.at_ms,
                    step: id,
                    status: r.status,
                    duration_ms: r.duration_ms,
                });
            }
        }
    }
    let span_s = reqs.last().map_or(0, |l| l.at_ms - first.at_ms) as f64 / 1000.0;
    if is_bot_agent(&first.user_agent) {
        out.bots.user_agent += 1;
    } else if robots {
        out.bots.robots_txt += 1;
    } else if reqs.len() >= opts.rate_min_requests
        && reqs.len() as f64 / span_s.max(1.0) > opts.rate_per_s
    {
        out.bots.rate += 1;
    } else if log_has_assets && assets == 0 && hits.len() >= opts.no_asset_pages {
        out.bots.no_assets += 1;
    } else if !hits.is_empty() {
        out.sessions.push(Session {
            key: key.to_owned(),
            who: first.user.clone().unwrap_or_else(|| key.to_owned()),
            start_ms: first.at_ms,
            hits,
        });
    }
}
