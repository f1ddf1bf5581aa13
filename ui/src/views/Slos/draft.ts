// The SLO form's state and its conversion to the engine's draft. The form
// keeps what a person typed (a target of "99.5", a threshold of "1500").
// Text that is not a number at all is caught here, naming the field; every
// range rule (a target in (0, 100], a known journey…) is the engine's, so
// the app and the CLI refuse the same things with the same words.
import type { SloDraft } from "../../ipc";

export interface FormState {
  name: string;
  description: string;
  sliKind: SloDraft["sli_kind"];
  thresholdMs: string;
  journey: string;
  step: string;
  targetPercent: string;
  windowKind: "rolling" | "calendar";
  days: string;
  unit: "week" | "month";
  timeZone: string;
  regions: string[];
  tags: string[];
}

/** A new SLO's form: availability at 99.5% over 28 days. */
export function emptyForm(journey: string): FormState {
  return {
    name: "",
    description: "",
    sliKind: "availability",
    thresholdMs: "1000",
    journey,
    step: "",
    targetPercent: "99.5",
    windowKind: "rolling",
    days: "28",
    unit: "month",
    timeZone: "UTC",
    regions: [],
    tags: [],
  };
}

/** The form of an existing SLO. */
export function formOf(d: SloDraft): FormState {
  return {
    name: d.name,
    description: d.description,
    sliKind: d.sli_kind,
    thresholdMs: d.threshold_ms === null ? "" : String(d.threshold_ms),
    journey: d.journey,
    step: d.step ?? "",
    // Through toFixed: 0.995 * 100 is 99.49999999999999 in floating point.
    targetPercent: String(Number((d.target * 100).toFixed(8))),
    windowKind: d.window.kind,
    days: d.window.kind === "rolling" ? String(d.window.days) : "28",
    unit: d.window.kind === "calendar" ? d.window.unit : "month",
    timeZone: d.window.kind === "calendar" ? d.window.time_zone : "UTC",
    regions: d.regions,
    tags: d.tags,
  };
}

/** A number typed in a field, or NaN (which the engine refuses by name). */
function num(text: string): number {
  const t = text.trim();
  return t === "" ? Number.NaN : Number(t);
}

/** A field that cannot be sent, and why. */
export interface FieldProblem {
  field: string;
  message: string;
}

/** The first field whose text is not a number where one is needed. */
export function checkForm(f: FormState): FieldProblem | null {
  if (!Number.isFinite(num(f.targetPercent))) {
    return { field: "target", message: "target: enter the objective as a percentage, e.g. 99.5" };
  }
  if (f.sliKind !== "availability" && !Number.isFinite(num(f.thresholdMs))) {
    return { field: "threshold_ms", message: "threshold_ms: enter the latency threshold in ms, e.g. 1500" };
  }
  if (f.windowKind === "rolling" && !Number.isInteger(num(f.days))) {
    return { field: "window.days", message: "window.days: enter a whole number of days, e.g. 28" };
  }
  return null;
}

/** The draft the engine checks and previews (after `checkForm` passed). */
export function draftOf(f: FormState): SloDraft {
  const pct = num(f.targetPercent);
  const threshold = num(f.thresholdMs);
  const days = num(f.days);
  return {
    name: f.name.trim(),
    description: f.description,
    sli_kind: f.sliKind,
    threshold_ms:
      f.sliKind === "availability" ? null : Number.isFinite(threshold) ? Math.round(threshold) : null,
    journey: f.journey,
    step: f.step === "" ? null : f.step,
    regions: f.regions,
    tags: f.tags,
    // Rounded so 99.9 becomes 0.999, not 0.9990000000000001.
    target: Number((pct / 100).toFixed(10)),
    window:
      f.windowKind === "rolling"
        ? { kind: "rolling", days: Math.max(0, Math.trunc(days)) }
        : { kind: "calendar", unit: f.unit, time_zone: f.timeZone.trim() },
    file: null,
  };
}

/** The form field an engine message is about (`target: …` → `target`). */
export function fieldOf(message: string): string | null {
  const m = /^(?:invalid request: )?([a-z_.]+(?:\[\d+\])?(?:\.[a-z_]+)?):/.exec(message);
  return m?.[1] ?? null;
}
