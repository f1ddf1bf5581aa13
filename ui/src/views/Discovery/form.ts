// The Discovery form as plain data: what a person typed, the request it
// makes, and the last request kept in localStorage so the view reopens on
// it (per project: its paths are relative to one). The engine checks everything again and names the field it refuses;
// the checks here only catch what would make no request at all.
import type { DiscoveryRequest, LogFormat } from "../../ipc";

/** What the form holds, as typed. */
export interface FormState {
  /** One path a line, absolute or relative to the project. */
  files: string;
  format: LogFormat;
  /** Also read the server spans stored over the last `storeHours` hours. */
  readStore: boolean;
  storeHours: string;
  /** One `STEP=WEIGHT` a line. */
  weights: string;
  /** Where the journey skeletons start; blank: the engine's default ({@link DEFAULT_BASE_URL}). */
  baseUrl: string;
  /** The idle gap that ends a session, minutes; blank: {@link DEFAULT_GAP_MINUTES}. */
  gapMinutes: string;
  /** One `FIELD=KEY[,KEY...]` a line: which JSON keys hold what (nginx JSON logs). */
  fields: string;
  includeRejected: boolean;
}

/** The formats, in the order the select lists them (the `LogFormat` union). */
export const FORMATS: readonly { value: LogFormat; label: string }[] = [
  { value: "auto", label: "auto (decide per file)" },
  { value: "clf", label: "Common Log Format" },
  { value: "combined", label: "Combined (nginx, Apache)" },
  { value: "nginx-json", label: "nginx JSON lines" },
  { value: "alb", label: "AWS ALB" },
  { value: "otlp", label: "OTLP JSON spans" },
  { value: "har", label: "HAR" },
];

/** The hours offered when the store is first ticked. */
const DEFAULT_HOURS = 24;

/** Where the engine starts the skeletons when no base URL is sent (`DEFAULT_BASE_URL`). */
export const DEFAULT_BASE_URL = "http://127.0.0.1:8080";

/** The engine's session gap when none is sent, minutes. */
export const DEFAULT_GAP_MINUTES = 30;

/** The request fields a JSON field map can name, the engine's (`FieldMap::set`). */
export const JSON_FIELDS: readonly string[] = [
  "time",
  "method",
  "path",
  "request",
  "status",
  "duration_s",
  "client",
  "user_agent",
  "session",
  "user",
];

export function emptyForm(): FormState {
  return {
    files: "",
    format: "auto",
    readStore: false,
    storeHours: String(DEFAULT_HOURS),
    weights: "",
    baseUrl: "",
    gapMinutes: "",
    fields: "",
    includeRejected: false,
  };
}

/** The non-blank lines of `text`, trimmed. */
export function lines(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l.length > 0);
}

/** The request `form` makes, or what stops it (the message names the field, as the engine's do). */
export function requestOf(form: FormState): { request: DiscoveryRequest } | { problem: string } {
  const files = lines(form.files);
  let storeHours: number | null = null;
  if (form.readStore) {
    const text = form.storeHours.trim();
    const h = Number(text);
    if (!/^[0-9]+$/.test(text) || !Number.isSafeInteger(h) || h < 1 || h > 0xffff_ffff) {
      return { problem: `store_hours: ${JSON.stringify(text)} is not a whole number of hours, 1 or more` };
    }
    storeHours = h;
  }
  if (files.length === 0 && storeHours === null) {
    return {
      problem: "files: give the files to read (access logs, HAR, OTLP JSON), or read the spans in the store",
    };
  }
  const weights = lines(form.weights);
  const bad = weights.find((w) => !weightLooksRight(w));
  if (bad !== undefined) {
    return { problem: `weights: ${JSON.stringify(bad)} is not STEP=WEIGHT with a weight over 0, e.g. POST /checkout=3` };
  }
  const baseUrl = form.baseUrl.trim();
  if (baseUrl !== "" && !httpUrl(baseUrl)) {
    return {
      problem: `base_url: ${JSON.stringify(baseUrl)} is not an http(s) URL, e.g. https://shop.example.com (blank: ${DEFAULT_BASE_URL})`,
    };
  }
  const gapText = form.gapMinutes.trim();
  let gap: number | null = null;
  if (gapText !== "") {
    const g = Number(gapText);
    if (!/^[0-9]+$/.test(gapText) || !Number.isSafeInteger(g) || g < 1 || g > 0xffff_ffff) {
      return {
        problem: `gap_minutes: ${JSON.stringify(gapText)} is not a whole number of minutes, 1 or more (blank: ${DEFAULT_GAP_MINUTES})`,
      };
    }
    gap = g;
  }
  const fields = lines(form.fields);
  const badField = fields.find((f) => !fieldLooksRight(f));
  if (badField !== undefined) {
    return {
      problem: `fields: ${JSON.stringify(badField)} is not FIELD=KEY[,KEY...] with FIELD one of ${JSON_FIELDS.join(", ")}, e.g. path=request_uri`,
    };
  }
  return {
    request: {
      files,
      format: form.format,
      store_hours: storeHours,
      weights,
      fields,
      gap_minutes: gap,
      base_url: baseUrl === "" ? null : baseUrl,
      include_rejected: form.includeRejected,
    },
  };
}

/** An absolute http or https URL with a host (what a browser can open). */
function httpUrl(text: string): boolean {
  try {
    const u = new URL(text);
    return (u.protocol === "http:" || u.protocol === "https:") && u.hostname !== "";
  } catch {
    return false;
  }
}

/** The engine's own rule (`FieldMap::set`): a known field, `=`, keys; here at least one key that is not blank. */
function fieldLooksRight(spec: string): boolean {
  const eq = spec.indexOf("=");
  if (eq < 0) return false;
  return (
    JSON_FIELDS.includes(spec.slice(0, eq).trim()) &&
    spec
      .slice(eq + 1)
      .split(",")
      .some((k) => k.trim().length > 0)
  );
}

/** The engine's own rule (`parse_weight`): a step, `=`, a finite weight over 0. */
function weightLooksRight(spec: string): boolean {
  const eq = spec.lastIndexOf("=");
  if (eq <= 0) return false;
  const w = Number(spec.slice(eq + 1).trim());
  return spec.slice(0, eq).trim().length > 0 && Number.isFinite(w) && w > 0;
}

/** The form that makes `req`. */
export function formOf(req: DiscoveryRequest): FormState {
  return {
    files: req.files.join("\n"),
    format: req.format,
    readStore: req.store_hours !== null,
    storeHours: String(req.store_hours ?? DEFAULT_HOURS),
    weights: req.weights.join("\n"),
    baseUrl: req.base_url ?? "",
    gapMinutes: req.gap_minutes === null ? "" : String(req.gap_minutes),
    fields: req.fields.join("\n"),
    includeRejected: req.include_rejected,
  };
}

/** Whether `form` sets any of the "More options" (so they are shown open). */
export function hasMoreOptions(form: FormState): boolean {
  return form.baseUrl.trim() !== "" || form.gapMinutes.trim() !== "" || form.fields.trim() !== "";
}

/** A request field a message can be about. */
export type Field = "files" | "store_hours" | "weights" | "base_url" | "gap_minutes" | "fields";

/** Which request field a message is about, or null. */
export function fieldOf(message: string | null): Field | null {
  if (!message) return null;
  if (/^files:/.test(message)) return "files";
  if (/^store_hours:/.test(message)) return "store_hours";
  // The engine words a bad weight or field map as the CLI's flags.
  if (/^(weights:|--weight )/.test(message)) return "weights";
  if (/^base_url:/.test(message)) return "base_url";
  if (/^gap_minutes:/.test(message)) return "gap_minutes";
  if (/^(fields:|--field )/.test(message)) return "fields";
  return null;
}

/** Where the last request of project `project` (its directory) is kept. */
export function storageKey(project: string): string {
  return `sightline.discovery.request:${project}`;
}

const isStrings = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === "string");
const orNull = (v: unknown, type: "number" | "string") => v === null || typeof v === type;

/** The last request of `project`, or null when there is none or it is not one (an older app's, a hand edit). */
export function loadRequest(
  project: string,
  storage: Storage | undefined = globalThis.localStorage,
): DiscoveryRequest | null {
  try {
    const r = JSON.parse(storage?.getItem(storageKey(project)) ?? "null") as Record<string, unknown> | null;
    if (
      r === null ||
      typeof r !== "object" ||
      !isStrings(r.files) ||
      !FORMATS.some((f) => f.value === r.format) ||
      !orNull(r.store_hours, "number") ||
      !isStrings(r.weights) ||
      !isStrings(r.fields) ||
      !orNull(r.gap_minutes, "number") ||
      !orNull(r.base_url, "string") ||
      typeof r.include_rejected !== "boolean"
    ) {
      return null;
    }
    return r as unknown as DiscoveryRequest;
  } catch {
    return null;
  }
}

/** Keeps `req` for the next time the view opens on `project` (quietly does nothing where storage is refused). */
export function saveRequest(
  project: string,
  req: DiscoveryRequest,
  storage: Storage | undefined = globalThis.localStorage,
): void {
  try {
    storage?.setItem(storageKey(project), JSON.stringify(req));
  } catch {
    // Private windows and full disks refuse; the view works the same.
  }
}
