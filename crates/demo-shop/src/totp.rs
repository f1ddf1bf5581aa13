//! RFC 6238 TOTP (HMAC-SHA1, 6 digits, 30 s), enough for the demo's second factor.

use sha1::{Digest, Sha1};

/// Decodes RFC 4648 base32 (padding and case ignored); `None` on a bad character.
pub fn base32_decode(input: &str) -> Option<Vec<u8>> {
    let mut bits: u64 = 0;
    let mut n = 0;
    let mut out = Vec::new();
    for c in input.chars().filter(|c| *c != '=' && !c.is_whitespace()) {
        let v = match c.to_ascii_uppercase() {
            c @ 'A'..='Z' => c as u64 - 'A' as u64,
            c @ '2'..='7' => c as u64 - '2' as u64 + 26,
            _ => return None,
        };
        bits = (bits << 5) | v;
        n += 5;
        if n >= 8 {
            n -= 8;
            out.push((bits >> n) as u8);
            bits &= (1 << n) - 1;
        }
    }
    Some(out)
}

fn hmac_sha1(key: &[u8], msg: &[u8]) -> [u8; 20] {
    let mut k = [0u8; 64];
    if key.len() > 64 {
        k[..20].copy_from_slice(&Sha1::digest(key));
    } else {
        k[..key.len()].copy_from_slice(key);
    }
    let mut inner = Sha1::new();
    inner.update(k.map(|b| b ^ 0x36));
    inner.update(msg);
    let mut outer = Sha1::new();
    outer.update(k.map(|b| b ^ 0x5c));
    outer.update(inner.finalize());
    outer.finalize().into()
}

/// The 6-digit code for `seed` (base32) at Unix time `unix_s`.
pub fn code(seed: &str, unix_s: u64) -> Option<String> {
    let key = base32_decode(seed)?;
    let mac = hmac_sha1(&key, &(unix_s / 30).to_be_bytes());
    let off = (mac[19] & 0x0f) as usize;
    let bin = u32::from_be_bytes([mac[off] & 0x7f, mac[off + 1], mac[off + 2], mac[off + 3]]);
    Some(format!("{:06}", bin % 1_000_000))
}

/// Whether `given` is the code for `seed` at `unix_s`, one step of clock skew either way.
pub fn verify(seed: &str, given: &str, unix_s: u64) -> bool {
    [unix_s.saturating_sub(30), unix_s, unix_s + 30]
        .iter()
        .any(|t| code(seed, *t).as_deref() == Some(given.trim()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_rfc_6238_sha1_vector() {
        // RFC 6238 appendix B: secret "12345678901234567890", T=59 → 94287082 (8 digits).
        let seed = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
        assert_eq!(code(seed, 59).as_deref(), Some("287082"));
        assert!(verify(seed, "287082", 59));
    }
}
