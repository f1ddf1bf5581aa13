//! Sightline's desktop shell.
//!
//! This crate is deliberately thin. It owns the window, the security policy
//! (`tauri.conf.json`, `capabilities/`), the choice of database, project and
//! first view from the command line and environment, the live-update watcher
//! thread, and one-line adapters that expose `sightline-api` functions as
//! Tauri commands ([`commands`]). Everything a command does lives in
//! `sightline-api`, where the CLI calls it too and tests run without a
//! desktop. Only this crate depends on `tauri`.
//!
//! One command lives outside the api's contract: the question box's
//! [`ask()`](ask::ask), over the `sightline-ask` engine, which builds on the
//! api (so the contract cannot name it). [`SHELL_COMMAND_NAMES`] lists it for
//! the permissions.

pub mod ask;
pub mod commands;
pub mod renderer;
/// The shell's own commands, beside the contract's (also read by build.rs).
mod shell_commands;

pub use shell_commands::SHELL_COMMAND_NAMES;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use sightline_api::ApiContext;
use tauri::Manager;

/// Registers one adapter per command and stream of the IPC contract, and the
/// shell's own commands ([`SHELL_COMMAND_NAMES`]).
///
/// Expanded by [`sightline_api::ipc_contract!`], so a command added to the
/// contract without an adapter in [`commands`] fails to compile here, and so
/// does an adapter whose request, response or event type differs from the
/// contract's.
macro_rules! contract_handler {
    (commands { $($name:ident($req:ty) -> $res:ty;)* }
     streams { $($sname:ident($sreq:ty) -> $sres:ty, $sev:ty;)* }) => {{
        $(
            const _: for<'a> fn(
                tauri::State<'a, ApiContext>,
                $req,
            ) -> Result<$res, sightline_api::IpcError> = commands::$name;
        )*
        $(
            const _: for<'a> fn(
                tauri::State<'a, ApiContext>,
                $sreq,
                tauri::ipc::Channel<$sev>,
            ) -> Result<$sres, sightline_api::IpcError> = commands::$sname;
        )*
        const _: for<'a> fn(
            tauri::State<'a, ApiContext>,
            sightline_ask::bindings::AskRequest,
        ) -> Result<sightline_ask::Answer, sightline_api::IpcError> = ask::ask;
        tauri::generate_handler![$(commands::$name,)* $(commands::$sname,)* ask::ask]
    }};
}

/// The environment variable naming the first view (`overview`, `journeys`,
/// `slos`, `settings`, or a route such as `journeys/demo-login`).
pub const VIEW_ENV: &str = "SIGHTLINE_VIEW";
/// Set to `1` to print a line when the first view is interactive (the
/// cold-start benchmark reads it).
pub const REPORT_READY_ENV: &str = "SIGHTLINE_REPORT_READY";

/// The environment variable that fixes the moment every view shows, in
/// Unix ms (a past incident, as it stood; the end-to-end tests' recorded
/// incidents). Unset: now.
pub const AT_ENV: &str = "SIGHTLINE_AT";

/// The moment [`AT_ENV`] fixed, once read.
static FIXED_NOW: std::sync::OnceLock<i64> = std::sync::OnceLock::new();

fn fixed_now() -> i64 {
    FIXED_NOW
        .get()
        .copied()
        .unwrap_or_else(sightline_api::system_now_ms)
}

/// What the command line and environment chose.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Launch {
    /// `--db PATH`.
    pub db: Option<PathBuf>,
    /// `--project DIR`.
    pub project: Option<PathBuf>,
    /// `--view NAME`.
    pub view: Option<String>,
}

impl Launch {
    /// Reads `--db`, `--project` and `--view` (each also as `--x=value`);
    /// other arguments are left to the platform (WebDriver adds its own).
    pub fn parse(args: impl IntoIterator<Item = String>) -> Self {
        let mut out = Self::default();
        let mut args = args.into_iter();
        while let Some(a) = args.next() {
            let (key, inline) = match a.split_once('=') {
                Some((k, v)) => (k.to_owned(), Some(v.to_owned())),
                None => (a, None),
            };
            let slot = match key.as_str() {
                "--db" => 0,
                "--project" => 1,
                "--view" => 2,
                _ => continue,
            };
            let Some(value) = inline.or_else(|| args.next()) else {
                continue;
            };
            match slot {
                0 => out.db = Some(PathBuf::from(value)),
                1 => out.project = Some(PathBuf::from(value)),
                _ => out.view = Some(value),
            }
        }
        out
    }
}

/// The context the app's commands share: the database and project resolved
/// exactly as the CLI resolves them (`--db`, then `SIGHTLINE_DB`, then the
/// default; `--project`, then `SIGHTLINE_PROJECT`, then the current folder).
pub fn context(launch: Launch, started: Instant) -> ApiContext {
    let env = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
    let db =
        sightline_api::resolve_db_path(launch.db.as_deref(), env(sightline_api::DB_ENV).as_deref());
    let project = launch
        .project
        .or_else(|| env(sightline_api::PROJECT_ENV).map(PathBuf::from))
        .unwrap_or_else(|| PathBuf::from("."));
    let ctx = ApiContext::new(db)
        .with_project(project)
        .with_start_view(launch.view.or_else(|| env(VIEW_ENV)));
    let ctx = match env(AT_ENV).map(|t| (t.trim().parse::<i64>(), t)) {
        Some((Ok(ms), _)) => {
            let _ = FIXED_NOW.set(ms);
            ctx.with_clock(fixed_now)
        }
        Some((Err(_), text)) => {
            eprintln!(
                "sightline-app: {AT_ENV}={text:?} is not a moment in Unix milliseconds \
                 (e.g. 1767225600000); showing now"
            );
            ctx
        }
        None => ctx,
    };
    if env(REPORT_READY_ENV).as_deref() == Some("1") {
        ctx.with_ready_report(started)
    } else {
        ctx
    }
}

/// Opens the main window and runs until it is closed.
pub fn run(started: Instant) -> tauri::Result<()> {
    let ctx = context(Launch::parse(std::env::args().skip(1)), started);
    tauri::Builder::default()
        .setup({
            let ctx = ctx.clone();
            move |app| {
                // Checks for new runs at most once a second while the UI
                // listens; stops with the app.
                let watcher = sightline_api::live::spawn_watcher(ctx, Duration::from_secs(1))?;
                app.manage(watcher);
                Ok(())
            }
        })
        .manage(ctx)
        .invoke_handler(sightline_api::ipc_contract!(contract_handler))
        .run(tauri::generate_context!())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn launch_arguments_are_read_in_both_spellings_and_others_ignored() {
        let args = [
            "--view",
            "journeys",
            "--db=/x.db",
            "--webdriver-thing",
            "--project",
            "/p",
        ];
        let l = Launch::parse(args.iter().map(|s| (*s).to_owned()));
        assert_eq!(
            l,
            Launch {
                db: Some("/x.db".into()),
                project: Some("/p".into()),
                view: Some("journeys".into()),
            }
        );
        assert_eq!(Launch::parse(["--view".to_owned()]), Launch::default());
    }
}
