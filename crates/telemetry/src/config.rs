//! Where the receivers listen, how much they accept, and the optional token.

use std::net::{Ipv4Addr, SocketAddr};

use sha2::{Digest, Sha256};

/// OTLP's registered gRPC port.
pub const DEFAULT_GRPC_PORT: u16 = 4317;
/// OTLP's registered HTTP port.
pub const DEFAULT_HTTP_PORT: u16 = 4318;
/// The largest request body accepted, before and after gzip: 16 MiB.
pub const DEFAULT_MAX_BODY_BYTES: usize = 16 << 20;

/// Receiver settings.
#[derive(Debug, Clone)]
pub struct OtlpConfig {
    /// OTLP/HTTP address; loopback by default, so nothing is exposed unasked.
    pub http_addr: SocketAddr,
    /// OTLP/gRPC address.
    pub grpc_addr: SocketAddr,
    /// Largest body (compressed or not) and largest gRPC message, in bytes.
    pub max_body_bytes: usize,
    /// When set, every request must carry `Authorization: Bearer <token>`.
    pub bearer_token: Option<BearerToken>,
}

impl Default for OtlpConfig {
    fn default() -> Self {
        Self {
            http_addr: SocketAddr::from((Ipv4Addr::LOCALHOST, DEFAULT_HTTP_PORT)),
            grpc_addr: SocketAddr::from((Ipv4Addr::LOCALHOST, DEFAULT_GRPC_PORT)),
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            bearer_token: None,
        }
    }
}

/// A bearer token, kept only as its SHA-256 so the clear value never sits in
/// memory dumps, logs or `Debug` output after start-up.
#[derive(Clone, PartialEq, Eq)]
pub struct BearerToken {
    sha256: [u8; 32],
}

impl std::fmt::Debug for BearerToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("BearerToken(***)")
    }
}

impl BearerToken {
    /// Wraps a token (from the environment or the OS keyring, never a file in
    /// the repository).
    pub fn new(token: &str) -> Self {
        Self {
            sha256: Sha256::digest(token.as_bytes()).into(),
        }
    }

    /// Checks an `Authorization` header value. Comparing digests in constant
    /// time leaks neither the token nor how much of a guess was right.
    pub fn accepts(&self, authorization: Option<&str>) -> bool {
        let Some(given) = authorization.and_then(|h| {
            let (scheme, rest) = h.trim().split_once(' ')?;
            scheme.eq_ignore_ascii_case("bearer").then(|| rest.trim())
        }) else {
            return false;
        };
        let digest: [u8; 32] = Sha256::digest(given.as_bytes()).into();
        digest
            .iter()
            .zip(self.sha256.iter())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_is_checked_and_never_printed() {
        let t = BearerToken::new("s3cret");
        assert!(t.accepts(Some("Bearer s3cret")));
        assert!(t.accepts(Some("bearer  s3cret ")));
        assert!(!t.accepts(Some("Bearer s3cre")));
        assert!(!t.accepts(Some("Basic s3cret")));
        assert!(!t.accepts(Some("s3cret")));
        assert!(!t.accepts(None));
        assert!(!format!("{t:?}").contains("s3cret"));
    }
}
