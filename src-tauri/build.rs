//! Build script of the desktop shell: runs Tauri's code generation and grants
//! the app's window exactly the commands of the IPC contract and the shell's
//! own (the question box's `ask`).

// `SHELL_COMMAND_NAMES`, the same list the crate compiles in.
include!("src/shell_commands.rs");

fn main() {
    // Listing the commands makes Tauri generate an `allow-<command>` permission
    // for each one and refuse any command no capability grants; the list comes
    // from the contract, so it cannot fall out of step with the handlers.
    // Tauri keeps the list for the whole build, hence `'static` (and a leak
    // that ends with the build script).
    let commands: &'static [&'static str] = sightline_api::COMMAND_NAMES
        .iter()
        .chain(SHELL_COMMAND_NAMES)
        .copied()
        .collect::<Vec<_>>()
        .leak();
    let manifest = tauri_build::AppManifest::new().commands(commands);
    tauri_build::try_build(tauri_build::Attributes::new().app_manifest(manifest))
        .expect("tauri-build failed (is ui/dist built? run `npm --prefix ui run build`)");
}
