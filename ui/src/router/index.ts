// Hash routes, mirrored by the folders in src/views/: #/overview,
// #/journeys[/NAME], #/runs/ID, #/slos[/NAME | /new], #/settings.
// A hash keeps every view addressable (a test or the demo can land on one)
// without a server behind the app.
import { useEffect, useState } from "preact/hooks";

export type Route =
  | { view: "overview" }
  | { view: "journeys"; journey: string | null }
  | { view: "runs"; runId: string }
  | { view: "slos"; slo: string | null }
  | { view: "settings" };

export type ViewName = Route["view"];

/** The main views, in navigation order, with their keyboard shortcut. */
export const VIEWS: readonly { view: ViewName; label: string; key: string }[] = [
  { view: "overview", label: "Overview", key: "1" },
  { view: "journeys", label: "Journeys", key: "2" },
  { view: "slos", label: "SLO editor", key: "3" },
  { view: "settings", label: "Settings", key: "4" },
];

/** The landing route of a main view. */
export function mainRoute(view: ViewName): Route {
  switch (view) {
    case "journeys":
      return { view, journey: null };
    case "slos":
      return { view, slo: null };
    case "runs":
      return { view: "journeys", journey: null };
    default:
      return { view };
  }
}

/** The route a hash names; the Overview for anything it does not know. */
export function parseRoute(hash: string): Route {
  const parts = hash
    .replace(/^#\/?/, "")
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
