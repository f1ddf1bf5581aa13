//! The push spool of a remote runner: every finished attempt is committed to
//! a small local SQLite file first, then sent to the workbench in order and
//! deleted only once the workbench has answered 200. When the workbench is
//! down, results wait here; when it comes back they are re-sent with the same
//! run ids, which the workbench stores at most once. Nothing is lost, nothing
//! is counted twice.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

use rusqlite::{Connection, OptionalExtension, params};
use sightline_browser::ReplayReport;
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

use crate::RunnerError;
use crate::sink::RunSink;
use crate::wire::{PushAnswer, PushedRun, RUNS_PATH};

/// Most runs per request, and most bytes of JSON per request.
const BATCH_RUNS: usize = 64;
const BATCH_BYTES: usize = 8 * 1024 * 1024;
/// Backoff bounds between failed pushes.
const BACKOFF_MIN: Duration = Duration::from_millis(250);
const BACKOFF_MAX: Duration = Duration::from_secs(30);

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS outbox (
    seq          INTEGER PRIMARY KEY AUTOINCREMENT,
    run_id       BLOB NOT NULL UNIQUE,
    body         TEXT NOT NULL,
    queued_at_ms INTEGER NOT NULL,
    tries        INTEGER NOT NULL DEFAULT 0
);
-- Runs the workbench refused as malformed (400): kept, never dropped.
CREATE TABLE IF NOT EXISTS rejected (
    run_id       BLOB PRIMARY KEY,
    body         TEXT NOT NULL,
    reason       TEXT NOT NULL,
    at_ms        INTEGER NOT NULL
);";

/// The spool file: a sink for the runner, a source for the pusher.
pub struct Spool {
    path: PathBuf,
    conn: Mutex<Connection>,
    wake: Notify,
    now_ms: fn() -> i64,
}

impl Spool {
    /// Opens (or creates) the spool at `path`.
    pub fn open(path: &Path, now_ms: fn() -> i64) -> Result<Self, RunnerError> {
        let err = |source| RunnerError::Spool {
            file: path.to_owned(),
            source,
        };
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| RunnerError::Spool {
                file: path.to_owned(),
                source: rusqlite::Error::ToSqlConversionFailure(Box::new(e)),
            })?;
        }
        let conn = Connection::open(path).map_err(err)?;
        conn.busy_timeout(Duration::from_secs(5)).map_err(err)?;
        conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get::<_, String>(0))
            .map_err(err)?;
        conn.pragma_update(None, "synchronous", "FULL")
            .map_err(err)?;
        conn.execute_batch(SCHEMA).map_err(err)?;
        Ok(Self {
            path: path.to_owned(),
            conn: Mutex::new(conn),
            wake: Notify::new(),
            now_ms,
        })
    }

    fn err(&self, source: rusqlite::Error) -> RunnerError {
        RunnerError::Spool {
            file: self.path.clone(),
            source,
        }
    }

    fn conn(&self) -> std::sync::MutexGuard<'_, Connection> {
        self.conn
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Runs waiting to be sent.
    pub fn pending(&self) -> Result<u64, RunnerError> {
        self.conn()
            .query_row("SELECT count(*) FROM outbox", [], |r| r.get(0))
            .map_err(|e| self.err(e))
    }

    /// Runs the workbench refused as malformed.
    pub fn rejected(&self) -> Result<u64, RunnerError> {
        self.conn()
            .query_row("SELECT count(*) FROM rejected", [], |r| r.get(0))
            .map_err(|e| self.err(e))
    }

    /// The oldest waiting runs, within the batch limits.
    fn next_batch(&self) -> Result<Vec<(i64, Vec<u8>, String)>, RunnerError> {
        let conn = self.conn();
        let mut stmt = conn
            .prepare_cached("SELECT seq, run_id, body FROM outbox ORDER BY seq LIMIT ?1")
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map([BATCH_RUNS as i64], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })
            .map_err(|e| self.err(e))?;
        let mut out = Vec::new();
        let mut bytes = 0;
        for row in rows {
            let row: (i64, Vec<u8>, String) = row.map_err(|e| self.err(e))?;
            bytes += row.2.len();
            if !out.is_empty() && bytes > BATCH_BYTES {
                break;
            }
            out.push(row);
        }
        Ok(out)
    }

    fn delete_through(&self, seqs: &[i64]) -> Result<(), RunnerError> {
        let mut conn = self.conn();
        let tx = conn.transaction().map_err(|e| self.err(e))?;
        for s in seqs {
            tx.execute("DELETE FROM outbox WHERE seq = ?1", [s])
                .map_err(|e| self.err(e))?;
        }
        tx.commit().map_err(|e| self.err(e))
    }

    fn reject(&self, seq: i64, reason: &str) -> Result<(), RunnerError> {
        let mut conn = self.conn();
        let tx = conn.transaction().map_err(|e| self.err(e))?;
        let row: Option<(Vec<u8>, String)> = tx
            .query_row(
                "SELECT run_id, body FROM outbox WHERE seq = ?1",
                [seq],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()
            .map_err(|e| self.err(e))?;
        if let Some((id, body)) = row {
            tx.execute(
                "INSERT OR REPLACE INTO rejected (run_id, body, reason, at_ms) VALUES (?1, ?2, ?3, ?4)",
                params![id, body, reason, (self.now_ms)()],
            )
            .map_err(|e| self.err(e))?;
            tx.execute("DELETE FROM outbox WHERE seq = ?1", [seq])
                .map_err(|e| self.err(e))?;
        }
        tx.commit().map_err(|e| self.err(e))
    }

    fn count_try(&self, seqs: &[i64]) {
        let conn = self.conn();
        for s in seqs {
            let _ = conn.execute("UPDATE outbox SET tries = tries + 1 WHERE seq = ?1", [s]);
        }
    }
}

impl RunSink for Spool {
    fn accept(&self, report: &ReplayReport) -> Result<bool, RunnerError> {
        let body = serde_json::to_string(&PushedRun::from_report(report)).map_err(|e| {
            RunnerError::Spool {
                file: self.path.clone(),
                source: rusqlite::Error::ToSqlConversionFailure(Box::new(e)),
            }
        })?;
        let changed = self
            .conn()
            .execute(
                "INSERT OR IGNORE INTO outbox (run_id, body, queued_at_ms) VALUES (?1, ?2, ?3)",
                params![report.run.id.as_bytes().as_slice(), body, (self.now_ms)()],
            )
            .map_err(|e| self.err(e))?;
        self.wake.notify_one();
        Ok(changed == 1)
    }
}

/// Where and how to push.
#[derive(Debug, Clone)]
pub struct PushTarget {
    /// The workbench, e.g. `http://workbench:4000` (`/v1/runs` is added).
    pub url: String,
    /// The bearer token `sightline serve` was started with.
    pub token: String,
}

/// What the pusher did, for the runner's summary.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PushTotals {
    /// Runs the workbench stored.
    pub inserted: usize,
    /// Runs it already had.
    pub duplicates: usize,
    /// Requests that failed and were retried later.
    pub failed_requests: usize,
}

/// Sends the spool to the workbench until `stop` is cancelled and the spool
/// is empty, or until `stop` is cancelled and `flush_for` has passed.
pub async fn push_loop(
    spool: std::sync::Arc<Spool>,
    target: PushTarget,
    stop: CancellationToken,
    flush_for: Duration,
) -> PushTotals {
    let client = match reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .user_agent(concat!("sightline-runner/", env!("CARGO_PKG_VERSION")))
        .build()
    {
        Ok(c) => c,
        Err(e) => {
            tracing::error!(error = %e, "cannot build the push client");
            return PushTotals::default();
        }
    };
    let url = format!("{}{RUNS_PATH}", target.url.trim_end_matches('/'));
    let mut totals = PushTotals::default();
    let mut backoff = BACKOFF_MIN;
    let mut flush_deadline: Option<tokio::time::Instant> = None;
    loop {
        if stop.is_cancelled() && flush_deadline.is_none() {
            flush_deadline = Some(tokio::time::Instant::now() + flush_for);
        }
        if flush_deadline.is_some_and(|d| tokio::time::Instant::now() >= d) {
            break;
        }
        let batch = match spool.next_batch() {
            Ok(b) => b,
            Err(e) => {
                tracing::error!(error = %e, "reading the spool");
                Vec::new()
            }
        };
        if batch.is_empty() {
            if stop.is_cancelled() {
                break;
            }
            tokio::select! {
                () = spool.wake.notified() => {}
                () = stop.cancelled() => {}
                () = tokio::time::sleep(Duration::from_secs(1)) => {}
            }
            continue;
        }
        let seqs: Vec<i64> = batch.iter().map(|b| b.0).collect();
        let body = format!(
            "{{\"runs\":[{}]}}",
            batch
                .iter()
                .map(|b| b.2.as_str())
                .collect::<Vec<_>>()
                .join(",")
        );
        let sent = client
            .post(&url)
            .bearer_auth(&target.token)
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await;
        match sent {
            Ok(resp) if resp.status().is_success() => {
                match resp.json::<PushAnswer>().await {
                    Ok(a) => {
                        totals.inserted += a.inserted;
                        totals.duplicates += a.duplicates;
                    }
                    Err(e) => {
                        tracing::warn!(error = %e, "push answer unreadable; runs were accepted")
                    }
                }
                if let Err(e) = spool.delete_through(&seqs) {
                    tracing::error!(error = %e, "clearing pushed runs from the spool");
                }
                backoff = BACKOFF_MIN;
                continue;
            }
            Ok(resp) if resp.status() == reqwest::StatusCode::BAD_REQUEST && seqs.len() == 1 => {
                let reason = resp.text().await.unwrap_or_default();
                tracing::error!(
                    reason,
                    "the workbench refused a run as malformed; kept in the spool's rejected table"
                );
                let _ = spool.reject(seqs[0], &reason);
                continue;
            }
            Ok(resp) if resp.status() == reqwest::StatusCode::BAD_REQUEST => {
                // Find the bad run: send one at a time from now on.
                tracing::warn!("the workbench refused a batch; retrying run by run");
                let _ =
                    push_one_by_one(&client, &url, &target.token, &spool, &seqs, &mut totals).await;
                continue;
            }
            Ok(resp) if stop.is_cancelled() && matches!(resp.status().as_u16(), 401 | 403) => {
                // Retrying with the same token cannot work; the runs stay in
                // the spool for the next start (with the right token).
                totals.failed_requests += 1;
                spool.count_try(&seqs);
                tracing::error!(status = %resp.status(), "the workbench refuses this runner's token; results stay in the spool");
                break;
            }
            Ok(resp) => {
                totals.failed_requests += 1;
                spool.count_try(&seqs);
                let status = resp.status();
                let wait = retry_after(&resp).unwrap_or(backoff);
                tracing::warn!(%status, wait_ms = wait.as_millis() as u64, "push failed; will retry");
                sleep_or_stop(wait, &stop, flush_deadline).await;
            }
            Err(e) => {
                totals.failed_requests += 1;
                spool.count_try(&seqs);
                tracing::warn!(error = %e, wait_ms = backoff.as_millis() as u64, "workbench unreachable; results stay in the spool");
                sleep_or_stop(backoff, &stop, flush_deadline).await;
            }
        }
        backoff = (backoff * 2).min(BACKOFF_MAX);
    }
    totals
}

async fn push_one_by_one(
    client: &reqwest::Client,
    url: &str,
    token: &str,
    spool: &Spool,
    seqs: &[i64],
    totals: &mut PushTotals,
) -> Result<(), RunnerError> {
    for &seq in seqs {
        let body: Option<String> = spool
            .conn()
            .query_row("SELECT body FROM outbox WHERE seq = ?1", [seq], |r| {
                r.get(0)
            })
            .optional()
            .map_err(|e| spool.err(e))?;
        let Some(body) = body else { continue };
        let resp = client
            .post(url)
            .bearer_auth(token)
            .header("content-type", "application/json")
            .body(format!("{{\"runs\":[{body}]}}"))
            .send()
            .await
            .map_err(|e| RunnerError::Push {
                url: url.to_owned(),
                message: e.to_string(),
            })?;
        if resp.status().is_success() {
            if let Ok(a) = resp.json::<PushAnswer>().await {
                totals.inserted += a.inserted;
                totals.duplicates += a.duplicates;
            }
            spool.delete_through(&[seq])?;
        } else if resp.status() == reqwest::StatusCode::BAD_REQUEST {
            let reason = resp.text().await.unwrap_or_default();
            spool.reject(seq, &reason)?;
        } else {
            return Ok(());
        }
    }
    Ok(())
}

fn retry_after(resp: &reqwest::Response) -> Option<Duration> {
    let secs: u64 = resp
        .headers()
        .get(reqwest::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()?;
    Some(Duration::from_secs(secs).min(BACKOFF_MAX))
}

async fn sleep_or_stop(
    wait: Duration,
    stop: &CancellationToken,
    flush_deadline: Option<tokio::time::Instant>,
) {
    let until = tokio::time::Instant::now() + wait;
    let until = flush_deadline.map_or(until, |d| d.min(until));
    if stop.is_cancelled() {
        tokio::time::sleep_until(until).await;
    } else {
        tokio::select! {
            () = tokio::time::sleep_until(until) => {}
            () = stop.cancelled() => {}
        }
    }
}
