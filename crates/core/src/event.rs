//! Changes in the world that can explain an SLO moving: deploys, Kubernetes
//! events and incident state changes.

use serde::{Deserialize, Serialize};

use crate::EventId;

/// A release rolled out to a service, in one region or all.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeployEvent {
    /// Release id, e.g. `r2026.02.03-17`.
    pub release_id: String,
    /// The service deployed.
    pub service: String,
    /// The version now running.
    pub version: String,
    /// The region, or `None` for a global rollout.
    pub region: Option<String>,
    /// The commit deployed, when known.
    pub commit: Option<String>,
}

/// A Kubernetes event (`kubectl get events -o json`), reduced to what matters.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct KubernetesEvent {
    /// `Normal` or `Warning`.
    pub event_type: String,
    /// e.g. `BackOff`, `Killing`, `ScalingReplicaSet`.
    pub reason: String,
    /// The human message.
    pub message: String,
    /// Object kind, e.g. `Pod`.
    pub object_kind: String,
    /// Object name.
    pub object_name: String,
    /// Namespace, when namespaced.
    pub namespace: Option<String>,
    /// How many times the event was seen.
    pub count: u32,
}

/// An incident changing state.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IncidentEvent {
    /// The incident.
    pub incident_id: String,
    /// The new state: `open`, `acknowledged`, `resolved`.
    pub state: String,
    /// Who made the change.
    pub by: Option<String>,
}

/// What kind of change an event records.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum EventKind {
    /// A deploy.
    Deploy(DeployEvent),
    /// A Kubernetes event.
    Kubernetes(KubernetesEvent),
    /// An incident state change.
    Incident(IncidentEvent),
}

impl EventKind {
    /// The stored word for the kind.
    pub fn as_str(&self) -> &'static str {
        match self {
            EventKind::Deploy(_) => "deploy",
            EventKind::Kubernetes(_) => "kubernetes",
            EventKind::Incident(_) => "incident",
        }
    }
}

/// A change with its time and source.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    /// Time-sortable id.
    pub id: EventId,
    /// When the change happened, Unix milliseconds UTC.
    pub at_ms: i64,
    /// Where the event came from: `cli`, `github`, `argocd`, `kubectl`, `demo-shop`.
    pub source: String,
    /// The change itself.
    #[serde(flatten)]
    pub kind: EventKind,
}
