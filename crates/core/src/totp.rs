//! RFC 6238 time-based one-time passwords (TOTP), for journeys that sign in
//! with a second factor, and for the demo shop that checks them.
//!
//! Pure: the time is an argument. Seeds are base32 (RFC 4648), as in
//! `otpauth://` URIs and authenticator apps.

use hmac::digest::KeyInit;
use hmac::{Hmac, Mac};

use crate::CoreError;
use crate::journey::TotpAlgorithm;

/// Decodes RFC 4648 base32; padding, spaces and case are ignored.
pub fn base32_decode(input: &str) -> Result<Vec<u8>, CoreError> {
    let mut bits: u64 = 0;
    let mut n = 0;
    let mut out = Vec::new();
    for c in input.chars().filter(|c| *c != '=' && !c.is_whitespace()) {
        let v = match c.to_ascii_uppercase() {
            c @ 'A'..='Z' => c as u64 - 'A' as u64,
            c @ '2'..='7' => c as u64 - '2' as u64 + 26,
            _ => {
                return Err(CoreError::UnknownValue {
                    field: "totp seed",
                    value: "(not shown)".to_owned(),
                    expected: "base32 (A-Z, 2-7)",
                });
            }
        };
        bits = (bits << 5) | v;
        n += 5;
        if n >= 8 {
            n -= 8;
            out.push((bits >> n) as u8);
            bits &= (1 << n) - 1;
        }
    }
    Ok(out)
}

fn mac<M: Mac + KeyInit>(key: &[u8], counter: u64) -> Vec<u8> {
    let Ok(mut m) = <M as KeyInit>::new_from_slice(key) else {
        // HMAC accepts keys of any length; this arm is never taken.
        return Vec::new();
    };
    m.update(&counter.to_be_bytes());
    m.finalize().into_bytes().to_vec()
}

/// The code for raw key bytes at Unix time `unix_s`.
pub fn code_for_key(
    key: &[u8],
    unix_s: u64,
    period_s: u64,
    digits: u32,
    algorithm: TotpAlgorithm,
) -> Result<String, CoreError> {
    if !(6..=8).contains(&digits) {
        return Err(CoreError::OutOfRange {
            field: "digits",
            value: digits.to_string(),
            reason: "6 to 8",
        });
    }
    if period_s == 0 {
        return Err(CoreError::OutOfRange {
            field: "period",
            value: "0".to_owned(),
            reason: "at least 1 second",
        });
    }
    let counter = unix_s / period_s;
    let h = match algorithm {
        TotpAlgorithm::Sha1 => mac::<Hmac<sha1::Sha1>>(key, counter),
        TotpAlgorithm::Sha256 => mac::<Hmac<sha2::Sha256>>(key, counter),
        TotpAlgorithm::Sha512 => mac::<Hmac<sha2::Sha512>>(key, counter),
    };
    if h.len() < 20 {
        return Err(CoreError::InvalidId {
            field: "totp",
            value: String::new(),
            reason: "HMAC failed".to_owned(),
        });
    }
    // Dynamic truncation (RFC 4226 section 5.3).
    let off = (h[h.len() - 1] & 0x0f) as usize;
    let bin = u32::from_be_bytes([h[off] & 0x7f, h[off + 1], h[off + 2], h[off + 3]]);
    let modulo = 10u32.pow(digits);
    Ok(format!("{:0width$}", bin % modulo, width = digits as usize))
}

/// The code for a base32 `seed` at Unix time `unix_s`.
pub fn code(
    seed: &str,
    unix_s: u64,
    period_s: u64,
    digits: u32,
    algorithm: TotpAlgorithm,
) -> Result<String, CoreError> {
    code_for_key(&base32_decode(seed)?, unix_s, period_s, digits, algorithm)
}

/// Whether `given` is the 6-digit SHA-1 code of `seed` at `unix_s`, allowing
/// one period of clock skew either way (as servers usually do).
pub fn verify(seed: &str, given: &str, unix_s: u64) -> bool {
    [unix_s.saturating_sub(30), unix_s, unix_s + 30]
        .iter()
        .any(|t| code(seed, *t, 30, 6, TotpAlgorithm::Sha1).is_ok_and(|c| c == given.trim()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238 appendix B: keys are ASCII "1234567890" repeated to 20, 32
    /// and 64 bytes; 8 digits; 30 s steps.
    #[test]
    fn matches_every_rfc_6238_test_vector() {
        let key = |len: usize| {
            b"1234567890"
                .iter()
                .copied()
                .cycle()
                .take(len)
                .collect::<Vec<u8>>()
        };
        let vectors: [(u64, &str, &str, &str); 6] = [
            (59, "94287082", "46119246", "90693936"),
            (1_111_111_109, "07081804", "68084774", "25091201"),
            (1_111_111_111, "14050471", "67062674", "99943326"),
            (1_234_567_890, "89005924", "91819424", "93441116"),
            (2_000_000_000, "69279037", "90698825", "38618901"),
            (20_000_000_000, "65353130", "77737706", "47863826"),
        ];
        for (t, sha1, sha256, sha512) in vectors {
            assert_eq!(
                code_for_key(&key(20), t, 30, 8, TotpAlgorithm::Sha1).unwrap(),
                sha1,
                "{t}"
            );
            assert_eq!(
                code_for_key(&key(32), t, 30, 8, TotpAlgorithm::Sha256).unwrap(),
                sha256,
                "{t}"
            );
            assert_eq!(
                code_for_key(&key(64), t, 30, 8, TotpAlgorithm::Sha512).unwrap(),
                sha512,
                "{t}"
            );
        }
    }

    #[test]
    fn base32_seeds_work_and_bad_ones_are_refused() {
        // "12345678901234567890" in base32.
        let seed = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
        assert_eq!(
            code(seed, 59, 30, 6, TotpAlgorithm::Sha1).unwrap(),
            "287082"
        );
        assert!(verify(seed, "287082", 59));
        assert!(verify(seed, "287082", 59 + 30), "one step of skew");
        assert!(!verify(seed, "287082", 59 + 90));
        let e = code("not base32!", 0, 30, 6, TotpAlgorithm::Sha1).unwrap_err();
        assert!(
            !e.to_string().contains("not base32"),
            "the seed is never echoed: {e}"
        );
        assert!(code(seed, 0, 30, 9, TotpAlgorithm::Sha1).is_err());
        assert!(code(seed, 0, 0, 6, TotpAlgorithm::Sha1).is_err());
    }
}
