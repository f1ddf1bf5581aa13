// Time markers: one vertical line per deploy (and, on the Attribution charts,
// per Kubernetes event and page) on every time chart, labelled where there is
// room.
import type { DeployMarker, MarkerRow } from "../../ipc";
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

/** The colour of a time marker of kind `kind` (`deploy`, `kubernetes`, `alert`). */
export function markerColor(kind: string, palette: Palette): string {
  switch (kind) {
    case "deploy":
      return palette.deploy;
    case "alert":
      return palette.danger;
    default:
      return palette.warn;
  }
}

/**
 * An ECharts `markLine` with a line at each marker inside `[fromMs, toMs]`:
 * deploys, Kubernetes events and pages, each kind in its own colour (pages
 * solid, the others dashed like the deploy markers).
 */
export function eventMarkLine(
  markers: readonly MarkerRow[],
  palette: Palette,
  fromMs: number,
  toMs: number,
  labels = true,
): Record<string, unknown> {
  const inRange = markers.filter((m) => m.at_ms >= fromMs && m.at_ms <= toMs);
  return {
    silent: !labels,
    symbol: "none",
    animation: false,
    label: labels
      ? {
          show: true,
          position: "insideEndTop",
          fontSize: 10,
          formatter: (p: { name?: string }) => p.name ?? "",
        }
      : { show: false },
    data: inRange.map((m) => {
      const color = markerColor(m.kind, palette);
      return {
        name: m.label,
        xAxis: m.at_ms,
        lineStyle: { color, width: 1, type: m.kind === "alert" ? "solid" : "dashed" },
        label: { color },
      };
    }),
  };
}
