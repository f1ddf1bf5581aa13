//! W3C trace context continues across every service hop.

use std::collections::HashMap;

use reqwest::header::COOKIE;
use sightline_demo_shop::trace::SpanRecord;

use crate::{FormExt, client, get_json, login, shop};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn checkout_trace_is_one_tree_across_services() {
    let shop = shop(&["us-east-1"]).await;
    let base = shop.frontend_url("us-east-1").unwrap().to_owned();
    let c = client();
    let cookie = login(&c, &base, "bob@example.com").await;
    c.post(format!("{base}/cart/add"))
        .header(COOKIE, &cookie)
        .form_pairs(&[("sku", "HAT-6")])
        .send()
        .await
        .unwrap();

    let trace_id = "4bf92f3577b34da6a3ce929d0e0e4736";
    let runner_span = "00f067aa0ba902b7";
    let r = c
        .post(format!("{base}/checkout"))
        .header(COOKIE, &cookie)
        .header("traceparent", format!("00-{trace_id}-{runner_span}-01"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);

    let spans: Vec<SpanRecord> = get_json(format!(
        "{}/admin/spans?trace_id={trace_id}",
        shop.admin_url()
    ))
    .await;
    let by_id: HashMap<&str, &SpanRecord> = spans.iter().map(|s| (s.span_id.as_str(), s)).collect();
    let parent_service = |s: &SpanRecord| {
        s.parent_span_id
            .as_deref()
            .and_then(|p| by_id.get(p))
            .map(|p| p.service.as_str())
    };

    let frontend: Vec<_> = spans.iter().filter(|s| s.service == "frontend").collect();
    assert_eq!(frontend.len(), 1, "{spans:#?}");
    assert_eq!(
        frontend[0].parent_span_id.as_deref(),
        Some(runner_span),
        "frontend continues the runner's span"
    );
    assert_eq!(
        (frontend[0].route.as_str(), frontend[0].version.as_str()),
        ("/checkout", "1.8.0")
    );
    for service in ["auth", "cart", "inventory", "payment"] {
        let s = spans
            .iter()
            .find(|s| s.service == service)
            .unwrap_or_else(|| panic!("no {service} span"));
        assert_eq!(parent_service(s), Some("frontend"), "{service}'s parent");
        assert_eq!(s.region, "us-east-1");
    }
    let catalog = spans
        .iter()
        .find(|s| s.service == "catalog")
        .expect("cart prices through catalog");
    assert_eq!(
        parent_service(catalog),
        Some("cart"),
        "catalog is a grandchild via cart"
    );
    assert_eq!(catalog.route, "/products/{sku}");
    assert!(
        spans
            .iter()
            .all(|s| s.trace_id == trace_id && s.status < 400)
    );
    let ids: std::collections::HashSet<_> = spans.iter().map(|s| &s.span_id).collect();
    assert_eq!(ids.len(), spans.len(), "span ids are unique");
}
