import { describe, expect, it } from "vitest";

import { href, mainRoute, parseRoute, type Route, VIEWS } from ".";

describe("routes", () => {
  it("round-trip through the hash, names encoded", () => {
    const routes: Route[] = [
      { view: "overview" },
      { view: "journeys", journey: null },
      { view: "journeys", journey: "demo login/2" },
      { view: "runs", runId: "0192f0c1-aaaa-7bbb-8ccc-123456789abc" },
      { view: "slos", slo: null },
      { view: "slos", slo: "new" },
      { view: "settings" },
      { view: "attribution", slo: "checkout-availability", incident: null },
      { view: "attribution", slo: "orders/eu?x", incident: 7 },
      { view: "incidents", id: null, event: null },
      { view: "incidents", id: 12, event: null },
      { view: "incidents", id: 12, event: "41 a+b" },
      { view: "discovery" },
    ];
    for (const r of routes) expect(parseRoute(href(r))).toEqual(r);
  });

  it("writes the attribution and incident routes as documented", () => {
    expect(href({ view: "attribution", slo: "checkout-availability", incident: null })).toBe(
      "#/attribution/checkout-availability",
    );
    expect(href({ view: "attribution", slo: "checkout-availability", incident: 3 })).toBe(
      "#/attribution/checkout-availability?incident=3",
    );
    expect(href({ view: "incidents", id: null, event: null })).toBe("#/incidents");
    expect(href({ view: "incidents", id: 3, event: "17" })).toBe("#/incidents/3?event=17");
    expect(href({ view: "discovery" })).toBe("#/discovery");
    // Its inputs are in the view's form, so a query means nothing to it.
    expect(parseRoute("#/discovery?files=a.log")).toEqual({ view: "discovery" });
  });

  it("lands on the Overview for an empty or unknown hash", () => {
    expect(parseRoute("")).toEqual({ view: "overview" });
    expect(parseRoute("#/nope")).toEqual({ view: "overview" });
    expect(parseRoute("#/runs")).toEqual({ view: "journeys", journey: null });
    expect(parseRoute("#/journeys/%E0%A4%A")).toEqual({ view: "journeys", journey: "%E0%A4%A" });
  });

  it("reads what it cannot use in the new routes as absent", () => {
    expect(parseRoute("#/attribution")).toEqual({ view: "overview" });
    expect(parseRoute("#/attribution/x?incident=abc")).toEqual({ view: "attribution", slo: "x", incident: null });
    expect(parseRoute("#/attribution/x?incident=-2")).toEqual({ view: "attribution", slo: "x", incident: null });
    expect(parseRoute("#/incidents/seven")).toEqual({ view: "incidents", id: null, event: null });
    // An event means nothing without the incident whose timeline holds it.
    expect(parseRoute("#/incidents?event=4")).toEqual({ view: "incidents", id: null, event: null });
    // Other views ignore a query.
    expect(parseRoute("#/settings?incident=4")).toEqual({ view: "settings" });
  });

  it("puts Incidents and Discovery in the navigation on the next free keys, and each view under a main one", () => {
    expect(VIEWS.map((v) => `${v.key}:${v.view}`)).toEqual([
      "1:overview",
      "2:journeys",
      "3:slos",
      "4:settings",
      "5:incidents",
      "6:discovery",
    ]);
    expect(VIEWS.find((v) => v.view === "discovery")?.label).toBe("Discovery");
    expect(mainRoute("discovery")).toEqual({ view: "discovery" });
    expect(mainRoute("incidents")).toEqual({ view: "incidents", id: null, event: null });
    expect(mainRoute("attribution")).toEqual({ view: "overview" });
    expect(mainRoute("runs")).toEqual({ view: "journeys", journey: null });
  });
});
