import { describe, expect, it } from "vitest";

import { href, parseRoute, type Route } from ".";

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
    ];
    for (const r of routes) expect(parseRoute(href(r))).toEqual(r);
  });

  it("lands on the Overview for an empty or unknown hash", () => {
    expect(parseRoute("")).toEqual({ view: "overview" });
    expect(parseRoute("#/nope")).toEqual({ view: "overview" });
    expect(parseRoute("#/runs")).toEqual({ view: "journeys", journey: null });
    expect(parseRoute("#/journeys/%E0%A4%A")).toEqual({ view: "journeys", journey: "%E0%A4%A" });
  });
});
