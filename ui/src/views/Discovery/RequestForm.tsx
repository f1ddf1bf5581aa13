// What to discover from: files (one a line), their format, the spans in the
// store, business weights, and whether to list rejected candidates; under
// "More options", where the skeletons start, the session gap and the JSON
// field map. The form is never cleared by a failure: the message says which
// field to fix.
import { useLayoutEffect, useState } from "preact/hooks";

import type { LogFormat } from "../../ipc";
import { DEFAULT_BASE_URL, DEFAULT_GAP_MINUTES, type Field, fieldOf, FORMATS, type FormState, hasMoreOptions, JSON_FIELDS } from "./form";

/** The fields under "More options": a message about one opens them. */
const MORE: readonly Field[] = ["base_url", "gap_minutes", "fields"];

export function RequestForm({
  form,
  onChange,
  onRun,
  onIncludeRejected,
  running,
  error,
}: {
  form: FormState;
  /** Takes an update, not a value: events can come faster than renders. */
  onChange: (update: (form: FormState) => FormState) => void;
  onRun: () => void;
  /** The toggle applies at once to the answer on screen. */
  onIncludeRejected: (include: boolean) => void;
  running: boolean;
  /** The form's own problem or the engine's refusal; it names the field. */
  error: string | null;
}) {
  const set = <K extends keyof FormState>(k: K, v: FormState[K]) => onChange((f) => ({ ...f, [k]: v }));
  const bad = fieldOf(error);
  const invalid = (f: Field) => (bad !== null && bad === f) || undefined;
  // Its hint, and the message under the form when it is about it.
  const describedBy = (f: Field) => `discovery-${f}-hint${invalid(f) ? " discovery-error" : ""}`;
  // Shut until used; opened by values set (a reopened request) or a message about them.
  const moreSet = hasMoreOptions(form);
  const [more, setMore] = useState(moreSet);
  useLayoutEffect(() => {
    if (moreSet) setMore(true);
  }, [moreSet]);
  useLayoutEffect(() => {
    if (bad !== null && MORE.includes(bad)) setMore(true);
  }, [error]);
  return (
    <form
      class="discovery-form"
      aria-labelledby="discovery-form-title"
      onSubmit={(e) => {
        e.preventDefault();
        onRun();
      }}
    >
      <h3 id="discovery-form-title" class="sr-only">
        Inputs
      </h3>
      <label class="discovery-files">
        Files to read, one a line (absolute, or relative to the project)
        <textarea
          data-testid="discovery-files"
          rows={3}
          value={form.files}
          placeholder={"logs/access.log\nlogs/access.log.1.gz"}
          spellcheck={false}
          aria-invalid={invalid("files")}
          onInput={(e) => set("files", e.currentTarget.value)}
        />
      </label>
      <label>
        Format
        <select
          data-testid="discovery-format"
          value={form.format}
          onChange={(e) => set("format", e.currentTarget.value as LogFormat)}
        >
          {FORMATS.map((f) => (
            <option key={f.value} value={f.value}>
              {f.label}
            </option>
          ))}
        </select>
      </label>
      <fieldset class="discovery-store">
        <legend>The store</legend>
        <label class="check">
          <input
            type="checkbox"
            data-testid="discovery-store"
            checked={form.readStore}
            onChange={(e) => set("readStore", e.currentTarget.checked)}
          />
          Also read the spans stored in the last
        </label>
        <label class="discovery-hours">
          <span class="sr-only">Hours of stored spans</span>
          <input
            data-testid="discovery-store-hours"
            inputMode="numeric"
            size={5}
            value={form.storeHours}
            disabled={!form.readStore}
            aria-invalid={invalid("store_hours")}
            onInput={(e) => set("storeHours", e.currentTarget.value)}
          />
        </label>
        <span aria-hidden="true">hours</span>
      </fieldset>
      <label class="discovery-weights">
        <span>
          Business weights, one <code>STEP=WEIGHT</code> a line (the steps that matter most; default 1)
        </span>
        <textarea
          data-testid="discovery-weights"
          rows={2}
          value={form.weights}
          placeholder={"POST /checkout=3\n/signup=2"}
          spellcheck={false}
          aria-invalid={invalid("weights")}
          onInput={(e) => set("weights", e.currentTarget.value)}
        />
      </label>
      <details
        class="discovery-more"
        data-testid="discovery-more"
        open={more}
        onToggle={(e) => setMore(e.currentTarget.open)}
      >
        <summary>More options</summary>
        <div class="discovery-more-fields">
          <div class="discovery-base-url">
            <label>
              Skeletons start at (base URL)
              <input
                data-testid="discovery-base-url"
                inputMode="url"
                value={form.baseUrl}
                placeholder={DEFAULT_BASE_URL}
                spellcheck={false}
                autoComplete="off"
                aria-invalid={invalid("base_url")}
                aria-describedby={describedBy("base_url")}
                onInput={(e) => set("baseUrl", e.currentTarget.value)}
              />
            </label>
            <span id="discovery-base_url-hint" class="muted">
              Accepting a candidate opens the recorder here, on its first page: point it at the real site. Blank:{" "}
              <code>{DEFAULT_BASE_URL}</code>.
            </span>
          </div>
          <div class="discovery-gap">
            <label>
              Session gap (minutes)
              <input
                data-testid="discovery-gap"
                inputMode="numeric"
                size={5}
                value={form.gapMinutes}
                placeholder={String(DEFAULT_GAP_MINUTES)}
                aria-invalid={invalid("gap_minutes")}
                aria-describedby={describedBy("gap_minutes")}
                onInput={(e) => set("gapMinutes", e.currentTarget.value)}
              />
            </label>
            <span id="discovery-gap_minutes-hint" class="muted">
              Idle this long ends a session. Blank: {DEFAULT_GAP_MINUTES}.
            </span>
          </div>
          <div class="discovery-fields">
            <label>
              <span>
                JSON field map, one <code>FIELD=KEY</code> a line (<code>FIELD=KEY,KEY</code> tries each in turn)
              </span>
              <textarea
                data-testid="discovery-fields"
                rows={2}
                value={form.fields}
                placeholder={"path=request_path\nduration_s=upstream_time,request_time"}
                spellcheck={false}
                aria-invalid={invalid("fields")}
                aria-describedby={describedBy("fields")}
                onInput={(e) => set("fields", e.currentTarget.value)}
              />
            </label>
            <span id="discovery-fields-hint" class="muted" data-testid="discovery-fields-hint">
              Only for nginx JSON logs (that format, or auto when a file is one), when their keys have other names.
              Fields: {JSON_FIELDS.join(", ")}.
            </span>
          </div>
        </div>
      </details>
      <div class="discovery-run">
        <label class="check">
          <input
            type="checkbox"
            data-testid="discovery-include-rejected"
            checked={form.includeRejected}
            onChange={(e) => onIncludeRejected(e.currentTarget.checked)}
          />
          Include rejected candidates
        </label>
        {/* Never disabled: a new run replaces one under way (whose answer is then dropped). */}
        <button type="submit" data-testid="discovery-run" aria-busy={running || undefined}>
          {running ? "Discovering…" : "Discover"}
        </button>
      </div>
      {error && (
        <p id="discovery-error" class="problem discovery-error" role="alert" data-testid="discovery-error">
          {error}
        </p>
      )}
    </form>
  );
}
