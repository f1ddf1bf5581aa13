//! `app_info`: which Sightline is running, on which database and project;
//! `ui_ready`: the UI saying its first view is interactive.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use sightline_store::{Store, StoreError};

use crate::{ApiContext, ApiError};

/// Asks which Sightline is running. It carries nothing yet; it is a struct so
/// that fields can be added without breaking callers.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct AppInfoRequest {}

/// Which Sightline is running, and where its data lives.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct AppInfo {
    /// Sightline's version, e.g. `0.1.0`.
    pub version: String,
    /// The database file, as the operating system names it.
    pub db_path: String,
    /// The database's schema version (its newest migration, e.g.
    /// `20261125100000`); `null` while the file does not exist yet.
    #[ts(type = "number | null")]
    pub schema_version: Option<i64>,
    /// The project folder (`slos/`, `journeys/`, `sightline.toml`).
    pub project_dir: String,
    /// The view to open first when the caller chose one (`--view`,
    /// `SIGHTLINE_VIEW`), e.g. `overview`.
    pub start_view: Option<String>,
    /// Whether Record can open a browser here: the project's Chromium exists
    /// and there is a display to show it on.
    pub recorder_available: bool,
    /// Why Record cannot, in words, when it cannot.
    pub recorder_problem: Option<String>,
}

/// Reports the running version and the database it uses. Reads the database
/// without writing to it; a file Sightline refuses is reported as an error.
pub fn app_info(ctx: &ApiContext, _req: AppInfoRequest) -> Result<AppInfo, ApiError> {
    let schema_version = match Store::open_read_only(ctx.db_path()) {
        Ok(store) => store.schema_version()?,
        Err(StoreError::Missing { .. }) => None,
        Err(e) => return Err(e.into()),
    };
    let recorder_problem = recorder_problem(ctx);
    Ok(AppInfo {
        version: env!("CARGO_PKG_VERSION").to_owned(),
        db_path: ctx.db_path().to_string_lossy().into_owned(),
        schema_version,
        project_dir: ctx.project_dir().to_string_lossy().into_owned(),
        start_view: ctx.start_view().map(str::to_owned),
        recorder_available: recorder_problem.is_none(),
        recorder_problem,
    })
}

/// Why the recorder cannot open a browser window here, if it cannot.
fn recorder_problem(ctx: &ApiContext) -> Option<String> {
    let chromium = crate::project::chromium(ctx);
    if !chromium.exists() {
        return Some(format!(
            "{} is absent (install Debian's chromium, or set [runner] chromium in sightline.toml)",
            chromium.display()
        ));
    }
    if std::env::var_os("DISPLAY").is_none() && std::env::var_os("WAYLAND_DISPLAY").is_none() {
        return Some("no display to show the browser on (DISPLAY is unset)".into());
    }
    None
}

/// The UI's first view has its data on screen and takes input.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct UiReadyRequest {
    /// The view that became interactive, e.g. `overview`.
    pub view: String,
}

/// An answer that carries nothing but "done".
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Ack {}

/// Notes that the UI is interactive. With a ready report requested (the
/// cold-start benchmark, `SIGHTLINE_REPORT_READY=1`), prints
/// `sightline-app ready view=<view> ms=<since start>` on stdout, once per call.
pub fn ui_ready(ctx: &ApiContext, req: UiReadyRequest) -> Result<Ack, ApiError> {
    if let Some(started) = ctx.ready_report() {
        use std::io::Write as _;
        let view: String = req
            .view
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
            .take(40)
            .collect();
        let mut out = std::io::stdout().lock();
        // The benchmark reads this line; a closed stdout is not the UI's problem.
        let _ = writeln!(
            out,
            "sightline-app ready view={view} ms={}",
            started.elapsed().as_millis()
        );
        let _ = out.flush();
    }
    Ok(Ack {})
}
