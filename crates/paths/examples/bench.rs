//! Discovery's speed: parse + normalise a generated Combined log (lines/s),
//! then sessions + clustering on it. `cargo run --release -p sightline-paths
//! --example bench -- SESSIONS [OUT.log]` (docs/benchmarks.md).

use std::time::Instant;

use sightline_paths::parse::{FieldMap, read};
use sightline_paths::simulate::{Mix, generate};
use sightline_paths::{Format, Options, discover};

fn main() {
    let sessions: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(100_000);
    let g = generate(&Mix {
        sessions,
        noise: 0.3,
        ..Mix::default()
    });
    if let Some(out) = std::env::args().nth(2)
        && let Err(e) = std::fs::write(&out, &g.log)
    {
        eprintln!("{out}: {e}");
    }
    let t = Instant::now();
    let mut reqs = Vec::with_capacity(g.lines);
    let fields = FieldMap::default();
    let rep = match read(
        g.log.as_bytes(),
        Format::Combined,
        "bench",
        &fields,
        &mut |r| reqs.push(r),
    ) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("{e}");
            return;
        }
    };
    let parse_s = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let d = discover(reqs, &Options::default());
    let discover_s = t.elapsed().as_secs_f64();
    let s = sightline_paths::eval::score_truth(&g.truth, &d.assignments);
    println!(
        "{} lines parsed in {parse_s:.2} s ({:.0} lines/s); discover (normalise, sessions, cluster, score) of {} sessions in {discover_s:.2} s; {} candidates; ARI {:.3}",
        rep.lines,
        rep.lines as f64 / parse_s,
        d.sessions,
        d.candidates.len(),
        s.agreement.ari
    );
}
