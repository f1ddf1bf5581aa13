//! The outbox sender: one pass takes the due notifications, claims them (a
//! lease, so two senders never send the same row), groups them per target,
//! sends, and records the outcome: delivered, retry later with backoff (or
//! the receiver's `Retry-After`), or given up.
//!
//! Delivery is at least once with a narrow window: a crash after the
//! receiver's 2xx and before the row is marked means one resend on restart.
//! Every request carries the same id on every attempt (PagerDuty's
//! `dedup_key`, the `Sightline-Delivery` header) so receivers can drop it.
//! Secrets are read at send time and never written to the outbox, the
//! errors, or the logs.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use serde::Serialize;
use sightline_action::delivery::{self, Attempt, MAX_ATTEMPTS};
use sightline_action::notice::Notice;
use sightline_action::payload::{email, pagerduty, slack, webhook};
use sightline_action::route::{NotifyConfig, PAGERDUTY_EVENTS_URL, SecretRef, Target, Value};
use sightline_store::Store;
use sightline_store::queries::outbox::{self, OutboxRow};

use crate::ApiError;
use crate::secrets::SecretStore;

/// How long a claimed row is left alone by other senders.
pub const LEASE_MS: i64 = 60_000;
/// Most rows one pass takes.
pub const BATCH: usize = 500;
/// Most notices in one grouped message.
pub const GROUP_MAX: usize = 100;

/// What one pass did.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct DeliveryPass {
    /// Rows delivered.
    pub delivered: usize,
    /// Messages sent for them (a group is one message).
    pub messages: usize,
    /// Rows that will be tried again.
    pub retrying: usize,
    /// Rows given up.
    pub dead: usize,
    /// Failures, one line each (no secret values).
    pub errors: Vec<String>,
}

/// Reads a secret by reference: the environment, or the keyring with
/// `SIGHTLINE_SECRET_<NAME>` as the fallback journeys also use.
pub fn resolve(r: &SecretRef, secrets: &dyn SecretStore) -> Result<String, String> {
    match r {
        SecretRef::Env(name) => std::env::var(name).map_err(|_| format!("the {r} is not set")),
        SecretRef::Secret(name) => {
            if let Ok(Some(v)) = secrets.get(name) {
                return Ok(v);
            }
            let env = format!("{}{name}", sightline_browser::secrets::SECRET_ENV_PREFIX);
            std::env::var(&env).map_err(|_| {
                format!("the {r} has no value (sightline secret set {name}, or set {env})")
            })
        }
    }
}

/// One pass over the outbox of `db` at `now_ms`.
pub async fn deliver_due(
    db: &Path,
    config: &NotifyConfig,
    secrets: &dyn SecretStore,
    client: &reqwest::Client,
    now_ms: i64,
) -> Result<DeliveryPass, ApiError> {
    let store = Store::open(db)?;
    let due = outbox::due(store.conn(), now_ms, BATCH)?;
    let ids: Vec<i64> = due.iter().map(|r| r.id).collect();
    let claimed = outbox::claim(store.conn(), &ids, now_ms, now_ms + LEASE_MS)?;
    let mut by_target: BTreeMap<String, Vec<OutboxRow>> = BTreeMap::new();
    for row in due.into_iter().filter(|r| claimed.contains(&r.id)) {
        by_target.entry(row.target.clone()).or_default().push(row);
    }
    let mut pass = DeliveryPass::default();
    for (name, rows) in by_target {
        let Some(target) = config.targets.get(&name) else {
            let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
            let why = format!("target {name:?} is no longer in notify.yaml");
            outbox::mark_failed(store.conn(), &ids, &why, now_ms, true)?;
            pass.dead += ids.len();
            pass.errors.push(why);
            continue;
        };
        let groups: Vec<Vec<OutboxRow>> = if target.groups() {
            rows.chunks(GROUP_MAX).map(<[OutboxRow]>::to_vec).collect()
        } else {
            rows.into_iter().map(|r| vec![r]).collect()
        };
        for group in groups {
            let notices: Vec<Notice> = group
                .iter()
                .filter_map(|r| serde_json::from_str(&r.notice_json).ok())
                .collect();
            let ids: Vec<i64> = group.iter().map(|r| r.id).collect();
            let attempt = if notices.len() != group.len() {
                Attempt::Refused {
                    reason: "a stored notice does not decode".into(),
                }
            } else {
                send(target, &notices, &ids, secrets, client, now_ms).await
            };
            let attempts = group.iter().map(|r| r.attempts).max().unwrap_or(0) + 1;
            match attempt {
                Attempt::Delivered => {
                    outbox::mark_delivered(store.conn(), &ids, now_ms)?;
                    pass.delivered += ids.len();
                    pass.messages += 1;
                }
                Attempt::Retry {
                    reason,
                    retry_after_ms,
                } => {
                    let give_up = attempts >= MAX_ATTEMPTS;
                    let next = delivery::next_attempt_at(now_ms, attempts, retry_after_ms);
                    outbox::mark_failed(store.conn(), &ids, &reason, next, give_up)?;
                    if give_up {
                        pass.dead += ids.len();
                    } else {
                        pass.retrying += ids.len();
                    }
                    pass.errors.push(format!("{name}: {reason}"));
                }
                Attempt::Refused { reason } => {
                    outbox::mark_failed(store.conn(), &ids, &reason, now_ms, true)?;
                    pass.dead += ids.len();
                    pass.errors.push(format!("{name}: {reason}"));
                }
            }
        }
    }
    Ok(pass)
}

async fn send(
    target: &Target,
    notices: &[Notice],
    ids: &[i64],
    secrets: &dyn SecretStore,
    client: &reqwest::Client,
    now_ms: i64,
) -> Attempt {
    let delivery_id = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
    let refused = |reason: String| Attempt::Refused { reason };
    match target {
        Target::Slack { url } => {
            let url = match resolve(url, secrets) {
                Ok(u) => u,
                Err(e) => return refused(e),
            };
            let msg = slack::message(notices);
            if let Err(e) = slack::check(&msg) {
                return refused(format!("the Slack message breaks Block Kit limits: {e}"));
            }
            post(
                client,
                &url,
                serde_json::to_vec(&msg).unwrap_or_default(),
                &[("Sightline-Delivery", delivery_id)],
                now_ms,
            )
            .await
        }
        Target::Pagerduty { routing_key, url } => {
            let key = match resolve(routing_key, secrets) {
                Ok(k) => k,
                Err(e) => return refused(e),
            };
            let Some(n) = notices.first() else {
                return Attempt::Delivered;
            };
            let ev = pagerduty::event(n, &key);
            if let Err(e) = pagerduty::check(&ev) {
                return refused(format!(
                    "the PagerDuty event breaks the Events v2 rules: {e}"
                ));
            }
            let url = url.as_deref().unwrap_or(PAGERDUTY_EVENTS_URL);
            post(
                client,
                url,
                serde_json::to_vec(&ev).unwrap_or_default(),
                &[("Sightline-Delivery", delivery_id)],
                now_ms,
            )
            .await
        }
        Target::Webhook {
            url,
            signing_secret,
        } => {
            let url = match url {
                Value::Plain(u) => u.clone(),
                Value::Ref(r) => match resolve(r, secrets) {
                    Ok(u) => u,
                    Err(e) => return refused(e),
                },
            };
            let body = serde_json::to_vec(&webhook::body(notices)).unwrap_or_default();
            let ts = now_ms.div_euclid(1000);
            let mut headers = vec![
                ("Sightline-Delivery", delivery_id),
                ("Sightline-Timestamp", ts.to_string()),
            ];
            if let Some(s) = signing_secret {
                match resolve(s, secrets) {
                    Ok(key) => headers.push((
                        "Sightline-Signature",
                        webhook::signature(key.as_bytes(), ts, &body),
                    )),
                    Err(e) => return refused(e),
                }
            }
            post(client, &url, body, &headers, now_ms).await
        }
        Target::Email {
            server,
            tls,
            from,
            to,
            username,
            password,
        } => {
            let password = match password.as_ref().map(|p| resolve(p, secrets)).transpose() {
                Ok(p) => p,
                Err(e) => return refused(e),
            };
            let (subject, body) = email::message(notices);
            let mail = super::smtp::Mail {
                server,
                tls: tls.as_deref().unwrap_or("starttls"),
                from,
                to,
                username: username.as_deref(),
                password: password.as_deref(),
                subject: &subject,
                body: &body,
            };
            super::smtp::send(&mail).await
        }
    }
}

async fn post(
    client: &reqwest::Client,
    url: &str,
    body: Vec<u8>,
    headers: &[(&str, String)],
    now_ms: i64,
) -> Attempt {
    let mut req = client
        .post(url)
        .header("content-type", "application/json")
        .body(body);
    for (k, v) in headers {
        req = req.header(*k, v);
    }
    match req.send().await {
        Err(e) => Attempt::Retry {
            // reqwest's error names the URL; strip it, since a Slack URL is
            // itself a secret.
            reason: format!("request failed: {}", e.without_url()),
            retry_after_ms: None,
        },
        Ok(resp) => {
            let status = resp.status().as_u16();
            let retry_after = resp
                .headers()
                .get("retry-after")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| delivery::parse_retry_after(v, now_ms));
            let text = resp.text().await.unwrap_or_default();
            delivery::classify(status, retry_after, &text)
        }
    }
}

/// The HTTP client senders use: short timeouts, no redirects (a redirect
/// would carry a signed body somewhere else).
pub fn http_client() -> Result<reqwest::Client, ApiError> {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .connect_timeout(Duration::from_secs(5))
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|e| ApiError::BadInput(format!("the HTTP client: {e}")))
}
