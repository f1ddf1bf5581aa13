// The step waterfall as an ECharts option: one bar per step from its start
// offset for its duration, the failed step in the danger colour.
import type { Palette } from "../../components/EChart";
import { duration } from "../../format";

export interface WaterfallBar {
  label: string;
  offsetMs: number;
  durationMs: number;
  failed: boolean;
}

/** A horizontal waterfall; the first bar on top. */
export function waterfallOption(bars: readonly WaterfallBar[], palette: Palette): Record<string, unknown> {
  const labels = bars.map((b) => b.label);
  return {
    animation: false,
    grid: { left: 170, right: 24, top: 8, bottom: 24 },
    tooltip: {
      trigger: "item",
      renderMode: "richText",
      formatter: (p: { dataIndex: number }) => {
        const b = bars[p.dataIndex];
        return b ? `${b.label}\nstarts +${duration(b.offsetMs)}, takes ${duration(b.durationMs)}` : "";
      },
    },
    xAxis: {
      type: "value",
      axisLabel: { color: palette.muted, fontSize: 10, formatter: (v: number) => duration(v) },
      splitLine: { lineStyle: { color: palette.grid } },
    },
    yAxis: {
      type: "category",
      inverse: true,
      data: labels,
      axisLabel: { color: palette.fg, fontSize: 11, width: 160, overflow: "truncate" },
      axisLine: { lineStyle: { color: palette.grid } },
    },
    series: [
      {
        // The invisible part of each bar: where the step starts.
        type: "bar",
        stack: "steps",
        silent: true,
        itemStyle: { color: "transparent" },
        data: bars.map((b) => b.offsetMs),
      },
      {
        type: "bar",
        stack: "steps",
        barMaxWidth: 14,
        data: bars.map((b) => ({
          value: Math.max(b.durationMs, 1),
          itemStyle: { color: b.failed ? palette.danger : palette.accent },
        })),
      },
    ],
  };
}
