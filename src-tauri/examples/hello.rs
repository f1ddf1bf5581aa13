//! A bare Tauri "hello world", built like the app (same Tauri, same profile,
//! same CSP, same embedded-assets protocol, same `main-window` capability),
//! as the floor of the cold-start benchmark (`benches/cold_start.rs`): its
//! page calls one command when it has painted, exactly as the app's first
//! view does, and the command prints the same ready line.

// Keep a release build from opening a console window next to it on Windows.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

use std::io::Write as _;
use std::time::Instant;

/// The page painted: print how long that took since `main` started.
#[tauri::command]
fn ui_ready(started: tauri::State<'_, Started>) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(
        out,
        "sightline-app ready view=hello ms={}",
        started.0.elapsed().as_millis()
    );
    let _ = out.flush();
}

struct Started(Instant);

fn main() {
    let started = Started(Instant::now());
    let result = tauri::Builder::default()
        .manage(started)
        .invoke_handler(tauri::generate_handler![ui_ready])
        .run(tauri::generate_context!("examples/hello/tauri.conf.json"));
    if let Err(err) = result {
        eprintln!("hello: {err}");
        std::process::exit(1);
    }
}
