//! The pages the tests replay against.

use crate::server::{Reply, Seen, Server};

const INDEX: &str = r#"<!doctype html><html><head><title>Home</title></head><body>
<h1>Shop</h1>
<button id="go" onclick="document.getElementById('out').textContent='clicked'">Go</button>
<button id="dbl" ondblclick="document.getElementById('out2').textContent='double'">Twice</button>
<div id="out"></div><div id="out2"></div>
<label for="name">Your name</label>
<input id="name" oninput="document.getElementById('echo').textContent=this.value">
<div id="echo"></div><div id="keys"></div>
<script>document.addEventListener('keydown', e => { document.getElementById('keys').textContent += e.key; });</script>
<div id="hov" onmouseover="this.textContent='hovered'">hover me</div>
<x-card></x-card>
<script>customElements.define('x-card', class extends HTMLElement { connectedCallback() {
  const r = this.attachShadow({mode: 'open'});
  r.innerHTML = '<button class="inner" onclick="this.textContent=\'shadow ok\'">in shadow</button>';
} });</script>
<iframe id="frame" srcdoc="<button id='fb' onclick='this.textContent=&quot;frame ok&quot;'>in frame</button>"></iframe>
<button id="boom" onclick="throw new Error('kaboom')">Boom</button>
<a href="/next">Next page</a>
<div style="height:3000px"></div><div id="bottom">bottom</div>
</body></html>"#;

const FORM: &str = r#"<!doctype html><html><head><title>Login</title></head><body>
<input id="password" type="password" oninput="document.getElementById('echo').textContent='typed:' + this.value">
<div id="echo"></div>
</body></html>"#;

/// Posts the typed password as a bearer token and in a JSON body, so the
/// HAR test can check both are redacted.
const HAR_PAGE: &str = r#"<!doctype html><html><head><title>HAR</title></head><body>
<input id="password" type="password">
<button id="send" onclick="const p = document.getElementById('password').value;
  fetch('/api/ok?via=har', {method: 'POST', headers: {'Authorization': 'Bearer ' + p,
    'Content-Type': 'application/json'}, body: JSON.stringify({password: p})})
  .then(r => r.json()).then(() => { document.getElementById('done').textContent = 'sent'; })">Send</button>
<div id="done"></div>
</body></html>"#;

fn trace_page(other: &str) -> String {
    format!(
        r#"<!doctype html><html><head><title>Trace</title></head><body><p>trace</p>
<script>
fetch('/api/ok?from=page')
  .then(() => fetch('{other}/api/ok?from=cross'))
  .then(() => {{ window.done = true; }}, (e) => {{ window.done = 'error ' + e; }});
</script></body></html>"#
    )
}

/// The main site. `other` is the origin of a second server, for
/// cross-origin requests.
pub fn site(other: String) -> impl Fn(&Seen) -> Reply + Send + Sync + 'static {
    move |req: &Seen| {
        let path = req.path.split('?').next().unwrap_or("/");
        match path {
            "/" => Reply::html(INDEX),
            "/next" => {
                Reply::html("<!doctype html><title>Next</title><p id=\"msg\">Welcome to next</p>")
            }
            "/form" => Reply::html(FORM),
            "/har" => Reply::html(HAR_PAGE),
            "/redirect" => Reply::html("").status(302).header("location", "/next"),
            "/trace" => Reply::html(trace_page(&other)),
            "/api/ok" => Reply::json(200, r#"{"status":"ok","items":[{"id":7}]}"#)
                .header("x-request-id", "r-1"),
            "/api/500" => Reply::json(500, r#"{"error":"boom"}"#),
            "/page500" => Reply::html("<p>server error</p>").status(500),
            "/hang" => Reply::hang(),
            "/favicon.ico" => Reply::html("").status(204),
            "/set-cookie" => {
                Reply::html("<p>cookie set</p>").header("set-cookie", "sid=abc; Path=/")
            }
            "/cookie" => Reply::html(format!(
                "<p id=\"c\">cookie: {}</p>",
                req.headers.get("cookie").map_or("none", String::as_str)
            )),
            _ => Reply::html("<p>not found</p>").status(404),
        }
    }
}

/// The main site and a second origin that answers `/api/ok` with CORS.
pub async fn servers() -> (Server, Server) {
    let other = Server::start(|_req: &Seen| Reply::json(200, r#"{"status":"other"}"#)).await;
    let main = Server::start(site(other.origin.clone())).await;
    (main, other)
}
