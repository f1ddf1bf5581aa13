//! NCSA Common and Combined Log Format, as nginx and Apache write them:
//!
//! ```text
//! 127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /a.gif HTTP/1.0" 200 2326 "http://ref/" "Mozilla/5.0"
//! ```
//!
//! Extra trailing fields are allowed (alp's `combined_plus`, an
//! `$http_x_forwarded_for`); when the last one is a number it is taken as
//! nginx's `$request_time` in seconds.

use crate::parse::time;
use crate::request::Request;

/// Splits a line into fields: bare words, `[bracketed]` and `"quoted"`
/// (with `\"` escapes). Quotes and brackets are removed.
pub fn tokens(line: &str) -> Result<Vec<&str>, String> {
    tokens_with(line, true)
}

/// [`tokens`], with `[...]` grouping only when `brackets` (ALB writes IPv6
/// clients as `[fe80::1]:443`, which is one bare field).
pub fn tokens_with(line: &str, brackets: bool) -> Result<Vec<&str>, String> {
    let b = line.as_bytes();
    let mut out = Vec::with_capacity(12);
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b' ' | b'\t' => i += 1,
            b'"' => {
                let start = i + 1;
                let mut j = start;
                while j < b.len() && b[j] != b'"' {
                    j += if b[j] == b'\\' { 2 } else { 1 };
                }
                if j >= b.len() {
                    return Err(format!("unclosed quote at column {}", i + 1));
                }
                out.push(&line[start..j]);
                i = j + 1;
            }
            b'[' if brackets => {
                let start = i + 1;
                let j = line[start..]
                    .find(']')
                    .map(|k| start + k)
                    .ok_or_else(|| format!("unclosed [ at column {}", i + 1))?;
                out.push(&line[start..j]);
                i = j + 1;
            }
            _ => {
                let start = i;
                while i < b.len() && b[i] != b' ' && b[i] != b'\t' {
                    i += 1;
                }
                out.push(&line[start..i]);
            }
        }
    }
    Ok(out)
}

/// Parses one Common or Combined line.
pub fn parse(line: &str) -> Result<Request, String> {
    let t = tokens(line)?;
    if t.len() < 7 {
        return Err(format!(
            "{} fields; Common Log Format has 7 (host ident user [time] \"request\" status size)",
            t.len()
        ));
    }
    let at_ms = time::clf(t[3])?;
    let mut parts = t[4].split(' ');
    let (Some(method), Some(target)) = (parts.next(), parts.next()) else {
        return Err(format!(
            "request {:?} is not \"METHOD target PROTOCOL\"",
            t[4]
        ));
    };
    if method.is_empty() || !method.bytes().all(|c| c.is_ascii_alphabetic()) {
        return Err(format!("bad method {method:?}"));
    }
    let status: u16 = t[5].parse().map_err(|_| format!("bad status {:?}", t[5]))?;
    let mut r = Request::new(at_ms, method, target, status);
    r.client = t[0].to_owned();
    if t[2] != "-" && !t[2].is_empty() {
        r.user = Some(t[2].to_owned());
    }
    if t.len() >= 9 && t[8] != "-" {
        r.user_agent = t[8].to_owned();
    }
    if t.len() > 9 {
        r.duration_ms = t[9..]
            .last()
            .and_then(|v| v.parse::<f64>().ok())
            .filter(|v| v.is_finite() && *v >= 0.0)
            .map(|s| s * 1000.0);
    }
    Ok(r)
}
