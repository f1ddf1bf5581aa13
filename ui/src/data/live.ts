// Live store changes, pushed by the engine (never polled): one subscription
// per page, fanned out to every data hook that wants to refetch.
import { stream, type StoreChanged } from "../ipc";

type Listener = (change: StoreChanged) => void;

const listeners = new Set<Listener>();
let started: Promise<void> | null = null;

/** What a view refetches on. */
export type LiveTopic = "runs" | "events" | "slos" | "project";

/** Whether `change` touches any of `topics`. */
export function touches(change: StoreChanged, topics: readonly LiveTopic[]): boolean {
  return topics.some((t) => change[t]);
}

/** Hands `change` to every listener (the stream calls this; tests may too). */
export function publish(change: StoreChanged): void {
  for (const l of listeners) l(change);
}

/**
 * Subscribes to the engine's live changes, once per page. A failure (e.g.
 * outside the app) leaves views working from what they loaded; it is not
 * retried, so nothing polls.
 */
export function startLive(): Promise<void> {
  started ??= stream("subscribe", {}, publish).then(
    () => undefined,
    () => undefined,
  );
  return started;
}

/** Calls `listener` on every change until the returned function is called. */
export function onLiveChange(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
