//! The few Google RPC messages OTLP's error responses use: `google.rpc.Status`
//! (the body of every OTLP/HTTP error, and gRPC's status details) and
//! `google.rpc.RetryInfo` (how long a throttled client should wait).
//!
//! Declared here with prost's derive instead of pulling in a crate of
//! generated Google types for three small messages.

use prost::Message;

/// `google.rpc.Status`.
#[derive(Clone, PartialEq, Message)]
pub struct RpcStatus {
    /// A `google.rpc.Code` (3 invalid argument, 8 resource exhausted, ...).
    #[prost(int32, tag = "1")]
    pub code: i32,
    /// A developer-facing message.
    #[prost(string, tag = "2")]
    pub message: String,
    /// Typed details, e.g. a [`RetryInfo`].
    #[prost(message, repeated, tag = "3")]
    pub details: Vec<Any>,
}

/// `google.protobuf.Any`.
#[derive(Clone, PartialEq, Message)]
pub struct Any {
    /// `type.googleapis.com/<full message name>`.
    #[prost(string, tag = "1")]
    pub type_url: String,
    /// The encoded message.
    #[prost(bytes = "vec", tag = "2")]
    pub value: Vec<u8>,
}

/// `google.rpc.RetryInfo`.
#[derive(Clone, PartialEq, Message)]
pub struct RetryInfo {
    /// How long to wait.
    #[prost(message, optional, tag = "1")]
    pub retry_delay: Option<ProtoDuration>,
}

/// `google.protobuf.Duration`.
#[derive(Clone, PartialEq, Message)]
pub struct ProtoDuration {
    /// Whole seconds.
    #[prost(int64, tag = "1")]
    pub seconds: i64,
    /// Nanoseconds on top.
    #[prost(int32, tag = "2")]
    pub nanos: i32,
}

/// gRPC status codes used here (`google.rpc.Code`).
pub mod code {
    /// The request was malformed or every item was invalid.
    pub const INVALID_ARGUMENT: i32 = 3;
    /// The queue is full; retry later (with RetryInfo).
    pub const RESOURCE_EXHAUSTED: i32 = 8;
    /// Not authenticated.
    pub const UNAUTHENTICATED: i32 = 16;
    /// The server cannot take data right now; retry later.
    pub const UNAVAILABLE: i32 = 14;
    /// The body is too large, or an unsupported format.
    pub const OUT_OF_RANGE: i32 = 11;
    /// Not implemented (unsupported media).
    pub const UNIMPLEMENTED: i32 = 12;
}

/// A status with a `RetryInfo` detail asking to wait `retry_after_s`.
pub fn with_retry(code: i32, message: String, retry_after_s: u64) -> RpcStatus {
    let info = RetryInfo {
        retry_delay: Some(ProtoDuration {
            seconds: i64::try_from(retry_after_s).unwrap_or(i64::MAX),
            nanos: 0,
        }),
    };
    RpcStatus {
        code,
        message,
        details: vec![Any {
            type_url: "type.googleapis.com/google.rpc.RetryInfo".into(),
            value: info.encode_to_vec(),
        }],
    }
}
