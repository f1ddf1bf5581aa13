//! The Overview's approval form in the real window: a release approved
//! there shows under the rule that requires it and is the row the release
//! gate reads.

use std::time::Duration;

use sightline_api::ApiContext;

use crate::webdriver::Session;

/// Approves a release on the checkout card's `approvals` rule: the approval
/// shows under the rule and is the row the release gate reads.
pub async fn approve_release(s: &Session, ctx: &ApiContext) {
    let card = "article[data-slo=\"checkout-availability\"] li[data-rule=approvals]";
    let open = s
        .wait_for(
            &format!("{card} [data-testid=approve-open]"),
            Duration::from_secs(10),
        )
        .await;
    s.click(&open).await;
    for (id, value) in [
        ("approve-release", "shop@2.4.3"),
        ("approve-by", "e2e"),
        ("approve-reason", "rolls back the bad release"),
    ] {
        let field = s
            .wait_for(
                &format!("{card} [data-testid={id}]"),
                Duration::from_secs(5),
            )
            .await;
        s.type_into(&field, value).await;
    }
    let submit = s
        .find(&format!("{card} [data-testid=approve-submit]"))
        .await
        .expect("the Approve button");
    s.click(&submit).await;
    let shown = s
        .wait_for(
            &format!("{card} [data-testid=approvals] li[data-release=\"shop@2.4.3\"]"),
            Duration::from_secs(10),
        )
        .await;
    let text = s.text(&shown).await;
    assert!(
        text.contains("approved by e2e") && text.contains("rolls back the bad release"),
        "{text}"
    );
    let store = sightline_store::Store::open_read_only(ctx.db_path()).unwrap();
    let rows = sightline_store::queries::policy::approvals(store.conn(), i64::MAX).unwrap();
    assert!(
        rows.iter().any(|r| r.release == "shop@2.4.3"
            && r.by == "e2e"
            && r.reason == "rolls back the bad release"),
        "stored for the gate: {rows:?}"
    );
    eprintln!("approved shop@2.4.3 in the window; the gate's table holds it");
}
