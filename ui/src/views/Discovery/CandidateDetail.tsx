// One candidate, opened: where its sessions left (the funnel), how long each
// step took, real URLs of each step, the SLI and SLO the engine proposes, and
// the journey skeleton that accepting it writes. The decision panel sits on
// top, since that is what the page is for.
import { Fragment } from "preact";
import { useMemo } from "preact/hooks";

import { EChart, usePalette } from "../../components/EChart";
import { count, duration, percent } from "../../format";
import type { Candidate, DecisionMade, DiscoveryRequest, ObjectiveFit, Proposal } from "../../ipc";
import { DecisionBadge } from "./CandidateList";
import { latencyOption, nodeName } from "./charts";
import { Decide } from "./Decide";

export function CandidateDetail({
  c,
  decision,
  request,
  made,
  recorderAvailable,
  recorderProblem,
  onDecided,
}: {
  c: Candidate;
  decision: string | undefined;
  /** The request the candidate came from: a decision runs discovery again on it. */
  request: DiscoveryRequest;
  made: DecisionMade | undefined;
  recorderAvailable: boolean;
  recorderProblem: string | null;
  onDecided: (made: DecisionMade) => void;
}) {
  return (
    <article class="candidate-detail" aria-labelledby="candidate-title" data-testid="candidate-detail" data-candidate-id={c.id}>
      <header class="view-header">
        <h3 id="candidate-title">
          <span class="muted">#{c.rank}</span> {c.name}
        </h3>
        <code class="muted small">{c.id}</code>
        <DecisionBadge decision={decision} />
      </header>
      <Decide
        key={c.id}
        c={c}
        request={request}
        made={made}
        recorderAvailable={recorderAvailable}
        recorderProblem={recorderProblem}
        onDecided={onDecided}
      />
      <Funnel c={c} />
      <Latency c={c} />
      <Examples c={c} />
      <ProposalFacts p={c.proposal} />
      <section aria-labelledby="skeleton-title">
        <h4 id="skeleton-title">Journey skeleton</h4>
        <pre class="document skeleton" data-testid="candidate-skeleton">
          {c.skeleton}
        </pre>
      </section>
    </article>
  );
}

function Funnel({ c }: { c: Candidate }) {
  const first = c.funnel[0]?.reached ?? 0;
  return (
    <section aria-labelledby="funnel-title">
      <h4 id="funnel-title">Funnel</h4>
      <table class="funnel" data-testid="candidate-funnel">
        <thead>
          <tr>
            <th scope="col">Step</th>
            <th scope="col">Reached</th>
            <th scope="col">Abandoned</th>
            <th scope="col">After an error</th>
            <th scope="col">p50</th>
            <th scope="col">p95</th>
            <th scope="col">Timed</th>
          </tr>
        </thead>
        <tbody>
          {c.funnel.map((f, i) => (
            <tr key={`${i}-${f.step}`} data-testid="funnel-step" data-step={f.step} data-reached={f.reached}>
              <th scope="row">
                <code>{nodeName(i + 1, f.step)}</code>
              </th>
              <td>
                {count(f.reached)} <span class="muted small">({percent(first === 0 ? null : f.reached / first, 0)})</span>
              </td>
              <td>{count(f.abandoned)}</td>
              <td class={f.abandoned_after_error > 0 ? "bad" : undefined}>{count(f.abandoned_after_error)}</td>
              <td>{duration(f.p50_ms)}</td>
              <td>{duration(f.p95_ms)}</td>
              <td>{count(f.timed)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function Latency({ c }: { c: Candidate }) {
  const palette = usePalette();
  const option = useMemo(() => latencyOption(c, palette), [c, palette]);
  const timed = c.funnel.some((f) => f.timed > 0);
  return (
    <figure data-testid="candidate-latency" data-timed={timed ? "true" : "false"}>
      <figcaption>Time per step, p50 and p95</figcaption>
      {timed ? (
        <EChart option={option} height={56 + 26 * c.funnel.length} label={`p50 and p95 per step of ${c.name}`} />
      ) : (
        <p class="muted">The source has no durations (Common Log Format without a request time, say).</p>
      )}
    </figure>
  );
}

function Examples({ c }: { c: Candidate }) {
  // A step the path takes twice has one entry.
  const steps = [...new Set(c.steps)];
  return (
    <section aria-labelledby="examples-title">
      <h4 id="examples-title">Example URLs</h4>
      <dl class="facts examples" data-testid="candidate-examples">
        {steps.map((s) => (
          <Fragment key={s}>
            <dt>
              <code>{s}</code>
            </dt>
            <dd data-step={s}>
              {(c.examples[s] ?? []).length === 0 ? (
                <span class="muted">none kept</span>
              ) : (
                (c.examples[s] ?? []).map((u) => (
                  <code key={u} class="example">
                    {u}
                  </code>
                ))
              )}
            </dd>
          </Fragment>
        ))}
      </dl>
    </section>
  );
}

function Objective({ o, what }: { o: ObjectiveFit; what: string }) {
  return (
    <>
      {percent(o.observed)} {what} ({count(o.good)} of {count(o.total)}); proposed target {percent(o.target)}, at
      which the data spent <span class={o.budget_spent > 1 ? "bad" : undefined}>{percent(o.budget_spent, 1)}</span> of
      the error budget
    </>
  );
}

function ProposalFacts({ p }: { p: Proposal }) {
  return (
    <section aria-labelledby="proposal-title">
      <h4 id="proposal-title">Proposed SLI</h4>
      <dl class="facts proposal" data-testid="candidate-proposal">
        <dt>Key step</dt>
        <dd data-field="key-step">
          <code>{p.key_step}</code>
        </dd>
        <dt>SLI</dt>
        <dd data-field="sli">{p.sli === "availability" ? "availability" : "availability and latency"}</dd>
        <dt>Availability</dt>
        <dd data-field="availability">
          <Objective o={p.availability} what="answered without a 5xx" />
        </dd>
        <dt>Latency</dt>
        <dd data-field="latency">
          {p.latency ? (
            <>
              threshold {duration(p.latency.threshold_ms)} (p50 {duration(p.latency.p50_ms)}, p95{" "}
              {duration(p.latency.p95_ms)}, p99 {duration(p.latency.p99_ms)});{" "}
              <Objective o={p.latency.objective} what="under it" />
            </>
          ) : (
            <span class="muted">no durations for this step in the data: availability only</span>
          )}
        </dd>
      </dl>
    </section>
  );
}
