import { ErrorState, Loading } from "../../components/States";
import { useCommand } from "../../data/useCommand";
import { journeyDraft, type RecordDraft } from "./RecordPanel";
import { ReplayPanel } from "./ReplayPanel";
import { RunList } from "./RunList";

/** One journey: its steps, Replay now with live progress, Record (a new version of it), and its runs. */
export function JourneyPane({ name, onRecord }: { name: string; onRecord: (draft: RecordDraft) => void }) {
  const detail = useCommand("journey_detail", { name }, { refreshOn: ["project"] });
  if (detail.state === "loading") return <Loading what={`journey ${name}`} />;
  if (detail.state === "error") {
    return <ErrorState title={`Journey ${name} could not be opened`} error={detail.error} onRetry={detail.reload} />;
  }
  const j = detail.data;
  return (
    <section class="journey-pane" aria-labelledby="journey-title" data-testid="journey-pane">
      <header>
        <h3 id="journey-title">{j.name}</h3>
        <p class="muted">
          {j.description} <code>{j.file}</code>
        </p>
      </header>
      <div class="journey-columns">
        <section aria-labelledby="steps-title">
          <h4 id="steps-title">Steps</h4>
          <ol class="steps">
            {j.steps.map((s) => (
              <li key={s.index}>
                <span class="step-name">{s.name}</span> <span class="muted">{s.kind}</span>
              </li>
            ))}
          </ol>
          {j.secrets.length > 0 && (
            <p class="muted small">Needs secrets: {j.secrets.join(", ")} (set them in Settings).</p>
          )}
        </section>
        <ReplayPanel journey={j} onRecord={() => onRecord(journeyDraft(j))} />
      </div>
      <RunList journey={j.name} />
    </section>
  );
}
