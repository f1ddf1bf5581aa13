//! Integration tests of the API surface, one module per source module.

mod app_info;
mod bindings;
mod error;
mod live;
