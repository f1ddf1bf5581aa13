//! Sightline's desktop shell.
//!
//! This crate is deliberately thin. It owns the window, the security policy
//! (`tauri.conf.json`, `capabilities/`) and one-line adapters that expose
//! `sightline-api` functions as Tauri commands ([`commands`]). Everything a
//! command does lives in `sightline-api`, where the CLI calls it too and tests
//! run without a desktop. Only this crate depends on `tauri`.

pub mod commands;

use std::path::PathBuf;

use sightline_api::ApiContext;

/// Registers one adapter per command of the IPC contract.
///
/// Expanded by [`sightline_api::ipc_contract!`], so a command added to the
/// contract without an adapter in [`commands`] fails to compile here, and so
/// does an adapter whose request or response type differs from the contract's.
macro_rules! contract_handler {
    ($($name:ident($req:ty) -> $res:ty;)*) => {{
        $(
            const _: for<'a> fn(
                tauri::State<'a, ApiContext>,
                $req,
            ) -> Result<$res, sightline_api::IpcError> = commands::$name;
        )*
        tauri::generate_handler![$(commands::$name),*]
    }};
}

/// The database the app shows: `SIGHTLINE_DB` if set, else `sightline.db` in
/// the user's data folder (e.g. `~/.local/share/sightline/`), as for the CLI.
// TODO(store wiring): take this, and the schema version, from sightline-store
// so the app and the CLI resolve the path in one place.
fn database_path() -> PathBuf {
    if let Some(path) = std::env::var_os("SIGHTLINE_DB").filter(|p| !p.is_empty()) {
        return PathBuf::from(path);
    }
    dirs::data_dir()
        .unwrap_or_else(|| PathBuf::from("."))
        .join("sightline")
        .join("sightline.db")
}

/// Opens the main window and runs until it is closed.
pub fn run() -> tauri::Result<()> {
    let ctx = ApiContext::new(database_path(), None);
    tauri::Builder::default()
        .manage(ctx)
        .invoke_handler(sightline_api::ipc_contract!(contract_handler))
        .run(tauri::generate_context!())
}
