//! The built-in answers on real stores loaded from the recorded incidents.

use std::time::Instant;

use sightline_ask::{Intent, ask};

use crate::incident;

#[test]
fn why_failing_names_the_service_region_and_release_with_evidence() {
    let tmp = tempfile::tempdir().unwrap();
    let ctx = incident("01-payment-bad-release-use1", tmp.path());
    let t = Instant::now();
    let a = ask(&ctx, "why is chekout failing?").unwrap();
    let ms = t.elapsed().as_millis();
    assert_eq!(a.intent, Intent::WhyFailing);
    assert_eq!(a.entities.journey.as_deref(), Some("demo-api-order-status"));
    assert_eq!(a.entities.slo.as_deref(), Some("orders-availability"));
    for fact in ["payment", "us-east-1", "payment@2.4.1"] {
        assert!(a.answer.contains(fact), "{fact} missing: {}", a.answer);
    }
    assert!(
        a.ungrounded.is_empty(),
        "{:?} in {}",
        a.ungrounded,
        a.answer
    );
    assert_eq!(a.source, "builtin");
    // The evidence links into the app: the SLO, and the bad runs.
    assert!(
        a.evidence
            .iter()
            .any(|e| e.link.as_deref() == Some("#/slos/orders-availability"))
    );
    assert!(
        a.evidence
            .iter()
            .any(|e| e.link.as_deref().is_some_and(|l| l.starts_with("#/runs/"))),
        "{:?}",
        a.evidence
    );
    assert!(a.followups.len() >= 2);
    assert_eq!(a.calls[0].tool, "resolve");
    assert!(a.calls.iter().any(|c| c.tool == "explain"));
    eprintln!("answered in {ms} ms");
}

#[test]
fn an_innocent_deploy_is_cleared_and_the_real_cause_named() {
    let tmp = tempfile::tempdir().unwrap();
    let ctx = incident("04-innocent-deploy-then-payment-euw1", tmp.path());
    let a = ask(&ctx, "did the last deploy cause this?").unwrap();
    assert_eq!(a.intent, Intent::DeployCaused);
    assert!(
        a.answer.starts_with("Probably not: cart@1.4.3"),
        "{}",
        a.answer
    );
    assert!(
        a.answer.contains("payment errors in eu-west-1"),
        "{}",
        a.answer
    );
    assert!(
        a.evidence
            .iter()
            .any(|e| e.kind == "event" && e.summary.contains("cart@1.4.3"))
    );
}

#[test]
fn regions_answer_to_their_nicknames_and_healthy_ones_say_so() {
    let tmp = tempfile::tempdir().unwrap();
    let ctx = incident("02-catalog-latency-euw1", tmp.path());
    for q in [
        "is eu-west ok?",
        "is Europe ok?",
        "how's eu-west-1 doing",
        "is ireland ok",
    ] {
        let a = ask(&ctx, q).unwrap();
        assert_eq!(a.entities.region.as_deref(), Some("eu-west-1"), "{q}");
        assert!(
            a.answer.starts_with("eu-west-1 is not ok"),
            "{q}: {}",
            a.answer
        );
        assert!(
            a.answer.contains("catalog latency in eu-west-1"),
            "{q}: {}",
            a.answer
        );
    }
    let a = ask(&ctx, "is mumbai ok?").unwrap();
    assert!(
        a.answer.starts_with("ap-south-1 looks healthy"),
        "{}",
        a.answer
    );
}

#[test]
fn ambiguous_and_out_of_scope_questions_ask_back_or_say_what_can_be_asked() {
    let tmp = tempfile::tempdir().unwrap();
    let ctx = incident("09-cpu-red-herring-then-payment-latency-use1", tmp.path());
    let a = ask(&ctx, "how long until the checkout budget runs out?").unwrap();
    assert_eq!(a.intent, Intent::Clarify);
    assert_eq!(a.choices, ["orders-availability", "orders-latency"]);
    assert!(
        a.answer.contains("orders-availability or orders-latency"),
        "{}",
        a.answer
    );
    let a = ask(&ctx, "write me a poem about the outage").unwrap();
    assert_eq!(a.intent, Intent::OutOfScope);
    assert!(a.answer.contains("Try asking"), "{}", a.answer);
    assert!(
        a.calls.iter().all(|c| c.tool == "resolve"),
        "nothing is looked up for it"
    );
    assert!(ask(&ctx, "   ").is_err(), "an empty question is refused");
}

#[test]
fn the_red_herring_is_ruled_out_when_asked_about() {
    let tmp = tempfile::tempdir().unwrap();
    let ctx = incident("09-cpu-red-herring-then-payment-latency-use1", tmp.path());
    let a = ask(
        &ctx,
        "inventory cpu is pegged in us-east-1, is that why orders are slow?",
    )
    .unwrap();
    assert_eq!(a.intent, Intent::WhySlow);
    assert!(
        a.answer.contains("payment latency in us-east-1"),
        "{}",
        a.answer
    );
    assert!(!a.answer.contains("inventory latency"), "{}", a.answer);
}

#[test]
fn time_zones_change_the_clock_times_not_the_facts() {
    let tmp = tempfile::tempdir().unwrap();
    let mut ctx = incident("01-payment-bad-release-use1", tmp.path());
    let utc = ask(&ctx, "when did the checkout errors start?").unwrap();
    ctx.tz = chrono_tz::Tz::Asia__Kolkata;
    let ist = ask(&ctx, "when did the checkout errors start?").unwrap();
    assert!(utc.answer.contains("(UTC;"), "{}", utc.answer);
    assert!(ist.answer.contains("(Asia/Kolkata;"), "{}", ist.answer);
    assert_ne!(utc.answer, ist.answer);
    assert!(ist.ungrounded.is_empty(), "{:?}", ist.ungrounded);
}
