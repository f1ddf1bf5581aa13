//! Entity linking: which SLO, journey, step, service, region and release a
//! question's words name, with typo tolerance and synonyms taken from names,
//! tags and region nicknames.

use std::collections::BTreeSet;

use crate::catalog::{Catalog, Kind, region_nicknames};
use crate::text::{fuzzy_eq, stem};
use crate::words::{CONCEPTS, EXACT_ONLY, FAIL_WORDS, GENERIC, SLOW_WORDS};

/// What a linked name is.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Target {
    Slo(String),
    Journey(String),
    Service(String),
    Region(String),
    /// A continent word: every known region there.
    Continent(Vec<String>),
    Release(String),
}

/// What the question's words name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Linked {
    /// SLOs named outright.
    pub slo: Option<String>,
    /// The journey.
    pub journey: Option<String>,
    /// A step of the journey.
    pub step: Option<String>,
    /// The service.
    pub service: Option<String>,
    /// Regions, in the order named.
    pub regions: Vec<String>,
    /// A release, `service@version`.
    pub release: Option<String>,
    /// Whether the words speak of speed, of failures, or of neither (an
    /// SLO named outright gives its own kind).
    pub kind: Option<Kind>,
    /// Whether the question's own words speak of speed or failures.
    pub trouble_said: bool,
    /// Names that look like a region or version the store does not know.
    pub unknown: Vec<String>,
    /// A continent word with several regions: the choices.
    pub ambiguous_regions: Vec<String>,
}

fn aliases(cat: &Catalog) -> Vec<(String, Target)> {
    let mut out: Vec<(String, Target)> = Vec::new();
    let services: BTreeSet<&str> = cat.services.iter().map(String::as_str).collect();
    for s in &cat.slos {
        out.push((s.name.to_lowercase(), Target::Slo(s.name.clone())));
    }
    // A word two journeys answer to ("checkout") means the measured one
    // (with SLOs) first, and among those the one named for it (names before
    // tags and concept words). The catalogue lists journeys with SLOs first.
    let mut js: Vec<(u8, u8, String, Target)> = Vec::new();
    for j in &cat.journeys {
        let rank = u8::from(!cat.slos.iter().any(|s| s.journey == j.name));
        let t = Target::Journey(j.name.clone());
        js.push((rank, 0, j.name.to_lowercase(), t.clone()));
        let name_words: BTreeSet<String> = j
            .name
            .to_lowercase()
            .split(['-', '_', ' '])
            .filter(|w| !GENERIC.contains(w) && !services.contains(w))
            .map(str::to_owned)
            .collect();
        let mut words: BTreeSet<String> = j.tags.iter().map(|t| t.to_lowercase()).collect();
        words.retain(|w| !GENERIC.contains(&w.as_str()) && !services.contains(w.as_str()));
        words.extend(name_words.iter().cloned());
        for group in CONCEPTS {
            if group.iter().any(|g| words.contains(*g)) {
                words.extend(group.iter().map(|g| (*g).to_owned()));
            }
        }
        for w in words.into_iter().filter(|w| w.len() > 2) {
            let pass = u8::from(!name_words.contains(&w));
            js.push((rank, pass, w, t.clone()));
        }
    }
    js.sort_by_key(|(rank, pass, _, _)| (*rank, *pass));
    out.extend(js.into_iter().map(|(_, _, a, t)| (a, t)));
    for s in &cat.services {
        out.push((s.to_lowercase(), Target::Service(s.clone())));
    }
    let mut continents: Vec<(&str, Vec<String>)> = Vec::new();
    for r in &cat.regions {
        let t = Target::Region(r.clone());
        let lower = r.to_lowercase();
        out.push((lower.clone(), t.clone()));
        let parts: Vec<&str> = lower.split('-').collect();
        if parts.len() == 3 && parts[2].chars().all(|c| c.is_ascii_digit()) {
            out.push((format!("{}-{}", parts[0], parts[1]), t.clone()));
            out.push((format!("{}{}{}", parts[0], parts[1], parts[2]), t.clone()));
            let short = format!("{}{}{}", parts[0], &parts[1][..1], parts[2]);
            out.push((short, t.clone()));
        }
        let (cities, continent) = region_nicknames(&lower);
        for c in cities {
            out.push(((*c).to_owned(), t.clone()));
        }
        if let Some(c) = continent {
            match continents.iter_mut().find(|(k, _)| *k == c) {
                Some((_, v)) => v.push(r.clone()),
                None => continents.push((c, vec![r.clone()])),
            }
        }
        if let Some(prefix) = parts.first().filter(|p| **p != "us") {
            let word: &'static str = match *prefix {
                "eu" => "eu",
                "ap" => "apac",
                _ => continue,
            };
            match continents.iter_mut().find(|(k, _)| *k == word) {
                Some((_, v)) => v.push(r.clone()),
                None => continents.push((word, vec![r.clone()])),
            }
        }
    }
    for (word, regions) in continents {
        let t = Target::Continent(regions);
        out.push((word.to_owned(), t.clone()));
        if word == "asia" {
            out.push(("asian".into(), t.clone()));
        }
        if word == "europe" {
            out.push(("european".into(), t.clone()));
            out.push(("emea".into(), t));
        }
    }
    for r in &cat.releases {
        let t = Target::Release(r.id());
        out.push((r.id().to_lowercase(), t.clone()));
        out.push((format!("{}@v{}", r.service, r.version).to_lowercase(), t));
    }
    out
}

fn looks_like_region(t: &str) -> bool {
    let p: Vec<&str> = t.split('-').collect();
    p.len() == 3
        && p[0].len() == 2
        && p[1].chars().all(|c| c.is_ascii_alphabetic())
        && p[2].chars().all(|c| c.is_ascii_digit())
        && !p[2].is_empty()
}

fn looks_like_version(t: &str) -> Option<&str> {
    let v = t.strip_prefix('v').unwrap_or(t);
    let parts: Vec<&str> = v.split('.').collect();
    (parts.len() >= 2
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit())))
    .then_some(v)
}

/// Finds what the question's tokens name in `cat`.
pub fn link(tokens: &[String], cat: &Catalog) -> Linked {
    let table = aliases(cat);
    let mut out = Linked::default();
    let mut used = vec![false; tokens.len()];
    let mut hits: Vec<Target> = Vec::new();
    // Longest n-grams first, joined with '-' and with nothing, so "sign in",
    // "us east 1" and "eu west" meet "signin", "us-east-1" and "eu-west".
    for n in (1..=3).rev() {
        for i in 0..tokens.len().saturating_sub(n - 1) {
            if used[i..i + n].iter().any(|u| *u) {
                continue;
            }
            let parts = &tokens[i..i + n];
            let forms = [parts.join("-"), parts.join("")];
            let exact = table.iter().find(|(a, _)| forms.iter().any(|f| f == a));
            let found = exact.or_else(|| {
                if n == 1 && EXACT_ONLY.contains(&parts[0].as_str()) {
                    return None;
                }
                let f = &forms[0];
                if f.len() < 4 {
                    return None;
                }
                table
                    .iter()
                    .filter(|(a, _)| a.len() >= 4 && fuzzy_eq(f, a))
                    .min_by_key(|(a, _)| crate::text::edit_distance(f, a))
            });
            if let Some((_, t)) = found {
                // "us" alone is a pronoun; it is a region only as "the us" or "us region".
                hits.push(t.clone());
                used[i..i + n].iter_mut().for_each(|u| *u = true);
            }
        }
    }
    // "the us", "in the us", "us region(s)": the United States.
    for (i, t) in tokens.iter().enumerate() {
        if t == "us"
            && !used[i]
            && (i > 0 && matches!(tokens[i - 1].as_str(), "the" | "is" | "in")
                || tokens.get(i + 1).is_some_and(|n| n.starts_with("region")))
        {
            let us: Vec<String> = cat
                .regions
                .iter()
                .filter(|r| r.starts_with("us-"))
                .cloned()
                .collect();
            if !us.is_empty() {
                hits.push(Target::Continent(us));
                used[i] = true;
            }
        }
    }
    for (i, t) in tokens.iter().enumerate() {
        if used[i] {
            continue;
        }
        if looks_like_region(t) {
            out.unknown.push(t.clone());
        } else if let Some(v) = looks_like_version(t) {
            let service_named = hits.iter().find_map(|h| match h {
                Target::Service(s) => Some(s.clone()),
                _ => None,
            });
            let m = cat
                .releases
                .iter()
                .filter(|r| r.version == v)
                .find(|r| service_named.as_ref().is_none_or(|s| *s == r.service))
                .or_else(|| cat.releases.iter().find(|r| r.version == v));
            match m {
                Some(r) => hits.push(Target::Release(r.id())),
                None => out.unknown.push(t.clone()),
            }
        }
    }
    // Sort hits back into the question's order is not needed except for regions.
    for h in hits {
        match h {
            Target::Slo(s) => {
                if out.slo.is_none() {
                    out.journey = cat.slo(&s).map(|x| x.journey.clone());
                    out.slo = Some(s);
                }
            }
            Target::Journey(j) => {
                if out.journey.is_none() {
                    out.journey = Some(j);
                }
            }
            Target::Service(s) => {
                if out.service.is_none() {
                    out.service = Some(s);
                }
            }
            Target::Region(r) => {
                if !out.regions.contains(&r) {
                    out.regions.push(r);
                }
            }
            Target::Continent(rs) => {
                if rs.len() == 1 {
                    if !out.regions.contains(&rs[0]) {
                        out.regions.push(rs[0].clone());
                    }
                } else {
                    out.ambiguous_regions = rs;
                }
            }
            Target::Release(r) => {
                if out.release.is_none() {
                    if out.service.is_none() {
                        out.service = r.split('@').next().map(str::to_owned);
                    }
                    out.release = Some(r);
                }
            }
        }
    }
    order_regions(tokens, &mut out.regions, cat);
    // "error budget" is a budget, not errors.
    let has = |words: &[&str]| {
        tokens.iter().enumerate().any(|(i, t)| {
            words.contains(&t.as_str())
                && !(t == "error" && tokens.get(i + 1).is_some_and(|n| n.starts_with("budget")))
        })
    };
    let slow = has(SLOW_WORDS);
    let fail = has(FAIL_WORDS)
        || tokens.windows(2).any(|w| {
            (w[0] == "not" && w[1].starts_with("work")) || (w[0] == "can" && w[1] == "not")
        });
    let slow = slow
        || tokens
            .windows(2)
            .any(|w| matches!(w[0].as_str(), "so" | "too" | "very") && w[1] == "long");
    out.kind = match (slow, fail) {
        (true, false) => Some(Kind::Latency),
        (false, true) => Some(Kind::Availability),
        _ => None,
    };
    out.trouble_said = out.kind.is_some();
    if let Some(slo) = out.slo.as_ref().and_then(|s| cat.slo(s)) {
        out.kind = Some(slo.kind);
    }
    if let Some(j) = &out.journey {
        out.step = step_of(tokens, cat, j);
    }
    out
}

/// Regions in the order the question names them.
fn order_regions(tokens: &[String], regions: &mut [String], cat: &Catalog) {
    let pos = |r: &String| {
        let lower = r.to_lowercase();
        let head: String = lower.split('-').take(2).collect::<Vec<_>>().join("");
        tokens
            .iter()
            .position(|t| {
                let t = t.replace('-', "");
                t.starts_with(&head) || lower.replace('-', "").starts_with(&t) && t.len() > 2
            })
            .unwrap_or_else(|| {
                let (cities, _) = region_nicknames(&lower);
                tokens
                    .iter()
                    .position(|t| cities.contains(&t.as_str()))
                    .unwrap_or(usize::MAX)
            })
    };
    let _ = cat;
    regions.sort_by_key(pos);
}

/// The step of `journey` whose title's content words all appear in the question.
fn step_of(tokens: &[String], cat: &Catalog, journey: &str) -> Option<String> {
    let j = cat.journeys.iter().find(|j| j.name == journey)?;
    let words: BTreeSet<String> = tokens.iter().map(|t| stem(t)).collect();
    j.steps
        .iter()
        .filter(|title| {
            let content: Vec<String> = crate::text::tokens(title)
                .iter()
                .filter(|w| w.len() > 2 && !GENERIC.contains(&w.as_str()))
                .map(|w| stem(w))
                .collect();
            content.len() >= 2 && content.iter().all(|w| words.contains(w))
        })
        .max_by_key(|t| t.len())
        .cloned()
}
