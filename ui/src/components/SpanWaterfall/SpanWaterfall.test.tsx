import { cleanup, render, screen } from "@testing-library/preact";
import { afterEach, describe, expect, it } from "vitest";

import type { SpanRow } from "../../ipc";
import { barGeometry, SpanWaterfall } from ".";

afterEach(cleanup);

const span = (over: Partial<SpanRow>): SpanRow => ({
  span_id: "a",
  parent_span_id: null,
  service: "frontend",
  name: "GET /",
  offset_ms: 0,
  duration_ms: 1_000,
  error: false,
  status_message: null,
  http_status_code: 200,
  service_version: null,
  depth: 0,
  ...over,
});

describe("SpanWaterfall", () => {
  it("marks the highlighted span, failed or not, and takes a caption of its own", () => {
    render(
      <SpanWaterfall
        spans={[span({}), span({ span_id: "b", parent_span_id: "a", depth: 1, error: true, offset_ms: 500, duration_ms: 500 })]}
        highlight="b"
        caption="the blamed trace"
        testId="w"
      />,
    );
    const rows = screen.getByTestId("w").querySelectorAll<HTMLElement>("tbody tr");
    expect(rows[0]!.dataset.blamed).toBeUndefined();
    expect(rows[0]!.getAttribute("class")).toBeNull();
    expect(rows[1]!.dataset.blamed).toBe("true");
    expect(rows[1]!.className).toBe("failed blamed");
    expect(rows[1]!.getAttribute("aria-current")).toBe("true");
    expect(screen.getByText("the blamed trace")).toBeTruthy();
  });

  it("places bars against the trace's own range", () => {
    expect(barGeometry([span({ offset_ms: 100, duration_ms: 100 }), span({ offset_ms: 150, duration_ms: 0 })])).toEqual([
      { left: 0, width: 100 },
      { left: 50, width: 0.4 },
    ]);
  });
});
