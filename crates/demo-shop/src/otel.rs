//! OTLP export through the OpenTelemetry Rust SDK.
//!
//! When the shop is given an OTLP endpoint, every service request opens a real
//! SDK server span (continuing the caller's `traceparent`), feeds the
//! request-duration histogram and the error counter, and, when it answers 4xx
//! or 5xx (or always, with `access_logs`), writes a log record carrying its
//! trace and span ids. The SDK's batch processors export them over
//! OTLP/HTTP (protobuf) to `{endpoint}/v1/traces`, `/v1/logs` and `/v1/metrics`,
//! exactly as a production service would.
//!
//! A resource describes one running process, so there is one pipeline per
//! service, region and version: a deploy starts new "pods" with a new
//! `service.version` and `k8s.pod.name`, as a rollout does. Pipelines are made
//! on the first request they serve.
//!
//! Two gauges are modelled, not measured, because the shop is one process and
//! per-service CPU or restarts do not exist in it: `process.cpu.utilization` is a
//! 10% baseline plus the busy threads of an active CPU-spike fault over a 2-core
//! pod limit, and `k8s.container.restart_count` counts the restarts of an active
//! restart storm. Gauges of a version that no longer runs report nothing.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, Weak};
use std::time::{Duration, SystemTime};

use opentelemetry::logs::{LogRecord as _, Logger as _, LoggerProvider as _, Severity};
use opentelemetry::metrics::{Counter, Histogram, MeterProvider as _, ObservableGauge};
use opentelemetry::trace::{
    Span as _, SpanContext, SpanId, SpanKind, Status, TraceContextExt, TraceFlags, TraceId,
    TraceState, Tracer as _, TracerProvider as _,
};
use opentelemetry::{Context, KeyValue};
use opentelemetry_otlp::{LogExporter, MetricExporter, Protocol, SpanExporter, WithExportConfig};
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::logs::SdkLoggerProvider;
use opentelemetry_sdk::metrics::SdkMeterProvider;
use opentelemetry_sdk::runtime::Tokio;
use opentelemetry_sdk::trace::SdkTracerProvider;
use sha1::{Digest, Sha1};

use crate::error::ShopError;
use crate::shop::ShopState;

/// The instrumentation scope every pipeline reports.
const SCOPE: &str = "sightline-demo-shop";

/// Where and how often to export.
#[derive(Debug, Clone)]
pub struct OtelConfig {
    /// Base URL of an OTLP/HTTP receiver (`http://127.0.0.1:4318`).
    pub endpoint: String,
    /// `deployment.environment` of every resource.
    pub environment: String,
    /// How often batched spans and logs are sent.
    pub export_interval: Duration,
    /// How often metrics are read and sent.
    pub metrics_interval: Duration,
    /// Also log every successful request (INFO). Off by default: only 4xx
    /// (WARN) and 5xx (ERROR) answers are logged, as most services do.
    pub access_logs: bool,
}

impl OtelConfig {
    /// Exports spans and logs to `endpoint` every 2 s and metrics every 10 s,
    /// as environment `demo`.
    pub fn new(endpoint: impl Into<String>) -> Self {
        Self {
            endpoint: endpoint.into(),
            environment: "demo".to_owned(),
            export_interval: Duration::from_secs(2),
            metrics_interval: Duration::from_secs(10),
            access_logs: false,
        }
    }
}

type Key = (String, String, String);

/// The shop's OTLP exporter: one SDK pipeline per service, region and version.
pub struct OtelExporter {
    config: OtelConfig,
    /// `None` once shut down: late requests are then not exported.
    pipelines: Mutex<Option<HashMap<Key, Arc<Pipeline>>>>,
}

struct Pipeline {
    access_logs: bool,
    tracer: opentelemetry_sdk::trace::SdkTracer,
    logger: opentelemetry_sdk::logs::SdkLogger,
    duration: Histogram<f64>,
    errors: Counter<u64>,
    traces: SdkTracerProvider,
    logs: SdkLoggerProvider,
    metrics: SdkMeterProvider,
    _gauges: (ObservableGauge<f64>, ObservableGauge<u64>),
}

/// A server span in flight; [`ServerSpan::finish`] ends and exports it.
pub struct ServerSpan {
    span: opentelemetry_sdk::trace::Span,
    pipeline: Arc<Pipeline>,
    method: String,
    route: String,
}

impl std::fmt::Debug for OtelExporter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OtelExporter")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl OtelExporter {
    /// An exporter to `config.endpoint`, which must be an `http://` or `https://` URL.
    pub fn new(config: OtelConfig) -> Result<Self, ShopError> {
        let endpoint = config.endpoint.trim_end_matches('/').to_owned();
        let url = reqwest::Url::parse(&endpoint)
            .map_err(|e| ShopError::Config(format!("otlp endpoint {endpoint:?}: {e}")))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(ShopError::Config(format!(
                "otlp endpoint {endpoint:?}: only http:// and https:// are supported"
            )));
        }
        Ok(Self {
            config: OtelConfig { endpoint, ..config },
            pipelines: Mutex::new(Some(HashMap::new())),
        })
    }

    /// The receiver's base URL.
    pub fn endpoint(&self) -> &str {
        &self.config.endpoint
    }

    /// Opens the server span of one request to `service` (`region`, `version`)
    /// as a child of `parent` (a parsed `traceparent`: trace id, span id,
    /// sampled), or as a new root. Must run inside a Tokio runtime.
    pub fn start(
        &self,
        shop: &Arc<ShopState>,
        (service, region, version): (&str, &str, &str),
        parent: Option<&(String, String, bool)>,
        method: &str,
        route: &str,
    ) -> Option<ServerSpan> {
        let pipeline = self.pipeline(shop, service, region, version)?;
        let cx = parent
            .and_then(|(trace, span, sampled)| {
                let flags = if *sampled {
                    TraceFlags::SAMPLED
                } else {
                    TraceFlags::default()
                };
                let sc = SpanContext::new(
                    TraceId::from_hex(trace).ok()?,
                    SpanId::from_hex(span).ok()?,
                    flags,
                    true,
                    TraceState::default(),
                );
                Some(Context::new().with_remote_span_context(sc))
            })
            .unwrap_or_default();
        let span = pipeline
            .tracer
            .span_builder(format!("{method} {route}"))
            .with_kind(SpanKind::Server)
            .with_attributes([
                KeyValue::new("http.request.method", method.to_owned()),
                KeyValue::new("http.route", route.to_owned()),
                KeyValue::new("url.scheme", "http"),
            ])
            .start_with_context(&pipeline.tracer, &cx);
        Some(ServerSpan {
            span,
            pipeline,
            method: method.to_owned(),
            route: route.to_owned(),
        })
    }

    fn pipeline(
        &self,
        shop: &Arc<ShopState>,
        service: &str,
        region: &str,
        version: &str,
    ) -> Option<Arc<Pipeline>> {
        let key = (service.to_owned(), region.to_owned(), version.to_owned());
        if let Some(p) = self.lock().as_ref()?.get(&key) {
            return Some(p.clone());
        }
        // Built without the lock held: building exporters takes milliseconds,
        // and every other request of the shop needs the lock meanwhile.
        let built = match self.build(Arc::downgrade(shop), &key) {
            Ok(p) => Arc::new(p),
            Err(e) => {
                tracing::warn!(error = %e, service, region, "OTLP pipeline could not start");
                return None;
            }
        };
        let mut guard = self.lock();
        let Some(map) = guard.as_mut() else {
            drop(guard);
            discard(built);
            return None;
        };
        let p = map.entry(key).or_insert_with(|| built.clone()).clone();
        drop(guard);
        if !Arc::ptr_eq(&p, &built) {
            // Another request built the same pipeline first; this one goes.
            discard(built);
        }
        Some(p)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Option<HashMap<Key, Arc<Pipeline>>>> {
        self.pipelines.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Builds the pipeline of every service and region at the version it runs
    /// now, so the first requests do not wait for them. Must run inside a
    /// Tokio runtime.
    pub fn prewarm(&self, shop: &Arc<ShopState>) {
        for (service, region, version) in shop.releases.all() {
            let _ = self.pipeline(shop, &service, &region, &version);
        }
    }

    fn build(&self, shop: Weak<ShopState>, key: &Key) -> Result<Pipeline, String> {
        let (service, region, version) = key;
        let base = &self.config.endpoint;
        let resource = Resource::builder()
            .with_service_name(service.clone())
            .with_attributes([
                KeyValue::new("service.version", version.clone()),
                KeyValue::new("service.namespace", "demo-shop"),
                KeyValue::new("cloud.region", region.clone()),
                KeyValue::new("deployment.environment", self.config.environment.clone()),
                KeyValue::new(
                    "deployment.environment.name",
                    self.config.environment.clone(),
                ),
                KeyValue::new("k8s.namespace.name", "shop"),
                KeyValue::new("k8s.pod.name", pod_name(service, region, version)),
            ])
            .build();
        let interval = self.config.export_interval;
        let spans = SpanExporter::builder()
            .with_http()
            .with_protocol(Protocol::HttpBinary)
            .with_endpoint(format!("{base}/v1/traces"))
            .build()
            .map_err(|e| e.to_string())?;
        let logs = LogExporter::builder()
            .with_http()
            .with_protocol(Protocol::HttpBinary)
            .with_endpoint(format!("{base}/v1/logs"))
            .build()
            .map_err(|e| e.to_string())?;
        let metrics = MetricExporter::builder()
            .with_http()
            .with_protocol(Protocol::HttpBinary)
            .with_endpoint(format!("{base}/v1/metrics"))
            .build()
            .map_err(|e| e.to_string())?;
        // The async-runtime processors export from Tokio tasks, where the
        // exporters' async HTTP client has its reactor.
        use opentelemetry_sdk::logs::log_processor_with_async_runtime::BatchLogProcessor;
        use opentelemetry_sdk::metrics::periodic_reader_with_async_runtime::PeriodicReader;
        use opentelemetry_sdk::trace::span_processor_with_async_runtime::BatchSpanProcessor;
        let traces = SdkTracerProvider::builder()
            .with_span_processor(
                BatchSpanProcessor::builder(spans, Tokio)
                    .with_batch_config(
                        opentelemetry_sdk::trace::BatchConfigBuilder::default()
                            .with_scheduled_delay(interval)
                            .build(),
                    )
                    .build(),
            )
            .with_resource(resource.clone())
            .build();
        let logs = SdkLoggerProvider::builder()
            .with_log_processor(
                BatchLogProcessor::builder(logs, Tokio)
                    .with_batch_config(
                        opentelemetry_sdk::logs::BatchConfigBuilder::default()
                            .with_scheduled_delay(interval)
                            .build(),
                    )
                    .build(),
            )
            .with_resource(resource.clone())
            .build();
        let metrics = SdkMeterProvider::builder()
            .with_reader(
                PeriodicReader::builder(metrics, Tokio)
                    .with_interval(self.config.metrics_interval)
                    .build(),
            )
            .with_resource(resource)
            .build();
        let meter = metrics.meter(SCOPE);
        let duration = meter
            .f64_histogram("http.server.request.duration")
            .with_unit("s")
            .with_description("Duration of HTTP server requests.")
            .with_boundaries(vec![
                0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 1.5, 2.5, 5.0, 10.0,
            ])
            .build();
        let errors = meter
            .u64_counter("http.server.request.errors")
            .with_unit("{request}")
            .with_description("HTTP server requests answered with a 5xx status.")
            .build();
        let running =
            move |shop: &ShopState, key: &Key| shop.releases.version(&key.0, &key.1) == key.2;
        let (probe, k) = (shop.clone(), key.clone());
        let cpu = meter
            .f64_observable_gauge("process.cpu.utilization")
            .with_unit("1")
            .with_description("CPU use over a 2-core pod limit (modelled; see the module docs).")
            .with_callback(move |obs| {
                if let Some(shop) = probe.upgrade().filter(|s| running(s, &k)) {
                    let busy = shop.faults.cpu_busy_threads(&k.0, &k.1) as f64;
                    obs.observe(((0.2 + busy) / 2.0).min(1.0), &[]);
                }
            })
            .build();
        let k = key.clone();
        let restarts = meter
            .u64_observable_gauge("k8s.container.restart_count")
            .with_unit("{restart}")
            .with_description("Container restarts of the pod (modelled; see the module docs).")
            .with_callback(move |obs| {
                if let Some(shop) = shop.upgrade().filter(|s| running(s, &k)) {
                    obs.observe(shop.faults.restarts(&k.0, &k.1), &[]);
                }
            })
            .build();
        Ok(Pipeline {
            access_logs: self.config.access_logs,
            tracer: traces.tracer(SCOPE),
            logger: logs.logger(SCOPE),
            duration,
            errors,
            traces,
            logs,
            metrics,
            _gauges: (cpu, restarts),
        })
    }

    /// Flushes and stops every pipeline; later requests are not exported.
    /// Blocks until the processors have exported what they hold, so call it
    /// off the async workers (`spawn_blocking` or a thread).
    pub fn shutdown(&self) {
        let pipelines = self.lock().take();
        for p in pipelines.into_iter().flat_map(HashMap::into_values) {
            shut(&p);
        }
    }
}

/// Stops a pipeline nobody uses, on its own thread: stopping blocks on the
/// export tasks, which must not happen on an async worker.
fn discard(p: Arc<Pipeline>) {
    std::thread::spawn(move || shut(&p));
}

/// Flushes and stops one pipeline's providers. Blocks on their export tasks.
fn shut(p: &Pipeline) {
    let _ = p.traces.shutdown();
    let _ = p.logs.shutdown();
    let _ = p.metrics.shutdown();
}

impl ServerSpan {
    /// The span's trace id, 32 hex digits.
    pub fn trace_id(&self) -> String {
        self.span.span_context().trace_id().to_string()
    }

    /// The span's id, 16 hex digits: the parent of every call it makes.
    pub fn span_id(&self) -> String {
        self.span.span_context().span_id().to_string()
    }

    /// Whether the trace is sampled.
    pub fn sampled(&self) -> bool {
        self.span.span_context().is_sampled()
    }

    /// Ends the span with the response's `status` (and the error it showed),
    /// records the metrics, and logs a 4xx or 5xx answer.
    pub fn finish(mut self, status: u16, elapsed: Duration, error: Option<&str>) {
        let p = &self.pipeline;
        let attrs = [
            KeyValue::new("http.request.method", self.method.clone()),
            KeyValue::new("http.route", self.route.clone()),
            KeyValue::new("http.response.status_code", i64::from(status)),
        ];
        p.duration.record(elapsed.as_secs_f64(), &attrs);
        if status >= 500 {
            p.errors.add(1, &attrs);
        }

        if status >= 400 || p.access_logs {
            self.log(status, elapsed, error);
        }
        if status >= 500 {
            let message = error.map_or_else(|| format!("HTTP {status}"), str::to_owned);
            self.span.set_status(Status::error(message));
        }
        self.span.set_attribute(KeyValue::new(
            "http.response.status_code",
            i64::from(status),
        ));
        self.span.end();
    }

    /// Writes the request's log record, with the span's trace and span ids.
    fn log(&self, status: u16, elapsed: Duration, error: Option<&str>) {
        let p = &self.pipeline;
        let sc = self.span.span_context().clone();
        let mut rec = p.logger.create_log_record();
        let (severity, text) = match status {
            500.. => (Severity::Error, "ERROR"),
            400..=499 => (Severity::Warn, "WARN"),
            _ => (Severity::Info, "INFO"),
        };
        rec.set_timestamp(SystemTime::now());
        rec.set_severity_number(severity);
        rec.set_severity_text(text);
        let detail = error.map(|e| format!(": {e}")).unwrap_or_default();
        rec.set_body(
            format!(
                "{} {} {status} in {:.0} ms{detail}",
                self.method,
                self.route,
                elapsed.as_secs_f64() * 1000.0
            )
            .into(),
        );
        rec.set_trace_context(sc.trace_id(), sc.span_id(), Some(sc.trace_flags()));
        rec.add_attribute("http.request.method", self.method.clone());
        rec.add_attribute("http.route", self.route.clone());
        rec.add_attribute("http.response.status_code", i64::from(status));
        p.logger.emit(rec);
    }
}

/// A stable pod name per service, region and version: a new version is a new
/// ReplicaSet, so a new pod-template hash.
pub fn pod_name(service: &str, region: &str, version: &str) -> String {
    let digest = Sha1::digest(format!("{service}/{region}/{version}").as_bytes());
    format!("{service}-{region}-{}", hex::encode(&digest[..4]))
}
