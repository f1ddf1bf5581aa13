import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/preact";
import { afterEach, describe, expect, it, vi } from "vitest";

const call = vi.hoisted(() => vi.fn());
vi.mock("../../ipc", async (importOriginal) => ({
  ...(await importOriginal<typeof import("../../ipc")>()),
  call,
}));

import { CallError, type SloPreviewRequest, type SloSaveRequest } from "../../ipc";
import { answer, requests } from "../../test/engine";
import { sloList, sloPreview } from "../../test/fixtures";
import { Slos } from ".";

afterEach(() => {
  cleanup();
  call.mockReset();
  window.location.hash = "";
});

const type = (el: HTMLElement, value: string) => {
  (el as HTMLInputElement).value = value;
  fireEvent(el, new Event("input", { bubbles: true }));
};

describe("the SLO editor", () => {
  it("edits an SLO with a live preview of the stored history", async () => {
    answer(call, {
      slo_list: sloList(),
      slo_preview: sloPreview(),
      slo_save: { name: "checkout-availability", file: "slos/checkout-availability.yaml", moved_from: "slos/checkout.yaml", comments_dropped: true },
      ui_ready: {},
    });
    render(<Slos selected="checkout-availability" />);
    const target = await screen.findByLabelText("Target (%)");
    expect((target as HTMLInputElement).value).toBe("99");
    const sli = await screen.findByText("99.40%", { selector: '[data-metric="preview-sli"]' });
    expect(sli).toBeTruthy();

    type(target, "99.9");
    await waitFor(() =>
      expect((requests(call, "slo_preview").at(-1) as SloPreviewRequest).draft.target).toBe(0.999),
    );
    fireEvent.submit(screen.getByRole("button", { name: "Save" }).closest("form") as HTMLFormElement);
    await waitFor(() => expect(requests(call, "slo_save")).toHaveLength(1));
    const saved = requests(call, "slo_save")[0] as SloSaveRequest;
    expect(saved.original_name).toBe("checkout-availability");
    expect(saved.draft.target).toBe(0.999);
    const status = await screen.findByText(/Saved to/);
    expect(status.textContent).toContain("moved out of slos/checkout.yaml");
    expect(status.textContent).toContain("comments were not kept");
  });

  it("names the field the engine refused, and a field that is not a number", async () => {
    answer(call, {
      slo_list: sloList(),
      slo_preview: () => {
        throw new CallError("bad_input", "window.time_zone: \"Mars/Olympus\" is not an IANA time zone, e.g. Europe/Paris");
      },
      ui_ready: {},
    });
    render(<Slos selected="new" />);
    const err = await screen.findByTestId("preview-error");
    expect(err.textContent).toContain("window.time_zone");
    type(await screen.findByLabelText("Target (%)"), "lots");
    await waitFor(() => expect(screen.getByTestId("preview-error").textContent).toContain("target: enter the objective"));
    expect((screen.getByLabelText("Target (%)") as HTMLInputElement).getAttribute("aria-invalid")).toBe("true");
  });

  it("offers the journey's steps and lists the SLOs", async () => {
    answer(call, { slo_list: sloList(), slo_preview: sloPreview(), ui_ready: {} });
    render(<Slos selected="new" />);
    const step = (await screen.findByLabelText("Step")) as HTMLSelectElement;
    expect(Array.from(step.options).map((o) => o.value)).toEqual(["", "Open the shop", "Pay", "assertText #done"]);
    const nav = screen.getByRole("navigation", { name: "SLOs" });
    expect(within(nav).getByText("checkout-availability").getAttribute("href")).toBe("#/slos/checkout-availability");
  });
});
