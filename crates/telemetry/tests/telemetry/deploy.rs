//! Deploy events: the HTTP endpoint, GitHub `deployment_status` deliveries
//! and Argo CD notifications in their published shapes.

use sightline_core::EventKind;
use sightline_store::queries;
use sightline_telemetry::deploy::{Adapted, argocd};

use crate::{Server, fixture, post};

const JSON: &str = "application/json";

#[tokio::test]
async fn the_deploy_endpoint_stores_once_and_names_bad_fields() {
    let s = Server::default().await;
    let body = br#"{"service":"payment","version":"1.4.2","region":"us-east-1","commit":"abc123","at":"2026-02-03T17:00:00Z","release":"r2026.02.03-17"}"#;
    let r = post(&s.url("/v1/events/deploy"), JSON, body.to_vec(), &[]).await;
    assert_eq!(r.status(), 200);
    let doc: serde_json::Value = r.json().await.unwrap();
    assert_eq!(doc["stored"], 1);
    let r = post(&s.url("/v1/events/deploy"), JSON, body.to_vec(), &[]).await;
    let doc: serde_json::Value = r.json().await.unwrap();
    assert_eq!(
        (doc["stored"].as_u64(), doc["duplicates"].as_u64()),
        (Some(0), Some(1)),
        "a re-send is stored once"
    );
    let store = s.store();
    let events = queries::events::between(store.conn(), 0, i64::MAX).unwrap();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].at_ms, 1_770_138_000_000);
    let EventKind::Deploy(d) = &events[0].kind else {
        panic!()
    };
    assert_eq!(
        (d.release_id.as_str(), d.region.as_deref()),
        ("r2026.02.03-17", Some("us-east-1"))
    );
    for (bad, field) in [
        (r#"{"service":"","version":"1"}"#, "service: is required"),
        (
            r#"{"service":"a","version":"1","at":"soon"}"#,
            "at: \"soon\"",
        ),
        (
            r#"{"service":"a","version":"1","colour":"red"}"#,
            "unknown field `colour`",
        ),
    ] {
        let r = post(
            &s.url("/v1/events/deploy"),
            JSON,
            bad.as_bytes().to_vec(),
            &[],
        )
        .await;
        assert_eq!(r.status(), 400, "{bad}");
        let doc: serde_json::Value = r.json().await.unwrap();
        assert_eq!(doc["error"]["code"], "telemetry.parse");
        assert!(
            doc["error"]["message"].as_str().unwrap().contains(field),
            "{doc}"
        );
    }
    s.stop().await;
}

#[tokio::test]
async fn github_deployment_status_success_is_a_deploy_and_other_states_are_ignored() {
    let Some(dir) = fixture("github-webhooks") else {
        return;
    };
    let s = Server::default().await;
    let ok = std::fs::read(dir.join("deployment_status/payload.json")).unwrap();
    let r = post(
        &s.url("/v1/events/github"),
        JSON,
        ok.clone(),
        &[("x-github-event", "deployment_status")],
    )
    .await;
    assert_eq!(r.status(), 200);
    let store = s.store();
    let e = &queries::events::between(store.conn(), 0, i64::MAX).unwrap()[0];
    assert_eq!(e.source, "github");
    assert_eq!(e.at_ms, 1_557_933_655_000, "deployment_status.created_at");
    let EventKind::Deploy(d) = &e.kind else {
        panic!()
    };
    assert_eq!(d.service, "Hello-World");
    assert_eq!(d.version, "master");
    assert_eq!(
        d.commit.as_deref(),
        Some("f95f852bd8fca8fcc58a9a2d6c842781e32a215e")
    );
    assert_eq!(d.release_id, "github-deployment-145988746");
    // GitHub redelivers: stored once.
    let r = post(
        &s.url("/v1/events/github"),
        JSON,
        ok.clone(),
        &[("x-github-event", "deployment_status")],
    )
    .await;
    assert_eq!(
        r.json::<serde_json::Value>().await.unwrap()["duplicates"],
        1
    );
    let pages = std::fs::read(dir.join("deployment_status/gh-pages.payload.json")).unwrap();
    let r = post(
        &s.url("/v1/events/github"),
        JSON,
        pages,
        &[("x-github-event", "deployment_status")],
    )
    .await;
    assert_eq!(r.status(), 202);
    assert!(
        r.json::<serde_json::Value>().await.unwrap()["ignored"]
            .as_str()
            .unwrap()
            .contains("in_progress")
    );
    let created = std::fs::read(dir.join("deployment/payload.json")).unwrap();
    let r = post(
        &s.url("/v1/events/github"),
        JSON,
        created,
        &[("x-github-event", "deployment")],
    )
    .await;
    assert_eq!(r.status(), 202);
    let r = post(&s.url("/v1/events/github"), JSON, ok, &[]).await;
    assert_eq!(r.status(), 400, "the event header is required");
    assert_eq!(s.count("events"), 1);
    s.stop().await;
}

/// Renders the few Go-template constructs the catalog's `app-deployed`
/// template uses, against one Application, as Argo CD would.
fn render(template: &str, values: &[(&str, &str)]) -> String {
    let index_if = regex::Regex::new(r"(?s)\{\{ if \$index \}\}.*?\{\{ end \}\}").unwrap();
    let range = regex::Regex::new(r"(?s)\{\{-?\s*range [^}]*\}\}.*?\{\{-?\s*end\s*\}\}").unwrap();
    let cond = regex::Regex::new(
        r"(?s)\{\{- if \.app\.spec\.source \}\}(.*?)\{\{- else if .*?\{\{- end \}\}",
    )
    .unwrap();
    let field = regex::Regex::new(r"\{\{-?\s*(\.[A-Za-z.]+)\s*\}\}").unwrap();
    let t = index_if.replace_all(template, "");
    let t = range.replace_all(&t, "");
    let t = cond.replace_all(&t, "$1");
    field
        .replace_all(&t, |c: &regex::Captures<'_>| {
            values.iter().find(|(k, _)| *k == &c[1]).map_or_else(
                || panic!("no value for {}", &c[1]),
                |(_, v)| (*v).to_owned(),
            )
        })
        .into_owned()
}

#[test]
fn argo_cd_app_deployed_notifications_and_sightline_template_are_deploys() {
    let Some(p) = fixture("argocd-notifications/templates/app-deployed.yaml") else {
        return;
    };
    let tpl: serde_json::Value =
        serde_norway::from_str(&std::fs::read_to_string(p).unwrap()).unwrap();
    let attachments = tpl["slack"]["attachments"].as_str().unwrap();
    let body = render(
        attachments,
        &[
            (".app.metadata.name", "payment"),
            (".context.argocdUrl", "https://argocd.example"),
            (".app.status.sync.status", "Synced"),
            (
                ".app.spec.source.repoURL",
                "https://github.com/example/payment",
            ),
            (
                ".app.status.sync.revision",
                "f95f852bd8fca8fcc58a9a2d6c842781e32a215e",
            ),
        ],
    );
    let Adapted::Deploy(e) = argocd::adapt(body.as_bytes(), 1_700_000_000_000).unwrap() else {
        panic!("{body}")
    };
    let EventKind::Deploy(d) = &e.kind else {
        panic!()
    };
    assert_eq!(
        (d.service.as_str(), d.version.as_str()),
        ("payment", "f95f852bd8fc")
    );
    assert_eq!(
        d.commit.as_deref(),
        Some("f95f852bd8fca8fcc58a9a2d6c842781e32a215e")
    );
    assert_eq!(
        e.at_ms, 1_700_000_000_000,
        "the catalog template carries no time"
    );
    let flat = br#"{"app":"cart","revision":"v2.1.0","phase":"Succeeded","finishedAt":"2026-02-03T17:05:00Z","region":"eu-west-1"}"#;
    let Adapted::Deploy(e) = argocd::adapt(flat, 0).unwrap() else {
        panic!()
    };
    assert_eq!(e.at_ms, 1_770_138_300_000);
    let failed = br#"{"app":"cart","revision":"v2.1.0","phase":"Failed"}"#;
    assert!(matches!(
        argocd::adapt(failed, 0).unwrap(),
        Adapted::Ignored(_)
    ));
    let e = argocd::adapt(br#"{"app":"cart"}"#, 0).unwrap_err();
    assert!(e.to_string().contains("revision"), "{e}");
}
