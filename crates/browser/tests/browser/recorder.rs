//! The recorder, for real: headless Chromium, mouse and keyboard events
//! synthesized through the CDP Input domain on a local page, then the
//! recorded journey replayed green.

use std::collections::BTreeMap;
use std::time::Duration;

use sightline_browser::SecretSource;
use sightline_browser::recorder::Recorder;
use sightline_core::Outcome;
use sightline_core::journey::{AssertedEvent, Step};

use crate::pages::servers;
use crate::{ONE_AT_A_TIME, chromium, options, table};

async fn settle() {
    tokio::time::sleep(Duration::from_millis(400)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_recorded_session_becomes_a_journey_that_replays_green() {
    let Some(launch) = chromium() else { return };
    let _guard = ONE_AT_A_TIME.lock().await;
    let (main, _other) = servers().await;
    let rec = Recorder::start(&launch, &format!("{}/", main.origin))
        .await
        .unwrap();
    let page = rec.page();
    settle().await;
    // Real input: CDP Input.dispatchMouseEvent and Input.dispatchKeyEvent.
    page.find_element("#name")
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    page.find_element("#name")
        .await
        .unwrap()
        .type_str("Ada")
        .await
        .unwrap();
    page.find_element("#go")
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    settle().await;
    page.find_element("a[href='/next']")
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    settle().await;
    page.wait_for_navigation().await.unwrap();
    settle().await;
    let recording = rec.stop("recorded-home").await.unwrap();
    let j = &recording.journey;
    assert_eq!(j.name, "recorded-home");
    assert_eq!(j.base_url.as_deref(), Some(main.origin.as_str()));
    let kinds: Vec<&str> = j.steps.iter().map(Step::type_name).collect();
    assert_eq!(
        kinds,
        ["setViewport", "navigate", "change", "click", "click"],
        "{j:#?}"
    );
    let Step::Navigate(nav) = &j.steps[1] else {
        unreachable!()
    };
    assert_eq!(nav.url, "/");
    let Step::Change(change) = &j.steps[2] else {
        unreachable!()
    };
    assert_eq!(change.value, "Ada");
    // Alternatives, best first: ARIA name from the label, then id, CSS, XPath.
    let sel: Vec<String> = change.selectors.iter().map(|s| format!("{s:?}")).collect();
    assert!(
        sel[0].contains("aria/Your name[role=\\\"textbox\\\"]"),
        "{sel:?}"
    );
    assert!(sel.iter().any(|s| s.contains("#name")), "{sel:?}");
    assert!(sel.iter().any(|s| s.contains("xpath/")), "{sel:?}");
    let Step::Click(link) = &j.steps[4] else {
        unreachable!()
    };
    assert_eq!(
        link.meta.asserted_events,
        Some(vec![AssertedEvent::Navigation {
            url: Some("/next".into()),
            title: None
        }]),
        "the click that navigated carries the navigation"
    );

    // The recording replays green, as recorded.
    let yaml = sightline_journeys::to_yaml(j).unwrap();
    let loaded = sightline_journeys::from_yaml_str(&yaml, "recorded.yaml").unwrap();
    let mut replayer = sightline_browser::Replayer::new(launch).unwrap();
    let report = replayer.replay(&loaded, &options()).await;
    replayer.shutdown().await;
    assert_eq!(
        report.run.outcome,
        Outcome::Pass,
        "{}\n{yaml}",
        table(&report)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_typed_password_becomes_a_secret_reference_and_never_clear_text() {
    let Some(launch) = chromium() else { return };
    let _guard = ONE_AT_A_TIME.lock().await;
    let (main, _other) = servers().await;
    let rec = Recorder::start(&launch, &format!("{}/form", main.origin))
        .await
        .unwrap();
    settle().await;
    let field = rec.page().find_element("#password").await.unwrap();
    field.click().await.unwrap();
    field.type_str("hunter22-secret").await.unwrap();
    field.press_key("Enter").await.unwrap();
    settle().await;
    let recording = rec.stop("login").await.unwrap();
    let yaml = sightline_journeys::to_yaml(&recording.journey).unwrap();
    assert!(!yaml.contains("hunter22"), "{yaml}");
    assert_eq!(
        recording.journey.secrets,
        vec!["password".to_owned()],
        "{yaml}"
    );
    let change = recording
        .journey
        .steps
        .iter()
        .find_map(|s| match s {
            Step::Change(c) => Some(c),
            _ => None,
        })
        .expect("a change step");
    assert_eq!(change.value, "{{secret.password}}");
    let keys: Vec<&str> = recording
        .journey
        .steps
        .iter()
        .map(Step::type_name)
        .collect();
    assert!(keys.ends_with(&["change", "keyDown", "keyUp"]), "{keys:?}");

    let loaded = sightline_journeys::from_yaml_str(&yaml, "login.yaml").unwrap();
    let opts = sightline_browser::ReplayOptions {
        secrets: SecretSource::Map(BTreeMap::from([("password".to_owned(), "pw-1".to_owned())])),
        ..options()
    };
    let mut replayer = sightline_browser::Replayer::new(launch).unwrap();
    let report = replayer.replay(&loaded, &opts).await;
    replayer.shutdown().await;
    assert_eq!(
        report.run.outcome,
        Outcome::Pass,
        "{}\n{yaml}",
        table(&report)
    );
}
