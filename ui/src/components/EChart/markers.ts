// Deploy markers: one vertical line per deploy on every time chart, labelled
// with the release where there is room.
import type { DeployMarker } from "../../ipc";
import type { Palette } from "./theme";

/** An ECharts `markLine` with a line at each deploy inside `[fromMs, toMs]`. */
export function deployMarkLine(
  deploys: readonly DeployMarker[],
  palette: Palette,
  fromMs: number,
  toMs: number,
  labels = true,
): Record<string, unknown> {
  const inRange = deploys.filter((d) => d.at_ms >= fromMs && d.at_ms <= toMs);
  return {
    silent: !labels,
    symbol: "none",
    animation: false,
    lineStyle: { color: palette.deploy, type: "dashed", width: 1 },
    label: labels
      ? {
          show: true,
          position: "insideEndTop",
          color: palette.deploy,
          fontSize: 10,
          formatter: (p: { name?: string }) => p.name ?? "",
        }
      : { show: false },
    // The release labels the line; the service and region are in the
    // deploy list under the charts.
    data: inRange.map((d) => ({ name: d.release_id, xAxis: d.at_ms })),
  };
}
