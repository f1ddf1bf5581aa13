import { useEffect, useState } from "preact/hooks";

import { EmptyState, ErrorState, Loading } from "../../components/States";
import { useRecording } from "../../data/recordings";
import { markReady } from "../../data/ready";
import { useCommand } from "../../data/useCommand";
import { JourneyPane } from "./JourneyPane";
import { JourneyTable } from "./JourneyTable";
import { newJourneyDraft, RecordPanel, type RecordDraft } from "./RecordPanel";

/**
 * The journey list, and the selected journey's steps, replay and runs; and
 * the Record panel, open on what a Record button asked for or on the
 * recording under way, wherever that was started.
 */
export function Journeys({
  selected,
  recorderAvailable,
  recorderProblem,
}: {
  selected: string | null;
  recorderAvailable: boolean;
  recorderProblem: string | null;
}) {
  const list = useCommand("journeys", { at_ms: null }, { refreshOn: ["runs", "project", "events"] });
  const recording = useRecording();
  // `n` remounts the form on every press, so a second Record starts from its own prefill.
  const [draft, setDraft] = useState<{ n: number; draft: RecordDraft } | null>(null);
  const record = (d: RecordDraft) => setDraft((old) => ({ n: (old?.n ?? 0) + 1, draft: d }));
  useEffect(() => {
    if (list.state !== "loading") markReady("journeys");
  }, [list.state]);
  return (
    <section class="view view-journeys" aria-labelledby="journeys-title">
      <header class="view-header">
        <h2 id="journeys-title">Journeys</h2>
        <button type="button" data-testid="record-new" onClick={() => record(newJourneyDraft())}>
          Record a journey
        </button>
      </header>
      {(draft !== null || recording.phase !== "idle") && (
        <RecordPanel
          key={draft?.n ?? 0}
          draft={draft?.draft ?? null}
          recorderAvailable={recorderAvailable}
          recorderProblem={recorderProblem}
          onClose={() => setDraft(null)}
        />
      )}
      {list.state === "loading" && <Loading what="journeys" />}
      {list.state === "error" && (
        <ErrorState title="The journeys could not be listed" error={list.error} onRetry={list.reload} />
      )}
      {list.state === "ready" &&
        (list.data.journeys.length === 0 ? (
          <EmptyState title="No journeys yet">
            <p>
              Record one in Chromium with Record a journey, put journey files in{" "}
              <code>{list.data.journeys_dir}/</code> (see docs/journey-format.md), or import a Chrome DevTools
              Recorder recording with{" "}
              <code>sightline journey import recording.json --out {list.data.journeys_dir}/x.yaml</code>.
            </p>
          </EmptyState>
        ) : (
          <JourneyTable list={list.data} selected={selected} />
        ))}
      {selected && <JourneyPane name={selected} onRecord={record} />}
    </section>
  );
}
