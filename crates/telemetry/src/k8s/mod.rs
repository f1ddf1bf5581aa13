//! Kubernetes events.
