//! TypeScript bindings for the UI, generated from the Rust types.
//!
//! The UI imports these from `ui/src/ipc/bindings/`, where they are committed.
//! The `api` integration test regenerates them into a temporary folder and fails
//! when the committed copy differs; `SIGHTLINE_BLESS=1` rewrites the committed
//! copy instead.
//!
//! Besides one file per type (written by ts-rs), [`write_typescript_bindings`]
//! writes `contract.ts`: the map from each command's name to its request and
//! response types, so the UI's single `invoke` wrapper is typed from the same
//! list as the Rust handlers.
//!
//! The types are exported here rather than through ts-rs's `#[ts(export)]`,
//! whose generated tests would write into the crate's own folder on every
//! `cargo test`; exporting from the contract also means a type reaches the UI
//! exactly when a command uses it.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::Path;

use ts_rs::{Config, TS};

use crate::IpcError;

/// The name of the generated file that maps command names to their types.
pub const CONTRACT_FILE: &str = "contract.ts";
/// The name of the generated file that re-exports every type.
pub const INDEX_FILE: &str = "index.ts";

/// Why the bindings could not be written.
#[derive(Debug, thiserror::Error)]
pub enum BindingsError {
    /// ts-rs could not export a type.
    #[error("could not export a TypeScript type: {0}")]
    Export(#[from] ts_rs::ExportError),
    /// A contract type has no file of its own (e.g. a bare `Vec<T>`); wrap it
    /// in a named struct.
    #[error(
        "contract type `{0}` cannot be exported to a file of its own; wrap it in a named struct"
    )]
    NotExportable(String),
    /// The contract file could not be written.
    #[error("could not write {path}: {source}")]
    Write {
        /// The file that could not be written.
        path: String,
        /// The underlying I/O error.
        source: std::io::Error,
    },
}

/// One command of the contract, as the TypeScript contract file names it.
#[derive(Debug, Clone)]
pub struct ContractEntry {
    name: &'static str,
    request: TypeRef,
    response: TypeRef,
    /// The type a stream pushes; `None` for a plain command.
    event: Option<TypeRef>,
}

/// A TypeScript type name and the module it is imported from.
#[derive(Debug, Clone)]
struct TypeRef {
    ident: String,
    module: Option<String>,
}

impl TypeRef {
    fn of<T: TS + 'static>(cfg: &Config) -> Self {
        let module = T::output_path().map(|p| {
            let stem = p.with_extension("");
            format!("./{}", stem.to_string_lossy().replace('\\', "/"))
        });
        Self {
            ident: T::ident(cfg),
            module,
        }
    }
}

impl ContractEntry {
    /// The entry for command `name`, which takes `Req` and answers `Res`.
    pub fn of<Req: TS + 'static, Res: TS + 'static>(name: &'static str, cfg: &Config) -> Self {
        Self {
            name,
            request: TypeRef::of::<Req>(cfg),
            response: TypeRef::of::<Res>(cfg),
            event: None,
        }
    }

    /// The entry for stream `name`: takes `Req`, answers `Res`, then pushes `Ev`s.
    pub fn stream<Req: TS + 'static, Res: TS + 'static, Ev: TS + 'static>(
        name: &'static str,
        cfg: &Config,
    ) -> Self {
        Self {
            event: Some(TypeRef::of::<Ev>(cfg)),
            ..Self::of::<Req, Res>(name, cfg)
        }
    }
}

/// The ts-rs settings Sightline's bindings use, writing into `out_dir`.
///
/// 64-bit integers become `number`, not `bigint`: serde_json writes them as
/// plain JSON numbers, and the values Sightline sends (millisecond timestamps,
/// counts) stay far below 2^53.
pub fn config(out_dir: &Path) -> Config {
    Config::new().with_out_dir(out_dir).with_large_int("number")
}

/// Writes every binding the UI needs into `dir`: one file per type used by a
/// command (and the types those use), [`IpcError`], and [`CONTRACT_FILE`].
pub fn write_typescript_bindings(dir: &Path) -> Result<(), BindingsError> {
    let cfg = config(dir);
    crate::export_contract_types(&cfg)?;
    IpcError::export_all(&cfg)?;

    let contract = render_contract(&crate::contract_entries(&cfg))?;
    write(&dir.join(CONTRACT_FILE), &contract)?;
    write(&dir.join(INDEX_FILE), &render_index(dir)?)
}

fn write(path: &Path, text: &str) -> Result<(), BindingsError> {
    std::fs::write(path, text).map_err(|source| BindingsError::Write {
        path: path.display().to_string(),
        source,
    })
}

/// Renders `index.ts`: `export type *` from every type file in `dir`, so the
/// UI imports every binding from one place.
fn render_index(dir: &Path) -> Result<String, BindingsError> {
    let listing = |source| BindingsError::Write {
        path: dir.display().to_string(),
        source,
    };
    let mut stems = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(listing)? {
        let path = entry.map_err(listing)?.path();
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
        if let Some(name) = name
            && let Some(stem) = name.strip_suffix(".ts")
            && name != CONTRACT_FILE
            && name != INDEX_FILE
        {
            stems.push(stem.to_owned());
        }
    }
    stems.sort();
    let mut out = String::from(
        "// Generated with the bindings (crates/api/src/bindings.rs). Do not edit this file manually.\n",
    );
    for stem in stems {
        let _ = writeln!(out, "export type * from \"./{stem}\";");
    }
    Ok(out)
}

/// Renders `contract.ts` from the contract's entries.
fn render_contract(entries: &[ContractEntry]) -> Result<String, BindingsError> {
    let mut imports = BTreeSet::new();
    for entry in entries {
        for ty in [
            Some(&entry.request),
            Some(&entry.response),
            entry.event.as_ref(),
        ]
        .into_iter()
        .flatten()
        {
            let module = ty
                .module
                .as_ref()
                .ok_or_else(|| BindingsError::NotExportable(ty.ident.clone()))?;
            imports.insert((ty.ident.clone(), module.clone()));
        }
    }

    // Writing to a String cannot fail, so the `fmt::Result`s are ignored.
    let mut out = String::new();
    out.push_str(
        "// Generated from the `ipc_contract!` list in crates/api. Do not edit this file manually:\n\
         // run `SIGHTLINE_BLESS=1 cargo test -p sightline-api --test api` to regenerate it.\n",
    );
    for (ident, module) in &imports {
        let _ = writeln!(out, "import type {{ {ident} }} from \"{module}\";");
    }
    out.push_str("\n/** Every IPC command, by name: what it takes and what it answers. */\n");
    out.push_str("export type IpcContract = {\n");
    for entry in entries.iter().filter(|e| e.event.is_none()) {
        let _ = writeln!(
            out,
            "  {}: {{ request: {}; response: {} }};",
            entry.name, entry.request.ident, entry.response.ident
        );
    }
    out.push_str(
        "};\n\n/** Every IPC stream, by name: what it takes, what it answers, and what it then pushes. */\n",
    );
    out.push_str("export type IpcStreams = {\n");
    for entry in entries {
        if let Some(event) = &entry.event {
            let _ = writeln!(
                out,
                "  {}: {{ request: {}; response: {}; event: {} }};",
                entry.name, entry.request.ident, entry.response.ident, event.ident
            );
        }
    }
    out.push_str("};\n\n/** The name of every IPC command and stream. */\n");
    let names: Vec<String> = entries.iter().map(|e| format!("\"{}\"", e.name)).collect();
    let _ = writeln!(
        out,
        "export const IPC_COMMANDS = [{}] as const;",
        names.join(", ")
    );
    Ok(out)
}
