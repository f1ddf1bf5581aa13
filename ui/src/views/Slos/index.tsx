import { useEffect, useMemo, useState } from "preact/hooks";

import { deployMarkLine, EChart, usePalette } from "../../components/EChart";
import { EmptyState, ErrorState, Loading } from "../../components/States";
import { markReady } from "../../data/ready";
import { useCommand } from "../../data/useCommand";
import { burnRate, count, percent } from "../../format";
import { call, CallError, type SloList, type SloPreview, type SloSaved } from "../../ipc";
import { href, navigate } from "../../router";
import { burnDownOption } from "../Overview/charts";
import { checkForm, draftOf, emptyForm, fieldOf, type FormState, formOf } from "./draft";

/** The SLO editor: the project's SLOs, and one as a form with a live preview. */
export function Slos({ selected }: { selected: string | null }) {
  const list = useCommand("slo_list", {}, { refreshOn: ["slos", "project"] });
  useEffect(() => {
    if (list.state !== "loading") markReady("slos");
  }, [list.state]);
  return (
    <section class="view view-slos" aria-labelledby="slos-title">
      <header class="view-header">
        <h2 id="slos-title">SLO editor</h2>
        <a class="button" href={href({ view: "slos", slo: "new" })}>
          New SLO
        </a>
      </header>
      {list.state === "loading" && <Loading what="SLOs" />}
      {list.state === "error" && <ErrorState title="The SLOs could not be read" error={list.error} onRetry={list.reload} />}
      {list.state === "ready" && <Editor list={list.data} selected={selected} />}
    </section>
  );
}

function Editor({ list, selected }: { list: SloList; selected: string | null }) {
  if (list.journeys.length === 0) {
    return (
      <EmptyState title="No journeys to measure">
        <p>An SLO measures a journey. Add a journey file under journeys/ first.</p>
      </EmptyState>
    );
  }
  const existing = selected && selected !== "new" ? list.slos.find((s) => s.name === selected) : undefined;
  return (
    <div class="slo-editor">
      <nav aria-label="SLOs" class="slo-list">
        {list.problem && <p class="problem">{list.problem}</p>}
        <ul>
          {list.slos.map((s) => (
            <li key={s.name}>
              <a href={href({ view: "slos", slo: s.name })} aria-current={s.name === selected ? "page" : undefined}>
                {s.name}
              </a>
              <span class="muted small">{s.file}</span>
            </li>
          ))}
        </ul>
        {list.slos.length === 0 && <p class="muted">No SLOs yet: start with New SLO.</p>}
      </nav>
      {selected === null ? (
        <EmptyState title="Pick an SLO or create one">
          <p>Edit an SLO from the list, or press New SLO. The preview shows what it would have been over the stored runs.</p>
        </EmptyState>
      ) : selected !== "new" && !existing ? (
        <EmptyState title={`No SLO named ${selected}`}>
          <p>It may have been renamed or removed. Pick one from the list.</p>
        </EmptyState>
      ) : (
        <SloForm
          key={selected}
          initial={existing ? formOf(existing) : emptyForm(list.journeys[0]?.name ?? "")}
          originalName={existing?.name ?? null}
          file={existing?.file ?? null}
          list={list}
        />
      )}
    </div>
  );
}

/** How long typing must pause before the preview is recomputed. */
const PREVIEW_DELAY_MS = 400;

function SloForm({
  initial,
  originalName,
  file,
  list,
}: {
  initial: FormState;
  originalName: string | null;
  file: string | null;
  list: SloList;
}) {
  const [form, setForm] = useState(initial);
  const [settled, setSettled] = useState(initial);
  const [saving, setSaving] = useState(false);
  const [saveError, setSaveError] = useState<CallError | null>(null);
  const [saved, setSaved] = useState<SloSaved | null>(null);
  useEffect(() => {
    const t = setTimeout(() => setSettled(form), PREVIEW_DELAY_MS);
    return () => clearTimeout(t);
  }, [form]);

  const localProblem = checkForm(settled);
  // A new SLO has no name yet: preview it under a placeholder so the
  // numbers show from the first keystroke.
  const previewDraft = { ...draftOf(settled), name: settled.name.trim() || "new-slo" };
  const preview = useCommand(
    "slo_preview",
    { draft: previewDraft, at_ms: null },
    { skip: localProblem !== null, refreshOn: ["runs", "events"] },
  );
  const previewError = localProblem?.message ?? (preview.state === "error" ? preview.error.message : null);
  const saveMessage = saveError?.message ?? null;
  const badField = fieldOf(saveMessage ?? previewError ?? "");

  const set = <K extends keyof FormState>(k: K, v: FormState[K]) => {
    setForm((f) => ({ ...f, [k]: v }));
    setSaved(null);
  };
  const steps = list.journeys.find((j) => j.name === form.journey)?.steps ?? [];
  // The engine names fields as the draft does; the form's names differ a little.
  const engineField: Partial<Record<keyof FormState, string>> = {
    name: "name",
    journey: "journey",
    thresholdMs: "threshold_ms",
    targetPercent: "target",
  };
  const input = (k: keyof FormState) => ({
    "aria-invalid": (badField !== null && badField === engineField[k]) || undefined,
  });

  const save = async (e: Event) => {
    e.preventDefault();
    const problem = checkForm(form);
    if (problem) {
      setSaveError(new CallError("bad_input", problem.message));
      return;
    }
    setSaving(true);
    setSaveError(null);
    try {
      const result = await call("slo_save", { draft: draftOf(form), original_name: originalName });
      setSaved(result);
      if (result.name !== originalName) navigate({ view: "slos", slo: result.name });
    } catch (err) {
      setSaveError(err instanceof CallError ? err : new CallError("unexpected", String(err)));
    } finally {
      setSaving(false);
    }
  };

  return (
    <div class="slo-form-and-preview">
      <form class="slo-form" onSubmit={save} aria-labelledby="slo-form-title" noValidate>
        <h3 id="slo-form-title">{originalName ? `Edit ${originalName}` : "New SLO"}</h3>
        {file && <p class="muted small">From {file}</p>}
        <label>
          Name
          <input
            value={form.name}
            required
            placeholder="checkout-availability"
            onInput={(e) => set("name", (e.currentTarget as HTMLInputElement).value)}
            {...input("name")}
          />
        </label>
        <label>
          Description
          <input value={form.description} onInput={(e) => set("description", (e.currentTarget as HTMLInputElement).value)} />
        </label>
        <label>
          Journey
          <select
            value={form.journey}
            onChange={(e) => {
              set("journey", (e.currentTarget as HTMLSelectElement).value);
              set("step", "");
            }}
            {...input("journey")}
          >
            {list.journeys.map((j) => (
              <option key={j.name} value={j.name}>
                {j.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Step
          <select value={form.step} onChange={(e) => set("step", (e.currentTarget as HTMLSelectElement).value)}>
            <option value="">The whole journey</option>
            {steps.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <fieldset>
          <legend>SLI</legend>
          {(
            [
              ["availability", "Availability: the run passed"],
              ["latency", "Latency: at or under a threshold"],
              ["availability_and_latency", "Both: passed and fast enough"],
            ] as const
          ).map(([kind, text]) => (
            <label key={kind} class="check">
              <input
                type="radio"
                name="sli-kind"
                checked={form.sliKind === kind}
                onChange={() => set("sliKind", kind)}
              />
              {text}
            </label>
          ))}
        </fieldset>
        {form.sliKind !== "availability" && (
          <label>
            Threshold (ms)
            <input
              inputMode="numeric"
              value={form.thresholdMs}
              onInput={(e) => set("thresholdMs", (e.currentTarget as HTMLInputElement).value)}
              {...input("thresholdMs")}
            />
          </label>
        )}
        <label>
          Target (%)
          <input
            inputMode="decimal"
            value={form.targetPercent}
            onInput={(e) => set("targetPercent", (e.currentTarget as HTMLInputElement).value)}
            {...input("targetPercent")}
          />
        </label>
        <fieldset>
          <legend>Window</legend>
          <label class="check">
            <input type="radio" name="window" checked={form.windowKind === "rolling"} onChange={() => set("windowKind", "rolling")} />
            Rolling
          </label>
          <label class="check">
            <input type="radio" name="window" checked={form.windowKind === "calendar"} onChange={() => set("windowKind", "calendar")} />
            Calendar
          </label>
          {form.windowKind === "rolling" ? (
            <label>
              Days
              <input
                inputMode="numeric"
                value={form.days}
                onInput={(e) => set("days", (e.currentTarget as HTMLInputElement).value)}
                aria-invalid={badField === "window.days" || undefined}
              />
            </label>
          ) : (
            <>
              <label>
                Unit
                <select value={form.unit} onChange={(e) => set("unit", (e.currentTarget as HTMLSelectElement).value as "week" | "month")}>
                  <option value="week">Week (from Monday)</option>
                  <option value="month">Month</option>
                </select>
              </label>
              <label>
                Time zone
                <input
                  value={form.timeZone}
                  placeholder="Europe/Paris"
                  onInput={(e) => set("timeZone", (e.currentTarget as HTMLInputElement).value)}
                  aria-invalid={badField === "window.time_zone" || undefined}
                />
              </label>
            </>
          )}
        </fieldset>
        <div class="form-actions">
          <button type="submit" disabled={saving}>
            {saving ? "Saving…" : originalName ? "Save" : "Create"}
          </button>
          {saveMessage && (
            <p class="problem" role="alert">
              {saveMessage}
            </p>
          )}
          {saved && (
            <p role="status" class="ok">
              Saved to <code>{saved.file}</code>
              {saved.moved_from && <> (moved out of {saved.moved_from}{saved.comments_dropped ? "; that file's comments were not kept" : ""})</>}.
            </p>
          )}
        </div>
      </form>
      <section class="slo-preview" aria-labelledby="preview-title" aria-live="polite">
        <h3 id="preview-title">Over the stored history</h3>
        {previewError ? (
          <p class="problem" data-testid="preview-error">
            {previewError}
          </p>
        ) : preview.state === "loading" ? (
          <Loading what="the preview" />
        ) : preview.state === "ready" ? (
          <Preview p={preview.data} />
        ) : null}
      </section>
    </div>
  );
}

function Preview({ p }: { p: SloPreview }) {
  const palette = usePalette();
  const s = p.status;
  const burnDown = useMemo(() => burnDownOption(p.burn_down, p.deploys, palette), [p, palette]);
  const daily = useMemo(() => {
    const from = p.daily[0]?.from_ms ?? p.at_ms;
    return {
      animation: false,
      grid: { left: 48, right: 16, top: 16, bottom: 28 },
      tooltip: { trigger: "axis", renderMode: "richText" },
      xAxis: { type: "time", min: from, max: p.at_ms, axisLabel: { color: palette.muted, fontSize: 10 } },
      yAxis: {
        type: "value",
        max: 1,
        axisLabel: { color: palette.muted, fontSize: 10, formatter: (v: number) => percent(v, 1) },
        splitLine: { lineStyle: { color: palette.grid } },
      },
      series: [
        {
          name: "SLI",
          type: "bar",
          barMaxWidth: 18,
          data: p.daily.map((d) => ({
            value: [d.from_ms, d.sli],
            itemStyle: { color: d.sli !== null && d.sli < s.target ? palette.danger : palette.accent },
          })),
          tooltip: { valueFormatter: (v: number | null) => percent(v) },
          markLine: {
            ...deployMarkLine(p.deploys, palette, from, p.at_ms),
            data: [
              ...(deployMarkLine(p.deploys, palette, from, p.at_ms).data as unknown[]),
              { name: `target ${percent(s.target)}`, yAxis: s.target, lineStyle: { color: palette.muted, type: "dotted" } },
            ],
          },
        },
      ],
    };
  }, [p, palette, s.target]);
  if (s.valid === 0) {
    return (
      <EmptyState title="No runs to judge it on yet">
        <p>The stored history has no valid runs of {s.journey} in this window. Save it anyway: it fills as runs arrive.</p>
      </EmptyState>
    );
  }
  return (
    <>
      <dl class="metrics">
        <div class="metric">
          <dt>Would be</dt>
          <dd data-metric="preview-sli" data-value={s.sli ?? ""}>{percent(s.sli)}</dd>
        </div>
        <div class="metric">
          <dt>Budget left</dt>
          <dd data-metric="preview-budget" data-value={s.budget.remaining_fraction ?? ""}>{percent(s.budget.remaining_fraction)}</dd>
        </div>
        <div class="metric">
          <dt>Burn 1h</dt>
          <dd>{burnRate(s.burn_rates.find((b) => b.window === "1h")?.rate ?? null)}</dd>
        </div>
        <div class="metric">
          <dt>Alerts</dt>
          <dd>{s.alert_state}</dd>
        </div>
      </dl>
      <p class="muted">
        {count(s.good)} good of {count(s.valid)} valid runs · {s.compliance ? "meets" : "misses"} its target of{" "}
        {percent(s.target)}
      </p>
      <figure>
        <figcaption>Budget left over the window</figcaption>
        <EChart option={burnDown} height={140} label="Preview burn-down" />
      </figure>
      <figure>
        <figcaption>SLI per day</figcaption>
        <EChart option={daily} height={140} label="Preview SLI per day" />
      </figure>
    </>
  );
}
