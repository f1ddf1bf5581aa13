//! Simulated users driving the demo shop, for proving SLI discovery on
//! traffic a real server logged: `sightline discover simulate DIR --shop`.
//!
//! The shop starts on loopback (one region) with its access log switched on
//! ([`sightline_demo_shop::access_log`]) and a payment fault failing a share
//! of charges, so checkouts really fail at their key step. The sessions
//! planned by [`sightline_paths::shop_traffic`] are then played over HTTP,
//! several at a time: each keeps its own cookie and bearer token, follows
//! redirects itself as a browser does, and names its client in
//! `X-Forwarded-For`. What discovery reads afterwards is the shop's own log
//! (`DIR/access.log`), with the truth beside it (`DIR/truth.csv`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, COOKIE, LOCATION, SET_COOKIE, USER_AGENT};
use serde::Serialize;
use sightline_demo_shop::{FaultKind, FaultSpec, ShopConfig};
use sightline_paths::shop_traffic::{self, Body, Session, Shop};
use sightline_paths::simulate::Mix;
use tokio::sync::Semaphore;

use crate::DemoError;

/// The region the shop runs in.
pub const REGION: &str = "us-east-1";
/// Share of payment charges the fault fails.
pub const PAYMENT_ERROR_RATE: f64 = 0.1;
/// Redirects followed per request at most.
const MAX_REDIRECTS: usize = 5;

/// What was played.
#[derive(Debug, Clone, Serialize)]
pub struct Driven {
    /// The access log the shop wrote.
    pub access_log: PathBuf,
    /// The truth file.
    pub truth: PathBuf,
    /// Sessions played.
    pub sessions: usize,
    /// Requests sent, redirects followed included.
    pub requests: usize,
    /// Responses by status.
    pub statuses: BTreeMap<u16, usize>,
    /// Wall time, seconds.
    pub seconds: f64,
}

/// The shop's catalogue and its demo sign-in, as the plan needs them.
pub fn shop() -> Shop {
    let products = sightline_demo_shop::store::catalogue();
    let mut words: Vec<String> = products
        .iter()
        .flat_map(|p| p.name.split_whitespace().map(str::to_lowercase))
        .filter(|w| w.len() > 3)
        .collect();
    words.sort();
    words.dedup();
    let user = sightline_demo_shop::store::USERS
        .iter()
        .find(|(_, _, totp)| totp.is_none())
        .map_or("bob@example.com", |(email, _, _)| email);
    Shop {
        skus: products.into_iter().map(|p| p.sku).collect(),
        words,
        login: (
            user.to_owned(),
            sightline_demo_shop::store::DEMO_PASSWORD.to_owned(),
        ),
    }
}

/// One session's cookie, token and last order id.
#[derive(Default)]
struct Jar {
    sid: Option<String>,
    token: Option<String>,
    order: Option<String>,
}

impl Jar {
    fn keep(&mut self, resp: &reqwest::Response) {
        for v in resp.headers().get_all(SET_COOKIE) {
            if let Some(sid) = v
                .to_str()
                .ok()
                .and_then(|c| c.split(';').next())
                .and_then(|c| c.trim().strip_prefix("sid="))
            {
                self.sid = (!sid.is_empty()).then(|| sid.to_owned());
            }
        }
    }

    fn read_json(&mut self, body: &str) {
        let Ok(v) = serde_json::from_str::<serde_json::Value>(body) else {
            return;
        };
        if let Some(t) = v.get("token").and_then(|t| t.as_str()) {
            self.token = Some(t.to_owned());
        }
        if let Some(id) = v.get("id").and_then(|t| t.as_str()) {
            self.order = Some(id.to_owned());
        }
    }
}

/// Plays one session; returns the statuses it got.
async fn play(http: &reqwest::Client, base: &str, s: &Session) -> Vec<u16> {
    let mut jar = Jar::default();
    let mut statuses = Vec::new();
    for step in &s.steps {
        let path = step
            .path
            .replace("{order}", jar.order.as_deref().unwrap_or("unknown"));
        let (mut method, mut target, mut body) = (step.method, path, step.body.clone());
        for _ in 0..=MAX_REDIRECTS {
            let mut req = match method {
                "POST" => http.post(format!("{base}{target}")),
                _ => http.get(format!("{base}{target}")),
            }
            .header("x-forwarded-for", &s.client)
            .header(USER_AGENT, s.user_agent);
            if let Some(sid) = &jar.sid {
                req = req.header(COOKIE, format!("sid={sid}"));
            }
            if let Some(t) = &jar.token {
                req = req.header(AUTHORIZATION, format!("Bearer {t}"));
            }
            req = match &body {
                Body::None => req,
                Body::Form(f) => req
                    .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
                    .body(f.clone()),
                Body::Json(j) => req.header(CONTENT_TYPE, "application/json").body(j.clone()),
            };
            let resp = match req.send().await {
                Ok(r) => r,
                // A refused or timed-out request is what the user got; the
                // session goes on, as a person would retry the next page.
                Err(_) => {
                    statuses.push(0);
                    break;
                }
            };
            let status = resp.status();
            statuses.push(status.as_u16());
            jar.keep(&resp);
            let location = resp
                .headers()
                .get(LOCATION)
                .and_then(|l| l.to_str().ok())
                .map(str::to_owned);
            let text = resp.text().await.unwrap_or_default();
            jar.read_json(&text);
            match location {
                Some(l) if status.is_redirection() && l.starts_with('/') => {
                    (method, target, body) = ("GET", l, Body::None);
                }
                _ => break,
            }
        }
    }
    statuses
}

/// Starts the shop with its access log at `dir/access.log` (replacing an
/// old one), plays `mix` against it with `concurrency` sessions at a time,
/// writes `dir/truth.csv`, and stops the shop. `progress` hears
/// (sessions done, sessions in all) now and then.
pub async fn drive_shop(
    dir: &Path,
    mix: &Mix,
    concurrency: usize,
    progress: impl Fn(usize, usize) + Send + Sync + 'static,
) -> Result<Driven, DemoError> {
    let setup = |what: &str, e: &dyn std::fmt::Display| DemoError::Setup(format!("{what}: {e}"));
    std::fs::create_dir_all(dir).map_err(|e| setup(&dir.display().to_string(), &e))?;
    let access_log = dir.join("access.log");
    let truth = dir.join("truth.csv");
    match std::fs::remove_file(&access_log) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(setup(&access_log.display().to_string(), &e)),
    }
    let sessions = shop_traffic::plan(mix, &shop());
    std::fs::write(&truth, shop_traffic::truth(&sessions))
        .map_err(|e| setup(&truth.display().to_string(), &e))?;

    let handle = sightline_demo_shop::start(ShopConfig {
        regions: vec![REGION.to_owned()],
        seed: mix.seed,
        access_log: Some(access_log.clone()),
        ..ShopConfig::default()
    })
    .await
    .map_err(|e| setup("the demo shop", &e))?;
    handle.state().faults.set(FaultSpec {
        id: Some("discovery-payment-errors".into()),
        service: "payment".into(),
        region: REGION.into(),
        kind: FaultKind::ErrorRate {
            rate: PAYMENT_ERROR_RATE,
            status: 500,
        },
    });
    let base = handle
        .frontend_url(REGION)
        .ok_or_else(|| DemoError::Setup(format!("the shop has no region {REGION}")))?
        .to_owned();
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(10))
        .build()
        .map_err(|e| setup("HTTP client", &e))?;

    let started = Instant::now();
    let total = sessions.len();
    let gate = Arc::new(Semaphore::new(concurrency.max(1)));
    let done = Arc::new(AtomicUsize::new(0));
    let progress = Arc::new(progress);
    let mut tasks = Vec::with_capacity(total);
    for s in sessions {
        let (http, base, gate, done, progress) = (
            http.clone(),
            base.clone(),
            gate.clone(),
            done.clone(),
            progress.clone(),
        );
        tasks.push(tokio::spawn(async move {
            let _permit = gate.acquire_owned().await;
            let statuses = play(&http, &base, &s).await;
            let n = done.fetch_add(1, Ordering::Relaxed) + 1;
            if n % 100 == 0 || n == total {
                progress(n, total);
            }
            statuses
        }));
    }
    let mut statuses: BTreeMap<u16, usize> = BTreeMap::new();
    let mut requests = 0;
    for t in tasks {
        let got = t.await.map_err(|e| setup("a session", &e))?;
        requests += got.len();
        for s in got {
            *statuses.entry(s).or_default() += 1;
        }
    }
    let seconds = started.elapsed().as_secs_f64();
    handle.shutdown().await;
    Ok(Driven {
        access_log,
        truth,
        sessions: total,
        requests,
        statuses,
        seconds,
    })
}
