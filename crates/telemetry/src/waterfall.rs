//! Waterfall.
