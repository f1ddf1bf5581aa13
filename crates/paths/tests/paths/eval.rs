//! The scorer, and discovery scored on simulated traffic against its truth.

use sightline_paths::eval::{agreement, score_truth};
use sightline_paths::parse::{FieldMap, read};
use sightline_paths::simulate::{Mix, generate};
use sightline_paths::{Format, Options, discover};

#[test]
fn adjusted_rand_index_known_values() {
    let t = ["a", "a", "b", "b"];
    assert!((agreement(&t, &[1, 1, 2, 2]).ari - 1.0).abs() < 1e-12);
    assert!(
        (agreement(&t, &[2, 2, 1, 1]).ari - 1.0).abs() < 1e-12,
        "names do not matter"
    );
    // sklearn: adjusted_rand_score([0,0,1,1],[0,0,1,2]) = 0.5714285714285715
    let a = agreement(&t, &[0, 0, 1, 2]);
    assert!((a.ari - 0.571_428_571_428_571_5).abs() < 1e-12, "{}", a.ari);
    assert!((a.purity - 1.0).abs() < 1e-12);
    let b = agreement(&t, &[0, 0, 0, 0]);
    assert!(b.ari.abs() < 1e-12);
    assert!((b.purity - 0.5).abs() < 1e-12);
}

fn run(mix: &Mix) -> sightline_paths::eval::DiscoveryScore {
    let g = generate(mix);
    let mut reqs = Vec::new();
    let rep = read(
        g.log.as_bytes(),
        Format::Auto,
        "sim",
        &FieldMap::default(),
        &mut |r| reqs.push(r),
    )
    .expect("generated log reads");
    assert_eq!(rep.bad_lines, 0);
    let d = discover(reqs, &Options::default());
    score_truth(&g.truth, &d.assignments)
}

#[test]
fn default_mix_ari_at_least_0_9() {
    let s = run(&Mix::default());
    println!(
        "default mix: ARI {:.3} purity {:.3} over {} sessions; bots dropped {}/{}; humans dropped {}",
        s.agreement.ari,
        s.agreement.purity,
        s.agreement.items,
        s.bots_dropped,
        s.bots,
        s.humans_dropped
    );
    assert!(s.agreement.ari >= 0.9, "{s:?}");
    assert!(s.bots_dropped * 10 >= s.bots * 9, "{s:?}");
}

#[test]
fn thirty_percent_noise_ari_above_0_8() {
    let s = run(&Mix {
        noise: 0.3,
        seed: 7,
        ..Mix::default()
    });
    println!(
        "30% noise: ARI {:.3} purity {:.3} over {} sessions",
        s.agreement.ari, s.agreement.purity, s.agreement.items
    );
    assert!(s.agreement.ari > 0.8, "{s:?}");
}

#[test]
fn the_simulator_is_deterministic() {
    let mix = Mix {
        sessions: 50,
        ..Mix::default()
    };
    assert_eq!(generate(&mix), generate(&mix));
    assert_ne!(generate(&mix).log, generate(&Mix { seed: 1, ..mix }).log);
}
