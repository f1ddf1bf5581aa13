//! Scenario files parse, and a compressed-clock run produces true labels.

use std::path::Path;

use sightline_demo_shop::{ScaledClock, Scenario};

fn scenarios_dir() -> std::path::PathBuf {
    Path::new(&std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"))
        .join("../../datasets/scenarios")
}

#[test]
fn every_scenario_file_parses() {
    let mut names = Vec::new();
    for entry in std::fs::read_dir(scenarios_dir()).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "yaml") {
            let s = Scenario::from_path(&path).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(
                Some(s.name.as_str()),
                path.file_stem().and_then(|f| f.to_str()),
                "name matches file"
            );
            names.push(s.name);
        }
    }
    for required in [
        "healthy",
        "payment-bad-release-us-east-1",
        "latency",
        "error-rate",
        "red-herring",
        "restart-storm",
        "dependency-timeout",
        "pool-exhaustion",
    ] {
        assert!(names.iter().any(|n| n == required), "missing {required}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn default_scenario_replays_compressed_and_labels_the_bad_release() {
    let shop = crate::shop(&["us-east-1", "eu-west-1"]).await;
    let scenario =
        Scenario::from_path(&scenarios_dir().join("payment-bad-release-us-east-1.yaml")).unwrap();
    // Ten scenario minutes in one real second.
    let clock = ScaledClock::new(600.0).unwrap();
    let labels = scenario.run(shop.state(), &clock).await.unwrap();

    assert_eq!(labels.causes.len(), 1, "{labels:#?}");
    let cause = &labels.causes[0];
    assert_eq!(
        (
            cause.cause_service.as_str(),
            cause.region.as_str(),
            cause.kind.as_str(),
            cause.release.as_deref()
        ),
        ("payment", "us-east-1", "bad_release", Some("2.4.1"))
    );
    assert_eq!((cause.start_offset_s, cause.end_offset_s), (120.0, 420.0));
    assert!(cause.start_ms <= cause.end_ms);
    assert_eq!(labels.red_herrings.len(), 1);
    assert_eq!(labels.red_herrings[0].kind, "cpu_spike");
    let versions: Vec<_> = labels.deploys.iter().map(|d| d.version.as_str()).collect();
    assert_eq!(versions, ["2.4.1", "2.4.0"]);
    assert!(
        shop.state().faults.list().is_empty(),
        "the scenario cleans up"
    );
    assert_eq!(
        shop.state().releases.version("payment", "us-east-1"),
        "2.4.0"
    );

    let dir = tempfile::tempdir().unwrap();
    let path = labels.write(dir.path()).unwrap();
    let back: sightline_demo_shop::ScenarioLabels =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    assert_eq!(back, labels);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn open_faults_close_at_the_end_and_unknown_targets_fail() {
    let shop = crate::shop(&["us-east-1"]).await;
    let yaml = r#"
name: inline
duration_s: 30
events:
  - at_s: 10
    fault: { id: slow, service: payment, region: us-east-1, kind: { type: latency, ms: 50 } }
"#;
    let s = Scenario::from_yaml(yaml, "inline.yaml").unwrap();
    let labels = s
        .run(shop.state(), &ScaledClock::new(100.0).unwrap())
        .await
        .unwrap();
    assert_eq!(
        (
            labels.causes[0].start_offset_s,
            labels.causes[0].end_offset_s
        ),
        (10.0, 30.0)
    );
    assert_eq!(labels.causes[0].release.as_deref(), Some("2.4.0"));

    let bad = yaml.replace("us-east-1", "mars-1");
    let s = Scenario::from_yaml(&bad, "bad.yaml").unwrap();
    let err = s
        .run(shop.state(), &ScaledClock::new(100.0).unwrap())
        .await
        .unwrap_err();
    assert_eq!(err.code(), "shop.unknown_target");
}
