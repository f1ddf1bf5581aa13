// The one recording under way, as every place that can start one shows it
// (the Journeys view's Record panel, a Discovery accept): Chromium starting,
// the steps counted live with Stop and save, then the file written or why
// not. The `record-status` element carries the phase, the step count and the
// browser's DevTools address as data attributes for the end-to-end test.
import { clearRecording, type RecordingState, stopRecording } from "../../data/recordings";
import { href } from "../../router";

/** Why the recorder cannot open a browser, as a clause to follow a colon. */
export function recorderWhy(problem: string | null): string {
  return problem?.replace(/\.$/, "") ?? "the app did not say why";
}

const steps = (n: number) => `${n} ${n === 1 ? "step" : "steps"}`;

/** The recording's live status; nothing while idle. `onDismissed` runs after Dismiss on a saved one. */
export function RecordStatus({ state, onDismissed }: { state: RecordingState; onDismissed?: () => void }) {
  if (state.phase === "idle") return null;
  const count =
    state.phase === "recording" || state.phase === "stopping" ? state.count : state.phase === "saved" ? state.saved.steps : 0;
  const devtools = state.phase === "starting" || state.phase === "failed" ? undefined : state.started.devtools_url;
  const dismissSaved = () => {
    clearRecording();
    onDismissed?.();
  };

  return (
    <div class="record-status" data-testid="record-status" data-phase={state.phase} data-count={count} data-devtools-url={devtools}>
      {(state.phase === "starting" || state.phase === "recording" || state.phase === "stopping") && (
        // One element across the live phases, so a screen reader hears each change in place.
        <p class="record-line" role="status" aria-live="polite">
          {state.phase === "starting" && (
            <>
              Starting Chromium on <code>{state.request.url}</code>…
            </>
          )}
          {state.phase === "recording" && (
            <>
              Recording in the Chromium window: {steps(state.count)}
              {state.lastKind && ` (last: ${state.lastKind})`}
            </>
          )}
          {state.phase === "stopping" && (
            <>
              Saving <code>{state.started.file}</code>: {steps(state.count)}…
            </>
          )}
        </p>
      )}
      {(state.phase === "recording" || state.phase === "stopping") && (
        <>
          <p class="muted small">
            Use the browser window; close it or press Stop and save to write the file. A password typed there is saved
            as <code>{"{{secret.password}}"}</code>, never in clear.
          </p>
          <p class="muted small">
            Into <code>{state.started.file}</code> as {state.started.name}
            {state.started.replaces ? ", replacing the file (its description, tags and secrets are kept)" : ""}.
          </p>
          <button
            type="button"
            data-testid="record-stop"
            disabled={state.phase === "stopping"}
            onClick={() => void stopRecording()}
          >
            {state.phase === "stopping" ? "Saving…" : "Stop and save"}
          </button>
          {state.phase === "recording" && state.problem && (
            <p role="alert" class="problem small">
              Stop and save was refused: {state.problem}. Closing the browser window saves too.
            </p>
          )}
        </>
      )}
      {state.phase === "saved" && <Saved state={state} onDismiss={dismissSaved} />}
      {state.phase === "failed" && (
        <p role="alert" class="problem">
          The recording failed: {state.message}{" "}
          <button type="button" class="link" onClick={clearRecording}>
            Dismiss
          </button>
        </p>
      )}
    </div>
  );
}

function Saved({ state, onDismiss }: { state: Extract<RecordingState, { phase: "saved" }>; onDismiss: () => void }) {
  const s = state.saved;
  return (
    <>
      <p role="status" class="ok" data-testid="record-saved">
        Saved <code>{s.file}</code>: {steps(s.steps)}.{" "}
        <a href={href({ view: "journeys", journey: s.name })}>Open {s.name}</a> ·{" "}
        <button type="button" class="link" onClick={onDismiss}>
          Dismiss
        </button>
      </p>
      {s.secrets.length > 0 && (
        <p class="small" data-testid="record-secrets">
          It declares {s.secrets.length === 1 ? "the secret" : "the secrets"} {s.secrets.join(", ")}: set{" "}
          {s.secrets.length === 1 ? "its value" : "their values"} in <a href={href({ view: "settings" })}>Settings</a>{" "}
          before replaying it.
        </p>
      )}
      {s.warnings.length > 0 && (
        <ul class="record-warnings small" data-testid="record-warnings">
          {s.warnings.map((w) => (
            <li key={w}>{w}</li>
          ))}
        </ul>
      )}
    </>
  );
}
