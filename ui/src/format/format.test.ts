import { describe, expect, it } from "vitest";

import { ago, burnRate, bytes, count, duration, exhaustion, percent } from ".";

describe("percent", () => {
  it("shows two decimals and never rounds an imperfect share up to 100%", () => {
    expect(percent(0.99934)).toBe("99.93%");
    expect(percent(0.999999)).toBe("99.99%");
    expect(percent(1)).toBe("100.00%");
    expect(percent(0)).toBe("0.00%");
    expect(percent(-0.125)).toBe("-12.50%");
    expect(percent(null)).toBe("–");
  });
});

describe("duration", () => {
  it("picks the unit a person would say", () => {
    expect(duration(850)).toBe("850 ms");
    expect(duration(3210)).toBe("3.2 s");
    expect(duration(42_000)).toBe("42 s");
    expect(duration(252_000)).toBe("4 min 12 s");
    expect(duration(300_000)).toBe("5 min");
    expect(duration(5 * 3_600_000 + 12 * 60_000)).toBe("5 h 12 min");
    expect(duration((2 * 24 + 4) * 3_600_000)).toBe("2 d 4 h");
    expect(duration(null)).toBe("–");
  });
});

describe("exhaustion", () => {
  it("says when the budget runs out", () => {
    const at = 1_000_000;
    expect(exhaustion(at + (2 * 24 + 4) * 3_600_000, at, 0.5)).toBe("budget exhausted in 2 d 4 h");
    expect(exhaustion(at, at, 0)).toBe("budget exhausted");
    expect(exhaustion(null, at, -0.2)).toBe("budget exhausted");
    expect(exhaustion(null, at, 0.9)).toBe("not exhausted at this burn");
  });
});

describe("the rest", () => {
  it("formats counts, burn rates, bytes and ages", () => {
    expect(count(12345)).toBe("12,345");
    expect(burnRate(14.4)).toBe("14.4×");
    expect(burnRate(0.234)).toBe("0.23×");
    expect(burnRate(null)).toBe("–");
    expect(bytes(1536)).toBe("1.5 KiB");
    expect(ago(0, 12_000)).toBe("12 s ago");
  });
});
