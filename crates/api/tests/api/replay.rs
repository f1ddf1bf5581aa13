//! "Replay now" for real: the demo shop on loopback, the demo journey in
//! headless Chromium, each step pushed as it happens, the run stored and
//! announced to the live subscriber. Skips when /usr/bin/chromium is absent.

use std::path::Path;
use std::sync::mpsc;
use std::time::Duration;

use sightline_api::live::SubscribeRequest;
use sightline_api::replay::{ReplayEvent, ReplayRequest, replay};
use sightline_api::runs::{RunDetailRequest, run_detail};
use sightline_api::{ErrorCode, IpcError, subscribe};

use crate::fixture::{Project, write};

fn sink<E: Send + 'static>() -> (sightline_api::EventSink<E>, mpsc::Receiver<E>) {
    let (tx, rx) = mpsc::channel();
    (Box::new(move |e| tx.send(e).is_ok()), rx)
}

#[test]
fn replay_now_pushes_every_step_live_and_stores_the_run() {
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

    let p = Project::new();
    let journey = std::fs::read_to_string(
        std::path::Path::new(
            &std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"),
        )
        .join("../../journeys/demo/browse-search.yaml"),
    )
    .unwrap();
    write(p.root(), "journeys/demo/browse-search.yaml", &journey);
    write(
        p.root(),
        "sightline.toml",
        &format!(
            "[regions.eu-west-1]\nbase_url = \"{url}\"\n\n[[schedule]]\njourney = \"journeys/demo/browse-search.yaml\"\nevery = \"1m\"\n"
        ),
    );
    // The real clock: the run is stored with its true time.
    let ctx = p.ctx.clone().with_clock(sightline_api::system_now_ms);
    let (live, live_rx) = sink();
    subscribe(&ctx, SubscribeRequest::default(), live).unwrap();

    let (events, rx) = sink();
    let started = replay(
        &ctx,
        ReplayRequest {
            journey: "demo-browse-search".into(),
            region: Some("eu-west-1".into()),
            headed: false,
        },
        events,
    )
    .expect("replay starts");
    assert_eq!(started.region, "eu-west-1");
    assert_eq!(started.base_url.as_deref(), Some(url.as_str()));
    assert_eq!(started.steps.len(), 8);

    // A second replay while one runs is refused at once.
    let (other, _other_rx) = sink();
    let busy = replay(
        &ctx,
        ReplayRequest {
            journey: "demo-browse-search".into(),
            region: None,
            headed: false,
        },
        other,
    )
    .unwrap_err();
    assert_eq!(IpcError::from(busy).code, ErrorCode::Busy);

    let mut seen = Vec::new();
    let finished = loop {
        match rx.recv_timeout(Duration::from_secs(90)).expect("an event") {
            ReplayEvent::Finished { run } => break run,
            ReplayEvent::Failed { message } => panic!("replay failed: {message}"),
            e => seen.push(e),
        }
    };
    assert_eq!(finished.outcome, "pass", "{seen:?}");
    assert_eq!(seen.len(), 16, "a start and an end per step: {seen:?}");
    for (i, pair) in seen.chunks(2).enumerate() {
        assert!(
            matches!(&pair[0], ReplayEvent::StepStarted { index, .. } if *index as usize == i),
            "{pair:?}"
        );
        match &pair[1] {
            ReplayEvent::StepFinished { step } => {
                assert_eq!(step.index as usize, i);
                assert_eq!(step.name, started.steps[i].name);
                assert_eq!(step.outcome, "pass");
            }
            other => panic!("{other:?}"),
        }
    }
    let change = live_rx
        .recv_timeout(Duration::from_secs(5))
        .expect("the stored run is announced");
    assert!(change.runs);
    let stored = run_detail(
        &ctx,
        RunDetailRequest {
            run_id: finished.id.clone(),
        },
    )
    .unwrap();
    assert_eq!(stored.steps.len(), 8);
    assert_eq!(stored.run.region, "eu-west-1");

    // The slot is free again once finished.
    let (again, again_rx) = sink();
    replay(
        &ctx,
        ReplayRequest {
            journey: "demo-browse-search".into(),
            region: Some("eu-west-1".into()),
            headed: false,
        },
        again,
    )
    .expect("a second replay after the first");
    loop {
        if let ReplayEvent::Finished { .. } | ReplayEvent::Failed { .. } =
            again_rx.recv_timeout(Duration::from_secs(90)).unwrap()
        {
            break;
        }
    }
    runtime.block_on(shop.shutdown());
}

#[test]
fn replay_refuses_unknown_journeys_and_regions() {
    let p = Project::new();
    let (s, _rx) = sink();
    let err = IpcError::from(
        replay(
            &p.ctx,
            ReplayRequest {
                journey: "ghost".into(),
                region: None,
                headed: false,
            },
            s,
        )
        .unwrap_err(),
    );
    assert_eq!(err.code, ErrorCode::NotFound);
    assert!(err.message.starts_with("journey:"));
    let (s, _rx) = sink();
    let err = IpcError::from(
        replay(
            &p.ctx,
            ReplayRequest {
                journey: "checkout".into(),
                region: Some("mars-1".into()),
                headed: false,
            },
            s,
        )
        .unwrap_err(),
    );
    assert_eq!(err.code, ErrorCode::BadInput);
    assert!(err.message.starts_with("region:"), "{}", err.message);
}
