// The UI's only door to the desktop shell.
//
// Nothing outside ui/src/ipc/ may import `@tauri-apps/*` (src/ipc-boundary.test.ts
// enforces it): views call `call()` through data hooks, so they can be tested
// with this module mocked and never depend on Tauri directly.
//
// Command names and their request/response types come from the Rust contract
// (`ipc_contract!` in crates/api) through the generated files in ./bindings.
import { invoke, isTauri } from "@tauri-apps/api/core";

import type { ErrorCode } from "./bindings/ErrorCode";
import type { IpcContract } from "./bindings/contract";
import type { IpcError } from "./bindings/IpcError";

export type { AppInfo } from "./bindings/AppInfo";
export type { AppInfoRequest } from "./bindings/AppInfoRequest";
export type { ErrorCode } from "./bindings/ErrorCode";
export type { IpcContract } from "./bindings/contract";
export { IPC_COMMANDS } from "./bindings/contract";

/** The name of an IPC command. */
export type CommandName = keyof IpcContract;
/** What command `K` takes. */
export type CommandRequest<K extends CommandName> = IpcContract[K]["request"];
/** What command `K` answers. */
export type CommandResponse<K extends CommandName> = IpcContract[K]["response"];

/**
 * Why a call failed: an engine error code from the Rust side, or one of two
 * that only the UI can see (`no_desktop`: the page runs outside the app, e.g.
 * in a plain browser; `unexpected`: the shell answered something that is not
 * an IpcError).
 */
export type CallErrorCode = ErrorCode | "no_desktop" | "unexpected";

/** A failed IPC call. Branch on `code`, show `message`. */
export class CallError extends Error {
  readonly code: CallErrorCode;

  constructor(code: CallErrorCode, message: string) {
    super(message);
    this.name = "CallError";
    this.code = code;
  }
}

function isIpcError(value: unknown): value is IpcError {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as IpcError).code === "string" &&
    typeof (value as IpcError).message === "string"
  );
}

/** Calls command `name` of the desktop shell with `request`. */
export async function call<K extends CommandName>(
  name: K,
  request: CommandRequest<K>,
): Promise<CommandResponse<K>> {
  if (!isTauri()) {
    throw new CallError(
      "no_desktop",
      "This page is running outside the Sightline app, so it cannot reach the engine.",
    );
  }
  try {
    // Every adapter in src-tauri takes its request as the argument `req`.
    return await invoke<CommandResponse<K>>(name, { req: request });
  } catch (err) {
    if (isIpcError(err)) throw new CallError(err.code, err.message);
    throw new CallError("unexpected", String(err));
  }
}
