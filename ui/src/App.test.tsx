import { cleanup, render, screen } from "@testing-library/preact";
import { afterEach, expect, it, vi } from "vitest";

// The app reaches the engine only through ../ipc, so mocking `call` there is
// all it takes to run it without a desktop.
const call = vi.hoisted(() => vi.fn());
vi.mock("./ipc", async (importOriginal) => ({
  ...(await importOriginal<typeof import("./ipc")>()),
  call,
}));

import { App } from "./App";

afterEach(() => {
  cleanup();
  call.mockReset();
});

it("asks the engine for app_info and shows its answer", async () => {
  call.mockResolvedValue({ version: "9.9.9", db_path: "/tmp/s.db", schema_version: null });
  render(<App />);

  expect(await screen.findByText("v9.9.9")).toBeTruthy();
  expect(call).toHaveBeenCalledWith("app_info", {});
  expect(screen.getByRole("status").textContent).toContain("/tmp/s.db");
});

it("shows the engine's error when app_info fails", async () => {
  const { CallError } = await import("./ipc");
  call.mockRejectedValue(new CallError("invalid_request", "invalid request: nope"));
  render(<App />);

  expect((await screen.findByText(/Engine unavailable/)).textContent).toContain("invalid_request");
});
