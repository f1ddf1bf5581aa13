import { useEffect } from "preact/hooks";

import { EmptyState, ErrorState, Loading } from "../../components/States";
import { markReady } from "../../data/ready";
import { useCommand } from "../../data/useCommand";
import { JourneyPane } from "./JourneyPane";
import { JourneyTable } from "./JourneyTable";

/** The journey list, and the selected journey's steps, replay and runs. */
export function Journeys({ selected, recorderAvailable }: { selected: string | null; recorderAvailable: boolean }) {
  const list = useCommand("journeys", { at_ms: null }, { refreshOn: ["runs", "project", "events"] });
  useEffect(() => {
    if (list.state !== "loading") markReady("journeys");
  }, [list.state]);
  return (
    <section class="view view-journeys" aria-labelledby="journeys-title">
      <header class="view-header">
        <h2 id="journeys-title">Journeys</h2>
      </header>
      {list.state === "loading" && <Loading what="journeys" />}
      {list.state === "error" && (
        <ErrorState title="The journeys could not be listed" error={list.error} onRetry={list.reload} />
      )}
      {list.state === "ready" &&
        (list.data.journeys.length === 0 ? (
          <EmptyState title="No journeys yet">
            <p>
              Put journey files in <code>{list.data.journeys_dir}/</code> (see docs/journey-format.md), or
              import a Chrome DevTools Recorder recording with{" "}
              <code>sightline journey import recording.json --out {list.data.journeys_dir}/x.yaml</code>.
            </p>
          </EmptyState>
        ) : (
          <JourneyTable list={list.data} selected={selected} />
        ))}
      {selected && <JourneyPane name={selected} recorderAvailable={recorderAvailable} />}
    </section>
  );
}
