import { cleanup, render, waitFor } from "@testing-library/preact";
import { SVGRenderer } from "echarts/renderers";
import { afterEach, beforeAll, describe, expect, it } from "vitest";

import { EChart, deployMarkLine, loadECharts, readPalette } from ".";

// happy-dom has no canvas: these tests draw with ECharts' SVG renderer.
beforeAll(async () => {
  (await loadECharts()).use(SVGRenderer);
});

afterEach(cleanup);

describe("EChart", () => {
  it("draws the option with the real ECharts and marks deploys", async () => {
    const palette = readPalette();
    const option = {
      animation: false,
      xAxis: { type: "time" },
      yAxis: { type: "value" },
      series: [
        {
          type: "line",
          data: [
            [0, 1],
            [60_000, 0.5],
          ],
          markLine: deployMarkLine(
            [{ at_ms: 30_000, release_id: "r1", service: "payment", version: "2", region: null }],
            palette,
            0,
            60_000,
          ),
        },
      ],
    };
    const { container } = render(
      <EChart option={option} height={120} label="budget" renderer="svg" testId="c" />,
    );
    const chart = container.querySelector('[data-testid="c"]');
    expect(chart?.getAttribute("aria-label")).toBe("budget");
    await waitFor(() => expect(container.querySelector("svg")).not.toBeNull(), { timeout: 5000 });
    // The line and the deploy's dashed marker are both drawn.
    const paths = container.querySelectorAll("svg path");
    expect(paths.length).toBeGreaterThan(1);
    expect(container.querySelector("svg")?.textContent).toContain("r1");
  });

  it("keeps only deploys inside the chart's range", () => {
    const line = deployMarkLine(
      [
        { at_ms: 5, release_id: "in", service: "s", version: "1", region: "eu" },
        { at_ms: 50, release_id: "out", service: "s", version: "1", region: null },
      ],
      readPalette(),
      0,
      10,
    );
    expect((line.data as unknown[]).length).toBe(1);
  });
});
