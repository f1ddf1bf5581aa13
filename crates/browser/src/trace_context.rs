//! W3C trace context: every run has a trace id, and requests to the journey's
//! own origins carry a `traceparent` that continues it, so backend spans join
//! the run.
//!
//! `Network.setExtraHTTPHeaders` would add the header to every origin, leaking
//! the trace to third parties, so the page's requests are paused with
//! `Fetch.enable`, scoped by URL pattern to the journey's origins, and
//! continued with the header added. Requests to other origins are never
//! paused and carry nothing.

use chromiumoxide::Page;
use chromiumoxide::cdp::browser_protocol::fetch::{
    ContinueRequestParams, EnableParams, EventRequestPaused, HeaderEntry, RequestPattern,
    RequestStage,
};
use futures::StreamExt;
use rand::RngCore;
use tokio::task::JoinHandle;
use url::Url;

/// The trace a run belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TraceContext {
    trace_id: String,
}

impl TraceContext {
    /// A new random trace (never the all-zero id, which W3C forbids).
    pub fn new(rng: &mut impl RngCore) -> Self {
        let mut bytes = [0u8; 16];
        while bytes.iter().all(|b| *b == 0) {
            rng.fill_bytes(&mut bytes);
        }
        Self {
            trace_id: hex(&bytes),
        }
    }

    /// The 32-hex-digit trace id.
    pub fn trace_id(&self) -> &str {
        &self.trace_id
    }

    /// A `traceparent` value for one request: the run's trace, a fresh span
    /// id, sampled.
    pub fn traceparent(&self, rng: &mut impl RngCore) -> String {
        let mut span = [0u8; 8];
        while span.iter().all(|b| *b == 0) {
            rng.fill_bytes(&mut span);
        }
        format!("00-{}-{}-01", self.trace_id, hex(&span))
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The origins (`scheme://host:port`) that get trace headers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OwnOrigins(Vec<String>);

impl OwnOrigins {
    /// Adds the origin of `url`, if it is an absolute http(s) URL.
    pub fn add_url(&mut self, url: &str) {
        if let Some(origin) = origin_of(url)
            && !self.0.contains(&origin)
        {
            self.0.push(origin);
        }
    }

    /// Whether `url` belongs to one of the origins.
    pub fn contains_url(&self, url: &str) -> bool {
        origin_of(url).is_some_and(|o| self.0.contains(&o))
    }

    /// The origins, in the order added.
    pub fn as_slice(&self) -> &[String] {
        &self.0
    }
}

/// `scheme://host:port` of an http(s) URL, with the port always spelled out.
pub fn origin_of(url: &str) -> Option<String> {
    let u = Url::parse(url).ok()?;
    if !matches!(u.scheme(), "http" | "https") {
        return None;
    }
    let host = u.host_str()?;
    let port = u.port_or_known_default()?;
    Some(format!("{}://{}:{}", u.scheme(), host, port))
}

/// Starts pausing the page's requests to `origins` and continuing them with
/// a `traceparent`. The returned task ends when the page goes away.
pub(crate) async fn intercept(
    page: &Page,
    origins: &OwnOrigins,
    trace: TraceContext,
    network: crate::har::SharedLog,
) -> Result<Option<JoinHandle<()>>, chromiumoxide::error::CdpError> {
    if origins.as_slice().is_empty() {
        return Ok(None);
    }
    let mut events = page.event_listener::<EventRequestPaused>().await?;
    let patterns: Vec<RequestPattern> = origins
        .as_slice()
        .iter()
        .flat_map(|o| url_patterns(o))
        .map(|p| {
            RequestPattern::builder()
                .url_pattern(p)
                .request_stage(RequestStage::Request)
                .build()
        })
        .collect();
    page.execute(EnableParams::builder().patterns(patterns).build())
        .await?;
    let page = page.clone();
    let origins = origins.clone();
    Ok(Some(tokio::spawn(async move {
        while let Some(event) = events.next().await {
            let page = page.clone();
            // Patterns are a coarse filter (ports spelled out or implied);
            // the exact origin check happens here.
            let header = origins
                .contains_url(&event.request.url)
                .then(|| trace.traceparent(&mut rand::rng()));
            let network = network.clone();
            tokio::spawn(async move {
                let mut params = ContinueRequestParams::new(event.request_id.clone());
                if let Some(tp) = header {
                    let mut headers: Vec<HeaderEntry> = event
                        .request
                        .headers
                        .inner()
                        .as_object()
                        .into_iter()
                        .flatten()
                        .filter(|(k, _)| !k.eq_ignore_ascii_case("traceparent"))
                        .map(|(k, v)| HeaderEntry::new(k.clone(), v.as_str().unwrap_or_default()))
                        .collect();
                    headers.push(HeaderEntry::new("traceparent", tp));
                    // The HAR shows the headers as they left.
                    if let Some(id) = &event.network_id {
                        let sent = headers
                            .iter()
                            .map(|h| (h.name.clone(), h.value.clone()))
                            .collect();
                        crate::har::lock(&network).intercepted(id.inner(), sent);
                    }
                    params.headers = Some(headers);
                }
                // A request whose page has gone is not worth reporting.
                let _ = page.execute(params).await;
            });
        }
    })))
}

/// Fetch URL patterns for an origin: with the port as written and, for
/// default ports, without it (Chromium writes `http://host/` for port 80).
fn url_patterns(origin: &str) -> Vec<String> {
    let mut out = vec![format!("{origin}/*")];
    for (scheme, port) in [("http://", ":80"), ("https://", ":443")] {
        if origin.starts_with(scheme)
            && let Some(bare) = origin.strip_suffix(port)
        {
            out.push(format!("{bare}/*"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn traceparent_continues_the_run_trace_with_fresh_spans() {
        let mut rng = rand::rng();
        let t = TraceContext::new(&mut rng);
        let a = t.traceparent(&mut rng);
        let b = t.traceparent(&mut rng);
        assert_eq!(a.len(), 55);
        assert!(a.starts_with(&format!("00-{}-", t.trace_id())));
        assert!(a.ends_with("-01"));
        assert_ne!(a, b);
    }

    #[test]
    fn origins_compare_scheme_host_and_port() {
        let mut o = OwnOrigins::default();
        o.add_url("http://127.0.0.1:8080/login");
        o.add_url("https://shop.example/");
        assert!(o.contains_url("http://127.0.0.1:8080/api/x?y=1"));
        assert!(!o.contains_url("http://127.0.0.1:8081/api"));
        assert!(o.contains_url("https://shop.example:443/cart"));
        assert!(!o.contains_url("http://shop.example/cart"));
        assert_eq!(
            url_patterns("https://shop.example:443"),
            vec!["https://shop.example:443/*", "https://shop.example/*"]
        );
    }
}
