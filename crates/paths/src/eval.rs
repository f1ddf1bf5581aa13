//! Scoring a clustering against truth: adjusted Rand index (Hubert & Arabie
//! 1985) and purity. Noise is a label like any other on both sides: a
//! random-browsing session left as noise is a correct answer.

use std::collections::BTreeMap;

use serde::Serialize;

/// How close a clustering is to the truth.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Agreement {
    /// Adjusted Rand index: 1 is identical, 0 is chance.
    pub ari: f64,
    /// Share of items whose cluster's majority truth label is their own.
    pub purity: f64,
    /// Items compared.
    pub items: usize,
}

fn pairs(n: u64) -> f64 {
    (n * n.saturating_sub(1)) as f64 / 2.0
}

/// Compares `predicted` with `truth`, item by item (same length, same order).
pub fn agreement<A: Ord, B: Ord>(truth: &[A], predicted: &[B]) -> Agreement {
    let n = truth.len().min(predicted.len());
    let mut table: BTreeMap<(&B, &A), u64> = BTreeMap::new();
    let mut rows: BTreeMap<&A, u64> = BTreeMap::new();
    let mut cols: BTreeMap<&B, u64> = BTreeMap::new();
    for i in 0..n {
        *table.entry((&predicted[i], &truth[i])).or_default() += 1;
        *rows.entry(&truth[i]).or_default() += 1;
        *cols.entry(&predicted[i]).or_default() += 1;
    }
    let index: f64 = table.values().map(|&c| pairs(c)).sum();
    let a: f64 = rows.values().map(|&c| pairs(c)).sum();
    let b: f64 = cols.values().map(|&c| pairs(c)).sum();
    let total = pairs(n as u64);
    let expected = if total > 0.0 { a * b / total } else { 0.0 };
    let max = (a + b) / 2.0;
    let ari = if (max - expected).abs() < f64::EPSILON {
        1.0
    } else {
        (index - expected) / (max - expected)
    };
    let mut best: BTreeMap<&B, u64> = BTreeMap::new();
    for ((p, _), &c) in &table {
        let e = best.entry(*p).or_default();
        *e = (*e).max(c);
    }
    let purity = if n == 0 {
        1.0
    } else {
        best.values().sum::<u64>() as f64 / n as f64
    };
    Agreement {
        ari,
        purity,
        items: n,
    }
}

/// How discovery did on labelled sessions.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DiscoveryScore {
    /// Over human sessions (journeys and noise); predicted noise and
    /// sessions wrongly dropped as bots are labels of their own.
    pub agreement: Agreement,
    /// Bot sessions in the truth.
    pub bots: usize,
    /// Of those, dropped.
    pub bots_dropped: usize,
    /// Human sessions dropped as bots.
    pub humans_dropped: usize,
}

/// Scores `assignments` against a `client,label` truth (label `bot` for
/// bots, `noise` for random browsing). A session's client is the address
/// in its key (`c:ADDRESS\u{1f}AGENT`).
pub fn score_truth(
    truth_csv: &str,
    assignments: &[crate::candidates::Assignment],
) -> DiscoveryScore {
    let mut predicted: BTreeMap<&str, &str> = BTreeMap::new();
    for a in assignments {
        let client = a
            .session
            .strip_prefix("c:")
            .and_then(|k| k.split('\u{1f}').next())
            .unwrap_or(&a.session);
        predicted.insert(client, a.candidate.as_deref().unwrap_or("noise"));
    }
    let (mut t, mut p) = (Vec::new(), Vec::new());
    let (mut bots, mut bots_dropped, mut humans_dropped) = (0, 0, 0);
    for line in truth_csv.lines().skip(1) {
        let Some((client, label)) = line.split_once(',') else {
            continue;
        };
        let got = predicted.get(client).copied();
        if label == "bot" {
            bots += 1;
            bots_dropped += usize::from(got.is_none());
            continue;
        }
        humans_dropped += usize::from(got.is_none());
        t.push(label);
        p.push(got.unwrap_or("dropped"));
    }
    DiscoveryScore {
        agreement: agreement(&t, &p),
        bots,
        bots_dropped,
        humans_dropped,
    }
}

/// How route normalisation did on a labelled list.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NormalisationScore {
    /// Paths scored.
    pub total: usize,
    /// Paths given their expected template (or set aside as expected).
    pub correct: usize,
    /// `correct / total`.
    pub accuracy: f64,
    /// The misses: path, expected, got.
    pub misses: Vec<(String, String, String)>,
}

/// Scores normalisation on `path<TAB>expected` lines (`#` comments), where
/// expected is a template, `asset` or `health`. The normaliser learns from
/// the page paths of the list itself, as it would from a log.
pub fn score_routes(tsv: &str) -> NormalisationScore {
    use crate::normalise::{Normaliser, PathKind, classify};
    let rows: Vec<(&str, &str)> = tsv
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .filter_map(|l| l.split_once('\t'))
        .collect();
    let n = Normaliser::learn(
        rows.iter()
            .map(|(p, _)| *p)
            .filter(|p| classify(p) == PathKind::Page),
    );
    let mut misses = Vec::new();
    for (path, expected) in &rows {
        let got = match classify(path) {
            PathKind::Asset => "asset".to_owned(),
            PathKind::Health => "health".to_owned(),
            PathKind::Robots => "robots".to_owned(),
            PathKind::Page => n.route(path),
        };
        if got != *expected {
            misses.push(((*path).to_owned(), (*expected).to_owned(), got));
        }
    }
    let total = rows.len();
    let correct = total - misses.len();
    NormalisationScore {
        total,
        correct,
        accuracy: if total == 0 {
            1.0
        } else {
            correct as f64 / total as f64
        },
        misses,
    }
}
