//! One module per top-level command.

pub mod db;
pub mod demo;
pub mod journey;
pub mod record;
pub mod replay;
pub mod run;
pub mod runs;
pub mod serve;
pub mod slo;
