//! Slack incoming-webhook messages in Block Kit: a header, one section per
//! notice (the attribution sentence under the title), a context line with
//! the link, and a plain `text` fallback for notifications. Limits from
//! Slack's Block Kit reference: at most 50 blocks, header text 150
//! characters (plain text), section text 3,000, context elements 10.

use serde_json::{Value, json};

use super::clip;
use crate::notice::{Notice, NoticeKind};

/// Most blocks a message may carry.
pub const MAX_BLOCKS: usize = 50;
/// Longest header text.
pub const MAX_HEADER: usize = 150;
/// Longest section text.
pub const MAX_SECTION: usize = 3000;

/// One message for `notices` (one alert, or a grouped storm).
pub fn message(notices: &[Notice]) -> Value {
    let header = match notices {
        [one] => one.title.clone(),
        many => format!("{} alert changes: {}", many.len(), summary_of(many)),
    };
    let mut blocks = vec![json!({
        "type": "header",
        "text": { "type": "plain_text", "text": clip(&header, MAX_HEADER), "emoji": true }
    })];
    // Header, then (section, context) pairs, then maybe a last "more" line.
    let room = (MAX_BLOCKS - 2) / 2;
    for n in notices.iter().take(room) {
        let mut text = format!("*{}*", escape(&n.title));
        if let Some(a) = &n.attribution {
            text.push_str(&format!("\n{}", escape(a)));
        }
        if !n.regions.is_empty() {
            text.push_str(&format!("\nRegions: {}", escape(&n.regions.join(", "))));
        }
        blocks.push(json!({
            "type": "section",
            "text": { "type": "mrkdwn", "text": clip(&text, MAX_SECTION) }
        }));
        blocks.push(json!({
            "type": "context",
            "elements": [
                { "type": "mrkdwn", "text": format!("{} · {} · open in Sightline: `{}`", n.kind.as_str(), n.severity, n.link) }
            ]
        }));
    }
    if notices.len() > room {
        blocks.push(json!({
            "type": "section",
            "text": { "type": "mrkdwn", "text": format!("…and {} more; see `sightline notify outbox`.", notices.len() - room) }
        }));
    }
    json!({ "text": clip(&header, MAX_SECTION), "blocks": blocks })
}

fn summary_of(many: &[Notice]) -> String {
    let firing = many.iter().filter(|n| n.kind == NoticeKind::Firing).count();
    let resolved = many
        .iter()
        .filter(|n| n.kind == NoticeKind::Resolved)
        .count();
    let other = many.len() - firing - resolved;
    let mut parts = Vec::new();
    if firing > 0 {
        parts.push(format!("{firing} firing"));
    }
    if resolved > 0 {
        parts.push(format!("{resolved} resolved"));
    }
    if other > 0 {
        parts.push(format!("{other} other"));
    }
    parts.join(", ")
}

/// Slack's three control characters in mrkdwn.
fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Checks a message against the Block Kit limits this module keeps.
pub fn check(msg: &Value) -> Result<(), String> {
    let blocks = msg
        .get("blocks")
        .and_then(Value::as_array)
        .ok_or("no blocks array")?;
    if blocks.is_empty() || blocks.len() > MAX_BLOCKS {
        return Err(format!("{} blocks (1..={MAX_BLOCKS})", blocks.len()));
    }
    if msg.get("text").and_then(Value::as_str).is_none() {
        return Err("no text fallback".into());
    }
    for (i, b) in blocks.iter().enumerate() {
        let kind = b
            .get("type")
            .and_then(Value::as_str)
            .ok_or(format!("block {i}: no type"))?;
        let text = |b: &Value| {
            b.pointer("/text/text")
                .and_then(Value::as_str)
                .map(|t| t.chars().count())
        };
        match kind {
            "header" => {
                let n = text(b).ok_or(format!("block {i}: header without text"))?;
                if b.pointer("/text/type").and_then(Value::as_str) != Some("plain_text")
                    || n > MAX_HEADER
                {
                    return Err(format!(
                        "block {i}: header must be plain_text of at most {MAX_HEADER}"
                    ));
                }
            }
            "section" => {
                let n = text(b).ok_or(format!("block {i}: section without text"))?;
                if n == 0 || n > MAX_SECTION {
                    return Err(format!("block {i}: section text of {n} characters"));
                }
            }
            "context" => {
                let n = b
                    .get("elements")
                    .and_then(Value::as_array)
                    .map_or(0, Vec::len);
                if n == 0 || n > 10 {
                    return Err(format!("block {i}: context with {n} elements"));
                }
            }
            other => return Err(format!("block {i}: unexpected type {other}")),
        }
    }
    Ok(())
}
