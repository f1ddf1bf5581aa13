//! An optional model behind the question box: any OpenAI-compatible chat
//! endpoint (Ollama, llama.cpp's server, vLLM, a hosted one) gets the tools
//! of [`crate::tools`] by function calling, with JSON schemas generated
//! from the argument types. It must answer from what they return: the
//! grounding check flags any number, time or name no call returned. Nothing
//! is sent anywhere unless an endpoint is configured; a time-out or an
//! error gives the built-in answer, saying so.

use std::time::{Duration, Instant};

use schemars::{JsonSchema, schema_for};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::answer::Answer;
use crate::tools::Session;
use crate::{AskError, Context};

/// Where the model is and how long to wait for it.
#[derive(Debug, Clone)]
pub struct ModelConfig {
    /// The API's base URL, e.g. `http://127.0.0.1:11434/v1` for Ollama.
    pub base_url: String,
    /// The model's name, e.g. `llama3.1:8b`.
    pub model: String,
    /// The bearer key, if the endpoint wants one (from the keyring).
    pub api_key: Option<String>,
    /// The whole exchange's time limit.
    pub timeout: Duration,
    /// Most rounds of tool calls.
    pub max_rounds: usize,
}

impl ModelConfig {
    /// A configuration with the defaults: 30 s, six rounds.
    pub fn new(base_url: impl Into<String>, model: impl Into<String>) -> Self {
        ModelConfig {
            base_url: base_url.into(),
            model: model.into(),
            api_key: None,
            timeout: Duration::from_secs(30),
            max_rounds: 6,
        }
    }
}

/// `slo_status`'s arguments.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct SloStatusArgs {
    /// One SLO's name; every SLO when absent.
    pub slo: Option<String>,
}

/// `slo_in_range`'s arguments.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct SloInRangeArgs {
    /// The SLO's name.
    pub slo: String,
    /// Range start, Unix ms.
    pub from_ms: i64,
    /// Range end, Unix ms.
    pub to_ms: i64,
}

/// `explain`'s arguments.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct ExplainArgs {
    /// The SLO whose burn to explain.
    pub slo: String,
}

/// `changes`' arguments.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct ChangesArgs {
    /// Range start, Unix ms.
    pub from_ms: i64,
    /// Range end, Unix ms.
    pub to_ms: i64,
    /// Only this region's deploys.
    pub region: Option<String>,
}

/// `failed_runs`' arguments.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct FailedRunsArgs {
    /// The journey.
    pub journey: String,
    /// Only runs from this region.
    pub region: Option<String>,
    /// Range start, Unix ms.
    pub from_ms: i64,
    /// Range end, Unix ms.
    pub to_ms: i64,
    /// Most failures listed (default 5).
    pub limit: Option<usize>,
}

/// `service_health`'s arguments.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct ServiceHealthArgs {
    /// The service.
    pub service: String,
    /// Range start, Unix ms.
    pub from_ms: i64,
    /// Range end, Unix ms.
    pub to_ms: i64,
}

/// `catalog`'s arguments (none).
#[derive(Debug, Deserialize, JsonSchema)]
pub struct CatalogArgs {}

fn tool<T: JsonSchema>(name: &str, description: &str) -> Value {
    let mut schema = serde_json::to_value(schema_for!(T)).unwrap_or_else(|_| json!({}));
    if let Some(o) = schema.as_object_mut() {
        o.remove("$schema");
        o.remove("title");
    }
    json!({"type": "function", "function": {"name": name, "description": description, "parameters": schema}})
}

/// The tools the model is offered, with their JSON schemas.
pub fn tool_specs() -> Vec<Value> {
    vec![
        tool::<CatalogArgs>(
            "catalog",
            "What can be asked about: SLO, journey, service, region and release names, and the current time (Unix ms).",
        ),
        tool::<SloStatusArgs>(
            "slo_status",
            "SLO state now: SLI over the compliance window, budget left, burn rates over 5m/1h/6h, alert state, budget exhaustion forecast.",
        ),
        tool::<SloInRangeArgs>(
            "slo_in_range",
            "An SLO's good and bad runs in a time range, overall and per region.",
        ),
        tool::<ExplainArgs>(
            "explain",
            "Why an SLO is burning now: the attribution engine's causes (service, region, kind, share of the burn, onset, the change behind it) with evidence ids.",
        ),
        tool::<ChangesArgs>("changes", "Deploys and Kubernetes events in a time range."),
        tool::<FailedRunsArgs>(
            "failed_runs",
            "A journey's failed runs in a time range, newest first, with the failing step and error.",
        ),
        tool::<ServiceHealthArgs>(
            "service_health",
            "A service's requests, error rate and p95 latency in a range and the equal range before it, per region.",
        ),
    ]
}

fn parse<T: for<'de> Deserialize<'de>>(args: &Value) -> Result<T, String> {
    serde_json::from_value(args.clone()).map_err(|e| format!("bad arguments: {e}"))
}

/// Runs tool `name` with `args` in `s`; errors come back as text for the model.
pub fn dispatch(s: &mut Session<'_>, name: &str, args: &Value) -> Result<Value, String> {
    let v = |r: Result<Value, AskError>| r.map_err(|e| e.to_string());
    match name {
        "catalog" => {
            let c = s.cat;
            let out = json!({
                "now_ms": s.at_ms,
                "time_zone": s.tz.name(),
                "slos": c.slos.iter().map(|x| x.name.clone()).collect::<Vec<_>>(),
                "journeys": c.journeys.iter().map(|x| x.name.clone()).collect::<Vec<_>>(),
                "services": c.services,
                "regions": c.regions,
                "releases": c.releases.iter().map(|r| r.id()).collect::<Vec<_>>(),
            });
            s.calls.push(crate::answer::ToolCall {
                tool: name.into(),
                args: args.clone(),
                result: out.clone(),
            });
            Ok(out)
        }
        "slo_status" => {
            let a: SloStatusArgs = parse(args)?;
            v(s.slo_status(a.slo.as_deref()).map(|x| json!(x)))
        }
        "slo_in_range" => {
            let a: SloInRangeArgs = parse(args)?;
            v(s.slo_in_range(&a.slo, a.from_ms, a.to_ms).map(|x| json!(x)))
        }
        "explain" => {
            let a: ExplainArgs = parse(args)?;
            v(s.explain(&a.slo).map(|x| json!(x)))
        }
        "changes" => {
            let a: ChangesArgs = parse(args)?;
            v(s.changes(a.from_ms, a.to_ms, a.region.as_deref())
                .map(|x| json!(x)))
        }
        "failed_runs" => {
            let a: FailedRunsArgs = parse(args)?;
            v(s.failed_runs(
                &a.journey,
                a.region.as_deref(),
                a.from_ms,
                a.to_ms,
                a.limit.unwrap_or(5).min(50),
            )
            .map(|x| json!(x)))
        }
        "service_health" => {
            let a: ServiceHealthArgs = parse(args)?;
            v(s.service_health(&a.service, a.from_ms, a.to_ms)
                .map(|x| json!(x)))
        }
        other => Err(format!("no tool named {other}")),
    }
}

const SYSTEM: &str = "You answer an SRE's questions about their services using only the tools given. \
Call tools to get every number you use; never guess or invent numbers, times, services, regions or releases. \
Answer in one short paragraph with the key numbers, naming the service, region and release when the tools name them. \
Times are Unix ms; write clock times in the user's time zone.";

/// One exchange with the endpoint.
fn post(
    client: &reqwest::blocking::Client,
    cfg: &ModelConfig,
    body: &Value,
) -> Result<Value, String> {
    let url = format!("{}/chat/completions", cfg.base_url.trim_end_matches('/'));
    let mut req = client.post(&url).json(body);
    if let Some(k) = &cfg.api_key {
        req = req.bearer_auth(k);
    }
    let resp = req.send().map_err(|e| {
        if e.is_timeout() {
            format!("{url} timed out")
        } else {
            format!("{url}: {e}")
        }
    })?;
    let status = resp.status();
    let text = resp
        .text()
        .map_err(|e| format!("{url}: reading the answer: {e}"))?;
    if !status.is_success() {
        let head: String = text.chars().take(200).collect();
        return Err(format!("{url} answered {status}: {head}"));
    }
    serde_json::from_str(&text).map_err(|e| format!("{url}: not JSON: {e}"))
}

/// The model's answer text and the calls it made, or why it failed.
fn converse(s: &mut Session<'_>, cfg: &ModelConfig, question: &str) -> Result<String, String> {
    let started = Instant::now();
    let client = reqwest::blocking::Client::builder()
        .timeout(cfg.timeout)
        .build()
        .map_err(|e| e.to_string())?;
    let mut messages = vec![
        json!({"role": "system", "content": SYSTEM}),
        json!({"role": "user", "content": format!("(now: {} Unix ms, time zone {})\n{question}", s.at_ms, s.tz.name())}),
    ];
    let tools = tool_specs();
    for _ in 0..cfg.max_rounds {
        if started.elapsed() > cfg.timeout {
            return Err(format!("no answer within {} s", cfg.timeout.as_secs()));
        }
        let body = json!({"model": cfg.model, "messages": messages, "tools": tools, "tool_choice": "auto", "temperature": 0});
        let resp = post(&client, cfg, &body)?;
        let msg = resp
            .pointer("/choices/0/message")
            .cloned()
            .ok_or_else(|| "the answer has no choices[0].message".to_owned())?;
        let calls = msg
            .get("tool_calls")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        if calls.is_empty() {
            let text = msg
                .get("content")
                .and_then(Value::as_str)
                .unwrap_or("")
                .trim()
                .to_owned();
            if text.is_empty() {
                return Err("the model gave an empty answer".into());
            }
            return Ok(text);
        }
        messages.push(msg.clone());
        for c in calls {
            let id = c.get("id").and_then(Value::as_str).unwrap_or("").to_owned();
            let name = c
                .pointer("/function/name")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_owned();
            let raw = c
                .pointer("/function/arguments")
                .cloned()
                .unwrap_or(Value::Null);
            // Arguments arrive as a JSON string (OpenAI) or an object (some servers).
            let args = match raw {
                Value::String(t) => serde_json::from_str(&t).unwrap_or(json!({})),
                Value::Null => json!({}),
                other => other,
            };
            let result = dispatch(s, &name, &args).unwrap_or_else(|e| json!({"error": e}));
            messages.push(json!({"role": "tool", "tool_call_id": id, "name": name, "content": result.to_string()}));
        }
    }
    Err(format!(
        "no final answer after {} rounds of tool calls",
        cfg.max_rounds
    ))
}

/// Answers `question` with the model in `cfg`, falling back to the built-in
/// answer (with the reason in `fallback`) if the model fails.
pub fn ask_with_model(
    ctx: &Context,
    question: &str,
    cfg: &ModelConfig,
) -> Result<Answer, AskError> {
    let store = sightline_store::Store::open(&ctx.db)?;
    let cat = crate::Catalog::load(&store, &ctx.slos, &ctx.journeys)?;
    let mut s = Session::new(&store, &ctx.db, &ctx.journeys_dir, &cat, ctx.at_ms, ctx.tz);
    let mut builtin = crate::builtin_answer(&mut s, question)?;
    if matches!(
        builtin.intent,
        crate::Intent::OutOfScope | crate::Intent::Clarify
    ) {
        return Ok(builtin);
    }
    match converse(&mut s, cfg, question) {
        Ok(text) => {
            let calls = std::mem::take(&mut s.calls);
            let ungrounded = crate::ground::ungrounded(&text, question, &calls, &cat, ctx.tz);
            Ok(Answer {
                answer: text,
                source: cfg.model.clone(),
                calls,
                ungrounded,
                ..builtin
            })
        }
        Err(why) => {
            builtin.fallback = Some(format!(
                "the model ({}) failed: {why}; this is the built-in answer",
                cfg.model
            ));
            Ok(builtin)
        }
    }
}
