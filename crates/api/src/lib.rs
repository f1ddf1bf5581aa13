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
//! Streams (`subscribe` for live store changes, `replay` for a replay's step
//! progress, `record` for the recorder's) answer at once and then push events through an [`EventSink`].
//!
//! Functions take what they need as arguments through [`ApiContext`]; nothing
//! here picks a database path by itself, and the clock is the context's (the
//! system clock unless the caller passes another), so every number can be
//! reproduced under test.
//!
//! One module per view of the app: [`mod@overview`], [`mod@journeys`],
//! [`runs`] (the run viewer), [`slo_editor`], [`mod@settings`] (with
//! [`secrets`]); [`live`], [`mod@replay`] and [`mod@record`] are the streams. [`slo`] holds
//! what the CLI and the demo share: loading SLO files, feeding the engine,
//! status documents and the live SLOs ([`slo::live`]).

pub mod action;
mod app_info;
pub mod ask_model;
pub mod attribution;
pub mod bindings;
pub mod charts;
mod context;
mod contract;
pub mod discovery;
mod error;
mod har;
pub mod incidents;
pub mod investigate;
pub mod journeys;
pub mod live;
pub mod overview;
mod project;
pub mod record;
pub mod replay;
pub mod report_files;
pub mod runs;
pub mod secrets;
pub mod settings;
pub mod slo;
pub mod slo_editor;

pub use action::gate::policy_approve;
pub use app_info::{Ack, AppInfo, AppInfoRequest, UiReadyRequest, app_info, ui_ready};
pub use ask_model::ask_model_save;
pub use context::{ApiContext, PROJECT_ENV, system_now_ms};
pub use discovery::{discovery, discovery_decide};
pub use error::{ApiError, ErrorCode, IpcError};
pub use investigate::{
    attribution, incident_detail, incident_postmortem, incident_questions, incident_update,
    incidents,
};
pub use journeys::{journey_detail, journeys};
pub use live::{EventSink, subscribe};
pub use overview::overview;
pub use record::{record, record_stop};
pub use replay::replay;
pub use runs::{run_detail, runs_page};
pub use secrets::{secret_delete, secret_set};
pub use settings::{settings, settings_save};
/// How the CLI and the app pick the database: `--db`, then `SIGHTLINE_DB`, then the default.
pub use sightline_store::paths::{DB_ENV, resolve_db_path};
pub use slo_editor::{slo_get, slo_list, slo_preview, slo_save};

/// Builds the crate-level items that follow from the contract: the command
/// names, a compile-time check that each function has the contract's
/// signature, and the list of types the TypeScript bindings export.
macro_rules! contract_items {
    (commands { $($name:ident($req:ty) -> $res:ty;)* }
     streams { $($sname:ident($sreq:ty) -> $sres:ty, $sev:ty;)* }) => {
        /// Names of every IPC command (plain commands, then streams), in
        /// contract order. The desktop shell grants its window exactly these
        /// (see `src-tauri/build.rs`).
        pub const COMMAND_NAMES: &[&str] = &[$(stringify!($name),)* $(stringify!($sname),)*];

        // A function whose signature drifts from the contract fails here.
        $(const _: fn(&ApiContext, $req) -> Result<$res, ApiError> = $name;)*
        $(const _: fn(&ApiContext, $sreq, EventSink<$sev>) -> Result<$sres, ApiError> = $sname;)*

        /// Every command as `(name, request type, response type[, event type])`,
        /// for the TypeScript contract file.
        fn contract_entries(cfg: &ts_rs::Config) -> Vec<bindings::ContractEntry> {
            vec![
                $(bindings::ContractEntry::of::<$req, $res>(stringify!($name), cfg),)*
                $(bindings::ContractEntry::stream::<$sreq, $sres, $sev>(stringify!($sname), cfg),)*
            ]
        }

        /// Writes the bindings of every request, response and event type (and
        /// the types they use) into `cfg`'s output directory.
        fn export_contract_types(cfg: &ts_rs::Config) -> Result<(), ts_rs::ExportError> {
            use ts_rs::TS as _;
            $(
                <$req>::export_all(cfg)?;
                <$res>::export_all(cfg)?;
            )*
            $(
                <$sreq>::export_all(cfg)?;
                <$sres>::export_all(cfg)?;
                <$sev>::export_all(cfg)?;
            )*
            Ok(())
        }
    };
}

ipc_contract!(contract_items);
