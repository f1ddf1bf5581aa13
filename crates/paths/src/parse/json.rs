//! JSON access logs, one object per line (nginx `log_format ... escape=json`,
//! alp's examples, most log shippers). Which key holds what is a
//! [`FieldMap`]: each field has a list of candidate keys, tried in order.

use serde_json::Value;

use crate::error::PathsError;
use crate::parse::time;
use crate::request::Request;

/// Where each request field is found in a JSON line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldMap {
    /// Time (RFC 3339 or Unix seconds).
    pub time: Vec<String>,
    /// Method; or the whole request line in `request`.
    pub method: Vec<String>,
    /// Path or URI (query string dropped).
    pub path: Vec<String>,
    /// `"GET /a HTTP/1.1"`, used when method or path are missing.
    pub request: Vec<String>,
    /// Status code (number or string).
    pub status: Vec<String>,
    /// Duration in seconds (nginx `$request_time`).
    pub duration_s: Vec<String>,
    /// Client address.
    pub client: Vec<String>,
    /// User agent.
    pub user_agent: Vec<String>,
    /// Session id.
    pub session: Vec<String>,
    /// User.
    pub user: Vec<String>,
}

fn keys(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| (*s).to_owned()).collect()
}

impl Default for FieldMap {
    fn default() -> Self {
        FieldMap {
            time: keys(&["time", "time_iso8601", "timestamp", "@timestamp", "msec"]),
            method: keys(&["method", "request_method"]),
            path: keys(&["uri", "request_uri", "path", "url"]),
            request: keys(&["request"]),
            status: keys(&["status", "status_code"]),
            duration_s: keys(&["response_time", "request_time", "duration"]),
            client: keys(&["remote_addr", "client", "ip", "client_ip"]),
            user_agent: keys(&["ua", "http_user_agent", "user_agent"]),
            session: keys(&["session_id", "session"]),
            user: keys(&["remote_user", "user", "user_id"]),
        }
    }
}

impl FieldMap {
    /// Applies `field=key1,key2` overrides (`--field path=request_path`).
    pub fn set(&mut self, spec: &str) -> Result<(), PathsError> {
        let (name, list) = spec.split_once('=').ok_or_else(|| {
            PathsError::Option(format!("--field {spec:?}: expected FIELD=KEY[,KEY...]"))
        })?;
        let slot = match name.trim() {
            "time" => &mut self.time,
            "method" => &mut self.method,
            "path" => &mut self.path,
            "request" => &mut self.request,
            "status" => &mut self.status,
            "duration_s" => &mut self.duration_s,
            "client" => &mut self.client,
            "user_agent" => &mut self.user_agent,
            "session" => &mut self.session,
            "user" => &mut self.user,
            other => {
                return Err(PathsError::Option(format!(
                    "--field {other:?}: not one of time, method, path, request, status, duration_s, client, user_agent, session, user"
                )));
            }
        };
        *slot = list.split(',').map(|k| k.trim().to_owned()).collect();
        Ok(())
    }
}

fn get<'a>(obj: &'a Value, keys: &[String]) -> Option<&'a Value> {
    keys.iter()
        .filter_map(|k| obj.get(k))
        .find(|v| !v.is_null() && v.as_str() != Some("-") && v.as_str() != Some(""))
}

fn text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn number(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.parse().ok(),
        _ => None,
    }
}

/// Parses one JSON line with `fields`.
pub fn parse(line: &str, fields: &FieldMap) -> Result<Request, String> {
    let v: Value = serde_json::from_str(line).map_err(|e| format!("not JSON: {e}"))?;
    if !v.is_object() {
        return Err("not a JSON object".to_owned());
    }
    let t = get(&v, &fields.time)
        .and_then(text)
        .ok_or_else(|| format!("no time (looked for {})", fields.time.join(", ")))?;
    let at_ms = time::iso(&t)?;
    let req_line = get(&v, &fields.request).and_then(text);
    let mut parts = req_line.as_deref().unwrap_or("").split(' ');
    let (rm, rp) = (parts.next(), parts.next());
    let method = get(&v, &fields.method)
        .and_then(text)
        .or_else(|| rm.filter(|m| !m.is_empty()).map(str::to_owned))
        .ok_or_else(|| format!("no method (looked for {})", fields.method.join(", ")))?;
    let path = get(&v, &fields.path)
        .and_then(text)
        .or_else(|| rp.map(str::to_owned))
        .ok_or_else(|| format!("no path (looked for {})", fields.path.join(", ")))?;
    let status = get(&v, &fields.status)
        .and_then(number)
        .filter(|s| (0.0..1000.0).contains(s))
        .ok_or_else(|| format!("no status (looked for {})", fields.status.join(", ")))?
        as u16;
    let mut r = Request::new(at_ms, &method, &path, status);
    r.duration_ms = get(&v, &fields.duration_s)
        .and_then(number)
        .filter(|d| d.is_finite() && *d >= 0.0)
        .map(|s| s * 1000.0);
    r.client = get(&v, &fields.client).and_then(text).unwrap_or_default();
    r.user_agent = get(&v, &fields.user_agent)
        .and_then(text)
        .unwrap_or_default();
    r.session = get(&v, &fields.session).and_then(text);
    r.user = get(&v, &fields.user).and_then(text);
    Ok(r)
}
