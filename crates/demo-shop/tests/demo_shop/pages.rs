//! A healthy shop serves every page.

use reqwest::header::COOKIE;

use crate::{FormExt, checkout, client, location, login, shop};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn healthy_pages_answer_200_with_their_test_ids() {
    let shop = shop(&["us-east-1"]).await;
    let base = shop.frontend_url("us-east-1").unwrap().to_owned();
    let c = client();
    for (path, testid) in [
        ("/", "product-grid"),
        ("/search?q=lantern", "search-results"),
        ("/products/LAMP-3", "add-to-cart"),
        ("/login", "login-form"),
    ] {
        let r = c.get(format!("{base}{path}")).send().await.unwrap();
        assert_eq!(r.status(), 200, "{path}");
        let body = r.text().await.unwrap();
        assert!(
            body.contains(&format!("data-testid=\"{testid}\"")),
            "{path} lacks {testid}"
        );
        assert!(body.contains("Served from us-east-1"), "{path} footer");
    }
    let missing = c.get(format!("{base}/products/NOPE")).send().await.unwrap();
    assert_eq!(missing.status(), 404);

    // Signed-out visitors are sent to sign in, and come back.
    let r = c.get(format!("{base}/cart")).send().await.unwrap();
    assert_eq!(
        (r.status().as_u16(), location(&r)),
        (303, "/login?next=/cart")
    );

    let cookie = login(&c, &base, "bob@example.com").await;
    for path in ["/cart", "/account"] {
        let r = c
            .get(format!("{base}{path}"))
            .header(COOKIE, &cookie)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{path}");
    }
    let r = checkout(&c, &base, &cookie).await;
    assert_eq!(
        (r.status().as_u16(), location(&r)),
        (303, "/checkout/confirmation")
    );
    let page = c
        .get(format!("{base}/checkout/confirmation"))
        .header(COOKIE, &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let body = page.text().await.unwrap();
    assert!(body.contains("data-testid=\"order-confirmation\"") && body.contains(">confirmed<"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn totp_user_must_give_a_valid_code() {
    let shop = shop(&["us-east-1"]).await;
    let base = shop.frontend_url("us-east-1").unwrap().to_owned();
    let c = client();
    let form = [
        ("email", "alice@example.com"),
        ("password", "sightline-demo"),
    ];
    let r = c
        .post(format!("{base}/login"))
        .form_pairs(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "the code is asked for, not refused");
    let body = r.text().await.unwrap();
    assert!(body.contains("id=\"otp\""));
    let pending = body
        .split("name=\"pending\" value=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned();

    let wrong = [("pending", pending.as_str()), ("otp", "000000")];
    let r = c
        .post(format!("{base}/login"))
        .form_pairs(&wrong)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);

    let now_s = (sightline_demo_shop::now_ms() / 1000) as u64;
    let code = sightline_core::totp::code(
        sightline_demo_shop::store::ALICE_TOTP_SEED,
        now_s,
        30,
        6,
        sightline_core::journey::TotpAlgorithm::Sha1,
    )
    .unwrap();
    let right = [("pending", pending.as_str()), ("otp", code.as_str())];
    let r = c
        .post(format!("{base}/login"))
        .form_pairs(&right)
        .send()
        .await
        .unwrap();
    assert_eq!((r.status().as_u16(), location(&r)), (303, "/account"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rest_api_places_and_reports_an_order() {
    let shop = shop(&["eu-west-1"]).await;
    let base = shop.frontend_url("eu-west-1").unwrap().to_owned();
    let c = client();
    let login: serde_json::Value = c
        .post(format!("{base}/api/login"))
        .json(&serde_json::json!({"email": "bob@example.com", "password": "sightline-demo"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = login["token"].as_str().unwrap();
    let r = c
        .post(format!("{base}/api/orders"))
        .bearer_auth(token)
        .json(&serde_json::json!({"sku": "MUG-2", "quantity": 2}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let order: serde_json::Value = r.json().await.unwrap();
    assert_eq!(
        (order["status"].as_str(), order["total"].as_str()),
        (Some("confirmed"), Some("29.00"))
    );
    let id = order["id"].as_str().unwrap();
    let read: serde_json::Value = c
        .get(format!("{base}/api/orders/{id}"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(read["region"], "eu-west-1");
    let anonymous = c
        .get(format!("{base}/api/orders/{id}"))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), 401);
}
