//! The OTLP receiver: fixtures and protocol behaviour over HTTP, gRPC, and
//! the real OpenTelemetry SDK exporters.

mod grpc;
mod http;
mod python_sdk;
mod sdk;
