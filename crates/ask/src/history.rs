//! An incident's history of questions, from the question box's side: a
//! question asked with an incident in view (the app's box opened on
//! `#/incidents/ID`, or `sightline ask --incident ID`) is remembered on that
//! incident with what answered it. The rows are the api's
//! ([`sightline_api::incidents::questions`]); this module turns an
//! [`Answer`] into one.

use sightline_api::incidents::questions::{self, AskedQuestion};
use sightline_store::Store;

use crate::{Answer, AskError, Context};

/// Fails unless incident `id` exists in `ctx`'s store, before any work is
/// spent answering; the error names the field `incident`.
pub fn check_incident(ctx: &Context, id: i64) -> Result<(), AskError> {
    let store = Store::open_read_only(&ctx.db)?;
    Ok(questions::check(&store, id)?)
}

/// Remembers `answer`'s question in incident `id`'s history, asked by `by`
/// at `asked_at_ms` (the wall clock, not the moment answered for).
pub fn remember(
    ctx: &Context,
    id: i64,
    answer: &Answer,
    by: Option<&str>,
    asked_at_ms: i64,
) -> Result<(), AskError> {
    let store = Store::open(&ctx.db)?;
    questions::record(
        &store,
        id,
        &AskedQuestion {
            at_ms: asked_at_ms,
            question: answer.question.clone(),
            intent: answer.intent.name().to_owned(),
            source: answer.source.clone(),
            answer: answer.answer.clone(),
            by: by.map(str::to_owned),
        },
    )?;
    Ok(())
}
