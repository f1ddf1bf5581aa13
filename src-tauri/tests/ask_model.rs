//! The app's question box with a model set in Settings: `ask_model_save`
//! writes `[ask]` to `sightline.toml` and the key to the keyring, and the
//! shell's `ask` then sends the question to that endpoint (a scripted
//! OpenAI-compatible server on loopback playing recorded exchanges, tool
//! calls included). Clearing the setting sends nothing anywhere again.

#[path = "e2e/fixture.rs"]
#[allow(dead_code)]
mod fixture;
#[path = "e2e/images.rs"]
#[allow(dead_code)]
mod images;
#[path = "../../crates/ask/tests/scripted.rs"]
#[allow(dead_code)]
mod scripted;

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::{Arc, Mutex};

use sightline_api::ask_model::{ASK_MODEL_KEY, AskModelSaveRequest};
use sightline_api::secrets::SecretStore;
use sightline_api::{ApiContext, ApiError, ErrorCode, IpcError};
use sightline_ask::bindings::AskRequest;
use sightline_store::Store;

const INCIDENT: &str = "01-payment-bad-release-use1";
const KEY: &str = "sk-test-model-key-41c9";

/// A keyring in memory (this host may have no secret service).
#[derive(Default)]
struct Keyring(Mutex<BTreeMap<String, String>>);

impl SecretStore for Keyring {
    fn backend(&self) -> &'static str {
        "test keyring"
    }
    fn get(&self, name: &str) -> Result<Option<String>, ApiError> {
        Ok(self.0.lock().unwrap().get(name).cloned())
    }
    fn set(&self, name: &str, value: &str) -> Result<(), ApiError> {
        self.0.lock().unwrap().insert(name.into(), value.into());
        Ok(())
    }
    fn delete(&self, name: &str) -> Result<(), ApiError> {
        self.0.lock().unwrap().remove(name);
        Ok(())
    }
}

/// The incident's project and database; answers the moment it ends.
fn prepare(root: &Path) -> i64 {
    let inc = fixture::incident_project(root, INCIDENT);
    let mut store = Store::open(root.join("data/sightline.db")).unwrap();
    let runs = inc.store_telemetry(&mut store).unwrap();
    store.insert_runs(&runs, 0).unwrap();
    std::fs::write(root.join("sightline.toml"), "# the app's project\n").unwrap();
    runs.iter().map(|r| r.started_at_ms).max().unwrap() + 1
}

fn ask(ctx: &ApiContext, at_ms: i64) -> sightline_ask::Answer {
    let req = AskRequest {
        question: "why is checkout failing?".into(),
        at_ms: Some(at_ms),
        incident: None,
    };
    sightline_app::ask::answer(ctx, req, None, None).expect("an answer")
}

#[test]
fn a_model_set_in_settings_answers_the_app_and_clearing_it_keeps_questions_local() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let at_ms = prepare(root);
    let keyring = Arc::new(Keyring::default());
    let ctx = ApiContext::new(root.join("data/sightline.db"))
        .with_project(root)
        .with_secret_store(keyring.clone());
    let server = scripted::Scripted::start(scripted::recorded_from(
        &Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../crates/ask/tests/fixtures/model-exchange.json"),
    ));

    // Without a model the built-in engine answers.
    assert_eq!(ask(&ctx, at_ms).source, "builtin");

    let saved = sightline_api::ask_model_save(
        &ctx,
        AskModelSaveRequest {
            url: Some(format!(" {} ", server.base_url())),
            model: Some("scripted-llama".into()),
            timeout_s: Some(20),
            key: Some(KEY.into()),
            forget_key: false,
        },
    )
    .unwrap();
    assert_eq!(
        saved.ask_model.url.as_deref(),
        Some(server.base_url().as_str())
    );
    assert_eq!(saved.ask_model.model.as_deref(), Some("scripted-llama"));
    assert_eq!(saved.ask_model.timeout_s, 20);
    assert!(saved.ask_model.key_stored);
    let toml = std::fs::read_to_string(root.join("sightline.toml")).unwrap();
    assert!(
        toml.contains("# the app's project\n"),
        "the comment is kept: {toml}"
    );
    assert!(toml.contains("[ask]") && !toml.contains(KEY), "{toml}");
    assert_eq!(keyring.get(ASK_MODEL_KEY).unwrap().as_deref(), Some(KEY));

    let a = ask(&ctx, at_ms);
    assert_eq!(a.source, "scripted-llama");
    assert!(a.fallback.is_none(), "{:?}", a.fallback);
    assert!(a.answer.contains("payment@2.4.1"), "{}", a.answer);
    let tools: Vec<&str> = a.calls.iter().map(|c| c.tool.as_str()).collect();
    assert_eq!(tools, ["explain", "slo_status"]);
    let requests = server.finish();
    assert_eq!(requests.len(), 3, "two tool rounds and the answer");
    assert!(requests[0].contains("scripted-llama"));

    // A URL without a model, or a silly time limit, is refused by field and
    // changes nothing.
    for (req, field) in [
        (
            AskModelSaveRequest {
                url: Some("http://127.0.0.1:9/v1".into()),
                ..Default::default()
            },
            "ask.model",
        ),
        (
            AskModelSaveRequest {
                url: Some("ollama".into()),
                model: Some("m".into()),
                ..Default::default()
            },
            "ask.model_url",
        ),
        (
            AskModelSaveRequest {
                url: Some("http://127.0.0.1:9/v1".into()),
                model: Some("m".into()),
                timeout_s: Some(0),
                ..Default::default()
            },
            "ask.timeout_s",
        ),
    ] {
        let e = IpcError::from(sightline_api::ask_model_save(&ctx, req).unwrap_err());
        assert_eq!(e.code, ErrorCode::BadInput);
        assert!(e.message.contains(field), "{field}: {}", e.message);
    }
    assert_eq!(
        std::fs::read_to_string(root.join("sightline.toml")).unwrap(),
        toml
    );

    // Cleared (and the key forgotten): built-in answers, nothing sent.
    let off = sightline_api::ask_model_save(
        &ctx,
        AskModelSaveRequest {
            forget_key: true,
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(off.ask_model.url, None);
    assert!(!off.ask_model.key_stored);
    assert!(
        !std::fs::read_to_string(root.join("sightline.toml"))
            .unwrap()
            .contains("[ask]")
    );
    assert_eq!(ask(&ctx, at_ms).source, "builtin");
}

#[test]
fn a_model_that_does_not_answer_falls_back_to_the_built_in_answer_in_the_app() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let at_ms = prepare(root);
    let ctx = ApiContext::new(root.join("data/sightline.db"))
        .with_project(root)
        .with_secret_store(Arc::new(Keyring::default()));
    let server = scripted::Scripted::start(vec![scripted::Reply {
        expect: vec![],
        status: 500,
        body: "{\"error\":\"model not loaded\"}".into(),
        delay: std::time::Duration::ZERO,
    }]);
    sightline_api::ask_model_save(
        &ctx,
        AskModelSaveRequest {
            url: Some(server.base_url()),
            model: Some("absent-model".into()),
            ..Default::default()
        },
    )
    .unwrap();
    let a = ask(&ctx, at_ms);
    assert_eq!(a.source, "builtin");
    let why = a.fallback.as_deref().unwrap_or_default();
    assert!(why.contains("500"), "{why}");
    assert!(a.answer.contains("payment"), "{}", a.answer);
    assert_eq!(server.finish().len(), 1);
}
