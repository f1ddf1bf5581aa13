//! Clustering sessions by the path they took.
//!
//! A session is its sequence of steps (`METHOD route`), consecutive repeats
//! collapsed (a reload or a retry is not a new step). Identical sequences
//! are one weighted point, so the work grows with the number of distinct
//! paths, not of sessions. The distance is the Levenshtein distance over
//! steps divided by the longer length: a detour in a seven-step journey
//! costs 1/8.
//!
//! Density clustering is DBSCAN over those weighted points (Ester et al.
//! 1996): a point is a core when the sessions within [`Params::eps`] of it
//! reach [`Params::min_sessions`]; clusters grow from cores, and what no
//! cluster reaches is noise, which is the point: random browsing must not
//! become a journey. It is written here rather than taken from a crate
//! because the crates in reach (linfa-clustering, hdbscan) want feature
//! vectors or a dense n × n matrix, and what fits here is a weighted, pruned
//! neighbour search over sequences.
//!
//! Only the [`Params::max_points`] most frequent distinct sequences are
//! clustered; every other one, and every noise point, is then assigned to
//! the nearest cluster's most frequent members when within `eps`, either as
//! a whole or as an abandoned prefix of one of them (a checkout left at the
//! cart is a checkout). Clusters smaller than [`Params::min_cluster`]
//! sessions are dissolved into noise.

use std::collections::BTreeMap;

/// Longest sequence compared; later steps are ignored.
pub const MAX_STEPS: usize = 48;

/// Clustering parameters.
#[derive(Debug, Clone, PartialEq)]
pub struct Params {
    /// Largest normalised edit distance between neighbours.
    pub eps: f64,
    /// Sessions that must take exactly the same path for it to be a core.
    pub min_sessions: usize,
    /// Smallest cluster kept, in sessions.
    pub min_cluster: usize,
    /// Most cores considered (most frequent first).
    pub max_points: usize,
}

impl Params {
    /// Defaults scaled to `sessions`: a core is a path 0.25% of the
    /// sessions took exactly (at least 3), a cluster 1% (at least 6).
    pub fn for_sessions(sessions: usize) -> Self {
        Params {
            eps: 0.3,
            min_sessions: (sessions / 400).max(3),
            min_cluster: (sessions / 100).max(6),
            max_points: 2000,
        }
    }
}

/// Sequence distance: Levenshtein over steps / the longer length.
pub fn distance(a: &[u32], b: &[u32]) -> f64 {
    let (n, m) = (a.len(), b.len());
    let longest = n.max(m);
    if longest == 0 {
        return 0.0;
    }
    levenshtein(a, b, usize::MAX) as f64 / longest as f64
}

/// Distance of `a` to the best prefix of `b` at least two steps long (or all
/// of `b`): how far `a` is from having abandoned `b` part way.
pub fn prefix_distance(a: &[u32], b: &[u32]) -> f64 {
    let (n, m) = (a.len(), b.len());
    if n == 0 || m == 0 {
        return 1.0;
    }
    let mut prev: Vec<usize> = (0..=m).collect();
    let mut cur = vec![0usize; m + 1];
    for i in 1..=n {
        cur[0] = i;
        for j in 1..=m {
            let sub = prev[j - 1] + usize::from(a[i - 1] != b[j - 1]);
            cur[j] = sub.min(prev[j] + 1).min(cur[j - 1] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    // `prev[j]` is now the distance from all of `a` to `b[..j]`.
    (2.min(m)..=m)
        .map(|j| prev[j] as f64 / n.max(j) as f64)
        .fold(1.0, f64::min)
}

/// Levenshtein distance, giving up (returning `limit + 1`) once every cell
/// of a row exceeds `limit`.
pub fn levenshtein(a: &[u32], b: &[u32], limit: usize) -> usize {
    let (n, m) = (a.len(), b.len());
    if n == 0 || m == 0 {
        return n.max(m);
    }
    let mut prev: Vec<usize> = (0..=m).collect();
    let mut cur = vec![0usize; m + 1];
    for i in 1..=n {
        cur[0] = i;
        let mut row_min = cur[0];
        for j in 1..=m {
            let sub = prev[j - 1] + usize::from(a[i - 1] != b[j - 1]);
            cur[j] = sub.min(prev[j] + 1).min(cur[j - 1] + 1);
            row_min = row_min.min(cur[j]);
        }
        if row_min > limit {
            return limit.saturating_add(1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[m]
}

/// Within `eps` of each other? Prunes on length first.
fn near(a: &[u32], b: &[u32], eps: f64) -> bool {
    let longest = a.len().max(b.len());
    let limit = (eps * longest as f64 + 1e-9).floor() as usize;
    if a.len().abs_diff(b.len()) > limit {
        return false;
    }
    levenshtein(a, b, limit) <= limit
}

/// The sequence of a session: consecutive repeats collapsed, capped at [`MAX_STEPS`].
pub fn sequence(steps: impl IntoIterator<Item = u32>) -> Vec<u32> {
    let mut out: Vec<u32> = Vec::new();
    for s in steps {
        if out.last() != Some(&s) {
            out.push(s);
            if out.len() == MAX_STEPS {
                break;
            }
        }
    }
    out
}

fn find(parent: &mut [usize], x: usize) -> usize {
    let mut r = x;
    while parent[r] != r {
        r = parent[r];
    }
    let mut y = x;
    while parent[y] != r {
        let next = parent[y];
        parent[y] = r;
        y = next;
    }
    r
}

/// Clusters the distinct sequences `points` (with how many sessions took
/// each). Returns the cluster of each point, `None` for noise; clusters are
/// numbered heaviest first.
pub fn cluster(points: &[(Vec<u32>, usize)], p: &Params) -> Vec<Option<usize>> {
    // Most frequent first, ties by sequence, so results do not depend on input order.
    let mut order: Vec<usize> = (0..points.len()).collect();
    order.sort_by(|&a, &b| {
        points[b]
            .1
            .cmp(&points[a].1)
            .then(points[a].0.cmp(&points[b].0))
    });
    let cores: Vec<usize> = order
        .iter()
        .copied()
        .filter(|&i| points[i].1 >= p.min_sessions && !points[i].0.is_empty())
        .take(p.max_points)
        .collect();
    let k = cores.len();
    let seq = |x: usize| points[cores[x]].0.as_slice();
    let mut parent: Vec<usize> = (0..k).collect();
    // 1. Cores within eps of each other are one journey.
    for x in 0..k {
        for y in x + 1..k {
            if near(seq(x), seq(y), p.eps) {
                let (a, b) = (find(&mut parent, x), find(&mut parent, y));
                if a != b {
                    parent[a.max(b)] = a.min(b);
                }
            }
        }
    }
    // 2. A core that is an abandoned prefix of longer cores joins the
    //    closest of them (the heavier on a tie), never bridging two.
    let mut set_weight = vec![0usize; k];
    for x in 0..k {
        let r = find(&mut parent, x);
        set_weight[r] += points[cores[x]].1;
    }
    let mut by_len: Vec<usize> = (0..k).collect();
    by_len.sort_by_key(|&x| (seq(x).len(), x));
    for &x in &by_len {
        if seq(x).len() < 2 {
            continue;
        }
        let rx = find(&mut parent, x);
        let mut best: Option<(f64, usize, usize)> = None;
        for y in 0..k {
            if seq(y).len() <= seq(x).len() {
                continue;
            }
            let ry = find(&mut parent, y);
            if ry == rx {
                continue;
            }
            let d = prefix_distance(seq(x), seq(y));
            let better = best.is_none_or(|(bd, bw, _)| d < bd || (d == bd && set_weight[ry] > bw));
            if d <= p.eps && better {
                best = Some((d, set_weight[ry], ry));
            }
        }
        if let Some((_, w, ry)) = best
            && w >= set_weight[rx]
        {
            parent[rx] = ry;
            set_weight[ry] += set_weight[rx];
        }
    }
    // 3. Every sequence goes to its nearest core, whole or as a prefix.
    let mut out: Vec<Option<usize>> = vec![None; points.len()];
    for &i in &order {
        let a = points[i].0.as_slice();
        let mut best: Option<(f64, usize)> = None;
        for (x, &core) in cores.iter().enumerate() {
            let b = points[core].0.as_slice();
            if core == i {
                best = Some((0.0, x));
                break;
            }
            let limit = (p.eps * a.len().max(b.len()) as f64 + 1e-9).floor() as usize;
            let whole = if a.len().abs_diff(b.len()) <= limit {
                levenshtein(a, b, limit) as f64 / a.len().max(b.len()).max(1) as f64
            } else {
                1.0
            };
            let d = if a.len() < b.len() && a.len() >= 2 {
                whole.min(prefix_distance(a, b))
            } else {
                whole
            };
            if d <= p.eps && best.is_none_or(|(bd, _)| d < bd) {
                best = Some((d, x));
            }
        }
        out[i] = best.map(|(_, x)| find(&mut parent, x));
    }
    // Dissolve small clusters, renumber by weight.
    let mut sizes: BTreeMap<usize, usize> = BTreeMap::new();
    for (i, l) in out.iter().enumerate() {
        if let Some(c) = l {
            *sizes.entry(*c).or_default() += points[i].1;
        }
    }
    let mut kept: Vec<(usize, usize)> = sizes
        .into_iter()
        .filter(|(_, n)| *n >= p.min_cluster)
        .collect();
    kept.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let renumber: BTreeMap<usize, usize> =
        kept.iter().enumerate().map(|(i, (c, _))| (*c, i)).collect();
    out.iter()
        .map(|l| l.and_then(|c| renumber.get(&c).copied()))
        .collect()
}
