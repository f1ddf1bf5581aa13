import { useCallback, useEffect, useLayoutEffect, useRef, useState } from "preact/hooks";

import { onOpenAsk, openAsk } from "../../data/ask";
import type { Loadable } from "../../data/useCommand";
import { moment } from "../../format";
import { type Answer, call, CallError, type EvidenceItem } from "../../ipc";
import { useRoute } from "../../router";
import { IncidentHistory, incidentOf, SessionHistory } from "./History";

/** How many of this session's questions the box lists. */
const HISTORY = 12;

/** One question and its answer, as it arrives. */
interface Asked {
  question: string;
  result: Loadable<Answer>;
}

/**
 * Whether `link` is one of the app's own hash routes (`#/runs/ID`,
 * `#/slos/NAME`): only those become links, so an answer can never point the
 * window anywhere else.
 */
export function isAppLink(link: string | null): link is string {
  return link !== null && /^#\/[^\s]*$/.test(link);
}

function toCallError(err: unknown): CallError {
  return err instanceof CallError ? err : new CallError("unexpected", String(err));
}

/** The elements Tab moves between inside `root`, in order. */
function focusables(root: HTMLElement): HTMLElement[] {
  return Array.from(
    root.querySelectorAll<HTMLElement>("a[href], button:not([disabled]), input:not([disabled])"),
  );
}

/**
 * The question box: a dialog over every view, opened with Ctrl/Cmd-K, the
 * header's button or a suggested question ([`openAsk`]). It asks the engine
 * (`ask`), shows the answer, its evidence (links into the app close the box
 * and go there), follow-up questions to ask next, and this session's
 * questions; opened on an incident, it sends the incident with each question
 * (the engine keeps it on the incident) and lists the incident's questions. Escape closes it and gives focus back to where it was.
 */
export function AskBox() {
  const [open, setOpen] = useState(false);
  const [draft, setDraft] = useState("");
  const [current, setCurrent] = useState<Asked | null>(null);
  const [history, setHistory] = useState<string[]>([]);
  // Questions asked on an incident's view are remembered on that incident.
  const incident = incidentOf(useRoute());
  const incidentRef = useRef(incident);
  incidentRef.current = incident;
  // Counts the answers stored on an incident, so its history reloads.
  const [answered, setAnswered] = useState(0);
  const openRef = useRef(false);
  const seq = useRef(0);
  const input = useRef<HTMLInputElement>(null);
  const dialog = useRef<HTMLDivElement>(null);
  const returnTo = useRef<HTMLElement | null>(null);

  const ask = useCallback((question: string) => {
    const q = question.trim();
    if (!q) return;
    // Only the latest question's answer is shown; an older one that arrives
    // late is dropped.
    const id = ++seq.current;
    setDraft(q);
    setCurrent({ question: q, result: { state: "loading" } });
    setHistory((h) => [q, ...h.filter((x) => x !== q)].slice(0, HISTORY));
    const about = incidentRef.current;
    call("ask", { question: q, at_ms: null, incident: about }).then(
      (data) => {
        if (about !== null) setAnswered((n) => n + 1);
        if (id === seq.current) setCurrent({ question: q, result: { state: "ready", data } });
      },
      (err: unknown) =>
        id === seq.current && setCurrent({ question: q, result: { state: "error", error: toCallError(err) } }),
    );
  }, []);

  const close = useCallback((focus: "back" | "view" = "back") => {
    if (!openRef.current) return;
    openRef.current = false;
    setOpen(false);
    const back = returnTo.current;
    returnTo.current = null;
    // After a link, the new view has the focus; otherwise what had it before.
    const target = focus === "back" && back?.isConnected ? back : document.getElementById("main");
    target?.focus();
  }, []);

  useEffect(
    () =>
      onOpenAsk((question) => {
        if (!openRef.current) {
          returnTo.current = document.activeElement instanceof HTMLElement ? document.activeElement : null;
          openRef.current = true;
          setOpen(true);
        }
        if (question) ask(question);
        // Already open: Ctrl-K again puts the caret back in the question.
        input.current?.focus();
      }),
    [ask],
  );

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && !e.altKey && !e.shiftKey && e.key.toLowerCase() === "k") {
        e.preventDefault();
        openAsk();
      } else if (e.key === "Escape" && openRef.current) {
        e.preventDefault();
        close();
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [close]);

  // Before the box is painted, so it never shows without the caret in it.
  useLayoutEffect(() => {
    if (!open) return;
    input.current?.focus();
    input.current?.select();
  }, [open]);

  if (!open) return null;

  // Tab and Shift-Tab stay inside the dialog while it is open.
  const trapTab = (e: KeyboardEvent) => {
    if (e.key !== "Tab" || !dialog.current) return;
    const items = focusables(dialog.current);
    const first = items[0];
    const last = items[items.length - 1];
    if (!first || !last) return;
    if (e.shiftKey && document.activeElement === first) {
      e.preventDefault();
      last.focus();
    } else if (!e.shiftKey && document.activeElement === last) {
      e.preventDefault();
      first.focus();
    }
  };

  const follow = (link: string) => {
    close("view");
    window.location.hash = link;
  };

  return (
    <div
      class="ask-backdrop"
      onMouseDown={(e) => {
        if (e.target === e.currentTarget) close();
      }}
    >
      <div
        class="ask-box"
        role="dialog"
        aria-modal="true"
        aria-labelledby="ask-title"
        data-testid="ask-box"
        ref={dialog}
        onKeyDown={trapTab}
      >
        <header class="ask-header">
          <h2 id="ask-title">Ask Sightline</h2>
          <button type="button" class="link" onClick={() => close()} aria-keyshortcuts="Escape">
            Close
          </button>
        </header>
        <form
          class="ask-form"
          onSubmit={(e) => {
            e.preventDefault();
            ask(draft);
          }}
        >
          <label for="ask-input">Question</label>
          <input
            id="ask-input"
            ref={input}
            type="text"
            autocomplete="off"
            spellcheck={false}
            placeholder="why is checkout failing?"
            aria-describedby="ask-hint"
            value={draft}
            onInput={(e) => setDraft(e.currentTarget.value)}
          />
          <button type="submit" disabled={draft.trim() === ""}>
            Ask
          </button>
          <p id="ask-hint" class="muted small">
            About SLOs, journeys, regions, services and releases; answered from this database, with the evidence.
          </p>
        </form>
        <div class="ask-result" aria-live="polite" aria-busy={current?.result.state === "loading"}>
          {current && <Result asked={current} onAsk={ask} onFollow={follow} />}
        </div>
        {incident === null ? (
          <SessionHistory questions={history} onAsk={ask} />
        ) : (
          <IncidentHistory incident={incident} answered={answered} onAsk={ask} />
        )}
      </div>
    </div>
  );
}

function Result({
  asked,
  onAsk,
  onFollow,
}: {
  asked: Asked;
  onAsk: (question: string) => void;
  onFollow: (link: string) => void;
}) {
  const { result } = asked;
  switch (result.state) {
    case "loading":
      return (
        <p class="state-loading ask-loading" role="status" data-testid="ask-loading">
          <span class="spinner" aria-hidden="true" />
          Answering “{asked.question}”…
        </p>
      );
    case "error":
      return (
        <div class="ask-error" role="alert" data-testid="ask-error">
          <p>{result.error.message}</p>
          <p class="muted small">
            Error code <code>{result.error.code}</code>
          </p>
        </div>
      );
    case "ready":
      return <AnswerView answer={result.data} onAsk={onAsk} onFollow={onFollow} />;
  }
}

function AnswerView({
  answer,
  onAsk,
  onFollow,
}: {
  answer: Answer;
  onAsk: (question: string) => void;
  onFollow: (link: string) => void;
}) {
  return (
    <article class="ask-answer" aria-label="Answer" data-testid="ask-answer" data-intent={answer.intent}>
      <p class="ask-text" data-testid="ask-text">
        {answer.answer}
      </p>
      {answer.fallback !== null && <p class="muted small">Note: {answer.fallback}</p>}
      {answer.ungrounded.length > 0 && (
        <p class="problem small">
          No engine call returned {answer.ungrounded.join(", ")}: check these before relying on them.
        </p>
      )}
      {answer.evidence.length > 0 && (
        <section aria-labelledby="ask-evidence-title">
          <h3 id="ask-evidence-title">Evidence</h3>
          <ul class="ask-evidence" data-testid="ask-evidence">
            {answer.evidence.map((e, i) => (
              <Evidence key={`${e.kind}-${i}`} item={e} onFollow={onFollow} />
            ))}
          </ul>
        </section>
      )}
      {answer.followups.length > 0 && (
        <section aria-labelledby="ask-followups-title">
          <h3 id="ask-followups-title">Ask next</h3>
          <ul class="ask-followups" data-testid="ask-followups">
            {answer.followups.map((f) => (
              <li key={f}>
                <button type="button" class="ask-chip" onClick={() => onAsk(f)}>
                  {f}
                </button>
              </li>
            ))}
          </ul>
        </section>
      )}
      <p class="muted small">
        Answered {answer.source === "builtin" ? "by the built-in engine" : `by ${answer.source}`} for{" "}
        {moment(answer.at_ms)} · times in {answer.time_zone}
      </p>
    </article>
  );
}

function Evidence({ item, onFollow }: { item: EvidenceItem; onFollow: (link: string) => void }) {
  const { link } = item;
  return (
    <li data-kind={item.kind}>
      <span class="badge">{item.kind}</span>{" "}
      {isAppLink(link) ? (
        <a
          href={link}
          onClick={(e) => {
            e.preventDefault();
            onFollow(link);
          }}
        >
          {item.summary}
        </a>
      ) : (
        <span>{item.summary}</span>
      )}
    </li>
  );
}
