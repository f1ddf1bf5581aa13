//! The one service surface that the app and the CLI both call.
//!
//! Every question a person can ask Sightline, from a window or from a terminal,
//! is a typed request here with a typed response. The desktop shell
//! (`src-tauri`) turns each one into a Tauri command with a one-line adapter; the
//! CLI calls the same functions directly. Keeping the bodies here, away from the
//! desktop, means they can be tested without a window and that the app and the
//! CLI cannot drift apart.
//!
//! The list of commands, `name(Request) -> Response`, is declared once, in
//! [`ipc_contract!`]. That list drives the shell's handler (a command without an
//! adapter fails to compile), the shell's permission list ([`COMMAND_NAMES`]),
//! and the TypeScript bindings the UI imports ([`bindings`]).
//!
//! Functions take what they need as arguments through [`ApiContext`]; nothing
//! here reads the clock or picks a database path by itself.

mod app_info;
pub mod bindings;
mod context;
mod contract;
mod error;
pub mod live;
pub mod slo;

pub use app_info::{AppInfo, AppInfoRequest, app_info};
pub use context::ApiContext;
pub use error::{ApiError, ErrorCode, IpcError};
/// How the CLI and the app pick the database: `--db`, then `SIGHTLINE_DB`, then the default.
pub use sightline_store::paths::{DB_ENV, resolve_db_path};

/// Builds the crate-level items that follow from the contract: the command
/// names, a compile-time check that each function has the contract's
/// signature, and the list of types the TypeScript bindings export.
macro_rules! contract_items {
    ($($name:ident($req:ty) -> $res:ty;)*) => {
        /// Names of every IPC command, in contract order. The desktop shell
        /// grants its window exactly these (see `src-tauri/build.rs`).
        pub const COMMAND_NAMES: &[&str] = &[$(stringify!($name)),*];

        // A function whose signature drifts from the contract fails here.
        $(const _: fn(&ApiContext, $req) -> Result<$res, ApiError> = $name;)*

        /// Every command as `(name, request type, response type)`, for the
        /// TypeScript contract file.
        fn contract_entries(cfg: &ts_rs::Config) -> Vec<bindings::ContractEntry> {
            vec![$(bindings::ContractEntry::of::<$req, $res>(stringify!($name), cfg)),*]
        }

        /// Writes the bindings of every request and response type (and the
        /// types they use) into `cfg`'s output directory.
        fn export_contract_types(cfg: &ts_rs::Config) -> Result<(), ts_rs::ExportError> {
            use ts_rs::TS as _;
            $(
                <$req>::export_all(cfg)?;
                <$res>::export_all(cfg)?;
            )*
            Ok(())
        }
    };
}

ipc_contract!(contract_items);
