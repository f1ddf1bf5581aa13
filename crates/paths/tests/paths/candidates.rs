//! Candidates end to end: stable ids, scores, funnels, proposals, and a
//! skeleton that Sightline's own journey parser accepts.

use sightline_paths::candidates::{candidate_id, parse_weight};
use sightline_paths::parse::{FieldMap, read};
use sightline_paths::proposal::{pick_target, round_up};
use sightline_paths::simulate::{Mix, generate};
use sightline_paths::{Discovery, Format, Options, discover};

fn discovered(opts: &Options) -> Discovery {
    let g = generate(&Mix {
        sessions: 800,
        ..Mix::default()
    });
    let mut reqs = Vec::new();
    read(
        g.log.as_bytes(),
        Format::Combined,
        "sim",
        &FieldMap::default(),
        &mut |r| reqs.push(r),
    )
    .expect("reads");
    discover(reqs, opts)
}

#[test]
fn ids_are_stable_and_candidates_are_ranked_and_explained() {
    let a = discovered(&Options::default());
    let b = discovered(&Options::default());
    let ids = |d: &Discovery| {
        d.candidates
            .iter()
            .map(|c| c.id.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(ids(&a), ids(&b));
    assert!(a.candidates.len() >= 5, "{:?}", ids(&a));
    for w in a.candidates.windows(2) {
        assert!(w[0].score.total >= w[1].score.total);
    }
    for c in &a.candidates {
        assert_eq!(c.id, candidate_id(&c.steps));
        let parts = c.score.weight * (c.score.traffic + 2.0 * c.score.failure + c.score.latency);
        assert!((parts - c.score.total).abs() < 1e-9);
        assert_eq!(c.funnel[0].reached, c.funnel[0].reached.max(c.completed));
        let left: usize = c.funnel.iter().map(|f| f.abandoned).sum();
        assert!(left + c.completed <= c.sessions);
        assert!(c.examples.values().all(|e| !e.is_empty()));
    }
    let checkout = a
        .candidates
        .iter()
        .find(|c| c.steps.iter().any(|s| s == "POST /checkout"))
        .expect("the checkout journey is found");
    assert_eq!(checkout.proposal.key_step, "POST /checkout");
    assert!(
        checkout.failed_sessions > 0,
        "the simulator fails some checkouts"
    );
    assert!(checkout.completed < checkout.sessions, "some abandon");
    assert!(
        checkout.proposal.latency.is_some(),
        "durations are in the log"
    );
    assert_eq!(a.bots.total(), 40);
}

#[test]
fn a_business_weight_moves_a_candidate_up_and_picks_its_key_step() {
    let plain = discovered(&Options::default());
    let weighted = discovered(&Options {
        weights: vec![parse_weight("POST /signup=20").expect("valid")],
        ..Options::default()
    });
    let rank = |d: &Discovery| {
        d.candidates
            .iter()
            .find(|c| c.steps.iter().any(|s| s == "POST /signup"))
            .map(|c| (c.rank, c.proposal.key_step.clone()))
    };
    let (before, _) = rank(&plain).expect("signup found");
    let (after, key) = rank(&weighted).expect("signup found");
    assert!(after < before, "{before} -> {after}");
    assert_eq!(after, 1);
    assert_eq!(key, "POST /signup");
    assert!(parse_weight("POST /x").is_err());
    assert!(parse_weight("POST /x=-1").is_err());
}

#[test]
fn skeletons_parse_and_validate_as_journeys() {
    let d = discovered(&Options::default());
    for c in &d.candidates {
        let loaded = sightline_journeys::from_yaml_str(&c.skeleton, &c.name)
            .unwrap_or_else(|e| panic!("{}: {e}\n{}", c.name, c.skeleton));
        assert_eq!(loaded.journey.name, c.name);
        assert_eq!(loaded.journey.steps.len(), c.steps.len());
    }
}

#[test]
fn targets_leave_budget_and_thresholds_are_round() {
    assert_eq!(pick_target(1.0), (0.9995, 0.0));
    let (t, spent) = pick_target(0.97);
    assert_eq!(t, 0.95, "0.99 would spend 300%, 0.98 150%");
    assert!((spent - 0.6).abs() < 1e-9);
    assert_eq!(round_up(87.0), 100);
    assert_eq!(round_up(180.0), 200);
    assert_eq!(round_up(201.0), 250);
    assert_eq!(round_up(2600.0), 5000);
}

#[test]
fn nothing_in_gives_nothing_out() {
    let d = discover(Vec::new(), &Options::default());
    assert!(d.candidates.is_empty());
    assert_eq!(d.sessions, 0);
}
