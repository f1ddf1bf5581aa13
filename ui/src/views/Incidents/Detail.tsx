// One incident: what it is and where it stands, its impact, the attribution's
// sentence with a way into the Attribution view, the timeline in time order
// (each entry opening its run, its place in the timeline, or its alert's
// attribution), and the actions.
import { useEffect, useRef, useState } from "preact/hooks";

import { ErrorState, Loading } from "../../components/States";
import { markReady } from "../../data/ready";
import { useCommand } from "../../data/useCommand";
import { count, duration, moment } from "../../format";
import type { IncidentDetail, IncidentSummary, TimelineEntry } from "../../ipc";
import { href } from "../../router";
import { IncidentActions } from "./Actions";
import { StateBadge } from "./List";
import { entryTarget, inTimeOrder, kindLabel } from "./timeline";

/** Live changes refetch the incident at most this often. */
export const INCIDENT_REFRESH_MS = 5_000;

/** Incident `id`; `event` is the timeline entry to point at. */
export function IncidentPage({ id, event }: { id: number; event: string | null }) {
  const detail = useCommand(
    "incident_detail",
    { id },
    { refreshOn: ["events", "runs"], minRefreshMs: INCIDENT_REFRESH_MS },
  );
  // An update answers the incident as it now stands; it is shown until the
  // next fetch brings a newer answer.
  const [updated, setUpdated] = useState<{ over: IncidentDetail; data: IncidentDetail } | null>(null);
  const fetched = detail.state === "ready" ? detail.data : null;
  const shown = updated !== null && fetched !== null && updated.over === fetched ? updated.data : fetched;
  useEffect(() => {
    if (detail.state !== "loading") markReady("incidents");
  }, [detail.state]);
  return (
    <section class="view view-incident" aria-labelledby="incident-title">
      {shown === null && (
        <header class="view-header">
          <h2 id="incident-title">Incident #{id}</h2>
          <a href={href({ view: "incidents", id: null, event: null })}>All incidents</a>
        </header>
      )}
      {detail.state === "loading" && <Loading what={`incident #${id}`} />}
      {detail.state === "error" && (
        <ErrorState title="The incident could not be opened" error={detail.error} onRetry={detail.reload} />
      )}
      {shown !== null && fetched !== null && (
        <IncidentBody d={shown} event={event} onUpdated={(data) => setUpdated({ over: fetched, data })} />
      )}
    </section>
  );
}

/** "Opened 3 Feb, 11:40 by Sightline", "Opened … · acknowledged by ana at …". */
export function stateLine(i: IncidentSummary): string {
  const who = i.state_by ?? "Sightline";
  if (i.state === "open") return `Opened ${moment(i.opened_at_ms)} by ${who}`;
  return `Opened ${moment(i.opened_at_ms)} · ${i.state} by ${who} at ${moment(i.state_at_ms)}`;
}

function IncidentBody({
  d,
  event,
  onUpdated,
}: {
  d: IncidentDetail;
  event: string | null;
  onUpdated: (d: IncidentDetail) => void;
}) {
  const i = d.incident;
  const resolved = i.state === "resolved";
  const attribution = href({ view: "attribution", slo: i.slo, incident: d.report ? i.id : null });
  return (
    <>
      <header class="view-header incident-header">
        <h2 id="incident-title">
          <span class="muted">#{i.id}</span> {i.title}
        </h2>
        <StateBadge state={i.state} />
        <a href={href({ view: "incidents", id: null, event: null })}>All incidents</a>
      </header>
      <p class="muted" data-testid="incident-state-line">
        {stateLine(i)} · SLO {i.slo}
        {d.journey ? ` on ${d.journey}` : ""}
        {[i.service, i.region].some(Boolean) ? ` · ${[i.service, i.region].filter(Boolean).join(" in ")}` : ""}
      </p>

      <div class="incident-columns">
        <section aria-labelledby="impact-title" data-testid="incident-impact">
          <h3 id="impact-title">Impact</h3>
          <dl class="facts">
            <dt>Bad runs</dt>
            <dd data-field="bad-runs" data-value={d.bad_runs}>
              {count(d.bad_runs)} of {count(d.runs)} runs
            </dd>
            <dt>Regions</dt>
            <dd data-field="regions">{d.regions.length > 0 ? d.regions.join(", ") : "none with bad runs"}</dd>
            <dt>Started</dt>
            <dd data-field="started">{moment(d.started_ms)}</dd>
            <dt>Ended</dt>
            <dd data-field="ended">{resolved ? moment(d.ended_ms) : "not yet (ongoing)"}</dd>
            <dt>Duration</dt>
            <dd data-field="duration">
              {duration(d.ended_ms - d.started_ms)}
              {resolved ? "" : " so far"}
            </dd>
          </dl>
        </section>
        <section aria-labelledby="why-title">
          <h3 id="why-title">Why</h3>
          {d.report ? (
            <p class="attribution-sentence" data-testid="incident-sentence">
              {d.report.sentence}
            </p>
          ) : (
            <p class="muted">No attribution snapshot yet: the engine stores one when the alert fires.</p>
          )}
          <a class="button" href={attribution} data-testid="incident-open-attribution" data-slo={i.slo}>
            Open attribution
          </a>
        </section>
      </div>

      <IncidentActions d={d} onUpdated={onUpdated} />

      <section aria-labelledby="timeline-title">
        <h3 id="timeline-title">Timeline</h3>
        <Timeline d={d} event={event} />
      </section>
    </>
  );
}

function Timeline({ d, event }: { d: IncidentDetail; event: string | null }) {
  const entries = inTimeOrder(d.timeline);
  if (entries.length === 0) return <p class="muted">Nothing recorded yet.</p>;
  return (
    <ol class="timeline" data-testid="timeline">
      {entries.map((e, n) => (
        <Entry key={`${e.at_ms}-${e.kind}-${n}`} e={e} incidentId={d.incident.id} event={event} />
      ))}
    </ol>
  );
}

function Entry({ e, incidentId, event }: { e: TimelineEntry; incidentId: number; event: string | null }) {
  const to = entryTarget(e.link, incidentId);
  const highlighted = event !== null && to?.kind === "event" && to.eventId === event;
  const el = useRef<HTMLLIElement>(null);
  useEffect(() => {
    // Bring the entry an evidence link pointed at into view.
    if (highlighted) el.current?.scrollIntoView?.({ block: "center" });
  }, [highlighted]);
  return (
    <li
      ref={el}
      class={`timeline-entry timeline-${e.kind}${highlighted ? " highlighted" : ""}`}
      data-testid="timeline-entry"
      data-kind={e.kind}
      data-at-ms={e.at_ms}
      data-link={e.link ?? undefined}
      data-highlighted={highlighted ? "true" : undefined}
      aria-current={highlighted ? "true" : undefined}
    >
      <time class="timeline-time">{moment(e.at_ms)}</time>
      <span class="badge">{kindLabel(e.kind)}</span>
      <span class="timeline-summary">
        {to ? (
          <a href={to.href} data-testid={`timeline-link-${to.kind}`}>
            {e.summary}
          </a>
        ) : (
          e.summary
        )}
        {e.by && <span class="muted"> · {e.by}</span>}
      </span>
    </li>
  );
}
