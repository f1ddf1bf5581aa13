//! The `sightline-app` binary: starts the desktop workbench.

// Keep a release build from opening a console window next to the app on Windows.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    if let Err(err) = sightline_app::run() {
        eprintln!("sightline-app: {err}");
        std::process::exit(1);
    }
}
