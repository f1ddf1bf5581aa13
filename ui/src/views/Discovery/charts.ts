// ECharts options for the Discovery view, built here as plain data (tested
// on their own) and drawn by the one EChart wrapper: the top paths as a
// Sankey, and a candidate's per-step latency as bars.
import type { Palette } from "../../components/EChart";
import { duration } from "../../format";
import type { Candidate } from "../../ipc";

/** How many candidates the Sankey draws, best first. */
export const SANKEY_TOP = 8;

export interface SankeyNode {
  name: string;
  /** 1 for a path's first step. */
  depth: number;
}

export interface SankeyLink {
  source: string;
  target: string;
  /** Sessions that went on to the target step. */
  value: number;
}

export interface SankeyGraph {
  nodes: SankeyNode[];
  links: SankeyLink[];
}

/**
 * A step's node: named by its depth as well as its step, `2. GET
 * /product/:id`, because a Sankey must be acyclic and paths come back to
 * pages they saw (`GET /` first and last is two nodes, not a loop).
 */
export function nodeName(depth: number, step: string): string {
  return `${depth}. ${step}`;
}

/**
 * The top `top` candidates' paths as one graph: a link from each step to
 * the next, weighted by the sessions that reached the next step (the
 * funnel's `reached`). Candidates sharing a link add up into one; a link no
 * session took is left out, as are nodes no link touches.
 */
export function sankeyGraph(candidates: readonly Candidate[], top = SANKEY_TOP): SankeyGraph {
  const best = [...candidates].sort((a, b) => a.rank - b.rank).slice(0, top);
  const links = new Map<string, SankeyLink>();
  const nodes = new Map<string, SankeyNode>();
  const node = (depth: number, step: string) => {
    const name = nodeName(depth, step);
    if (!nodes.has(name)) nodes.set(name, { name, depth });
    return name;
  };
  for (const c of best) {
    for (let i = 0; i + 1 < c.steps.length; i++) {
      const value = c.funnel[i + 1]?.reached ?? 0;
      if (value <= 0) continue;
      const source = node(i + 1, c.steps[i]!);
      const target = node(i + 2, c.steps[i + 1]!);
      const key = `${source}\n${target}`;
      const l = links.get(key);
      if (l) l.value += value;
      else links.set(key, { source, target, value });
    }
  }
  const byDepth = (a: SankeyNode, b: SankeyNode) => a.depth - b.depth || a.name.localeCompare(b.name);
  return { nodes: [...nodes.values()].sort(byDepth), links: [...links.values()] };
}

/** The item tooltip of the Discovery charts, drawn in the canvas (the CSP forbids HTML tooltips' inline styles). */
function itemTooltip(palette: Palette) {
  return {
    trigger: "item",
    renderMode: "richText",
    backgroundColor: palette.panel,
    borderColor: palette.grid,
    textStyle: { color: palette.fg, fontSize: 11 },
  };
}

/** The Sankey of `graph`: one column per depth, coloured by depth. */
export function sankeyOption(graph: SankeyGraph, palette: Palette): Record<string, unknown> {
  return {
    animation: false,
    tooltip: itemTooltip(palette),
    series: [
      {
        type: "sankey",
        left: 8,
        right: 160,
        top: 8,
        bottom: 8,
        nodeWidth: 12,
        nodeGap: 10,
        draggable: false,
        layoutIterations: 32,
        emphasis: { focus: "adjacency" },
        data: graph.nodes.map((n) => ({
          name: n.name,
          depth: n.depth - 1,
          itemStyle: { color: palette.series[(n.depth - 1) % palette.series.length], borderWidth: 0 },
        })),
        links: graph.links,
        lineStyle: { color: "source", opacity: 0.3, curveness: 0.5 },
        label: { color: palette.fg, fontSize: 10 },
      },
    ],
  };
}

/** A step on the latency chart: `2. GET /product/:id`. */
const stepLabel = (c: Candidate, i: number) => nodeName(i + 1, c.steps[i] ?? "");

/** Per-step p50 and p95 of candidate `c`'s sessions as horizontal bars, first step on top. */
export function latencyOption(c: Candidate, palette: Palette): Record<string, unknown> {
  const steps = c.funnel.map((_, i) => stepLabel(c, i)).reverse();
  const values = (pick: (i: number) => number | null) => c.funnel.map((_, i) => pick(i)).reverse();
  const bar = (name: string, color: string, data: (number | null)[]) => ({
    name,
    type: "bar",
    data,
    itemStyle: { color },
    barMaxWidth: 10,
    tooltip: { valueFormatter: (v: number | null) => (v === null ? "no times" : duration(v)) },
  });
  return {
    animation: false,
    grid: { left: 8, right: 24, top: 24, bottom: 24, containLabel: true },
    legend: { top: 0, right: 8, textStyle: { color: palette.muted, fontSize: 10 } },
    tooltip: { ...itemTooltip(palette), trigger: "axis", axisPointer: { type: "shadow" } },
    xAxis: {
      type: "value",
      axisLabel: { color: palette.muted, fontSize: 10, formatter: (v: number) => duration(v) },
      splitLine: { lineStyle: { color: palette.grid } },
    },
    yAxis: {
      type: "category",
      data: steps,
      axisLabel: { color: palette.fg, fontSize: 10 },
      axisLine: { lineStyle: { color: palette.grid } },
    },
    series: [
      bar("p50", palette.series[0] ?? palette.accent, values((i) => c.funnel[i]?.p50_ms ?? null)),
      bar("p95", palette.series[2] ?? palette.warn, values((i) => c.funnel[i]?.p95_ms ?? null)),
    ],
  };
}
