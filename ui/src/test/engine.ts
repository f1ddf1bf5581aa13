// A stand-in for the engine behind `call` in component tests: answers by
// command name from a table, and records what was asked. (The real engine is
// exercised by the Rust tests and, through the real window, by the
// end-to-end test.)
import type { Mock } from "vitest";

type Handler = (request: never) => unknown;

/** Makes `call` answer from `handlers`; unknown commands reject like the shell would. */
export function answer(call: Mock, handlers: Record<string, Handler | unknown>): void {
  call.mockImplementation(async (name: string, request: unknown) => {
    if (!(name in handlers)) throw new Error(`the test did not expect command ${name}`);
    const h = handlers[name];
    return typeof h === "function" ? (h as (r: unknown) => unknown)(request) : h;
  });
}

/** The requests `call` got for command `name`. */
export function requests(call: Mock, name: string): unknown[] {
  return call.mock.calls.filter(([n]) => n === name).map(([, r]) => r as unknown);
}
