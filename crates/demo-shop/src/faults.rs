//! Faults that can be switched on and off per service and region at run time.
//!
//! The shop exists so Sightline has something to find: each kind here mimics a
//! real failure mode with the symptoms it has in production (a slow payment
//! provider is a real timeout at the frontend; a bad release only hurts while
//! its version runs; a CPU spike burns a core but changes no response, so it
//! is a red herring an attribution engine must not blame).
//!
//! Error decisions and latency draws come from one seeded RNG, so a scenario
//! replayed with the same seed and the same request order fails the same way.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::{Deserialize, Serialize};
use tokio::sync::Semaphore;

/// Longest a CPU-spike thread may run, so a forgotten fault cannot spin forever.
const MAX_CPU_SPIKE: Duration = Duration::from_secs(3600);

/// What goes wrong.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum FaultKind {
    /// Adds latency: a fixed `ms`, or a draw whose p50 and p99 are shifted to the given values.
    Latency {
        /// Fixed extra delay.
        #[serde(default)]
        ms: u64,
        /// Median of the extra delay (with `p99_ms`).
        #[serde(default)]
        p50_ms: Option<u64>,
        /// 99th percentile of the extra delay.
        #[serde(default)]
        p99_ms: Option<u64>,
    },
    /// Fails this fraction (0..=1) of requests with `status`.
    ErrorRate {
        /// Fraction of requests that fail.
        rate: f64,
        /// Status to fail with (500 by default).
        #[serde(default = "default_error_status")]
        status: u16,
    },
    /// Calls from this service to `dependency` hang until the caller's timeout.
    DependencyTimeout {
        /// Service name being called (`payment`, `catalog`, …).
        dependency: String,
    },
    /// Errors and latency that exist only while `version` is deployed.
    BadRelease {
        /// The broken version.
        version: String,
        /// Fraction of requests that fail with 500.
        #[serde(default)]
        error_rate: f64,
        /// Extra delay on every request.
        #[serde(default)]
        latency_ms: u64,
    },
    /// Only `size` requests at once; others queue up to `queue_timeout_ms`, then get 503.
    PoolExhaustion {
        /// Connections in the pool.
        size: usize,
        /// How long a request waits for a connection.
        queue_timeout_ms: u64,
        /// How long each request holds its connection (a slow query).
        #[serde(default)]
        hold_ms: u64,
    },
    /// The service crash-loops: 503 for `down_ms` out of every `period_ms`.
    RestartStorm {
        /// Time between restarts.
        period_ms: u64,
        /// Time each restart leaves the service unavailable.
        down_ms: u64,
    },
    /// Burns CPU on background threads; no response changes (a red herring).
    CpuSpike {
        /// Busy threads.
        #[serde(default = "one")]
        threads: usize,
    },
}

fn default_error_status() -> u16 {
    500
}

fn one() -> usize {
    1
}

impl FaultKind {
    /// The kind's snake_case tag (`latency`, `bad_release`, …).
    pub fn name(&self) -> &'static str {
        match self {
            FaultKind::Latency { .. } => "latency",
            FaultKind::ErrorRate { .. } => "error_rate",
            FaultKind::DependencyTimeout { .. } => "dependency_timeout",
            FaultKind::BadRelease { .. } => "bad_release",
            FaultKind::PoolExhaustion { .. } => "pool_exhaustion",
            FaultKind::RestartStorm { .. } => "restart_storm",
            FaultKind::CpuSpike { .. } => "cpu_spike",
        }
    }
}

/// A fault to switch on, as posted to `POST /admin/faults` or written in a scenario.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FaultSpec {
    /// Name to clear it by; generated when missing. Setting an existing id replaces it.
    #[serde(default)]
    pub id: Option<String>,
    /// Service it hits.
    pub service: String,
    /// Region it hits.
    pub region: String,
    /// What goes wrong.
    pub kind: FaultKind,
}

/// An active fault as the admin API reports it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FaultView {
    /// Its id.
    pub id: String,
    /// What was asked for.
    pub spec: FaultSpec,
    /// Milliseconds since it was switched on.
    pub active_for_ms: u64,
    /// Restarts so far (restart storms only).
    pub restarts: u64,
    /// Requests rejected or failed by it so far.
    pub hits: u64,
}

/// What a service must do to one request, decided before its handler runs.
#[derive(Debug, Default)]
pub struct Plan {
    /// Sleep this long first.
    pub delay: Duration,
    /// Then answer with this status and message instead of running the handler.
    pub fail: Option<(u16, String)>,
    /// Hold a connection from this pool while serving.
    pub pool: Option<PoolGate>,
}

/// A connection pool a request must get into.
#[derive(Debug, Clone)]
pub struct PoolGate {
    /// The pool.
    pub semaphore: Arc<Semaphore>,
    /// How long to queue for a connection.
    pub queue_timeout: Duration,
    /// How long to hold it beyond the handler.
    pub hold: Duration,
    /// Counts rejections.
    pub hits: Arc<AtomicU64>,
}

struct ActiveFault {
    id: String,
    spec: FaultSpec,
    started: Instant,
    hits: Arc<AtomicU64>,
    pool: Option<Arc<Semaphore>>,
    cpu_stop: Option<Arc<AtomicBool>>,
}

impl ActiveFault {
    /// Restarts so far: one at the start, then one per period (restart storms only).
    fn restarts(&self) -> u64 {
        match self.spec.kind {
            FaultKind::RestartStorm { period_ms, .. } => {
                self.started.elapsed().as_millis() as u64 / period_ms.max(1) + 1
            }
            _ => 0,
        }
    }
}

impl Drop for ActiveFault {
    fn drop(&mut self) {
        if let Some(stop) = &self.cpu_stop {
            stop.store(true, Ordering::Relaxed);
        }
    }
}

/// All active faults of a shop.
pub struct FaultRegistry {
    faults: Mutex<Vec<ActiveFault>>,
    rng: Mutex<StdRng>,
    next_id: AtomicU64,
}

impl FaultRegistry {
    /// An empty registry whose random decisions follow `seed`.
    pub fn new(seed: u64) -> Self {
        Self {
            faults: Mutex::new(Vec::new()),
            rng: Mutex::new(StdRng::seed_from_u64(seed)),
            next_id: AtomicU64::new(1),
        }
    }

    /// Switches a fault on and returns its id (replacing any fault with the same id).
    pub fn set(&self, mut spec: FaultSpec) -> String {
        let id = spec
            .id
            .clone()
            .unwrap_or_else(|| format!("fault-{}", self.next_id.fetch_add(1, Ordering::Relaxed)));
        spec.id = Some(id.clone());
        let pool = match &spec.kind {
            FaultKind::PoolExhaustion { size, .. } => Some(Arc::new(Semaphore::new(*size))),
            _ => None,
        };
        let cpu_stop = match &spec.kind {
            FaultKind::CpuSpike { threads } => Some(spawn_cpu_burners(*threads)),
            _ => None,
        };
        let fault = ActiveFault {
            id: id.clone(),
            spec,
            started: Instant::now(),
            hits: Arc::default(),
            pool,
            cpu_stop,
        };
        let mut faults = self.lock();
        faults.retain(|f| f.id != id);
        faults.push(fault);
        id
    }

    /// Switches one fault off; false if there was none with that id.
    pub fn clear(&self, id: &str) -> bool {
        let mut faults = self.lock();
        let before = faults.len();
        faults.retain(|f| f.id != id);
        faults.len() != before
    }

    /// Switches every fault off.
    pub fn clear_all(&self) {
        self.lock().clear();
    }

    /// The active faults.
    pub fn list(&self) -> Vec<FaultView> {
        self.lock()
            .iter()
            .map(|f| {
                let elapsed = f.started.elapsed();
                FaultView {
                    id: f.id.clone(),
                    spec: f.spec.clone(),
                    active_for_ms: elapsed.as_millis() as u64,
                    restarts: f.restarts(),
                    hits: f.hits.load(Ordering::Relaxed),
                }
            })
            .collect()
    }

    /// Busy threads of the CPU spikes active on `service` in `region`.
    pub fn cpu_busy_threads(&self, service: &str, region: &str) -> usize {
        self.lock()
            .iter()
            .filter(|f| f.spec.service == service && f.spec.region == region)
            .map(|f| match f.spec.kind {
                FaultKind::CpuSpike { threads } => threads.clamp(1, 8),
                _ => 0,
            })
            .sum()
    }

    /// Restarts so far of the restart storms active on `service` in `region`.
    pub fn restarts(&self, service: &str, region: &str) -> u64 {
        self.lock()
            .iter()
            .filter(|f| f.spec.service == service && f.spec.region == region)
            .map(ActiveFault::restarts)
            .sum()
    }

    /// Decides what happens to one request to `service` in `region` running `version`.
    pub fn plan(&self, service: &str, region: &str, version: &str) -> Plan {
        let faults = self.lock();
        let mut rng = self.rng.lock().unwrap_or_else(|e| e.into_inner());
        let mut plan = Plan::default();
        for f in faults
            .iter()
            .filter(|f| f.spec.service == service && f.spec.region == region)
        {
            match &f.spec.kind {
                FaultKind::Latency { ms, p50_ms, p99_ms } => {
                    let extra = match (p50_ms, p99_ms) {
                        (Some(p50), Some(p99)) => draw_latency(&mut rng, *p50, *p99),
                        _ => *ms,
                    };
                    plan.delay += Duration::from_millis(extra);
                }
                FaultKind::ErrorRate { rate, status } => {
                    if plan.fail.is_none() && rng.random_bool(rate.clamp(0.0, 1.0)) {
                        f.hits.fetch_add(1, Ordering::Relaxed);
                        plan.fail = Some((*status, format!("{service} injected error")));
                    }
                }
                FaultKind::BadRelease {
                    version: bad,
                    error_rate,
                    latency_ms,
                } if bad == version => {
                    plan.delay += Duration::from_millis(*latency_ms);
                    if plan.fail.is_none() && rng.random_bool(error_rate.clamp(0.0, 1.0)) {
                        f.hits.fetch_add(1, Ordering::Relaxed);
                        plan.fail = Some((500, format!("{service} {version} internal error")));
                    }
                }
                FaultKind::RestartStorm { period_ms, down_ms } => {
                    let phase = f.started.elapsed().as_millis() as u64 % (*period_ms).max(1);
                    if phase < *down_ms {
                        f.hits.fetch_add(1, Ordering::Relaxed);
                        plan.fail = Some((503, format!("{service} is restarting")));
                    }
                }
                FaultKind::PoolExhaustion {
                    queue_timeout_ms,
                    hold_ms,
                    ..
                } => {
                    if let Some(semaphore) = &f.pool {
                        plan.pool = Some(PoolGate {
                            semaphore: semaphore.clone(),
                            queue_timeout: Duration::from_millis(*queue_timeout_ms),
                            hold: Duration::from_millis(*hold_ms),
                            hits: f.hits.clone(),
                        });
                    }
                }
                // Dependency timeouts act on outgoing calls; CPU spikes on no request at all.
                FaultKind::BadRelease { .. }
                | FaultKind::DependencyTimeout { .. }
                | FaultKind::CpuSpike { .. } => {}
            }
        }
        plan
    }

    /// Whether calls from `service` in `region` to `dependency` must hang until they time out.
    pub fn dependency_times_out(&self, service: &str, region: &str, dependency: &str) -> bool {
        self.lock().iter().any(|f| {
            f.spec.service == service
                && f.spec.region == region
                && matches!(&f.spec.kind, FaultKind::DependencyTimeout { dependency: d } if d == dependency)
        })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<ActiveFault>> {
        self.faults.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Draws a delay whose median is `p50` and whose 99th percentile is `p99`
/// (log-linear between them, linear below the median).
fn draw_latency(rng: &mut StdRng, p50: u64, p99: u64) -> u64 {
    let u: f64 = rng.random();
    let (p50, p99) = (p50 as f64, (p99.max(p50)) as f64);
    let ms = if u <= 0.5 {
        p50 * (u / 0.5)
    } else if u <= 0.99 || p50 == 0.0 {
        if p50 == 0.0 {
            p99 * u
        } else {
            p50 * (p99 / p50).powf((u - 0.5) / 0.49)
        }
    } else {
        p99
    };
    ms.round() as u64
}

/// Starts `threads` busy loops that stop when the returned flag is set (or
/// after [`MAX_CPU_SPIKE`]).
fn spawn_cpu_burners(threads: usize) -> Arc<AtomicBool> {
    let stop = Arc::new(AtomicBool::new(false));
    for _ in 0..threads.clamp(1, 8) {
        let stop = stop.clone();
        std::thread::spawn(move || {
            let started = Instant::now();
            let mut x: u64 = 1;
            while !stop.load(Ordering::Relaxed) && started.elapsed() < MAX_CPU_SPIKE {
                for i in 0..100_000u64 {
                    x = x.wrapping_mul(6364136223846793005).wrapping_add(i);
                }
                std::hint::black_box(x);
            }
        });
    }
    stop
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(kind: FaultKind) -> FaultSpec {
        FaultSpec {
            id: None,
            service: "payment".into(),
            region: "us-east-1".into(),
            kind,
        }
    }

    #[test]
    fn bad_release_only_hits_its_version() {
        let reg = FaultRegistry::new(7);
        reg.set(spec(FaultKind::BadRelease {
            version: "2.4.1".into(),
            error_rate: 1.0,
            latency_ms: 0,
        }));
        assert!(reg.plan("payment", "us-east-1", "2.4.1").fail.is_some());
        assert!(reg.plan("payment", "us-east-1", "2.4.0").fail.is_none());
        assert!(reg.plan("payment", "eu-west-1", "2.4.1").fail.is_none());
    }

    #[test]
    fn error_rate_is_deterministic_per_seed() {
        let outcomes = |seed| {
            let reg = FaultRegistry::new(seed);
            reg.set(spec(FaultKind::ErrorRate {
                rate: 0.3,
                status: 500,
            }));
            (0..200)
                .map(|_| reg.plan("payment", "us-east-1", "x").fail.is_some())
                .collect::<Vec<_>>()
        };
        assert_eq!(outcomes(1), outcomes(1));
        let failures = outcomes(1).iter().filter(|f| **f).count();
        assert!((30..90).contains(&failures), "{failures}");
    }

    #[test]
    fn latency_draws_respect_the_shifted_quantiles() {
        let mut rng = StdRng::seed_from_u64(3);
        let mut v: Vec<u64> = (0..10_000)
            .map(|_| draw_latency(&mut rng, 100, 1000))
            .collect();
        v.sort_unstable();
        let p50 = v[5_000];
        let p99 = v[9_900];
        assert!((80..120).contains(&p50), "{p50}");
        assert!((900..=1000).contains(&p99), "{p99}");
    }
}
