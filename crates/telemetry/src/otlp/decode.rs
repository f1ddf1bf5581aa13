//! Request bodies to OTLP messages: content type, gzip, protobuf or JSON.
//!
//! These are pure functions over bytes, shared by the HTTP handlers, the CLI
//! and the fuzz targets. Nothing here panics on any input: sizes are checked
//! before allocation, gzip output is capped, and both decoders bound their
//! recursion (prost at 100 nested messages, serde_json at 128 levels).

use std::io::Read;

use crate::{Result, TelemetryError};

/// The two OTLP/HTTP body formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `application/x-protobuf`.
    Protobuf,
    /// `application/json`, the OTLP JSON mapping (hex ids, int64 as strings).
    Json,
}

impl Format {
    /// The format named by a `Content-Type` header (parameters such as
    /// `charset` are ignored). No header, or another type, is refused with 415.
    pub fn from_content_type(content_type: Option<&str>) -> Result<Format> {
        let raw = content_type.unwrap_or("");
        let essence = raw
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        match essence.as_str() {
            "application/x-protobuf" | "application/protobuf" => Ok(Format::Protobuf),
            "application/json" => Ok(Format::Json),
            _ => Err(TelemetryError::UnsupportedMediaType {
                content_type: raw.to_owned(),
            }),
        }
    }

    /// The `Content-Type` of a response in this format.
    pub fn content_type(self) -> &'static str {
        match self {
            Format::Protobuf => "application/x-protobuf",
            Format::Json => "application/json",
        }
    }

    /// `protobuf` or `JSON`, for messages.
    pub fn name(self) -> &'static str {
        match self {
            Format::Protobuf => "protobuf",
            Format::Json => "JSON",
        }
    }
}

/// Undoes `Content-Encoding` (`gzip`, or none/`identity`), refusing output
/// over `limit` bytes so a small gzip bomb cannot exhaust memory.
pub fn decompress(body: &[u8], encoding: Option<&str>, limit: usize) -> Result<Vec<u8>> {
    match encoding.map(|e| e.trim().to_ascii_lowercase()).as_deref() {
        None | Some("") | Some("identity") => {
            if body.len() > limit {
                return Err(TelemetryError::TooLarge { limit });
            }
            Ok(body.to_vec())
        }
        Some("gzip") | Some("x-gzip") => gunzip(body, limit),
        Some(other) => Err(TelemetryError::UnsupportedEncoding {
            encoding: other.to_owned(),
        }),
    }
}

/// Gunzips at most `limit` bytes; more is [`TelemetryError::TooLarge`].
pub fn gunzip(body: &[u8], limit: usize) -> Result<Vec<u8>> {
    let mut out = Vec::with_capacity(body.len().saturating_mul(4).min(limit));
    // Read one byte past the limit to tell "exactly at" from "over".
    let mut reader = flate2::read::MultiGzDecoder::new(body).take(limit as u64 + 1);
    reader
        .read_to_end(&mut out)
        .map_err(|e| TelemetryError::Gzip(e.to_string()))?;
    if out.len() > limit {
        return Err(TelemetryError::TooLarge { limit });
    }
    Ok(out)
}

/// Decodes one OTLP request message of signal `signal` from `body`.
pub fn decode<M>(body: &[u8], format: Format, signal: &'static str) -> Result<M>
where
    M: prost::Message + Default + serde::de::DeserializeOwned,
{
    match format {
        Format::Protobuf => M::decode(body).map_err(|e| TelemetryError::Decode {
            signal,
            format: format.name(),
            message: e.to_string(),
        }),
        Format::Json => serde_json::from_slice(body).map_err(|e| TelemetryError::Decode {
            signal,
            format: format.name(),
            message: e.to_string(),
        }),
    }
}
