//! A small W3C WebDriver client: the handful of endpoints the end-to-end
//! test needs, over HTTP to tauri-driver (which forwards to WebKitWebDriver).

use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// The W3C id key of an element reference.
const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";
/// WebDriver's code point for the Control key.
pub const CONTROL: &str = "\u{E009}";
/// WebDriver's code point for the Enter key.
pub const ENTER: &str = "\u{E007}";
/// WebDriver's code point for the Escape key.
pub const ESCAPE: &str = "\u{E00C}";

/// One WebDriver session.
pub struct Session {
    http: reqwest::Client,
    base: String,
    id: String,
}

/// A found element.
#[derive(Clone, Debug)]
pub struct Element(String);

impl Session {
    /// Starts the app through tauri-driver at `driver_url`.
    pub async fn start(driver_url: &str, application: &str, args: &[String]) -> Self {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(120))
            .build()
            .unwrap();
        let caps = json!({
            "capabilities": {
                "alwaysMatch": {
                    "browserName": "wry",
                    "tauri:options": { "application": application, "args": args }
                }
            }
        });
        let res: Value = http
            .post(format!("{driver_url}/session"))
            .json(&caps)
            .send()
            .await
            .expect("POST /session")
            .json()
            .await
            .expect("session JSON");
        let id = res["value"]["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("no session: {res}"))
            .to_owned();
        Self {
            http,
            base: format!("{driver_url}/session/{id}"),
            id,
        }
    }

    async fn send(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
        let mut req = self.http.request(method, format!("{}{path}", self.base));
        if let Some(b) = body {
            req = req.json(&b);
        }
        let res = req.send().await.unwrap_or_else(|e| panic!("{path}: {e}"));
        let v: Value = res.json().await.unwrap_or_else(|e| panic!("{path}: {e}"));
        v["value"].clone()
    }

    async fn post(&self, path: &str, body: Value) -> Value {
        self.send(reqwest::Method::POST, path, Some(body)).await
    }

    async fn get(&self, path: &str) -> Value {
        self.send(reqwest::Method::GET, path, None).await
    }

    /// Runs `script` in the page and returns its value.
    pub async fn js(&self, script: &str) -> Value {
        self.post("/execute/sync", json!({ "script": script, "args": [] }))
            .await
    }

    /// The first element matching the CSS `selector`, if any. Found by the
    /// page's own `querySelector` (returned as a WebDriver element
    /// reference): WebKitWebDriver's `/element` did not find elements the
    /// page plainly had (attribute selectors, under Tauri's custom protocol).
    pub async fn find(&self, selector: &str) -> Option<Element> {
        let v = self
            .js(&format!(
                "return document.querySelector({});",
                json!(selector)
            ))
            .await;
        if std::env::var_os("SIGHTLINE_E2E_DEBUG").is_some() {
            eprintln!("find {selector}: {v}");
        }
        v.get(ELEMENT)
            .and_then(Value::as_str)
            .map(|s| Element(s.to_owned()))
    }

    /// Waits up to `limit` for `selector` to match.
    pub async fn wait_for(&self, selector: &str, limit: Duration) -> Element {
        let t0 = Instant::now();
        loop {
            if let Some(e) = self.find(selector).await {
                return e;
            }
            assert!(
                t0.elapsed() < limit,
                "{selector} did not appear within {limit:?}; page text: {}",
                self.js("return document.querySelector('main').innerHTML.slice(0, 1500)")
                    .await
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Clicks `e` through the page's own `element.click()`, which runs the
    /// same handlers a mouse click does. (WebKitWebDriver's native element
    /// click reported success under Xvfb here, but no click event reached
    /// the page; links only worked because the driver follows them itself.)
    pub async fn click(&self, e: &Element) {
        let v = self
            .post(
                "/execute/sync",
                json!({ "script": "arguments[0].click(); return true;", "args": [{ ELEMENT: e.0 }] }),
            )
            .await;
        assert_eq!(v, Value::Bool(true), "click failed: {v}");
    }

    /// Presses `keys` together, as a person does (held in order, released in
    /// reverse), through WebDriver's key actions: the page sees real
    /// `keydown`/`keyup` events. Modifiers are WebDriver's code points, e.g.
    /// [`CONTROL`].
    pub async fn chord(&self, keys: &[&str]) {
        let mut actions: Vec<Value> = keys
            .iter()
            .map(|k| json!({ "type": "keyDown", "value": k }))
            .collect();
        actions.extend(
            keys.iter()
                .rev()
                .map(|k| json!({ "type": "keyUp", "value": k })),
        );
        let v = self
            .post(
                "/actions",
                json!({ "actions": [{ "type": "key", "id": "keyboard", "actions": actions }] }),
            )
            .await;
        assert!(v.is_null(), "key actions failed: {v}");
        let _ = self.send(reqwest::Method::DELETE, "/actions", None).await;
    }

    /// Types `text` into `e` through WebDriver's element send keys (`\u{E007}`
    /// is Enter).
    pub async fn type_into(&self, e: &Element, text: &str) {
        let v = self
            .post(&format!("/element/{}/value", e.0), json!({ "text": text }))
            .await;
        assert!(v.is_null(), "typing failed: {v}");
    }

    /// The visible text of `e`.
    pub async fn text(&self, e: &Element) -> String {
        self.get(&format!("/element/{}/text", e.0))
            .await
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    /// A PNG of the window.
    ///
    /// Without a GPU the app asks WebKitGTK for its non-composited renderer
    /// (src-tauri/src/renderer.rs). There, WebKitWebDriver's screenshot waits
    /// for the web process's next paint that changes something, and a page
    /// that is already painted and still (the incident view, the recorder
    /// view) never paints again: the request hung until the page next
    /// changed (measured: it answered 8 s later, the moment a timer in the
    /// page changed a style). So while the picture is taken, a transparent
    /// 1 px element changes its (still transparent) colour every 50 ms, which
    /// makes WebKit repaint that pixel and answer; nothing visible changes.
    pub async fn screenshot(&self) -> Vec<u8> {
        use base64::Engine as _;
        self.js(NUDGE_START).await;
        let v = self.get("/screenshot").await;
        self.js(NUDGE_STOP).await;
        base64::engine::general_purpose::STANDARD
            .decode(v.as_str().expect("a base64 screenshot"))
            .expect("base64")
    }

    /// Ends the session, which closes the app.
    pub async fn end(self) {
        let _ = self.http.delete(&self.base).send().await;
    }

    /// The session id, for messages.
    pub fn id(&self) -> &str {
        &self.id
    }
}

/// Starts the repaint nudge of [`Session::screenshot`].
const NUDGE_START: &str = "
    const n = document.createElement('div');
    n.id = 'wd-repaint-nudge';
    n.style.cssText = 'position:fixed;right:0;bottom:0;width:1px;height:1px;pointer-events:none;background:rgba(0,0,0,0)';
    document.body.appendChild(n);
    let odd = false;
    window.__wdNudge = setInterval(() => {
        odd = !odd;
        n.style.background = odd ? 'rgba(1,1,1,0)' : 'rgba(0,0,0,0)';
    }, 50);
    return true;";

/// Stops it and removes the element.
const NUDGE_STOP: &str = "
    clearInterval(window.__wdNudge);
    document.getElementById('wd-repaint-nudge')?.remove();
    return true;";
