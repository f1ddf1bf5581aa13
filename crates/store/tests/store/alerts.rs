//! Alert episodes: recorded once, resolved once, read back whole.

use sightline_store::Store;
use sightline_store::queries::alerts::{self, AlertEpisodeRow};

fn episode(slo: &str, rule: u32, firing_at_ms: i64) -> AlertEpisodeRow {
    AlertEpisodeRow {
        slo: slo.into(),
        rule,
        severity: "page".into(),
        long_window_ms: 3_600_000,
        short_window_ms: 300_000,
        threshold: 14.4,
        pending_at_ms: firing_at_ms,
        firing_at_ms,
        resolved_at_ms: None,
        burn_rate: Some(20.5),
        regions: vec!["us-east-1".into()],
    }
}

#[test]
fn an_episode_is_recorded_once_and_resolved_once() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path().join("a.db")).unwrap();
    let c = store.conn();
    let e = episode("checkout", 0, 1_000);
    assert!(alerts::record_firing(c, &e).unwrap());
    assert!(
        !alerts::record_firing(c, &e).unwrap(),
        "the same firing again is a no-op"
    );
    assert!(alerts::record_firing(c, &episode("login", 2, 2_000)).unwrap());
    assert_eq!(
        alerts::open(c).unwrap(),
        vec![e.clone(), episode("login", 2, 2_000)]
    );
    assert_eq!(alerts::open_of(c, "checkout", 0).unwrap(), Some(e.clone()));

    assert!(alerts::record_resolved(c, "checkout", 0, 5_000).unwrap());
    assert!(
        !alerts::record_resolved(c, "checkout", 0, 6_000).unwrap(),
        "already resolved"
    );
    assert_eq!(alerts::open_of(c, "checkout", 0).unwrap(), None);
    let fired = alerts::fired_between(c, 0, 10_000).unwrap();
    assert_eq!(fired.len(), 2);
    assert_eq!(fired[0].resolved_at_ms, Some(5_000));
    assert_eq!(fired[0].regions, vec!["us-east-1".to_owned()]);
    assert_eq!(alerts::fired_between(c, 1_500, 10_000).unwrap().len(), 1);
}
