//! Starts the demo shop on loopback inside the test process and drives it over
//! real HTTP, as a browser or a journey would.

mod browser;
mod deploy;
mod faults;
mod otlp;
mod pages;
mod scenario;
mod trace;

use std::time::Duration;

use reqwest::header::{COOKIE, LOCATION, SET_COOKIE};
use sightline_demo_shop::{ShopConfig, ShopHandle};

/// `application/x-www-form-urlencoded` bodies (reqwest's `form` needs a feature the workspace leaves off).
pub trait FormExt {
    /// Sends `pairs` as a form body.
    fn form_pairs(self, pairs: &[(&str, &str)]) -> Self;
}

impl FormExt for reqwest::RequestBuilder {
    fn form_pairs(self, pairs: &[(&str, &str)]) -> Self {
        let enc = |s: &str| {
            s.bytes()
                .map(|b| match b {
                    b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                        (b as char).to_string()
                    }
                    _ => format!("%{b:02X}"),
                })
                .collect::<String>()
        };
        let body = pairs
            .iter()
            .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
            .collect::<Vec<_>>()
            .join("&");
        self.header(
            reqwest::header::CONTENT_TYPE,
            "application/x-www-form-urlencoded",
        )
        .body(body)
    }
}

/// A shop with `regions` and a 1 s call timeout, so timeouts are quick to provoke.
pub async fn shop(regions: &[&str]) -> ShopHandle {
    shop_with(regions, |_| {}).await
}

/// A shop with `regions`, after `tweak` has adjusted the config.
pub async fn shop_with(regions: &[&str], tweak: impl FnOnce(&mut ShopConfig)) -> ShopHandle {
    let mut config = ShopConfig {
        regions: regions.iter().map(|r| (*r).to_owned()).collect(),
        call_timeout: Duration::from_secs(1),
        ..ShopConfig::default()
    };
    tweak(&mut config);
    sightline_demo_shop::start(config)
        .await
        .expect("shop starts")
}

/// A client that does not follow redirects, so tests see them.
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(15))
        .build()
        .unwrap()
}

/// GETs `url` and decodes its JSON answer.
pub async fn get_json<T: serde::de::DeserializeOwned>(url: impl reqwest::IntoUrl) -> T {
    client()
        .get(url)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

/// Signs `email` in through the login form and returns its `Cookie` header value.
pub async fn login(c: &reqwest::Client, base: &str, email: &str) -> String {
    let r = c
        .post(format!("{base}/login"))
        .form_pairs(&[
            ("email", email),
            ("password", "sightline-demo"),
            ("next", "/account"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303, "login of {email} should redirect");
    let cookie = r.headers()[SET_COOKIE].to_str().unwrap();
    cookie.split(';').next().unwrap().to_owned()
}

/// Adds socks to the cart and posts the checkout form; returns the checkout response.
pub async fn checkout(c: &reqwest::Client, base: &str, cookie: &str) -> reqwest::Response {
    let r = c
        .post(format!("{base}/cart/add"))
        .header(COOKIE, cookie)
        .form_pairs(&[("sku", "SOCK-1"), ("quantity", "2")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303, "add to cart");
    c.post(format!("{base}/checkout"))
        .header(COOKIE, cookie)
        .send()
        .await
        .unwrap()
}

/// The redirect target of a response.
pub fn location(r: &reqwest::Response) -> &str {
    r.headers()
        .get(LOCATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
}

/// POSTs JSON to the admin API and returns the parsed answer.
pub async fn admin_post(
    shop: &ShopHandle,
    path: &str,
    body: serde_json::Value,
) -> serde_json::Value {
    let r = client()
        .post(format!("{}{path}", shop.admin_url()))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success(), "{path}: {}", r.status());
    r.json().await.unwrap()
}

/// Sightline's own OTLP and deploy-event receiver, for real, on loopback.
pub struct Receiver {
    ingest: sightline_telemetry::Ingest,
    stop: tokio::sync::oneshot::Sender<()>,
    task: tokio::task::JoinHandle<()>,
}

impl Receiver {
    /// Stops serving and waits until everything received is stored.
    pub async fn stop(self) {
        let _ = self.stop.send(());
        let _ = self.task.await;
        let ingest = self.ingest;
        tokio::task::spawn_blocking(move || ingest.shutdown())
            .await
            .unwrap();
    }
}

/// Starts a receiver writing to the database at `db`; returns its base URL.
pub async fn receiver(db: &std::path::Path) -> (String, Receiver) {
    use sightline_telemetry::{Ingest, IngestConfig, OtlpConfig, OtlpState};
    let ingest = Ingest::start(
        sightline_store::Store::open(db).unwrap(),
        IngestConfig::default(),
    );
    let state = OtlpState::new(ingest.clone(), OtlpConfig::default());
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", l.local_addr().unwrap());
    let (stop, rx) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        sightline_telemetry::serve_http(l, state, async move {
            let _ = rx.await;
        })
        .await
        .unwrap();
    });
    (url, Receiver { ingest, stop, task })
}
