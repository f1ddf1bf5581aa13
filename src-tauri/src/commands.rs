//! Tauri commands: one-line adapters over `sightline-api`.
//!
//! Each adapter only unpacks Tauri's state and forwards the request; the work
//! and its tests live in `sightline-api`. The names and types must match the
//! contract in `sightline_api::ipc_contract!` (checked at compile time in
//! `lib.rs`).

use sightline_api::{ApiContext, AppInfo, AppInfoRequest, IpcError};
use tauri::State;

/// See [`sightline_api::app_info`].
#[tauri::command]
pub fn app_info(ctx: State<'_, ApiContext>, req: AppInfoRequest) -> Result<AppInfo, IpcError> {
    Ok(sightline_api::app_info(&ctx, req)?)
}
