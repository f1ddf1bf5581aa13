//! Changes: deploys and Kubernetes events before an onset, scored by how
//! close they are, whether their scope matches the cause, and whether the
//! failures are confined to the new version.
//!
//! `score = time × service × region × version`, each in 0..1:
//! - time: `exp(-Δ / 15 min)` for a change Δ before the onset (changes inside
//!   the onset's interval count as Δ = 0; later ones do not count);
//! - service: 1 when the change is to the blamed service, 0.15 otherwise;
//! - region: 1 for the same region or a global change, 0.3 otherwise;
//! - version: `0.4 + 0.6 c`, with `c` the share of the blamed spans that ran
//!   the deployed version (1 for non-deploy events on the same service).

use sightline_core::{Event, EventKind};

use crate::report::{Change, Onset};

/// What the change is matched against.
#[derive(Debug, Clone, Copy)]
pub struct Scope<'a> {
    /// The blamed service.
    pub service: Option<&'a str>,
    /// The slice's region.
    pub region: Option<&'a str>,
    /// Versions the blamed spans ran, with counts.
    pub versions: &'a [(String, u64)],
}

fn event_scope(
    e: &Event,
) -> (
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
) {
    match &e.kind {
        EventKind::Deploy(d) => (
            "deploy".into(),
            Some(d.service.clone()),
            d.region.clone(),
            Some(d.version.clone()),
            Some(d.release_id.clone()),
        ),
        EventKind::Kubernetes(k) => (
            "kubernetes".into(),
            // Pods are named `<service>-...`; the stored service column is
            // not on the core event, so take the name's first word.
            k.object_name.split('-').next().map(str::to_owned),
            None,
            None,
            None,
        ),
        EventKind::Incident(_) => ("incident".into(), None, None, None, None),
    }
}

/// Scores every change in `[onset - lookback, onset interval end]` against
/// `scope`, best first.
pub fn score(events: &[Event], onset: &Onset, lookback_ms: i64, scope: Scope<'_>) -> Vec<Change> {
    let mut out: Vec<Change> = events
        .iter()
        .filter(|e| e.at_ms >= onset.at_ms - lookback_ms && e.at_ms <= onset.latest_ms)
        .filter_map(|e| {
            let (kind, service, region, version, release) = event_scope(e);
            if kind == "incident" {
                return None;
            }
            let before_ms = onset.at_ms - e.at_ms;
            let gap = if e.at_ms >= onset.earliest_ms {
                0
            } else {
                before_ms.max(0)
            };
            let time = (-(gap as f64) / 900_000.0).exp();
            let same_service = service
                .as_deref()
                .zip(scope.service)
                .is_some_and(|(a, b)| a == b);
            let svc = if same_service { 1.0 } else { 0.15 };
            let reg = match (region.as_deref(), scope.region) {
                (None, _) | (_, None) => 1.0,
                (Some(a), Some(b)) if a == b => 1.0,
                _ => 0.3,
            };
            let total: u64 = scope.versions.iter().map(|(_, n)| n).sum();
            let confined = match (&version, same_service, total) {
                (Some(v), true, t) if t > 0 => {
                    scope
                        .versions
                        .iter()
                        .filter(|(x, _)| x == v)
                        .map(|(_, n)| *n)
                        .sum::<u64>() as f64
                        / t as f64
                }
                (None, true, _) => 1.0,
                _ => 0.0,
            };
            let ver = 0.4 + 0.6 * confined;
            let score = time * svc * reg * ver;
            let mut why = vec![format!(
                "{:.1} min before the onset",
                before_ms as f64 / 60_000.0
            )];
            why.push(if same_service {
                "same service as the blamed spans".into()
            } else {
                "another service".to_string()
            });
            if reg < 1.0 {
                why.push("another region".into());
            }
            if version.is_some() && same_service {
                why.push(format!(
                    "{:.0}% of the blamed spans ran this version",
                    confined * 100.0
                ));
            }
            Some(Change {
                event_id: e.id.to_string(),
                kind,
                release,
                service,
                version,
                region,
                at_ms: e.at_ms,
                minutes_before_onset: before_ms as f64 / 60_000.0,
                score,
                why: why.join("; "),
            })
        })
        .collect();
    out.sort_by(|a, b| b.score.total_cmp(&a.score));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use sightline_core::{DeployEvent, EventId};

    fn deploy(service: &str, version: &str, region: &str, at_ms: i64) -> Event {
        Event {
            id: EventId::new(at_ms, &mut rand::rng()),
            at_ms,
            source: "test".into(),
            kind: EventKind::Deploy(DeployEvent {
                release_id: format!("{service}@{version}"),
                service: service.into(),
                version: version.into(),
                region: Some(region.into()),
                commit: None,
            }),
        }
    }

    #[test]
    fn the_matching_deploy_beats_a_closer_innocent_one() {
        let onset = Onset {
            at_ms: 600_000,
            earliest_ms: 580_000,
            latest_ms: 620_000,
            method: "t".into(),
        };
        let events = [
            deploy("payment", "2.4.1", "us-east-1", 300_000),
            deploy("cart", "1.4.3", "us-east-1", 560_000),
            deploy("payment", "2.4.1", "eu-west-1", 590_000),
        ];
        let versions = [("2.4.1".to_owned(), 10)];
        let scope = Scope {
            service: Some("payment"),
            region: Some("us-east-1"),
            versions: &versions,
        };
        let ranked = score(&events, &onset, 3_600_000, scope);
        assert_eq!(ranked[0].release.as_deref(), Some("payment@2.4.1"));
        assert_eq!(ranked[0].region.as_deref(), Some("us-east-1"));
        assert!((ranked[0].minutes_before_onset - 5.0).abs() < 1e-9);
        assert!(ranked.iter().all(|c| c.score <= 1.0));
    }
}
