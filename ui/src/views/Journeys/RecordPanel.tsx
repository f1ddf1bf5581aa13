import { useEffect, useRef, useState } from "preact/hooks";

import { recorderWhy, RecordStatus } from "../../components/RecordStatus";
import { clearRecording, startRecording, useRecording } from "../../data/recordings";
import type { JourneyDetail, RecordRequest } from "../../ipc";

/** What the Record form holds; the name is the file's stem when left empty. */
export interface RecordDraft {
  url: string;
  file: string;
  name: string;
  replace: boolean;
}

/** A journey not in the project yet. */
export function newJourneyDraft(): RecordDraft {
  return { url: "", file: "journeys/new-journey.yaml", name: "new-journey", replace: false };
}

/** A new version of `j`, into its own file and under its own name. */
export function journeyDraft(j: JourneyDetail): RecordDraft {
  return { url: j.base_url ?? "", file: j.file, name: j.name, replace: true };
}

function draftOf(r: RecordRequest): RecordDraft {
  return { url: r.url, file: r.file, name: r.name ?? "", replace: r.replace };
}

function requestOf(d: RecordDraft): RecordRequest {
  const name = d.name.trim();
  // Always headed: the person records in the window.
  return { url: d.url.trim(), file: d.file.trim(), name: name === "" ? null : name, replace: d.replace, headed: true };
}

/** What the form can tell before asking the engine (which checks the rest and names the field). */
function problemOf(d: RecordDraft): string | null {
  if (d.url.trim() === "") return "url: give the page the browser opens first, e.g. http://localhost:8080/";
  if (d.file.trim() === "") return "file: give the journey file to write, e.g. journeys/checkout.yaml";
  return null;
}

/** The field a refusal names (`file: …`), to mark it. */
function fieldOf(message: string | null): string | null {
  return message?.match(/^(url|file|name):/)?.[1] ?? null;
}

/**
 * Record: a form for where the browser opens and which journey file it
 * writes, then the recording's live status. There is one recording at a
 * time, wherever it was started, so while one is under way this shows it
 * instead of the form; a refused or failed one puts its request back in
 * the form to fix and try again.
 */
export function RecordPanel({
  draft,
  recorderAvailable,
  recorderProblem,
  onClose,
}: {
  draft: RecordDraft | null;
  recorderAvailable: boolean;
  recorderProblem: string | null;
  onClose: () => void;
}) {
  const rec = useRecording();
  if (rec.phase === "idle" && draft === null) return null;
  const initial = rec.phase === "failed" ? draftOf(rec.request) : draft;
  const showForm = (rec.phase === "idle" || rec.phase === "failed") && initial !== null;
  const close = () => {
    clearRecording();
    onClose();
  };

  return (
    <section class="record-panel" aria-labelledby="record-title" data-testid="record-panel">
      <header class="record-head">
        <h3 id="record-title">Record a journey</h3>
        {showForm && (
          <button type="button" class="link" onClick={close}>
            Close
          </button>
        )}
      </header>
      <RecordStatus state={rec} onDismissed={onClose} />
      {showForm && (
        <RecordForm
          initial={initial}
          refusal={rec.phase === "failed" ? rec.message : null}
          recorderAvailable={recorderAvailable}
          recorderProblem={recorderProblem}
        />
      )}
    </section>
  );
}

function RecordForm({
  initial,
  refusal,
  recorderAvailable,
  recorderProblem,
}: {
  initial: RecordDraft;
  refusal: string | null;
  recorderAvailable: boolean;
  recorderProblem: string | null;
}) {
  const [d, setD] = useState(initial);
  const [problem, setProblem] = useState<string | null>(null);
  const url = useRef<HTMLInputElement>(null);
  // Opened from a button that may sit far below (the journey pane): bring the form into view.
  useEffect(() => url.current?.focus(), []);
  const bad = fieldOf(problem ?? refusal);
  const text = (key: "url" | "file" | "name") => ({
    value: d[key],
    "aria-invalid": bad === key || undefined,
    onInput: (e: Event) => {
      const value = (e.currentTarget as HTMLInputElement).value;
      setD((old) => ({ ...old, [key]: value }));
    },
  });

  return (
    <form
      class="record-form"
      onSubmit={(e) => {
        e.preventDefault();
        const p = problemOf(d);
        setProblem(p);
        if (p === null) void startRecording(requestOf(d));
      }}
    >
      <label class="wide">
        Start URL
        <input ref={url} data-testid="record-url" inputMode="url" placeholder="https://shop.example.com/" {...text("url")} />
      </label>
      <label>
        File, in the project
        <input data-testid="record-file" placeholder="journeys/checkout.yaml" {...text("file")} />
      </label>
      <label>
        Name
        <input data-testid="record-name" placeholder="the file's name" {...text("name")} />
      </label>
      <label class="check">
        <input
          type="checkbox"
          data-testid="record-replace"
          checked={d.replace}
          onChange={(e) => {
            const replace = (e.currentTarget as HTMLInputElement).checked;
            setD((old) => ({ ...old, replace }));
          }}
        />
        Replace the existing file
      </label>
      <button
        type="submit"
        data-testid="record-start"
        disabled={!recorderAvailable}
        title={recorderAvailable ? "Open Chromium on the start URL and record what you do there" : (recorderProblem ?? undefined)}
      >
        Start recording
      </button>
      {!recorderAvailable && (
        <p class="problem small wide" data-testid="record-unavailable">
          The recorder cannot open a browser here: {recorderWhy(recorderProblem)}.
        </p>
      )}
      {problem && (
        <p class="problem small wide" role="alert">
          {problem}
        </p>
      )}
    </form>
  );
}
