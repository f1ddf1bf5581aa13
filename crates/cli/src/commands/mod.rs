//! One module per top-level command.

pub mod db;
pub mod journey;
