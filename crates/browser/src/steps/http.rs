//! `http` steps: an API call with status and JSON checks, and captures into
//! variables. Requests to the journey's own origins carry the run's
//! `traceparent`, like the page's requests do.

use std::str::FromStr;

use regex::Regex;
use reqwest::Method;
use serde_json::Value;
use sightline_core::ErrorClass;
use sightline_core::journey::{HttpStep, JsonAssertion};

use super::{StepCtx, StepFailure};

pub(super) async fn run(cx: &mut StepCtx<'_>, s: &HttpStep) -> Result<(), StepFailure> {
    let url = cx.resolve_url(&s.url)?;
    let method_name = s.method.as_deref().unwrap_or("GET").to_ascii_uppercase();
    let method = Method::from_str(&method_name)
        .map_err(|_| StepFailure::runner(format!("bad HTTP method {method_name}")))?;
    let mut req = cx.http.request(method, &url).timeout(cx.remaining());
    let mut has_content_type = false;
    for (name, value) in &s.headers {
        has_content_type |= name.eq_ignore_ascii_case("content-type");
        req = req.header(name.as_str(), cx.bindings.expand(value)?);
    }
    if cx.origins.contains_url(&url) {
        req = req.header("traceparent", cx.trace.traceparent(&mut rand::rng()));
    }
    match &s.body {
        None => {}
        Some(Value::String(text)) => req = req.body(cx.bindings.expand(text)?),
        Some(json) => {
            // Expand references inside the JSON text, then send it as JSON.
            let text = cx.bindings.expand(&json.to_string())?;
            if !has_content_type {
                req = req.header("content-type", "application/json");
            }
            req = req.body(text);
        }
    }
    let resp = req.send().await.map_err(|e| classify(&url, &e))?;
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    let body = resp.text().await.map_err(|e| classify(&url, &e))?;
    let status_ok = match s.expect.status {
        Some(want) => status == want,
        None => (200..300).contains(&status),
    };
    if !status_ok {
        let want = s
            .expect
            .status
            .map_or_else(|| "2xx".to_owned(), |w| w.to_string());
        return Err(StepFailure::new(
            ErrorClass::HttpStatus,
            format!("{method_name} {url}: expected status {want}, got {status}"),
        ));
    }
    let needs_json = !s.expect.json.is_empty() || s.capture.iter().any(|c| c.header.is_none());
    let doc: Value = if needs_json {
        serde_json::from_str(&body).map_err(|e| {
            StepFailure::new(
                ErrorClass::AssertionFailed,
                format!("body is not JSON: {e}"),
            )
        })?
    } else {
        Value::Null
    };
    for check in &s.expect.json {
        check_json(cx, &doc, check)?;
    }
    for cap in &s.capture {
        let value = if let Some(h) = &cap.header {
            headers
                .get(h.as_str())
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
                .ok_or_else(|| {
                    StepFailure::new(
                        ErrorClass::AssertionFailed,
                        format!("no {h} header to capture"),
                    )
                })?
        } else {
            let ptr = pointer_of(cap.pointer.as_deref(), cap.path.as_deref())?;
            doc.pointer(&ptr).map(as_text).ok_or_else(|| {
                StepFailure::new(
                    ErrorClass::AssertionFailed,
                    format!("nothing at {ptr} to capture"),
                )
            })?
        };
        cx.bindings.set_var(&cap.variable, value);
    }
    Ok(())
}

fn classify(url: &str, e: &reqwest::Error) -> StepFailure {
    if e.is_timeout() {
        StepFailure::new(ErrorClass::StepTimeout, format!("{url}: no answer in time"))
    } else {
        StepFailure::new(ErrorClass::NetworkError, format!("{url}: {e}"))
    }
}

/// The JSON Pointer for a check. JSONPath is translated for its simple,
/// common form (`$.a.b[0].c`); anything fancier is refused by name.
fn pointer_of(pointer: Option<&str>, path: Option<&str>) -> Result<String, StepFailure> {
    if let Some(p) = pointer {
        return Ok(p.to_owned());
    }
    let Some(path) = path else {
        return Err(StepFailure::runner(
            "a JSON check needs a pointer or a path",
        ));
    };
    let simple = Regex::new(r"^\$((\.[A-Za-z_][A-Za-z0-9_]*)|(\[[0-9]+\]))*$")
        .map_err(|e| StepFailure::runner(e.to_string()))?;
    if !simple.is_match(path) {
        return Err(StepFailure::runner(format!(
            "JSONPath {path} is beyond the simple $.a.b[0] form this runner supports; use a JSON Pointer"
        )));
    }
    let mut out = String::new();
    for seg in path[1..].split(['.', '[']).filter(|s| !s.is_empty()) {
        out.push('/');
        out.push_str(seg.trim_end_matches(']'));
    }
    Ok(out)
}

fn as_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn check_json(cx: &mut StepCtx<'_>, doc: &Value, check: &JsonAssertion) -> Result<(), StepFailure> {
    let ptr = pointer_of(check.pointer.as_deref(), check.path.as_deref())?;
    let found = doc.pointer(&ptr);
    let fail = |msg: String| Err(StepFailure::new(ErrorClass::AssertionFailed, msg));
    if let Some(want) = check.exists
        && want != found.is_some()
    {
        return fail(format!(
            "{ptr}: expected to {}exist",
            if want { "" } else { "not " }
        ));
    }
    if let Some(want) = &check.equals {
        // Expected strings may use {{var.X}}, e.g. an id captured earlier.
        let want = match want {
            Value::String(s) => Value::String(cx.bindings.expand(s)?),
            other => other.clone(),
        };
        if found != Some(&want) {
            return fail(format!(
                "{ptr}: expected {want}, found {}",
                found.map_or_else(|| "nothing".to_owned(), Value::to_string)
            ));
        }
    }
    if let Some(pattern) = &check.matches {
        let re = Regex::new(pattern)
            .map_err(|e| StepFailure::runner(format!("bad regular expression: {e}")))?;
        let text = found.map(as_text).unwrap_or_default();
        if found.is_none() || !re.is_match(&text) {
            return fail(format!("{ptr}: {text:?} does not match {pattern:?}"));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn simple_jsonpath_becomes_a_pointer() {
        assert_eq!(
            pointer_of(None, Some("$.items[0].id")).unwrap(),
            "/items/0/id"
        );
        assert_eq!(pointer_of(Some("/a/b"), None).unwrap(), "/a/b");
        assert!(pointer_of(None, Some("$..id")).is_err());
    }
}
