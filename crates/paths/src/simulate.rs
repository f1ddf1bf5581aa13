//! Labelled traffic for proving discovery: simulated users of a shop,
//! written as the Combined log lines nginx would write for them, with the
//! truth (which journey each session was) beside it.
//!
//! Deterministic from a seed (SplitMix64, no clock): the same seed and mix
//! give the same bytes. The users follow several true journeys with
//! variations (optional steps, detours, retries, abandonment, 5xx on the
//! key step), browse at random (noise), or are bots: a crawler with a bot
//! user agent, one that reads `robots.txt`, a fast scraper and a slow one
//! that loads no assets. Browsers load a stylesheet, a script and images
//! with each page. Each session has its own client address, so the truth
//! is keyed by address.

use std::fmt::Write as _;

/// A small deterministic generator (SplitMix64).
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// Seeded.
    pub fn new(seed: u64) -> Self {
        Rng(seed ^ 0x9e37_79b9_7f4a_7c15)
    }
    /// Next 64 bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    /// Uniform in [0, 1).
    pub fn f(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
    /// Uniform in [0, n).
    pub fn below(&mut self, n: usize) -> usize {
        (self.f() * n as f64) as usize % n.max(1)
    }
    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        self.f() < p
    }
    /// An index of `shares` (which sum to 1), drawn with those weights; the
    /// last when rounding leaves the draw past them all.
    pub fn share(&mut self, shares: &[f64]) -> usize {
        let mut u = self.f();
        for (i, s) in shares.iter().enumerate() {
            if u < *s {
                return i;
            }
            u -= s;
        }
        shares.len().saturating_sub(1)
    }
    /// One of `items`, uniformly (which must not be empty).
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// The mix of simulated traffic.
#[derive(Debug, Clone, PartialEq)]
pub struct Mix {
    /// Human sessions with a journey or random browsing.
    pub sessions: usize,
    /// Share of human sessions that browse at random.
    pub noise: f64,
    /// Bot sessions on top of the human ones, as a share of them.
    pub bots: f64,
    /// Share of journey sessions that give up part way.
    pub abandon: f64,
    /// Chance of a detour (an unrelated page) at each step.
    pub detour: f64,
    /// Seed.
    pub seed: u64,
    /// First session start, Unix ms.
    pub start_ms: i64,
}

impl Default for Mix {
    fn default() -> Self {
        Mix {
            sessions: 2000,
            noise: 0.1,
            bots: 0.05,
            abandon: 0.15,
            detour: 0.08,
            seed: 42,
            // 2026-03-02T09:00:00Z
            start_ms: 1_772_442_000_000,
        }
    }
}

/// The true journeys, by name.
pub const JOURNEYS: [&str; 7] = [
    "browse",
    "checkout",
    "account",
    "signup",
    "support",
    "api-orders",
    "profile",
];
const JOURNEY_SHARE: [f64; 7] = [0.26, 0.2, 0.14, 0.08, 0.1, 0.12, 0.1];

const SKUS: [&str; 24] = [
    "SOCK-1", "SOCK-2", "SOCK-3", "MUG-1", "MUG-2", "MUG-7", "HAT-3", "HAT-4", "TEE-10", "TEE-11",
    "TEE-12", "BAG-5", "BAG-6", "PEN-2", "PEN-9", "CAP-1", "CAP-8", "SCARF-2", "GLOVE-4",
    "BOOK-13", "BOOK-21", "LAMP-3", "DESK-1", "CHAIR-6",
];
const USERS: [&str; 20] = [
    "alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy", "mallory",
    "niaj", "olivia", "peggy", "rupert", "sybil", "trent", "victor", "walter", "yolanda",
];
const CATEGORIES: [&str; 5] = ["socks", "mugs", "hats", "bags", "books"];
const QUERIES: [&str; 8] = [
    "red", "wool", "gift", "blue", "cotton", "large", "sale", "new",
];
const BROWSER_UAS: [&str; 4] = [
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_2) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Safari/605.1.15",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148",
];

/// One simulated request.
#[derive(Debug, Clone, PartialEq)]
struct Req {
    method: &'static str,
    path: String,
    status: u16,
    ms: f64,
}

fn get(path: impl Into<String>) -> Req {
    Req {
        method: "GET",
        path: path.into(),
        status: 200,
        ms: 0.0,
    }
}

fn post(path: impl Into<String>) -> Req {
    Req {
        method: "POST",
        path: path.into(),
        status: 200,
        ms: 0.0,
    }
}

fn uuid(r: &mut Rng) -> String {
    let a = r.next_u64();
    let b = r.next_u64();
    format!(
        "{:08x}-{:04x}-4{:03x}-a{:03x}-{:012x}",
        a >> 32,
        (a >> 16) & 0xffff,
        a & 0xfff,
        b >> 52,
        b & 0xffff_ffff_ffff
    )
}

fn random_page(r: &mut Rng) -> Req {
    match r.below(7) {
        0 => get("/"),
        1 => get(format!("/search?q={}", r.pick(&QUERIES))),
        2 => get(format!("/products/{}", r.pick(&SKUS))),
        3 => get(format!("/categories/{}", r.pick(&CATEGORIES))),
        4 => get(format!("/help/articles/{}", 100 + r.below(60))),
        5 => get(format!("/users/{}", r.pick(&USERS))),
        _ => get("/about"),
    }
}

/// The steps of one journey, with its optional variations.
fn journey(kind: usize, r: &mut Rng) -> Vec<Req> {
    let sku = *r.pick(&SKUS);
    let order = 10_000 + r.below(90_000);
    let mut v = Vec::new();
    match kind {
        0 => {
            v.push(get("/"));
            if r.chance(0.5) {
                v.push(get(format!("/categories/{}", r.pick(&CATEGORIES))));
            }
            v.push(get(format!("/search?q={}", r.pick(&QUERIES))));
            v.push(get(format!("/products/{sku}")));
            v.push(get(format!("/products/{sku}/reviews")));
        }
        1 => {
            v.push(get("/"));
            v.push(get(format!("/products/{sku}")));
            v.push(post("/cart"));
            v.push(get("/cart"));
            v.push(get("/checkout"));
            v.push(post("/checkout"));
            v.push(get(format!("/orders/{order}/confirmation")));
        }
        2 => {
            v.push(get("/login"));
            v.push(post("/login"));
            v.push(get("/account"));
            v.push(get("/account/orders"));
            v.push(get(format!("/account/orders/{order}")));
        }
        3 => {
            v.push(get("/signup"));
            v.push(post("/signup"));
            v.push(get("/welcome"));
            v.push(get("/account/settings"));
            v.push(post("/account/settings"));
        }
        4 => {
            v.push(get("/help"));
            v.push(get(format!("/help/articles/{}", 100 + r.below(60))));
            v.push(get("/support/tickets/new"));
            v.push(post("/support/tickets"));
            v.push(get(format!("/support/tickets/{}", uuid(r))));
        }
        5 => {
            let id = uuid(r);
            v.push(post("/api/v1/orders"));
            v.push(get(format!("/api/v1/orders/{id}")));
            v.push(get(format!("/api/v1/orders/{id}/status")));
            v.push(get(format!("/api/v1/orders/{id}/invoice")));
        }
        _ => {
            let user = *r.pick(&USERS);
            v.push(get(format!("/users/{user}")));
            v.push(get(format!("/users/{user}/orders")));
            v.push(get(format!("/users/{user}/wishlist")));
            v.push(post(format!("/users/{user}/wishlist")));
        }
    }
    v
}

/// The key step of each journey (where faults are injected), by index.
const KEY_STEP: [usize; 7] = [3, 5, 1, 1, 3, 0, 3];
/// Chance of a 5xx on the key step, per journey.
const FAULT: [f64; 7] = [0.01, 0.06, 0.02, 0.01, 0.03, 0.02, 0.0];

/// What [`generate`] wrote.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Generated {
    /// Combined log lines, in time order, each ending in `\n`.
    pub log: String,
    /// `client,label` lines (label: a journey, `noise` or `bot`).
    pub truth: String,
    /// Lines written.
    pub lines: usize,
}

struct Line {
    at_ms: i64,
    text: String,
}

fn clf_time(ms: i64) -> String {
    let secs = ms.div_euclid(1000);
    let days = secs.div_euclid(86_400);
    let tod = secs.rem_euclid(86_400);
    // Days to civil date (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    format!(
        "{d:02}/{}/{y}:{:02}:{:02}:{:02} +0000",
        MONTHS[(m - 1) as usize],
        tod / 3600,
        (tod / 60) % 60,
        tod % 60
    )
}

fn emit(out: &mut Vec<Line>, ip: &str, ua: &str, at_ms: i64, q: &Req) {
    let mut text = String::with_capacity(200);
    let _ = writeln!(
        text,
        "{ip} - - [{}] \"{} {} HTTP/1.1\" {} {} \"-\" \"{ua}\" {:.3}",
        clf_time(at_ms),
        q.method,
        q.path,
        q.status,
        200 + (at_ms % 5000),
        q.ms / 1000.0
    );
    out.push(Line { at_ms, text });
}

/// Simulates one browser session: pages with their assets, think time between.
fn play(
    out: &mut Vec<Line>,
    r: &mut Rng,
    ip: &str,
    ua: &str,
    mut t: i64,
    reqs: &[Req],
    assets: bool,
) {
    for q in reqs {
        emit(out, ip, ua, t, q);
        if assets && q.method == "GET" && !q.path.starts_with("/api/") {
            emit(
                out,
                ip,
                ua,
                t + 40,
                &Req {
                    ms: 3.0,
                    ..get("/static/app.css")
                },
            );
            emit(
                out,
                ip,
                ua,
                t + 45,
                &Req {
                    ms: 4.0,
                    ..get("/static/app.js")
                },
            );
            if q.path.starts_with("/products/") {
                emit(
                    out,
                    ip,
                    ua,
                    t + 60,
                    &Req {
                        ms: 6.0,
                        ..get(format!("/img{}.png", &q.path[9..]))
                    },
                );
            }
        }
        t += 2_000 + r.below(25_000) as i64;
    }
}

fn durations(reqs: &mut [Req], r: &mut Rng) {
    for q in reqs {
        let base = if q.method == "POST" { 180.0 } else { 60.0 };
        // A long tail: mostly fast, sometimes ten times slower.
        let tail = if r.chance(0.04) { 10.0 } else { 1.0 };
        q.ms = base * (0.5 + r.f()) * tail;
    }
}

/// Generates the log and the truth for `mix`.
pub fn generate(mix: &Mix) -> Generated {
    let mut r = Rng::new(mix.seed);
    let mut lines: Vec<Line> = Vec::new();
    let mut truth = String::from("client,label\n");
    let day_ms = 86_400_000i64;
    let bots = (mix.sessions as f64 * mix.bots).round() as usize;
    for s in 0..mix.sessions + bots {
        let ip = format!("10.{}.{}.{}", (s >> 16) & 255, (s >> 8) & 255, s & 255);
        let start = mix.start_ms + r.below(day_ms as usize) as i64;
        if s >= mix.sessions {
            let _ = writeln!(truth, "{ip},bot");
            bot(&mut lines, &mut r, &ip, start, s % 4);
            continue;
        }
        let ua = *r.pick(&BROWSER_UAS);
        if r.chance(mix.noise) {
            let n = 2 + r.below(7);
            let mut reqs: Vec<Req> = (0..n).map(|_| random_page(&mut r)).collect();
            durations(&mut reqs, &mut r);
            let _ = writeln!(truth, "{ip},noise");
            play(&mut lines, &mut r, &ip, ua, start, &reqs, true);
            continue;
        }
        let kind = r.share(&JOURNEY_SHARE);
        let ua = if kind == 5 { "okhttp/4.12.0" } else { ua };
        let base = journey(kind, &mut r);
        let mut reqs = Vec::new();
        let mut stop = base.len();
        if r.chance(mix.abandon) {
            stop = 2 + r.below(base.len().saturating_sub(2).max(1));
        }
        for (i, q) in base.into_iter().enumerate().take(stop) {
            if i > 0 && kind != 5 && r.chance(mix.detour) {
                reqs.push(random_page(&mut r));
            }
            let mut q = q;
            if i == KEY_STEP[kind] && r.chance(FAULT[kind]) {
                q.status = 503;
                reqs.push(q.clone());
                if r.chance(0.6) {
                    break;
                }
                // A retry, which works.
                q.status = 200;
            }
            if q.method == "GET" && r.chance(0.03) {
                reqs.push(q.clone());
            }
            reqs.push(q);
        }
        durations(&mut reqs, &mut r);
        let _ = writeln!(truth, "{ip},{}", JOURNEYS[kind]);
        play(&mut lines, &mut r, &ip, ua, start, &reqs, kind != 5);
    }
    lines.sort_by(|a, b| a.at_ms.cmp(&b.at_ms).then_with(|| a.text.cmp(&b.text)));
    let mut log = String::with_capacity(lines.len() * 180);
    for l in &lines {
        log.push_str(&l.text);
    }
    Generated {
        log,
        truth,
        lines: lines.len(),
    }
}

fn bot(out: &mut Vec<Line>, r: &mut Rng, ip: &str, start: i64, kind: usize) {
    let pages: Vec<Req> = (0..25 + r.below(20))
        .map(|_| Req {
            ms: 30.0,
            ..random_page(r)
        })
        .collect();
    match kind {
        0 => {
            let ua = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)";
            play(out, r, ip, ua, start, &pages, false);
        }
        1 => {
            let ua = "Mozilla/5.0 (compatible; Sightline-test-fetch/1.0)";
            emit(out, ip, ua, start, &get("/robots.txt"));
            play(out, r, ip, ua, start + 500, &pages[..5], false);
        }
        2 => {
            let ua = BROWSER_UAS[0];
            for (i, q) in pages.iter().enumerate() {
                emit(out, ip, ua, start + i as i64 * 150, q);
            }
        }
        _ => {
            let ua = BROWSER_UAS[2];
            play(out, r, ip, ua, start, &pages, false);
        }
    }
}
