//! Human durations as people write them in project files and on the command
//! line: `500ms`, `30s`, `5m`, `6h`, `3d`, `1w`, or a sum such as `1m30s`.

use crate::CoreError;

const UNITS: [(&str, i64); 6] = [
    ("ms", 1),
    ("s", 1_000),
    ("m", 60_000),
    ("h", 3_600_000),
    ("d", 86_400_000),
    ("w", 604_800_000),
];

/// Parses a duration into milliseconds. `field` names the setting in errors.
///
/// ```
/// use sightline_core::duration::parse_ms;
/// assert_eq!(parse_ms("1m30s", "every").unwrap(), 90_000);
/// assert!(parse_ms("5 parsecs", "every").is_err());
/// ```
pub fn parse_ms(text: &str, field: &'static str) -> Result<i64, CoreError> {
    let bad = |why: &str| CoreError::BadDuration {
        field,
        value: text.to_owned(),
        reason: why.to_owned(),
    };
    let s = text.trim();
    if s.is_empty() {
        return Err(bad("empty"));
    }
    let mut total: i64 = 0;
    let mut rest = s;
    while !rest.is_empty() {
        let digits = rest.chars().take_while(char::is_ascii_digit).count();
        if digits == 0 {
            return Err(bad("expected a number, e.g. 30s, 5m, 1h"));
        }
        let (num, tail) = rest.split_at(digits);
        let unit_len = tail.chars().take_while(char::is_ascii_alphabetic).count();
        let (unit, tail) = tail.split_at(unit_len);
        let scale = UNITS
            .iter()
            .find(|(u, _)| *u == unit)
            .map(|(_, s)| *s)
            .ok_or_else(|| bad("units are ms, s, m, h, d, w"))?;
        let n: i64 = num.parse().map_err(|_| bad("number too large"))?;
        total = n
            .checked_mul(scale)
            .and_then(|v| total.checked_add(v))
            .ok_or_else(|| bad("too long"))?;
        rest = tail;
    }
    Ok(total)
}

/// Formats milliseconds the way [`parse_ms`] reads them, largest unit first
/// (`90000` -> `1m30s`).
pub fn format_ms(ms: i64) -> String {
    if ms == 0 {
        return "0s".to_owned();
    }
    let mut out = String::new();
    let mut rest = ms.unsigned_abs();
    if ms < 0 {
        out.push('-');
    }
    for (unit, size) in UNITS.iter().rev() {
        let size = size.unsigned_abs();
        if rest >= size {
            out.push_str(&format!("{}{unit}", rest / size));
            rest %= size;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_units_and_sums() {
        assert_eq!(parse_ms("250ms", "x").unwrap(), 250);
        assert_eq!(parse_ms("30s", "x").unwrap(), 30_000);
        assert_eq!(parse_ms("5m", "x").unwrap(), 300_000);
        assert_eq!(parse_ms("1h30m", "x").unwrap(), 5_400_000);
        assert_eq!(parse_ms(" 2d ", "x").unwrap(), 172_800_000);
        assert_eq!(parse_ms("1w", "x").unwrap(), 604_800_000);
    }

    #[test]
    fn errors_name_the_field_and_value() {
        for bad in ["", "m", "5", "5y", "1.5m", "-5m", "99999999999999999999d"] {
            let e = parse_ms(bad, "every").unwrap_err().to_string();
            assert!(e.starts_with("every: "), "{bad:?}: {e}");
        }
    }

    #[test]
    fn format_round_trips() {
        for ms in [1, 999, 1_000, 90_000, 3_600_000, 5_400_250, 604_800_000] {
            assert_eq!(parse_ms(&format_ms(ms), "x").unwrap(), ms, "{ms}");
        }
        assert_eq!(format_ms(90_000), "1m30s");
    }
}
