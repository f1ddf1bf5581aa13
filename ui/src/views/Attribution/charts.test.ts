import { describe, expect, it } from "vitest";

import { readPalette } from "../../components/EChart";
import { attributionView } from "../../test/investigate";
import { bucketStart, burnOption, indicatorOption, leadText, sliOption, sliPoints } from "./charts";

type Series = {
  name: string;
  type: string;
  stack?: string;
  data: [number, number | null][];
  itemStyle: { color: string };
  markLine?: { data: { xAxis?: number; yAxis?: number; lineStyle: { color: string } }[] };
  markArea?: { data: [{ xAxis: number; name: string }, { xAxis: number }][] };
};
type Option = { xAxis: { min: number; max: number }; series: Series[] };

const chart = attributionView().chart!;
const p = readPalette();

describe("Attribution chart options", () => {
  it("stack the burn by cause on the SLI's time axis, the rest in grey", () => {
    const o = burnOption(chart, p) as unknown as Option;
    expect(o.series).toHaveLength(3);
    expect(o.series.every((s) => s.type === "bar" && s.stack === "burn")).toBe(true);
    expect(o.series.map((s) => s.name)).toEqual(["payment latency in us-east-1", "inventory errors", "other"]);
    expect(o.series[2]!.itemStyle.color).toBe(p.muted);
    expect(o.series[0]!.itemStyle.color).not.toBe(p.muted);
    // Bucket i sits at from + i * bucket.
    expect(o.series[0]!.data[31]).toEqual([chart.from_ms + 31 * chart.bucket_ms, 3]);
    expect(bucketStart(chart, 2)).toBe(chart.from_ms + 2 * 60_000);
    const sli = sliOption(chart, p) as unknown as Option;
    expect([o.xAxis.min, o.xAxis.max]).toEqual([sli.xAxis.min, sli.xAxis.max]);
  });

  it("draw the SLI with gaps where no runs were, the target, the onset band and coloured markers", () => {
    const points = sliPoints(chart);
    expect(points).toHaveLength(60);
    expect(points[2]).toEqual([chart.from_ms + 2 * 60_000, null]);
    expect(points[3]).toEqual([chart.from_ms + 3 * 60_000, 0.5]);
    const o = sliOption(chart, p) as unknown as Option;
    const s = o.series[0]!;
    const marks = s.markLine!.data;
    expect(marks.find((m) => m.yAxis === 0.99)).toBeTruthy();
    const colourAt = (t: number) => marks.find((m) => m.xAxis === t)?.lineStyle.color;
    expect(colourAt(chart.markers[0]!.at_ms)).toBe(p.deploy);
    expect(colourAt(chart.markers[1]!.at_ms)).toBe(p.warn);
    expect(colourAt(chart.markers[2]!.at_ms)).toBe(p.danger);
    const band = s.markArea!.data[0]!;
    expect([band[0].xAxis, band[1].xAxis]).toEqual([chart.onset!.from_ms, chart.onset!.to_ms]);
  });

  it("put each indicator on the same axis with a line where it moved", () => {
    const v = attributionView();
    const ind = v.report.leading_indicators[0]!;
    const o = indicatorOption(v.indicators[0]!.points, ind, chart, p) as unknown as Option;
    expect([o.xAxis.min, o.xAxis.max]).toEqual([chart.from_ms, chart.to_ms]);
    expect(o.series[0]!.markLine!.data.map((m) => m.xAxis)).toEqual([ind.moved_at_ms]);
    expect(leadText(240)).toBe("moved 4 min before the SLI");
    expect(leadText(-30)).toBe("moved 30 s after the SLI");
  });
});
