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
  const topics = (options.refreshOn ?? []).join(",");

  useEffect(() => {
    if (options.skip) return;
    let current = true;
    // A new request shows the loading state; a live refresh keeps the data.
    if (lastKey.current !== key) setValue({ state: "loading" });
    lastKey.current = key;
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
    return onLiveChange((change) => {
      if (touches(change, wanted)) setTick((t) => t + 1);
    });
  }, [topics]);

  return { ...value, reload: () => setTick((t) => t + 1) };
}
