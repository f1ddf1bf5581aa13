import { useEffect, useMemo, useRef, useState } from "preact/hooks";

import { EmptyState, ErrorState, Loading } from "../../components/States";
import { markReady } from "../../data/ready";
import { useCommand } from "../../data/useCommand";
import { ago, burnRate, count, moment, percent } from "../../format";
import type { AttributionView, ReportSource } from "../../ipc";
import { href } from "../../router";
import { BlamedSpan } from "./BlamedSpan";
import { OtherCauses, TopCause } from "./Causes";
import { Indicators, ReportCharts } from "./ReportCharts";

/** While the alert fires, the view asks again as runs arrive, but no more often than this. */
export const LIVE_REFRESH_MS = 15_000;

/** Where the report came from, in words. */
export const SOURCE_LABEL: Record<ReportSource, string> = {
  live: "live",
  alert: "stored with the alert",
  incident: "incident snapshot",
  on_demand: "on demand",
};

/**
 * Why one SLO burns: the engine's sentence and confidence, the top cause with
 * its change and evidence, the SLI and the burn by cause, the blamed span
 * beside a baseline, the leading indicators and the red herrings. While the
 * SLO's alert fires it follows new runs, keeping what it shows on screen.
 */
export function Attribution({ slo, incident }: { slo: string; incident: number | null }) {
  const [firing, setFiring] = useState(false);
  const view = useCommand(
    "attribution",
    { slo, incident, at_ms: null },
    { refreshOn: firing ? ["runs"] : [], minRefreshMs: LIVE_REFRESH_MS },
  );
  // A failed live refresh keeps the last report on screen, with the failure noted.
  const last = useRef<AttributionView | null>(null);
  if (view.state === "ready" && answers(view.data, slo, incident)) last.current = view.data;
  const kept = last.current !== null && answers(last.current, slo, incident) ? last.current : null;
  const data = view.state === "loading" ? null : kept;

  useEffect(() => {
    setFiring(data?.firing ?? false);
  }, [data?.firing]);
  useEffect(() => {
    if (view.state !== "loading") markReady("attribution");
  }, [view.state]);

  return (
    <section class="view view-attribution" aria-labelledby="attribution-title">
      <header class="view-header">
        <h2 id="attribution-title">Why {slo} burns</h2>
        {data && <Freshness view={data} />}
      </header>
      {data === null && view.state !== "error" && <Loading what="the attribution" />}
      {data === null && view.state === "error" && (
        <ErrorState title="The attribution could not be computed" error={view.error} onRetry={view.reload} />
      )}
      {data !== null && view.state === "error" && (
        <p class="problem small" role="alert" data-testid="attribution-refresh-error">
          Could not refresh ({view.error.code}): {view.error.message}. Showing the report from{" "}
          {moment(data.at_ms)}.
        </p>
      )}
      {data !== null && <AttributionBody view={data} />}
    </section>
  );
}

/**
 * Whether `view` answers the request for `slo` (and `incident`): right after
 * the route changes, the hook still holds the previous route's answer.
 */
function answers(view: AttributionView, slo: string, incident: number | null): boolean {
  if (view.slo !== slo) return false;
  return incident === null ? view.source !== "incident" : view.source === "incident" && view.incident === incident;
}

/**
 * An engine clock more than this behind the page's means the engine answers
 * for a fixed moment (`SIGHTLINE_AT`, a recorded incident), not for now.
 */
export const FIXED_CLOCK_SKEW_MS = 60_000;

/**
 * Where the report came from and how old it is, ticking each second: from
 * the view's moment, or, when the engine answers for a fixed moment in the
 * past, from when the answer arrived (with that moment said).
 */
function Freshness({ view }: { view: AttributionView }) {
  const now = useNow(1000);
  // The first render of an answer is when it arrived.
  const arrived = useMemo(() => Date.now(), [view]);
  const fixed = arrived - view.at_ms > FIXED_CLOCK_SKEW_MS;
  return (
    <span class="muted attribution-freshness">
      <span class={`badge badge-source-${view.source}`} data-testid="attribution-source" data-source={view.source}>
        {SOURCE_LABEL[view.source]}
      </span>{" "}
      {fixed && <span data-testid="attribution-as-of">as of {moment(view.at_ms)} ·</span>}
      <span data-testid="attribution-updated" data-at-ms={view.at_ms} title={moment(view.at_ms)}>
        updated {ago(fixed ? arrived : view.at_ms, now)}
      </span>
      {view.firing && " · follows new runs"}
    </span>
  );
}

/** Date.now(), again every `everyMs`. */
function useNow(everyMs: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return now;
}

function AttributionBody({ view }: { view: AttributionView }) {
  const r = view.report;
  const [top, ...others] = r.causes;
  return (
    <>
      <div class="attribution-summary">
        <p class="attribution-sentence" data-testid="attribution-sentence">
          {r.sentence}
        </p>
        <p class="muted small">
          {top ? (
            <>
              Confidence{" "}
              <strong data-testid="attribution-confidence" data-value={top.confidence}>
                {percent(top.confidence, 0)}
              </strong>{" "}
              ·{" "}
            </>
          ) : null}
          {count(r.bad_events)} bad of {count(r.total_events)} runs of {view.journey} from {moment(r.window.from_ms)}{" "}
          to {moment(r.window.to_ms)}
          <AlertLine view={view} />
          {view.incident !== null && (
            <>
              {" "}
              ·{" "}
              <a href={href({ view: "incidents", id: view.incident, event: null })} data-testid="attribution-incident">
                incident #{view.incident}
              </a>
            </>
          )}
        </p>
      </div>
      {view.problems.length > 0 && (
        <ul class="problems" data-testid="attribution-problems">
          {view.problems.map((p) => (
            <li key={p} class="problem small">
              {p}
            </li>
          ))}
        </ul>
      )}
      {view.chart ? (
        <ReportCharts chart={view.chart} slo={view.slo} />
      ) : (
        <p class="muted" data-testid="no-chart">
          No charts: {view.problems.join("; ") || "there are no runs to chart."}
        </p>
      )}
      {view.blamed ? (
        <BlamedSpan blamed={view.blamed} />
      ) : (
        top && <p class="muted">No trace of the top cause is stored, so there is no blamed span to show.</p>
      )}
      {top ? (
        <TopCause cause={top} view={view} />
      ) : (
        <EmptyState title="No cause found">
          <p>The engine found no slice of the runs that explains the bad ones; the charts above show the burn as it is.</p>
        </EmptyState>
      )}
      <OtherCauses causes={others} view={view} />
      <section aria-labelledby="indicators-title">
        <h3 id="indicators-title">Leading indicators</h3>
        <Indicators series={view.indicators} indicators={r.leading_indicators} chart={view.chart} />
      </section>
      <section aria-labelledby="herrings-title">
        <h3 id="herrings-title">Ruled out</h3>
        {r.red_herrings.length === 0 ? (
          <p class="muted">Nothing else moved enough to rule out.</p>
        ) : (
          <ul class="red-herrings" data-testid="red-herrings">
            {r.red_herrings.map((h, i) => (
              <li key={i}>
                <code>{h.series}</code>
                {h.service || h.region ? (
                  <span class="muted"> · {[h.service, h.region].filter(Boolean).join(" in ")}</span>
                ) : null}
                <div>{h.why}</div>
              </li>
            ))}
          </ul>
        )}
      </section>
      <p class="muted small">
        Method: {r.method} · report v{r.version} at {moment(r.at_ms)}
      </p>
    </>
  );
}

function AlertLine({ view }: { view: AttributionView }) {
  const a = view.alert;
  if (!a) return null;
  return (
    <>
      {" "}
      · <span class={`badge badge-${a.severity}`}>{a.severity}</span> fired {moment(a.firing_at_ms)}
      {a.burn_rate !== null ? ` at ${burnRate(a.burn_rate)}` : ""}
      {a.regions.length > 0 ? ` in ${a.regions.join(", ")}` : ""}
      {a.resolved_at_ms !== null ? `, resolved ${moment(a.resolved_at_ms)}` : view.firing ? ", still firing" : ""}
    </>
  );
}
