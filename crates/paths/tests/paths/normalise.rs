//! Route normalisation: placeholders, learned parameters, set-asides, and
//! the score on the labelled list in `datasets/paths/routes.tsv`.

use sightline_paths::eval::score_routes;
use sightline_paths::normalise::{Normaliser, PathKind, classify, segment_token};

use crate::repo_file;

#[test]
fn values_become_placeholders() {
    for (seg, token) in [
        ("42", Some("{id}")),
        ("3f2504e0-4f89-41d3-9a0c-0305e82c3301", Some("{uuid}")),
        ("da39a3ee5e6b4b0d3255bfef95601890afd80709", Some("{hash}")),
        ("2026-03-02", Some("{date}")),
        ("alice@example.com", Some("{email}")),
        ("12-how-to-return", Some("{id}")),
        ("orders", None),
        ("v2", None),
    ] {
        assert_eq!(segment_token(seg), token, "{seg}");
    }
}

#[test]
fn many_evenly_spread_values_become_a_parameter_but_words_stay() {
    let mut paths = Vec::new();
    for u in [
        "alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi",
    ] {
        paths.push(format!("/users/{u}/orders"));
    }
    for a in [
        "orders", "users", "carts", "payments", "invoices", "refunds", "items", "tags",
    ] {
        paths.push(format!("/api/{a}"));
    }
    let n = Normaliser::learn(paths.iter().map(String::as_str));
    assert_eq!(n.route("/users/alice/orders"), "/users/{user}/orders");
    assert_eq!(
        n.route("/users/zoe/orders"),
        "/users/{user}/orders",
        "unseen value"
    );
    assert_eq!(n.route("/api/orders"), "/api/orders");
    assert_eq!(n.route("/api/orders/7"), "/api/orders/{id}");
    assert_eq!(n.route("/"), "/");
}

#[test]
fn one_dominant_value_is_not_a_parameter() {
    let mut paths: Vec<String> = (0..100).map(|_| "/p/HOME-1".to_owned()).collect();
    for i in 2..12 {
        paths.push(format!("/p/ITEM-{i}"));
    }
    let n = Normaliser::learn(paths.iter().map(String::as_str));
    assert_eq!(n.route("/p/HOME-1"), "/p/HOME-1");
}

#[test]
fn assets_health_checks_and_robots_are_set_aside() {
    assert_eq!(classify("/static/x"), PathKind::Asset);
    assert_eq!(classify("/a/b.CSS"), PathKind::Asset);
    assert_eq!(classify("/healthz"), PathKind::Health);
    assert_eq!(classify("/robots.txt"), PathKind::Robots);
    assert_eq!(classify("/account/status/orders"), PathKind::Page);
}

#[test]
fn labelled_route_list_accuracy() {
    let text = std::fs::read_to_string(repo_file("datasets/paths/routes.tsv")).expect("committed");
    let s = score_routes(&text);
    println!(
        "route normalisation: {}/{} = {:.3}",
        s.correct, s.total, s.accuracy
    );
    for (path, expected, got) in &s.misses {
        println!("  miss: {path}: expected {expected}, got {got}");
    }
    assert!(s.total >= 70);
    assert!(s.accuracy >= 0.9, "accuracy {:.3}", s.accuracy);
}
