// Data hooks: how views get engine data. They call ../ipc, never Tauri.
import { useEffect, useState } from "preact/hooks";

import {
  call,
  CallError,
  type CommandName,
  type CommandRequest,
  type CommandResponse,
} from "../ipc";

/** A value that is loading, has loaded, or failed to load. */
export type Loadable<T> =
  | { state: "loading" }
  | { state: "ready"; data: T }
  | { state: "error"; error: CallError };

/**
 * Calls command `name` once per distinct `request` and tracks the answer.
 * A response that arrives after the request changed is dropped.
 */
export function useCommand<K extends CommandName>(
  name: K,
  request: CommandRequest<K>,
): Loadable<CommandResponse<K>> {
  const [value, setValue] = useState<Loadable<CommandResponse<K>>>({ state: "loading" });
  // Requests are plain data, so their JSON is a stable identity for the effect.
  const key = JSON.stringify(request);

  useEffect(() => {
    let current = true;
    setValue({ state: "loading" });
    call(name, JSON.parse(key) as CommandRequest<K>).then(
      (data) => current && setValue({ state: "ready", data }),
      (err: unknown) =>
        current &&
        setValue({
          state: "error",
          error: err instanceof CallError ? err : new CallError("unexpected", String(err)),
        }),
    );
    return () => {
      current = false;
    };
  }, [name, key]);

  return value;
}
