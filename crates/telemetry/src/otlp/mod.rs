//! The OTLP receiver: HTTP (protobuf and JSON) and gRPC front ends over the
//! shared decoding, validation and ingest writer.

pub mod convert;
pub mod decode;
pub mod grpc;
pub mod http;
pub mod jsonl;
pub mod signal;
pub mod status;
