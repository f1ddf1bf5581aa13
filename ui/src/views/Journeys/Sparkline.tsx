import { useMemo } from "preact/hooks";

import { deployMarkLine, EChart, usePalette } from "../../components/EChart";
import { duration } from "../../format";
import type { DeployMarker } from "../../ipc";

/** The x positions of hourly buckets ending at `atMs`: each bucket's middle. */
export function bucketTimes(atMs: number, windowMs: number, buckets: number): number[] {
  const from = atMs - windowMs + 1;
  const size = windowMs / buckets;
  return Array.from({ length: buckets }, (_, b) => from + (b + 0.5) * size);
}

/** A p95 sparkline: one point per hour of the last day, deploys as thin lines. */
export function Sparkline({
  values,
  atMs,
  windowMs,
  deploys,
  label,
}: {
  values: readonly (number | null)[];
  atMs: number;
  windowMs: number;
  deploys: readonly DeployMarker[];
  label: string;
}) {
  const palette = usePalette();
  const option = useMemo(() => {
    const xs = bucketTimes(atMs, windowMs, values.length);
    return {
      animation: false,
      grid: { left: 2, right: 2, top: 4, bottom: 4 },
      xAxis: { type: "time", show: false, min: atMs - windowMs + 1, max: atMs },
      yAxis: { type: "value", show: false, min: 0 },
      tooltip: {
        trigger: "axis",
        renderMode: "richText",
        valueFormatter: (v: number | null) => (v === null ? "no runs" : `p95 ${duration(v)}`),
      },
      series: [
        {
          type: "line",
          showSymbol: false,
          connectNulls: false,
          data: xs.map((x, i) => [x, values[i] ?? null]),
          lineStyle: { color: palette.accent, width: 1.5 },
          markLine: deployMarkLine(deploys, palette, atMs - windowMs, atMs, false),
        },
      ],
    };
  }, [values, atMs, windowMs, deploys, palette]);
  return <EChart option={option} height={28} label={label} />;
}
