// What an adjusted target would have meant over the data, worked out from
// the candidate's own numbers (no engine call while typing).
//
// Availability is exact: the share of good key-step requests is known, so
// the budget the data spent at any target is (1 − observed) / (1 − target).
// Latency is not: the share of timed requests under a threshold was measured
// for the proposed threshold only, and the durations are not in the answer.
// So the latency half is previewed at the proposed threshold, and said to be.
import type { Proposal } from "../../ipc";

/**
 * The target the engine writes when none is given: with a latency half,
 * the lower of the two objectives' targets; else the availability one.
 * `thresholdMs` is the threshold asked for (null: the proposal's, 0: none).
 */
export function proposedTarget(p: Proposal, thresholdMs: number | null): number {
  const withLatency = thresholdMs === null ? p.latency !== null : thresholdMs > 0;
  return withLatency && p.latency ? Math.min(p.latency.objective.target, p.availability.target) : p.availability.target;
}

/** The threshold the engine writes when none is given: the proposal's, or 0 (availability only). */
export function proposedThreshold(p: Proposal): number {
  return p.latency?.threshold_ms ?? 0;
}

/** The share of the error budget a good ratio of `observed` spends at `target` (1 = all of it). */
export function budgetSpent(observed: number, target: number): number {
  return Math.max(0, 1 - observed) / (1 - target);
}

/** One objective as it would have gone: the observed good ratio and the budget spent. */
export interface Spent {
  observed: number;
  spent: number;
  /** More than the whole budget. */
  over: boolean;
}

const spentAt = (observed: number, target: number): Spent => {
  const spent = budgetSpent(observed, target);
  return { observed, spent, over: spent > 1 };
};

export type LatencyPreview =
  /** Threshold 0: the SLO is availability only. */
  | { kind: "none" }
  /** The proposed threshold: exact. */
  | ({ kind: "proposed"; thresholdMs: number } & Spent)
  /** Another threshold: the proposal's figures, at its own threshold. */
  | ({ kind: "other"; thresholdMs: number; proposedMs: number } & Spent)
  /** A threshold over data without durations: nothing to measure it on. */
  | { kind: "untimed"; thresholdMs: number };

export interface Preview {
  target: number;
  availability: Spent;
  latency: LatencyPreview;
}

/** The preview of `target` (a ratio in (0, 1)) and `thresholdMs` (0: none) on proposal `p`. */
export function preview(p: Proposal, target: number, thresholdMs: number): Preview {
  const availability = spentAt(p.availability.observed, target);
  const l = p.latency;
  let latency: LatencyPreview;
  if (thresholdMs <= 0) latency = { kind: "none" };
  else if (!l) latency = { kind: "untimed", thresholdMs };
  else if (thresholdMs === l.threshold_ms) latency = { kind: "proposed", thresholdMs, ...spentAt(l.objective.observed, target) };
  else latency = { kind: "other", thresholdMs, proposedMs: l.threshold_ms, ...spentAt(l.objective.observed, target) };
  return { target, availability, latency };
}

/** A ratio as the percent field shows it: 0.9995 → "99.95". */
export function percentText(ratio: number): string {
  return String(Number((ratio * 100).toFixed(4)));
}

/** The target a percent field holds, as a ratio; null when it is not a number in (0, 100). */
export function targetOf(text: string): number | null {
  const t = text.trim();
  const p = Number(t);
  if (t === "" || !Number.isFinite(p) || p <= 0 || p >= 100) return null;
  // Rounded so 99.95 is sent as 0.9995, not 0.9995000000000001.
  return Number((p / 100).toFixed(8));
}

/** The threshold a ms field holds; null when it is not a whole number, 0 or more. */
export function thresholdOf(text: string): number | null {
  const t = text.trim();
  if (!/^[0-9]+$/.test(t)) return null;
  const n = Number(t);
  return Number.isSafeInteger(n) ? n : null;
}
