// The UI's only door to the desktop shell.
//
// Nothing outside ui/src/ipc/ may import `@tauri-apps/*` (src/ipc-boundary.test.ts
// enforces it): views call `call()` and `stream()` through data hooks, so they
// can be tested with this module replaced and never depend on Tauri directly.
//
// Command names and their request/response types come from the Rust contract
// (`ipc_contract!` in crates/api) through the generated files in ./bindings,
// plus the question box's `ask` (crates/ask/src/bindings.rs), whose bindings
// are generated into ./bindings/ask: the shell registers it beside the
// contract, and `call` takes it like any other command.
import { Channel, invoke, isTauri } from "@tauri-apps/api/core";

import type { AskContract } from "./bindings/ask/contract";
import type { ErrorCode } from "./bindings/ErrorCode";
import type { IpcContract, IpcStreams } from "./bindings/contract";
import type { IpcError } from "./bindings/IpcError";

// Every type the engine sends or takes, generated from the Rust types.
export type * from "./bindings";
export type * from "./bindings/ask";
export type { IpcContract, IpcStreams } from "./bindings/contract";
export type { AskContract } from "./bindings/ask/contract";
export { IPC_COMMANDS } from "./bindings/contract";
export { ASK_COMMANDS } from "./bindings/ask/contract";

/** Every command the shell answers: the api's contract and the question box's `ask`. */
export type Commands = IpcContract & AskContract;
/** The name of an IPC command. */
export type CommandName = keyof Commands;
/** What command `K` takes. */
export type CommandRequest<K extends CommandName> = Commands[K]["request"];
/** What command `K` answers. */
export type CommandResponse<K extends CommandName> = Commands[K]["response"];

/** The name of an IPC stream. */
export type StreamName = keyof IpcStreams;
/** What stream `K` takes. */
export type StreamRequest<K extends StreamName> = IpcStreams[K]["request"];
/** What stream `K` answers at once. */
export type StreamResponse<K extends StreamName> = IpcStreams[K]["response"];
/** What stream `K` then pushes. */
export type StreamEvent<K extends StreamName> = IpcStreams[K]["event"];

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

function outsideTheApp(): CallError {
  return new CallError(
    "no_desktop",
    "This page is running outside the Sightline app, so it cannot reach the engine.",
  );
}

function asCallError(err: unknown): CallError {
  if (err instanceof CallError) return err;
  if (isIpcError(err)) return new CallError(err.code, err.message);
  return new CallError("unexpected", String(err));
}

/** Calls command `name` of the desktop shell with `request`. */
export async function call<K extends CommandName>(
  name: K,
  request: CommandRequest<K>,
): Promise<CommandResponse<K>> {
  if (!isTauri()) throw outsideTheApp();
  try {
    // Every adapter in src-tauri takes its request as the argument `req`.
    return await invoke<CommandResponse<K>>(name, { req: request });
  } catch (err) {
    throw asCallError(err);
  }
}

/**
 * Starts stream `name`: answers like a command, then calls `onEvent` with
 * every event the engine pushes. The events travel over a Tauri channel,
 * which needs no permission beyond the command itself.
 */
export async function stream<K extends StreamName>(
  name: K,
  request: StreamRequest<K>,
  onEvent: (event: StreamEvent<K>) => void,
): Promise<StreamResponse<K>> {
  if (!isTauri()) throw outsideTheApp();
  const channel = new Channel<StreamEvent<K>>();
  channel.onmessage = onEvent;
  try {
    // The adapters name the channel argument `on_event` (camelCase in JS).
    return await invoke<StreamResponse<K>>(name, { req: request, onEvent: channel });
  } catch (err) {
    throw asCallError(err);
  }
}
