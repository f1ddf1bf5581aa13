//! An incident's history of questions: what people asked the question box
//! about it, and what answered. Each question is a `question` entry of the
//! incident's timeline (so it shows there and in the postmortem); this
//! module writes those entries and reads them back, newest first, for the
//! box to list when it is opened on the incident again.
//!
//! The question box itself lives in `sightline-ask`, which builds on this
//! crate; it passes the answer's intent, source and text in as plain
//! strings.

use serde::{Deserialize, Serialize};
use sightline_store::Store;
use sightline_store::queries::incidents::{self, TimelineRow};
use ts_rs::TS;

use crate::ApiError;

/// The most questions an incident's history returns.
pub const MAX_QUESTIONS: usize = 50;
/// The answer is kept to this many characters in the history.
pub const ANSWER_CHARS: usize = 280;

/// One question asked about an incident.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct AskedQuestion {
    /// When it was asked, Unix ms.
    pub at_ms: i64,
    /// The question as asked.
    pub question: String,
    /// What the engine read it as (`why_slow`, `burning`, …).
    pub intent: String,
    /// What answered: `builtin`, or the model's name.
    pub source: String,
    /// The start of the answer, at most [`ANSWER_CHARS`] characters.
    pub answer: String,
    /// Who asked.
    pub by: Option<String>,
}

/// What the stored entry's `detail` holds.
#[derive(Debug, Serialize, Deserialize)]
struct Detail {
    intent: String,
    source: String,
    answer: String,
}

/// The first `max` characters of `text`, with an ellipsis when cut.
fn clip(text: &str, max: usize) -> String {
    let text = text.trim();
    match text.char_indices().nth(max) {
        None => text.to_owned(),
        Some((cut, _)) => format!("{}…", text[..cut].trim_end()),
    }
}

/// Fails unless incident `id` exists, naming the field `incident`.
pub fn check(store: &Store, id: i64) -> Result<(), ApiError> {
    if incidents::get(store.conn(), id)?.is_none() {
        return Err(ApiError::NotFound(format!("incident: no incident {id}")));
    }
    Ok(())
}

/// Records `q` in incident `id`'s history. Refuses an empty question and an
/// incident that does not exist.
pub fn record(store: &Store, id: i64, q: &AskedQuestion) -> Result<(), ApiError> {
    check(store, id)?;
    let question = q.question.trim();
    if question.is_empty() {
        return Err(ApiError::InvalidRequest(
            "question: the question is empty".into(),
        ));
    }
    let detail = Detail {
        intent: q.intent.clone(),
        source: q.source.clone(),
        answer: clip(&q.answer, ANSWER_CHARS),
    };
    incidents::add_question(
        store.conn(),
        id,
        &TimelineRow {
            seq: 0,
            at_ms: q.at_ms,
            kind: "question".into(),
            link: None,
            summary: clip(question, 500),
            by: q.by.clone().filter(|b| !b.trim().is_empty()),
            detail: Some(serde_json::to_string(&detail).map_err(|e| {
                ApiError::InvalidRequest(format!("question: cannot be stored: {e}"))
            })?),
        },
    )?;
    Ok(())
}

/// Incident `id`'s questions, newest first, at most `limit` (capped at
/// [`MAX_QUESTIONS`]).
pub fn list(store: &Store, id: i64, limit: usize) -> Result<Vec<AskedQuestion>, ApiError> {
    check(store, id)?;
    let rows = incidents::questions(store.conn(), id, limit.min(MAX_QUESTIONS))?;
    Ok(rows
        .into_iter()
        .map(|r| {
            // A detail this build cannot read still lists the question.
            let d: Option<Detail> = r
                .detail
                .as_deref()
                .and_then(|d| serde_json::from_str(d).ok());
            let (intent, source, answer) =
                d.map_or_else(Default::default, |d| (d.intent, d.source, d.answer));
            AskedQuestion {
                at_ms: r.at_ms,
                question: r.summary,
                intent,
                source,
                answer,
                by: r.by,
            }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::clip;

    #[test]
    fn clipping_counts_characters_and_marks_the_cut() {
        assert_eq!(clip("  short  ", 10), "short");
        assert_eq!(clip("abcdef", 6), "abcdef");
        assert_eq!(clip("abc def", 4), "abc…");
        assert_eq!(clip("ééééé", 2), "éé…");
    }
}
