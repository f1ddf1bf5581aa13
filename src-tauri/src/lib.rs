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

/// The database the app shows: `SIGHTLINE_DB` if set, else the default in the
/// user's data folder, resolved exactly as the CLI resolves it.
fn database_path() -> PathBuf {
    let env = std::env::var(sightline_api::DB_ENV).ok();
    sightline_api::resolve_db_path(None, env.as_deref())
}

/// Opens the main window and runs until it is closed.
pub fn run() -> tauri::Result<()> {
    let ctx = ApiContext::new(database_path());
    tauri::Builder::default()
        .manage(ctx)
        .invoke_handler(sightline_api::ipc_contract!(contract_handler))
        .run(tauri::generate_context!())
}
