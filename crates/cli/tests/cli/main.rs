//! End-to-end tests of the `sightline` binary, run as a user would run it.

mod db;
mod journey;
mod replay;
mod runs;
mod slo;
mod telemetry;

use std::path::Path;
use std::process::{Command, Output};

/// Runs the real binary with `args`, isolated from the user's own database.
pub fn sightline(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sightline"))
        .args(args)
        .env_remove("SIGHTLINE_DB")
        .env("HOME", std::env::temp_dir())
        .output()
        .expect("run sightline")
}

/// SHA-256 of a file.
pub fn digest(path: &Path) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(std::fs::read(path).unwrap()))
}

/// Standard error as text.
pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}
