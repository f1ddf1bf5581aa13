// Data hooks: how views get engine data. They call ../ipc, never Tauri.
import { useEffect, useRef, useState } from "preact/hooks";

import {
  call,
  CallError,
  type CommandName,
  type CommandRequest,
  type CommandResponse,
} from "../ipc";
import { type LiveTopic, onLiveChange, touches } from "./live";

/** A value that is loading, has loaded, or failed to load. */
export type Loadable<T> =
  | { state: "loading" }
  | { state: "ready"; data: T }
  | { state: "error"; error: CallError };

export interface CommandOptions {
  /** Refetch, keeping the current data on screen, when these change. */
  refreshOn?: readonly LiveTopic[];
  /** Do not call at all (e.g. while a required field is empty). */
  skip?: boolean;
  /**
   * Live refetches at most this often, in ms: a change sooner after the
   * last call is answered by one call when the interval is up, so the last
   * change is never missed (and a busy runner does not rerun a costly command
   * on every run).
   */
  minRefreshMs?: number;
}

function toCallError(err: unknown): CallError {
  return err instanceof CallError ? err : new CallError("unexpected", String(err));
}

/**
 * Calls command `name` once per distinct `request`, and again (without
 * showing a loading state) whenever a live change touches `refreshOn`.
 * A response that arrives after the request changed is dropped.
 */
export function useCommand<K extends CommandName>(
  name: K,
  request: CommandRequest<K>,
  options: CommandOptions = {},
): Loadable<CommandResponse<K>> & { reload: () => void } {
  const [value, setValue] = useState<Loadable<CommandResponse<K>>>({ state: "loading" });
  const [tick, setTick] = useState(0);
  // Requests are plain data, so their JSON is a stable identity for the effect.
  const key = JSON.stringify(request);
  const lastKey = useRef<string | null>(null);
  const lastCallMs = useRef(0);
  const topics = (options.refreshOn ?? []).join(",");
  const minGap = options.minRefreshMs ?? 0;

  useEffect(() => {
    if (options.skip) return;
    let current = true;
    // A new request shows the loading state; a live refresh keeps the data.
    if (lastKey.current !== key) setValue({ state: "loading" });
    lastKey.current = key;
    lastCallMs.current = Date.now();
    call(name, JSON.parse(key) as CommandRequest<K>).then(
      (data) => current && setValue({ state: "ready", data }),
      (err: unknown) => current && setValue({ state: "error", error: toCallError(err) }),
    );
    return () => {
      current = false;
    };
  }, [name, key, tick, options.skip]);

  useEffect(() => {
    if (!topics) return;
    const wanted = topics.split(",") as LiveTopic[];
    let later: ReturnType<typeof setTimeout> | null = null;
    const refetch = () => {
      later = null;
      setTick((t) => t + 1);
    };
    const stop = onLiveChange((change) => {
      if (!touches(change, wanted) || later !== null) return;
      const wait = lastCallMs.current + minGap - Date.now();
      if (wait <= 0) refetch();
      else later = setTimeout(refetch, wait);
    });
    return () => {
      stop();
      if (later !== null) clearTimeout(later);
    };
  }, [topics, minGap]);

  return { ...value, reload: () => setTick((t) => t + 1) };
}
