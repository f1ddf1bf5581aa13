//! Kubernetes events: read from `kubectl get events -o json` output, or
//! watched live through the API with a kubeconfig.
//!
//! The watch speaks plain HTTP to the API server (`GET /api/v1/events?watch=true`)
//! with reqwest, reading the kubeconfig itself: the `kube` crate and its
//! generated API types would add minutes to every cold build for the one
//! resource we read.

pub mod events;
pub mod kubeconfig;
pub mod watch;
