// A candidate's score read out by its parts, as the engine computes it
// (crates/paths/src/candidates.rs): weight × (traffic + 2 × failure +
// latency), each part a share of all human sessions. Failure counts double:
// a journey that breaks is worth more attention than one that is merely busy.
import type { CandidateScore } from "../../ipc";

/** A share of sessions to three decimals: 0.4 → "0.400". */
const share = (x: number) => x.toFixed(3);

/** A weight without trailing zeros: 3 → "3", 1.25 → "1.25". */
export function weightText(w: number): string {
  return String(Number(w.toFixed(2)));
}

/** "1.800 = 3 × (0.400 traffic + 2 × 0.050 failure + 0.100 latency)". */
export function scoreBreakdown(s: CandidateScore): string {
  return (
    `${share(s.total)} = ${weightText(s.weight)} × ` +
    `(${share(s.traffic)} traffic + 2 × ${share(s.failure)} failure + ${share(s.latency)} latency)`
  );
}
