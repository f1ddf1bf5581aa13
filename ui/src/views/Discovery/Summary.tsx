// What discovery read and what it made of it: one report per input (bad
// lines with the first one's number and reason, so a wrong format is seen at
// once), the sessions and what was dropped, and the top paths as a Sankey.
import { useMemo } from "preact/hooks";

import { EChart, usePalette } from "../../components/EChart";
import { count, duration, percent } from "../../format";
import type { Candidate, Discovery, DiscoveryView, ParseReport } from "../../ipc";
import { SANKEY_TOP, sankeyGraph, sankeyOption } from "./charts";

/** The inputs table, the summary and the Sankey of one answer. */
export function Summary({ view }: { view: DiscoveryView }) {
  return (
    <section class="discovery-summary" aria-labelledby="discovery-read-title">
      <h3 id="discovery-read-title">What was read</h3>
      <Inputs inputs={view.inputs} />
      <Totals d={view.discovery} tookMs={view.took_ms} hiddenRejected={view.hidden_rejected} />
      <TopPaths candidates={view.discovery.candidates} />
    </section>
  );
}

function badText(r: ParseReport): string {
  if (r.bad_lines === 0) return "none";
  const first = r.bad[0];
  const n = `${count(r.bad_lines)} bad line${r.bad_lines === 1 ? "" : "s"}`;
  return first ? `${n}; first: line ${first.line}: ${first.message}` : n;
}

function Inputs({ inputs }: { inputs: readonly ParseReport[] }) {
  return (
    <table class="discovery-inputs">
      <thead>
        <tr>
          <th scope="col">Input</th>
          <th scope="col">Format</th>
          <th scope="col">Lines</th>
          <th scope="col">Requests</th>
          <th scope="col">Bad lines</th>
        </tr>
      </thead>
      <tbody>
        {inputs.map((r) => (
          <tr
            key={r.file}
            data-testid="discovery-input"
            data-file={r.file}
            data-format={r.format}
            data-requests={r.requests}
            data-bad-lines={r.bad_lines}
          >
            <th scope="row">
              <code>{r.file}</code>
            </th>
            <td>{r.format}</td>
            <td>{count(r.lines)}</td>
            <td>{count(r.requests)}</td>
            <td class={r.bad_lines > 0 ? "bad" : undefined} data-field="bad">
              {badText(r)}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Totals({ d, tookMs, hiddenRejected }: { d: Discovery; tookMs: number; hiddenRejected: number }) {
  const bots = d.bots.user_agent + d.bots.robots_txt + d.bots.rate + d.bots.no_assets;
  const setAside = d.set_aside.assets + d.set_aside.health + d.set_aside.robots_txt;
  return (
    <dl class="facts discovery-totals" data-testid="discovery-summary">
      <dt>Requests</dt>
      <dd data-field="requests">
        {count(d.requests)} read in {duration(tookMs)}
      </dd>
      <dt>Sessions</dt>
      <dd data-field="sessions" data-value={d.sessions}>
        {count(d.sessions)} human sessions: {count(d.clustered_sessions)} in candidates (
        {percent(d.sessions === 0 ? null : d.clustered_sessions / d.sessions, 1)}), {count(d.noise_sessions)} noise
      </dd>
      <dt>Bots</dt>
      <dd data-field="bots" data-value={bots}>
        {count(bots)} sessions dropped: {count(d.bots.user_agent)} by user agent, {count(d.bots.robots_txt)} read
        robots.txt, {count(d.bots.rate)} too fast for a person, {count(d.bots.no_assets)} pages without assets
      </dd>
      <dt>Set aside</dt>
      <dd data-field="set-aside" data-value={setAside}>
        {count(d.set_aside.assets)} asset requests, {count(d.set_aside.health)} health checks,{" "}
        {count(d.set_aside.robots_txt)} robots.txt reads
      </dd>
      <dt>Candidates</dt>
      <dd data-field="candidates">
        {count(d.candidates.length)}
        {hiddenRejected > 0 && ` shown, ${count(hiddenRejected)} rejected hidden`}
      </dd>
    </dl>
  );
}

function TopPaths({ candidates }: { candidates: readonly Candidate[] }) {
  const palette = usePalette();
  const graph = useMemo(() => sankeyGraph(candidates), [candidates]);
  const option = useMemo(() => sankeyOption(graph, palette), [graph, palette]);
  const depth = graph.nodes.reduce((m, n) => Math.max(m, n.depth), 0);
  const column = (d: number) => graph.nodes.filter((n) => n.depth === d).length;
  const tallest = Array.from({ length: depth }, (_, i) => column(i + 1)).reduce((a, b) => Math.max(a, b), 1);
  const height = Math.min(480, Math.max(180, tallest * 44));
  return (
    <figure data-testid="discovery-sankey" data-links={graph.links.length} data-nodes={graph.nodes.length}>
      <figcaption>
        The top {Math.min(SANKEY_TOP, candidates.length)} paths: sessions from each step to the next (a step is
        numbered by where it comes in the path)
      </figcaption>
      {graph.links.length > 0 ? (
        <EChart option={option} height={height} label="Sessions along the top candidate paths, step by step" />
      ) : (
        <p class="muted">No path has two steps, so there is nothing to draw.</p>
      )}
    </figure>
  );
}
