//! One request as every input format reduces it: who, when, what, how it went.

use serde::{Deserialize, Serialize};

/// One HTTP request seen by a server, a load balancer or a browser.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Request {
    /// When it started, Unix ms.
    pub at_ms: i64,
    /// `GET`, `POST`, ... upper case.
    pub method: String,
    /// The path without query string or fragment.
    pub path: String,
    /// The route template when the source knows it (`http.route`).
    pub route: Option<String>,
    /// Response status; 0 when no response was received.
    pub status: u16,
    /// How long it took, when the source says.
    pub duration_ms: Option<f64>,
    /// Client address (no port).
    pub client: String,
    /// User agent, empty when unknown.
    pub user_agent: String,
    /// Session id when the source carries one (`session.id`, HAR page).
    pub session: Option<String>,
    /// Authenticated user when known (`user.id`, `$remote_user`).
    pub user: Option<String>,
}

impl Request {
    /// A request with the fields every format has; the rest empty.
    pub fn new(at_ms: i64, method: &str, path: &str, status: u16) -> Self {
        Request {
            at_ms,
            method: method.to_ascii_uppercase(),
            path: strip_query(path).to_owned(),
            route: None,
            status,
            duration_ms: None,
            client: String::new(),
            user_agent: String::new(),
            session: None,
            user: None,
        }
    }

    /// A server error (5xx) or no response at all.
    pub fn is_failure(&self) -> bool {
        self.status >= 500 || self.status == 0
    }
}

/// The path of a request target: an absolute URL loses scheme and host, and
/// the query string and fragment are dropped.
pub fn strip_query(target: &str) -> &str {
    let mut t = target;
    if let Some(rest) = t
        .strip_prefix("http://")
        .or_else(|| t.strip_prefix("https://"))
    {
        t = rest.find('/').map_or("/", |i| &rest[i..]);
    }
    let end = t.find(['?', '#']).unwrap_or(t.len());
    let p = &t[..end];
    if p.is_empty() { "/" } else { p }
}
