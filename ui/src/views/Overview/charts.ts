// ECharts options for the Overview's SLO charts: built here as plain data
// (tested on their own), drawn by the one EChart wrapper.
import { axisTooltip, deployMarkLine, type Palette } from "../../components/EChart";
import { burnRate, moment, percent } from "../../format";
import type { AlertJson, ChartPoint, DeployMarker } from "../../ipc";

/** Charts in this group share one crosshair. */
export const SLO_CHART_GROUP = "slo-charts";

const points = (ps: readonly ChartPoint[]) => ps.map((p) => [p.t_ms, p.value]);

function base(palette: Palette, fromMs: number, toMs: number) {
  return {
    animation: false,
    grid: { left: 48, right: 16, top: 24, bottom: 28 },
    tooltip: axisTooltip(palette),
    axisPointer: { link: [{ xAxisIndex: "all" }] },
    xAxis: {
      type: "time",
      min: fromMs,
      max: toMs,
      axisLine: { lineStyle: { color: palette.grid } },
      axisLabel: { color: palette.muted, fontSize: 10, hideOverlap: true },
      splitLine: { show: false },
    },
  };
}

/** Budget left over the compliance window, 100% down to (below) 0. */
export function burnDownOption(
  data: readonly ChartPoint[],
  deploys: readonly DeployMarker[],
  palette: Palette,
): Record<string, unknown> {
  const from = data[0]?.t_ms ?? 0;
  const to = data[data.length - 1]?.t_ms ?? 0;
  return {
    ...base(palette, from, to),
    yAxis: {
      type: "value",
      max: 1,
      axisLabel: {
        color: palette.muted,
        fontSize: 10,
        formatter: (v: number) => percent(v, 0),
      },
      splitLine: { lineStyle: { color: palette.grid } },
    },
    series: [
      {
        name: "Budget left",
        type: "line",
        showSymbol: false,
        data: points(data),
        lineStyle: { color: palette.accent, width: 2 },
        areaStyle: { color: palette.accent, opacity: 0.12 },
        tooltip: {
          valueFormatter: (v: number | null) => (v === null ? "no runs yet" : percent(v)),
        },
        markLine: deployMarkLine(deploys, palette, from, to),
      },
    ],
  };
}

/** Burn rates over the last three days, with the page thresholds. */
export function burnRateOption(
  series: { h1: readonly ChartPoint[]; h6: readonly ChartPoint[]; d3: readonly ChartPoint[] },
  alerts: readonly AlertJson[],
  deploys: readonly DeployMarker[],
  palette: Palette,
): Record<string, unknown> {
  const from = series.h1[0]?.t_ms ?? 0;
  const to = series.h1[series.h1.length - 1]?.t_ms ?? 0;
  const line = (name: string, data: readonly ChartPoint[], color: string, withMarks: boolean) => ({
    name,
    type: "line",
    showSymbol: false,
    data: points(data),
    lineStyle: { color, width: 1.5 },
    itemStyle: { color },
    tooltip: { valueFormatter: (v: number | null) => burnRate(v) },
    ...(withMarks
      ? {
          markLine: {
            ...deployMarkLine(deploys, palette, from, to),
            data: [
              ...(deployMarkLine(deploys, palette, from, to).data as unknown[]),
              // Each page rule's threshold, over its long window's line.
              ...alerts
                .filter((a) => a.severity === "page")
                .map((a, i) => ({
                  name: `page ${a.long_window}: ${burnRate(a.threshold)}`,
                  yAxis: a.threshold,
                  lineStyle: { color: palette.danger, type: "dotted" },
                  // Alternate sides so close thresholds do not overwrite each other.
                  label: { color: palette.danger, position: i % 2 === 0 ? "insideStartTop" : "insideEndTop" },
                })),
            ],
          },
        }
      : {}),
  });
  return {
    ...base(palette, from, to),
    legend: {
      top: 0,
      right: 8,
      textStyle: { color: palette.muted, fontSize: 10 },
      itemWidth: 12,
      itemHeight: 6,
    },
    yAxis: {
      type: "value",
      axisLabel: { color: palette.muted, fontSize: 10, formatter: (v: number) => `${v}×` },
      splitLine: { lineStyle: { color: palette.grid } },
    },
    series: [
      line("1h", series.h1, palette.series[0] ?? palette.accent, true),
      line("6h", series.h6, palette.series[1] ?? palette.accent, false),
      line("3d", series.d3, palette.series[2] ?? palette.accent, false),
    ],
  };
}

/** Names of deploys, for the list under the charts. */
export function deployLabel(d: DeployMarker): string {
  return `${moment(d.at_ms)} · ${d.release_id} · ${d.service}${d.region ? ` in ${d.region}` : ""}`;
}
