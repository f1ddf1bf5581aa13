import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/preact";
import { afterEach, describe, expect, it, vi } from "vitest";

const call = vi.hoisted(() => vi.fn());
vi.mock("../../ipc", async (importOriginal) => ({
  ...(await importOriginal<typeof import("../../ipc")>()),
  call,
}));

import { CallError } from "../../ipc";
import { answer, requests } from "../../test/engine";
import { settings } from "../../test/fixtures";
import { Settings } from ".";

afterEach(() => {
  cleanup();
  call.mockReset();
});

const type = (el: HTMLElement, value: string) => {
  (el as HTMLInputElement).value = value;
  fireEvent(el, new Event("input", { bubbles: true }));
};

describe("Settings", () => {
  it("shows where the data lives, the regions and the pool", async () => {
    answer(call, { settings: settings(), ui_ready: {} });
    render(<Settings />);
    expect((await screen.findByTestId("db-path")).textContent).toBe("/home/ana/.local/share/sightline/sightline.db");
    expect(screen.getByText(/5,762 runs · 5.0 MiB/)).toBeTruthy();
    expect((screen.getByLabelText("Region 1 base URL") as HTMLInputElement).value).toBe("http://127.0.0.1:8090");
    expect((screen.getByLabelText("Browsers in the runner pool") as HTMLInputElement).placeholder).toContain("default: 2");
  });

  it("says clearly when the keyring is unavailable", async () => {
    answer(call, { settings: settings(), ui_ready: {} });
    render(<Settings />);
    expect((await screen.findByTestId("keyring-problem")).textContent).toContain("OS keyring is not available");
    const row = screen.getByText("shop_password").closest("tr") as HTMLElement;
    expect(within(row).getByText("unknown")).toBeTruthy();
  });

  it("stores a secret without ever showing its value back", async () => {
    const value = "correct horse battery staple";
    const stored = settings().secrets;
    answer(call, {
      settings: settings(),
      ui_ready: {},
      secret_set: { ...stored, available: true, problem: null, secrets: [{ ...stored.secrets[0]!, stored: true }] },
    });
    render(<Settings />);
    const input = (await screen.findByLabelText("New value for shop_password")) as HTMLInputElement;
    expect(input.type).toBe("password");
    type(input, value);
    fireEvent.submit(input.closest("form") as HTMLFormElement);
    await waitFor(() => expect(requests(call, "secret_set")).toEqual([{ name: "shop_password", value }]));
    await screen.findByText(/is stored in the OS keyring/);
    expect(input.value).toBe("");
    expect(document.body.textContent).not.toContain(value);
    expect(within(screen.getByText("shop_password").closest("tr") as HTMLElement).getByText("yes")).toBeTruthy();
  });

  it("saves the runner settings and shows the engine's refusal by field", async () => {
    answer(call, {
      settings: settings(),
      ui_ready: {},
      settings_save: () => {
        throw new CallError("bad_input", "runner.pool_size: 9 is out of range: use 1 to 8 browsers");
      },
    });
    render(<Settings />);
    type(await screen.findByLabelText("Browsers in the runner pool"), "9");
    fireEvent.submit(screen.getByLabelText("Browsers in the runner pool").closest("form") as HTMLFormElement);
    await waitFor(() => expect(requests(call, "settings_save")).toEqual([{ pool_size: 9, regions: [{ name: "eu-west-1", base_url: "http://127.0.0.1:8090" }] }]));
    const refusal = await screen.findByText(/runner.pool_size: 9 is out of range/);
    expect(refusal.getAttribute("role")).toBe("alert");
  });
});
