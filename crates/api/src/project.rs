//! The project folder as the app reads it: the journey files under
//! `journeys/` and the runner file `sightline.toml`.
//!
//! A broken file never hides the rest: each journey file loads on its own and
//! a failure is kept with its message (naming file, step and field) for the
//! view to show next to the journey.

use std::path::{Path, PathBuf};

use sightline_journeys::LoadedJourney;
use sightline_runner::Project;

use crate::{ApiContext, ApiError};

/// One file under `journeys/`, loaded or not.
pub(crate) struct JourneyFile {
    /// The file, relative to the project folder when it is inside it.
    pub rel: String,
    /// The journey, or why it does not load.
    pub loaded: Result<LoadedJourney, String>,
}

/// Every `*.yaml`/`*.yml` file under the project's `journeys/`, sorted by path.
pub(crate) fn journey_files(ctx: &ApiContext) -> Vec<JourneyFile> {
    let root = ctx.journeys_dir();
    let mut paths = Vec::new();
    let mut stack = vec![root];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "yaml" || e == "yml") {
                paths.push(path);
            }
        }
    }
    paths.sort();
    paths
        .into_iter()
        .map(|path| JourneyFile {
            rel: relative(ctx.project_dir(), &path),
            loaded: sightline_journeys::load(&path).map_err(|e| e.to_string()),
        })
        .collect()
}

/// The loaded journey named `name`, with its file.
pub(crate) fn find_journey(ctx: &ApiContext, name: &str) -> Option<(String, LoadedJourney)> {
    journey_files(ctx).into_iter().find_map(|f| match f.loaded {
        Ok(j) if j.journey.name == name => Some((f.rel, j)),
        _ => None,
    })
}

/// `sightline.toml`: `None` when the project has none, else the project or
/// the error naming the line or field.
pub(crate) fn runner_project(ctx: &ApiContext) -> Option<Result<Project, ApiError>> {
    let file = ctx.project_file();
    if !file.exists() {
        return None;
    }
    Some(Project::load(&file).map_err(|e| ApiError::BadInput(e.to_string())))
}

/// The Chromium the project names (`[runner] chromium`), else Debian's; a
/// project file that does not load falls back too (its error is shown
/// where the project is).
pub(crate) fn chromium(ctx: &ApiContext) -> PathBuf {
    match runner_project(ctx) {
        Some(Ok(p)) => p.runner.chromium,
        _ => sightline_browser::LaunchOptions::default().executable,
    }
}

/// `path` relative to `base` when inside it, else as given.
pub(crate) fn relative(base: &Path, path: &Path) -> String {
    let shown: PathBuf = path
        .strip_prefix(base)
        .map_or_else(|_| path.to_owned(), Path::to_owned);
    shown.to_string_lossy().into_owned()
}
