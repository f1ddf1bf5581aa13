import { cleanup, fireEvent, render, screen, within } from "@testing-library/preact";
import { afterEach, describe, expect, it, vi } from "vitest";

const call = vi.hoisted(() => vi.fn());
vi.mock("../../ipc", async (importOriginal) => ({
  ...(await importOriginal<typeof import("../../ipc")>()),
  call,
}));

import { CallError } from "../../ipc";
import { AppShell } from "./AppShell";

afterEach(() => {
  cleanup();
  call.mockReset();
  window.location.hash = "";
});

const info = {
  version: "0.1.0",
  db_path: "/home/ana/.local/share/sightline/sightline.db",
  project_dir: "/home/ana/shop",
  start_view: null,
  recorder_available: false,
  recorder_problem: null,
};

describe("AppShell", () => {
  it("shows the version, the database and the project once app_info answers", () => {
    render(
      <AppShell appInfo={{ state: "ready", data: { ...info, schema_version: 4 } }} current="overview">
        <p>view</p>
      </AppShell>,
    );
    expect(screen.getByRole("heading", { level: 1 }).textContent).toBe("Sightline");
    expect(screen.getByLabelText("version").textContent).toBe("v0.1.0");
    const status = screen.getByRole("status");
    expect(within(status).getByText(info.db_path).tagName).toBe("CODE");
    expect(status.textContent).toContain("schema v4");
    expect(status.textContent).toContain("/home/ana/shop");
  });

  it("marks the current view in the navigation; the run viewer belongs to Journeys", () => {
    render(
      <AppShell appInfo={{ state: "loading" }} current="runs">
        <p>run</p>
      </AppShell>,
    );
    const current = screen.getByRole("link", { current: "page" });
    expect(current.textContent).toBe("Journeys");
    expect(screen.getByRole("status").textContent).toBe("Connecting to the engine…");
  });

  it("jumps to a view with Alt and its number", () => {
    render(
      <AppShell appInfo={{ state: "loading" }} current="overview">
        <p>v</p>
      </AppShell>,
    );
    fireEvent.keyDown(window, { key: "4", altKey: true });
    expect(window.location.hash).toBe("#/settings");
    fireEvent.keyDown(window, { key: "2", altKey: true });
    expect(window.location.hash).toBe("#/journeys");
    fireEvent.keyDown(window, { key: "3" });
    expect(window.location.hash).toBe("#/journeys");
    fireEvent.keyDown(window, { key: "5", altKey: true });
    expect(window.location.hash).toBe("#/incidents");
    fireEvent.keyDown(window, { key: "6", altKey: true });
    expect(window.location.hash).toBe("#/discovery");
    expect(screen.getByRole("link", { name: "Discovery" }).getAttribute("aria-keyshortcuts")).toBe("Alt+6");
  });

  it("lists Incidents in the navigation, and shows an attribution under the Overview", () => {
    render(
      <AppShell appInfo={{ state: "loading" }} current="attribution">
        <p>why</p>
      </AppShell>,
    );
    const incidents = screen.getByRole("link", { name: "Incidents" });
    expect(incidents.getAttribute("href")).toBe("#/incidents");
    expect(incidents.getAttribute("aria-keyshortcuts")).toBe("Alt+5");
    expect(screen.getByRole("link", { current: "page" }).textContent).toBe("Overview");
  });

  it("explains an engine failure by its code and message", () => {
    const error = new CallError("no_desktop", "This page is running outside the Sightline app.");
    render(
      <AppShell appInfo={{ state: "error", error }} current="overview">
        <p>v</p>
      </AppShell>,
    );
    expect(screen.getByRole("status").textContent).toContain("Engine unavailable (no_desktop)");
  });

  it("opens the question box from the header's button, over any view", () => {
    render(
      <AppShell appInfo={{ state: "loading" }} current="settings">
        <p>v</p>
      </AppShell>,
    );
    expect(screen.queryByRole("dialog")).toBeNull();
    const button = screen.getByRole("button", { name: /^Ask/ });
    expect(button.getAttribute("aria-keyshortcuts")).toMatch(/^(Control|Meta)\+K$/);
    expect(button.getAttribute("aria-haspopup")).toBe("dialog");
    fireEvent.click(button);
    const dialog = screen.getByRole("dialog", { name: "Ask Sightline" });
    expect(document.activeElement).toBe(within(dialog).getByLabelText("Question"));
    expect(call).not.toHaveBeenCalled();
  });
});
