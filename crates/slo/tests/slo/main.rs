//! Integration tests for the SLO engine, one module per area.

mod alerts;
mod bulk;
mod common;
mod hand;
mod openslo;
mod prometheus;
mod props;
