// The incident list: unresolved ones by default, resolved ones on request,
// newest first as the engine lists them.
import { useEffect, useState } from "preact/hooks";

import { EmptyState, ErrorState, Loading } from "../../components/States";
import { markReady } from "../../data/ready";
import { useCommand } from "../../data/useCommand";
import { moment } from "../../format";
import type { IncidentSummary } from "../../ipc";
import { href } from "../../router";

/** A state as a badge: `open`, `acknowledged`, `resolved`. */
export function StateBadge({ state }: { state: string }) {
  return (
    <span class={`badge badge-state-${state}`} data-testid="incident-state" data-state={state}>
      {state}
    </span>
  );
}

/** The incident list, with a toggle for resolved ones. */
export function IncidentTable() {
  const [includeResolved, setIncludeResolved] = useState(false);
  const list = useCommand("incidents", { include_resolved: includeResolved }, { refreshOn: ["events"] });
  useEffect(() => {
    if (list.state !== "loading") markReady("incidents");
  }, [list.state]);
  return (
    <section class="view view-incidents" aria-labelledby="incidents-title">
      <header class="view-header">
        <h2 id="incidents-title">Incidents</h2>
        <label class="check">
          <input
            type="checkbox"
            data-testid="incidents-include-resolved"
            checked={includeResolved}
            onChange={(e) => setIncludeResolved(e.currentTarget.checked)}
          />{" "}
          Show resolved ones
        </label>
      </header>
      {list.state === "loading" && <Loading what="incidents" />}
      {list.state === "error" && (
        <ErrorState title="The incidents could not be listed" error={list.error} onRetry={list.reload} />
      )}
      {list.state === "ready" &&
        (list.data.incidents.length === 0 ? (
          <EmptyState title={includeResolved ? "No incidents" : "No open incidents"}>
            <p>
              An incident opens when an SLO's alert fires while <code>sightline serve</code> (or the demo)
              watches the SLOs; it gathers the alerts, changes, runs and notes until someone resolves it.
            </p>
          </EmptyState>
        ) : (
          <Rows incidents={list.data.incidents} />
        ))}
    </section>
  );
}

function Rows({ incidents }: { incidents: readonly IncidentSummary[] }) {
  return (
    <table class="incidents" data-testid="incident-table">
      <thead>
        <tr>
          <th scope="col">#</th>
          <th scope="col">Incident</th>
          <th scope="col">State</th>
          <th scope="col">SLO</th>
          <th scope="col">Where</th>
          <th scope="col">Opened</th>
        </tr>
      </thead>
      <tbody>
        {incidents.map((i) => {
          const to = href({ view: "incidents", id: i.id, event: null });
          return (
            <tr key={i.id} data-testid="incident-row" data-incident-id={i.id} data-state={i.state}>
              <td>
                <a href={to}>#{i.id}</a>
              </td>
              <th scope="row">
                <a href={to}>{i.title}</a>
              </th>
              <td>
                <StateBadge state={i.state} />
                {i.state_by && <span class="muted small"> by {i.state_by}</span>}
              </td>
              <td>{i.slo}</td>
              <td>{[i.service, i.region].filter(Boolean).join(" in ") || <span class="muted">–</span>}</td>
              <td>{moment(i.opened_at_ms)}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
