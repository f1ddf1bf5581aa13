//! The `sightline-app` binary: starts the desktop workbench.

// Keep a release build from opening a console window next to the app on Windows.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

/// The same allocator as the `sightline` binary: the app runs the OTLP
/// receiver and the engines too.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    // Taken first, so the cold-start report counts everything after exec.
    let started = std::time::Instant::now();
    if let Err(err) = sightline_app::run(started) {
        eprintln!("sightline-app: {err}");
        std::process::exit(1);
    }
}
