import { useState } from "preact/hooks";

import { clearReplay, startReplay, useReplay } from "../../data/replays";
import { duration } from "../../format";
import type { JourneyDetail } from "../../ipc";
import { href } from "../../router";

/**
 * Replay now, headless or headed, from the journey's own base URL or a
 * project region, with each step appearing as it runs; and Record, which
 * opens the Record panel on a new version of this journey.
 */
export function ReplayPanel({ journey, onRecord }: { journey: JourneyDetail; onRecord: () => void }) {
  const replay = useReplay();
  const [region, setRegion] = useState<string>("");
  const [headed, setHeaded] = useState(false);
  const mine =
    (replay.phase === "running" || replay.phase === "finished") && replay.started.journey === journey.name
      ? replay
      : replay.phase === "failed" && replay.request.journey === journey.name
        ? replay
        : replay.phase === "starting" && replay.request.journey === journey.name
          ? replay
          : null;
  const busy = replay.phase === "starting" || replay.phase === "running";

  return (
    <section class="replay" aria-labelledby="replay-title">
      <h3 id="replay-title">Replay</h3>
      <form
        class="replay-form"
        onSubmit={(e) => {
          e.preventDefault();
          void startReplay({ journey: journey.name, region: region || null, headed });
        }}
      >
        <label>
          From
          <select value={region} onChange={(e) => setRegion((e.currentTarget as HTMLSelectElement).value)}>
            <option value="">its own base URL ({journey.base_url ?? "none"})</option>
            {journey.regions.map((r) => (
              <option key={r.region} value={r.region}>
                {r.region} ({r.base_url ?? "journey's base URL"})
              </option>
            ))}
          </select>
        </label>
        <label class="check">
          <input
            type="checkbox"
            checked={headed}
            onChange={(e) => setHeaded((e.currentTarget as HTMLInputElement).checked)}
          />
          Show the browser window
        </label>
        <button type="submit" disabled={busy} data-testid="replay-now">
          {busy ? "Replaying…" : "Replay now"}
        </button>
        <button
          type="button"
          data-testid="record-open"
          title="Record a new version of this journey in Chromium"
          onClick={onRecord}
        >
          Record
        </button>
      </form>
      {journey.project_problem && <p class="problem">{journey.project_problem}</p>}
      {mine && <LiveSteps state={mine} />}
    </section>
  );
}

function LiveSteps({ state }: { state: ReturnType<typeof useReplay> }) {
  if (state.phase === "idle") return null;
  if (state.phase === "starting") {
    return (
      <p role="status" class="muted">
        Starting Chromium…
      </p>
    );
  }
  const steps = state.steps;
  return (
    <div class="live-steps" data-testid="live-steps" data-phase={state.phase}>
      <ol aria-live="polite">
        {steps.map((s) => (
          <li key={s.index} class={`live-step step-${s.status}`} data-status={s.status}>
            <span class={`dot dot-${s.status}`} aria-hidden="true" />
            <span class="step-name">{s.name}</span>
            <span class="muted">{s.kind}</span>
            <span class="step-time">
              {s.result ? duration(s.result.duration_ms) : s.status === "running" ? "running…" : ""}
            </span>
            {s.result?.error_message && <span class="problem">{s.result.error_message}</span>}
          </li>
        ))}
      </ol>
      {state.phase === "finished" && (
        <p role="status" data-testid="replay-result">
          Finished: <strong class={`outcome-${state.run.outcome}`}>{state.run.outcome}</strong> in{" "}
          {duration(state.run.duration_ms)} from {state.run.region}.{" "}
          <a href={href({ view: "runs", runId: state.run.id })}>Open the run</a> ·{" "}
          <button type="button" class="link" onClick={clearReplay}>
            Dismiss
          </button>
        </p>
      )}
      {state.phase === "failed" && (
        <p role="alert" class="problem">
          The replay could not run: {state.message}{" "}
          <button type="button" class="link" onClick={clearReplay}>
            Dismiss
          </button>
        </p>
      )}
    </div>
  );
}
