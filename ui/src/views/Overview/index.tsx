import { useEffect, useMemo } from "preact/hooks";

import { EChart, usePalette } from "../../components/EChart";
import { EmptyState, ErrorState, Loading } from "../../components/States";
import { alertQuestions, openAsk } from "../../data/ask";
import { markReady } from "../../data/ready";
import { useCommand } from "../../data/useCommand";
import { burnRate, count, exhaustion, moment, percent, timeOfDay } from "../../format";
import type { DeployMarker, FiringAlert, Overview as OverviewData, SloOverview } from "../../ipc";
import { href } from "../../router";
import { burnDownOption, burnRateOption, deployLabel, SLO_CHART_GROUP } from "./charts";
import { PolicyHolds } from "./PolicyHolds";

/** The SLO's burn rate over `window` (`1h`, `6h`, `3d`), as the engine computed it. */
function burn(slo: SloOverview, window: string): number | null {
  return slo.status.burn_rates.find((b) => b.window === window)?.rate ?? null;
}

/**
 * Every SLO with its live compliance, budget and burn-down, burn rates over
 * 1 h, 6 h and 3 d with alert state, a region breakdown and deploy markers;
 * firing alerts first, in a banner nobody can miss.
 */
export function Overview() {
  const overview = useCommand("overview", { at_ms: null }, { refreshOn: ["runs", "events", "slos", "project"] });

  useEffect(() => {
    if (overview.state !== "loading") markReady("overview");
  }, [overview.state]);

  return (
    <section class="view view-overview" aria-labelledby="overview-title">
      <header class="view-header">
        <h2 id="overview-title">Overview</h2>
        {overview.state === "ready" && (
          <span class="muted" data-testid="overview-at" data-at-ms={overview.data.at_ms}>
            as of {timeOfDay(overview.data.at_ms)} · updates live
          </span>
        )}
      </header>
      {overview.state === "loading" && <Loading what="SLOs" />}
      {overview.state === "error" && (
        <ErrorState title="The SLOs could not be computed" error={overview.error} onRetry={overview.reload} />
      )}
      {overview.state === "ready" && <OverviewBody data={overview.data} onChanged={overview.reload} />}
    </section>
  );
}

function OverviewBody({ data, onChanged }: { data: OverviewData; onChanged: () => void }) {
  if (!data.slos_dir_exists || data.slos.length === 0) {
    return (
      <EmptyState title="No SLOs yet">
        <p>
          {data.slos_dir_exists
            ? `The folder ${data.slos_dir}/ holds no SLO definitions.`
            : `This project has no ${data.slos_dir}/ folder.`}{" "}
          Define one in the <a href={href({ view: "slos", slo: "new" })}>SLO editor</a>, or write{" "}
          <code>{data.slos_dir}/NAME.yaml</code> by hand (see docs/slo.md).
        </p>
      </EmptyState>
    );
  }
  const noRuns = data.slos.every((s) => s.status.valid === 0);
  return (
    <>
      {data.firing.length > 0 && <FiringBanner firing={data.firing} />}
      {noRuns && (
        <EmptyState title="No runs in the SLO windows yet">
          <p>
            Replay a journey from <a href={href({ view: "journeys", journey: null })}>Journeys</a>,
            or start the runner with <code>sightline run</code>; numbers appear here as runs arrive.
          </p>
        </EmptyState>
      )}
      <div class="slo-grid">
        {data.slos.map((slo) => (
          <SloCard
            key={slo.status.name}
            slo={slo}
            atMs={data.at_ms}
            deploys={data.deploys}
            onChanged={onChanged}
          />
        ))}
      </div>
      {data.deploys.length > 0 && (
        <details class="deploys">
          <summary>{count(data.deploys.length)} deploys marked on the charts</summary>
          <ul>
            {data.deploys.map((d) => (
              <li key={`${d.at_ms}-${d.release_id}-${d.service}`}>{deployLabel(d)}</li>
            ))}
          </ul>
        </details>
      )}
    </>
  );
}

function FiringBanner({ firing }: { firing: readonly FiringAlert[] }) {
  // One set of questions per SLO, even when several of its windows fire.
  const slos = [...new Set(firing.map((f) => f.slo))];
  return (
    <section class="firing" role="alert" aria-labelledby="firing-title" data-testid="firing">
      <h3 id="firing-title">
        {firing.length === 1 ? "1 alert firing" : `${firing.length} alerts firing`}
      </h3>
      <ul>
        {firing.map((f) => (
          <li key={`${f.slo}-${f.long_window}`} data-slo={f.slo}>
            <span class={`badge badge-${f.severity}`}>{f.severity}</span>{" "}
            <strong>{f.slo}</strong>: burning {burnRate(f.long_burn_rate)} the budget over{" "}
            {f.long_window} (threshold {burnRate(f.threshold)}, short window {f.short_window})
            {f.since_ms !== null && <> since {moment(f.since_ms)}</>}{" "}
            <a
              class="why-link"
              href={href({ view: "attribution", slo: f.slo, incident: null })}
              data-testid="open-attribution"
              data-slo={f.slo}
            >
              Why?
            </a>
          </li>
        ))}
      </ul>
      <div class="firing-questions" data-testid="firing-questions">
        <span class="muted">Ask:</span>
        {slos.flatMap((slo) => alertQuestions(slo)).filter((q, i, all) => all.indexOf(q) === i).map((q) => (
          <button key={q} type="button" class="ask-chip" aria-haspopup="dialog" onClick={() => openAsk(q)}>
            {q}
          </button>
        ))}
      </div>
    </section>
  );
}

function Metric({
  label,
  metric,
  value,
  text,
  tone,
}: {
  label: string;
  metric: string;
  value: number | null;
  text: string;
  tone?: "bad" | "good" | undefined;
}) {
  return (
    <div class={`metric${tone ? ` metric-${tone}` : ""}`}>
      <dt>{label}</dt>
      <dd data-metric={metric} data-value={value ?? ""}>
        {text}
      </dd>
    </div>
  );
}

function SloCard({
  slo,
  atMs,
  deploys,
  onChanged,
}: {
  slo: SloOverview;
  atMs: number;
  deploys: readonly DeployMarker[];
  onChanged: () => void;
}) {
  const s = slo.status;
  const palette = usePalette();
  const burnDown = useMemo(
    () => burnDownOption(slo.burn_down, deploys, palette),
    [slo.burn_down, deploys, palette],
  );
  const burns = useMemo(
    () => burnRateOption(slo.burn_rates, s.alerts, deploys, palette),
    [slo.burn_rates, s.alerts, deploys, palette],
  );
  const remaining = s.budget.remaining_fraction;
  const what = s.step ? `${s.journey} › ${s.step}` : s.journey;
  const kind =
    s.sli_kind === "availability"
      ? "availability"
      : `${s.sli_kind === "latency" ? "latency" : "success within"} ≤ ${s.threshold_ms} ms`;
  return (
    <article
      class={`slo-card alert-${s.alert_state}`}
      data-testid="slo-card"
      data-slo={s.name}
      aria-labelledby={`slo-${s.name}`}
    >
      <header>
        <h3 id={`slo-${s.name}`}>
          <a href={href({ view: "slos", slo: s.name })}>{s.name}</a>
        </h3>
        <span class={`badge badge-alert-${s.alert_state}`} data-metric="alert" data-value={s.alert_state}>
          {s.alert_state}
        </span>
      </header>
      <p class="muted slo-what">
        {slo.description ? `${slo.description} · ` : ""}
        {what} · {kind} · target {percent(s.target)}
      </p>
      <dl class="metrics">
        <Metric
          label="Compliance"
          metric="sli"
          value={s.sli}
          text={percent(s.sli)}
          tone={s.compliance === null ? undefined : s.compliance ? "good" : "bad"}
        />
        <Metric
          label="Budget left"
          metric="budget"
          value={remaining}
          text={percent(remaining)}
          tone={remaining !== null && remaining <= 0 ? "bad" : undefined}
        />
        <Metric label="Burn 1h" metric="burn-1h" value={burn(slo, "1h")} text={burnRate(burn(slo, "1h"))} />
        <Metric label="Burn 6h" metric="burn-6h" value={burn(slo, "6h")} text={burnRate(burn(slo, "6h"))} />
        <Metric label="Burn 3d" metric="burn-3d" value={burn(slo, "3d")} text={burnRate(burn(slo, "3d"))} />
      </dl>
      {slo.policy.length > 0 && <PolicyHolds holds={slo.policy} onApproved={onChanged} />}
      <p class="muted slo-counts">
        {count(s.bad)} bad of {count(s.valid)} valid runs ·{" "}
        <span data-metric="exhaustion">
          {exhaustion(s.exhaustion_at_ms, atMs, remaining)}
        </span>
      </p>
      <div class="slo-charts">
        <figure>
          <figcaption>Error budget left over the window</figcaption>
          <EChart option={burnDown} height={140} group={SLO_CHART_GROUP} label={`Budget burn-down of ${s.name}`} />
        </figure>
        <figure>
          <figcaption>Burn rate, last 3 days</figcaption>
          <EChart option={burns} height={140} group={SLO_CHART_GROUP} label={`Burn rates of ${s.name}`} />
        </figure>
      </div>
      {s.by_region.length > 0 && (
        <table class="regions">
          <caption>By region</caption>
          <thead>
            <tr>
              <th scope="col">Region</th>
              <th scope="col">SLI</th>
              <th scope="col">Bad / valid</th>
            </tr>
          </thead>
          <tbody>
            {s.by_region.map((r) => (
              <tr key={r.region} data-region={r.region}>
                <th scope="row">{r.region}</th>
                <td data-metric="region-sli" data-value={r.sli ?? ""} class={r.sli !== null && r.sli < s.target ? "bad" : ""}>
                  {percent(r.sli)}
                </td>
                <td>
                  {count(r.valid - r.good)} / {count(r.valid)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </article>
  );
}
