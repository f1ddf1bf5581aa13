// Chart colours from the page's CSS variables, so charts follow the light or
// dark theme the OS picks, and re-render when it changes.
import { useEffect, useState } from "preact/hooks";

export interface Palette {
  fg: string;
  muted: string;
  grid: string;
  accent: string;
  danger: string;
  warn: string;
  ok: string;
  series: string[];
  deploy: string;
  panel: string;
}

function cssVar(name: string, fallback: string): string {
  if (typeof document === "undefined") return fallback;
  const v = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  return v || fallback;
}

/** The palette as the page's CSS defines it now. */
export function readPalette(): Palette {
  return {
    fg: cssVar("--fg", "#0f172a"),
    muted: cssVar("--muted", "#64748b"),
    grid: cssVar("--border", "#e2e8f0"),
    accent: cssVar("--accent", "#0d9488"),
    danger: cssVar("--danger", "#b91c1c"),
    warn: cssVar("--warn", "#b45309"),
    ok: cssVar("--ok", "#15803d"),
    deploy: cssVar("--deploy", "#7c3aed"),
    panel: cssVar("--panel", "#ffffff"),
    series: [
      cssVar("--series-1", "#0d9488"),
      cssVar("--series-2", "#2563eb"),
      cssVar("--series-3", "#d97706"),
    ],
  };
}

const darkQuery = "(prefers-color-scheme: dark)";

/** The palette, updated when the OS switches between light and dark. */
export function usePalette(): Palette {
  const [palette, setPalette] = useState(readPalette);
  useEffect(() => {
    const mq = typeof matchMedia === "function" ? matchMedia(darkQuery) : null;
    if (!mq) return;
    const onChange = () => setPalette(readPalette());
    mq.addEventListener("change", onChange);
    return () => mq.removeEventListener("change", onChange);
  }, []);
  return palette;
}

/**
 * The tooltip of a time-axis chart: every series at the pointer, drawn in
 * the canvas (the CSP forbids the inline styles of HTML tooltips), in the
 * palette's colours.
 */
export function axisTooltip(palette: Palette) {
  return {
    trigger: "axis",
    renderMode: "richText",
    axisPointer: { type: "line", lineStyle: { color: palette.muted } },
    backgroundColor: palette.panel,
    borderColor: palette.grid,
    textStyle: { color: palette.fg, fontSize: 11 },
  };
}
