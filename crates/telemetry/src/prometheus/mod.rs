//! Prometheus metrics: the text exposition format (0.0.4, and the
//! OpenMetrics 1.0 text most exporters now also speak), read from files and
//! scraped from targets.

pub mod parse;
pub mod scrape;

pub use parse::{ParseOptions, parse};
