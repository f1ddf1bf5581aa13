import { useRef } from "preact/hooks";

import { duration, percent, timeOfDay } from "../../format";
import type { JourneyList } from "../../ipc";
import { navigate } from "../../router";
import { Sparkline } from "./Sparkline";

/**
 * The journey list: last result per region, success rate and p95 over the
 * last 24 hours. Arrow keys move between rows, Enter opens one.
 */
export function JourneyTable({ list, selected }: { list: JourneyList; selected: string | null }) {
  const body = useRef<HTMLTableSectionElement>(null);
  const onKeyDown = (e: KeyboardEvent) => {
    const rows = Array.from(body.current?.querySelectorAll<HTMLTableRowElement>("tr") ?? []);
    const at = rows.indexOf(document.activeElement as HTMLTableRowElement);
    const go = (i: number) => rows[Math.max(0, Math.min(rows.length - 1, i))]?.focus();
    if (e.key === "ArrowDown") go(at + 1);
    else if (e.key === "ArrowUp") go(at - 1);
    else return;
    e.preventDefault();
  };
  return (
    <table class="journeys" aria-label="Journeys">
      <thead>
        <tr>
          <th scope="col">Journey</th>
          <th scope="col">Last result by region</th>
          <th scope="col">Success (24 h)</th>
          <th scope="col">p95 (24 h)</th>
          <th scope="col">
            <span class="sr-only">p95 per hour</span>
          </th>
        </tr>
      </thead>
      <tbody ref={body} onKeyDown={onKeyDown}>
        {list.journeys.map((j) => {
          const open = () => j.file && !j.problem && navigate({ view: "journeys", journey: j.name });
          return (
            <tr
              key={j.file ?? j.name}
              tabIndex={0}
              data-journey={j.name}
              aria-selected={selected === j.name}
              class={selected === j.name ? "selected" : ""}
              onClick={open}
              onKeyDown={(e) => {
                if (e.key === "Enter") open();
              }}
            >
              <th scope="row">
                <span class="journey-name">{j.name}</span>
                {j.problem ? (
                  <span class="problem">{j.problem}</span>
                ) : (
                  <span class="muted">
                    {j.steps} steps{j.tags.length > 0 ? ` · ${j.tags.join(", ")}` : ""}
                  </span>
                )}
              </th>
              <td>
                {j.last_by_region.length === 0 ? (
                  <span class="muted">no runs yet</span>
                ) : (
                  <ul class="region-results">
                    {j.last_by_region.map((r) => (
                      <li key={r.region} title={`${r.outcome} at ${timeOfDay(r.started_at_ms)}, ${duration(r.duration_ms)}`}>
                        <span class={`dot dot-${r.outcome}`} aria-hidden="true" />
                        {r.region} <span class="sr-only">{r.outcome}</span>
                      </li>
                    ))}
                  </ul>
                )}
              </td>
              <td data-metric="success" data-value={j.success_rate ?? ""}>
                {percent(j.success_rate)}
                {j.valid > 0 && <span class="muted"> of {j.valid}</span>}
              </td>
              <td data-metric="p95" data-value={j.p95_ms ?? ""}>
                {duration(j.p95_ms)}
              </td>
              <td class="spark">
                {j.valid > 0 && (
                  <Sparkline
                    values={j.p95_sparkline}
                    atMs={list.at_ms}
                    windowMs={list.window_ms}
                    deploys={list.deploys}
                    label={`p95 per hour of ${j.name}`}
                  />
                )}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
