//! Faults hit only the service, region and version they name, with real symptoms.

use std::time::{Duration, Instant};

use reqwest::header::COOKIE;
use serde_json::json;

use crate::{admin_post, checkout, client, get_json, location, login, shop};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn payment_latency_in_us_east_1_times_out_checkout_there_only() {
    let shop = shop(&["us-east-1", "eu-west-1"]).await;
    let kind = json!({"type": "latency", "ms": 3000});
    admin_post(
        &shop,
        "/admin/faults",
        json!({"service": "payment", "region": "us-east-1", "kind": kind}),
    )
    .await;
    let c = client();

    let us = shop.frontend_url("us-east-1").unwrap().to_owned();
    let cookie = login(&c, &us, "bob@example.com").await;
    let started = Instant::now();
    let r = checkout(&c, &us, &cookie).await;
    assert_eq!(r.status(), 504, "checkout in us-east-1 must time out");
    assert!(
        started.elapsed() >= Duration::from_millis(900),
        "a real timeout takes the timeout"
    );
    let body = r.text().await.unwrap();
    assert!(
        body.contains("The payment service did not answer in time."),
        "{body}"
    );
    assert!(body.contains("data-testid=\"error-message\""));

    // Pages that don't touch payment are unaffected, and so is the other region.
    let home = c
        .get(format!("{us}/"))
        .header(COOKIE, &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(home.status(), 200);
    let eu = shop.frontend_url("eu-west-1").unwrap().to_owned();
    let cookie = login(&c, &eu, "bob@example.com").await;
    let r = checkout(&c, &eu, &cookie).await;
    assert_eq!(
        (r.status().as_u16(), location(&r)),
        (303, "/checkout/confirmation")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_release_fault_hurts_only_while_its_version_runs() {
    let shop = shop(&["us-east-1"]).await;
    let kind = json!({"type": "bad_release", "version": "2.4.1", "error_rate": 1.0});
    admin_post(
        &shop,
        "/admin/faults",
        json!({"service": "payment", "region": "us-east-1", "kind": kind}),
    )
    .await;
    let base = shop.frontend_url("us-east-1").unwrap().to_owned();
    let c = client();
    let cookie = login(&c, &base, "bob@example.com").await;

    assert_eq!(
        checkout(&c, &base, &cookie).await.status(),
        303,
        "2.4.0 is fine"
    );
    admin_post(
        &shop,
        "/admin/deploy",
        json!({"service": "payment", "version": "2.4.1", "region": "us-east-1"}),
    )
    .await;
    let r = checkout(&c, &base, &cookie).await;
    assert_eq!(r.status(), 502, "2.4.1 fails every charge");
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("payment 2.4.1 internal error")
    );
    admin_post(
        &shop,
        "/admin/deploy",
        json!({"service": "payment", "version": "2.4.0", "region": "us-east-1"}),
    )
    .await;
    assert_eq!(
        checkout(&c, &base, &cookie).await.status(),
        303,
        "rolled back"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cpu_spike_red_herring_changes_no_response() {
    let shop = shop(&["us-east-1"]).await;
    let base = shop.frontend_url("us-east-1").unwrap().to_owned();
    let c = client();
    let pages = ["/", "/search?q=mug", "/products/MUG-2"];
    let mut before = Vec::new();
    for p in pages {
        let r = c.get(format!("{base}{p}")).send().await.unwrap();
        before.push((r.status(), r.text().await.unwrap()));
    }
    let kind = json!({"type": "cpu_spike", "threads": 1});
    let id = admin_post(
        &shop,
        "/admin/faults",
        json!({"service": "catalog", "region": "us-east-1", "kind": kind}),
    )
    .await;
    for (p, expected) in pages.iter().zip(&before) {
        let r = c.get(format!("{base}{p}")).send().await.unwrap();
        assert_eq!(
            &(r.status(), r.text().await.unwrap()),
            expected,
            "{p} changed under a CPU spike"
        );
    }
    let id = id["id"].as_str().unwrap();
    let cleared = c
        .delete(format!("{}/admin/faults/{id}", shop.admin_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(cleared.status(), 204);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn restart_storm_pool_exhaustion_and_dependency_timeout_have_real_symptoms() {
    let shop = shop(&["us-east-1"]).await;
    let base = shop.frontend_url("us-east-1").unwrap().to_owned();
    let c = client();

    // A crash-looping catalog: the home page is a 502, and restarts are counted.
    let storm = json!({"type": "restart_storm", "period_ms": 60000, "down_ms": 60000});
    admin_post(
        &shop,
        "/admin/faults",
        json!({"id": "storm", "service": "catalog", "region": "us-east-1", "kind": storm}),
    )
    .await;
    let r = c.get(format!("{base}/")).send().await.unwrap();
    assert_eq!(r.status(), 502);
    assert!(r.text().await.unwrap().contains("catalog is restarting"));
    let faults: serde_json::Value = get_json(format!("{}/admin/faults", shop.admin_url())).await;
    assert!(
        faults[0]["restarts"].as_u64().unwrap() >= 1 && faults[0]["hits"].as_u64().unwrap() >= 1
    );
    c.delete(format!("{}/admin/faults/storm", shop.admin_url()))
        .send()
        .await
        .unwrap();

    // A pool of one held for 600 ms: of two concurrent requests, one waits out the queue and fails.
    let pool =
        json!({"type": "pool_exhaustion", "size": 1, "queue_timeout_ms": 100, "hold_ms": 600});
    admin_post(
        &shop,
        "/admin/faults",
        json!({"id": "pool", "service": "catalog", "region": "us-east-1", "kind": pool}),
    )
    .await;
    let (a, b) = tokio::join!(
        c.get(format!("{base}/")).send(),
        c.get(format!("{base}/")).send()
    );
    let mut statuses = [a.unwrap().status().as_u16(), b.unwrap().status().as_u16()];
    statuses.sort_unstable();
    assert_eq!(statuses, [200, 502]);
    c.delete(format!("{}/admin/faults/pool", shop.admin_url()))
        .send()
        .await
        .unwrap();

    // The frontend's calls to catalog hang until its 1 s timeout: a 504.
    let hang = json!({"type": "dependency_timeout", "dependency": "catalog"});
    admin_post(
        &shop,
        "/admin/faults",
        json!({"service": "frontend", "region": "us-east-1", "kind": hang}),
    )
    .await;
    let r = c.get(format!("{base}/")).send().await.unwrap();
    assert_eq!(r.status(), 504);

    // Unknown targets are refused.
    let r = c
        .post(format!("{}/admin/faults", shop.admin_url()))
        .json(&json!({"service": "billing", "region": "us-east-1", "kind": {"type": "error_rate", "rate": 1.0}}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
}
