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
    software_renderer_defaults();
    if let Err(err) = sightline_app::run(started) {
        eprintln!("sightline-app: {err}");
        std::process::exit(1);
    }
}

/// Asks WebKitGTK for its older renderer on machines without a GPU; see
/// [`sightline_app::renderer`].
#[allow(unsafe_code)]
fn software_renderer_defaults() {
    use sightline_app::renderer::{DMABUF_ENV, disable_dmabuf, has_render_node};
    let user_set = std::env::var_os(DMABUF_ENV).is_some();
    if disable_dmabuf(user_set, has_render_node(std::path::Path::new("/dev/dri"))) {
        // SAFETY: the first thing `main` does after reading the clock, before
        // any other thread exists, so nothing can read the environment while
        // it changes.
        unsafe { std::env::set_var(DMABUF_ENV, "1") };
    }
}
