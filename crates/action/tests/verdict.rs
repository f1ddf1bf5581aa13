//! The gate's decision, table-driven over budget states, alerts and time.

use sightline_action::policy::{self, Policy};
use sightline_action::verdict::{
    Approval, CheckStatus, JourneyResult, Outcome, Release, decide, holding_rules,
};

use crate::{DAY, HOUR, MIN, T0, slo};

const POLICY: &str = "\
apiVersion: sightline/v1
kind: ErrorBudgetPolicy
rules:
  - name: fast-burn
    when: { alert_firing: { severity: page } }
    then: [block, notify]
    except_fixes: true
  - name: low-budget
    when: { budget_remaining_below: 10% }
    then: [block]
    except_fixes: true
  - name: exhausted
    when: { budget_exhausted: true }
    then: [require_approval, notify]
  - name: slow-burn-3d
    when: { alert_firing: { severity: ticket, for: 3d } }
    then: [open_incident]
  - name: forecast-week
    when: { exhaustion_within: 7d, budget_remaining_below: 50% }
    then: [notify]
";

fn policy() -> Policy {
    policy::parse("test", POLICY).unwrap()
}

fn release(service: Option<&str>, fix: bool) -> Release {
    Release {
        id: Some("shop@2.4.1".into()),
        service: service.map(str::to_owned),
        fix,
    }
}

#[test]
fn budget_and_alert_states_give_the_documented_outcomes() {
    // (budget left, alerts (severity, since), fix?, service, outcome, rules that hold)
    type Case<'a> = (
        f64,
        &'a [(&'a str, i64)],
        bool,
        Option<&'a str>,
        Outcome,
        &'a [&'a str],
    );
    let cases: &[Case] = &[
        (0.80, &[], false, None, Outcome::Pass, &[]),
        (0.10, &[], false, None, Outcome::Pass, &[]),
        (0.099, &[], false, None, Outcome::Blocked, &["low-budget"]),
        (0.07, &[], true, None, Outcome::Pass, &["low-budget"]),
        (
            0.07,
            &[],
            false,
            Some("search"),
            Outcome::Pass,
            &["low-budget"],
        ),
        (
            0.07,
            &[],
            false,
            Some("payment"),
            Outcome::Blocked,
            &["low-budget"],
        ),
        (
            0.60,
            &[("page", T0 - 12 * MIN)],
            false,
            None,
            Outcome::Blocked,
            &["fast-burn"],
        ),
        (
            0.60,
            &[("page", T0 - 12 * MIN)],
            true,
            None,
            Outcome::Pass,
            &["fast-burn"],
        ),
        (
            0.60,
            &[("ticket", T0 - 2 * DAY)],
            false,
            None,
            Outcome::Pass,
            &[],
        ),
        (
            0.60,
            &[("ticket", T0 - 3 * DAY)],
            false,
            None,
            Outcome::Pass,
            &["slow-burn-3d"],
        ),
        // Exhausted: fixes do not pass a rule that wants an approval.
        (
            0.0,
            &[],
            true,
            None,
            Outcome::Blocked,
            &["low-budget", "exhausted"],
        ),
        (
            0.0,
            &[],
            false,
            None,
            Outcome::Blocked,
            &["low-budget", "exhausted"],
        ),
    ];
    let p = policy();
    for (i, (left, alerts, fix, service, want, rules)) in cases.iter().enumerate() {
        let s = slo("checkout", *left, alerts);
        let v = decide(
            &p,
            std::slice::from_ref(&s),
            &release(*service, *fix),
            &[],
            Vec::new(),
            T0,
        );
        assert_eq!(v.outcome, *want, "case {i}: {}", v.summary);
        assert_eq!(v.exit_code, want.exit_code(), "case {i}");
        let hits = holding_rules(&p, &s, T0);
        let held: Vec<&str> = hits.iter().map(|h| h.rule.as_str()).collect();
        assert_eq!(held, *rules, "case {i}");
    }
}

#[test]
fn reasons_carry_the_numbers() {
    let p = policy();
    let v = decide(
        &p,
        &[slo("checkout", 0.07, &[("page", T0 - 12 * MIN)])],
        &release(None, false),
        &[],
        Vec::new(),
        T0,
    );
    let c = &v.checks[0];
    assert_eq!(c.status, CheckStatus::Blocked);
    assert!(c.reason.contains("budget 7% < 10%"), "{}", c.reason);
    assert!(
        c.reason.contains("page alert (1h/5m) firing for 12m"),
        "{}",
        c.reason
    );
    let fast = c.rules.iter().find(|r| r.rule == "fast-burn").unwrap();
    assert_eq!(fast.since_ms, Some(T0 - 12 * MIN));
    assert!(
        v.summary
            .starts_with("release shop@2.4.1 is blocked by policy"),
        "{}",
        v.summary
    );
    // The policy's other asks are listed: fast-burn notifies.
    assert!(v.actions.iter().any(|a| a.rule == "fast-burn"));
}

#[test]
fn an_approval_for_the_release_lets_it_through_and_is_shown() {
    let p = policy();
    let approvals = [
        Approval {
            release: "other@1".into(),
            by: "bob".into(),
            reason: "x".into(),
            at_ms: T0 - HOUR,
        },
        Approval {
            release: "shop@2.4.1".into(),
            by: "alice".into(),
            reason: "rollback of 2.4.0".into(),
            at_ms: T0 - MIN,
        },
    ];
    let v = decide(
        &p,
        &[slo("checkout", 0.0, &[])],
        &release(None, false),
        &approvals,
        Vec::new(),
        T0,
    );
    assert_eq!(v.outcome, Outcome::Pass, "{}", v.summary);
    assert_eq!(v.checks[0].status, CheckStatus::Approved);
    assert!(
        v.checks[0]
            .reason
            .contains("approved by alice (rollback of 2.4.0)")
    );
    assert_eq!(v.approval.as_ref().map(|a| a.by.as_str()), Some("alice"));
    // Without an id, no approval can apply.
    let anon = Release {
        id: None,
        ..release(None, false)
    };
    let v = decide(
        &p,
        &[slo("checkout", 0.0, &[])],
        &anon,
        &approvals,
        Vec::new(),
        T0,
    );
    assert_eq!(v.outcome, Outcome::Blocked);
    assert!(
        v.checks[0].reason.contains("needs an approval"),
        "{}",
        v.checks[0].reason
    );
}

#[test]
fn the_forecast_condition_follows_time() {
    let p = policy();
    let mut s = slo("checkout", 0.4, &[]);
    s.exhaustion_at_ms = Some(T0 + 10 * DAY);
    for (now, holds) in [
        (T0, false),
        (T0 + 3 * DAY - MIN, false),
        (T0 + 3 * DAY, true),
        (T0 + 9 * DAY, true),
    ] {
        let held = holding_rules(&p, &s, now)
            .iter()
            .any(|h| h.rule == "forecast-week");
        assert_eq!(held, holds, "at +{} h", (now - T0) / HOUR);
    }
}

#[test]
fn no_data_cannot_decide_and_journeys_failing_exit_two() {
    let p = policy();
    let mut empty = slo("checkout", 1.0, &[]);
    empty.valid_events = 0;
    empty.budget_remaining = None;
    let v = decide(&p, &[empty], &release(None, false), &[], Vec::new(), T0);
    assert_eq!((v.outcome, v.exit_code), (Outcome::Undecided, 3));
    assert_eq!(v.checks[0].status, CheckStatus::NoData);

    let v = decide(&p, &[], &release(None, false), &[], Vec::new(), T0);
    assert_eq!(v.outcome, Outcome::Undecided);

    let failed = JourneyResult {
        journey: "checkout".into(),
        passed: false,
        reason: Some("step pay: HTTP 502".into()),
        run_id: Some("r1".into()),
        duration_ms: 4_200,
    };
    let v = decide(
        &p,
        &[slo("checkout", 0.9, &[])],
        &release(None, false),
        &[],
        vec![failed.clone()],
        T0,
    );
    assert_eq!((v.outcome, v.exit_code), (Outcome::JourneysFailed, 2));
    // Blocked wins over failed journeys.
    let v = decide(
        &p,
        &[slo("checkout", 0.05, &[])],
        &release(None, false),
        &[],
        vec![failed],
        T0,
    );
    assert_eq!(v.exit_code, 1);
}

#[test]
fn slos_outside_the_policy_are_not_checked() {
    let mut p = policy();
    p.slos = vec!["checkout-*".into()];
    let v = decide(
        &p,
        &[
            slo("checkout-availability", 0.9, &[]),
            slo("login", 0.01, &[]),
        ],
        &release(None, false),
        &[],
        Vec::new(),
        T0,
    );
    assert_eq!(v.checks.len(), 1);
    assert_eq!(v.outcome, Outcome::Pass);
}

#[test]
fn an_unknown_path_freezes_every_service() {
    let p = policy();
    let mut s = slo("checkout", 0.05, &[]);
    s.services = None;
    let v = decide(
        &p,
        &[s],
        &release(Some("search"), false),
        &[],
        Vec::new(),
        T0,
    );
    assert_eq!(v.outcome, Outcome::Blocked);
}
