//! OpenSLO v1 import, validation and export.

use std::path::Path;

use sightline_core::{SliKind, SloWindow, slo::CalendarUnit};
use sightline_slo::openslo::{export, from_definition, import};

use crate::common::*;

#[test]
fn every_spec_example_imports() {
    let dir =
        Path::new(&std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"))
            .join("../../../shared/fixtures/openslo/");
    if !dir.exists() {
        eprintln!("SKIPPED: {} is absent", dir.display());
        return;
    }
    let mut n = 0;
    for f in std::fs::read_dir(&dir).unwrap() {
        let p = f.unwrap().path();
        if p.extension().is_some_and(|e| e == "yaml" || e == "yml") {
            let imp = import(&std::fs::read_to_string(&p).unwrap())
                .unwrap_or_else(|e| panic!("{}: {e}", p.display()));
            assert_eq!(imp.documents.len(), 1);
            assert!(imp.slos.is_empty());
            // Data source `Any` is not Sightline's: kept, with a warning.
            assert_eq!(imp.warnings.len(), 1, "{:?}", imp.warnings);
            assert!(imp.warnings[0].contains("\"Any\""));
            // Export then import keeps the document.
            let again = import(&export(&imp.documents)).unwrap();
            assert_eq!(again.documents, imp.documents);
            n += 1;
        }
    }
    assert_eq!(n, 3);
}

const MULTI: &str = r#"
apiVersion: openslo/v1
kind: Service
metadata: { name: shop }
spec: { description: the shop }
---
apiVersion: openslo/v1
kind: DataSource
metadata: { name: prom }
spec: { type: Prometheus, connectionDetails: { url: "http://prom" } }
---
apiVersion: openslo/v1
kind: SLI
metadata: { name: ok-ratio }
spec:
  ratioMetric:
    counter: true
    bad: { metricSource: { metricSourceRef: prom, spec: { query: errors } } }
    total: { metricSource: { metricSourceRef: prom, spec: { query: total } } }
---
apiVersion: openslo/v1
kind: SLO
metadata: { name: shop-ok }
spec:
  service: shop
  indicatorRef: ok-ratio
  timeWindow: [ { duration: 28d, isRolling: true } ]
  budgetingMethod: Occurrences
  objectives: [ { target: 0.99 } ]
  alertPolicies: [ fast-burn ]
---
apiVersion: openslo/v1
kind: AlertPolicy
metadata: { name: fast-burn }
spec: { conditions: [ { conditionRef: burn } ], notificationTargets: [ { targetRef: pager } ] }
---
apiVersion: openslo/v1
kind: AlertCondition
metadata: { name: burn }
spec: { severity: page, condition: { kind: burnrate, op: gte, threshold: 14.4, lookbackWindow: 1h, alertAfter: 5m } }
---
apiVersion: openslo/v1
kind: AlertNotificationTarget
metadata: { name: pager }
spec: { target: pagerduty }
---
apiVersion: openslo/v1
kind: SLI
metadata: { name: latency }
spec:
  thresholdMetric: { metricSource: { type: Prometheus, spec: { query: p99 } } }
"#;

#[test]
fn all_kinds_and_referenced_sli_via_datasource() {
    let imp = import(MULTI).unwrap();
    let kinds: Vec<_> = imp.documents.iter().map(|d| d.kind.as_str()).collect();
    assert_eq!(
        kinds,
        [
            "Service",
            "DataSource",
            "SLI",
            "SLO",
            "AlertPolicy",
            "AlertCondition",
            "AlertNotificationTarget",
            "SLI"
        ]
    );
    assert_eq!(imp.warnings.len(), 1);
    assert!(
        imp.warnings[0].contains("\"Prometheus\""),
        "{:?}",
        imp.warnings
    );
    assert_eq!(
        import(&export(&imp.documents)).unwrap().documents,
        imp.documents
    );
}

#[test]
fn errors_point_at_the_field() {
    let bad = MULTI.replace(
        "objectives: [ { target: 0.99 } ]",
        "objectives: [ { target: 1.5 } ]",
    );
    let e = import(&bad).unwrap_err();
    assert!(
        e.to_string()
            .starts_with("openslo document 3: spec.objectives[0].target:"),
        "{e}"
    );
    let bad = MULTI.replace("duration: 28d", "duration: soon");
    assert!(
        import(&bad)
            .unwrap_err()
            .to_string()
            .contains("spec.timeWindow[0].duration")
    );
    let bad = MULTI.replace("kind: Service", "kind: Servise");
    assert!(
        import(&bad)
            .unwrap_err()
            .to_string()
            .starts_with("openslo document 0: kind:")
    );
    let bad = MULTI.replace("  service: shop\n", "");
    let e = import(&bad).unwrap_err();
    assert!(e.to_string().contains("spec"), "{e}");
    assert!(e.to_string().contains("service"), "{e}");
    let bad = MULTI.replace("spec: { target: pagerduty }", "spec: { description: x }");
    assert!(
        import(&bad)
            .unwrap_err()
            .to_string()
            .contains("spec.target")
    );
}

#[test]
fn sightline_slos_round_trip() {
    let mut a = def(
        "checkout-fast",
        SliKind::AvailabilityAndLatency { threshold_ms: 3000 },
        0.995,
        SloWindow::Rolling { days: 28 },
    );
    a.filter.regions = vec!["eu".into()];
    a.description = "fast checkouts".into();
    let b = def(
        "monthly",
        SliKind::Availability,
        0.99,
        SloWindow::Calendar {
            unit: CalendarUnit::Month,
            time_zone: "Europe/Paris".into(),
        },
    );
    let text = export(&[from_definition(&a), from_definition(&b)]);
    let imp = import(&text).unwrap();
    assert!(imp.warnings.is_empty(), "{:?}", imp.warnings);
    assert_eq!(imp.slos, vec![a, b]);
}
