//! The question box's command, `ask`: the shell's one command outside the
//! api's IPC contract (see [`crate::SHELL_COMMAND_NAMES`]).
//!
//! The engine (`sightline-ask`) takes everything through its own
//! [`Context`]; this module builds that from the app's [`ApiContext`] (its
//! database, its project's `slos/` and `journeys/`, its clock) and from two
//! environment variables, and maps the engine's errors to the [`IpcError`]
//! every command answers with. When the project's `[ask]` names a model
//! (set in Settings; the key in the keyring), questions go to it with the
//! engines as tools, as `sightline ask --model-url` does; otherwise, and
//! whenever it fails, the built-in engine answers. A question asked with an
//! incident in view joins that incident's history of questions.

use chrono_tz::Tz;
use sightline_api::{ApiContext, ApiError, ErrorCode, IpcError};
use sightline_ask::bindings::AskRequest;
use sightline_ask::catalog::journey_files;
use sightline_ask::model::{ModelConfig, ask_with_model};
use sightline_ask::{Answer, AskError, Context, history};
use tauri::State;

/// The moment to answer at, Unix ms, when the request names none: for a
/// database recorded in the past (a loaded incident, the end-to-end test),
/// whose questions make sense only at the moment it ends. Unset, the app's
/// clock.
pub const ASK_AT_ENV: &str = "SIGHTLINE_ASK_AT";
/// The IANA time zone answers give times in (`Europe/Paris`); UTC when
/// unset. The CLI's `sightline ask --tz` reads the same variable.
pub const TZ_ENV: &str = "SIGHTLINE_TZ";

/// Answers `req.question` over the app's database and project: from the
/// configured model if there is one, else the built-in engine.
///
/// The moment answered at is `req.at_ms`, else `SIGHTLINE_ASK_AT` ([`ASK_AT_ENV`],
/// Unix ms), else the context's clock; times are given in `SIGHTLINE_TZ`
/// ([`TZ_ENV`]) or UTC. Both variables are read on every call. Like every
/// command it runs on a worker thread, never the window's.
#[tauri::command(async)]
pub fn ask(ctx: State<'_, ApiContext>, req: AskRequest) -> Result<Answer, IpcError> {
    let env = |k: &str| std::env::var(k).ok().filter(|v| !v.trim().is_empty());
    answer(
        &ctx,
        req,
        env(ASK_AT_ENV).as_deref(),
        env(TZ_ENV).as_deref(),
    )
}

/// What [`ask`] does, with the two variables' values passed in (`None`:
/// unset), so it runs under test without a window or a changed environment.
pub fn answer(
    ctx: &ApiContext,
    req: AskRequest,
    ask_at: Option<&str>,
    tz: Option<&str>,
) -> Result<Answer, IpcError> {
    let engine = context(ctx, req.at_ms, ask_at, tz)?;
    // An incident that does not exist is refused before any answering.
    if let Some(id) = req.incident {
        history::check_incident(&engine, id).map_err(ipc_error)?;
    }
    let answer = match sightline_api::ask_model::ask_model(ctx) {
        // The model answers from the engines' tool results; a time-out or an
        // error gives the built-in answer with `fallback` saying why.
        Some(m) => {
            let mut cfg = ModelConfig::new(m.url, m.model);
            cfg.timeout = std::time::Duration::from_secs(m.timeout_s.max(1));
            cfg.api_key = m.key;
            ask_with_model(&engine, &req.question, &cfg).map_err(ipc_error)?
        }
        None => sightline_ask::ask(&engine, &req.question).map_err(ipc_error)?,
    };
    if let Some(id) = req.incident {
        // Who asked: the desktop user, as for notes and acknowledgements.
        let by = std::env::var("USER").ok();
        history::remember(&engine, id, &answer, by.as_deref(), ctx.now_ms()).map_err(ipc_error)?;
    }
    Ok(answer)
}

/// The engine's context for the app's `ctx`.
pub fn context(
    ctx: &ApiContext,
    at_ms: Option<i64>,
    ask_at: Option<&str>,
    tz: Option<&str>,
) -> Result<Context, IpcError> {
    let at_ms = match (at_ms, ask_at) {
        (Some(at), _) => at,
        (None, Some(text)) => parse_at(text)?,
        (None, None) => ctx.now_ms(),
    };
    let tz = tz.map_or(Ok(Tz::UTC), parse_tz)?;
    let db = ctx.db_path().to_owned();
    // The engine opens the store for writing; a question must not create a
    // database where there was none.
    if !db.exists() {
        return Err(IpcError {
            code: ErrorCode::NotFound,
            message: format!(
                "{}: no database here yet, so there is nothing to answer from \
                 (record runs first with `sightline run`, or open the app with --db)",
                db.display()
            ),
        });
    }
    // A project without `slos/` has no SLOs to ask about (as in the CLI).
    let slos_dir = ctx.slos_dir();
    let slos = if slos_dir.is_dir() {
        sightline_api::slo::load_slos(&slos_dir)?
            .into_iter()
            .map(|l| l.config)
            .collect()
    } else {
        Vec::new()
    };
    let journeys_dir = ctx.journeys_dir();
    Ok(Context {
        db,
        slos,
        journeys: journey_files(&journeys_dir),
        journeys_dir,
        at_ms,
        tz,
    })
}

fn bad_input(message: String) -> IpcError {
    IpcError {
        code: ErrorCode::BadInput,
        message,
    }
}

fn parse_at(text: &str) -> Result<i64, IpcError> {
    text.trim().parse::<i64>().map_err(|_| {
        bad_input(format!(
            "{ASK_AT_ENV}={text:?}: not a moment in Unix milliseconds (e.g. 1767225600000)"
        ))
    })
}

fn parse_tz(text: &str) -> Result<Tz, IpcError> {
    text.trim().parse::<Tz>().map_err(|_| {
        bad_input(format!(
            "{TZ_ENV}={text:?}: not an IANA time zone (e.g. Europe/Paris, UTC)"
        ))
    })
}

/// The engine's error as it crosses the IPC boundary, with the api's codes.
fn ipc_error(err: AskError) -> IpcError {
    match err {
        AskError::Api(e) => e.into(),
        AskError::Store(e) => ApiError::Store(e).into(),
        AskError::Unknown(message) => IpcError {
            code: ErrorCode::NotFound,
            message,
        },
        AskError::BadInput(message) => bad_input(message),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The error of a context that must not be built.
    fn refused(r: Result<Context, IpcError>) -> IpcError {
        match r {
            Ok(_) => panic!("the context was built"),
            Err(e) => e,
        }
    }

    fn project() -> (tempfile::TempDir, ApiContext) {
        let dir = tempfile::tempdir().unwrap();
        let ctx = ApiContext::new(dir.path().join("s.db"))
            .with_project(dir.path())
            .with_clock(|| 1_000);
        (dir, ctx)
    }

    #[test]
    fn the_shell_grants_the_engines_command_name() {
        assert_eq!(
            crate::SHELL_COMMAND_NAMES,
            [sightline_ask::bindings::COMMAND]
        );
        assert!(!sightline_api::COMMAND_NAMES.contains(&sightline_ask::bindings::COMMAND));
    }

    #[test]
    fn the_moment_is_the_requests_then_the_variables_then_the_clock() {
        let (dir, ctx) = project();
        std::fs::write(dir.path().join("s.db"), b"").unwrap();
        let at = |req, env| context(&ctx, req, env, None).unwrap().at_ms;
        assert_eq!(at(Some(5), Some("7")), 5);
        assert_eq!(at(None, Some(" 7 ")), 7);
        assert_eq!(at(None, None), 1_000);
        let c = context(&ctx, None, None, Some("Asia/Kolkata")).unwrap();
        assert_eq!(c.tz, Tz::Asia__Kolkata);
        assert_eq!(context(&ctx, None, None, None).unwrap().tz, Tz::UTC);
        assert!(c.slos.is_empty() && c.journeys.is_empty());
        assert_eq!(c.journeys_dir, dir.path().join("journeys"));
    }

    #[test]
    fn bad_variables_and_a_missing_database_are_explained() {
        let (dir, ctx) = project();
        let missing = refused(context(&ctx, None, None, None));
        assert_eq!(missing.code, ErrorCode::NotFound);
        assert!(
            missing.message.contains("no database here yet"),
            "{missing}"
        );
        assert!(
            !dir.path().join("s.db").exists(),
            "a question creates no database"
        );

        std::fs::write(dir.path().join("s.db"), b"").unwrap();
        let at = refused(context(&ctx, None, Some("yesterday"), None));
        assert_eq!(at.code, ErrorCode::BadInput);
        assert!(
            at.message.starts_with("SIGHTLINE_ASK_AT=\"yesterday\""),
            "{at}"
        );
        let tz = refused(context(&ctx, None, None, Some("Mars/Olympus")));
        assert_eq!(tz.code, ErrorCode::BadInput);
        assert!(tz.message.contains("not an IANA time zone"), "{tz}");
    }

    #[test]
    fn an_empty_question_is_refused_as_bad_input() {
        let (dir, ctx) = project();
        sightline_store::Store::open(dir.path().join("s.db")).unwrap();
        let req = AskRequest {
            question: "  ".into(),
            at_ms: None,
            incident: None,
        };
        let err = answer(&ctx, req, None, None).unwrap_err();
        assert_eq!(err.code, ErrorCode::BadInput);
        assert!(err.message.contains("the question is empty"), "{err}");
    }
}
