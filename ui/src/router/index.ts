// Hash routes, mirrored by the folders in src/views/: #/overview,
// #/journeys[/NAME], #/runs/ID, #/slos[/NAME | /new], #/settings,
// #/attribution/SLO[?incident=ID], #/incidents[/ID[?event=ID]] and
// #/discovery (its inputs live in the view's form, not in the hash: file
// paths are long, and the view remembers the last ones itself).
// A hash keeps every view addressable (a test or the demo can land on one)
// without a server behind the app. A query after the path names what a view
// narrows to (the incident whose snapshot to explain, the timeline entry to
// point at); other views ignore it.
import { useEffect, useState } from "preact/hooks";

export type Route =
  | { view: "overview" }
  | { view: "journeys"; journey: string | null }
  | { view: "runs"; runId: string }
  | { view: "slos"; slo: string | null }
  | { view: "settings" }
  | { view: "attribution"; slo: string; incident: number | null }
  | { view: "incidents"; id: number | null; event: string | null }
  | { view: "discovery" };

export type ViewName = Route["view"];

/** The main views, in navigation order, with their keyboard shortcut. */
export const VIEWS: readonly { view: ViewName; label: string; key: string }[] = [
  { view: "overview", label: "Overview", key: "1" },
  { view: "journeys", label: "Journeys", key: "2" },
  { view: "slos", label: "SLO editor", key: "3" },
  { view: "settings", label: "Settings", key: "4" },
  { view: "incidents", label: "Incidents", key: "5" },
  { view: "discovery", label: "Discovery", key: "6" },
];

/**
 * The landing route of a main view. A view outside the navigation lands on
 * the one it belongs to: a run on Journeys, an attribution on the Overview
 * (whose firing alerts open it).
 */
export function mainRoute(view: ViewName): Route {
  switch (view) {
    case "journeys":
      return { view, journey: null };
    case "slos":
      return { view, slo: null };
    case "runs":
      return { view: "journeys", journey: null };
    case "incidents":
      return { view, id: null, event: null };
    case "attribution":
    case "overview":
      return { view: "overview" };
    case "settings":
    case "discovery":
      return { view };
  }
}

/** A positive whole number from a route part, else null. */
function idOf(text: string | null | undefined): number | null {
  if (!text || !/^[0-9]+$/.test(text)) return null;
  const n = Number(text);
  return Number.isSafeInteger(n) && n > 0 ? n : null;
}

/** The route a hash names; the Overview for anything it does not know. */
export function parseRoute(hash: string): Route {
  const body = hash.replace(/^#\/?/, "");
  const q = body.indexOf("?");
  const path = q < 0 ? body : body.slice(0, q);
  const query = new URLSearchParams(q < 0 ? "" : body.slice(q + 1));
  const parts = path
    .split("/")
    .filter((p) => p.length > 0)
    .map((p) => {
      try {
        return decodeURIComponent(p);
      } catch {
        return p;
      }
    });
  const [head, arg] = parts;
  switch (head) {
    case "journeys":
      return { view: "journeys", journey: arg ?? null };
    case "runs":
      return arg ? { view: "runs", runId: arg } : { view: "journeys", journey: null };
    case "slos":
      return { view: "slos", slo: arg ?? null };
    case "settings":
      return { view: "settings" };
    case "attribution":
      // Without an SLO there is nothing to explain.
      return arg ? { view: "attribution", slo: arg, incident: idOf(query.get("incident")) } : { view: "overview" };
    case "incidents": {
      const id = idOf(arg);
      return { view: "incidents", id, event: id === null ? null : query.get("event") || null };
    }
    case "discovery":
      return { view: "discovery" };
    default:
      return { view: "overview" };
  }
}

/** The hash of a route. */
export function href(route: Route): string {
  const enc = encodeURIComponent;
  switch (route.view) {
    case "overview":
      return "#/overview";
    case "journeys":
      return route.journey ? `#/journeys/${enc(route.journey)}` : "#/journeys";
    case "runs":
      return `#/runs/${enc(route.runId)}`;
    case "slos":
      return route.slo ? `#/slos/${enc(route.slo)}` : "#/slos";
    case "settings":
      return "#/settings";
    case "attribution":
      return `#/attribution/${enc(route.slo)}${route.incident === null ? "" : `?incident=${route.incident}`}`;
    case "incidents":
      if (route.id === null) return "#/incidents";
      return `#/incidents/${route.id}${route.event === null ? "" : `?event=${enc(route.event)}`}`;
    case "discovery":
      return "#/discovery";
  }
}

/** Goes to `route`. */
export function navigate(route: Route): void {
  window.location.hash = href(route);
}

/** The current route, following hash changes. */
export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(window.location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parseRoute(window.location.hash));
    window.addEventListener("hashchange", onChange);
    onChange();
    return () => window.removeEventListener("hashchange", onChange);
  }, []);
  return route;
}
