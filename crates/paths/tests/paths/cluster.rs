//! Sequence distances and the clustering's handling of noise and prefixes.

use sightline_paths::cluster::{Params, cluster, distance, levenshtein, prefix_distance, sequence};

#[test]
fn distances() {
    assert_eq!(levenshtein(&[1, 2, 3], &[1, 3], usize::MAX), 1);
    assert_eq!(
        levenshtein(&[1, 2, 3, 4, 5], &[9, 9, 9, 9, 9], 1),
        2,
        "gives up past the limit"
    );
    assert!((distance(&[1, 2, 3, 4], &[1, 2, 9, 3, 4]) - 0.2).abs() < 1e-9);
    assert_eq!(prefix_distance(&[1, 2, 3], &[1, 2, 3, 4, 5, 6]), 0.0);
    assert!(prefix_distance(&[7], &[1, 2]) >= 0.5);
    assert_eq!(sequence([1, 1, 2, 2, 2, 1]), vec![1, 2, 1]);
}

#[test]
fn two_journeys_with_variants_abandonment_and_noise() {
    let mut points: Vec<(Vec<u32>, usize)> = vec![
        (vec![1, 2, 3, 4, 5], 40),   // A
        (vec![1, 2, 9, 3, 4, 5], 3), // A with a detour
        (vec![1, 2, 3], 5),          // A abandoned
        (vec![10, 11, 12, 13], 30),  // B
        (vec![10, 11, 13], 4),       // B without a step
    ];
    // Random browsing: each path once.
    for i in 0..10u32 {
        points.push((vec![20 + i, 40 + i, 60 + i], 1));
    }
    let p = Params {
        eps: 0.3,
        min_sessions: 3,
        min_cluster: 6,
        max_points: 100,
    };
    let labels = cluster(&points, &p);
    assert_eq!(labels[0], Some(0), "heaviest cluster first");
    assert_eq!(labels[1], Some(0));
    assert_eq!(labels[2], Some(0), "abandoned prefix joins its journey");
    assert_eq!(labels[3], Some(1));
    assert_eq!(labels[4], Some(1));
    assert!(labels[5..].iter().all(Option::is_none), "noise stays noise");
    // Order of the input does not matter.
    let mut rev = points.clone();
    rev.reverse();
    let rl = cluster(&rev, &p);
    let back: Vec<Option<usize>> = rl.into_iter().rev().collect();
    assert_eq!(back, labels);
}
