//! Entity linking and intents on a hand-built catalogue: synonyms, typos,
//! region nicknames.

use sightline_ask::catalog::{Catalog, JourneyInfo, Release};
use sightline_ask::{Intent, resolve};

fn catalog() -> Catalog {
    Catalog {
        journeys: vec![JourneyInfo {
            name: "shop-checkout".into(),
            description: String::new(),
            tags: vec!["checkout".into()],
            steps: vec!["Pay for the order".into()],
        }],
        services: vec!["payment".into(), "cart".into()],
        regions: vec![
            "us-east-1".into(),
            "eu-west-1".into(),
            "eu-central-1".into(),
        ],
        releases: vec![Release {
            event_id: "e1".into(),
            service: "payment".into(),
            version: "2.4.1".into(),
            region: Some("us-east-1".into()),
            at_ms: 0,
        }],
        ..Catalog::default()
    }
}

fn read(q: &str) -> sightline_ask::Resolved {
    resolve(q, &catalog(), 1_796_139_000_000, chrono_tz::Tz::UTC).0
}

#[test]
fn region_codes_nicknames_and_typos_reach_one_region() {
    for q in [
        "is eu-west ok",
        "is eu-west-1 ok",
        "is euw1 ok",
        "is ireland ok",
        "is eu-wset-1 ok",
        "is EU West ok",
    ] {
        assert_eq!(read(q).entities.region.as_deref(), Some("eu-west-1"), "{q}");
    }
    assert_eq!(
        read("is virginia ok").entities.region.as_deref(),
        Some("us-east-1")
    );
    // Europe has two regions here: nothing is guessed.
    assert_eq!(read("is europe ok").entities.region, None);
    assert_eq!(read("is us-east-2 ok").entities.region, None);
}

#[test]
fn journeys_services_and_releases_link_with_synonyms() {
    let r = read("did paymnet 2.4.1 break the chekout?");
    assert_eq!(r.intent, Intent::DeployCaused);
    assert_eq!(r.entities.release.as_deref(), Some("payment@2.4.1"));
    assert_eq!(r.entities.service.as_deref(), Some("payment"));
    assert_eq!(r.entities.journey.as_deref(), Some("shop-checkout"));
    assert_eq!(
        read("why are purchases failing")
            .entities
            .journey
            .as_deref(),
        Some("shop-checkout")
    );
    assert_eq!(
        read("why is paying for the order slow")
            .entities
            .step
            .as_deref(),
        Some("Pay for the order")
    );
    // "cart" is a service; "card" is only a word.
    assert_eq!(read("is the card ok").entities.service, None);
}

#[test]
fn intents_follow_the_wording() {
    let cases = [
        ("what's burning our error budget?", Intent::Burning),
        ("when did checkout start failing?", Intent::WhenStarted),
        ("how long until the budget runs out?", Intent::Forecast),
        ("compare us-east-1 with eu-west-1", Intent::Compare),
        ("what changed in the last hour?", Intent::Changes),
        ("show recent checkout failures", Intent::RecentFailures),
        ("why is checkout slow?", Intent::WhySlow),
        ("is payment healthy?", Intent::Status),
        ("what's the weather like", Intent::OutOfScope),
    ];
    for (q, want) in cases {
        assert_eq!(read(q).intent, want, "{q}");
    }
    let r = read("compare us-east-1 with eu-west-1");
    assert_eq!(r.entities.other_region.as_deref(), Some("eu-west-1"));
    let r = read("what changed in the last 30 minutes?");
    assert_eq!(r.range_ms, Some(30 * 60_000));
}
