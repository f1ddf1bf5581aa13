// What a person does about an incident: acknowledge it, resolve it, note on
// its timeline, and write the postmortem draft. Each answer replaces the
// incident shown; a failure is said next to the buttons and keeps what was
// typed.
import { useState } from "preact/hooks";

import { call, CallError, type IncidentAction, type IncidentDetail, type IncidentPostmortem } from "../../ipc";

type Busy = "acknowledge" | "resolve" | "note" | "postmortem" | null;

function message(err: unknown): string {
  return err instanceof CallError ? `${err.message} (${err.code})` : String(err);
}

/** The actions on incident `d`; `onUpdated` gets the incident as it now stands. */
export function IncidentActions({ d, onUpdated }: { d: IncidentDetail; onUpdated: (d: IncidentDetail) => void }) {
  const id = d.incident.id;
  const state = d.incident.state;
  const [busy, setBusy] = useState<Busy>(null);
  const [error, setError] = useState<string | null>(null);
  const [note, setNote] = useState("");
  const [draft, setDraft] = useState<IncidentPostmortem | null>(null);
  const [draftError, setDraftError] = useState<string | null>(null);

  const update = async (change: IncidentAction): Promise<boolean> => {
    setBusy(change.action);
    setError(null);
    try {
      onUpdated(await call("incident_update", { id, change, by: null }));
      return true;
    } catch (err) {
      setError(message(err));
      return false;
    } finally {
      setBusy(null);
    }
  };

  const addNote = async (e: Event) => {
    e.preventDefault();
    const text = note.trim();
    if (!text) return;
    // The text stays in the box unless the note was stored.
    if (await update({ action: "note", text })) setNote("");
  };

  const writeDraft = async () => {
    setBusy("postmortem");
    setDraftError(null);
    try {
      setDraft(await call("incident_postmortem", { id, format: "md" }));
    } catch (err) {
      setDraftError(message(err));
    } finally {
      setBusy(null);
    }
  };

  return (
    <section class="incident-actions" aria-labelledby="actions-title">
      <h3 id="actions-title" class="sr-only">
        Actions
      </h3>
      <div class="action-row">
        {state === "open" && (
          <button
            type="button"
            data-testid="incident-acknowledge"
            disabled={busy !== null}
            onClick={() => void update({ action: "acknowledge" })}
          >
            {busy === "acknowledge" ? "Acknowledging…" : "Acknowledge"}
          </button>
        )}
        {state !== "resolved" && (
          <button
            type="button"
            data-testid="incident-resolve"
            disabled={busy !== null}
            onClick={() => void update({ action: "resolve" })}
          >
            {busy === "resolve" ? "Resolving…" : "Resolve"}
          </button>
        )}
        <button
          type="button"
          class="secondary"
          data-testid="incident-postmortem"
          disabled={busy !== null}
          onClick={() => void writeDraft()}
        >
          {busy === "postmortem" ? "Writing…" : "Write postmortem draft"}
        </button>
      </div>
      <form class="note-form" onSubmit={addNote}>
        <label for={`note-${id}`}>Note on the timeline</label>
        <textarea
          id={`note-${id}`}
          data-testid="incident-note"
          rows={2}
          value={note}
          placeholder="rolled back r42; watching the p95"
          onInput={(e) => setNote(e.currentTarget.value)}
        />
        <button type="submit" data-testid="incident-add-note" disabled={busy !== null || note.trim() === ""}>
          {busy === "note" ? "Adding…" : "Add note"}
        </button>
      </form>
      {error && (
        <p class="problem" role="alert" data-testid="incident-error">
          {error}
        </p>
      )}
      {draftError && (
        <p class="problem" role="alert" data-testid="postmortem-error">
          The draft could not be written: {draftError}
        </p>
      )}
      {draft && (
        <section class="postmortem-draft" aria-labelledby="postmortem-title">
          <h4 id="postmortem-title">Postmortem draft</h4>
          <p class="muted small">Written to:</p>
          <ul data-testid="postmortem-files">
            {draft.files.map((f) => (
              <li key={f}>
                <code>{f}</code>
              </li>
            ))}
          </ul>
          <pre class="postmortem" data-testid="postmortem">
            {draft.markdown}
          </pre>
        </section>
      )}
    </section>
  );
}
