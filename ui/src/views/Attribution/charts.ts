// ECharts options for the Attribution view, built here as plain data (tested
// on their own) and drawn by the one EChart wrapper. The SLI, the burn and
// every leading indicator share one time axis, `chart.from_ms` to
// `chart.to_ms`, and one crosshair.
import { axisTooltip, eventMarkLine, type Palette } from "../../components/EChart";
import { count, duration, percent } from "../../format";
import type { ChartPoint, Indicator, ReportChart } from "../../ipc";

/** Charts in this group share one crosshair. */
export const ATTRIBUTION_CHART_GROUP = "attribution-charts";

/** Bucket `i`'s start on the chart's axis. */
export function bucketStart(chart: ReportChart, i: number): number {
  return chart.from_ms + i * chart.bucket_ms;
}

function timeBase(palette: Palette, chart: ReportChart, grid: Record<string, number>) {
  return {
    animation: false,
    grid,
    tooltip: axisTooltip(palette),
    axisPointer: { link: [{ xAxisIndex: "all" }] },
    xAxis: {
      type: "time",
      min: chart.from_ms,
      max: chart.to_ms,
      axisLine: { lineStyle: { color: palette.grid } },
      axisLabel: { color: palette.muted, fontSize: 10, hideOverlap: true },
      splitLine: { show: false },
    },
  };
}

/**
 * The good ratio per bucket, a gap where a bucket had no runs (the engine
 * sends only buckets with runs).
 */
export function sliPoints(chart: ReportChart): [number, number | null][] {
  const byStart = new Map(chart.sli.map((p) => [p.t_ms, p.value]));
  const n = Math.max(0, Math.ceil((chart.to_ms - chart.from_ms) / Math.max(chart.bucket_ms, 1)));
  return Array.from({ length: n }, (_, i) => {
    const t = bucketStart(chart, i);
    return [t, byStart.get(t) ?? null];
  });
}

/** The SLI's good ratio with the target, the onset band and the change markers. */
export function sliOption(chart: ReportChart, palette: Palette): Record<string, unknown> {
  const values = chart.sli.flatMap((p) => (p.value === null ? [] : [p.value]));
  const lo = Math.min(chart.target, ...values);
  const min = Math.max(0, Math.floor((lo - Math.max((1 - lo) * 0.1, 0.005)) * 100) / 100);
  const marks = eventMarkLine(chart.markers, palette, chart.from_ms, chart.to_ms);
  return {
    ...timeBase(palette, chart, { left: 52, right: 16, top: 20, bottom: 28 }),
    yAxis: {
      type: "value",
      min,
      max: 1,
      axisLabel: { color: palette.muted, fontSize: 10, formatter: (v: number) => percent(v, 1) },
      splitLine: { lineStyle: { color: palette.grid } },
    },
    series: [
      {
        name: "good ratio",
        type: "line",
        showSymbol: false,
        connectNulls: false,
        data: sliPoints(chart),
        lineStyle: { color: palette.accent, width: 2 },
        itemStyle: { color: palette.accent },
        tooltip: { valueFormatter: (v: number | null) => (v === null ? "no runs" : percent(v)) },
        markLine: {
          ...marks,
          data: [
            ...(marks.data as unknown[]),
            {
              name: `target ${percent(chart.target)}`,
              yAxis: chart.target,
              lineStyle: { color: palette.danger, type: "dotted", width: 1 },
              label: { color: palette.danger, position: "insideStartTop" },
            },
          ],
        },
        markArea: onsetArea(chart, palette),
      },
    ],
  };
}

function onsetArea(chart: ReportChart, palette: Palette): Record<string, unknown> | undefined {
  const o = chart.onset;
  if (!o) return undefined;
  return {
    silent: true,
    itemStyle: { color: palette.warn, opacity: 0.14 },
    label: { color: palette.warn, fontSize: 10, position: "insideTop" },
    data: [[{ name: o.label, xAxis: o.from_ms }, { xAxis: o.to_ms }]],
  };
}

/** The colour of burn layer `i`: the rest in grey, causes in the series colours. */
export function layerColor(palette: Palette, i: number, other: boolean): string {
  if (other) return palette.muted;
  const colours = [...palette.series, palette.deploy, palette.danger];
  return colours[i % colours.length] ?? palette.accent;
}

/** Bad runs per bucket stacked by cause, best cause at the bottom, the rest on top in grey. */
export function burnOption(chart: ReportChart, palette: Palette): Record<string, unknown> {
  return {
    ...timeBase(palette, chart, { left: 52, right: 16, top: 28, bottom: 28 }),
    legend: {
      top: 0,
      left: 48,
      textStyle: { color: palette.muted, fontSize: 10 },
      itemWidth: 12,
      itemHeight: 8,
    },
    yAxis: {
      type: "value",
      minInterval: 1,
      axisLabel: { color: palette.muted, fontSize: 10 },
      splitLine: { lineStyle: { color: palette.grid } },
    },
    series: chart.burn.map((layer, i) => ({
      name: layer.name,
      type: "bar",
      stack: "burn",
      barCategoryGap: "10%",
      data: layer.counts.map((c, b) => [bucketStart(chart, b), c]),
      itemStyle: { color: layerColor(palette, i, layer.other) },
      tooltip: { valueFormatter: (v: number) => `${count(v)} bad runs` },
      // The changes on this chart too, unlabelled (the SLI chart names them).
      ...(i === 0 ? { markLine: eventMarkLine(chart.markers, palette, chart.from_ms, chart.to_ms, false) } : {}),
    })),
  };
}

/** How far ahead of the SLI an indicator moved, in words. */
export function leadText(leadS: number): string {
  if (leadS === 0) return "moved with the SLI";
  const d = duration(Math.abs(leadS) * 1000);
  return leadS > 0 ? `moved ${d} before the SLI` : `moved ${d} after the SLI`;
}

/** A leading indicator's own series on the SLI chart's axis, a line where it moved. */
export function indicatorOption(
  points: readonly ChartPoint[],
  indicator: Indicator,
  chart: ReportChart,
  palette: Palette,
): Record<string, unknown> {
  const color = indicator.related ? palette.warn : palette.series[1] ?? palette.accent;
  return {
    ...timeBase(palette, chart, { left: 44, right: 8, top: 8, bottom: 22 }),
    yAxis: {
      type: "value",
      scale: true,
      splitNumber: 2,
      axisLabel: { color: palette.muted, fontSize: 9 },
      splitLine: { lineStyle: { color: palette.grid } },
    },
    series: [
      {
        name: indicator.series,
        type: "line",
        showSymbol: false,
        connectNulls: false,
        data: points.map((p) => [p.t_ms, p.value]),
        lineStyle: { color, width: 1.5 },
        itemStyle: { color },
        markLine: {
          silent: true,
          symbol: "none",
          animation: false,
          label: { show: false },
          lineStyle: { color: palette.danger, type: "solid", width: 1 },
          data: [{ name: "moved", xAxis: indicator.moved_at_ms }],
        },
      },
    ],
  };
}
