//! Deploys switch versions and reach Sightline's deploy-event endpoint.

use serde_json::{Value, json};
use sightline_core::EventKind;
use sightline_store::{Store, queries};

use crate::{admin_post, get_json, receiver, shop_with};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deploy_events_reach_sightlines_receiver() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("events.db");
    let (base, receiver) = receiver(&db).await;
    let shop = shop_with(&["us-east-1", "eu-west-1"], |c| {
        c.deploy_webhook = Some(format!("{base}/v1/events/deploy"));
    })
    .await;
    let answer = admin_post(
        &shop,
        "/admin/deploy",
        json!({"service": "payment", "version": "2.4.1", "region": "us-east-1"}),
    )
    .await;
    assert_eq!(answer["delivered"], true, "{answer}");

    // No region: every region, one event each.
    admin_post(
        &shop,
        "/admin/deploy",
        json!({"service": "cart", "version": "1.5.0", "commit": "abc123"}),
    )
    .await;
    let log: Vec<Value> = get_json(format!("{}/admin/deploys", shop.admin_url())).await;
    assert_eq!(log.len(), 3);
    assert_eq!(log[0]["previous_version"], "2.4.0");
    assert_eq!(shop.state().releases.version("cart", "eu-west-1"), "1.5.0");
    assert_eq!(
        shop.state().releases.version("payment", "eu-west-1"),
        "2.4.0"
    );
    shop.shutdown().await;
    receiver.stop().await;

    let store = Store::open_read_only(&db).unwrap();
    let events = queries::events::deploys_between(store.conn(), 0, i64::MAX).unwrap();
    assert_eq!(events.len(), 3, "{events:#?}");
    let deploys: Vec<_> = events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::Deploy(d) => Some((e, d)),
            _ => None,
        })
        .collect();
    let (payment_event, payment) = deploys
        .iter()
        .find(|(_, d)| d.service == "payment")
        .expect("the payment deploy is stored");
    assert_eq!(
        (
            payment.release_id.as_str(),
            payment.version.as_str(),
            payment.region.as_deref()
        ),
        ("payment@2.4.1", "2.4.1", Some("us-east-1"))
    );
    assert_eq!(payment.commit.as_deref().map(str::len), Some(12));
    assert_eq!(
        payment_event.at_ms,
        log[0]["time_ms"].as_i64().unwrap(),
        "stored at the shop's deploy time, not at arrival"
    );
    let mut cart_regions: Vec<_> = deploys
        .iter()
        .filter(|(_, d)| d.service == "cart")
        .map(|(_, d)| (d.region.clone().unwrap_or_default(), d.commit.clone()))
        .collect();
    cart_regions.sort();
    assert_eq!(
        cart_regions,
        [
            ("eu-west-1".to_owned(), Some("abc123".to_owned())),
            ("us-east-1".to_owned(), Some("abc123".to_owned()))
        ]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_deploy_command_rolls_a_release_out_on_a_running_shop() {
    let shop = shop_with(&["us-east-1", "eu-west-1"], |_| {}).await;
    let admin = shop.admin_url().to_owned();
    let deploy = move |args: &'static [&'static str]| {
        let admin = admin.clone();
        tokio::task::spawn_blocking(move || {
            std::process::Command::new(env!("CARGO_BIN_EXE_sightline-demo-shop"))
                .args(["deploy", "--admin", &admin])
                .args(args)
                .output()
                .unwrap()
        })
    };
    let out = deploy(&[
        "--service",
        "payment",
        "--version",
        "2.4.1",
        "--region",
        "us-east-1",
    ])
    .await
    .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let answer: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(answer["events"][0]["release_id"], "payment@2.4.1");
    assert_eq!(
        shop.state().releases.version("payment", "us-east-1"),
        "2.4.1"
    );
    assert_eq!(
        shop.state().releases.version("payment", "eu-west-1"),
        "2.4.0"
    );

    let out = deploy(&["--service", "billing", "--version", "1.0.0"])
        .await
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("refused the deploy") && err.contains("billing"),
        "{err}"
    );
}
