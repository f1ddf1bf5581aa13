//! "Record" for real: the demo shop on loopback, the recorder's Chromium
//! (headless here) driven with CDP Input events through the DevTools address
//! the call returns, the journey written when the recording is stopped, and
//! then replayed green. Skips when /usr/bin/chromium is absent.

use std::path::Path;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use chromiumoxide::{Browser, Page};
use futures::StreamExt;
use sightline_api::record::{RecordEvent, RecordRequest, RecordStopRequest, record, record_stop};
use sightline_api::replay::{ReplayEvent, ReplayRequest, replay};
use sightline_api::{ErrorCode, IpcError};
use sightline_core::journey::{AssertedEvent, Step};

use crate::fixture::{Project, write};

fn sink<E: Send + 'static>() -> (sightline_api::EventSink<E>, mpsc::Receiver<E>) {
    let (tx, rx) = mpsc::channel();
    (Box::new(move |e| tx.send(e).is_ok()), rx)
}

fn code(e: sightline_api::ApiError) -> (ErrorCode, String) {
    let wire = IpcError::from(e);
    (wire.code, wire.message)
}

/// The recorded tab, found through a second DevTools client.
async fn recorded_page(devtools: &str, origin: &str) -> (Browser, Page) {
    let (mut browser, mut handler) = Browser::connect(devtools).await.expect("connect");
    tokio::spawn(async move { while handler.next().await.is_some() {} });
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        browser.fetch_targets().await.expect("targets");
        tokio::time::sleep(Duration::from_millis(300)).await;
        for page in browser.pages().await.expect("pages") {
            if let Ok(Some(url)) = page.url().await
                && url.starts_with(origin)
            {
                return (browser, page);
            }
        }
        assert!(Instant::now() < deadline, "the recorded tab never showed");
    }
}

#[test]
fn a_recording_started_from_the_app_is_saved_over_the_old_file_and_replays_green() {
    if !Path::new(sightline_browser::DEFAULT_CHROMIUM).exists() {
        eprintln!("skipped: {} is absent", sightline_browser::DEFAULT_CHROMIUM);
        return;
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let shop = runtime
        .block_on(sightline_demo_shop::start(
            sightline_demo_shop::ShopConfig {
                regions: vec!["eu-west-1".into()],
                ..Default::default()
            },
        ))
        .expect("demo shop");
    let url = shop.frontend_url("eu-west-1").unwrap().to_owned();
    let origin = url.trim_end_matches('/').to_owned();

    let p = Project::new();
    // What a person wrote about the journey survives a new recording of it.
    write(
        p.root(),
        "journeys/shop.yaml",
        &format!(
            "name: shop-search\ndescription: Search for a lantern.\ntags: [shop]\nbaseUrl: {origin}\n\
         timeouts: {{ runMs: 30000, stepMs: 5000 }}\nsteps:\n  - type: navigate\n    url: /\n"
        ),
    );
    let ctx = p.ctx.clone().with_clock(sightline_api::system_now_ms);
    let ask = |file: &str, replace: bool| RecordRequest {
        url: url.clone(),
        file: file.into(),
        name: Some("shop-search".into()),
        replace,
        headed: false,
    };

    // Refusals name the field, and start no browser.
    for (req, field) in [
        (
            ask("journeys/shop.yaml", false),
            "journeys/shop.yaml exists",
        ),
        (ask("../shop.yaml", true), "\"../shop.yaml\""),
        (ask("slos/shop.yaml", true), "under journeys/"),
        (
            ask("journeys/other.yaml", true),
            "journeys/shop.yaml already defines",
        ),
    ] {
        let (c, message) = code(record(&ctx, req, sink().0).unwrap_err());
        assert_eq!(c, ErrorCode::InvalidRequest, "{message}");
        assert!(message.contains(field), "{field}: {message}");
    }
    let (c, _) = code(record_stop(&ctx, RecordStopRequest {}).unwrap_err());
    assert_eq!(c, ErrorCode::NotFound, "nothing to stop yet");
    // A site that is down is named, and frees the slot.
    let down = RecordRequest {
        url: "http://127.0.0.1:9/".into(),
        name: Some("down".into()),
        ..ask("journeys/down.yaml", false)
    };
    let (_, message) = code(record(&ctx, down, sink().0).unwrap_err());
    assert!(
        message.contains("could not open http://127.0.0.1:9/"),
        "{message}"
    );
    assert!(!p.root().join("journeys/down.yaml").exists());

    let (events, rx) = sink();
    let started = record(&ctx, ask("journeys/shop.yaml", true), events).expect("recording");
    assert!(started.replaces);
    assert_eq!(started.name, "shop-search");
    // One recording at a time.
    let other = RecordRequest {
        name: Some("another".into()),
        ..ask("journeys/new.yaml", false)
    };
    let (c, _) = code(record(&ctx, other, sink().0).unwrap_err());
    assert_eq!(c, ErrorCode::Busy);

    // A person's session, as CDP Input events on the recorded tab.
    runtime.block_on(async {
        let (_browser, page) = recorded_page(&started.devtools_url, &origin).await;
        let deadline = Instant::now() + Duration::from_secs(15);
        let input = loop {
            if let Ok(e) = page.find_element("#search-input").await {
                break e;
            }
            assert!(Instant::now() < deadline, "no search box");
            tokio::time::sleep(Duration::from_millis(200)).await;
        };
        input.click().await.unwrap();
        input.type_str("lantern").await.unwrap();
        page.find_element("[data-testid=search-submit]")
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        let _ = tokio::time::timeout(Duration::from_secs(10), page.wait_for_navigation()).await;
        tokio::time::sleep(Duration::from_millis(500)).await;
    });

    // The steps are pushed as they are recorded.
    let mut steps_seen = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(20);
    while !matches!(steps_seen.last(), Some(RecordEvent::Step { count, .. }) if *count >= 2) {
        assert!(
            Instant::now() < deadline,
            "steps never reported: {steps_seen:?}"
        );
        if let Ok(e) = rx.recv_timeout(Duration::from_secs(1)) {
            assert!(matches!(e, RecordEvent::Step { .. }), "{e:?}");
            steps_seen.push(e);
        }
    }
    record_stop(&ctx, RecordStopRequest {}).expect("stop");
    let saved = loop {
        match rx.recv_timeout(Duration::from_secs(30)).expect("saved") {
            RecordEvent::Saved {
                file, name, steps, ..
            } => break (file, name, steps),
            RecordEvent::Failed { message } => panic!("{message}"),
            RecordEvent::Step { .. } => {}
        }
    };
    assert_eq!(saved.0, "journeys/shop.yaml");
    assert_eq!(saved.1, "shop-search");

    let loaded = sightline_journeys::load(&p.root().join("journeys/shop.yaml")).unwrap();
    let j = &loaded.journey;
    assert_eq!(saved.2 as usize, j.steps.len());
    assert_eq!(j.description, "Search for a lantern.");
    assert_eq!(j.tags, ["shop"]);
    assert_eq!(j.base_url.as_deref(), Some(origin.as_str()));
    assert!(
        j.steps
            .iter()
            .any(|s| matches!(s, Step::Change(c) if c.value == "lantern")),
        "{j:#?}"
    );
    assert!(
        j.steps.iter().any(|s| matches!(s, Step::Click(c)
            if c.meta.asserted_events.as_ref().is_some_and(|e| e.iter().any(|e| matches!(e,
                AssertedEvent::Navigation { url: Some(u), .. } if u.starts_with("/search")))))),
        "the search click carries its navigation: {j:#?}"
    );
    let (c, _) = code(record_stop(&ctx, RecordStopRequest {}).unwrap_err());
    assert_eq!(c, ErrorCode::NotFound, "the slot is free again");

    // The recording replays green, against the shop it was recorded on.
    let (events, rx) = sink();
    replay(
        &ctx,
        ReplayRequest {
            journey: "shop-search".into(),
            region: None,
            headed: false,
        },
        events,
    )
    .expect("replay starts");
    let run = loop {
        match rx.recv_timeout(Duration::from_secs(90)).expect("an event") {
            ReplayEvent::Finished { run } => break run,
            ReplayEvent::Failed { message } => panic!("{message}"),
            _ => {}
        }
    };
    assert_eq!(run.outcome, "pass", "{run:?}");
    drop(shop);
}
