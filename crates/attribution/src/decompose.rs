//! Burn decomposition: the smallest set of slices that explains most of the
//! bad events and is surprising against the baseline.
//!
//! The method is Adtributor (Bhagwan et al., "Adtributor: Revenue Debugging
//! in Advertising Systems", NSDI 2014), applied recursively to drill from
//! one dimension into the next (the "R-Adtributor" variant that Squeeze,
//! Li et al. ISSRE 2019, compares against). For each dimension and value:
//!
//! - the *forecast* F is the bad events the value would have had at its
//!   baseline bad rate, given its traffic in the window (smoothed, so a value
//!   never seen failing is not infinitely surprising);
//! - the *explanatory power* EP is its share of the excess,
//!   `(A - F) / (ΣA - ΣF)`, A being the bad events it really had;
//! - the *surprise* is its Jensen-Shannon term between the forecast and the
//!   actual distributions of bad events over the dimension's values.
//!
//! Per dimension, values are taken by surprise until their EP adds up to
//! `min_set_ep`; the dimension whose set is most surprising wins. Each value
//! of that set becomes a slice, and the search repeats inside it over the
//! remaining dimensions while one value explains most of the slice.

use std::collections::{BTreeMap, BTreeSet};

/// One observation: a run (or a trace in telemetry-only mode).
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// Dimension → value.
    pub dims: BTreeMap<&'static str, String>,
    /// Bad for the SLI.
    pub bad: bool,
    /// In the burn window (else in the baseline).
    pub in_window: bool,
}

/// A slice found by the search.
#[derive(Debug, Clone, PartialEq)]
pub struct Slice {
    /// Dimension → value, the conjunction that defines it.
    pub items: BTreeMap<&'static str, String>,
    /// Bad events in the window inside the slice.
    pub bad: u64,
    /// All window events inside it.
    pub total: u64,
    /// Its explanatory power at the top level.
    pub ep: f64,
    /// Its surprise at the top level.
    pub surprise: f64,
}

#[derive(Debug, Clone)]
struct Element {
    value: String,
    actual: f64,
    forecast: f64,
}

/// A dimension's candidate set.
#[derive(Debug, Clone)]
struct Candidate {
    dimension: &'static str,
    values: Vec<(String, f64, f64)>,
    surprise: f64,
}

fn js_term(p: f64, q: f64) -> f64 {
    let m = (p + q) / 2.0;
    let t = |x: f64| if x > 0.0 { x * (x / m).ln() } else { 0.0 };
    if m <= 0.0 { 0.0 } else { 0.5 * (t(p) + t(q)) }
}

fn elements(rows: &[&Row], dim: &str) -> Vec<Element> {
    #[derive(Default)]
    struct Acc {
        wb: f64,
        wt: f64,
        bb: f64,
        bt: f64,
    }
    let mut acc: BTreeMap<&str, Acc> = BTreeMap::new();
    let (mut all_bb, mut all_bt) = (0.0, 0.0);
    for r in rows {
        let Some(v) = r.dims.get(dim) else { continue };
        let a = acc.entry(v.as_str()).or_default();
        let bad = if r.bad { 1.0 } else { 0.0 };
        if r.in_window {
            a.wt += 1.0;
            a.wb += bad;
        } else {
            a.bt += 1.0;
            a.bb += bad;
            all_bt += 1.0;
            all_bb += bad;
        }
    }
    // The baseline rate of the whole, smoothed, is the prior for each value.
    let prior = (all_bb + 0.5) / (all_bt + 1.0);
    acc.into_iter()
        .map(|(v, a)| {
            let rate = (a.bb + prior * 2.0) / (a.bt + 2.0);
            Element {
                value: v.to_owned(),
                actual: a.wb,
                forecast: rate * a.wt,
            }
        })
        .collect()
}

fn candidate(rows: &[&Row], dim: &'static str, min_ep: f64, min_set: f64) -> Option<Candidate> {
    let els = elements(rows, dim);
    let a: f64 = els.iter().map(|e| e.actual).sum();
    let f: f64 = els.iter().map(|e| e.forecast).sum();
    if a <= 0.0 || a - f <= 0.0 {
        return None;
    }
    let mut scored: Vec<(String, f64, f64)> = els
        .iter()
        .map(|e| {
            let ep = (e.actual - e.forecast) / (a - f);
            let s = js_term(e.forecast / f.max(1e-9), e.actual / a);
            (e.value.clone(), ep, s)
        })
        .collect();
    scored.sort_by(|x, y| y.2.total_cmp(&x.2).then(x.0.cmp(&y.0)));
    let mut set = Vec::new();
    let (mut ep_sum, mut s_sum) = (0.0, 0.0);
    for (v, ep, s) in scored {
        if ep < min_ep {
            continue;
        }
        ep_sum += ep;
        s_sum += s;
        set.push((v, ep, s));
        if ep_sum >= min_set {
            break;
        }
    }
    (ep_sum >= min_set && !set.is_empty()).then_some(Candidate {
        dimension: dim,
        values: set,
        surprise: s_sum,
    })
}

/// The dimensions searched, in the order ties are broken.
pub const DIMENSIONS: [&str; 7] = [
    "service",
    "region",
    "journey",
    "step",
    "error_class",
    "journey_version",
    "runner",
];

fn best(rows: &[&Row], dims: &[&'static str], min_ep: f64, min_set: f64) -> Option<Candidate> {
    let mut cands: Vec<Candidate> = dims
        .iter()
        .filter_map(|d| candidate(rows, d, min_ep, min_set))
        .collect();
    // Most surprising first; then fewer values (a smaller explanation); then
    // the dimension order above.
    cands.sort_by(|x, y| {
        y.surprise
            .total_cmp(&x.surprise)
            .then(x.values.len().cmp(&y.values.len()))
    });
    cands.into_iter().next()
}

/// Splits the window's bad events into slices, best explanation first.
pub fn decompose(rows: &[Row], min_ep: f64, min_set: f64) -> Vec<Slice> {
    let all: Vec<&Row> = rows.iter().collect();
    let Some(top) = best(&all, &DIMENSIONS, min_ep, min_set) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (value, ep, surprise) in &top.values {
        let mut items = BTreeMap::new();
        items.insert(top.dimension, value.clone());
        let mut used: BTreeSet<&'static str> = [top.dimension].into();
        // Drill down while one value of another dimension explains the slice.
        loop {
            let inside: Vec<&Row> = all
                .iter()
                .copied()
                .filter(|r| items.iter().all(|(d, v)| r.dims.get(d) == Some(v)))
                .collect();
            let rest: Vec<&'static str> = DIMENSIONS
                .iter()
                .copied()
                .filter(|d| !used.contains(d))
                .collect();
            // The most surprising dimension in which one value alone
            // explains 90% of the slice's excess.
            let single = rest
                .iter()
                .filter_map(|d| candidate(&inside, d, min_ep, 0.9))
                .filter(|c| c.values.len() == 1)
                .max_by(|x, y| x.surprise.total_cmp(&y.surprise));
            match single {
                Some(c) => {
                    used.insert(c.dimension);
                    items.insert(c.dimension, c.values[0].0.clone());
                }
                None => break,
            }
        }
        let (bad, total) = all
            .iter()
            .filter(|r| r.in_window && items.iter().all(|(d, v)| r.dims.get(d) == Some(v)))
            .fold((0, 0), |(b, t), r| (b + u64::from(r.bad), t + 1));
        out.push(Slice {
            items,
            bad,
            total,
            ep: *ep,
            surprise: *surprise,
        });
    }
    out.sort_by(|a, b| b.bad.cmp(&a.bad).then(b.ep.total_cmp(&a.ep)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(region: &str, journey: &str, service: &str, bad: bool, in_window: bool) -> Row {
        Row {
            dims: [
                ("region", region.to_owned()),
                ("journey", journey.to_owned()),
                ("service", service.to_owned()),
            ]
            .into(),
            bad,
            in_window,
        }
    }

    /// Baseline: everything healthy in three regions. Window: checkout in
    /// us-east-1 fails, blamed on payment.
    fn incident() -> Vec<Row> {
        let mut rows = Vec::new();
        for w in [false, true] {
            for region in ["us-east-1", "eu-west-1", "ap-south-1"] {
                for journey in ["checkout", "login"] {
                    for i in 0..20 {
                        let bad = w && region == "us-east-1" && journey == "checkout" && i % 2 == 0;
                        let service = if bad { "payment" } else { "(none)" };
                        rows.push(row(region, journey, service, bad, w));
                    }
                }
            }
        }
        // One baseline failure elsewhere, so the baseline is not spotless.
        rows.push(row("eu-west-1", "login", "auth", true, false));
        rows
    }

    #[test]
    fn finds_the_one_slice_and_drills_into_it() {
        let slices = decompose(&incident(), 0.1, 0.67);
        assert_eq!(slices.len(), 1, "{slices:?}");
        let s = &slices[0];
        assert_eq!(s.items.get("region").map(String::as_str), Some("us-east-1"));
        assert_eq!(s.items.get("service").map(String::as_str), Some("payment"));
        assert_eq!(s.items.get("journey").map(String::as_str), Some("checkout"));
        assert_eq!(s.bad, 10);
    }

    #[test]
    fn two_regions_make_two_slices() {
        let mut rows = incident();
        for i in 0..20 {
            let bad = i % 2 == 0;
            rows.push(row(
                "eu-west-1",
                "checkout",
                if bad { "payment" } else { "(none)" },
                bad,
                true,
            ));
        }
        let slices = decompose(&rows, 0.1, 0.67);
        let services: BTreeSet<_> = slices
            .iter()
            .filter_map(|s| s.items.get("service").cloned())
            .collect();
        assert_eq!(services, ["payment".to_owned()].into(), "{slices:?}");
        let shares: u64 = slices.iter().map(|s| s.bad).sum();
        let bad: u64 = rows.iter().filter(|r| r.in_window && r.bad).count() as u64;
        assert!(
            shares <= bad,
            "slices never explain more than all bad events"
        );
    }

    #[test]
    fn nothing_bad_means_no_slices() {
        let rows: Vec<Row> = incident()
            .into_iter()
            .map(|mut r| {
                r.bad = false;
                r
            })
            .collect();
        assert!(decompose(&rows, 0.1, 0.67).is_empty());
    }
}
