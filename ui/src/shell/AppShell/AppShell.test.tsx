import { cleanup, render, screen, within } from "@testing-library/preact";
import { afterEach, describe, expect, it } from "vitest";

import { CallError } from "../../ipc";
import { AppShell } from "./AppShell";

afterEach(cleanup);

const info = { version: "0.1.0", db_path: "/home/ana/.local/share/sightline/sightline.db" };

describe("AppShell", () => {
  it("shows the title, the version and the database once app_info answers", () => {
    render(<AppShell appInfo={{ state: "ready", data: { ...info, schema_version: 4 } }} />);

    expect(screen.getByRole("heading", { level: 1 }).textContent).toBe("Sightline");
    expect(screen.getByLabelText("version").textContent).toBe("v0.1.0");
    const status = screen.getByRole("status");
    expect(within(status).getByText(info.db_path).tagName).toBe("CODE");
    expect(status.textContent).toContain("schema v4");
  });

  it("says the database is not created yet when it has no schema version", () => {
    render(<AppShell appInfo={{ state: "ready", data: { ...info, schema_version: null } }} />);
    expect(screen.getByRole("status").textContent).toContain("not created yet");
  });

  it("shows the empty state when there is no view", () => {
    render(<AppShell appInfo={{ state: "ready", data: { ...info, schema_version: 1 } }} />);
    expect(screen.getByRole("heading", { level: 2 }).textContent).toBe("Nothing to show yet");
  });

  it("shows a view instead of the empty state when given one", () => {
    render(
      <AppShell appInfo={{ state: "loading" }}>
        <p>a view</p>
      </AppShell>,
    );
    expect(screen.getByText("a view")).toBeTruthy();
    expect(screen.queryByText("Nothing to show yet")).toBeNull();
  });

  it("says it is connecting while app_info loads, with no version yet", () => {
    render(<AppShell appInfo={{ state: "loading" }} />);
    expect(screen.getByRole("status").textContent).toBe("Connecting to the engine…");
    expect(screen.queryByLabelText("version")).toBeNull();
  });

  it("explains an engine failure by its code and message", () => {
    const error = new CallError("no_desktop", "This page is running outside the Sightline app.");
    render(<AppShell appInfo={{ state: "error", error }} />);
    expect(screen.getByRole("status").textContent).toBe("Engine unavailable (no_desktop)");
    expect(screen.getByText(/could not reach its engine/).textContent).toContain(
      "running outside the Sightline app",
    );
  });
});
