// An incident's timeline, read: entries in time order, and where each
// entry's link opens. The engine links an entry to a run (`run:ID`), a change
// event (`event:ID`) or an alert (`alert:SLO/RULE`; older entries
// `alert:SLO:RULE:MS`).
import type { TimelineEntry } from "../../ipc";
import { href } from "../../router";

/** The entries by time, oldest first; entries at the same moment keep the engine's order. */
export function inTimeOrder(entries: readonly TimelineEntry[]): TimelineEntry[] {
  return entries
    .map((e, i) => ({ e, i }))
    .sort((a, b) => a.e.at_ms - b.e.at_ms || a.i - b.i)
    .map(({ e }) => e);
}

/** What an entry's link opens. */
export type EntryTarget =
  | { kind: "run"; href: string; runId: string }
  | { kind: "event"; href: string; eventId: string }
  | { kind: "alert"; href: string; slo: string };

/** Where `link` of incident `incidentId`'s timeline opens; null for a link the app cannot follow. */
export function entryTarget(link: string | null, incidentId: number): EntryTarget | null {
  if (!link) return null;
  const colon = link.indexOf(":");
  if (colon < 0) return null;
  const kind = link.slice(0, colon);
  const rest = link.slice(colon + 1);
  if (!rest) return null;
  switch (kind) {
    case "run":
      return { kind, href: href({ view: "runs", runId: rest }), runId: rest };
    case "event":
      // Points at the entry in this timeline.
      return { kind, href: href({ view: "incidents", id: incidentId, event: rest }), eventId: rest };
    case "alert": {
      const slo = rest.split(/[/:]/)[0] ?? "";
      return slo ? { kind, href: href({ view: "attribution", slo, incident: null }), slo } : null;
    }
    default:
      return null;
  }
}

/** `TimelineEntry.kind` in words. */
export function kindLabel(kind: string): string {
  switch (kind) {
    case "alert_fired":
      return "alert fired";
    case "alert_resolved":
      return "alert resolved";
    case "first_failing_run":
      return "first failing run";
    case "recovery_run":
      return "recovery run";
    default:
      return kind.replace(/_/g, " ");
  }
}
