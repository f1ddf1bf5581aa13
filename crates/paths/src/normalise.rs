//! Route normalisation: raw paths to explainable route templates.
//!
//! Two passes. First each segment is looked at alone: numbers, UUIDs, hex
//! hashes, long tokens, dates and e-mail addresses become `{id}`, `{uuid}`,
//! `{hash}`, `{token}`, `{date}` and `{email}` ([`segment_token`]). Then the
//! paths are put in a prefix tree, and a position whose values are many and
//! evenly spread becomes a parameter named after the segment before it
//! (`/users/alice/orders` → `/users/{user}/orders`). "Many and evenly
//! spread" is [`MIN_DISTINCT`] values or more with none above
//! [`MAX_TOP_SHARE`] of the hits, and the values looking like values
//! (digits, capitals, dots) rather than words, or sharing what follows them
//! (`…/orders` after most of them), or being very many ([`MANY`]). Words
//! such as `/api/orders` and `/api/users` stay apart.
//!
//! A route the source already knows (OpenTelemetry's `http.route`) wins.
//! Static assets, health checks and `robots.txt` are set aside
//! ([`classify`]) before any of this.

use std::collections::BTreeMap;

/// Fewest distinct values at one position before it can be a parameter.
pub const MIN_DISTINCT: usize = 8;
/// Largest share of a position's hits one value may have for it to be a parameter.
pub const MAX_TOP_SHARE: f64 = 0.3;
/// So many distinct values that the position is a parameter whatever they look like.
pub const MANY: usize = 40;

/// What a path is, before routes are considered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PathKind {
    /// A page or API call: part of a user path.
    Page,
    /// A static asset (`.css`, `.js`, images, fonts, `/static/...`).
    Asset,
    /// A health or readiness check, or a metrics scrape.
    Health,
    /// `/robots.txt`, which crawlers read and people do not.
    Robots,
}

const ASSET_EXTENSIONS: [&str; 22] = [
    "css", "js", "mjs", "map", "png", "jpg", "jpeg", "gif", "svg", "ico", "webp", "avif", "woff",
    "woff2", "ttf", "otf", "eot", "mp4", "webm", "mp3", "gz", "wasm",
];
const ASSET_PREFIXES: [&str; 5] = ["/static/", "/assets/", "/_next/static/", "/dist/", "/img/"];
const HEALTH: [&str; 9] = [
    "health", "healthz", "livez", "readyz", "ready", "live", "ping", "metrics", "status",
];

/// Sorts a path into page, asset, health check or robots.txt.
pub fn classify(path: &str) -> PathKind {
    if path == "/robots.txt" {
        return PathKind::Robots;
    }
    let last = path.rsplit('/').next().unwrap_or("");
    if let Some((_, ext)) = last.rsplit_once('.')
        && ASSET_EXTENSIONS.contains(&ext.to_ascii_lowercase().as_str())
    {
        return PathKind::Asset;
    }
    if ASSET_PREFIXES.iter().any(|p| path.starts_with(p)) {
        return PathKind::Asset;
    }
    let trimmed = path.trim_end_matches('/');
    if HEALTH.contains(&last) && trimmed.matches('/').count() <= 2 {
        return PathKind::Health;
    }
    PathKind::Page
}

fn is_hex(s: &str) -> bool {
    s.bytes().all(|c| c.is_ascii_hexdigit())
}

fn is_uuid(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 36 && [8, 13, 18, 23].iter().all(|&i| b[i] == b'-') && s.split('-').all(is_hex)
}

fn is_date(s: &str) -> bool {
    let digits = |t: &str| !t.is_empty() && t.bytes().all(|c| c.is_ascii_digit());
    let parts: Vec<&str> = s.split('-').collect();
    let (y, m, d) = match parts.as_slice() {
        [y, m, d] if y.len() == 4 && m.len() == 2 && d.len() == 2 => (*y, *m, *d),
        [one] if one.len() == 8 && digits(one) => (&one[..4], &one[4..6], &one[6..]),
        _ => return false,
    };
    if !(digits(y) && digits(m) && digits(d)) {
        return false;
    }
    let (y, m, d): (u32, u32, u32) = (
        y.parse().unwrap_or(0),
        m.parse().unwrap_or(0),
        d.parse().unwrap_or(0),
    );
    (1900..2200).contains(&y) && (1..=12).contains(&m) && (1..=31).contains(&d)
}

/// The placeholder for a segment that is a value on its own, if it is one.
pub fn segment_token(seg: &str) -> Option<&'static str> {
    if seg.is_empty() {
        return None;
    }
    if is_uuid(seg) {
        return Some("{uuid}");
    }
    if is_date(seg) {
        return Some("{date}");
    }
    let digits = seg.bytes().filter(u8::is_ascii_digit).count();
    if digits == seg.len() {
        return Some("{id}");
    }
    if let Some((user, domain)) = seg.split_once('@')
        && !user.is_empty()
        && domain.contains('.')
    {
        return Some("{email}");
    }
    if seg.len() >= 16 && is_hex(seg) && digits > 0 {
        return Some("{hash}");
    }
    // `123-some-title`: an id with a slug.
    if let Some((head, _)) = seg.split_once('-')
        && !head.is_empty()
        && head.bytes().all(|c| c.is_ascii_digit())
    {
        return Some("{id}");
    }
    let letters = seg.bytes().filter(u8::is_ascii_alphabetic).count();
    if seg.len() >= 20 && digits >= 2 && letters >= 2 {
        return Some("{token}");
    }
    None
}

fn is_placeholder(seg: &str) -> bool {
    seg.starts_with('{') && seg.ends_with('}')
}

/// Looks like a value (`SOCK-1`, `alice.smith`, `v2_x`) rather than a word (`orders`).
fn value_like(seg: &str) -> bool {
    !seg.bytes().all(|c| c.is_ascii_lowercase() || c == b'-')
}

/// `products` → `product`, `categories` → `category`; otherwise `param`.
fn parameter_name(prev: Option<&str>) -> String {
    let Some(p) = prev.filter(|p| !is_placeholder(p) && p.bytes().all(|c| c.is_ascii_alphabetic()))
    else {
        return "{param}".to_owned();
    };
    let p = p.to_ascii_lowercase();
    let singular = if let Some(stem) = p.strip_suffix("ies") {
        format!("{stem}y")
    } else if p.ends_with("ss") {
        p
    } else if let Some(stem) = p.strip_suffix('s') {
        stem.to_owned()
    } else {
        p
    };
    format!("{{{singular}}}")
}

#[derive(Debug, Default, Clone)]
struct Node {
    hits: usize,
    children: BTreeMap<String, Node>,
}

impl Node {
    fn absorb(&mut self, other: Node) {
        self.hits += other.hits;
        for (k, v) in other.children {
            self.children.entry(k).or_default().absorb(v);
        }
    }
}

fn segments(path: &str) -> impl Iterator<Item = String> + '_ {
    path.split('/')
        .filter(|s| !s.is_empty())
        .map(|s| segment_token(s).map_or_else(|| s.to_owned(), str::to_owned))
}

/// A learned set of route templates: build it from every path once
/// ([`Normaliser::learn`]), then map each path ([`Normaliser::route`]).
#[derive(Debug, Default, Clone)]
pub struct Normaliser {
    root: Node,
}

impl Normaliser {
    /// Learns the parameter positions from `paths` (pages only: give it
    /// what [`classify`] calls [`PathKind::Page`]).
    pub fn learn<'a>(paths: impl IntoIterator<Item = &'a str>) -> Self {
        let mut root = Node::default();
        for p in paths {
            let mut node = &mut root;
            node.hits += 1;
            for seg in segments(p) {
                node = node.children.entry(seg).or_default();
                node.hits += 1;
            }
        }
        merge(&mut root, None);
        Normaliser { root }
    }

    /// The route template of `path` (query string already removed).
    pub fn route(&self, path: &str) -> String {
        let mut out = String::with_capacity(path.len());
        let mut node = Some(&self.root);
        for seg in segments(path) {
            let next = node.and_then(|n| {
                n.children.get(&seg).map(|c| (seg.clone(), c)).or_else(|| {
                    n.children
                        .iter()
                        .find(|(k, _)| is_placeholder(k))
                        .map(|(k, c)| (k.clone(), c))
                })
            });
            out.push('/');
            match next {
                Some((name, child)) => {
                    out.push_str(&name);
                    node = Some(child);
                }
                None => {
                    out.push_str(&seg);
                    node = None;
                }
            }
        }
        if out.is_empty() {
            out.push('/');
        }
        out
    }
}

/// Merges the children of `node` into one parameter when they qualify,
/// then does the same below.
fn merge(node: &mut Node, prev: Option<&str>) {
    let literals: Vec<&String> = node
        .children
        .keys()
        .filter(|k| !is_placeholder(k))
        .collect();
    if literals.len() >= MIN_DISTINCT {
        let total: usize = literals.iter().map(|k| node.children[*k].hits).sum();
        let top = literals
            .iter()
            .map(|k| node.children[*k].hits)
            .max()
            .unwrap_or(0);
        let spread = total > 0 && (top as f64) <= MAX_TOP_SHARE * total as f64;
        let values = literals.iter().filter(|k| value_like(k)).count() * 2 >= literals.len();
        if spread && (values || literals.len() >= MANY || shared_tail(node, &literals)) {
            let name = parameter_name(prev);
            let keys: Vec<String> = literals.iter().map(|k| (*k).clone()).collect();
            let mut merged = node.children.remove(&name).unwrap_or_default();
            for k in keys {
                if let Some(child) = node.children.remove(&k) {
                    merged.absorb(child);
                }
            }
            node.children.insert(name, merged);
        }
    }
    let keys: Vec<String> = node.children.keys().cloned().collect();
    for k in keys {
        if let Some(child) = node.children.get_mut(&k) {
            merge(child, Some(&k));
        }
    }
}

/// Whether most of the values that go on share a literal next segment
/// (`alice/orders`, `bob/orders`): the sign of a parameter in the middle.
fn shared_tail(node: &Node, literals: &[&String]) -> bool {
    let with_children: Vec<&Node> = literals
        .iter()
        .map(|k| &node.children[*k])
        .filter(|c| !c.children.is_empty())
        .collect();
    if with_children.len() < 3 {
        return false;
    }
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for c in &with_children {
        for k in c.children.keys().filter(|k| !is_placeholder(k)) {
            *counts.entry(k.as_str()).or_default() += 1;
        }
    }
    counts.values().any(|&n| n * 2 >= with_children.len())
}
