import { describe, expect, it } from "vitest";

import { checkForm, draftOf, emptyForm, fieldOf, formOf } from "./draft";

describe("SLO drafts", () => {
  it("turns typed percentages into exact fractions", () => {
    const d = draftOf({ ...emptyForm("checkout"), name: " pay ", targetPercent: "99.9" });
    expect(d.target).toBe(0.999);
    expect(d.name).toBe("pay");
    expect(d.threshold_ms).toBeNull();
    expect(d.window).toEqual({ kind: "rolling", days: 28 });
  });

  it("round-trips an existing SLO through the form", () => {
    const existing = {
      name: "x",
      description: "d",
      sli_kind: "latency" as const,
      threshold_ms: 1500,
      journey: "checkout",
      step: "Pay",
      regions: ["eu"],
      tags: [],
      target: 0.995,
      window: { kind: "calendar" as const, unit: "week" as const, time_zone: "Europe/Paris" },
      file: null,
    };
    const f = formOf(existing);
    expect(f.targetPercent).toBe("99.5");
    expect(draftOf(f)).toEqual(existing);
  });

  it("names a field whose text is not a number, and leaves ranges to the engine", () => {
    expect(checkForm({ ...emptyForm("c"), targetPercent: "abc" })?.field).toBe("target");
    expect(checkForm({ ...emptyForm("c"), sliKind: "latency", thresholdMs: "" })?.field).toBe("threshold_ms");
    expect(checkForm({ ...emptyForm("c"), days: "2.5" })?.field).toBe("window.days");
    expect(checkForm({ ...emptyForm("c"), targetPercent: "150" })).toBeNull();
    expect(fieldOf("target: NaN is out of range")).toBe("target");
    expect(fieldOf("window.time_zone: nope")).toBe("window.time_zone");
    expect(fieldOf("something else")).toBeNull();
  });
});
