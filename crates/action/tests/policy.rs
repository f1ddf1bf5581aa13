use sightline_action::policy::{self, Effect, Policy, Scope, glob_match};

const EXAMPLE: &str = "\
apiVersion: sightline/v1
kind: ErrorBudgetPolicy
slos: [\"checkout-*\"]
rules:
  - name: freeze
    when: { budget_remaining_below: 10% }
    then: [block]
    except_fixes: true
  - name: exhausted
    when: { budget_exhausted: true }
    then: [notify, require_approval]
    scope: all
  - name: slow-burn
    when: { alert_firing: { severity: ticket, for: 3d } }
    then: [open_incident]
  - name: forecast
    when: { exhaustion_within: 7d }
    then: [notify]
    scope: { services: [payment] }
";

#[test]
fn the_documented_example_parses_with_every_condition_and_effect() {
    let p = policy::parse("example.yaml", EXAMPLE).unwrap();
    assert_eq!(p.rules.len(), 4);
    assert_eq!(p.rules[0].when.budget_remaining_below, Some(0.1));
    assert!(p.rules[0].except_fixes);
    assert_eq!(
        p.rules[1].then,
        vec![Effect::Notify, Effect::RequireApproval]
    );
    assert_eq!(p.rules[1].scope, Scope::All);
    let slow = p.rules[2].when.alert_firing.as_ref().unwrap();
    assert_eq!(
        (slow.severity.as_deref(), slow.for_ms),
        (Some("ticket"), 3 * 86_400_000)
    );
    assert_eq!(p.rules[3].when.exhaustion_within_ms, Some(7 * 86_400_000));
    assert_eq!(p.rules[3].scope, Scope::Services(vec!["payment".into()]));
    assert!(p.covers("checkout-availability"));
    assert!(!p.covers("login-latency"));
}

#[test]
fn the_built_in_default_is_a_valid_policy() {
    let p = Policy::default_policy();
    let names: Vec<&str> = p.rules.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, ["fast-burn", "low-budget", "exhausted"]);
}

#[test]
fn errors_name_the_file_and_the_field() {
    let cases = [
        (
            "apiVersion: v0\nkind: ErrorBudgetPolicy\nrules: []\n",
            "apiVersion",
        ),
        (
            "apiVersion: sightline/v1\nkind: ErrorBudgetPolicy\nrules:\n  - name: a\n    when: { budget_remaining_below: 140% }\n    then: [block]\n",
            "rules[0].when.budget_remaining_below",
        ),
        (
            "apiVersion: sightline/v1\nkind: ErrorBudgetPolicy\nrules:\n  - name: a\n    when: {}\n    then: [block]\n",
            "rules[0].when",
        ),
        (
            "apiVersion: sightline/v1\nkind: ErrorBudgetPolicy\nrules:\n  - name: a\n    when: { budget_exhausted: true }\n    then: [explode]\n",
            "rules[0].then",
        ),
        (
            "apiVersion: sightline/v1\nkind: ErrorBudgetPolicy\nrules:\n  - name: a\n    when: { alert_firing: { severity: urgent } }\n    then: [block]\n",
            "rules[0].when.alert_firing.severity",
        ),
        (
            "apiVersion: sightline/v1\nkind: ErrorBudgetPolicy\nrules:\n  - name: a\n    when: { budget_exhausted: true }\n    then: [block]\n  - name: a\n    when: { budget_exhausted: true }\n    then: [block]\n",
            "rules[1].name",
        ),
        (
            "apiVersion: sightline/v1\nkind: ErrorBudgetPolicy\nrules:\n  - name: a\n    wen: { budget_exhausted: true }\n    then: [block]\n",
            "rules[0]",
        ),
    ];
    for (text, field) in cases {
        let e = policy::parse("p.yaml", text).unwrap_err().to_string();
        assert!(e.starts_with("p.yaml: "), "{e}");
        assert!(e.contains(field), "{field} not in {e}");
    }
}

#[test]
fn a_yaml_syntax_error_gives_the_line() {
    let e = policy::parse("p.yaml", "apiVersion: sightline/v1\nkind: [\n").unwrap_err();
    assert!(e.to_string().contains("line"), "{e}");
}

#[test]
fn globs_match_like_shell_stars() {
    for (p, t, want) in [
        ("*", "anything", true),
        ("checkout-*", "checkout-latency", true),
        ("checkout-*", "login", false),
        ("*-latency", "checkout-latency", true),
        ("a*b*c", "axxbyyc", true),
        ("a*b*c", "axxbyy", false),
        ("exact", "exact", true),
    ] {
        assert_eq!(glob_match(p, t), want, "{p} vs {t}");
    }
}
