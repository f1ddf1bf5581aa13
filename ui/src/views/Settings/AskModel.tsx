import { useState } from "preact/hooks";

import { call, CallError, type Settings as SettingsData } from "../../ipc";

/**
 * The question box's optional model: an OpenAI-compatible endpoint (Ollama,
 * llama.cpp's server, vLLM, a hosted one) kept in `[ask]` of the project
 * file, with its key in the keyring. Empty: built-in answers only, and
 * nothing leaves the machine.
 */
export function AskModel({ s }: { s: SettingsData }) {
  const m = s.ask_model;
  const [url, setUrl] = useState(m.url ?? "");
  const [model, setModel] = useState(m.model ?? "");
  const [timeout, setTimeoutText] = useState(String(m.timeout_s));
  const [key, setKey] = useState("");
  const [keyStored, setKeyStored] = useState(m.key_stored);
  const [status, setStatus] = useState<{ ok: boolean; text: string } | null>(null);
  const [saving, setSaving] = useState(false);

  if (!s.project_file_exists) return null;

  const save = async (off: boolean) => {
    const seconds = Number(timeout.trim());
    if (!off && (!Number.isInteger(seconds) || seconds < 1 || seconds > 600)) {
      setStatus({ ok: false, text: "ask.timeout_s: enter a whole number of seconds, 1 to 600" });
      return;
    }
    if (!off && url.trim() !== "" && model.trim() === "") {
      setStatus({ ok: false, text: "ask.model: name the model at that endpoint (e.g. llama3.1:8b)" });
      return;
    }
    setSaving(true);
    try {
      const next = await call("ask_model_save", {
        url: off ? null : url.trim() || null,
        model: off ? null : model.trim() || null,
        timeout_s: off || seconds === 30 ? null : seconds,
        key: off || key === "" ? null : key,
        forget_key: off,
      });
      setKey("");
      setKeyStored(next.ask_model.key_stored);
      if (off) {
        setUrl("");
        setModel("");
        setTimeoutText("30");
      }
      setStatus({
        ok: true,
        text: next.ask_model.url
          ? `Questions go to ${next.ask_model.model} at ${next.ask_model.url}; the built-in answer is the fallback.`
          : "No model: the question box answers with the built-in engine, and nothing leaves this machine.",
      });
    } catch (err) {
      setStatus({ ok: false, text: err instanceof CallError ? err.message : String(err) });
    } finally {
      setSaving(false);
    }
  };

  return (
    <section aria-labelledby="ask-model-title">
      <h3 id="ask-model-title">Question box model</h3>
      <p class="muted small">
        Optional. Any OpenAI-compatible chat endpoint: Ollama is <code>http://127.0.0.1:11434/v1</code>. The model
        answers from the engines' tool results; numbers no tool returned are flagged. Saved as <code>[ask]</code> in{" "}
        <code>{s.project_file}</code>; the key goes to the keyring, never the file.
      </p>
      <form
        class="ask-model-form"
        data-testid="ask-model-form"
        onSubmit={(e) => {
          e.preventDefault();
          void save(false);
        }}
      >
        <label>
          Endpoint base URL
          <input
            data-testid="ask-model-url"
            value={url}
            placeholder="empty: built-in answers only"
            onInput={(e) => setUrl(e.currentTarget.value)}
          />
        </label>
        <label>
          Model
          <input
            data-testid="ask-model-name"
            value={model}
            placeholder="llama3.1:8b"
            onInput={(e) => setModel(e.currentTarget.value)}
          />
        </label>
        <label>
          Time limit, seconds
          <input data-testid="ask-model-timeout" value={timeout} onInput={(e) => setTimeoutText(e.currentTarget.value)} />
        </label>
        <label>
          Key {keyStored ? "(one is stored; type to replace it)" : "(if the endpoint wants one)"}
          <input
            data-testid="ask-model-key"
            type="password"
            autocomplete="off"
            value={key}
            onInput={(e) => setKey(e.currentTarget.value)}
          />
        </label>
        <div class="form-actions">
          <button type="submit" data-testid="ask-model-save" disabled={saving}>
            Save
          </button>
          <button type="button" data-testid="ask-model-off" disabled={saving} onClick={() => void save(true)}>
            Turn off and forget the key
          </button>
        </div>
        {status && (
          <p class={status.ok ? "muted small" : "error small"} role={status.ok ? "status" : "alert"} data-testid="ask-model-status">
            {status.text}
          </p>
        )}
      </form>
    </section>
  );
}
