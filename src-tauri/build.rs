//! Build script of the desktop shell: runs Tauri's code generation and grants
//! the app's window exactly the commands of the IPC contract.

fn main() {
    // Listing the commands makes Tauri generate an `allow-<command>` permission
    // for each one and refuse any command no capability grants; the list comes
    // from the contract, so it cannot fall out of step with the handlers.
    let manifest = tauri_build::AppManifest::new().commands(sightline_api::COMMAND_NAMES);
    tauri_build::try_build(tauri_build::Attributes::new().app_manifest(manifest))
        .expect("tauri-build failed (is ui/dist built? run `npm --prefix ui run build`)");
}
