//! `overview` against a real database: its numbers are counted again here,
//! by hand, from the runs the test wrote.

use sightline_api::action::gate::ApproveRequest;
use sightline_api::overview::{OverviewRequest, overview};
use sightline_api::policy_approve;
use sightline_api::{ErrorCode, IpcError};
use sightline_core::Outcome;

use crate::fixture::{HOUR, MIN, NOW_MS, Project, history, write};

#[test]
fn every_number_matches_a_count_of_the_stored_runs() {
    let p = Project::new();
    let runs = history(48);
    p.insert(&runs);
    let deploy = p.deploy(NOW_MS - 35 * MIN, "r2026.02.03-17");
    let o = overview(&p.ctx, OverviewRequest::default()).expect("overview");
    assert_eq!(o.at_ms, NOW_MS);
    assert_eq!(o.slos.len(), 2);

    let a = &o.slos[0];
    assert_eq!(a.status.name, "checkout-availability");
    assert_eq!(a.description, "People can buy.");
    let valid = runs.len() as u64;
    let good = runs.iter().filter(|r| r.outcome == Outcome::Pass).count() as u64;
    assert_eq!((a.status.valid, a.status.good), (valid, good));
    assert_eq!(a.status.sli, Some(good as f64 / valid as f64));
    let remaining = 1.0 - (valid - good) as f64 / (0.01 * valid as f64);
    let got = a.status.budget.remaining_fraction.unwrap();
    assert!((got - remaining).abs() < 1e-12, "{got} vs {remaining}");

    // Burn rate over the last hour: (at - 1h, at].
    let hour: Vec<_> = runs
        .iter()
        .filter(|r| r.started_at_ms > NOW_MS - HOUR)
        .collect();
    let bad_hour = hour.iter().filter(|r| r.outcome != Outcome::Pass).count();
    let want_1h = bad_hour as f64 / hour.len() as f64 / 0.01;
    let burn = |w: &str| {
        a.status
            .burn_rates
            .iter()
            .find(|b| b.window == w)
            .and_then(|b| b.rate)
    };
    assert!((burn("1h").unwrap() - want_1h).abs() < 1e-9);
    assert!(burn("6h").is_some() && burn("3d").is_some());

    // eu-west-1 burning for 30 minutes fires the fast page rule.
    assert_eq!(a.status.alert_state, "firing");
    let page = o
        .firing
        .iter()
        .find(|f| f.slo == "checkout-availability" && f.long_window == "1h")
        .expect("the 1h/5m page fires");
    assert_eq!(page.severity, "page");
    assert_eq!(page.short_window, "5m");
    assert!(page.long_burn_rate.unwrap() >= page.threshold);
    assert_eq!(o.firing[0].severity, "page", "pages are listed first");

    // Region breakdown.
    let eu = a
        .status
        .by_region
        .iter()
        .find(|r| r.region == "eu-west-1")
        .unwrap();
    let eu_runs: Vec<_> = runs
        .iter()
        .filter(|r| r.region.as_str() == "eu-west-1")
        .collect();
    assert_eq!(eu.valid, eu_runs.len() as u64);
    assert!(eu.sli.unwrap() < a.status.by_region[1].sli.unwrap());

    // The burn-down ends on the engine's remaining budget, starts full.
    let last = a.burn_down.last().unwrap();
    assert_eq!(last.t_ms, NOW_MS);
    assert_eq!(last.value, a.status.budget.remaining_fraction);
    assert_eq!(a.burn_down[0].t_ms, a.status.window.start_ms);
    assert!(a.burn_down.windows(2).all(|w| w[0].value >= w[1].value));
    // Burn-rate series end on the numbers shown.
    assert_eq!(a.burn_rates.h1.last().unwrap().value, burn("1h"));
    assert_eq!(a.burn_rates.h1.first().unwrap().t_ms, NOW_MS - 72 * HOUR);

    // The deploy is marked.
    assert_eq!(o.deploys.len(), 1);
    assert_eq!(o.deploys[0].at_ms, deploy.at_ms);
    assert_eq!(o.deploys[0].release_id, "r2026.02.03-17");
}

#[test]
fn an_earlier_time_gives_the_numbers_of_that_time() {
    let p = Project::new();
    p.insert(&history(48));
    let before = overview(
        &p.ctx,
        OverviewRequest {
            at_ms: Some(NOW_MS - 2 * HOUR),
        },
    )
    .unwrap();
    assert_eq!(before.at_ms, NOW_MS - 2 * HOUR);
    assert_eq!(before.slos[0].status.alert_state, "inactive");
    assert!(
        !before
            .firing
            .iter()
            .any(|f| f.slo == "checkout-availability"),
        "{:?}",
        before.firing
    );
}

#[test]
fn without_runs_every_sli_is_undefined_and_without_slos_it_says_where_to_put_them() {
    let p = Project::new();
    let o = overview(&p.ctx, OverviewRequest::default()).unwrap();
    assert_eq!(o.slos.len(), 2);
    assert_eq!(o.slos[0].status.sli, None);
    assert!(
        !p.ctx.db_path().exists(),
        "a read never creates the database"
    );

    std::fs::remove_dir_all(p.path("slos")).unwrap();
    let o = overview(&p.ctx, OverviewRequest::default()).unwrap();
    assert!(!o.slos_dir_exists);
    assert_eq!(o.slos_dir, "slos");
    assert!(o.slos.is_empty());
}

#[test]
fn a_malformed_slo_file_is_a_bad_input_naming_file_and_field() {
    let p = Project::new();
    write(
        p.root(),
        "slos/broken.yaml",
        "name: x\nsli: { kind: availability }\nfilter: { journey: checkout }\ntarget: 2\nwindow: { rolling: { days: 7 } }\n",
    );
    let err = IpcError::from(overview(&p.ctx, OverviewRequest::default()).unwrap_err());
    assert_eq!(err.code, ErrorCode::BadInput);
    assert!(err.message.contains("broken.yaml"), "{}", err.message);
    assert!(err.message.contains("target"), "{}", err.message);
}

#[test]
fn a_release_approved_from_the_app_shows_under_the_rule_that_requires_approval() {
    let p = Project::new();
    p.insert(&history(48));
    write(
        p.root(),
        "policy.yaml",
        "apiVersion: sightline/v1\nkind: ErrorBudgetPolicy\nrules:\n  - name: low-budget\n    when: { budget_remaining_below: 90% }\n    then: [notify, require_approval]\n",
    );
    let holds = |o: &sightline_api::overview::Overview| {
        o.slos[0]
            .policy
            .iter()
            .find(|h| h.rule == "low-budget")
            .cloned()
            .expect("the low-budget rule holds")
    };
    let before = overview(&p.ctx, OverviewRequest::default()).unwrap();
    assert_eq!(holds(&before).effects, ["notify", "require_approval"]);
    assert!(holds(&before).approvals.is_empty());

    // Blank fields are refused, naming the field; nothing is stored.
    for (release, by, reason, field) in [
        (" ", "ana", "fix", "release"),
        ("r1", "", "fix", "by"),
        ("r1", "ana", "\t", "reason"),
    ] {
        let e = policy_approve(
            &p.ctx,
            ApproveRequest {
                release: release.into(),
                by: by.into(),
                reason: reason.into(),
            },
        )
        .unwrap_err();
        let ipc = IpcError::from(e);
        assert_eq!(ipc.code, ErrorCode::InvalidRequest);
        assert!(
            ipc.message.contains(&format!("{field} is empty")),
            "{}",
            ipc.message
        );
    }
    let approved = policy_approve(
        &p.ctx,
        ApproveRequest {
            release: " web-2026.02.03-fix ".into(),
            by: "ana".into(),
            reason: "rolls back the cache change".into(),
        },
    )
    .unwrap();
    assert_eq!(approved.release, "web-2026.02.03-fix");
    assert_eq!(approved.at_ms, NOW_MS);

    let after = overview(&p.ctx, OverviewRequest::default()).unwrap();
    assert_eq!(holds(&after).approvals, std::slice::from_ref(&approved));
    // The gate reads the same row.
    let rows = sightline_store::queries::policy::approvals(p.store().conn(), NOW_MS).unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].by, "ana");
    // An approval made after the moment asked about is not shown then.
    let earlier = overview(
        &p.ctx,
        OverviewRequest {
            at_ms: Some(NOW_MS - MIN),
        },
    )
    .unwrap();
    assert!(holds(&earlier).approvals.is_empty());
}
