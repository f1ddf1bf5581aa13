//! AWS Application Load Balancer access logs (space separated, quoted
//! request and user agent), as documented by AWS:
//!
//! ```text
//! https 2018-07-02T22:23:00.186641Z app/my-lb/50dc 192.168.131.39:2817 10.0.0.1:80 0.086 0.048 0.037 200 200 0 57 "GET https://www.example.com:443/ HTTP/1.1" "curl/7.46.0" ...
//! ```
//!
//! The duration is the sum of the three processing times (a `-1` means the
//! target never answered: no duration). The status is the ELB's.

use crate::parse::{clf, time};
use crate::request::Request;

/// The request types AWS documents for the first field.
pub const REQUEST_TYPES: [&str; 6] = ["http", "https", "h2", "grpcs", "ws", "wss"];

/// Parses one ALB line.
pub fn parse(line: &str) -> Result<Request, String> {
    let t = clf::tokens_with(line, false)?;
    if t.len() < 14 {
        return Err(format!(
            "{} fields; an ALB line has at least 14 (type time elb client target 3 times 2 statuses 2 sizes \"request\" \"user agent\")",
            t.len()
        ));
    }
    if !REQUEST_TYPES.contains(&t[0]) {
        return Err(format!(
            "request type {:?} is not one of {}",
            t[0],
            REQUEST_TYPES.join(", ")
        ));
    }
    let at_ms = time::iso(t[1])?;
    let mut parts = t[12].split(' ');
    let (Some(method), Some(target)) = (parts.next(), parts.next()) else {
        return Err(format!(
            "request {:?} is not \"METHOD url PROTOCOL\"",
            t[12]
        ));
    };
    let status: u16 = if t[8] == "-" {
        0
    } else {
        t[8].parse()
            .map_err(|_| format!("bad elb_status_code {:?}", t[8]))?
    };
    let mut r = Request::new(at_ms, method, target, status);
    r.client = client_addr(t[3]).to_owned();
    if t[13] != "-" {
        r.user_agent = t[13].to_owned();
    }
    let times: Option<Vec<f64>> = t[5..8]
        .iter()
        .map(|v| v.parse::<f64>().ok().filter(|x| *x >= 0.0))
        .collect();
    r.duration_ms = times.map(|v| v.iter().sum::<f64>() * 1000.0);
    Ok(r)
}

/// `1.2.3.4:5678` → `1.2.3.4`; `[fe80::1]:443` → `fe80::1`.
fn client_addr(s: &str) -> &str {
    if let Some(rest) = s.strip_prefix('[') {
        return rest.split(']').next().unwrap_or(rest);
    }
    s.rsplit_once(':').map_or(s, |(a, _)| a)
}
