//! Generic webhooks: a JSON body with the notices, signed with HMAC-SHA256
//! so the receiver can tell it came from this Sightline. The signature
//! covers the timestamp and the body (`{timestamp}.{body}`), so an old
//! request replayed later fails the receiver's freshness check.
//!
//! Headers: `Sightline-Delivery` (the outbox id: the same on every retry,
//! so a receiver can drop a repeat), `Sightline-Timestamp` (Unix seconds),
//! `Sightline-Signature: v1=<hex>`.

use hmac::{Hmac, Mac};
use serde_json::{Value, json};
use sha2::Sha256;

use crate::notice::Notice;

/// The body's `version`.
pub const BODY_VERSION: u32 = 1;

/// The body for `notices`.
pub fn body(notices: &[Notice]) -> Value {
    json!({ "version": BODY_VERSION, "source": "sightline", "notices": notices })
}

/// The `Sightline-Signature` value for `body` sent at `timestamp_s`.
pub fn signature(secret: &[u8], timestamp_s: i64, body: &[u8]) -> String {
    // HMAC takes a key of any length, so this cannot fail.
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(secret)
        .unwrap_or_else(|_| unreachable!("HMAC accepts any key length"));
    mac.update(timestamp_s.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    format!("v1={}", hex::encode(mac.finalize().into_bytes()))
}

/// Checks a received signature in constant time (for receivers and tests).
pub fn verify(secret: &[u8], timestamp_s: i64, body: &[u8], header: &str) -> bool {
    let Some(hex_sig) = header.strip_prefix("v1=") else {
        return false;
    };
    let Ok(sig) = hex::decode(hex_sig) else {
        return false;
    };
    let Ok(mut mac) = <Hmac<Sha256> as Mac>::new_from_slice(secret) else {
        return false;
    };
    mac.update(timestamp_s.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    mac.verify_slice(&sig).is_ok()
}
