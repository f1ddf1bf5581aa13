// Requests to open the question box, from anywhere in the app: Ctrl/Cmd-K,
// the header's button, the Overview's suggested questions. The box (mounted
// once, in the shell) listens; nothing else needs to know where it lives.

type Listener = (question: string | null) => void;

const listeners = new Set<Listener>();

/** Opens the question box; with `question`, also asks it. */
export function openAsk(question: string | null = null): void {
  for (const l of listeners) l(question);
}

/** Calls `listener` on every request to open the box until the returned function is called. */
export function onOpenAsk(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** The questions worth asking about a firing alert on `slo`. */
export function alertQuestions(slo: string): string[] {
  return [`why is ${slo} burning?`, "did the last deploy cause this?"];
}
