//! The model path against a scripted OpenAI-compatible server on loopback.

use std::time::Duration;

use sightline_ask::model::{ModelConfig, ask_with_model, tool_specs};

use crate::incident;
use crate::scripted::{Reply, Scripted, recorded};

const INCIDENT: &str = "01-payment-bad-release-use1";

#[test]
fn the_model_answers_from_tool_calls_and_invented_numbers_are_flagged() {
    let tmp = tempfile::tempdir().unwrap();
    let ctx = incident(INCIDENT, tmp.path());
    let server = Scripted::start(recorded());
    let mut cfg = ModelConfig::new(server.base_url(), "scripted-llama");
    cfg.api_key = Some("test-key".into());
    let a = ask_with_model(&ctx, "why is checkout failing?", &cfg).unwrap();
    let requests = server.finish();
    assert_eq!(
        requests.len(),
        3,
        "three rounds: two tool calls and the answer"
    );
    assert_eq!(a.source, "scripted-llama");
    assert!(a.fallback.is_none(), "{:?}", a.fallback);
    assert!(a.answer.contains("payment@2.4.1"), "{}", a.answer);
    // The calls the model made, with their arguments, in order.
    let calls: Vec<(&str, String)> = a
        .calls
        .iter()
        .map(|c| (c.tool.as_str(), c.args["slo"].to_string()))
        .collect();
    assert_eq!(
        calls,
        [
            ("explain", "\"orders-availability\"".into()),
            ("slo_status", "\"orders-availability\"".into())
        ]
    );
    // 100% came from explain; 42.5% came from nowhere.
    assert_eq!(a.ungrounded, ["42.5%"]);
    // The intent and entities are still the built-in reading's.
    assert_eq!(a.intent.name(), "why_failing");
    assert_eq!(a.entities.slo.as_deref(), Some("orders-availability"));
    // The tool results went back to the model as tool messages.
    assert!(requests[1].contains("\"role\":\"tool\"") && requests[1].contains("us-east-1"));
}

#[test]
fn tool_schemas_come_from_the_argument_types() {
    let specs = tool_specs();
    let explain = specs
        .iter()
        .find(|t| t["function"]["name"] == "explain")
        .unwrap();
    let params = &explain["function"]["parameters"];
    assert_eq!(params["type"], "object");
    assert_eq!(params["required"], serde_json::json!(["slo"]));
    assert_eq!(params["properties"]["slo"]["type"], "string");
    let failed = specs
        .iter()
        .find(|t| t["function"]["name"] == "failed_runs")
        .unwrap();
    assert!(failed["function"]["parameters"]["properties"]["from_ms"]["type"].is_string());
}

#[test]
fn a_slow_model_falls_back_to_the_built_in_answer_and_says_so() {
    let tmp = tempfile::tempdir().unwrap();
    let ctx = incident(INCIDENT, tmp.path());
    let mut slow = recorded();
    slow.truncate(1);
    slow[0].delay = Duration::from_millis(2500);
    let server = Scripted::start(slow);
    let mut cfg = ModelConfig::new(server.base_url(), "slowpoke");
    cfg.timeout = Duration::from_secs(1);
    let a = ask_with_model(&ctx, "why is checkout failing?", &cfg).unwrap();
    server.finish();
    assert_eq!(a.source, "builtin");
    let why = a.fallback.as_deref().unwrap();
    assert!(
        why.contains("slowpoke") && why.contains("timed out"),
        "{why}"
    );
    assert!(
        a.answer.contains("payment") && a.answer.contains("us-east-1"),
        "{}",
        a.answer
    );
}

#[test]
fn a_server_error_falls_back_with_its_status() {
    let tmp = tempfile::tempdir().unwrap();
    let ctx = incident(INCIDENT, tmp.path());
    let server = Scripted::start(vec![Reply {
        expect: vec![],
        status: 500,
        body: "{\"error\":\"model not loaded\"}".into(),
        delay: Duration::ZERO,
    }]);
    let a = ask_with_model(
        &ctx,
        "what's burning the error budget?",
        &ModelConfig::new(server.base_url(), "m"),
    )
    .unwrap();
    server.finish();
    assert_eq!(a.source, "builtin");
    assert!(
        a.fallback.as_deref().unwrap().contains("500"),
        "{:?}",
        a.fallback
    );
    assert!(a.ungrounded.is_empty());
}
