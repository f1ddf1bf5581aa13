//! The network log of a run, as HAR 1.2.
//!
//! Every request the page makes is followed over the DevTools Network
//! domain: what was sent (the headers as they left, `traceparent` included,
//! from `requestWillBeSentExtraInfo`), what came back, the phase timings
//! Chromium measured, sizes, and failures. Redirects become entries of their
//! own, as in Chrome's HAR export. Response bodies are not kept (only their
//! sizes and types); request bodies are, redacted.
//!
//! Secrets never reach the file: `Authorization`, `Cookie`, `Set-Cookie` and
//! `Proxy-Authorization` values are always `***`, and every secret value the
//! run used is replaced wherever it appears (URLs, headers, bodies).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use chromiumoxide::Page;
use chromiumoxide::cdp::browser_protocol::network::{
    EnableParams, EventLoadingFailed, EventLoadingFinished, EventRequestWillBeSent,
    EventRequestWillBeSentExtraInfo, EventResponseReceived, Headers, Response,
};
use chromiumoxide::error::CdpError;
use futures::StreamExt;
use serde_json::{Value, json};
use tokio::task::JoinHandle;

use crate::Redactor;

/// Headers whose values are credentials, whatever they hold.
const CREDENTIAL_HEADERS: [&str; 4] = [
    "authorization",
    "cookie",
    "set-cookie",
    "proxy-authorization",
];

#[derive(Debug, Clone, Default)]
struct Entry {
    started_wall_s: f64,
    started_mono_s: f64,
    method: String,
    url: String,
    request_headers: Vec<(String, String)>,
    post_data: Option<String>,
    resource_type: String,
    status: Option<i64>,
    status_text: String,
    protocol: String,
    response_headers: Vec<(String, String)>,
    mime_type: String,
    remote_ip: Option<String>,
    timing: Option<Value>,
    encoded_length: Option<f64>,
    finished_mono_s: Option<f64>,
    error: Option<String>,
}

/// One request id's raw events, in whatever order the listeners saw them.
#[derive(Debug, Default)]
struct Raw {
    /// One per hop of a redirect chain.
    sent: Vec<Entry>,
    /// The response that redirected each hop, keyed by the next hop's start.
    redirects: Vec<(f64, Response)>,
    /// Headers as they left, one per hop, in arrival order.
    extra: Vec<Vec<(String, String)>>,
    /// Headers as Sightline's interception sent them (with `traceparent`),
    /// one per hop; preferred over `extra`.
    intercepted: Vec<Vec<(String, String)>>,
    response: Option<Response>,
    end: Option<(f64, Option<f64>, Option<String>)>,
}

/// What the listeners gather while the run goes. Events are kept raw and
/// assembled into entries only when the log is written, so the order in
/// which the five event streams deliver them does not matter.
#[derive(Debug, Default)]
pub struct NetworkLog {
    requests: HashMap<String, Raw>,
}

fn headers(h: &Headers) -> Vec<(String, String)> {
    h.inner()
        .as_object()
        .into_iter()
        .flatten()
        .map(|(k, v)| {
            (
                k.clone(),
                v.as_str().map_or_else(|| v.to_string(), str::to_owned),
            )
        })
        .collect()
}

/// The request body, from the base64 parts Chromium reports.
fn post_data(r: &chromiumoxide::cdp::browser_protocol::network::Request) -> Option<String> {
    use base64::Engine as _;
    let parts = r.post_data_entries.as_ref()?;
    let mut body = Vec::new();
    for p in parts {
        if let Some(b) = &p.bytes {
            let raw: &str = b.as_ref();
            body.extend(base64::engine::general_purpose::STANDARD.decode(raw).ok()?);
        }
    }
    Some(String::from_utf8_lossy(&body).into_owned())
}

pub(crate) fn lock(log: &Arc<Mutex<NetworkLog>>) -> std::sync::MutexGuard<'_, NetworkLog> {
    log.lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn respond(e: &mut Entry, r: &Response) {
    e.status = Some(r.status);
    e.status_text = r.status_text.clone();
    e.protocol = r.protocol.clone().unwrap_or_default();
    e.response_headers = headers(&r.headers);
    e.mime_type = r.mime_type.clone();
    e.remote_ip = r.remote_ip_address.clone();
    e.timing = r.timing.as_ref().and_then(|t| serde_json::to_value(t).ok());
    e.encoded_length = Some(r.encoded_data_length);
}

impl NetworkLog {
    fn raw(&mut self, id: &str) -> &mut Raw {
        self.requests.entry(id.to_owned()).or_default()
    }

    fn will_be_sent(&mut self, ev: &EventRequestWillBeSent) {
        let entry = Entry {
            started_wall_s: *ev.wall_time.inner(),
            started_mono_s: *ev.timestamp.inner(),
            method: ev.request.method.clone(),
            url: ev.request.url.clone(),
            request_headers: headers(&ev.request.headers),
            post_data: post_data(&ev.request),
            resource_type: ev
                .r#type
                .as_ref()
                .map(|t| t.as_ref().to_owned())
                .unwrap_or_default(),
            ..Entry::default()
        };
        let raw = self.raw(ev.request_id.inner());
        if let Some(r) = &ev.redirect_response {
            raw.redirects.push((*ev.timestamp.inner(), r.clone()));
        }
        raw.sent.push(entry);
    }

    /// Every hop as an entry: each redirected hop answered by the redirect,
    /// the last by the final response, finished when loading finished.
    fn entries(&self) -> Vec<Entry> {
        let mut out = Vec::new();
        for raw in self.requests.values() {
            let mut hops = raw.sent.clone();
            hops.sort_by(|a, b| a.started_mono_s.total_cmp(&b.started_mono_s));
            let mut redirects = raw.redirects.clone();
            redirects.sort_by(|a, b| a.0.total_cmp(&b.0));
            let n = hops.len();
            for (i, mut hop) in hops.into_iter().enumerate() {
                if let Some(h) = raw.intercepted.get(i).or_else(|| raw.extra.get(i)) {
                    hop.request_headers = h.clone();
                }
                if i + 1 < n {
                    if let Some((at, r)) = redirects.get(i) {
                        respond(&mut hop, r);
                        hop.finished_mono_s = Some(*at);
                    }
                } else {
                    if let Some(r) = &raw.response {
                        respond(&mut hop, r);
                    }
                    if let Some((at, length, error)) = &raw.end {
                        hop.finished_mono_s = Some(*at);
                        if let Some(l) = length {
                            hop.encoded_length = Some(*l);
                        }
                        hop.error = error.clone();
                    }
                }
                out.push(hop);
            }
        }
        out.sort_by(|a, b| a.started_mono_s.total_cmp(&b.started_mono_s));
        out
    }

    /// The log as HAR 1.2 JSON, redacted. Requests still open when the run
    /// ended are included without a response.
    pub(crate) fn to_har(&self, redactor: &Redactor) -> Value {
        let all = self.entries();
        let entries: Vec<Value> = all.iter().map(|e| entry_json(e, redactor)).collect();
        let started = all.first().map_or(0.0, |e| e.started_wall_s);
        json!({
            "log": {
                "version": "1.2",
                "creator": { "name": "Sightline", "version": env!("CARGO_PKG_VERSION") },
                "pages": [{
                    "startedDateTime": iso(started),
                    "id": "page_1",
                    "title": "",
                    "pageTimings": {}
                }],
                "entries": entries,
            }
        })
    }

    /// Records the headers the interception sent for network request `id`.
    pub(crate) fn intercepted(&mut self, id: &str, headers: Vec<(String, String)>) {
        self.raw(id).intercepted.push(headers);
    }

    /// Whether any request was seen.
    pub(crate) fn is_empty(&self) -> bool {
        self.requests.values().all(|r| r.sent.is_empty())
    }
}

fn iso(wall_s: f64) -> String {
    let ms = (wall_s * 1000.0).round() as i64;
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|d| d.to_rfc3339_opts(chrono::SecondsFormat::Millis, true))
        .unwrap_or_default()
}

fn header_list(h: &[(String, String)], redactor: &Redactor) -> Vec<Value> {
    h.iter()
        .map(|(k, v)| {
            let value = if CREDENTIAL_HEADERS.contains(&k.to_ascii_lowercase().as_str()) {
                "***".to_owned()
            } else {
                redactor.redact(v)
            };
            json!({ "name": k, "value": value })
        })
        .collect()
}

fn query_string(url: &str, redactor: &Redactor) -> Vec<Value> {
    url::Url::parse(url)
        .map(|u| {
            u.query_pairs()
                .map(|(k, v)| json!({ "name": redactor.redact(&k), "value": redactor.redact(&v) }))
                .collect()
        })
        .unwrap_or_default()
}

/// A ResourceTiming field in ms, or -1 when Chromium did not measure it.
fn t(timing: &Value, field: &str) -> f64 {
    timing.get(field).and_then(Value::as_f64).unwrap_or(-1.0)
}

/// HAR phase timings from Chromium's ResourceTiming (all ms relative to its
/// `requestTime`), the way Chrome DevTools exports them.
fn timings(e: &Entry) -> (Value, f64) {
    let Some(tm) = &e.timing else {
        let total = e
            .finished_mono_s
            .map_or(0.0, |f| ((f - e.started_mono_s) * 1000.0).max(0.0));
        return (
            json!({"blocked": -1, "dns": -1, "connect": -1, "send": 0, "wait": total, "receive": 0, "ssl": -1}),
            total,
        );
    };
    let span = |a: f64, b: f64| if a >= 0.0 && b >= a { b - a } else { -1.0 };
    let request_time = tm
        .get("requestTime")
        .and_then(Value::as_f64)
        .unwrap_or(e.started_mono_s);
    let queued = ((request_time - e.started_mono_s) * 1000.0).max(0.0);
    let dns = span(t(tm, "dnsStart"), t(tm, "dnsEnd"));
    let connect = span(t(tm, "connectStart"), t(tm, "connectEnd"));
    let ssl = span(t(tm, "sslStart"), t(tm, "sslEnd"));
    let send_start = t(tm, "sendStart").max(0.0);
    let send = span(send_start, t(tm, "sendEnd")).max(0.0);
    let headers_end = t(tm, "receiveHeadersEnd").max(t(tm, "sendEnd")).max(0.0);
    let wait = (headers_end - t(tm, "sendEnd").max(0.0)).max(0.0);
    let first = [t(tm, "dnsStart"), t(tm, "connectStart"), send_start]
        .into_iter()
        .find(|v| *v >= 0.0)
        .unwrap_or(0.0);
    let blocked = queued + first;
    let receive = e.finished_mono_s.map_or(0.0, |f| {
        ((f - request_time) * 1000.0 - headers_end).max(0.0)
    });
    let total = [blocked, dns, connect, send, wait, receive]
        .iter()
        .filter(|v| **v > 0.0)
        .sum();
    let r = |v: f64| (v * 1000.0).round() / 1000.0;
    (
        json!({
            "blocked": r(blocked), "dns": r(dns), "connect": r(connect), "send": r(send),
            "wait": r(wait), "receive": r(receive), "ssl": r(ssl)
        }),
        r(total),
    )
}

fn entry_json(e: &Entry, redactor: &Redactor) -> Value {
    let (timings, time) = timings(e);
    let http_version = if e.protocol.is_empty() {
        "HTTP/1.1".to_owned()
    } else {
        e.protocol.to_uppercase()
    };
    let location = e
        .response_headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("location"))
        .map(|(_, v)| redactor.redact(v))
        .unwrap_or_default();
    let mut request = json!({
        "method": e.method,
        "url": redactor.redact(&e.url),
        "httpVersion": http_version,
        "cookies": [],
        "headers": header_list(&e.request_headers, redactor),
        "queryString": query_string(&e.url, redactor),
        "headersSize": -1,
        "bodySize": e.post_data.as_ref().map_or(0, String::len),
    });
    if let Some(body) = &e.post_data {
        let mime = e
            .request_headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case("content-type"))
            .map(|(_, v)| v.clone())
            .unwrap_or_default();
        request["postData"] = json!({ "mimeType": mime, "text": redactor.redact(body) });
    }
    let mut entry = json!({
        "pageref": "page_1",
        "startedDateTime": iso(e.started_wall_s),
        "time": time,
        "request": request,
        "response": {
            "status": e.status.unwrap_or(0),
            "statusText": e.status_text,
            "httpVersion": http_version,
            "cookies": [],
            "headers": header_list(&e.response_headers, redactor),
            "content": { "size": e.encoded_length.map_or(-1, |l| l as i64), "mimeType": e.mime_type },
            "redirectURL": location,
            "headersSize": -1,
            "bodySize": e.encoded_length.map_or(-1, |l| l as i64),
        },
        "cache": {},
        "timings": timings,
        "_resourceType": e.resource_type,
    });
    if let Some(ip) = &e.remote_ip {
        entry["serverIPAddress"] = json!(ip);
    }
    if let Some(err) = &e.error {
        entry["_error"] = json!(redactor.redact(err));
    }
    entry
}

/// The shared log a session's listeners write to.
pub(crate) type SharedLog = Arc<Mutex<NetworkLog>>;

/// Starts recording `page`'s network traffic into `log`.
pub(crate) async fn listen(
    page: &Page,
    log: Arc<Mutex<NetworkLog>>,
) -> Result<Vec<JoinHandle<()>>, CdpError> {
    let mut sent = page.event_listener::<EventRequestWillBeSent>().await?;
    let mut extra = page
        .event_listener::<EventRequestWillBeSentExtraInfo>()
        .await?;
    let mut responses = page.event_listener::<EventResponseReceived>().await?;
    let mut finished = page.event_listener::<EventLoadingFinished>().await?;
    let mut failed = page.event_listener::<EventLoadingFailed>().await?;
    page.execute(EnableParams::default()).await?;
    let (l1, l2, l3, l4, l5) = (log.clone(), log.clone(), log.clone(), log.clone(), log);
    Ok(vec![
        tokio::spawn(async move {
            while let Some(ev) = sent.next().await {
                lock(&l1).will_be_sent(&ev);
            }
        }),
        tokio::spawn(async move {
            while let Some(ev) = extra.next().await {
                lock(&l2)
                    .raw(ev.request_id.inner())
                    .extra
                    .push(headers(&ev.headers));
            }
        }),
        tokio::spawn(async move {
            while let Some(ev) = responses.next().await {
                lock(&l3).raw(ev.request_id.inner()).response = Some(ev.response.clone());
            }
        }),
        tokio::spawn(async move {
            while let Some(ev) = finished.next().await {
                lock(&l4).raw(ev.request_id.inner()).end =
                    Some((*ev.timestamp.inner(), Some(ev.encoded_data_length), None));
            }
        }),
        tokio::spawn(async move {
            while let Some(ev) = failed.next().await {
                let why = if ev.canceled.unwrap_or(false) {
                    format!("canceled: {}", ev.error_text)
                } else {
                    ev.error_text.clone()
                };
                lock(&l5).raw(ev.request_id.inner()).end =
                    Some((*ev.timestamp.inner(), None, Some(why)));
            }
        }),
    ])
}
