import { memo } from "preact/compat";
import { useEffect, useRef, useState } from "preact/hooks";

import type { echarts as EChartsNamespace } from "./setup";

type ECharts = ReturnType<typeof EChartsNamespace.init>;
type Loaded = typeof EChartsNamespace;

let loading: Promise<Loaded> | null = null;

/** Loads ECharts once, on the first chart's mount. */
export function loadECharts(): Promise<Loaded> {
  loading ??= import("./setup").then((m) => m.echarts);
  return loading;
}

export interface EChartProps {
  /** The ECharts option. Pass a memoised object: a new object redraws. */
  option: Record<string, unknown>;
  /** Height in px (the width follows the container). */
  height: number;
  /** Charts in one group share their crosshair (axis pointer). */
  group?: string;
  /** What the chart shows, for screen readers. */
  label: string;
  /** `canvas` in the app; `svg` where no 2D canvas exists (component tests). */
  renderer?: "canvas" | "svg";
  /** Extra attributes for tests and styling. */
  testId?: string;
}

let canvas2d: boolean | null = null;

/**
 * Whether this document can draw on a 2D canvas. happy-dom (the component
 * tests) cannot, and a canvas chart that loads late in such a test would
 * throw from inside ECharts' painter, so there it is not drawn at all (tests
 * that look at a chart ask for the SVG renderer).
 */
function canvasWorks(): boolean {
  canvas2d ??= (() => {
    try {
      return document.createElement("canvas").getContext("2d") !== null;
    } catch {
      return false;
    }
  })();
  return canvas2d;
}

/**
 * The one ECharts wrapper: every chart in the app goes through it. It loads
 * ECharts lazily, creates one instance per mount, applies `option` when it
 * changes, joins `group` for linked crosshairs, follows the container's width
 * and disposes the instance on unmount. Tooltips render inside the canvas
 * (`renderMode: "richText"` is set by the option builders) because the app's
 * CSP forbids inline styles, which ECharts' HTML tooltips need.
 */
function EChartInner({ option, height, group, label, renderer = "canvas", testId }: EChartProps) {
  const el = useRef<HTMLDivElement>(null);
  const chart = useRef<ECharts | null>(null);
  const [failed, setFailed] = useState<string | null>(null);

  useEffect(() => {
    let alive = true;
    let resize: ResizeObserver | null = null;
    loadECharts().then(
      (echarts) => {
        if (!alive || !el.current) return;
        if (renderer === "canvas" && !canvasWorks()) return;
        const width = el.current.clientWidth || 600;
        const instance = echarts.init(el.current, null, { renderer, height, width });
        chart.current = instance;
        if (group) {
          instance.group = group;
          echarts.connect(group);
        }
        instance.setOption(option, true);
        if (typeof ResizeObserver === "function") {
          resize = new ResizeObserver(() => {
            const w = el.current?.clientWidth;
            if (w) instance.resize({ width: w, height });
          });
          resize.observe(el.current);
        }
      },
      (err: unknown) => alive && setFailed(String(err)),
    );
    return () => {
      alive = false;
      resize?.disconnect();
      chart.current?.dispose();
      chart.current = null;
    };
    // The instance lives as long as the mount; options are applied below.
  }, [renderer, height, group]);

  useEffect(() => {
    chart.current?.setOption(option, true);
  }, [option]);

  return (
    <div class="echart" role="img" aria-label={label} data-testid={testId}>
      <div ref={el} class="echart-canvas" style={{ height: `${height}px` }} />
      {failed && <p class="chart-error">The chart could not be drawn: {failed}</p>}
    </div>
  );
}

export const EChart = memo(EChartInner);
