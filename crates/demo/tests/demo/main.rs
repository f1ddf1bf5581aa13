//! End-to-end tests of the demo.
