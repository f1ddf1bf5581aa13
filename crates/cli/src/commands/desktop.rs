//! Opening the desktop app from a command: `sightline demo` on its live
//! database, `sightline attribute --open` on one SLO's Attribution view.

use std::path::{Path, PathBuf};

/// Whether a display is there to show a window.
pub fn has_display() -> bool {
    std::env::var_os("DISPLAY").is_some() || std::env::var_os("WAYLAND_DISPLAY").is_some()
}

/// The desktop app built beside this binary (`cargo build -p sightline-app`).
pub fn app_beside_me() -> Option<PathBuf> {
    let app = std::env::current_exe()
        .ok()?
        .parent()?
        .join("sightline-app");
    app.exists().then_some(app)
}

/// Where the app opens: its database, project, first view (a route such
/// as `attribution/checkout-availability`) and, for a past moment, the
/// moment every view shows.
pub struct Opening<'a> {
    pub db: &'a Path,
    pub project: &'a Path,
    pub view: &'a str,
    pub at_ms: Option<i64>,
}

/// Starts the app at `o`, without waiting for it.
pub fn open(app: &Path, o: &Opening<'_>) -> std::io::Result<std::process::Child> {
    let mut cmd = std::process::Command::new(app);
    cmd.env(sightline_api::DB_ENV, o.db)
        .env(sightline_api::PROJECT_ENV, o.project)
        .env("SIGHTLINE_VIEW", o.view);
    match o.at_ms {
        Some(at) => cmd.env("SIGHTLINE_AT", at.to_string()),
        None => cmd.env_remove("SIGHTLINE_AT"),
    };
    cmd.spawn()
}
