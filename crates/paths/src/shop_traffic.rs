//! Simulated users of the demo shop, as plans of real requests: which pages
//! each session asks for, in order, with the forms and JSON it sends, and
//! the truth (which journey it was). A driver outside this crate plays them
//! against a running shop over HTTP, and the shop's own access log is what
//! discovery then reads ([`crate::simulate`] writes log lines directly
//! instead, for any shape of site and any length of history).
//!
//! The journeys are the shop's: browsing from the home page, searching,
//! signing in to buy (product, cart, checkout, confirmation), checking an
//! account, and the REST API's order flow. Variations as people make them:
//! optional steps, detours to an unrelated page, reloads, and abandonment
//! part way. Random browsing is the noise; bots are a crawler with a bot
//! user agent, one that reads `robots.txt`, and a fast scraper. Each
//! session has its own client address, sent as `X-Forwarded-For`, so the
//! truth is keyed by address. Deterministic from the seed; no I/O.

use std::fmt::Write as _;

use crate::simulate::{Mix, Rng};

/// The true journeys of the shop, by name.
pub const JOURNEYS: [&str; 5] = ["browse", "search", "checkout", "account", "api-orders"];
const JOURNEY_SHARE: [f64; 5] = [0.28, 0.2, 0.24, 0.14, 0.14];

const BROWSER_UAS: [&str; 3] = [
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_2) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Safari/605.1.15",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0",
];
const API_UA: &str = "okhttp/4.12.0";

/// What a step sends as its body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Body {
    /// Nothing.
    None,
    /// `application/x-www-form-urlencoded`.
    Form(String),
    /// `application/json`.
    Json(String),
}

/// One request a session makes. A path may hold `{order}`: the `id` of the
/// JSON the session last received that had one. A driver follows redirects
/// itself, as a browser does, keeps the `sid` cookie, and sends the last
/// `token` it received as a bearer token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// `GET` or `POST`.
    pub method: &'static str,
    /// Path and query.
    pub path: String,
    /// The body.
    pub body: Body,
}

fn get(path: impl Into<String>) -> Step {
    Step {
        method: "GET",
        path: path.into(),
        body: Body::None,
    }
}

fn post(path: impl Into<String>, body: Body) -> Step {
    Step {
        method: "POST",
        path: path.into(),
        body,
    }
}

/// One simulated session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// Its client address (sent as `X-Forwarded-For`).
    pub client: String,
    /// Its user agent.
    pub user_agent: &'static str,
    /// A journey of [`JOURNEYS`], `noise` or `bot`.
    pub label: &'static str,
    /// Its requests, in order.
    pub steps: Vec<Step>,
}

/// What the shop sells and who can sign in: the plan asks for real pages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shop {
    /// Product SKUs.
    pub skus: Vec<String>,
    /// Words that find products in search.
    pub words: Vec<String>,
    /// A user without a second factor, and the password.
    pub login: (String, String),
}

fn form_escape(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(char::from(b));
            }
            b' ' => out.push('+'),
            _ => {
                let _ = write!(out, "%{b:02X}");
            }
        }
    }
    out
}

fn json_string(s: &str) -> String {
    serde_json::Value::String(s.to_owned()).to_string()
}

fn sign_in(shop: &Shop, next: &str) -> [Step; 2] {
    let (email, password) = &shop.login;
    [
        get(format!("/login?next={}", form_escape(next))),
        post(
            "/login",
            Body::Form(format!(
                "email={}&password={}&next={}",
                form_escape(email),
                form_escape(password),
                form_escape(next)
            )),
        ),
    ]
}

/// A page anyone might open at random: any of the shop's pages, an old
/// order's link, or a page that is not there (any site gets those).
fn random_page(shop: &Shop, r: &mut Rng) -> Step {
    match r.below(10) {
        0 => get("/"),
        1 => get(format!(
            "/search?q={}",
            form_escape(r.pick(&shop.words).as_str())
        )),
        2 | 3 => get(format!("/products/{}", r.pick(&shop.skus).as_str())),
        4 => get("/cart"),
        5 => get("/login"),
        6 => get("/account"),
        7 => get(format!("/orders/ord-{}", 1000 + r.below(9000))),
        8 => get("/checkout/confirmation"),
        _ => get(["/about", "/help", "/sale", "/gift-cards"][r.below(4)]),
    }
}

/// The steps of journey `kind`, with its optional steps drawn.
fn journey(kind: usize, shop: &Shop, r: &mut Rng) -> Vec<Step> {
    let sku = r.pick(&shop.skus).clone();
    let mut v = Vec::new();
    match kind {
        0 => {
            v.push(get("/"));
            v.push(get(format!("/products/{sku}")));
            if r.chance(0.5) {
                v.push(get(format!("/products/{}", r.pick(&shop.skus).as_str())));
            }
        }
        1 => {
            v.push(get(format!(
                "/search?q={}",
                form_escape(r.pick(&shop.words).as_str())
            )));
            if r.chance(0.5) {
                v.push(get(format!(
                    "/search?q={}",
                    form_escape(r.pick(&shop.words).as_str())
                )));
            }
            v.push(get(format!("/products/{sku}")));
        }
        2 => {
            v.extend(sign_in(shop, &format!("/products/{sku}")));
            v.push(post(
                "/cart/add",
                Body::Form(format!(
                    "sku={}&quantity={}",
                    form_escape(&sku),
                    1 + r.below(3)
                )),
            ));
            v.push(get("/checkout"));
            v.push(post(
                "/checkout",
                Body::Form("card=4242+4242+4242+4242".into()),
            ));
        }
        3 => {
            v.extend(sign_in(shop, "/account"));
            v.push(get("/checkout/confirmation"));
            v.push(post("/logout", Body::None));
        }
        _ => {
            let (email, password) = &shop.login;
            v.push(post(
                "/api/login",
                Body::Json(format!(
                    "{{\"email\":{},\"password\":{}}}",
                    json_string(email),
                    json_string(password)
                )),
            ));
            v.push(post(
                "/api/orders",
                Body::Json(format!(
                    "{{\"sku\":{},\"quantity\":{}}}",
                    json_string(&sku),
                    1 + r.below(3)
                )),
            ));
            for _ in 0..1 + r.below(3) {
                v.push(get("/api/orders/{order}"));
            }
        }
    }
    v
}

/// Plans every session of `mix` (its `start_ms` is unused: a driver plays
/// them now) over `shop`'s pages.
pub fn plan(mix: &Mix, shop: &Shop) -> Vec<Session> {
    let mut r = Rng::new(mix.seed);
    let bots = (mix.sessions as f64 * mix.bots).round() as usize;
    let mut out = Vec::with_capacity(mix.sessions + bots);
    for s in 0..mix.sessions + bots {
        let client = format!("10.{}.{}.{}", (s >> 16) & 255, (s >> 8) & 255, s & 255);
        if s >= mix.sessions {
            out.push(bot(shop, &mut r, client, s % 3));
            continue;
        }
        let ua = BROWSER_UAS[r.below(BROWSER_UAS.len())];
        if r.chance(mix.noise) {
            let n = 2 + r.below(5);
            let steps = (0..n).map(|_| random_page(shop, &mut r)).collect();
            out.push(Session {
                client,
                user_agent: ua,
                label: "noise",
                steps,
            });
            continue;
        }
        let kind = r.share(&JOURNEY_SHARE);
        let api = kind == 4;
        let base = journey(kind, shop, &mut r);
        let mut stop = base.len();
        if r.chance(mix.abandon) && base.len() > 2 {
            stop = 2 + r.below(base.len() - 2);
        }
        let mut steps = Vec::new();
        for (i, step) in base.into_iter().take(stop).enumerate() {
            if i > 0 && !api && r.chance(mix.detour) {
                steps.push(random_page(shop, &mut r));
            }
            // A reload.
            if step.method == "GET" && r.chance(0.03) {
                steps.push(step.clone());
            }
            steps.push(step);
        }
        out.push(Session {
            client,
            user_agent: if api { API_UA } else { ua },
            label: JOURNEYS[kind],
            steps,
        });
    }
    out
}

fn bot(shop: &Shop, r: &mut Rng, client: String, kind: usize) -> Session {
    let pages: Vec<Step> = (0..25 + r.below(20))
        .map(|_| random_page(shop, r))
        .collect();
    let (user_agent, steps) = match kind {
        0 => (
            "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
            pages,
        ),
        1 => {
            let mut steps = vec![get("/robots.txt")];
            steps.extend(pages.into_iter().take(5));
            ("Mozilla/5.0 (compatible; Sightline-test-fetch/1.0)", steps)
        }
        // A scraper with a browser's agent, found by its pace alone.
        _ => (BROWSER_UAS[0], pages),
    };
    Session {
        client,
        user_agent,
        label: "bot",
        steps,
    }
}

/// The truth file: `client,label` lines under a header, as
/// `sightline discover eval` reads it.
pub fn truth(sessions: &[Session]) -> String {
    let mut out = String::from("client,label\n");
    for s in sessions {
        let _ = writeln!(out, "{},{}", s.client, s.label);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shop() -> Shop {
        Shop {
            skus: vec!["SOCK-1".into(), "MUG-2".into()],
            words: vec!["merino".into(), "camp mug".into()],
            login: ("bob@example.com".into(), "pw&1".into()),
        }
    }

    #[test]
    fn plans_are_deterministic_labelled_and_use_the_shops_pages() {
        let mix = Mix {
            sessions: 300,
            ..Mix::default()
        };
        let a = plan(&mix, &shop());
        assert_eq!(a, plan(&mix, &shop()));
        assert_eq!(a.len(), 315, "300 people and 5% bots");
        for j in JOURNEYS {
            assert!(a.iter().any(|s| s.label == j), "{j}");
        }
        assert!(a.iter().any(|s| s.label == "noise"));
        let checkout = a.iter().find(|s| s.label == "checkout").unwrap();
        assert_eq!(checkout.steps[0].method, "GET");
        assert!(
            checkout.steps[0]
                .path
                .starts_with("/login?next=%2Fproducts%2F")
        );
        let Body::Form(form) = &checkout.steps[1].body else {
            panic!("the sign-in posts a form: {checkout:#?}");
        };
        assert!(
            form.starts_with("email=bob%40example.com&password=pw%261&next=%2Fproducts%2F"),
            "{form}"
        );
        assert!(
            a.iter()
                .filter(|s| s.label == "api-orders")
                .all(|s| s.user_agent == API_UA && s.steps[0].path == "/api/login")
        );
        let t = truth(&a);
        assert!(t.starts_with("client,label\n10.0.0.0,"));
        assert_eq!(t.lines().count(), 316);
    }
}
