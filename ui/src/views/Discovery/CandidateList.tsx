// The ranked candidates, best first: each with its score read out by its
// parts, how much of the traffic it is, how its sessions went, and what
// people decided. Picking one opens it beside the list.
import { count, percent } from "../../format";
import type { Candidate } from "../../ipc";
import { scoreBreakdown } from "./score";

/** `accepted` or `rejected` as a badge. */
export function DecisionBadge({ decision }: { decision: string | undefined }) {
  if (!decision) return null;
  return (
    <span class={`badge badge-decision-${decision}`} data-testid="candidate-decision" data-decision={decision}>
      {decision}
    </span>
  );
}

export function CandidateList({
  candidates,
  decisions,
  selected,
  onSelect,
}: {
  candidates: readonly Candidate[];
  /** By candidate id. */
  decisions: Readonly<Record<string, string>>;
  selected: string | null;
  onSelect: (id: string) => void;
}) {
  const ranked = [...candidates].sort((a, b) => a.rank - b.rank);
  return (
    <ol class="candidates" aria-label="Candidate journeys, best first">
      {ranked.map((c) => {
        const current = c.id === selected;
        return (
          <li
            key={c.id}
            class={`candidate${current ? " selected" : ""}`}
            data-testid="candidate"
            data-candidate-id={c.id}
            data-rank={c.rank}
            aria-current={current ? "true" : undefined}
            // The button inside is the keyboard's way in; its click lands here too.
            onClick={() => onSelect(c.id)}
          >
            <div class="candidate-head">
              <span class="candidate-rank">#{c.rank}</span>
              <button type="button" class="link candidate-name" aria-pressed={current}>
                {c.name}
              </button>
              <DecisionBadge decision={decisions[c.id]} />
            </div>
            <p class="candidate-path small muted">{c.steps.join(" → ")}</p>
            <p class="candidate-score small" data-testid="candidate-score" data-total={c.score.total}>
              score {scoreBreakdown(c.score)}
            </p>
            <p class="candidate-facts small">
              <span data-field="sessions">{count(c.sessions)} sessions</span> ·{" "}
              <span data-field="coverage">{percent(c.coverage, 1)} of sessions</span> ·{" "}
              <span data-field="users-per-day">{c.users_per_day.toFixed(1)} users/day</span>
              <br />
              <span data-field="completed">{count(c.completed)} completed</span> ·{" "}
              <span data-field="failed" class={c.failed_sessions > 0 ? "problem" : undefined}>
                {count(c.failed_sessions)} failed
              </span>{" "}
              · <span data-field="slow">{count(c.slow_sessions)} slow</span>
            </p>
          </li>
        );
      })}
    </ol>
  );
}
