// What to discover from: files (one a line), their format, the spans in the
// store, business weights, and whether to list rejected candidates. The form
// is never cleared by a failure: the message says which field to fix.
import type { LogFormat } from "../../ipc";
import { fieldOf, FORMATS, type FormState } from "./form";

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
  const invalid = (f: ReturnType<typeof fieldOf>) => (bad !== null && bad === f) || undefined;
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
        <p class="problem discovery-error" role="alert" data-testid="discovery-error">
          {error}
        </p>
      )}
    </form>
  );
}
