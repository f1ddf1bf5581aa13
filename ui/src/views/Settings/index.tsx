import { useEffect, useState } from "preact/hooks";

import { ErrorState, Loading } from "../../components/States";
import { markReady } from "../../data/ready";
import { useCommand } from "../../data/useCommand";
import { bytes, count } from "../../format";
import { AskModel } from "./AskModel";
import {
  call,
  CallError,
  type RegionSetting,
  type SecretList,
  type Settings as SettingsData,
} from "../../ipc";

/** Where the data lives, the regions and runner pool, the journeys' secrets, and the question box's model. */
export function Settings() {
  const settings = useCommand("settings", {}, { refreshOn: ["project"] });
  useEffect(() => {
    if (settings.state !== "loading") markReady("settings");
  }, [settings.state]);
  return (
    <section class="view view-settings" aria-labelledby="settings-title">
      <header class="view-header">
        <h2 id="settings-title">Settings</h2>
      </header>
      {settings.state === "loading" && <Loading what="settings" />}
      {settings.state === "error" && (
        <ErrorState title="The settings could not be read" error={settings.error} onRetry={settings.reload} />
      )}
      {settings.state === "ready" && <SettingsBody s={settings.data} />}
    </section>
  );
}

function SettingsBody({ s }: { s: SettingsData }) {
  return (
    <div class="settings">
      <section aria-labelledby="db-title">
        <h3 id="db-title">Database</h3>
        <dl class="facts">
          <dt>Location</dt>
          <dd>
            <code data-testid="db-path">{s.database.path}</code>
          </dd>
          <dt>Holds</dt>
          <dd>
            {s.database.exists
              ? `${count(s.database.runs)} runs · ${bytes(s.database.size_bytes)} · schema v${s.database.schema_version ?? "?"}`
              : "not created yet (it is created when the first run is stored)"}
          </dd>
          <dt>Project</dt>
          <dd>
            <code>{s.project_dir}</code>
          </dd>
        </dl>
        <p class="muted small">{s.database.how_to_change}</p>
      </section>
      <RunnerForm s={s} />
      <Secrets initial={s.secrets} />
      <AskModel s={s} />
    </div>
  );
}

function RunnerForm({ s }: { s: SettingsData }) {
  const [regions, setRegions] = useState<RegionSetting[]>(s.regions);
  const [pool, setPool] = useState(s.runner.pool_size_set ? String(s.runner.pool_size) : "");
  const [status, setStatus] = useState<{ ok: boolean; text: string } | null>(null);
  const [saving, setSaving] = useState(false);

  if (!s.project_file_exists) {
    return (
      <section aria-labelledby="runner-title">
        <h3 id="runner-title">Regions and runner pool</h3>
        <p class="muted">
          This project has no <code>{s.project_file}</code>. Create one to schedule journeys from regions
          (see docs/runner.md); until then Replay now uses each journey's own base URL.
        </p>
      </section>
    );
  }
  const edit = (i: number, patch: Partial<RegionSetting>) =>
    setRegions((rs) => rs.map((r, j) => (j === i ? { ...r, ...patch } : r)));

  const save = async (e: Event) => {
    e.preventDefault();
    const poolText = pool.trim();
    const poolSize = poolText === "" ? null : Number(poolText);
    if (poolSize !== null && !Number.isInteger(poolSize)) {
      setStatus({ ok: false, text: "runner.pool_size: enter a whole number of browsers, or leave it empty" });
      return;
    }
    setSaving(true);
    try {
      await call("settings_save", {
        pool_size: poolSize,
        regions: regions.map((r) => ({ name: r.name.trim(), base_url: r.base_url?.trim() || null })),
      });
      setStatus({ ok: true, text: `Saved to ${s.project_file}.` });
    } catch (err) {
      setStatus({ ok: false, text: err instanceof CallError ? err.message : String(err) });
    } finally {
      setSaving(false);
    }
  };

  return (
    <section aria-labelledby="runner-title">
      <h3 id="runner-title">Regions and runner pool</h3>
      <p class="muted small">
        From <code>{s.project_file}</code>; saving changes only these keys and keeps the file's comments.
      </p>
      {s.project_problem && <p class="problem">{s.project_problem}</p>}
      <form onSubmit={save} noValidate>
        <table class="regions-edit">
          <thead>
            <tr>
              <th scope="col">Region</th>
              <th scope="col">Base URL</th>
              <th scope="col">
                <span class="sr-only">Remove</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {regions.map((r, i) => (
              <tr key={i}>
                <td>
                  <input aria-label={`Region ${i + 1} name`} value={r.name} onInput={(e) => edit(i, { name: (e.currentTarget as HTMLInputElement).value })} />
                </td>
                <td>
                  <input
                    aria-label={`Region ${i + 1} base URL`}
                    value={r.base_url ?? ""}
                    placeholder="the journey's own"
                    onInput={(e) => edit(i, { base_url: (e.currentTarget as HTMLInputElement).value })}
                  />
                </td>
                <td>
                  <button type="button" class="link" onClick={() => setRegions((rs) => rs.filter((_, j) => j !== i))}>
                    Remove
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <button type="button" class="link" onClick={() => setRegions((rs) => [...rs, { name: "", base_url: null }])}>
          Add a region
        </button>
        <label>
          Browsers in the runner pool
          <input
            inputMode="numeric"
            value={pool}
            placeholder={`this machine's default: ${s.runner.default_pool_size}`}
            onInput={(e) => setPool((e.currentTarget as HTMLInputElement).value)}
          />
        </label>
        <p class="muted small">
          Each browser is one Chromium (about 300 MiB). Retries of a failed run: {s.runner.retries}.
        </p>
        <button type="submit" disabled={saving}>
          {saving ? "Saving…" : "Save"}
        </button>
        {status && (
          <p role={status.ok ? "status" : "alert"} class={status.ok ? "ok" : "problem"}>
            {status.text}
          </p>
        )}
      </form>
    </section>
  );
}

function Secrets({ initial }: { initial: SecretList }) {
  const [list, setList] = useState(initial);
  const [values, setValues] = useState<Record<string, string>>({});
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [newName, setNewName] = useState("");

  const store = async (name: string) => {
    const value = values[name] ?? "";
    try {
      setList(await call("secret_set", { name, value }));
      setMessage({ ok: true, text: `${name} is stored in the ${list.backend}.` });
    } catch (err) {
      setMessage({ ok: false, text: err instanceof CallError ? err.message : String(err) });
    } finally {
      // The typed value is dropped whatever happened: it is never kept in the page.
      setValues((v) => ({ ...v, [name]: "" }));
    }
  };
  const forget = async (name: string) => {
    try {
      setList(await call("secret_delete", { name }));
      setMessage({ ok: true, text: `${name} is no longer stored.` });
    } catch (err) {
      setMessage({ ok: false, text: err instanceof CallError ? err.message : String(err) });
    }
  };
  const rows = newName.trim() && !list.secrets.some((s) => s.name === newName.trim())
    ? [...list.secrets, { name: newName.trim(), used_by: [], stored: null, in_environment: false }]
    : list.secrets;

  return (
    <section aria-labelledby="secrets-title" data-testid="secrets">
      <h3 id="secrets-title">Secrets</h3>
      <p class="muted small">
        Journeys write <code>{"{{secret.NAME}}"}</code>. Values are kept in the {list.backend} and are
        never shown again; a replay reads the keyring first, then <code>SIGHTLINE_SECRET_NAME</code>.
      </p>
      {!list.available && (
        <p class="problem" role="alert" data-testid="keyring-problem">
          {list.problem}
        </p>
      )}
      {rows.length === 0 ? (
        <p class="muted">No journey of this project declares a secret.</p>
      ) : (
        <table class="secrets">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Used by</th>
              <th scope="col">Stored</th>
              <th scope="col">New value</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((s) => (
              <tr key={s.name} data-secret={s.name}>
                <th scope="row">
                  <code>{s.name}</code>
                </th>
                <td>{s.used_by.length > 0 ? s.used_by.join(", ") : <span class="muted">no journey yet</span>}</td>
                <td>
                  {s.stored === null ? "unknown" : s.stored ? "yes" : "no"}
                  {s.in_environment && <span class="muted"> · set in the environment</span>}
                </td>
                <td>
                  <form
                    class="secret-form"
                    onSubmit={(e) => {
                      e.preventDefault();
                      void store(s.name);
                    }}
                  >
                    <input
                      type="password"
                      autoComplete="off"
                      aria-label={`New value for ${s.name}`}
                      value={values[s.name] ?? ""}
                      onInput={(e) => setValues((v) => ({ ...v, [s.name]: (e.currentTarget as HTMLInputElement).value }))}
                    />
                    <button type="submit">Store</button>
                    {s.stored && (
                      <button type="button" class="link" onClick={() => void forget(s.name)}>
                        Forget
                      </button>
                    )}
                  </form>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <label class="small">
        Another secret name
        <input value={newName} placeholder="api_token" onInput={(e) => setNewName((e.currentTarget as HTMLInputElement).value)} />
      </label>
      {message && (
        <p role={message.ok ? "status" : "alert"} class={message.ok ? "ok" : "problem"}>
          {message.text}
        </p>
      )}
    </section>
  );
}
