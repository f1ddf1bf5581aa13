// Compiled into the crate and included by build.rs, so it holds items only
// (`include!` cannot take a `//!` header); lib.rs documents the module.

/// The shell's commands outside the api's IPC contract: `ask`, whose engine
/// (`sightline-ask`) builds on `sightline-api`, so the contract cannot name
/// it. build.rs grants these next to the contract's (`allow-<name>`); the
/// security test checks the window's capability against both lists, and a
/// unit test in `ask.rs` checks the name against the engine's.
pub const SHELL_COMMAND_NAMES: &[&str] = &["ask"];
