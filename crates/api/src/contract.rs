//! The IPC contract, declared once.

/// Calls the macro named `$callback` with every command of the IPC contract,
/// written `name(Request) -> Response;`.
///
/// This is the only place a command is declared. Each consumer turns the list
/// into what it needs: this crate derives [`COMMAND_NAMES`](crate::COMMAND_NAMES)
/// and the TypeScript contract from it, and the desktop shell derives its Tauri
/// handler, so a command added here without an adapter there fails to compile.
///
/// Every function in the list has the signature
/// `fn(&ApiContext, Request) -> Result<Response, ApiError>`.
///
/// ```
/// macro_rules! count {
///     ($($name:ident($req:ty) -> $res:ty;)*) => { [$(stringify!($name)),*].len() };
/// }
/// assert_eq!(sightline_api::ipc_contract!(count), sightline_api::COMMAND_NAMES.len());
/// ```
#[macro_export]
macro_rules! ipc_contract {
    ($callback:ident) => {
        $callback! {
            app_info($crate::AppInfoRequest) -> $crate::AppInfo;
        }
    };
}
