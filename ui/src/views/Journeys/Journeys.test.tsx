import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/preact";
import { afterEach, describe, expect, it, vi } from "vitest";

const call = vi.hoisted(() => vi.fn());
const stream = vi.hoisted(() => vi.fn());
vi.mock("../../ipc", async (importOriginal) => ({
  ...(await importOriginal<typeof import("../../ipc")>()),
  call,
  stream,
}));

import { clearReplay } from "../../data/replays";
import type { ReplayEvent, RunsPage } from "../../ipc";
import { answer, requests } from "../../test/engine";
import { AT, journeyDetail, journeyList } from "../../test/fixtures";
import { Journeys } from ".";
import { bucketTimes } from "./Sparkline";

afterEach(() => {
  cleanup();
  call.mockReset();
  stream.mockReset();
  clearReplay();
  window.location.hash = "";
});

const noRuns: RunsPage = { runs: [], next: null, total: 0 };

describe("Journeys", () => {
  it("lists journeys with last results, success rate and p95, and a broken file's problem", async () => {
    answer(call, { journeys: journeyList(), ui_ready: {} });
    render(<Journeys selected={null} recorderAvailable={false} recorderProblem={null} />);
    const row = (await screen.findByText("checkout", { selector: ".journey-name" })).closest("tr") as HTMLElement;
    expect(within(row).getByText("eu-west-1").textContent).toContain("eu-west-1");
    expect(row.querySelector('[data-metric="success"]')?.textContent).toBe("97.85% of 2882");
    expect(row.querySelector('[data-metric="p95"]')?.textContent).toBe("1.6 s");
    expect(screen.getByText(/unknown step type "fly"/)).toBeTruthy();
  });

  it("opens a journey with Enter and moves between rows with the arrow keys", async () => {
    answer(call, { journeys: journeyList(), ui_ready: {} });
    render(<Journeys selected={null} recorderAvailable={false} recorderProblem={null} />);
    const row = (await screen.findByText("checkout", { selector: ".journey-name" })).closest("tr") as HTMLElement;
    row.focus();
    fireEvent.keyDown(row, { key: "ArrowDown" });
    expect(document.activeElement?.getAttribute("data-journey")).toBe("journeys/bad.yaml");
    fireEvent.keyDown(document.activeElement as Element, { key: "ArrowUp" });
    fireEvent.keyDown(document.activeElement as Element, { key: "Enter" });
    expect(window.location.hash).toBe("#/journeys/checkout");
  });

  it("shows the steps, Record, and replay steps as they arrive", async () => {
    answer(call, { journeys: journeyList(), journey_detail: journeyDetail(), runs_page: noRuns, ui_ready: {} });
    let push: (e: ReplayEvent) => void = () => undefined;
    stream.mockImplementation(async (_name: string, req: { journey: string; region: string | null; headed: boolean }, onEvent: (e: ReplayEvent) => void) => {
      push = onEvent;
      return { journey: req.journey, region: req.region ?? "local", base_url: null, headed: req.headed, steps: journeyDetail().steps };
    });
    render(<Journeys selected="checkout" recorderAvailable={false} recorderProblem={null} />);
    const pane = await screen.findByTestId("journey-pane");
    expect(within(pane).getByText("Pay")).toBeTruthy();
    // Record opens the Record panel even where the recorder cannot run: the panel says why.
    expect((within(pane).getByTestId("record-open") as HTMLButtonElement).disabled).toBe(false);
    expect(pane.textContent).not.toContain("not built yet");
    expect(await within(pane).findByText(/No runs yet/)).toBeTruthy();

    const from = within(pane).getByRole("combobox") as HTMLSelectElement;
    from.value = "eu-west-1";
    fireEvent(from, new Event("change", { bubbles: true }));
    fireEvent.click(within(pane).getByRole("checkbox"));
    fireEvent.click(within(pane).getByTestId("replay-now"));
    await waitFor(() => expect(stream).toHaveBeenCalled());
    expect(stream.mock.calls[0]?.[1]).toEqual({ journey: "checkout", region: "eu-west-1", headed: true });
    const live = await screen.findByTestId("live-steps");
    const statuses = () => Array.from(live.querySelectorAll("li")).map((li) => li.dataset.status);
    expect(statuses()).toEqual(["pending", "pending", "pending"]);

    push({ type: "step_started", index: 0, name: "Open the shop", kind: "navigate" });
    await waitFor(() => expect(statuses()).toEqual(["running", "pending", "pending"]));
    push({
      type: "step_finished",
      step: { index: 0, name: "Open the shop", kind: "navigate", offset_ms: 0, duration_ms: 420, outcome: "pass", error_class: null, error_message: null },
    });
    push({ type: "step_started", index: 1, name: "Pay", kind: "click" });
    push({
      type: "step_finished",
      step: { index: 1, name: "Pay", kind: "click", offset_ms: 420, duration_ms: 5000, outcome: "fail", error_class: "selector_not_found", error_message: "no element matched #pay" },
    });
    await waitFor(() => expect(statuses()).toEqual(["pass", "fail", "pending"]));
    expect(within(live).getByText("420 ms")).toBeTruthy();
    expect(within(live).getByText("no element matched #pay")).toBeTruthy();
    push({
      type: "finished",
      run: { id: "run-1", journey: "checkout", region: "eu-west-1", started_at_ms: AT, duration_ms: 5420, outcome: "fail", error_class: "selector_not_found", error_message: "x", attempt: 1, is_final: true, release_id: null },
    });
    const result = await screen.findByTestId("replay-result");
    expect(result.textContent).toContain("fail in 5.4 s from eu-west-1");
    expect(within(result).getByText("Open the run").getAttribute("href")).toBe("#/runs/run-1");
  });

  it("pages runs into a virtualised list", async () => {
    const run = (i: number) => ({
      id: `id-${i}`, journey: "checkout", region: "eu-west-1", started_at_ms: AT - i * 60_000, duration_ms: 900,
      outcome: "pass", error_class: null, error_message: null, attempt: 1, is_final: true, release_id: null,
    });
    answer(call, {
      journeys: journeyList(),
      journey_detail: journeyDetail(),
      ui_ready: {},
      runs_page: (req: { before: { id: string } | null }) =>
        req.before === null
          ? { runs: Array.from({ length: 200 }, (_, i) => run(i)), next: { started_at_ms: AT - 199 * 60_000, id: "id-199" }, total: 100_000 }
          : { runs: Array.from({ length: 200 }, (_, i) => run(200 + i)), next: { started_at_ms: 0, id: "id-399" }, total: 100_000 },
    });
    render(<Journeys selected="checkout" recorderAvailable={false} recorderProblem={null} />);
    expect(await screen.findByText("(100,000)")).toBeTruthy();
    const list = screen.getByRole("listbox", { name: "Runs of checkout" });
    expect(list.querySelectorAll('[role="option"]').length).toBeLessThan(40);
    fireEvent.keyDown(list, { key: "End" });
    await waitFor(() => expect(requests(call, "runs_page").length).toBeGreaterThanOrEqual(2));
    expect((requests(call, "runs_page")[1] as { before: { id: string } }).before.id).toBe("id-199");
  });
});

describe("sparkline buckets", () => {
  it("sit in the middle of each hour of the window", () => {
    const xs = bucketTimes(AT, 24 * 3_600_000, 24);
    expect(xs).toHaveLength(24);
    expect(xs[23]).toBe(AT + 1 - 1_800_000);
  });
});
