import { cleanup, render, waitFor } from "@testing-library/preact";
import { SVGRenderer } from "echarts/renderers";
import { afterEach, beforeAll, expect, it } from "vitest";

import { EChart, loadECharts, readPalette } from "../../components/EChart";
import { checkout, product, search } from "../../test/discovery";
import { sankeyGraph, sankeyOption } from "./charts";

// happy-dom has no canvas: drawn with ECharts' SVG renderer.
beforeAll(async () => {
  (await loadECharts()).use(SVGRenderer);
});

afterEach(cleanup);

it("draws the top paths with the real ECharts (the sankey chart is registered)", async () => {
  const option = sankeyOption(sankeyGraph([checkout(), search(), product()]), readPalette());
  const { container } = render(<EChart option={option} height={240} label="paths" renderer="svg" />);
  await waitFor(() => expect(container.querySelector("svg")).not.toBeNull(), { timeout: 5000 });
  const text = container.querySelector("svg")?.textContent ?? "";
  expect(text).toContain("1. GET /");
  expect(text).toContain("4. POST /checkout");
  expect(container.querySelector(".chart-error")).toBeNull();
});
