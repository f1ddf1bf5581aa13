import { cleanup, render, screen, waitFor } from "@testing-library/preact";
import { afterEach, expect, it, vi } from "vitest";

// The app reaches the engine only through ./ipc, so replacing `call` and
// `stream` there is all it takes to run it without a desktop.
const call = vi.hoisted(() => vi.fn());
const stream = vi.hoisted(() => vi.fn(async () => ({})));
vi.mock("./ipc", async (importOriginal) => ({
  ...(await importOriginal<typeof import("./ipc")>()),
  call,
  stream,
}));

import { App } from "./App";
import { CallError } from "./ipc";
import { answer, requests } from "./test/engine";
import { overview, settings } from "./test/fixtures";
import { discoveryView } from "./test/discovery";
import { attributionView, incidentList } from "./test/investigate";

afterEach(() => {
  cleanup();
  call.mockReset();
  window.location.hash = "";
});

const info = (start_view: string | null) => ({
  version: "9.9.9",
  db_path: "/tmp/s.db",
  schema_version: null,
  project_dir: "/tmp/p",
  start_view,
  recorder_available: false,
  recorder_problem: null,
});

it("opens on the Overview, subscribes to live changes once, and shows app_info", async () => {
  answer(call, { app_info: info(null), overview: overview(), ui_ready: {} });
  render(<App />);
  expect(await screen.findByText("v9.9.9")).toBeTruthy();
  expect(await screen.findByRole("heading", { name: "Overview" })).toBeTruthy();
  expect(screen.getByRole("status", { name: "" }).textContent).toContain("/tmp/s.db");
  expect(stream).toHaveBeenCalledWith("subscribe", {}, expect.any(Function));
});

it("lands on the view the command line asked for", async () => {
  answer(call, { app_info: info("settings"), overview: overview(), settings: settings(), ui_ready: {} });
  render(<App />);
  await waitFor(() => expect(window.location.hash).toBe("#/settings"));
  expect(await screen.findByRole("heading", { name: "Settings" })).toBeTruthy();
});

it("keeps a route of its own over the start view", async () => {
  window.location.hash = "#/settings";
  answer(call, { app_info: info("overview"), settings: settings(), ui_ready: {} });
  render(<App />);
  expect(await screen.findByRole("heading", { name: "Settings" })).toBeTruthy();
  expect(window.location.hash).toBe("#/settings");
});

it("shows the engine's error when app_info fails", async () => {
  call.mockImplementation(async (name: string) => {
    if (name === "app_info") throw new CallError("database_refused", "notes.db is not a Sightline database");
    if (name === "overview") return overview();
    return {};
  });
  render(<App />);
  await waitFor(() =>
    expect(document.querySelector(".shell-status")?.textContent).toContain("Engine unavailable (database_refused)"),
  );
});

it("routes to the Incidents and Attribution views", async () => {
  window.location.hash = "#/incidents";
  answer(call, {
    app_info: info(null),
    incidents: incidentList(),
    attribution: attributionView({ firing: false, source: "incident" }),
    ui_ready: {},
  });
  render(<App />);
  expect(await screen.findByRole("heading", { name: "Incidents" })).toBeTruthy();
  expect(screen.getByRole("link", { current: "page" }).textContent).toBe("Incidents");
  window.location.hash = "#/attribution/checkout-latency?incident=7";
  expect(await screen.findByTestId("attribution-sentence")).toBeTruthy();
  expect(requests(call, "attribution")).toEqual([{ slo: "checkout-latency", incident: 7, at_ms: null }]);
});

it("routes to the Discovery view, which reads nothing until asked", async () => {
  window.location.hash = "#/discovery";
  answer(call, { app_info: info(null), discovery: discoveryView(), ui_ready: {} });
  render(<App />);
  expect(await screen.findByRole("heading", { name: "Discovery" })).toBeTruthy();
  expect(screen.getByRole("link", { current: "page" }).textContent).toBe("Discovery");
  expect(screen.getByTestId("discovery-files")).toBeTruthy();
  expect(requests(call, "discovery")).toEqual([]);
});
