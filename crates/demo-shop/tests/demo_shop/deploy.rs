//! Deploys switch versions and reach the configured webhook.

use std::sync::{Arc, Mutex};

use axum::Json;
use axum::routing::post;
use serde_json::{Value, json};

use crate::{admin_post, client, shop_with};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deploy_events_reach_a_local_receiver() {
    let received: Arc<Mutex<Vec<Value>>> = Arc::default();
    let sink = received.clone();
    let app = axum::Router::new().route(
        "/events",
        post(move |Json(v): Json<Value>| {
            let sink = sink.clone();
            async move { sink.lock().unwrap().push(v) }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/events", listener.local_addr().unwrap());
    let receiver = tokio::spawn(async move { axum::serve(listener, app).await });

    let shop = shop_with(&["us-east-1", "eu-west-1"], |c| {
        c.deploy_webhook = Some(url)
    })
    .await;
    let answer = admin_post(
        &shop,
        "/admin/deploy",
        json!({"service": "payment", "version": "2.4.1", "region": "us-east-1"}),
    )
    .await;
    assert_eq!(answer["delivered"], true);
    {
        let got = received.lock().unwrap();
        assert_eq!(got.len(), 1);
        let e = &got[0];
        assert_eq!(
            (
                &e["release_id"],
                &e["service"],
                &e["version"],
                &e["region"],
                &e["previous_version"]
            ),
            (
                &json!("payment@2.4.1"),
                &json!("payment"),
                &json!("2.4.1"),
                &json!("us-east-1"),
                &json!("2.4.0")
            )
        );
        assert_eq!(e["commit"].as_str().unwrap().len(), 12);
        assert!(e["time_ms"].as_i64().unwrap() > 1_700_000_000_000);
    }

    // No region: every region, one event each.
    admin_post(
        &shop,
        "/admin/deploy",
        json!({"service": "cart", "version": "1.5.0", "commit": "abc123"}),
    )
    .await;
    assert_eq!(received.lock().unwrap().len(), 3);
    let log: Vec<Value> = client()
        .get(format!("{}/admin/deploys", shop.admin_url()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(log.len(), 3);
    assert_eq!(shop.state().releases.version("cart", "eu-west-1"), "1.5.0");
    assert_eq!(
        shop.state().releases.version("payment", "eu-west-1"),
        "2.4.0"
    );
    receiver.abort();
}
