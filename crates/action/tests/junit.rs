//! The JUnit report parses with a maintained JUnit parser and validates
//! against the Ant JUnit schema (the fixture's `JUnit.xsd`, with `xmllint`).

use std::path::Path;

use sightline_action::junit;
use sightline_action::policy::Policy;
use sightline_action::verdict::{JourneyResult, Release, decide};

use crate::{MIN, T0, slo};

fn verdict() -> sightline_action::verdict::Verdict {
    let journeys = vec![
        JourneyResult {
            journey: "browse".into(),
            passed: true,
            reason: None,
            run_id: Some("r1".into()),
            duration_ms: 1_500,
        },
        JourneyResult {
            journey: "checkout <guest>".into(),
            passed: false,
            reason: Some("step \"pay\": HTTP 502 & timeout".into()),
            run_id: Some("r2".into()),
            duration_ms: 9_000,
        },
    ];
    let mut empty = slo("search", 1.0, &[]);
    empty.valid_events = 0;
    empty.budget_remaining = None;
    decide(
        &Policy::default_policy(),
        &[
            slo("checkout", 0.07, &[("page", T0 - 5 * MIN)]),
            slo("login", 0.9, &[]),
            empty,
        ],
        &Release {
            id: Some("shop@2.4.1".into()),
            service: None,
            fix: false,
        },
        &[],
        journeys,
        T0,
    )
}

#[test]
fn the_report_parses_with_one_case_per_check_and_journey() {
    let xml = junit::render(&verdict());
    let parsed = junit_parser::from_reader(std::io::Cursor::new(xml.as_bytes())).unwrap();
    assert_eq!(parsed.suites.len(), 2);
    let slos = &parsed.suites[0];
    assert_eq!((slos.tests, slos.failures, slos.errors), (3, 1, 1));
    // The parser names a case `classname::name`, as CI reporters show it.
    let case = |suite: &junit_parser::TestSuite, name: &str| {
        suite
            .cases
            .iter()
            .find(|c| c.name.ends_with(&format!("::{name}")))
            .cloned()
            .unwrap()
    };
    let checkout = case(slos, "checkout");
    assert!(checkout.status.is_failure());
    let msg = checkout.status.failure_as_ref().message.clone();
    assert!(msg.contains("budget 7% < 10%"), "{msg}");
    assert!(case(slos, "login").status.is_success());
    assert!(case(slos, "search").status.is_error());
    let journeys = &parsed.suites[1];
    assert_eq!((journeys.tests, journeys.failures), (2, 1));
    let failed = case(journeys, "checkout <guest>");
    assert_eq!(
        failed.status.failure_as_ref().message,
        "step \"pay\": HTTP 502 & timeout"
    );
    assert!((failed.time - 9.0).abs() < 1e-9);
}

#[test]
fn the_report_validates_against_the_ant_junit_schema() {
    let xsd = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/fixtures/junit-xml/windyroad-junit-schema/JUnit.xsd");
    if !xsd.exists() {
        eprintln!(
            "skipped: {} is absent (the shared fixtures live outside the repository)",
            xsd.display()
        );
        return;
    }
    let Ok(out) = std::process::Command::new("xmllint")
        .arg("--version")
        .output()
    else {
        eprintln!("skipped: xmllint (Debian package libxml2-utils) is not installed");
        return;
    };
    assert!(out.status.success());
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("gate.xml");
    std::fs::write(&file, junit::render(&verdict())).unwrap();
    let out = std::process::Command::new("xmllint")
        .args(["--noout", "--schema"])
        .arg(&xsd)
        .arg(&file)
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "xmllint: {said}");
    assert!(said.contains("validates"), "{said}");
}
