//! The grounding check: every number and clock time in an answer must come
//! from a tool result (or the question), and every region or version it
//! names must be one the store knows. What fails is flagged, never hidden.

use chrono_tz::Tz;

use crate::answer::ToolCall;
use crate::catalog::Catalog;
use crate::time::{hhmm, hhmmss};

/// A number read from the answer, with its unit and decimals.
#[derive(Debug, Clone, PartialEq)]
struct Num {
    text: String,
    value: f64,
    decimals: i32,
    unit: String,
}

fn collect(v: &serde_json::Value, nums: &mut Vec<f64>, strings: &mut Vec<String>) {
    match v {
        serde_json::Value::Number(n) => {
            if let Some(f) = n.as_f64() {
                nums.push(f);
            }
        }
        serde_json::Value::String(s) => strings.push(s.clone()),
        serde_json::Value::Array(a) => a.iter().for_each(|x| collect(x, nums, strings)),
        serde_json::Value::Object(o) => o.values().for_each(|x| collect(x, nums, strings)),
        _ => {}
    }
}

/// Splits text into words, keeping the characters of numbers and names.
fn words(text: &str) -> Vec<&str> {
    text.split(|c: char| {
        c.is_whitespace() || matches!(c, ',' | ';' | '(' | ')' | '"' | '“' | '”' | '–' | '?' | '!')
    })
    .map(|w| w.trim_end_matches(['.', ':']))
    .filter(|w| !w.is_empty())
    .collect()
}

fn is_clock(w: &str) -> bool {
    let parts: Vec<&str> = w.split(':').collect();
    (parts.len() == 2 || parts.len() == 3)
        && parts
            .iter()
            .all(|p| p.len() == 2 && p.chars().all(|c| c.is_ascii_digit()))
}

fn number(w: &str, next: Option<&str>) -> Option<Num> {
    let lead = w.trim_start_matches(['~', '+', '−']);
    let end = lead
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(lead.len());
    let (digits, rest) = lead.split_at(end);
    if digits.is_empty() || !digits.chars().next().is_some_and(|c| c.is_ascii_digit()) {
        return None;
    }
    // Versions (2.4.1) and names with digits (us-east-1, p99) are names.
    if digits.matches('.').count() > 1 || digits.ends_with('.') {
        return None;
    }
    let unit_inline = rest.to_lowercase();
    if !unit_inline.is_empty()
        && !matches!(unit_inline.as_str(), "%" | "x" | "ms" | "s" | "min" | "h")
    {
        return None;
    }
    let unit = if unit_inline.is_empty() {
        next.map(str::to_lowercase)
            .filter(|n| {
                matches!(
                    n.as_str(),
                    "ms" | "s"
                        | "min"
                        | "h"
                        | "days"
                        | "day"
                        | "minutes"
                        | "hours"
                        | "seconds"
                        | "runs"
                        | "requests"
                )
            })
            .unwrap_or_default()
    } else {
        unit_inline
    };
    Some(Num {
        text: w.to_owned(),
        value: digits.parse().ok()?,
        decimals: digits.split('.').nth(1).map_or(0, |d| d.len() as i32),
        unit,
    })
}

fn scales(unit: &str) -> &'static [f64] {
    match unit {
        "%" => &[0.01, 1.0],
        "ms" => &[1.0],
        "s" | "seconds" => &[1_000.0, 1.0],
        "min" | "minutes" => &[60_000.0, 1.0],
        "h" | "hours" => &[3_600_000.0, 60.0, 1.0],
        "days" | "day" => &[86_400_000.0, 1.0],
        _ => &[1.0, 0.01],
    }
}

/// Numbers, clock times and names in `text` that neither `calls` nor the
/// `question` nor `cat` account for.
pub fn ungrounded(
    text: &str,
    question: &str,
    calls: &[ToolCall],
    cat: &Catalog,
    tz: Tz,
) -> Vec<String> {
    let mut nums = Vec::new();
    let mut strings = Vec::new();
    for c in calls {
        collect(&c.args, &mut nums, &mut strings);
        collect(&c.result, &mut nums, &mut strings);
    }
    for s in strings.iter().chain(std::iter::once(&question.to_owned())) {
        for w in words(s) {
            if let Some(n) = number(w, None) {
                nums.push(n.value);
            }
        }
    }
    let clocks: Vec<String> = nums
        .iter()
        .filter(|n| **n > 1e12)
        .flat_map(|n| [hhmm(*n as i64, tz), hhmmss(*n as i64, tz)])
        .collect();
    let haystack = format!("{} {}", strings.join(" "), question).to_lowercase();
    let ws = words(text);
    let mut bad = Vec::new();
    for (i, w) in ws.iter().enumerate() {
        if is_clock(w) {
            if !clocks.iter().any(|c| c == w) && !haystack.contains(w) {
                bad.push((*w).to_owned());
            }
            continue;
        }
        let lw = w.to_lowercase();
        // Regions and versions must be known.
        let region_like = {
            let p: Vec<&str> = lw.split('-').collect();
            p.len() == 3
                && p[0].len() == 2
                && p[2].chars().all(|c| c.is_ascii_digit())
                && !p[2].is_empty()
        };
        let version_like = lw.split('@').next_back().is_some_and(|v| {
            let parts: Vec<&str> = v.split('.').collect();
            parts.len() == 3
                && parts
                    .iter()
                    .all(|x| !x.is_empty() && x.chars().all(|c| c.is_ascii_digit()))
        });
        if region_like || version_like {
            if !cat.knows(&lw) && !haystack.contains(&lw) {
                bad.push((*w).to_owned());
            }
            continue;
        }
        let Some(n) = number(w, ws.get(i + 1).copied()) else {
            continue;
        };
        let tol = 0.5 * 10f64.powi(-n.decimals) + 1e-9;
        let ok = scales(&n.unit).iter().any(|scale| {
            nums.iter().any(|x| {
                let v = x / scale;
                (v - n.value).abs() <= tol || (v.abs() - n.value).abs() <= tol
            })
        }) || duration_ok(&n, &nums);
        if !ok {
            bad.push(n.text);
        }
    }
    bad
}

/// `2 h 10 min`: the hours and minutes of one duration in ms.
fn duration_ok(n: &Num, nums: &[f64]) -> bool {
    match n.unit.as_str() {
        "min" | "minutes" => nums.iter().any(|x| {
            ((x / 60_000.0) % 60.0).floor() == n.value || (x / 60_000.0).round() == n.value
        }),
        "h" | "hours" => nums.iter().any(|x| (x / 3_600_000.0).floor() == n.value),
        "days" | "day" => nums.iter().any(|x| (x / 86_400_000.0).round() == n.value),
        "s" | "seconds" => nums.iter().any(|x| (x / 1000.0).floor() == n.value),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(result: serde_json::Value) -> ToolCall {
        ToolCall {
            tool: "t".into(),
            args: serde_json::json!({}),
            result,
        }
    }

    #[test]
    fn numbers_from_results_pass_and_others_are_flagged() {
        let calls = [call(serde_json::json!({
            "sli": 0.93124, "burn_5m": 14.23, "share": 0.874, "good": 31, "valid": 43,
            "exhaustion_in_ms": 7_800_000, "onset_ms": 1_796_149_176_753_i64
        }))];
        let cat = Catalog::default();
        let ok = "SLI 93.1%, burn 14.2x, 87% of the burn; 31 of 43 runs; runs out in 2 h 10 min; from 18:19:36.";
        assert_eq!(
            ungrounded(ok, "", &calls, &cat, Tz::UTC),
            Vec::<String>::new()
        );
        let bad = "SLI 95.0%, burn 3.0x, 12 of 43 runs, at 09:00, in eu-west-9, release 9.9.9.";
        assert_eq!(
            ungrounded(bad, "", &calls, &cat, Tz::UTC),
            ["95.0%", "3.0x", "12", "09:00", "eu-west-9", "9.9.9"]
        );
    }

    #[test]
    fn the_question_grounds_its_own_numbers() {
        let cat = Catalog::default();
        assert!(
            ungrounded(
                "over the last 30 min",
                "errors in the last 30 minutes?",
                &[],
                &cat,
                Tz::UTC
            )
            .is_empty()
        );
    }
}
