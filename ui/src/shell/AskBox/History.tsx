// What the question box lists under the answer: this session's questions,
// or, when the box is opened on an incident, that incident's history of
// questions as the engine stored it (`incident_questions`), so whoever
// picks the incident up sees what was already asked and answered.
import { useEffect, useRef } from "preact/hooks";

import { useCommand } from "../../data/useCommand";
import { moment } from "../../format";
import type { Route } from "../../router";

/** The incident a route is about, if any: questions asked there are remembered on it. */
export function incidentOf(route: Route): number | null {
  if (route.view === "incidents") return route.id;
  if (route.view === "attribution") return route.incident;
  return null;
}

/** This session's questions, newest first; pressing one asks it again. */
export function SessionHistory({ questions, onAsk }: { questions: string[]; onAsk: (q: string) => void }) {
  if (questions.length === 0) return null;
  return (
    <nav class="ask-history" aria-labelledby="ask-history-title">
      <h3 id="ask-history-title">Asked this session</h3>
      <ul data-testid="ask-history">
        {questions.map((q) => (
          <li key={q}>
            <button type="button" class="link" onClick={() => onAsk(q)}>
              {q}
            </button>
          </li>
        ))}
      </ul>
    </nav>
  );
}

/**
 * Incident `incident`'s questions, newest first, each with what it was read
 * as, who asked and when. Reloads whenever `answered` changes (a question
 * about the incident was just answered, and so stored).
 */
export function IncidentHistory({
  incident,
  answered,
  onAsk,
}: {
  incident: number;
  answered: number;
  onAsk: (q: string) => void;
}) {
  const history = useCommand("incident_questions", { id: incident });
  // `reload` is a new function on every render: keep the latest in a ref,
  // so only `answered` changing reloads.
  const reload = useRef(history.reload);
  reload.current = history.reload;
  useEffect(() => {
    if (answered > 0) reload.current();
  }, [answered]);

  const title = `Asked about incident #${incident}`;
  return (
    <nav class="ask-history ask-incident-history" aria-labelledby="ask-history-title">
      <h3 id="ask-history-title">{title}</h3>
      {history.state === "loading" && (
        <p class="muted small" role="status">
          Reading the incident's questions…
        </p>
      )}
      {history.state === "error" && (
        <p class="problem small" role="alert" data-testid="ask-incident-history-error">
          Could not read the incident's questions: {history.error.message}
        </p>
      )}
      {history.state === "ready" &&
        (history.data.questions.length === 0 ? (
          <p class="muted small" data-testid="ask-incident-history-none">
            Nothing asked yet: questions asked here are kept on the incident, for whoever picks it up.
          </p>
        ) : (
          <ol class="ask-incident-questions" data-testid="ask-incident-history">
            {history.data.questions.map((q) => (
              <li key={`${q.at_ms}-${q.question}`} data-intent={q.intent}>
                <button type="button" class="link" onClick={() => onAsk(q.question)}>
                  {q.question}
                </button>{" "}
                <span class="muted small">
                  {moment(q.at_ms)}
                  {q.by ? ` · ${q.by}` : ""} · {q.intent.replace(/_/g, " ")}
                  {q.source !== "builtin" ? ` · ${q.source}` : ""}
                </span>
              </li>
            ))}
          </ol>
        ))}
    </nav>
  );
}
