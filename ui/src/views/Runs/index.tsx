import { useMemo } from "preact/hooks";

import { EChart, usePalette } from "../../components/EChart";
import { SpanWaterfall } from "../../components/SpanWaterfall";
import { EmptyState, ErrorState, Loading } from "../../components/States";
import { useCommand } from "../../data/useCommand";
import { bytes, count, duration, moment } from "../../format";
import type { RunDetail } from "../../ipc";
import { href } from "../../router";
import { waterfallOption } from "./waterfall";

/** One run: the step waterfall, the screenshot, console, network and spans. */
export function Runs({ runId }: { runId: string }) {
  const run = useCommand("run_detail", { run_id: runId });
  return (
    <section class="view view-run" aria-labelledby="run-title">
      {run.state === "loading" && <Loading what="the run" />}
      {run.state === "error" && (
        <>
          <header class="view-header">
            <h2 id="run-title">Run</h2>
          </header>
          <ErrorState title="The run could not be opened" error={run.error} onRetry={run.reload} />
        </>
      )}
      {run.state === "ready" && <RunBody d={run.data} />}
    </section>
  );
}

function RunBody({ d }: { d: RunDetail }) {
  const palette = usePalette();
  const r = d.run;
  const waterfall = useMemo(
    () =>
      waterfallOption(
        d.steps.map((s) => ({
          label: `${s.index + 1}. ${s.name}`,
          offsetMs: s.offset_ms,
          durationMs: s.duration_ms,
          failed: s.index === d.failed_step,
        })),
        palette,
      ),
    [d, palette],
  );
  return (
    <>
      <header class="view-header">
        <h2 id="run-title">
          <a href={href({ view: "journeys", journey: r.journey })}>{r.journey}</a> ·{" "}
          <span class={`outcome-${r.outcome}`} data-testid="run-outcome">
            {r.outcome}
          </span>
        </h2>
        <span class="muted">
          {moment(r.started_at_ms)} · {r.region} · {duration(r.duration_ms)} · attempt {r.attempt}
          {r.is_final ? "" : " (retried)"}
        </span>
      </header>
      {r.error_message && (
        <p class="problem" role="alert">
          {r.error_class}: {r.error_message}
        </p>
      )}

      <section aria-labelledby="waterfall-title">
        <h3 id="waterfall-title">Steps</h3>
        {d.steps.length === 0 ? (
          <p class="muted">The run ended before its first step.</p>
        ) : (
          <>
            <EChart option={waterfall} height={Math.max(80, 28 * d.steps.length + 32)} label="Step waterfall" />
            <table class="step-table" data-testid="step-table">
              <thead>
                <tr>
                  <th scope="col">#</th>
                  <th scope="col">Step</th>
                  <th scope="col">Starts</th>
                  <th scope="col">Takes</th>
                  <th scope="col">Outcome</th>
                </tr>
              </thead>
              <tbody>
                {d.steps.map((s) => (
                  <tr key={s.index} class={s.index === d.failed_step ? "failed" : ""} data-step={s.index}>
                    <td>{s.index + 1}</td>
                    <th scope="row">
                      {s.name} <span class="muted">{s.kind}</span>
                      {s.error_message && <div class="problem">{s.error_class}: {s.error_message}</div>}
                    </th>
                    <td>+{duration(s.offset_ms)}</td>
                    <td>{duration(s.duration_ms)}</td>
                    <td class={`outcome-${s.outcome}`}>
                      {s.index === d.failed_step ? `${s.outcome} ← failed here` : s.outcome}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </>
        )}
      </section>

      <div class="run-columns">
        <section aria-labelledby="shot-title">
          <h3 id="shot-title">Screenshot</h3>
          {d.screenshot ? (
            <figure>
              <img
                src={d.screenshot.data_url}
                alt={`The page at step ${(d.screenshot.step_index ?? 0) + 1}`}
                class="screenshot"
              />
              <figcaption class="muted">
                At step {(d.screenshot.step_index ?? 0) + 1} · {bytes(d.screenshot.size_bytes)}
              </figcaption>
            </figure>
          ) : (
            <p class="muted">
              No screenshot: Sightline keeps one when a step fails
              {r.outcome === "pass" ? ", and this run passed." : "."}
            </p>
          )}
        </section>
        <section aria-labelledby="console-title">
          <h3 id="console-title">Console errors</h3>
          {d.console_errors.length === 0 ? (
            <p class="muted">The page reported no console errors.</p>
          ) : (
            <ul class="console">
              {d.console_errors.map((c, i) => (
                <li key={i}>
                  <code>{c}</code>
                </li>
              ))}
            </ul>
          )}
          {d.vitals.length > 0 && (
            <>
              <h4>Page timings</h4>
              <ul class="vitals">
                {d.vitals.map((v, i) => (
                  <li key={i}>
                    <code>{v.url}</code>: TTFB {duration(v.ttfb_ms)}, FCP {duration(v.fcp_ms)}, LCP{" "}
                    {duration(v.lcp_ms)}
                  </li>
                ))}
              </ul>
            </>
          )}
        </section>
      </div>

      <section aria-labelledby="network-title">
        <h3 id="network-title">Network</h3>
        <NetworkTable d={d} />
      </section>

      <section aria-labelledby="spans-title">
        <h3 id="spans-title">Backend spans</h3>
        {d.spans.length === 0 ? (
          <EmptyState title="No backend spans for this run">
            <p>
              No spans have been received for its trace id <code>{d.trace_id ?? "–"}</code>. Every
              request of the run carried it in a W3C <code>traceparent</code> header: services that
              export OTLP to Sightline (<code>sightline serve</code>, or the demo's receiver) show up
              here.
            </p>
          </EmptyState>
        ) : (
          <SpanWaterfall spans={d.spans} />
        )}
      </section>
    </>
  );
}

function NetworkTable({ d }: { d: RunDetail }) {
  const n = d.network;
  if (!n.available) {
    return (
      <p class="muted" data-testid="network-empty">
        No network capture for this run: HAR recording is not built into the replayer yet. Runs that
        carry a <code>har</code> artifact (HAR 1.2) show every request here.
      </p>
    );
  }
  if (n.problem) return <p class="problem">The HAR file could not be read: {n.problem}</p>;
  return (
    <>
      {n.total > n.entries.length && (
        <p class="muted">
          Showing the first {count(n.entries.length)} of {count(n.total)} requests.
        </p>
      )}
      <table class="network" data-testid="network-table">
        <thead>
          <tr>
            <th scope="col">Starts</th>
            <th scope="col">Method</th>
            <th scope="col">URL</th>
            <th scope="col">Status</th>
            <th scope="col">Type</th>
            <th scope="col">Size</th>
            <th scope="col">Time</th>
          </tr>
        </thead>
        <tbody>
          {n.entries.map((e, i) => (
            <tr key={i} class={e.status >= 400 || e.status === 0 ? "failed" : ""}>
              <td>+{duration(e.offset_ms)}</td>
              <td>{e.method}</td>
              <td class="url">
                <code>{e.url}</code>
              </td>
              <td>{e.status === 0 ? "no answer" : e.status}</td>
              <td>{e.mime_type ?? "–"}</td>
              <td>{bytes(e.size_bytes)}</td>
              <td>{duration(e.time_ms)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
